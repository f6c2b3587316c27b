"""Literal anchors of a rule regex: strings one of which every match must contain.

``required_literals(regex)`` returns a small set of lower-case ASCII strings such that any
text the regex matches holds at least one of them (compared case-insensitively), or None
when no such set is selective enough or the regex is not understood. The pattern detector
finds every anchor of every rule in one Aho-Corasick pass over the lower-cased text and
runs a rule's regex only on the lines where one of its anchors occurs (rule regexes never
match a newline, so a match lies on its anchor's line). That replaces the RE2 sets for
these rules: on text the sets have not seen, building their DFA states was most of a
scan's cost.

How the set is found, on the parse tree of ``classifiers.regex_signature``:

* a run of consecutive items that each match one of a few known strings (a literal, a
  small class such as ``[:=]`` or ``[Pp]``, a group of such alternatives like
  ``(?:password|passwd|pwd)``) is one candidate: the product of those strings, capped;
  zero-width items (``\\b``, ``^``) and inline flags do not break a run, anything else
  does (an optional item, a wide class, a repetition after its first copy);
* a group that must occur once (``qmin >= 1``) and whose every alternative has a
  candidate is a candidate too: the union of the alternatives' sets;
* of a sequence's candidates the most selective is kept (longest shortest string, then
  fewest strings): all of them are necessary, one is enough.

Letters are lower-cased (case-insensitive rules, ``(?i)`` groups and case-sensitive ones
alike: lower-casing both sides can only find more). ``bytes.lower`` leaves non-ASCII
letters as they are, so the detector looks for an anchor with non-ASCII letters in each of
their cases ("hasło", "hasŁo"). RE2 folds ``k`` to U+212A KELVIN SIGN and ``s`` to U+017F
LONG S under case-insensitivity; the detector checks texts holding those two characters
the slow way.
"""

from __future__ import annotations

import re

from classifiers.regex_signature import _Item, _Parser, _Unsupported

# a product larger than this is given up (it would mostly be a class's letters)
_MAX_STRINGS = 64
# a class of more characters than this is not enumerated
_MAX_CLASS = 6
# shortest anchor worth a scan: two characters are everywhere in ordinary text ("st",
# "dr", "sk", "gh"), except a few that ordinary text seldom holds
MIN_ANCHOR = 3
# measured per MB of lower-cased text: "pw" 25 in Python's standard library, ~0 in licence
# prose; "@" is where e-mail addresses are (a rule anchored on it runs on their lines)
SHORT_ANCHORS = frozenset({"pw", "@"})

# marks a string that every match holds right after a word boundary (``\\b`` or ``^``
# just before it): a detector may skip places inside a word ("urn" in "return")
_EDGE = "\uffff"

_SIMPLE_ESCAPE = {"t": "\t", "f": "\f", "v": "\v", "r": "\r", "n": "\n", "a": "\a"}

Strings = frozenset[str]


def _char(text: str) -> str | None:
    """The one character a literal item stands for, lower-cased; None when unknown."""
    if len(text) == 1:
        c = text
    elif text.startswith("\\x") and len(text) == 4:
        c = chr(int(text[2:], 16))
    elif text.startswith("\\x{") and text.endswith("}"):
        c = chr(int(text[3:-1], 16))
    elif len(text) == 2 and text[0] == "\\":
        e = text[1]
        if e in _SIMPLE_ESCAPE:
            c = _SIMPLE_ESCAPE[e]
        elif not e.isalnum():
            c = e
        else:
            return None  # an escape this module does not know (a back-reference, \0…)
    else:
        return None
    lowered = c.lower()
    return lowered if len(lowered) == 1 else None


_CLASS_BODY = re.compile(r"\[((?:\\[^A-Za-z0-9]|[^\]\\\[^-])+)\]")


def _class_chars(text: str) -> Strings | None:
    """The characters of a small class written as a plain list (``[:=]``, ``[Pp]``,
    ``[\\-_]``), lower-cased; None for ranges, negations, escapes such as ``\\d``, or more
    than ``_MAX_CLASS`` characters."""
    m = _CLASS_BODY.fullmatch(text)
    if m is None:
        return None
    chars: set[str] = set()
    body = m.group(1)
    i = 0
    while i < len(body):
        if body[i] == "\\":
            chars.add(body[i + 1])
            i += 2
        else:
            chars.add(body[i])
            i += 1
    if any(len(c.lower()) != 1 for c in chars):
        return None
    lowered = frozenset(c.lower() for c in chars)
    return lowered if len(lowered) <= _MAX_CLASS else None


def _exact(item: _Item) -> Strings | None:
    """The strings one copy of ``item`` can match, when few and known."""
    if item.kind == "lit":
        c = _char(item.text)
        return None if c is None else frozenset({c})
    if item.kind == "class":
        return _class_chars(item.text)
    if item.kind == "group" and item.branches is not None:
        out: set[str] = set()
        for branch in item.branches:
            strings = _exact_seq(branch)
            if strings is None:
                return None
            out |= strings
            if len(out) > _MAX_STRINGS:
                return None
        return frozenset(out)
    return None


def _exact_seq(seq: list[_Item]) -> Strings | None:
    """The strings ``seq`` can match, when it is a fixed concatenation of exact items."""
    out: Strings = frozenset({""})
    for item in seq:
        if item.kind in ("zw", "flag"):
            continue
        if item.qmin != 1 or item.qmax != 1:
            return None
        strings = _exact(item)
        if strings is None:
            return None
        out = _product(out, strings)
        if out is None:
            return None
    return out


def _product(left: Strings, right: Strings) -> Strings | None:
    if len(left) * len(right) > _MAX_STRINGS:
        return None
    return frozenset(a + b for a in left for b in right)


# how often a string of n characters is expected in ordinary text, relatively: each
# added character makes it several times rarer ("set" is in every other line of code,
# "password" seldom); the rare short anchors count as three characters
def _expected_one(s: str) -> float:
    s = s.lstrip(_EDGE)
    n = 3 if s in SHORT_ANCHORS else len(s)
    return 30.0 * 0.3 ** (n - 3)


def _expected(strings: Strings) -> float:
    return sum(map(_expected_one, strings))


def _length(s: str) -> int:
    return len(s.lstrip(_EDGE))


def _better(a: Strings | None, b: Strings | None) -> Strings | None:
    """The more selective of two candidates: the one expected to occur less often in
    ordinary text (by the length of its strings), then the one with longer strings."""
    if a is None or not a or "" in a:
        return b if b and "" not in b else None
    if b is None or not b or "" in b:
        return a
    ka = (-_expected(a), min(map(_length, a)), -len(a))
    kb = (-_expected(b), min(map(_length, b)), -len(b))
    return a if ka >= kb else b


def _required_seq(seq: list[_Item], edge: bool = False) -> Strings | None:
    """``edge``: the sequence starts right after a word boundary."""
    best: Strings | None = None
    start = frozenset({_EDGE}) if edge else frozenset({""})
    run: Strings = start

    def close() -> None:
        nonlocal best, run
        if run != frozenset({_EDGE}):
            best = _better(best, run)
        run = frozenset({""})

    for item in seq:
        if item.kind == "zw" and item.text in ("\\b", "^") and run == frozenset({""}):
            run = frozenset({_EDGE})  # what follows starts a word
            continue
        if item.kind in ("zw", "flag"):
            continue
        if item.qmin == 0:
            close()
            continue
        strings = _exact(item)
        if strings is not None:
            grown = _product(run, strings)
            if grown is None:  # too many: keep what was found, start again from this item
                close()
                run = strings
            else:
                run = grown
            if item.qmax != 1:  # more copies may follow: the run cannot go on past one
                close()
                run = strings
            continue
        at_edge = run == frozenset({_EDGE})
        close()
        if item.kind == "group" and item.branches is not None:
            inner: set[str] = set()
            for branch in item.branches:
                found = _required_seq(branch, at_edge)
                if found is None:
                    inner = set()
                    break
                inner |= found
            if inner and len(inner) <= _MAX_STRINGS:
                best = _better(best, frozenset(inner))
    close()
    return best


def required_literals(regex: str, min_length: int = MIN_ANCHOR) -> Strings | None:
    """Lower-case strings of at least ``min_length`` characters, one of which every
    match of ``regex`` contains (case-insensitively); None when there is no such set."""
    found = required_anchors(regex, min_length)
    return None if found is None else found[0]


def required_anchors(
    regex: str, min_length: int = MIN_ANCHOR
) -> tuple[Strings, Strings] | None:
    """``required_literals(regex)`` and the part of it that every match holds only right
    after a word boundary (the regex has ``\\b`` or ``^`` just before the string: a place
    where the string follows a letter, digit or "_" cannot be that match's)."""
    try:
        branches = _Parser(regex).parse()
    except (_Unsupported, IndexError, ValueError):
        return None
    out: set[str] = set()
    for branch in branches:
        found = _required_seq(branch)
        if found is None:
            return None
        out |= found
    if not out or len(out) > _MAX_STRINGS:
        return None
    kept = _minimal(frozenset(out))
    if any(_length(s) < min_length and s.lstrip(_EDGE) not in SHORT_ANCHORS for s in kept):
        return None
    plain = frozenset(s.lstrip(_EDGE) for s in kept)
    edged = frozenset(s.lstrip(_EDGE) for s in kept if s.startswith(_EDGE))
    if len(plain) != len(kept):  # a string both after an edge and not: not at an edge
        edged = frozenset(s for s in edged if s not in kept)
    return plain, edged


def _minimal(strings: Strings) -> Strings:
    """Drop strings that contain another of the set: finding the shorter one is enough."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


__all__ = ["MIN_ANCHOR", "SHORT_ANCHORS", "required_anchors", "required_literals"]
