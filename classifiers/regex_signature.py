"""A cheap necessary condition of a rule regex, for the pattern detector's RE2 sets.

An RE2 set only decides which rules can match in a chunk of text; the rule's own regex
then finds the matches. Rules of the form ``[A-Za-z0-9_.-]*(?:password|pwd)…=…(?P<value>
[^"'\\r\\n]{4,256})`` are cheap one by one, but a set of thirty of them builds a DFA whose
states multiply (an unanchored leading ``X*`` keeps a thread alive at every word
character, a counted repetition keeps one per count): measured 5 MB/s on Python source
against ~250 MB/s for each rule alone.

``signature(regex)`` returns a regex whose matches are a superset of the rule's (any text
holding a match of the rule holds a match of the signature), built from two moves that
never lose a match:

* **lead**: an unanchored search may start anywhere, so items at the very start of the
  pattern can be dropped — zero-width assertions, optional items, character classes, a
  boundary group such as ``(?:^|[^A-Za-z])`` — down to the first literal; inside a leading
  group each alternative is trimmed the same way.
* **tail**: dropping a suffix only widens the language, so the pattern is cut at the first
  open-ended or long counted repetition (``X{4,256}`` keeps ``X{4}``, ``X*`` goes).

What is left is mostly the rule's keywords and punctuation, which a set matches at full
DFA speed. Anything the small parser here does not understand returns ``None`` and the
caller uses the rule's own regex (always correct, maybe slower).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a repetition whose maximum exceeds this (or is open) ends the signature
_LONG_REPEAT = 8
# a kept minimum count is capped (``X{20}`` -> ``X{4}``: a prefix of X{20}, so a superset)
_KEPT_MIN = 4
_INF = -1
_QUANT = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")


class _Unsupported(Exception):
    pass


@dataclass(slots=True)
class _Item:
    kind: str  # "lit", "class", "zw" (zero-width), "flag", "group"
    text: str  # the atom's own text (for a group: its opener, e.g. "(?:" or "(?P<v>")
    branches: list[list[_Item]] | None = None  # for groups
    qmin: int = 1
    qmax: int = 1  # _INF = unbounded
    quant: str = ""  # the quantifier's text as written (with a lazy "?")

    def emit(self) -> str:
        if self.kind == "group":
            assert self.branches is not None
            body = "|".join(_emit_seq(b) for b in self.branches)
            return f"{self.text}{body}){self.quant}"
        return self.text + self.quant

    def long_repeat(self) -> bool:
        # ``*`` and ``+`` cost a DFA one state; a count costs one per step
        counted = self.quant.startswith("{")
        return counted and (self.qmax == _INF or self.qmax > _LONG_REPEAT)

    def holds_long_repeat(self) -> bool:
        if self.long_repeat():
            return True
        return any(i.holds_long_repeat() for b in self.branches or () for i in b)


def _emit_seq(seq: list[_Item]) -> str:
    return "".join(i.emit() for i in seq)


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def parse(self) -> list[list[_Item]]:
        alt = self.alternation()
        if self.i != len(self.s):
            raise _Unsupported("unbalanced parenthesis")
        return alt

    def alternation(self) -> list[list[_Item]]:
        branches = [self.sequence()]
        while self.i < len(self.s) and self.s[self.i] == "|":
            self.i += 1
            branches.append(self.sequence())
        return branches

    def sequence(self) -> list[_Item]:
        seq: list[_Item] = []
        while self.i < len(self.s) and self.s[self.i] not in "|)":
            item = self.atom()
            self.quantifier(item)
            seq.append(item)
        return seq

    def atom(self) -> _Item:
        s, i = self.s, self.i
        c = s[i]
        if c == "(":
            return self.group()
        if c == "[":
            return _Item("class", self.char_class())
        if c == "\\":
            return self.escape()
        if c in "^$":
            self.i += 1
            return _Item("zw", c)
        if c in "*+?{":
            if c == "{" and not _QUANT.match(s, i):
                self.i += 1
                return _Item("lit", "\\{")
            raise _Unsupported("quantifier without an atom")
        self.i += 1
        return _Item("class" if c == "." else "lit", c)

    def group(self) -> _Item:
        s = self.s
        m = re.compile(r"\(\?P?<[A-Za-z_][A-Za-z0-9_]*>|\(\?[imsU-]*:|\(\?[imsU-]+\)|\(").match(
            s, self.i
        )
        if m is None:
            raise _Unsupported("unknown group")
        opener = m.group(0)
        self.i = m.end()
        if opener.endswith(")"):
            return _Item("flag", opener)
        branches = self.alternation()
        if self.i >= len(s) or s[self.i] != ")":
            raise _Unsupported("unclosed group")
        self.i += 1
        return _Item("group", opener, branches)

    def char_class(self) -> str:
        s, start = self.s, self.i
        i = start + 1
        if i < len(s) and s[i] == "^":
            i += 1
        if i < len(s) and s[i] == "]":
            i += 1
        while i < len(s) and s[i] != "]":
            if s[i] == "\\":
                i += 2
            elif s.startswith("[:", i):
                end = s.find(":]", i + 2)
                if end == -1:
                    raise _Unsupported("bad POSIX class")
                i = end + 2
            else:
                i += 1
        if i >= len(s):
            raise _Unsupported("unclosed class")
        self.i = i + 1
        return s[start : i + 1]

    def escape(self) -> _Item:
        s, i = self.s, self.i
        if i + 1 >= len(s):
            raise _Unsupported("trailing backslash")
        c = s[i + 1]
        if c in "QE":
            raise _Unsupported("quoted literal")
        if c in "xpP" and i + 2 < len(s) and s[i + 2] == "{":
            end = s.find("}", i + 2)
            if end == -1:
                raise _Unsupported("bad escape")
            self.i = end + 1
        elif c == "x":
            self.i = i + 4
        elif c in "pP":
            self.i = i + 3
        else:
            self.i = i + 2
        text = s[i : self.i]
        if c in "bBAz":
            return _Item("zw", text)
        if c in "dDwWsSpPC":
            return _Item("class", text)
        return _Item("lit", text)

    def quantifier(self, item: _Item) -> None:
        s, i = self.s, self.i
        if i >= len(s):
            return
        c = s[i]
        if c in "*+?":
            item.qmin, item.qmax = {"*": (0, _INF), "+": (1, _INF), "?": (0, 1)}[c]
            j = i + 1
        elif c == "{" and (m := _QUANT.match(s, i)):
            item.qmin = int(m.group(1))
            item.qmax = item.qmin if not m.group(2) else (int(m.group(3)) if m.group(3) else _INF)
            j = m.end()
        else:
            return
        if j < len(s) and s[j] == "?":
            j += 1
        if item.kind in ("zw", "flag"):
            raise _Unsupported("quantified assertion")
        item.quant = s[i:j]
        self.i = j


def _lead(seq: list[_Item]) -> list[_Item]:
    """Drop what an unanchored match may skip at the start: up to the first literal."""
    out: list[_Item] = []
    rest = list(seq)
    while rest:
        item = rest.pop(0)
        if item.kind == "flag":
            out.append(item)
            continue
        if item.kind in ("zw", "class") or item.qmin == 0:
            continue
        if item.kind == "group" and item.qmin == 1 and item.qmax == 1:
            assert item.branches is not None
            trimmed = [_lead(b) for b in item.branches]
            if any(not _consumes(b) for b in trimmed):
                continue  # some alternative is now empty: the group may match nothing
            out.append(_Item("group", item.text, trimmed))
            return out + rest
        if item.kind == "group":
            continue  # a repeated group at the start: skip it
        # a literal; repeated at the start (``-{5}``), one of it is a suffix of the run
        if item.qmax != 1:
            item = _Item(item.kind, item.text)
        out.append(item)
        return out + rest
    return out


def _consumes(seq: list[_Item]) -> bool:
    return any(i.kind not in ("zw", "flag") for i in seq)


def _tail(seq: list[_Item]) -> tuple[list[_Item], bool]:
    """Cut ``seq`` at its first long repetition; True when something was cut."""
    out: list[_Item] = []
    for item in seq:
        if item.kind == "group" and item.qmin == 1 and item.qmax == 1:
            assert item.branches is not None
            cut_branches = [_tail(b) for b in item.branches]
            group = _Item("group", item.text, [b for b, _ in cut_branches])
            out.append(group)
            if any(cut for _, cut in cut_branches):
                return out, True
            continue
        if item.long_repeat() and item.kind != "group":
            keep = min(item.qmin, _KEPT_MIN)
            if keep:
                out.append(_Item(item.kind, item.text, qmin=keep, qmax=keep,
                                 quant="" if keep == 1 else f"{{{keep}}}"))
            return out, True
        if item.holds_long_repeat():
            return out, True
        out.append(item)
    return out, False


def _literal_weight(seq: list[_Item]) -> int:
    """Roughly how selective ``seq`` is: literal characters it must consume."""
    total = 0
    for item in seq:
        if item.kind == "lit" and item.qmin >= 1:
            total += item.qmin
        elif item.kind == "group" and item.qmin >= 1 and item.branches:
            total += min(_literal_weight(b) for b in item.branches)
    return total


def signature(regex: str, min_literals: int = 2) -> str | None:
    """A regex matching wherever ``regex`` does (and maybe more), cheaper in an RE2 set;
    None when ``regex`` is not understood or its signature would be too unselective."""
    try:
        branches = _Parser(regex).parse()
    except (_Unsupported, IndexError):
        return None
    out: list[str] = []
    for branch in branches:
        seq = _branch_signature(branch, min_literals)
        if seq is None:
            return None
        out.append(_emit_seq(seq))
    return "|".join(out) if len(out) > 1 else out[0]


def _branch_signature(branch: list[_Item], min_literals: int) -> list[_Item] | None:
    """The first selective enough signature of ``branch`` with 0, 1, 2… leading items
    dropped (any prefix may go at the start of an unanchored pattern; inline flags stay,
    they change what the rest means)."""
    for k in range(len(branch)):
        flags = [i for i in branch[:k] if i.kind == "flag"]
        seq, _ = _tail(_lead(flags + branch[k:]))
        if _literal_weight(seq) >= min_literals:
            return seq
    return None
