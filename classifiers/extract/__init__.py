"""File extraction: any file people upload becomes text with locations, safely and fast.

Public API::

    from classifiers.extract import extract_path, Limits, ExtractedText, Segment, HiddenSpan
    extracted = extract_path(path)            # raises ExtractionError subclasses
    result = engine.scan_stream(extracted.pieces)
    where = extracted.locate(finding.start)   # "page 2:14", "Sheet2!C7", "line 3"

Plain text is streamed; documents (Office, PDF, e-mail, archives) are read into memory
within ``Limits`` and give one piece. Budgets that run out, password protection and PDFs
without a text layer give ``complete=False`` with notes, never an exception.
"""

from __future__ import annotations

from pathlib import Path

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder
from classifiers.extract.dispatch import TEXT_KINDS, extract_bytes, sniff_kind
from classifiers.extract.errors import (
    BinaryContent,
    ExtractionError,
    FileNotReadable,
    FileVanished,
    NotARegularFile,
    PermissionDenied,
    UnsupportedFormat,
)
from classifiers.extract.files import read_all, read_head
from classifiers.extract.text import SAMPLE, extract_text_file
from classifiers.extract.types import ExtractedText, HiddenSpan, Limits, Segment

__all__ = [
    "BinaryContent",
    "ExtractedText",
    "ExtractionError",
    "FileNotReadable",
    "FileVanished",
    "HiddenSpan",
    "Limits",
    "NotARegularFile",
    "PermissionDenied",
    "Segment",
    "UnsupportedFormat",
    "extract_bytes_as_text",
    "extract_path",
]


def extract_path(path: Path | str, limits: Limits = Limits()) -> ExtractedText:  # noqa: B008
    """Turn the file at ``path`` into text with locations (see the module docstring)."""
    path = Path(path)
    head, size = read_head(path, SAMPLE)
    kind = sniff_kind(head, path.name)
    if kind in TEXT_KINDS:
        return extract_text_file(path, size, head, kind)
    if size > limits.max_document_bytes:
        doc = DocBuilder()
        doc.segment("")
        doc.incomplete(
            f"file too large to open as a document ({size:,} bytes; limit "
            f"{limits.max_document_bytes:,}), not checked"
        )
        return doc.result(kind)
    data = read_all(path)
    return extract_bytes_as_text(data, path.name, limits, kind)


def extract_bytes_as_text(
    data: bytes, name: str, limits: Limits = Limits(), kind: str | None = None  # noqa: B008
) -> ExtractedText:
    """Like ``extract_path`` for bytes already in memory (``name`` gives the extension)."""
    ctx = Context(limits)
    try:
        doc = extract_bytes(data, name, ctx, kind)
    except BudgetExceeded as exc:  # extractors note budgets themselves; this is the net
        doc = DocBuilder()
        doc.segment("")
        doc.incomplete(exc.note)
    return doc.result(kind or sniff_kind(data[:2048], name))
