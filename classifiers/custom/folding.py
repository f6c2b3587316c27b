"""Case- and accent-insensitive views of a text that remember where each character came from.

``fold(text)`` returns the folded string and, for each folded character, the offset of the
original character it came from, so a match in the folded view maps back to a span of the
original text. Folding: NFKD compatibility decomposition, combining marks dropped, then
``casefold`` (``ß`` -> ``ss``); whitespace runs become one space.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """The folded form of one character ('' for combining marks and format characters)."""
    if ch.isascii():
        return ch.lower()
    if unicodedata.category(ch) in ("Mn", "Cf"):
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold_term(term: str) -> str:
    """A list term in folded form: accents and case dropped, whitespace runs collapsed."""
    return " ".join("".join(fold_char(c) for c in term).split())


@dataclass(frozen=True, slots=True)
class FoldedText:
    """``text`` folded, with a map back to the original offsets.

    Either ``origin`` holds, for each folded character, the offset of the original
    character it came from (plus one extra entry, the original length), or, for ASCII
    input, ``breaks`` holds ``(folded offset, original offset)`` pairs where the two
    start to differ (after each collapsed whitespace run).
    """

    text: str
    origin: tuple[int, ...] = ()
    breaks: tuple[tuple[int, int], ...] = ()

    def _orig(self, pos: int) -> int:
        if self.origin:
            return self.origin[pos]
        i = bisect.bisect_right(self.breaks, (pos, 1 << 62)) - 1
        folded_at, orig_at = self.breaks[i] if i >= 0 else (0, 0)
        return orig_at + (pos - folded_at)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span ``[start, end)``."""
        if end <= start:
            return self._orig(start), self._orig(start)
        return self._orig(start), self._orig(end - 1) + 1


_WHITESPACE_RUN = re.compile(r"\s{2,}|[\t\n\r\f\v]")


def fold(text: str) -> FoldedText:
    if text.isascii():
        return _fold_ascii(text)
    out: list[str] = []
    origin: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        if ch.isspace():
            if not prev_space:
                out.append(" ")
                origin.append(i)
                prev_space = True
            continue
        folded = fold_char(ch)
        if not folded:
            continue
        for c in folded:
            out.append(c)
            origin.append(i)
        prev_space = False
    origin.append(len(text))
    return FoldedText("".join(out), tuple(origin))


def _fold_ascii(text: str) -> FoldedText:
    """Fast path: lower-case, every whitespace run becomes one space (kept at its start)."""
    lowered = text.lower()
    pieces: list[str] = []
    breaks: list[tuple[int, int]] = []
    pos = 0
    folded_len = 0
    for m in _WHITESPACE_RUN.finditer(lowered):
        pieces.append(lowered[pos : m.start()])
        pieces.append(" ")
        folded_len += m.start() - pos + 1
        pos = m.end()
        breaks.append((folded_len, pos))
    pieces.append(lowered[pos:])
    return FoldedText("".join(pieces), breaks=tuple(breaks))
