"""Budgets shared by every part of one extraction, and the document builder.

One ``Context`` lives for one ``extract_path`` call: nested archives, attachments and XML
parts all charge the same byte, entry and time budgets, so nesting cannot multiply them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from classifiers.extract.types import ExtractedText, HiddenSpan, Limits, Segment

MAX_NOTES = 20  # a zip of 10,000 locked members gives 20 notes and a count, not 10,000


class BudgetExceeded(Exception):
    """Internal: a budget ran out; caught by the extractor, which notes it and stops."""

    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


class RatioExceeded(BudgetExceeded):
    """Internal: one member's compression ratio is over the limit (skip it, go on)."""


@dataclass
class Context:
    limits: Limits
    clock: Callable[[], float] = time.monotonic
    depth: int = 0
    used_bytes: int = 0
    deadline: float = 0.0

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = self.clock() + self.limits.max_seconds

    def charge(self, n: int) -> None:
        """Count ``n`` more bytes decompressed or parsed; raise when over budget."""
        self.used_bytes += n
        if self.used_bytes > self.limits.max_total_bytes:
            raise BudgetExceeded(
                f"size budget: stopped after {self.limits.max_total_bytes:,} bytes of content"
            )

    def check_time(self) -> None:
        if self.clock() > self.deadline:
            raise BudgetExceeded(f"time budget: stopped after {self.limits.max_seconds:g} s")

    def remaining_seconds(self) -> float:
        return max(0.0, self.deadline - self.clock())


@dataclass
class DocBuilder:
    """Accumulates the text of a document with its segments, hidden spans and notes."""

    parts: list[str] = field(default_factory=list, repr=False)
    length: int = 0
    segments: list[Segment] = field(default_factory=list)
    hidden: list[HiddenSpan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    complete: bool = True
    encoding: str = ""
    kind: str = ""
    dropped_notes: int = 0

    def segment(self, label: str, line_base: bool = True) -> None:
        if self.segments and self.segments[-1].start == self.length:
            self.segments[-1] = Segment(self.length, label, line_base)
        else:
            self.segments.append(Segment(self.length, label, line_base))

    def write(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def write_hidden(self, text: str, reason: str) -> None:
        if text:
            self.mark_hidden(self.length, self.length + len(text), reason)
            self.write(text)

    def mark_hidden(self, start: int, end: int, reason: str) -> None:
        if end <= start:
            return
        last = self.hidden[-1] if self.hidden else None
        if last is not None and last.reason == reason and last.end >= start:
            self.hidden[-1] = HiddenSpan(last.start, max(end, last.end), reason)
        else:
            self.hidden.append(HiddenSpan(start, end, reason))

    def incomplete(self, note: str) -> None:
        self.complete = False
        self.note(note)

    def note(self, note: str) -> None:
        if note in self.notes:
            return
        if len(self.notes) < MAX_NOTES:
            self.notes.append(note)
        else:
            self.dropped_notes += 1

    def all_notes(self) -> tuple[str, ...]:
        if not self.dropped_notes:
            return tuple(self.notes)
        return (*self.notes, f"... and {self.dropped_notes:,} more note(s)")

    def embed(self, prefix: str, child: DocBuilder, sep: str = " ") -> None:
        """Append ``child``'s text; its locations are prefixed with ``prefix``."""
        base = self.length
        if not child.segments or child.segments[0].start > 0:
            self.segment(prefix, True)
        for s in child.segments:
            label = f"{prefix}{sep}{s.label}" if s.label and prefix else s.label or prefix
            if s.start == child.length and child.length > 0:
                continue
            self.segments.append(Segment(base + s.start, label, s.line_base))
        for h in child.hidden:
            self.hidden.append(HiddenSpan(base + h.start, base + h.end, h.reason))
        for p in child.parts:
            self.write(p)
        for n in child.all_notes():
            self.note(f"{prefix}: {n}" if prefix else n)
        if not child.complete:
            self.complete = False

    def text(self) -> str:
        return "".join(self.parts)

    def result(self, kind: str) -> ExtractedText:
        text = self.text()
        self.parts = [text]
        segments = tuple(self.segments) if self.segments else (Segment(0, "", True),)
        if segments[0].start > 0:
            segments = (Segment(0, "", True), *segments)
        return ExtractedText(
            pieces=(text,),
            complete=self.complete,
            notes=self.all_notes(),
            segments=segments,
            kind=self.kind or kind,
            hidden=tuple(self.hidden),
            encoding=self.encoding,
        )
