"""Later mentions of a name already found (classifiers/name_mentions.py and the names
detector's propagation step)."""

from __future__ import annotations

import random

import pytest

from classifiers import name_mentions
from classifiers.detectors.names import NameDetector
from classifiers.name_mentions import find_mentions


def _values(text: str, strings: list[str]) -> list[str]:
    return [text[s:e] for s, e in find_mentions(text, strings)]


def test_mentions_are_whole_words_only() -> None:
    text = "Maria met Mariana; Maria@x.org wrote to Maria_B, then Maria left. (Maria)"
    assert find_mentions(text, ["Maria"]) == [(0, 5), (54, 59), (67, 72)]


def test_a_dot_or_hyphen_before_a_mention_makes_it_part_of_another_word() -> None:
    assert _values("www.Lopez and Anna-Lopez and Lopez-Ruiz and Lopez.", ["Lopez"]) == ["Lopez"]


def test_the_longest_string_wins_where_several_start_at_one_place() -> None:
    text = "Maria Lopez and Maria and Lopez"
    assert _values(text, ["Maria", "Lopez", "Maria Lopez"]) == ["Maria Lopez", "Maria", "Lopez"]


def test_a_shorter_string_is_tried_when_the_longer_one_runs_into_a_word() -> None:
    assert _values("Maria Lopezz", ["Maria Lopez", "Maria"]) == ["Maria"]


def test_names_next_to_each_other_are_each_found() -> None:
    assert _values("Lopez Maria\nMaria", ["Maria", "Lopez"]) == ["Lopez", "Maria", "Maria"]


def test_short_and_long_work_find_the_same_mentions(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    words = ["Ana", "Anabel", "Lopez", "Ana Lopez", "Zoë", "Núñez", "O'Brien", "Li"]
    fillers = [" ", ", ", ".", "-", "@", "_", "x", "\n", "é", "9", " and "]
    strings = ["Ana", "Ana Lopez", "Anabel", "Zoë", "O'Brien", "Núñez", "Lopez", "Lo"]
    for _ in range(300):
        text = "".join(rng.choice(words) + rng.choice(fillers) for _ in range(rng.randint(1, 12)))
        monkeypatch.setattr(name_mentions, "FIND_WORK", 10**12)
        by_find = find_mentions(text, strings)
        monkeypatch.setattr(name_mentions, "FIND_WORK", 0)
        by_regex = find_mentions(text, strings)
        assert by_find == by_regex, text


def test_a_particle_alone_is_not_another_mention() -> None:
    text = "From: Ludwig van Beethoven <lvb@x.de>\n\nThe van is parked outside."
    values = [f.value for f in NameDetector(use_model=False).detect(text)]
    assert values == ["Ludwig van Beethoven"]


def test_propagation_keeps_no_compiled_pattern_per_text() -> None:
    re2 = pytest.importorskip("re2")
    make = getattr(getattr(re2, "_Regexp", None), "_make", None)
    if make is None or not hasattr(make, "cache_info"):
        pytest.skip("this re2 wrapper has no pattern cache to watch")
    detector = NameDetector(use_model=False)
    detector.detect("From: Warm Up <w@x.org>\nWarm")
    before = make.cache_info().currsize
    for i in range(40):
        surname = "Ko" + "abcdefghij"[i // 10] + "abcdefghij"[i % 10] + "son"
        detector.detect(f"From: Maria {surname} <m@x.org>\n\n{surname} approved it.")
    assert make.cache_info().currsize == before
