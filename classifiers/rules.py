"""Rule packs: load, validate and compile the TOML rule files the pattern detector runs.

The schema is documented in docs/architecture.md ("Rule packs"). Validation collects
every problem of a pack (unknown keys with a did-you-mean, wrong types, unknown entity
types, validators, filters and extenders, regexes RE2 cannot compile, missing keywords
or examples) and raises one ``RulePackError`` listing them all, each with the rule-pack
line where cheap. Regexes are compiled with RE2 only, so matching is linear in the text.
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re2

from classifiers.errors import RulePackError
from classifiers.extenders import EXTENDERS
from classifiers.filters import FILTERS
from classifiers.model import Severity
from classifiers.taxonomy import CUSTOM_PREFIX, ENTITY_TYPES
from classifiers.validators import VALIDATORS

DEFAULT_CONTEXT_WINDOW = 80
MAX_CONTEXT_LINES = 20
DEFAULT_CONTEXT_SCORE = 0.15
DEFAULT_NEGATIVE_CONTEXT_SCORE = 0.4
DEFAULT_MIN_SCORE = 0.5

_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CUSTOM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,99}")


def re2_options(case_insensitive: bool = False, *, single_line: bool = False) -> re2.Options:
    """RE2 options: UTF-8, quiet (errors are reported by us). ``single_line`` makes RE2
    never match a newline, whatever the pattern says (``\\s``, ``[^x]``, ``.``)."""
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = not case_insensitive
    options.never_nl = single_line
    return options


def rule_pattern_text(regex: str) -> str:
    """A rule regex as compiled: ``^`` and ``$`` anchor at line starts and ends."""
    return f"(?m:{regex})"


@dataclass(frozen=True, slots=True)
class Examples:
    """Sample texts a rule must match (optionally with the exact value) and must not."""

    match: tuple[tuple[str, str | None], ...] = ()  # (text, expected value or None)
    no_match: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule of a pack; ``full_id`` is ``<pack>/<id>``."""

    pack: str
    id: str
    entity_type: str
    description: str
    regex: str
    score: float
    keywords: tuple[str, ...] = ()
    prefilter: str = "keywords"  # or "none"
    value_group: str | None = None
    case_insensitive: bool = False
    severity: Severity | None = None
    min_entropy: float | None = None
    min_length: int = 0
    validator: str | None = None
    filters: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    context_window: int = DEFAULT_CONTEXT_WINDOW
    # lines before the value's own that its context region may reach (still at most
    # ``context_window`` characters): 1 = the previous line; a list under a heading
    # ("Test cards for QA:") needs more
    context_lines: int = 1
    context_score: float = DEFAULT_CONTEXT_SCORE
    requires_context: bool = False
    negative_context: tuple[str, ...] = ()
    negative_context_score: float = DEFAULT_NEGATIVE_CONTEXT_SCORE
    allowlist: tuple[str, ...] = ()
    min_score: float = DEFAULT_MIN_SCORE
    extend: str | None = None
    examples: Examples = field(default_factory=Examples)
    line: int = 0
    pattern: Any = field(default=None, repr=False, compare=False)  # compiled re2 regexp

    @property
    def full_id(self) -> str:
        return f"{self.pack}/{self.id}"


@dataclass(frozen=True, slots=True)
class RulePack:
    id: str
    description: str
    rules: tuple[Rule, ...]
    source: str = ""


# --- schema ------------------------------------------------------------------------------

_STR, _BOOL, _NUM, _INT, _STRLIST = "string", "boolean", "number", "integer", "list of strings"

_PACK_KEYS: dict[str, str] = {"id": _STR, "description": _STR}
_RULE_KEYS: dict[str, str] = {
    "id": _STR,
    "entity_type": _STR,
    "description": _STR,
    "regex": _STR,
    "value_group": _STR,
    "keywords": _STRLIST,
    "prefilter": _STR,
    "case_insensitive": _BOOL,
    "score": _NUM,
    "severity": _STR,
    "min_entropy": _NUM,
    "min_length": _INT,
    "validator": _STR,
    "filters": _STRLIST,
    "context": _STRLIST,
    "context_window": _INT,
    "context_lines": _INT,
    "context_score": _NUM,
    "requires_context": _BOOL,
    "negative_context": _STRLIST,
    "negative_context_score": _NUM,
    "allowlist": _STRLIST,
    "min_score": _NUM,
    "extend": _STR,
    "examples": "table",
}
_REQUIRED_RULE_KEYS = ("id", "entity_type", "description", "regex", "score", "examples")
_UNIT_SCORES = ("score", "context_score", "negative_context_score", "min_score")


def _type_ok(value: object, kind: str) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _NUM:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _STRLIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, dict)


def _did_you_mean(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f", did you mean `{close[0]}`?" if close else ""


def _unknown_names(names: Sequence[str], known: dict[str, object], what: str) -> list[str]:
    return [
        f"unknown {what} `{n}`{_did_you_mean(n, sorted(known))} "
        f"(known: {', '.join(sorted(known))})"
        for n in names
        if n not in known
    ]


def _regex_problem(
    pattern: str, case_insensitive: bool, *, rule: bool = True
) -> tuple[object | None, str | None]:
    try:
        if rule:
            compiled = re2.compile(
                rule_pattern_text(pattern), re2_options(case_insensitive, single_line=True)
            )
        else:
            compiled = re2.compile(pattern, re2_options(case_insensitive))
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args else "invalid"
        if isinstance(reason, bytes):  # pragma: no cover - defensive
            reason = reason.decode("utf-8", "replace")
        hint = ""
        if re.search(r"\(\?<?[=!]", pattern):
            hint = " (look-arounds are not supported: match the context with a group)"
        elif re.search(r"\\[1-9]", pattern):
            hint = " (backreferences are not supported)"
        elif "repetition" in reason:
            hint = " (RE2 allows counted repetition up to {,1000})"
        return None, f"RE2 rejected the regex: {reason}{hint}"
    return compiled, None


_ID_LINE = re.compile(r"^[ \t]*id[ \t]*=[ \t]*[\"']([^\"'\n]*)[\"']", re.M)


class _Problems:
    def __init__(self, text: str) -> None:
        self._text = text
        self.items: list[str] = []
        self._id_lines: dict[str, list[int]] | None = None

    def line_of(self, rule_id: object, nth: int = 0) -> int:
        """The line of the ``nth`` ``id = "<rule_id>"`` in the pack (0 when not found)."""
        if not isinstance(rule_id, str) or not rule_id:
            return 0
        if self._id_lines is None:
            self._id_lines = {}
            for m in _ID_LINE.finditer(self._text):
                line = self._text.count("\n", 0, m.start()) + 1
                self._id_lines.setdefault(m.group(1), []).append(line)
        lines = self._id_lines.get(rule_id, [])
        return lines[nth] if nth < len(lines) else 0

    def pack_line(self) -> int:
        m = re.search(r"^[ \t]*\[pack\]", self._text, re.M)
        return self._text.count("\n", 0, m.start()) + 1 if m else 0

    def add(self, where: str, line: int, message: str) -> None:
        prefix = f"line {line}: " if line else ""
        self.items.append(f"{prefix}{where}: {message}")


def load_pack_text(text: str, source: str, *, builtin: bool = False) -> RulePack:
    """Parse, validate and compile one rule pack given as TOML text.

    ``source`` names the pack in messages (a file name). Built-in packs may only use
    taxonomy entity types; custom packs may also use ``CUSTOM:<id>``. Raises
    ``RulePackError`` with every problem found.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message names a line and column, never the content
        raise RulePackError(source, [f"not valid TOML: {exc}"]) from None
    problems = _Problems(text)
    pack_id, description = _check_pack_table(data, problems)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
        problems.add("pack", 0, "`rule` must be an array of tables ([[rule]])")
        raw_rules = []
    for key in data:
        if key not in ("pack", "rule"):
            problems.add("pack", 0, f"unknown top-level table `{key}`"
                         f"{_did_you_mean(key, ['pack', 'rule'])}")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_rules):
        rule_id = raw.get("id")
        nth = seen.get(rule_id, 0) if isinstance(rule_id, str) else 0
        rule = _check_rule(raw, index, pack_id, builtin, problems, nth)
        if isinstance(rule_id, str):
            if rule_id in seen:
                problems.add(f"rule `{rule_id}`", problems.line_of(rule_id, nth),
                             f"duplicate rule id (first defined on line "
                             f"{problems.line_of(rule_id)})")
            seen[rule_id] = nth + 1
        if rule is not None:
            rules.append(rule)
    if problems.items:
        raise RulePackError(source, problems.items)
    return RulePack(id=pack_id, description=description, rules=tuple(rules), source=source)


def _check_pack_table(data: dict[str, Any], problems: _Problems) -> tuple[str, str]:
    pack = data.get("pack")
    if not isinstance(pack, dict):
        problems.add("pack", 0, "missing [pack] table with `id` and `description`")
        return "", ""
    line = problems.pack_line()
    for key, value in pack.items():
        if key not in _PACK_KEYS:
            problems.add("[pack]", line,
                         f"unknown key `{key}`{_did_you_mean(key, list(_PACK_KEYS))}")
        elif not _type_ok(value, _PACK_KEYS[key]):
            problems.add("[pack]", line, f"`{key}` must be a {_PACK_KEYS[key]}")
    pack_id = pack.get("id")
    if not isinstance(pack_id, str) or not _KEBAB.fullmatch(pack_id):
        problems.add("[pack]", line, "`id` must be a kebab-case string such as `secrets`")
        pack_id = ""
    description = pack.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.add("[pack]", line, "missing `description`")
        description = ""
    return pack_id, description


def _check_rule(
    raw: dict[str, Any],
    index: int,
    pack_id: str,
    builtin: bool,
    problems: _Problems,
    nth: int = 0,
) -> Rule | None:
    rule_id = raw.get("id")
    line = problems.line_of(rule_id, nth)
    where = f"rule `{rule_id}`" if isinstance(rule_id, str) else f"rule #{index + 1}"
    before = len(problems.items)

    def bad(message: str) -> None:
        problems.add(where, line, message)

    for key, value in raw.items():
        if key not in _RULE_KEYS:
            bad(f"unknown key `{key}`{_did_you_mean(key, list(_RULE_KEYS))}")
        elif not _type_ok(value, _RULE_KEYS[key]):
            bad(f"`{key}` must be a {_RULE_KEYS[key]}")
    for key in _REQUIRED_RULE_KEYS:
        if key not in raw:
            bad(f"missing required key `{key}`")

    def get(key: str, default: Any = None) -> Any:
        value = raw.get(key, default)
        return value if value is default or _type_ok(value, _RULE_KEYS[key]) else default

    if isinstance(rule_id, str) and not _KEBAB.fullmatch(rule_id):
        bad("id must be kebab-case (lower-case letters, digits and dashes)")
    entity_type = get("entity_type", "")
    if entity_type and entity_type not in ENTITY_TYPES:
        if builtin or not entity_type.startswith(CUSTOM_PREFIX):
            suggestion = _did_you_mean(entity_type, sorted(ENTITY_TYPES))
            bad(f"unknown entity_type `{entity_type}`{suggestion}"
                + ("" if builtin else f" (or use `{CUSTOM_PREFIX}<id>` for your own type)"))
        elif not _CUSTOM_ID.fullmatch(entity_type[len(CUSTOM_PREFIX):]):
            bad(f"custom entity_type must look like `{CUSTOM_PREFIX}<id>`")
    for key in _UNIT_SCORES:
        value = get(key)
        if value is not None and not 0.0 <= float(value) <= 1.0:
            bad(f"`{key}` must be between 0 and 1")
    severity = get("severity")
    parsed_severity = None
    if severity is not None:
        try:
            parsed_severity = Severity.parse(severity)
        except ValueError:
            bad(f"unknown severity `{severity}` (use low, medium, high or critical)")
    for key in ("min_entropy", "min_length", "context_window"):
        value = get(key)
        if value is not None and value < 0:
            bad(f"`{key}` must not be negative")
    context_lines = get("context_lines", 1)
    if context_lines is not None and not 0 <= context_lines <= MAX_CONTEXT_LINES:
        bad(f"`context_lines` must be between 0 and {MAX_CONTEXT_LINES}")
    case_insensitive = bool(get("case_insensitive", False))
    pattern = None
    regex = get("regex", "")
    if regex:
        pattern, error = _regex_problem(regex, case_insensitive)
        if error:
            bad(error)
        elif pattern is not None:
            if pattern.fullmatch("") is not None:  # type: ignore[attr-defined]
                bad("regex matches the empty string")
            value_group = get("value_group")
            groups = pattern.groupindex  # type: ignore[attr-defined]
            if value_group is not None and value_group not in groups:
                bad(f"value_group `{value_group}` is not a named group of the regex "
                    f"(write it as (?P<{value_group}>...))")
    elif "regex" in raw:
        bad("regex must not be empty")
    prefilter = get("prefilter", "keywords")
    keywords = get("keywords", [])
    if prefilter not in ("keywords", "none"):
        bad('`prefilter` must be "keywords" or "none"')
    if prefilter == "keywords" and not keywords:
        bad('missing `keywords` (or set `prefilter = "none"` and say why in a comment)')
    for kw in keywords:
        if not kw.strip():
            bad("keywords must not be empty strings")
        elif kw != kw.lower():
            bad(f"keyword `{kw}` must be lower-case")
    validator = get("validator")
    if validator is not None:
        for p in _unknown_names([validator], VALIDATORS, "validator"):
            bad(p)
    for p in _unknown_names(get("filters", []), FILTERS, "filter"):
        bad(p)
    extend = get("extend")
    if extend is not None:
        for p in _unknown_names([extend], EXTENDERS, "extender"):
            bad(p)
    for word in get("context", []) + get("negative_context", []):
        if not word.strip():
            bad("context words must not be empty")
    if get("requires_context", False) and not get("context", []):
        bad("`requires_context = true` needs `context` words")
    for i, allowed in enumerate(get("allowlist", [])):
        _, error = _regex_problem(allowed, False, rule=False)
        if error:
            bad(f"allowlist entry {i + 1}: {error}")
    examples = _check_examples(raw.get("examples"), bad)

    if len(problems.items) > before or not isinstance(rule_id, str):
        return None
    return Rule(
        pack=pack_id,
        id=rule_id,
        entity_type=entity_type,
        description=get("description", ""),
        regex=regex,
        score=float(get("score", 0.0)),
        keywords=tuple(keywords),
        prefilter=prefilter,
        value_group=get("value_group"),
        case_insensitive=case_insensitive,
        severity=parsed_severity,
        min_entropy=None if get("min_entropy") is None else float(get("min_entropy")),
        min_length=int(get("min_length", 0)),
        validator=validator,
        filters=tuple(get("filters", [])),
        context=tuple(w.strip().lower() for w in get("context", [])),
        context_window=int(get("context_window", DEFAULT_CONTEXT_WINDOW)),
        context_lines=int(get("context_lines", 1)),
        context_score=float(get("context_score", DEFAULT_CONTEXT_SCORE)),
        requires_context=bool(get("requires_context", False)),
        negative_context=tuple(w.strip().lower() for w in get("negative_context", [])),
        negative_context_score=float(
            get("negative_context_score", DEFAULT_NEGATIVE_CONTEXT_SCORE)
        ),
        allowlist=tuple(get("allowlist", [])),
        min_score=float(get("min_score", DEFAULT_MIN_SCORE)),
        extend=extend,
        examples=examples,
        line=line,
        pattern=pattern,
    )


def _check_examples(raw: object, bad: Any) -> Examples:
    if raw is None:
        return Examples()
    if not isinstance(raw, dict):
        return Examples()
    for key in raw:
        if key not in ("match", "no_match"):
            bad(f"unknown key `examples.{key}`{_did_you_mean(key, ['match', 'no_match'])}")
    match: list[tuple[str, str | None]] = []
    raw_match = raw.get("match", [])
    if not isinstance(raw_match, list):
        raw_match = []
        bad("`examples.match` must be a list")
    for item in raw_match:
        if isinstance(item, str):
            match.append((item, None))
        elif (
            isinstance(item, dict)
            and isinstance(item.get("text"), str)
            and isinstance(item.get("value", "x"), str)
            and item.get("value", "x") != ""
            and set(item) <= {"text", "value"}
        ):
            match.append((item["text"], item.get("value")))
        else:
            bad("each `examples.match` item must be a string or { text = ..., value = ... } "
                "with a non-empty value")
    no_match = raw.get("no_match", [])
    if not isinstance(no_match, list) or not all(isinstance(t, str) for t in no_match):
        bad("`examples.no_match` must be a list of strings")
        no_match = []
    if not match:
        bad("missing `examples.match`: every rule shows at least one text it matches")
    if not no_match:
        bad("missing `examples.no_match`: every rule shows at least one near miss")
    return Examples(match=tuple(match), no_match=tuple(no_match))


def load_pack_file(path: Path | str, *, builtin: bool = False) -> RulePack:
    """Load one rule pack from a file; messages name the file, never its content."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(p.name, [f"cannot read the file ({type(exc).__name__})"]) from None
    return load_pack_text(text, p.name, builtin=builtin)


def builtin_pack_names() -> list[str]:
    """Names of the packs shipped in resources/rules (files not starting with "_")."""
    return [name for name, _ in _builtin_pack_files()]


def _builtin_pack_files() -> list[tuple[str, Any]]:
    root = importlib.resources.files("resources") / "rules"
    try:
        entries = list(root.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    files = [
        (e.name[: -len(".toml")], e)
        for e in entries
        if e.name.endswith(".toml") and not e.name.startswith("_") and e.is_file()
    ]
    return sorted(files, key=lambda item: item[0])


def load_builtin_packs(names: Sequence[str] | None = None) -> list[RulePack]:
    """The built-in packs (all of them, or those named), sorted by name.

    Raises ``RulePackError`` for a malformed pack (collecting the problems of every pack)
    or a name that is not a built-in pack.
    """
    files = _builtin_pack_files()
    available = {name for name, _ in files}
    problems: list[str] = []
    if names is not None:
        for name in names:
            if name not in available:
                problems.append(
                    f"unknown built-in rule pack `{name}`"
                    f"{_did_you_mean(name, sorted(available))} "
                    f"(available: {', '.join(sorted(available)) or 'none'})"
                )
        wanted = set(names)
        files = [(n, f) for n, f in files if n in wanted]
    packs: list[RulePack] = []
    for name, entry in files:
        source = f"{name}.toml"
        try:
            pack = load_pack_text(entry.read_text(encoding="utf-8"), source, builtin=True)
        except RulePackError as exc:
            problems.extend(f"{source}: {p}" for p in exc.problems)
            continue
        if pack.id != name:
            problems.append(f"{source}: [pack] id `{pack.id}` must equal the file name `{name}`")
            continue
        packs.append(pack)
    if problems:
        raise RulePackError("built-in rule packs", problems)
    return packs
