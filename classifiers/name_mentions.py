"""Every mention of a few known strings in a text, as whole words: the names detector's
"later mentions of a name found here" step.

The strings change with every text, so nothing is compiled and kept: a regex per text
would either be compiled on every call (RE2 needs ~1.5 ms for the Unicode word classes) or,
through the ``re2`` wrapper's cache, keep up to 128 compiled patterns and their DFAs alive
(~60 MB in a long-running process). Instead:

- short work (text length x number of strings up to ``FIND_WORK``, e.g. 10 names in a
  100 KB text): ``str.find`` for each string, a fast C scan, nothing compiled;
- long work: one ``re`` pattern (the strings as a trie, so the longest is tried first)
  that Python's own bounded regex cache may keep, and a check of the character before
  each match.

Both give the same spans: whole-word occurrences (the character before is not a letter,
digit, ``_``, ``@``, ``.`` or ``-``; the character after is not a letter, digit, ``_``,
``@`` or ``-``), leftmost first, the longest string first where several start at one place,
never overlapping each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

FIND_WORK = 2_000_000  # len(text) * len(strings) below which str.find is faster than re

_BEFORE_STOP = frozenset("_@.-")
_AFTER_STOP = frozenset("_@-")


def _free_before(text: str, start: int) -> bool:
    if start == 0:
        return True
    ch = text[start - 1]
    return not (ch.isalnum() or ch in _BEFORE_STOP)


def _free_after(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    ch = text[end]
    return not (ch.isalnum() or ch in _AFTER_STOP)


def ordered(strings: Sequence[str]) -> list[str]:
    """Longest first, then alphabetical (so that a cut list is the same on every run)."""
    return sorted({s for s in strings if s}, key=lambda s: (-len(s), s))


def find_mentions(text: str, strings: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of every whole-word mention of one of ``strings`` in ``text``."""
    targets = ordered(strings)
    if not targets or not text:
        return []
    if len(text) * len(targets) <= FIND_WORK:
        return _by_find(text, targets)
    return _by_regex(text, targets)


def _by_find(text: str, targets: list[str]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for t in targets:
        i = text.find(t)
        while i >= 0:
            end = i + len(t)
            if _free_before(text, i) and _free_after(text, end):
                found.append((i, -end))
            i = text.find(t, i + 1)
    found.sort()
    out: list[tuple[int, int]] = []
    last_end = 0
    for start, neg_end in found:
        if start >= last_end:
            out.append((start, -neg_end))
            last_end = -neg_end
    return out


def _trie(strings: list[str]) -> str:
    """One pattern for ``strings`` with shared beginnings written once ("Ma(?:ria(?:
    Lopez)?|rk)"): at each place re follows one path and tries the longest string first,
    as an alternation ordered longest-first would, in about half the time."""
    root: dict[str, dict] = {}
    for string in strings:
        node = root
        for ch in string:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = []
        for ch, sub in sorted(node.items()):
            if not ch:
                continue
            run = ch
            while len(sub) == 1 and "" not in sub:  # a chain of single letters: one literal
                (nxt, sub), = sub.items()
                run += nxt
            branches.append(re.escape(run) + emit(sub))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def _by_regex(text: str, targets: list[str]) -> list[tuple[int, int]]:
    # The end check is in the pattern (so a shorter string is tried when a longer one is
    # followed by a letter); the start check is done here (a look-behind first would stop
    # re from skipping ahead to the strings' first letters).
    pattern = re.compile(_trie(targets) + r"(?![\w@\-])")
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return out
        if _free_before(text, m.start()):
            out.append(m.span())
            pos = m.end()
        else:
            pos = m.start() + 1
