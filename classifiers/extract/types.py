"""Value objects of extraction: Limits, Segment, HiddenSpan, ExtractedText."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety budgets of one extraction (policy sets them; these are the defaults).

    ``max_total_bytes`` caps the bytes decompressed or parsed for one file (all archive
    members, XML parts and attachments together); ``max_ratio`` the compression ratio of any
    one member; ``max_entries`` the members read from one archive; ``max_depth`` the nesting
    of archives, attachments and embedded files; ``max_pages`` / ``max_cells`` / ``max_slides``
    the parts of a document read; ``max_seconds`` the wall time for one file;
    ``max_document_bytes`` the size of a file read into memory as one document;
    ``max_memory_bytes`` the address-space cap of the sandboxed parser process.

    ``max_cells`` trades coverage for memory: every cell is its own location, and the
    whole process peaked at 84 MB for 250,000 cells and 147 MB for 500,000 (measured).
    """

    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 200
    max_entries: int = 10_000
    max_depth: int = 4
    max_pages: int = 2_000
    max_cells: int = 250_000
    max_slides: int = 2_000
    max_seconds: float = 30.0
    max_document_bytes: int = 256 * 1024 * 1024
    max_memory_bytes: int = 1024 * 1024 * 1024
    sandbox: bool = True


@dataclass(frozen=True, slots=True)
class Segment:
    """Text from ``start`` on (until the next segment) comes from the place ``label``.

    When ``line_base`` is true, a location also carries a line counted from ``start``.
    """

    start: int
    label: str
    line_base: bool = True


@dataclass(frozen=True, slots=True)
class HiddenSpan:
    """``text[start:end]`` is not visible to a reader of the document (``reason`` says why:
    ``docx vanish``, ``white text``, ``tiny text``, ``html comment``, ``html hidden element``,
    ``hidden sheet``, ``hidden slide``, ``pdf invisible text``, ``tracked deletion``)."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class ExtractedText:
    """A file turned into text.

    ``pieces`` are consecutive parts of the text: a plain-text file too big to hold gives a
    re-iterable stream of decoded chunks, a document gives one piece. ``complete`` is false
    when a budget was hit or part of the file could not be read (``notes`` say which).
    ``segments`` (sorted by ``start``, the first at 0) map offsets to locations; ``hidden``
    marks text a reader of the document does not see. ``kind`` names the format read
    (``text``, ``docx``, ``xlsx``, ``pptx``, ``pdf``, ``eml``, ``zip``, ...).
    """

    pieces: Iterable[str] = field(repr=False)  # content never shows in a repr or a log
    complete: bool
    notes: tuple[str, ...]
    segments: tuple[Segment, ...]
    kind: str
    hidden: tuple[HiddenSpan, ...] = ()
    encoding: str = ""
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._starts:
            object.__setattr__(self, "_starts", tuple(s.start for s in self.segments))

    def text(self) -> str:
        """The whole text (reads a streamed file to its end)."""
        pieces = self.pieces
        if isinstance(pieces, tuple) and len(pieces) == 1:
            return pieces[0]
        return "".join(pieces)

    def segment_at(self, offset: int) -> Segment | None:
        """The last segment starting at or before ``offset`` (None before the first)."""
        i = bisect.bisect_right(self._starts, offset)
        return self.segments[i - 1] if i > 0 else None

    def locate(self, offset: int, text: str | None = None) -> str:
        """A location a person can use for ``offset``: ``Sheet2!C7``, ``page 2:14``, ``line 3``.

        Lines are counted from the segment's start. The first call indexes the newlines of
        ``text`` (pass the extracted text when you hold it) or of ``pieces``; later calls
        are a binary search, so locating many findings stays linear overall.
        """
        seg = self.segment_at(offset)
        if seg is None:
            seg = Segment(0, "", True)
        if not seg.line_base:
            return seg.label
        index = self._newline_index(text)
        line = 1 + bisect.bisect_left(index, offset) - bisect.bisect_left(index, seg.start)
        return f"{seg.label}:{line}" if seg.label else f"line {line}"

    def locate_all(self, offsets: Sequence[int]) -> list[str]:
        """``locate`` for many offsets in one pass over ``pieces`` (no text kept)."""
        return [self.locate(o) for o in offsets]

    def _newline_index(self, text: str | None = None) -> array:
        """Offsets of every newline, built once (from ``text`` when given, else one pass
        over ``pieces``), 8 bytes a line: each ``locate`` is then a binary search."""
        cached = self.__dict__.get("_newlines")
        if cached is None:
            cached = array("q")
            base = 0
            for piece in (text,) if text is not None else self.pieces:
                pos = piece.find("\n")
                while pos != -1:
                    cached.append(base + pos)
                    pos = piece.find("\n", pos + 1)
                base += len(piece)
            object.__setattr__(self, "_newlines", cached)
        return cached

    def hidden_at(self, start: int, end: int) -> tuple[HiddenSpan, ...]:
        """Hidden spans overlapping ``[start, end)``."""
        return tuple(h for h in self.hidden if h.start < end and start < h.end)
