"""Keyword and phrase lists: whole-word, case- and accent-insensitive, Aho-Corasick.

One automaton holds the terms of every list; a match is kept only when the characters
around it are not letters or digits (whole words), and where matches overlap the longest
wins. 100,000 terms compile in well under a second (see benchmarks/custom_speed.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import ahocorasick_rs

from classifiers.custom.folding import fold, fold_term
from classifiers.model import Severity


@dataclass(frozen=True, slots=True)
class KeywordRule:
    """A named list of terms; a match is reported as ``CUSTOM:<rule_id>``."""

    rule_id: str
    terms: tuple[str, ...]
    severity: Severity = Severity.MEDIUM
    score: float = 0.9
    description: str = ""


@dataclass(frozen=True, slots=True)
class KeywordMatch:
    rule: KeywordRule
    start: int  # offsets into the original text
    end: int


class KeywordMatcher:
    """Finds the terms of several keyword rules in a text (thread-safe, immutable)."""

    def __init__(self, rules: Sequence[KeywordRule]) -> None:
        self.rules = tuple(rules)
        owners: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for term in rule.terms:
                key = fold_term(term)
                if len(key) < 2:
                    continue
                ids = owners.setdefault(key, [])
                if index not in ids:
                    ids.append(index)
        self._patterns = list(owners)
        self._owners = [tuple(owners[p]) for p in self._patterns]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self._patterns, store_patterns=False)
            if self._patterns
            else None
        )

    @property
    def term_count(self) -> int:
        return len(self._patterns)

    def find(self, text: str) -> Iterator[KeywordMatch]:
        if self._automaton is None or not text:
            return
        folded = fold(text)
        ftext = folded.text
        hits = self._automaton.find_matches_as_indexes(ftext, overlapping=True)
        chosen = _longest_whole_words(ftext, hits)
        for pattern_index, start, end in chosen:
            ostart, oend = folded.span(start, end)
            for rule_index in self._owners[pattern_index]:
                yield KeywordMatch(self.rules[rule_index], ostart, oend)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _longest_whole_words(
    text: str, hits: Iterable[tuple[int, int, int]]
) -> list[tuple[int, int, int]]:
    whole = [
        (p, s, e)
        for p, s, e in hits
        if (s == 0 or not _is_word_char(text[s - 1]) or not _is_word_char(text[s]))
        and (e == len(text) or not _is_word_char(text[e]) or not _is_word_char(text[e - 1]))
    ]
    whole.sort(key=lambda h: (h[1], -(h[2] - h[1])))
    out: list[tuple[int, int, int]] = []
    last_end = -1
    for p, s, e in whole:
        if s >= last_end:
            out.append((p, s, e))
            last_end = e
    return out
