"""Hypothesis strategies shared by the property tests of the rule-regex analyses
(``test_regex_literals``, ``test_regex_signature``)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

_GROUP_OPENERS = ["(?:", "(", "(?P<value>", "(?i:"]


def nested_regexes(
    atoms: st.SearchStrategy[str], quants: st.SearchStrategy[str],
    item: Callable[[tuple[str, str]], str], depth: int = 0,
) -> st.SearchStrategy[str]:
    """Regexes of 1-6 items: an atom with a quantifier (joined by ``item``) or, to two
    levels deep, a group of 1-3 such regexes as alternatives, itself quantified."""
    one = st.tuples(atoms, quants).map(item)
    if depth < 2:
        group = st.tuples(
            st.sampled_from(_GROUP_OPENERS),
            st.lists(st.deferred(lambda: nested_regexes(atoms, quants, item, depth + 1)),
                     min_size=1, max_size=3),
            quants,
        ).map(lambda t: f"{t[0]}{'|'.join(t[1])}){t[2]}")
        one = st.one_of(one, one, group)
    return st.lists(one, min_size=1, max_size=6).map("".join)
