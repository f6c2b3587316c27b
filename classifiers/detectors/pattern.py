"""The pattern detector: runs every rule of the loaded rule packs over a text.

How a text is scanned (all matching is RE2, so linear in the text):

1. The text is encoded to UTF-8 once.
2. Keyword prefilter: a rule whose keywords are all absent from the text (case-insensitive,
   anywhere) cannot fire (rules with ``prefilter = "none"`` always can). The keywords are
   found by the pass of step 3 (an RE2 set of them serves texts holding the two letters
   RE2 folds k and s to, which lower-casing bytes misses).
3. Anchored rules (most of them): ``classifiers.regex_literals`` finds, for each rule
   regex, literals one of which every match must hold (``AKIA``, ``-----begin ``,
   ``password``); a rule that needs context and has none uses its context words. One
   Aho-Corasick pass over the lower-cased text finds every anchor, and each rule's regex
   runs only on the lines holding one of its anchors (and, for context words, the
   ``context_lines`` below them): rule regexes never match a newline, so no match is
   lost. This replaced RE2 sets for these rules: on text the sets had not seen, building
   their DFA states was most of a scan's cost (~10 MB/s against ~200 for the pass).
4. The other rules (digits-only shapes such as card numbers and IP addresses, street
   addresses): the text is cut into chunks of about 2 KB at line ends. RE2 sets (38
   rules per set) tell which rules can match in a chunk; only those rules' own regexes
   run, and only over that chunk. A set holds each rule's *signature*
   (``classifiers.regex_signature``): a necessary condition of the regex without its
   leading ``[A-Za-z0-9_.-]*`` and its long counted repetitions. (A rule that requires
   context is anchored on its context words in step 3, never here.)
5. Each match goes through its rule's value group, extender, minimum length, allowlist,
   filters, entropy threshold, validator and context words, and becomes a ``Finding``
   whose explanation says which of those steps applied (never the value).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import ahocorasick_rs
import re2

from classifiers.entropy import shannon_entropy
from classifiers.errors import RulePackError
from classifiers.extenders import EXTENDERS
from classifiers.filters import FILTERS
from classifiers.model import Category, Finding, Severity
from classifiers.regex_literals import required_anchors
from classifiers.regex_signature import signature
from classifiers.rules import Rule, RulePack, re2_options, rule_pattern_text
from classifiers.taxonomy import category_of, default_severity
from classifiers.validators import VALIDATORS

# RE2's set pays a fixed cost per call, and a rule whose signature hits in a chunk runs its
# own regex over the whole chunk. On text dense with near-misses (the speed benchmark's
# sparse text) signatures hit in nearly every chunk: chunks of ~2 KB (cut at line ends)
# scan 14 MB of rule regexes per 2 MB of text against 41 MB for 16 KB chunks, for about the
# same set cost (second pass over 2 MB: 276-315 ms against 345-353; Python source 43-46 ms
# against 50; 1 KB and 512 B were no faster: the sets' per-call cost takes over).
CHUNK_BYTES = 2 * 1024
# RE2 memory budget per set (program + DFA cache). RE2 builds DFA states as it meets new
# text and, when the budget is full, resets the cache; resetting too often makes it give up
# on the DFA for a slower engine. What counts is text the sets have not seen (a second pass
# over the same text is several times faster and says little). Engine, names off, fresh
# process, 6 MB each of the corpus mix, Python source and licence text in turn, MB/s:
# sets of 57 at 32 MB 2.9 / 4.5 / 2.8 (licence text: 3.1 for the sets alone after the
# others); 57 at 64 MB 2.9 / 4.5 / 2.8, peak RSS 208 MB; 29 at 64 MB 3.4 / 6.4 / 6.4, 190 MB;
# 38 at 48 MB 3.6 / 6.4 / 10.8, 166 MB. The budget is a cap, not an allocation.
_SET_MAX_MEM = 48 << 20
# Longest value a rule reports without an extender. Longer runs (a rule's open-ended
# repetition over a 1 MB line) are no credential or identifier, and would only feed
# megabytes to the filters.
MAX_VALUE_CHARS = 16_384
# Rules per RE2 set (of their signatures): fewer, larger sets scan known text faster (57
# per set: ~80-100 MB/s on a second pass) but build DFA states more slowly on new text,
# which is what a scan meets; one set of all rules blew up (2.7 MB/s on licence text).
# Measured on new text (above): 38.
_SET_GROUP = 38
# Context-line ranges closer than this are matched as one: a regex call costs ~10 us in the
# wrapper, scanning 2 KB more costs less.
_CONTEXT_MERGE_GAP = 2048
# UTF-8 continuation bytes: deleting them and counting the rest maps bytes to chars.
_CONTINUATION = bytes(range(0x80, 0xC0))
_UNANCHORED = re2._Anchor.UNANCHORED  # RE2 unanchored search, for _regexp.Match


def _word_alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _WordFinder:
    """Finds whole words (case-insensitive; ``_`` and punctuation separate words, and a
    capitalised word after a lower-case letter counts too: dbPassword).

    ``search`` looks at the short region around one value with the standard library's
    engine: the pattern is built here from escaped literals (an alternation of fixed
    words between character classes, no nested repetition) and the region is bounded, so
    it is linear, and about ten times cheaper per call than RE2's Python wrapper on such
    short strings. (Where the words occur in a whole text, the detector's one Aho-Corasick
    pass finds: ``_Anchors``.)
    """

    words: tuple[str, ...]
    rough: ahocorasick_rs.AhoCorasick  # the lower-cased words anywhere (a superset of both)
    plain: re.Pattern[str]
    camel: re.Pattern[str] | None
    outside_names: bool = False

    @classmethod
    def build(cls, words: Sequence[str], outside_names: bool = False) -> _WordFinder | None:
        """``outside_names``: a word that is part of a host name, address or file name
        (``example.net``, ``x@test.org``, ``sample.csv``) does not count; a word ending a
        sentence (``… an example.``) does."""
        if not words:
            return None
        alternation = _word_alternation(words)
        # the words with Unicode case folding ("NÉ LE" holds "né"), their edges ASCII and
        # case-sensitive (a Kelvin sign after "ssn" is not a letter of the word)
        plain = re.compile(rf"(?:^|(?<=[^A-Za-z0-9]))(?i:({alternation}))(?=[^A-Za-z0-9]|$)")
        capitalised = [w[0].upper() + w[1:] for w in words if w[:1].isalpha()]
        camel = None
        if capitalised:
            camel = re.compile(
                rf"(?<=[a-z0-9])({_word_alternation(capitalised)})(?=[^a-z0-9]|$)", re.ASCII
            )
        lowered = tuple(w.lower() for w in words)
        return cls(lowered, ahocorasick_rs.AhoCorasick(list(set(lowered))), plain, camel,
                   outside_names)

    def search(self, region: str) -> str | None:
        # cheap pre-check, one Aho-Corasick pass: no word at all, not even inside another
        if not self.rough.find_matches_as_indexes(region.lower()):
            return None
        if self.outside_names:
            for m in self.plain.finditer(region):
                if not _inside_address(region, m.start(), m.end()):
                    return m.group(1).lower()
            m = None
        else:
            m = self.plain.search(region)
        if m is None and self.camel is not None:
            m = self.camel.search(region)
        return None if m is None else m.group(1).lower()


_TOKEN_EDGE = frozenset(" \t\n\r\"'<>()[]{},;|")


def _inside_address(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is part of an e-mail address's domain or a URL
    (``ana@example.net``, ``https://test.acme.io``): a word there says nothing."""
    a = start
    while a > 0 and text[a - 1] not in _TOKEN_EDGE:
        a -= 1
    b = end
    while b < len(text) and text[b] not in _TOKEN_EDGE:
        b += 1
    token = text[a:b]
    at = token.find("@")
    return "://" in token or (0 < at < start - a)


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: Rule
    full_id: str
    value_group: int  # 0 = the whole match
    context: _WordFinder | None
    negative: _WordFinder | None
    allowlist: object | None  # one RE2 alternation of the rule's allowlist regexes
    filters: tuple[Callable[[str], bool], ...]
    validator: Callable[[str], bool] | None
    category: Category
    severity: Severity


def _anchors_of(c: _CompiledRule) -> tuple[frozenset[str], int, frozenset[str]] | None:
    """What finds the lines a rule can match on, with how many lines below each place
    count too, and which of the strings count only where no letter, digit or "_" comes
    just before them: the literals every match holds (``classifiers.regex_literals``), or
    for a rule that needs context its context words (non-ASCII ones are looked for in each
    case of their letters, as RE2 folds them); None: neither, the rule goes in an RE2 set."""
    found = required_anchors(c.rule.regex)
    if found:
        return found[0], 0, found[1]
    if c.rule.requires_context and c.context is not None:
        return frozenset(c.context.words), c.rule.context_lines, frozenset()
    return None


# bytes of ASCII word characters (RE2's ``\b`` is ASCII: any other byte is a boundary)
_WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")

# RE2 folds ASCII k and s, under case-insensitivity, to these two letters as well
_KELVIN = "\u212a".encode()
_LONG_S = "\u017f".encode()


def _case_variants(word: str) -> list[str]:
    """``word`` (lower case) with its ASCII letters in lower case and each other letter in
    every case RE2's case-insensitive matching takes for it (its single-character upper
    and lower forms and the letters that fold to them: "ß" and "ẞ")."""
    forms: list[list[str]] = []
    for c in word:
        if c.isascii():
            forms.append([c])
            continue
        orbit = {c, c.lower(), c.upper(), c.casefold()}
        orbit |= {_FOLDS_TO.get(x, x) for x in tuple(orbit)}
        orbit |= {k for k, v in _FOLDS_TO.items() if v in orbit}
        forms.append(sorted(f for f in orbit if len(f) == 1 and not f.isascii()) or [c])
    out = [""]
    for options in forms:
        out = [prefix + o for prefix in out for o in options]
    return out


# letters whose lower-case form is another letter's (so ``lower`` alone misses the pair)
_FOLDS_TO = {"\u1e9e": "\u00df", "\u212b": "\u00e5", "\u2126": "\u03c9"}


@dataclass(frozen=True, slots=True)
class _Anchors:
    """Every anchor of every anchored rule, and every keyword of three or more ASCII
    characters, in one Aho-Corasick automaton over lower-cased UTF-8 (a DFA: ~200 MB/s
    with thousands of hits per MB, against ~10 MB/s for RE2 sets building their states on
    new text). Shorter keywords are looked for one by one (``in``: most occur early, in
    ordinary text).

    Rules with the same anchors and the same lines below are a group (the password rules
    share theirs): a group's lines are found, and cut out of the text, once for all its
    rules."""

    finder: ahocorasick_rs.BytesAhoCorasick
    # per string, the groups it anchors, each with whether a place counts only after a
    # byte that is no ASCII letter, digit or "_" (the rule has a word boundary there)
    owners: tuple[tuple[tuple[int, bool], ...], ...]
    keyword_of: tuple[tuple[int, ...], ...]  # per string, the rules it is a keyword of
    members: tuple[tuple[int, ...], ...]  # per group, its rules (ascending)
    after: tuple[int, ...]  # per group, lines below a place that count too
    rules: tuple[int, ...]  # the anchored rules
    short_keywords: tuple[tuple[bytes, tuple[int, ...]], ...]

    @classmethod
    def build(
        cls, items: Sequence[tuple[int, tuple[frozenset[str], int, frozenset[str]] | None]],
        keywords: Sequence[tuple[int, tuple[str, ...]]] = (),
    ) -> _Anchors | None:
        owners: dict[str, set[tuple[int, bool]]] = {}
        keyword_of: dict[str, list[int]] = {}
        short: dict[bytes, list[int]] = {}
        groups: dict[tuple[frozenset[str], int, frozenset[str]], list[int]] = {}
        for index, anchors in items:
            assert anchors is not None
            groups.setdefault(anchors, []).append(index)
        members = tuple(tuple(sorted(rules)) for rules in groups.values())
        for group, (words, _after, edged) in enumerate(groups):
            for word in words:
                # the automaton reads ASCII lower-cased and the rest as it is
                for variant in _case_variants(word):
                    owners.setdefault(variant, set()).add((group, word in edged))
        for index, rule_keywords in keywords:
            for kw in {k.lower() for k in rule_keywords}:
                if not kw.isascii():
                    # the automaton reads ASCII lower-cased and the rest as it is: the
                    # keyword in each case of its other letters ("straße", "straẞe")
                    for variant in _case_variants(kw):
                        keyword_of.setdefault(variant, []).append(index)
                elif len(kw) < 3:
                    short.setdefault(kw.encode(), []).append(index)
                else:
                    keyword_of.setdefault(kw, []).append(index)
        keys = sorted(set(owners) | set(keyword_of))
        if not keys:
            return None
        finder = ahocorasick_rs.BytesAhoCorasick(
            [k.encode() for k in keys], implementation=ahocorasick_rs.Implementation.DFA
        )
        return cls(finder, tuple(tuple(sorted(owners.get(k, ()))) for k in keys),
                   tuple(tuple(keyword_of.get(k, ())) for k in keys), members,
                   tuple(after for _words, after, _edged in groups),
                   tuple(sorted(i for rules in members for i in rules)),
                   tuple((k, tuple(v)) for k, v in short.items()))

    def find(self, lowered: bytes) -> list[tuple[int, int, int]]:
        return self.finder.find_matches_as_indexes(lowered, overlapping=True)

    def keyword_rules(self, lowered: bytes, hits: list[tuple[int, int, int]]) -> set[int]:
        """The rules one of whose keywords occurs (case-insensitively, anywhere)."""
        rules: set[int] = set()
        keyword_of = self.keyword_of
        for string in {h[0] for h in hits}:
            rules.update(keyword_of[string])
        for kw, owners in self.short_keywords:
            # a rule already enabled by another keyword need not look for this one
            if not rules.issuperset(owners) and kw in lowered:
                rules.update(owners)
        return rules

    def line_ranges(self, data: bytes, hits: list[tuple[int, int, int]], wanted: frozenset[int]
                    ) -> list[tuple[tuple[int, ...], list[tuple[int, int]]]]:
        """For each group with a rule of ``wanted`` and an anchor among ``hits``: those
        rules, and the line ranges of ``data`` they must run on."""
        places: dict[int, list[int]] = {}
        for group, rules in enumerate(self.members):
            if not wanted.isdisjoint(rules):
                places[group] = []
        owners = self.owners
        for pattern, start, _ in hits:
            for group, edge in owners[pattern]:
                found = places.get(group)
                if found is not None and not (edge and start and data[start - 1] in _WORD_BYTES):
                    found.append(start)
        return [
            (tuple(i for i in self.members[group] if i in wanted),
             _lines_after(data, sorted(at), self.after[group]))
            for group, at in places.items() if at
        ]


def _alternation(patterns: Sequence[str]) -> object | None:
    if not patterns:
        return None
    return re2.compile("|".join(f"(?:{p})" for p in patterns), re2_options())


class PatternDetector:
    """Runs the rules of ``packs`` (minus ``disabled_rules``, full ids like
    ``secrets/jwt``). Immutable after construction, so one instance serves every thread."""

    name = "pattern"

    def __init__(self, packs: Iterable[RulePack], disabled_rules: frozenset[str] = frozenset()):
        compiled: list[_CompiledRule] = []
        seen: set[str] = set()
        duplicates: list[str] = []
        for pack in packs:
            for rule in pack.rules:
                full_id = rule.full_id
                if full_id in seen:
                    duplicates.append(f"rule id `{full_id}` is defined twice")
                seen.add(full_id)
                if full_id in disabled_rules or rule.pattern is None:
                    continue
                group = rule.pattern.groupindex[rule.value_group] if rule.value_group else 0
                compiled.append(
                    _CompiledRule(
                        rule=rule,
                        full_id=full_id,
                        value_group=group,
                        context=_WordFinder.build(rule.context),
                        negative=_WordFinder.build(rule.negative_context, outside_names=True),
                        allowlist=_alternation(rule.allowlist),
                        filters=tuple(FILTERS[name] for name in rule.filters),
                        validator=VALIDATORS[rule.validator] if rule.validator else None,
                        category=category_of(rule.entity_type),
                        severity=rule.severity or default_severity(rule.entity_type),
                    )
                )
        if duplicates:
            raise RulePackError("rule packs", duplicates)
        # Rules with anchors (literals every match holds, or for a rule that needs context
        # its context words) are found by one Aho-Corasick pass and need no RE2 set; the
        # others come first, and of those the rules that always run share sets and
        # keyword-gated ones are grouped after them, so a text without a group's keywords
        # skips that group's set entirely.
        anchors_of = {id(c): _anchors_of(c) for c in compiled}
        compiled.sort(key=lambda c: (anchors_of[id(c)] is not None,
                                     c.rule.prefilter != "none" and bool(c.rule.keywords)))
        self._rules = tuple(compiled)
        self._set_rules = sum(1 for c in compiled if anchors_of[id(c)] is None)
        self.rules = tuple(r.rule for r in compiled)  # what runs, in set order
        self.rule_ids = tuple(r.full_id for r in compiled)
        self._always = frozenset(
            i for i, r in enumerate(compiled) if r.rule.prefilter == "none" or not r.rule.keywords
        )
        keywords = [(i, tuple(c.rule.keywords)) for i, c in enumerate(compiled)
                    if i not in self._always]
        self._anchors = _Anchors.build(
            [(i, anchors_of[id(c)]) for i, c in enumerate(compiled)
             if anchors_of[id(c)] is not None],
            keywords,
        )
        # every keyword in one RE2 set: for texts holding the two letters RE2 folds k and s
        # to (lower-casing bytes misses them), and when there is no automaton
        self._keyword_set, self._keyword_rules = self._build_keyword_set(compiled)
        self._rule_sets = [
            (base, self._build_rule_set(compiled[base : min(base + _SET_GROUP,
                                                              self._set_rules)]))
            for base in range(0, self._set_rules, _SET_GROUP)
        ]

    # --- construction -------------------------------------------------------------------

    @staticmethod
    def _build_keyword_set(
        compiled: Sequence[_CompiledRule],
    ) -> tuple[object | None, list[tuple[int, ...]]]:
        keywords: dict[str, list[int]] = {}
        for i, c in enumerate(compiled):
            if c.rule.prefilter == "none":
                continue
            for kw in c.rule.keywords:
                keywords.setdefault(kw.lower(), []).append(i)
        if not keywords:
            return None, []
        options = re2_options(case_insensitive=True)
        options.max_mem = _SET_MAX_MEM
        kw_set = re2.Set.SearchSet(options)
        kw_set.Add("")  # sentinel: a successful match always reports index 0
        rules_of: list[tuple[int, ...]] = [()]
        for kw, rule_indexes in keywords.items():
            kw_set.Add(re2.escape(kw))
            rules_of.append(tuple(rule_indexes))
        kw_set.Compile()
        return kw_set, rules_of

    @staticmethod
    def _build_rule_set(compiled: Sequence[_CompiledRule]) -> object:
        options = re2_options(single_line=True)
        options.max_mem = _SET_MAX_MEM
        rule_set = re2.Set.SearchSet(options)
        rule_set.Add("")  # sentinel, see _rules_in
        for c in compiled:
            regex = rule_pattern_text(signature(c.rule.regex) or c.rule.regex)
            rule_set.Add(f"(?i:{regex})" if c.rule.case_insensitive else regex)
        rule_set.Compile()
        return rule_set

    # --- scanning -----------------------------------------------------------------------

    def detect(self, text: str) -> list[Finding]:
        if not text or not self._rules:
            return []
        data = text.encode("utf-8", "surrogatepass")
        anchors = self._anchors
        if anchors is None or _KELVIN in data or _LONG_S in data:
            hits = None
            enabled = self._enabled_rules(data)
        else:
            lowered = data.lower()
            hits = anchors.find(lowered)
            enabled = self._always | anchors.keyword_rules(lowered, hits)
        if not enabled:
            return []
        findings: list[Finding] = []
        seen: set[tuple[int, int, int]] = set()
        chars = _CharOffsets(data, len(data) == len(text))
        self._detect_anchored(data, hits, text, enabled, chars, findings, seen)
        self._detect_by_sets(data, text, enabled, chars, findings, seen)
        findings.sort(key=lambda f: (f.start, f.end, f.recognizer))
        return findings

    def _detect_anchored(
        self, data: bytes, hits: list[tuple[int, int, int]] | None, text: str,
        enabled: frozenset[int], chars: _CharOffsets,
        findings: list[Finding], seen: set[tuple[int, int, int]],
    ) -> None:
        """Each enabled rule with anchors, on the lines where one of them occurs
        (``hits``: the automaton's matches in the lower-cased text)."""
        anchors = self._anchors
        if anchors is None:
            return
        wanted = [i for i in anchors.rules if i in enabled]
        if not wanted:
            return
        if hits is None:
            # RE2 folds k and s to two non-ASCII letters that lower-casing bytes misses:
            # such a text runs every rule over all of it
            groups = [(tuple(wanted), [(0, len(data))])]
        else:
            groups = anchors.line_ranges(data, hits, frozenset(wanted))
        run = self._run_rule
        for rules, spans in groups:
            for lo, hi in spans:
                piece, base = data[lo:hi], chars.at(lo)
                for index in rules:
                    run(index, piece, base, text, findings, seen)

    def _detect_by_sets(
        self, data: bytes, text: str, enabled: frozenset[int], chars: _CharOffsets,
        findings: list[Finding], seen: set[tuple[int, int, int]],
    ) -> None:
        """The rules without anchors: RE2 sets of their signatures, chunk by chunk."""
        # each set with its enabled rules, as the set's own indexes (1 + rule - base)
        sets: list[tuple[int, object, frozenset[int]]] = []
        for base, rule_set in self._rule_sets:
            local = frozenset(i - base + 1 for i in enabled if base <= i < base + _SET_GROUP
                              and i < self._set_rules)
            if local:
                sets.append((base, rule_set, local))
        if not sets:
            return
        n = len(data)
        pos = 0
        while pos < n:
            cut = pos + CHUNK_BYTES
            if cut >= n:
                end = n
            else:
                nl = data.find(b"\n", cut)
                end = n if nl == -1 else nl + 1
            chunk = data[pos:end]
            # (a rule that needs context is anchored on its context words: never here)
            for index in self._rules_in(chunk, sets):
                self._run_rule(index, chunk, chars.at(pos), text, findings, seen)
            pos = end

    def _enabled_rules(self, data: bytes) -> frozenset[int]:
        if self._keyword_set is None:
            return self._always
        hits = self._keyword_set.Match(data)  # type: ignore[attr-defined]
        if hits is None:  # the set could not run (e.g. out of memory): be safe, run all
            return frozenset(range(len(self._rules)))
        enabled = set(self._always)
        for k in hits:
            enabled.update(self._keyword_rules[k])
        return frozenset(enabled)

    @staticmethod
    def _rules_in(
        chunk: bytes, sets: Sequence[tuple[int, object, frozenset[int]]]
    ) -> list[int]:
        found: list[int] = []
        for base, rule_set, local in sets:
            hits = rule_set.Match(chunk)  # type: ignore[attr-defined]
            if hits is None:  # no sentinel: the set failed, so try every enabled rule
                hits = sorted(local)
            found += [base + i - 1 for i in hits if i in local]
        return found

    def _run_rule(
        self,
        index: int,
        chunk: bytes,
        char_base: int,
        text: str,
        findings: list[Finding],
        seen: set[tuple[int, int, int]],
    ) -> None:
        c = self._rules[index]
        group = c.value_group
        extend = EXTENDERS[c.rule.extend] if c.rule.extend else None
        judge = self._judge
        # RE2's own matcher, not the wrapper's search(): the wrapper builds a generator and
        # a match object per call (~10 us); this returns the groups' byte spans directly
        match = c.rule.pattern._regexp.Match  # type: ignore[union-attr]
        n = len(chunk)
        # byte offsets in the chunk to characters (``char_base``: characters before it): an
        # ASCII chunk by one addition, another by counting characters from the previous
        # candidate on (matches come in order)
        ascii_chunk = chunk.isascii()
        last_byte, last_char = 0, char_base
        pos = 0
        while pos <= n:
            spans = match(_UNANCHORED, chunk, pos, n)
            m_start, m_end = spans[0]
            if m_start < 0:
                break
            b_start, b_end = spans[group]
            # Resume at the end of the value, not of the match: a pattern that ends by
            # consuming a separator ("…(?:$|[^0-9])") would otherwise eat the separator the
            # next value of a one-separator list ("81.2.69.160,81.2.69.161") starts with.
            pos = b_end if m_start < b_end < m_end else m_end
            if pos <= m_start:
                pos = m_start + 1
            if b_start < 0 or b_start == b_end:
                continue
            if ascii_chunk:
                start, end = char_base + b_start, char_base + b_end
            else:
                if b_start < last_byte:  # a value group before the previous one's end
                    last_byte, last_char = 0, char_base
                if chunk[last_byte:b_end].isascii():  # most gaps between candidates are
                    start = last_char + b_start - last_byte
                    end = start + b_end - b_start
                else:
                    start = last_char + _chars_in(chunk, last_byte, b_start)
                    end = start + _chars_in(chunk, b_start, b_end)
                last_byte, last_char = b_start, start
            if extend is None:
                if end - start > MAX_VALUE_CHARS:
                    continue  # a run this long is no credential or identifier
            else:
                # different matches can grow into the same block: report it once
                span = extend(text, start, end)
                if span is None:
                    continue
                start, end = span
                key = (index, start, end)
                if key in seen:
                    continue
                seen.add(key)
            finding = judge(c, text, start, end)
            if finding is not None:
                findings.append(finding)

    def _judge(self, c: _CompiledRule, text: str, start: int, end: int) -> Finding | None:
        """Apply the rule's checks to one candidate value; None drops it."""
        rule = c.rule
        value = text[start:end]
        if len(value) < rule.min_length:
            return None
        region: str | None = None
        word: str | None = None
        if rule.requires_context and c.context is not None:
            # most candidates of such rules have no context word: drop them before the
            # (costlier) allowlist, filters and validator, which cannot change that
            region = _context_region(text, start, end, rule.context_window, rule.context_lines)
            word = c.context.search(region)
            if word is None:
                return None
        # every check must pass, so their order only decides cost: the validator (a
        # checksum or a parse) rejects most candidates of the rules that have one and is
        # cheaper than the filters (placeholder words, hashes, entropy)
        if c.validator is not None and not _safe(c.validator, value):
            return None
        if c.allowlist is not None and c.allowlist.search(value) is not None:
            return None
        for check in c.filters:
            if _safe(check, value):
                return None
        if rule.min_entropy is not None and shannon_entropy(value) < rule.min_entropy:
            return None
        explanation = [f"pattern {c.full_id}"]
        if c.validator is not None:
            explanation.append(f"validator {rule.validator} ok")
        score = rule.score
        if c.context is not None or c.negative is not None:
            if region is None:
                region = _context_region(text, start, end, rule.context_window, rule.context_lines)
                word = c.context.search(region) if c.context is not None else None
            if word is not None:
                score += rule.context_score
                explanation.append(f"context '{word}' +{rule.context_score:.2f}")
            elif rule.requires_context:
                return None
            bad = c.negative.search(region) if c.negative is not None else None
            if bad is not None:
                score -= rule.negative_context_score
                explanation.append(
                    f"negative context '{bad}' -{rule.negative_context_score:.2f}"
                )
        score = min(1.0, max(0.0, score))
        if score < rule.min_score:
            return None
        return Finding(
            entity_type=rule.entity_type,
            category=c.category,
            start=start,
            end=end,
            score=score,
            severity=c.severity,
            recognizer=c.full_id,
            explanation="; ".join(explanation),
            value=value,
        )


def _lines_after(data: bytes, places: Iterable[int], after: int) -> list[tuple[int, int]]:
    """The whole lines of ``data`` that hold one of ``places`` (ascending byte offsets) or
    lie at most ``after`` lines below one, as ranges; ranges closer than
    ``_CONTEXT_MERGE_GAP`` are joined.

    With ``after = 0`` and the places of a rule's anchors, these are the lines that can hold
    a match (a rule never matches across a newline). With the places of its context words
    (case-insensitive, anywhere in a word: a superset) and ``after`` its ``context_lines``,
    the lines on which a value can have a context word in its region (the value's own line
    and part of the ``after`` lines before): matching these lines alone finds the same
    values with context as matching the whole text."""
    ranges: list[tuple[int, int]] = []
    find, rfind = data.find, data.rfind
    end = len(data)
    lo = hi = -1  # the range being built
    line_end = -1  # end of the line holding the previous place
    for at in places:
        if at < line_end:
            continue  # same line as the previous place
        nl = find(b"\n", at)
        line_end = end if nl == -1 else nl + 1
        top = line_end
        for _ in range(after):
            nl = find(b"\n", top) if top < end else -1
            top = end if nl == -1 else nl + 1
        if lo >= 0 and at <= hi + _CONTEXT_MERGE_GAP:
            if top > hi:
                hi = top
            continue
        if lo >= 0:
            ranges.append((lo, hi))
        lo = max(rfind(b"\n", 0, at) + 1, hi)
        hi = top
    if lo >= 0:
        ranges.append((lo, hi))
    return ranges


class _CharOffsets:
    """Byte offsets of a UTF-8 text to character offsets: by identity for ASCII, else by
    counting characters from the nearest offset asked before (each call is cheap when
    offsets come mostly in order, as ranges of one rule do)."""

    __slots__ = ("_data", "_ascii", "_known")

    def __init__(self, data: bytes, ascii_text: bool) -> None:
        self._data = data
        self._ascii = ascii_text
        self._known: list[tuple[int, int]] = [(0, 0)]  # ascending (byte, char) pairs

    def at(self, byte: int) -> int:
        if self._ascii:
            return byte
        known = self._known
        i = bisect.bisect_right(known, (byte, _BIG)) - 1
        base_byte, base_char = known[i]
        char = base_char + _chars_in(self._data, base_byte, byte)
        if byte != base_byte:
            known.insert(i + 1, (byte, char))
        return char


_BIG = 1 << 62


def _chars_in(data: bytes, start: int, end: int) -> int:
    """Characters in ``data[start:end]`` (UTF-8 cut at character boundaries)."""
    # every byte that is not a UTF-8 continuation byte starts one character
    return len(data[start:end].translate(None, _CONTINUATION))


def _safe(check: object, value: str) -> bool:
    """A validator or filter result; a check that raises counts as False (never crash)."""
    try:
        return bool(check(value))  # type: ignore[operator]
    except Exception:  # a buggy check must not stop the scan
        return False


def _context_region(text: str, start: int, end: int, window: int, lines: int = 1) -> str:
    """Up to ``window`` characters before the value, not going back further than the start
    of the ``lines``-th line before the value's own, plus the rest of the value's own line
    (at most ``window``)."""
    lo = max(0, start - window)
    nl = text.rfind("\n", lo, start)
    if nl != -1:
        for _ in range(lines):
            prev = text.rfind("\n", lo, nl)
            if prev == -1:
                break
            nl = prev
        else:
            lo = nl + 1
    elif lo > 0 and text[lo - 1].isalnum():
        # the window must not start inside a word: "pub|lic" is not the word "lic"
        while lo < start and text[lo].isalnum():
            lo += 1
    hi = min(len(text), end + window)
    nl_after = text.find("\n", end, hi)
    if nl_after != -1:
        hi = nl_after
    elif hi < len(text) and text[hi].isalnum():
        while hi > end and text[hi - 1].isalnum():
            hi -= 1
    return text[lo:start] + "\n" + text[end:hi]



def example_failures(pack: RulePack) -> list[str]:
    """Every example of ``pack`` its rule gets wrong, as one-line messages naming the rule
    and the example's position (never its text). An admin's custom pack with failures
    is refused at policy import; built-in packs are checked by the test suite."""
    detector = PatternDetector([pack])
    failures: list[str] = []
    for rule in pack.rules:
        for i, (text, value) in enumerate(rule.examples.match):
            found = [f for f in detector.detect(text) if f.recognizer == rule.full_id]
            if not found:
                failures.append(f"rule `{rule.full_id}`: match example {i + 1} is not matched")
            elif value is not None and value not in {f.value for f in found}:
                failures.append(
                    f"rule `{rule.full_id}`: match example {i + 1} is matched, but not with "
                    f"the expected value"
                )
        for i, text in enumerate(rule.examples.no_match):
            if any(f.recognizer == rule.full_id for f in detector.detect(text)):
                failures.append(f"rule `{rule.full_id}`: no_match example {i + 1} is matched")
    return failures
