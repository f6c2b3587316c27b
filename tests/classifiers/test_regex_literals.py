"""Literal anchors of a rule regex: every match holds one of them, so the pattern detector
may run a rule only on the lines where an anchor occurs."""

from __future__ import annotations

import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.regex_literals import required_anchors, required_literals
from classifiers.rules import load_builtin_packs, re2_options, rule_pattern_text
from tests.classifiers.regex_strategies import nested_regexes


def _match(regex: str, text: str, case_insensitive: bool = False) -> str | None:
    pattern = rule_pattern_text(regex)
    if case_insensitive:
        pattern = f"(?i:{pattern})"
    m = re2.compile(pattern, re2_options(single_line=True)).search(text)
    return None if m is None else m.group(0)


def test_literal_runs_small_classes_and_alternatives_make_anchors() -> None:
    assert required_literals(r"\b(?P<value>AKIA[0-9A-Z]{16})\b") == {"akia"}
    assert required_literals(r"(?:sk|rk)_live_[0-9a-zA-Z]{24}") == {"sk_live_", "rk_live_"}
    assert required_literals(r"gh[pousr]_[A-Za-z0-9]{36}") == {
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_"}
    # of the candidates the one with the longest shortest string wins
    assert required_literals(r"-----BEGIN [A-Z ]*PRIVATE KEY-----") == {"private key-----"}


def test_optional_and_repeated_items_break_a_run() -> None:
    # "pass" then an optional "word": only "pass" is certain
    assert required_literals(r"pass(?:word)?\s*=") == {"pass"}
    # a repeated literal can be followed by more copies: "ab+c" holds "ab" and "bc"
    assert required_literals(r"xyab+cde") in ({"xyab"}, {"bcde"})


def test_unselective_or_unknown_regexes_give_none() -> None:
    assert required_literals(r"\d{3}-\d{2}-\d{4}") is None  # "-" is everywhere
    assert required_literals(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}") is None
    assert required_literals(r"(?:foo|\d+)bar?") is None  # "ba" is too short
    assert required_literals(r"(?:foo|\d+)") is None  # one alternative has no literal
    assert required_literals(r"\QAKIA\E") is None  # not understood: no anchors
    # two characters only where ordinary text seldom has them
    assert required_literals(r"\bpw\s*=") == {"pw"}
    assert required_literals(r"\bst\s+\d") is None
    assert required_literals(r"[a-z]+@[a-z]+\.com") == {".com"}
    assert required_literals(r"[a-z]+@[a-z]+\.[a-z]{2,}") == {"@"}


def test_non_ascii_letters_are_part_of_anchors_in_lower_case() -> None:
    # the detector looks for them in each case (bytes.lower() leaves "É" as it is)
    assert required_literals(r"(?i)Écoute[0-9]+") == {"écoute"}
    assert required_literals(r"Straße\s+\d+") == {"straße"}
    assert required_literals(r"(?i)(?:has[lł]o|kennwort)\s*=") == {"haslo", "hasło", "kennwort"}


def test_every_builtin_rule_match_example_holds_one_of_its_anchors() -> None:
    checked = 0
    for pack in load_builtin_packs():
        for rule in pack.rules:
            anchors = required_literals(rule.regex)
            if anchors is None:
                continue
            for text, _ in rule.examples.match:
                found = _match(rule.regex, text, rule.case_insensitive)
                if found is not None:
                    assert any(a in found.lower() for a in anchors), rule.full_id
                    checked += 1
    assert checked > 150


# --- property: every match holds an anchor -----------------------------------------------

_ALPHABET = "abcAB01-_ =:\"'xé"
_atoms = st.sampled_from(
    ["a", "b", "c", "ab", "abc", "A", "0", "-", "=", ":", "x", "é", "[ab]", "[Aa]", "[^a]",
     "[0-9]", r"\d", r"\s", r"\b", r"\-", r"\x41", "^", "$", "."]
)
_quants = st.sampled_from(["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "*?"])
_pieces = st.lists(
    st.sampled_from(["a", "b", "c", "ab", "abc", "A", "B", "C", "AB", "0", "1", "-", "=", ":",
                     "x", "é", "É", " ", "\t"]), max_size=16
).map("".join)


def _item(t: tuple[str, str]) -> str:
    atom, quant = t
    if atom in (r"\b", "^", "$"):
        return atom
    return (f"(?:{atom})" if len(atom) > 1 and atom[0] not in "[\\" else atom) + quant


def _regex() -> st.SearchStrategy[str]:
    return nested_regexes(_atoms, _quants, _item)


@settings(max_examples=400, deadline=None)
@given(data=st.data(), regex=_regex(),
       case_insensitive=st.booleans(),
       noise=st.lists(st.text(alphabet=_ALPHABET, max_size=30), max_size=6))
def test_every_match_holds_one_of_the_anchors(
    data: st.DataObject, regex: str, case_insensitive: bool, noise: list[str]
) -> None:
    try:
        re2.compile(rule_pattern_text(regex), re2_options())
    except re2.error:
        return
    anchors = required_literals(regex, min_length=1)
    if anchors is None:
        return
    texts = list(noise)
    # texts made to match (Python's engine reads these regexes as RE2 does)
    # texts made of the regexes' own pieces, so that many of them match
    texts += [data.draw(_pieces) for _ in range(6)]
    texts += [t.swapcase() for t in texts]
    for text in texts:
        found = _match(regex, text, case_insensitive)
        if found is not None:
            assert any(a in found.lower() for a in anchors), (regex, anchors, text, found)


def test_of_two_necessary_sets_the_one_rarer_in_ordinary_text_is_kept() -> None:
    # both "set"/"with" and the password words are in every match; "set" is in every other
    # line of code, so the password words anchor the rule
    assert required_literals(r"(?i:(?:set|with)_?(?:password|passwd|pwd))\(") == {
        "password", "passwd", "pwd"
    }
    # a few long specific strings beat one generic one
    assert required_literals(
        r"https://(?:[a-z]+\.webhook\.office\.com/webhookb2/|discord\.com/api/webhooks/)"
    ) == {".webhook.office.com/webhookb2/", "discord.com/api/webhooks/"}


def _word_char(ch: str) -> bool:  # RE2's \b is ASCII
    return ch.isascii() and (ch.isalnum() or ch == "_")


@settings(max_examples=400, deadline=None)
@given(data=st.data(), regex=_regex(), case_insensitive=st.booleans())
def test_every_match_holds_an_anchor_where_a_word_may_start_when_its_regex_says_so(
    data: st.DataObject, regex: str, case_insensitive: bool
) -> None:
    try:
        compiled = re2.compile(
            f"(?i:{rule_pattern_text(regex)})" if case_insensitive else rule_pattern_text(regex),
            re2_options(single_line=True),
        )
    except re2.error:
        return
    found = required_anchors(regex, min_length=1)
    if found is None:
        return
    anchors, edged = found
    assert edged <= anchors
    texts = [data.draw(_pieces) for _ in range(8)]
    texts += [t.swapcase() for t in texts]
    for text in texts:
        m = compiled.search(text)
        if m is None:
            continue
        start, end = m.span()
        low = text.lower()
        places = [
            (a, i) for a in anchors for i in range(start, end - len(a) + 1)
            if low.startswith(a, i)
        ]
        assert any(
            a not in edged or i == 0 or not _word_char(text[i - 1]) for a, i in places
        ), (regex, anchors, edged, text, m.group(0))


def test_a_string_right_after_a_word_boundary_is_an_edge_anchor() -> None:
    # "urn" of "(?:nhi|chi|urn)" after \b cannot be the "urn" inside "return"
    anchors, edged = required_anchors(r"(?i)\b(?:nhi|chi|urn)[ \t]+(?:number|no\.?|#)")
    assert anchors == edged == {"nhi", "chi", "urn"}
    assert required_anchors(r"\bfoo|bar") == ({"foo", "bar"}, {"foo"})
    # after an optional prefix the string may follow a letter
    assert required_anchors(r"\b(?:x)?foobar")[1] == frozenset()
