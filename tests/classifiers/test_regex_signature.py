"""The set signature of a rule regex never misses a match of the rule, and is cheaper."""

from __future__ import annotations

import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.regex_signature import signature
from classifiers.rules import load_builtin_packs, re2_options, rule_pattern_text
from tests.classifiers.regex_strategies import nested_regexes


def _search(regex: str, text: str, case_insensitive: bool = False) -> bool:
    pattern = rule_pattern_text(regex)
    if case_insensitive:
        pattern = f"(?i:{pattern})"
    return re2.compile(pattern, re2_options()).search(text) is not None


def test_leading_unanchored_prefix_and_long_counts_are_dropped() -> None:
    regex = (
        r"(?:^|[^A-Za-z0-9_.-])(?i:[A-Za-z0-9_.-]*(?:password|passwd)|(?:[A-Za-z0-9]+[_.-])*"
        r"(?:pass|pwd))[0-9]*[ \t]*=[ \t]*[\"'](?P<value>[^\"'\r\n]{4,256})[\"']"
    )
    sig = signature(regex)
    assert sig is not None
    assert "[A-Za-z0-9_.-]*" not in sig
    assert "{4,256}" not in sig
    assert "(?i:" in sig  # the case-insensitive scope stays


def test_signature_of_a_counted_value_keeps_a_short_minimum() -> None:
    assert signature(r"\bghp_[A-Za-z0-9]{36}\b") == "ghp_[A-Za-z0-9]{4}"


def test_inline_flags_survive_dropping_what_precedes_them() -> None:
    sig = signature(r"(?i)\b(?:password|pwd)[ \t]*[:=][ \t]*\S{8,64}")
    assert sig is not None
    assert _search(sig, "PASSWORD = hunter2hunter2")


def test_unselective_or_unparsed_regexes_give_none() -> None:
    assert signature(r"[0-9]{3}[A-Z]{2,9}") is None  # no literal to key on
    assert signature(r"\Qa.b\E") is None  # quoted literals are not parsed here
    assert signature(r"(?:abc") is None  # unbalanced


def test_every_builtin_rule_signature_matches_each_of_its_match_examples() -> None:
    checked = 0
    for pack in load_builtin_packs():
        for rule in pack.rules:
            sig = signature(rule.regex)
            if sig is None:
                continue
            for text, _ in rule.examples.match:
                if _search(rule.regex, text, rule.case_insensitive):
                    assert _search(sig, text, rule.case_insensitive), rule.full_id
                    checked += 1
    assert checked > 100


# --- property: a signature is never narrower than its regex -----------------------------

_ALPHABET = "abAB01-_ =:\"'x"
_atoms = st.sampled_from(
    ["a", "b", "A", "0", "-", "=", ":", "x", "[ab]", "[^a]", "[0-9]", r"\d", r"\s", r"\b",
     "^", "$", ".", "(?i)"]
)
_quants = st.sampled_from(["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,12}", "{2,}",
                           "*?", "{3,20}?"])


def _item(t: tuple[str, str]) -> str:
    atom, quant = t
    return atom if atom in (r"\b", "^", "$", "(?i)") else atom + quant


def _regex() -> st.SearchStrategy[str]:
    return nested_regexes(_atoms, _quants, _item)


@settings(max_examples=300, deadline=None)
@given(regex=_regex(), texts=st.lists(st.text(alphabet=_ALPHABET, max_size=30), max_size=8))
def test_signature_matches_wherever_the_regex_matches(regex: str, texts: list[str]) -> None:
    try:
        re2.compile(rule_pattern_text(regex), re2_options())
    except re2.error:
        return
    sig = signature(regex, min_literals=0)
    if sig is None:
        return
    for text in texts:
        if _search(regex, text):
            assert _search(sig, text), (regex, sig, text)
