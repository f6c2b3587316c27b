from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.custom.keywords import KeywordMatcher, KeywordRule
from classifiers.model import Severity


def _found(rules: list[KeywordRule], text: str) -> list[tuple[str, str]]:
    return [(m.rule.rule_id, text[m.start : m.end]) for m in KeywordMatcher(rules).find(text)]


def test_term_is_found_regardless_of_case_and_accents() -> None:
    rule = KeywordRule("codenames", ("Project Falcón",))
    assert _found([rule], "Status of PROJECT FALCON: green") == [("codenames", "PROJECT FALCON")]
    assert _found([rule], "status of project falcón") == [("codenames", "project falcón")]


def test_accented_text_matches_unaccented_term() -> None:
    rule = KeywordRule("customers", ("Societe Generale Munchen",))
    text = "Kunde: Société Générale München, Vertrag 7"
    assert _found([rule], text) == [("customers", "Société Générale München")]


def test_term_inside_a_longer_word_is_not_a_match() -> None:
    rule = KeywordRule("codenames", ("orca",))
    assert _found([rule], "the orchestra and the orcas played") == []
    assert _found([rule], "orca_v2 and xorca") == []
    assert _found([rule], "Meet Orca, tomorrow") == [("codenames", "Orca")]


def test_multi_word_term_matches_across_line_wraps_and_spacing() -> None:
    rule = KeywordRule("codenames", ("blue harbor",))
    assert _found([rule], "the Blue\n   Harbor deal") == [("codenames", "Blue\n   Harbor")]


def test_longest_overlapping_term_wins() -> None:
    rule = KeywordRule("names", ("acme", "acme holdings"))
    assert _found([rule], "Acme Holdings signed") == [("names", "Acme Holdings")]


def test_term_in_two_lists_is_reported_for_each() -> None:
    a = KeywordRule("a", ("zephyr",), Severity.HIGH)
    b = KeywordRule("b", ("Zephyr",))
    assert sorted(_found([a, b], "zephyr launch")) == [("a", "zephyr"), ("b", "zephyr")]


def test_offsets_point_into_original_text_after_casefold_expansion() -> None:
    rule = KeywordRule("streets", ("grossstrasse",))
    text = "Die Großstraße 5 und mehr"
    (found,) = _found([rule], text)
    assert found == ("streets", "Großstraße")


def test_one_character_terms_are_ignored() -> None:
    assert KeywordMatcher([KeywordRule("x", ("a", " "))]).term_count == 0


def test_hundred_thousand_terms_compile_and_match_fast() -> None:
    terms = tuple(f"client{i:06d} gmbh" for i in range(100_000))
    t0 = time.perf_counter()
    matcher = KeywordMatcher([KeywordRule("clients", terms)])
    text = ("quarterly numbers for Client054321 GmbH and others. " * 200)
    hits = list(matcher.find(text))
    assert len(hits) == 200
    assert time.perf_counter() - t0 < 5.0


_FILLER = st.text(alphabet=st.sampled_from(list("abc xyz.,\n-éß")), max_size=30)


@settings(max_examples=100, deadline=None)
@given(_FILLER, _FILLER)
def test_a_listed_term_between_word_boundaries_is_always_found(left: str, right: str) -> None:
    text = f"{left} Kestrel Nine {right}"
    found = [text[m.start : m.end] for m in KeywordMatcher([KeywordRule("k", ("kestrel nine",))])
             .find(text)]
    assert "Kestrel Nine" in found
