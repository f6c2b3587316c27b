"""Case- and accent-insensitive views of a text that remember where each character came from.

``fold(text)`` returns the folded string and, for each folded character, the offset of the
original character it came from, so a match in the folded view maps back to a span of the
original text. Folding: NFKD compatibility decomposition, combining marks dropped, then
``casefold`` (``ß`` -> ``ss``); whitespace runs become one space.
"""

from __future__ import annotations

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
    """``text`` folded; ``origin[i]`` is the offset in the original of ``text[i]``.

    ``origin`` has one extra entry, the original length, so ``origin[end]`` is a valid
    exclusive end for a match ending at the folded text's end.
    """

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span ``[start, end)``."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> FoldedText:
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
