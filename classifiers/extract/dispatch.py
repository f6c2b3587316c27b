"""Which extractor reads a file: magic bytes first, the extension second.

``extract_bytes`` is the recursive entry used for archive members and attachments: every
call shares one ``Context`` (budgets) and returns a ``DocBuilder``; budgets running out and
unreadable parts become notes and ``complete=False``, never exceptions. Only the outermost
call (``extract_path``) lets ``BinaryContent`` / ``UnsupportedFormat`` escape.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder
from classifiers.extract.errors import BinaryContent, ExtractionError, UnsupportedFormat
from classifiers.extract.markup import html_hidden_spans
from classifiers.extract.text import decode_bytes
from classifiers.extract.zipread import ZIP_DAMAGE

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
_OFFICE_EXT = {
    ".docx": "docx", ".docm": "docx", ".dotx": "docx", ".dotm": "docx",
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xltx": "xlsx", ".xltm": "xlsx",
    ".pptx": "pptx", ".pptm": "pptx", ".potx": "pptx", ".ppsx": "pptx",
    ".odt": "odt", ".ods": "ods", ".odp": "odp",
}
_LEGACY_OFFICE = {".doc", ".xls", ".ppt", ".dot", ".xlt", ".pps"}
_EMAIL_HEADERS = (b"received:", b"return-path:", b"delivered-to:", b"mime-version:",
                  b"message-id:", b"x-")
_BZ2_BLOCKS = (b"\x31\x41\x59\x26\x53\x59", b"\x17\x72\x45\x38\x50\x90")  # block, end
TEXT_KINDS = frozenset({"text", "html"})
ARCHIVE_KINDS = frozenset({"zip", "tar", "gz", "bz2", "xz"})


def sniff_kind(head: bytes, name: str) -> str:
    """The kind of a file from its first bytes (at least 512 when the file has them)."""
    ext = PurePosixPath(name.lower()).suffix
    # Readers accept the header anywhere in the first KiB; a text that merely mentions
    # "%PDF-" does too, so elsewhere than at the start it counts only for a .pdf name.
    if head.startswith(b"%PDF-") or (ext == ".pdf" and b"%PDF-" in head[:1024]):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _OFFICE_EXT.get(ext, "zip")
    if head.startswith(OLE_MAGIC):
        if ext == ".msg":
            return "msg"
        if ext in _OFFICE_EXT:
            return "encrypted-office"
        return "ole"
    if head.startswith(b"\x1f\x8b"):
        return "gz"
    if head.startswith((b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07")):
        return "7z-rar"
    if head[:3] == b"BZh" and head[3:4] in b"123456789" and head[4:10] in _BZ2_BLOCKS:
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head[257:262] == b"ustar":
        return "tar"
    if ext in (".eml", ".mht", ".mhtml") or (ext == "" and _looks_like_email(head)):
        return "eml"
    if ext in _HTML_EXT:
        return "html"
    return "text"


def _looks_like_email(head: bytes) -> bool:
    low = head[:4096].lower()
    if low.startswith(_EMAIL_HEADERS):
        return True
    return low.startswith((b"from:", b"to:", b"date:")) and b"\nsubject:" in low


def extract_bytes(data: bytes, name: str, ctx: Context, kind: str | None = None) -> DocBuilder:
    """Extract an in-memory file. Raises only BinaryContent / UnsupportedFormat."""
    if kind is None:
        kind = sniff_kind(data[:2048], name)
    if kind == "zip":
        kind = _ooxml_kind(data) or "zip"
    try:
        doc = _by_kind(data, name, ctx, kind)
    except (ExtractionError, BudgetExceeded):
        raise
    except MemoryError:
        doc = DocBuilder()
        doc.segment("")
        doc.incomplete(f"{kind} needs more memory than allowed, not checked")
    except Exception as exc:  # safety net: a parser bug must not crash the guard
        doc = DocBuilder()
        doc.segment("")
        doc.incomplete(f"{kind} could not be read (unexpected {type(exc).__name__}), "
                       "not checked")
    doc.kind = kind
    return doc


def _by_kind(data: bytes, name: str, ctx: Context, kind: str) -> DocBuilder:
    if kind in TEXT_KINDS:
        return _text_doc(data, name, kind)
    if kind in ("docx", "xlsx", "pptx"):
        from classifiers.extract.office import extract_office

        return extract_office(data, name, kind, ctx)
    if kind in ("odt", "ods", "odp"):
        from classifiers.extract.odf import extract_odf

        return extract_odf(data, name, kind, ctx)
    if kind == "pdf":
        from classifiers.extract.pdf import extract_pdf_sandboxed

        return extract_pdf_sandboxed(data, name, ctx)
    if kind in ARCHIVE_KINDS:
        from classifiers.extract.archive import extract_archive

        return extract_archive(data, name, kind, ctx)
    if kind == "eml":
        from classifiers.extract.email import extract_email

        return extract_email(data, name, ctx)
    if kind == "msg":
        from classifiers.extract.email import extract_msg

        return extract_msg(data, name, ctx)
    if kind == "encrypted-office":
        doc = DocBuilder()
        doc.segment("")
        doc.incomplete("password-protected (encrypted) Office file, text not checked")
        return doc
    if kind == "7z-rar":
        raise UnsupportedFormat(
            f"{name} is a 7-Zip or RAR archive, which presend does not open; extract it and "
            "scan the files, or repack it as .zip"
        )
    if kind == "ole":
        raise UnsupportedFormat(
            f"{name} is a legacy Office file (.doc/.xls/.ppt); save it as .docx/.xlsx/.pptx "
            "and scan that"
        )
    raise UnsupportedFormat(f"{name}: this kind of file is not supported; save it as text")


def _ooxml_kind(data: bytes) -> str | None:
    """The Office kind of a zip (OOXML by its parts, OpenDocument by its mimetype)."""
    from classifiers.extract.odf import odf_kind

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist()[:10_000])
            odf = odf_kind(zf) if "mimetype" in names else None
    except ZIP_DAMAGE:
        return None
    if odf:
        return odf
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return None


def _text_doc(data: bytes, name: str, kind: str) -> DocBuilder:
    text, codec = decode_bytes(data, name)
    doc = DocBuilder(encoding=codec)
    doc.segment("")
    doc.write(text)
    if kind == "html":
        for h in html_hidden_spans(text):
            doc.mark_hidden(h.start, h.end, h.reason)
    return doc


__all__ = ["ARCHIVE_KINDS", "TEXT_KINDS", "BinaryContent", "extract_bytes", "sniff_kind"]
