"""The policy document: what presend does with what it finds.

A policy is a TOML document (``schema = 1``, ``serial = N``); ``resources/policy/
default.toml`` is the built-in one and ``resources/policy/example.toml`` documents every
key. A document from an admin or a user only states what differs: it is laid over the
built-in document key by key (tables merge, arrays replace) and then validated whole.

Validation collects every problem (with a line number found by a simple key search and a
did-you-mean suggestion for misspelt keys) and refuses the document whole: a ``Policy``
is never half-loaded. ``Policy`` is immutable; a reload swaps the object.

::

    PolicyError          the document was refused; ``problems`` lists every reason
"""

from __future__ import annotations

import difflib
import enum
import fnmatch
import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from classifiers.build import EngineOptions
from classifiers.engine import Budget
from classifiers.model import Category, Finding, Severity
from classifiers.redact import REDACTION_STYLES, normalise_for_fingerprint
from classifiers.taxonomy import CUSTOM_PREFIX, ENTITY_TYPES, is_known_entity_type

SCHEMA_VERSION = 1

# --------------------------------------------------------------------------- enums


class Verdict(enum.Enum):
    """What presend does, from least to most restrictive."""

    ALLOW = "allow"
    LOG = "log"
    WARN = "warn"
    REDACT = "redact"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _VERDICT_ORDER.index(self)

    def __lt__(self, other: Verdict) -> bool:
        return self.rank < other.rank

    def __le__(self, other: Verdict) -> bool:
        return self.rank <= other.rank

    def __gt__(self, other: Verdict) -> bool:
        return self.rank > other.rank

    def __ge__(self, other: Verdict) -> bool:
        return self.rank >= other.rank


_VERDICT_ORDER = (Verdict.ALLOW, Verdict.LOG, Verdict.WARN, Verdict.REDACT, Verdict.BLOCK)


class Channel(enum.Enum):
    """Where content came from."""

    CLIPBOARD = "clipboard"
    FOLDER = "folder"
    FILE_CHECK = "file-check"
    CLI = "cli"


class OverrideMode(enum.Enum):
    """Whether a person may go past a verdict (send anyway, restore the original)."""

    ALLOWED = "allowed"
    WITH_REASON = "with-reason"
    NEVER = "never"


SOURCES = ("built-in", "admin", "user", "file")


class PolicyError(Exception):
    """A policy document was refused whole. ``problems`` lists every reason (one line each)."""

    def __init__(self, problems: Iterable[str], origin: str = "policy") -> None:
        self.problems = tuple(problems)
        self.origin = origin
        count = len(self.problems)
        first = self.problems[0] if self.problems else "unknown problem"
        more = f" (and {count - 1} more; run `presend policy validate FILE`)" if count > 1 else ""
        super().__init__(f"{origin} refused: {first}{more}")


# --------------------------------------------------------------------------- schema
# One description of the document serves validation and resources/policy/schema.json.

Problems = list[tuple[tuple[str | int, ...], str]]


class _Type:
    description = ""

    def check(self, value: Any, path: tuple[str | int, ...], problems: Problems) -> None:
        raise NotImplementedError

    def json(self) -> dict[str, Any]:
        raise NotImplementedError

    def _with_description(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.description:
            data["description"] = self.description
        return data


class _Bool(_Type):
    def __init__(self, description: str = "") -> None:
        self.description = description

    def check(self, value: Any, path: tuple[str | int, ...], problems: Problems) -> None:
        if not isinstance(value, bool):
            problems.append((path, f"must be true or false, not {_type_name(value)}"))

    def json(self) -> dict[str, Any]:
        return self._with_description({"type": "boolean"})


class _Number(_Type):
    def __init__(
        self,
        lo: float | None = None,
        hi: float | None = None,
        integer: bool = False,
        description: str = "",
    ) -> None:
        self.lo, self.hi, self.integer, self.description = lo, hi, integer, description

    def check(self, value: Any, path: tuple[str | int, ...], problems: Problems) -> None:
        ok_types: tuple[type, ...] = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_types):
            kind = "a whole number" if self.integer else "a number"
            problems.append((path, f"must be {kind}, not {_type_name(value)}"))
            return
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            lo = "" if self.lo is None else f"{self.lo:g}"
            hi = "" if self.hi is None else f"{self.hi:g}"
            problems.append((path, f"must be in [{lo}, {hi}], not {value}"))

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.lo is not None:
            data["minimum"] = self.lo
        if self.hi is not None:
            data["maximum"] = self.hi
        return self._with_description(data)


class _Str(_Type):
    def __init__(
        self,
        choices: Iterable[str] | None = None,
        check: Callable[[str], str | None] | None = None,
        pattern: str | None = None,
        description: str = "",
    ) -> None:
        self.choices = tuple(choices) if choices is not None else None
        self.extra = check
        self.pattern = pattern
        self.description = description

    def check(self, value: Any, path: tuple[str | int, ...], problems: Problems) -> None:
        if not isinstance(value, str):
            problems.append((path, f"must be a string, not {_type_name(value)}"))
            return
        if self.choices is not None and value not in self.choices:
            hint = _suggest(value, self.choices)
            problems.append((path, f"{value!r} is not one of {', '.join(self.choices)}{hint}"))
            return
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            problems.append((path, f"{value!r} does not have the expected form"))
            return
        if self.extra is not None:
            problem = self.extra(value)
            if problem:
                problems.append((path, problem))

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "string"}
        if self.choices is not None:
            data["enum"] = list(self.choices)
        if self.pattern is not None:
            data["pattern"] = f"^(?:{self.pattern})$"
        return self._with_description(data)


class _List(_Type):
    def __init__(self, item: _Type, description: str = "") -> None:
        self.item, self.description = item, description

    def check(self, value: Any, path: tuple[str | int, ...], problems: Problems) -> None:
        if not isinstance(value, list):
            problems.append((path, f"must be a list, not {_type_name(value)}"))
            return
        for i, item in enumerate(value):
            self.item.check(item, (*path, i), problems)

    def json(self) -> dict[str, Any]:
        return self._with_description({"type": "array", "items": self.item.json()})


class _Table(_Type):
    def __init__(
        self,
        fields: Mapping[str, _Type],
        required: Iterable[str] = (),
        description: str = "",
    ) -> None:
        self.fields = dict(fields)
        self.required = tuple(required)
        self.description = description

    def check(self, value: Any, path: tuple[str | int, ...], problems: Problems) -> None:
        if not isinstance(value, dict):
            problems.append((path, f"must be a table, not {_type_name(value)}"))
            return
        for key, item in value.items():
            spec = self.fields.get(key)
            if spec is None:
                where = f"in [{_dotted(path)}]" if path else "at the top level"
                hint = _suggest(key, self.fields)
                problems.append(((*path, key), f"unknown key {key!r} {where}{hint}"))
                continue
            spec.check(item, (*path, key), problems)
        for key in self.required:
            if key not in value:
                where = f"[{_dotted(path)}]" if path else "the document"
                problems.append((path, f"{where} needs the key {key!r}"))

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": "object",
            "properties": {k: v.json() for k, v in self.fields.items()},
            "additionalProperties": False,
        }
        if self.required:
            data["required"] = list(self.required)
        return self._with_description(data)


class _Map(_Type):
    """A table whose keys are data (entity types, categories, channel names)."""

    def __init__(
        self,
        value: _Type,
        keys: Iterable[str] | None = None,
        key_check: Callable[[str], str | None] | None = None,
        key_pattern: str | None = None,
        description: str = "",
    ) -> None:
        self.value = value
        self.keys = tuple(keys) if keys is not None else None
        self.key_check = key_check
        self.key_pattern = key_pattern
        self.description = description

    def check(self, value: Any, path: tuple[str | int, ...], problems: Problems) -> None:
        if not isinstance(value, dict):
            problems.append((path, f"must be a table, not {_type_name(value)}"))
            return
        for key, item in value.items():
            if self.keys is not None and key not in self.keys:
                hint = _suggest(key, self.keys)
                problems.append(
                    ((*path, key), f"{key!r} is not one of {', '.join(self.keys)}{hint}")
                )
                continue
            if self.key_check is not None:
                problem = self.key_check(key)
                if problem:
                    problems.append(((*path, key), problem))
                    continue
            self.value.check(item, (*path, key), problems)

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "object"}
        if self.keys is not None:
            data["properties"] = {k: self.value.json() for k in self.keys}
            data["additionalProperties"] = False
        else:
            if self.key_pattern:
                data["propertyNames"] = {"pattern": self.key_pattern}
            data["additionalProperties"] = self.value.json()
        return self._with_description(data)


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _entity_type_problem(name: str) -> str | None:
    if is_known_entity_type(name):
        return None
    hint = _suggest(name, ENTITY_TYPES)
    return f"unknown entity type {name!r} (see the taxonomy, or CUSTOM:<rule-id>){hint}"


def _regex_problem(pattern: str) -> str | None:
    try:
        _compile(pattern)
    except Exception as exc:  # re2 raises its own error type; say which without the text
        return f"regex does not compile with RE2 ({type(exc).__name__})"
    return None


def _glob_problem(pattern: str) -> str | None:
    return None if pattern.strip() else "must not be empty"


def _compile(pattern: str) -> Any:
    import re2  # linear time: an admin's or a user's pattern cannot stall the guard

    return re2.compile(pattern)


_ACTION = _Str([v.value for v in Verdict], description="allow, log, warn, redact or block")
_SEVERITIES = [s.value for s in Severity]
_CATEGORIES = [c.value for c in Category]
_CHANNELS = [c.value for c in Channel]
_STYLE = _Str(REDACTION_STYLES, description="how a redacted value is replaced")
_ID = r"[a-z0-9][a-z0-9-]*"


def _action_table(description: str) -> _Table:
    return _Table(
        {
            **{s: _ACTION for s in _SEVERITIES},
            "categories": _Map(_ACTION, keys=_CATEGORIES, description="action per category"),
            "entity_types": _Map(
                _ACTION,
                key_check=_entity_type_problem,
                description="action per entity type (taxonomy names or CUSTOM:<rule-id>)",
            ),
            "rules": _List(
                _Table(
                    {
                        "id": _Str(pattern=_ID, description="named in reasons and audit"),
                        "entity_types": _List(_Str(check=_entity_type_problem)),
                        "categories": _List(_Str(_CATEGORIES)),
                        "recognizers": _List(
                            _Str(description="rule ids (pack/rule) or detector names")
                        ),
                        "min_severity": _Str(_SEVERITIES),
                        "min_score": _Number(0, 1),
                        "destinations": _List(
                            _Str(description="AI destination names, or * for any")
                        ),
                        "action": _ACTION,
                    },
                    required=("id", "action"),
                ),
                description="first matching rule wins; more specific than the tables",
            ),
        },
        description=description,
    )


_CUSTOM_EXAMPLE = _Table({"text": _Str(), "value": _Str()}, required=("text",))


class _Example(_Type):
    description = "an example text, or {text, value}"

    def check(self, value: Any, path: tuple[str | int, ...], problems: Problems) -> None:
        if isinstance(value, str):
            return
        _CUSTOM_EXAMPLE.check(value, path, problems)

    def json(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "string"}, _CUSTOM_EXAMPLE.json()]}


_CUSTOM_RULE = _Table(
    {
        "id": _Str(pattern=_ID, description="entity type becomes CUSTOM:<id>"),
        "description": _Str(),
        "regex": _Str(check=_regex_problem, description="RE2 syntax"),
        "keywords": _List(_Str(), description="lower-case literals that must be present"),
        "case_insensitive": _Bool(),
        "score": _Number(0, 1),
        "severity": _Str(_SEVERITIES),
        "min_entropy": _Number(0, 8),
        "min_length": _Number(0, integer=True),
        "context": _List(_Str()),
        "requires_context": _Bool(),
        "examples": _Table(
            {"match": _List(_Example()), "no_match": _List(_Str())},
            required=("match", "no_match"),
        ),
    },
    required=("id", "regex", "keywords", "score", "examples"),
)

_KEYWORD_LIST = _Table(
    {
        "id": _Str(pattern=_ID, description="entity type becomes CUSTOM:<id>"),
        "description": _Str(),
        "words": _List(_Str(check=_glob_problem), description="whole words or phrases"),
        "case_sensitive": _Bool(),
        "score": _Number(0, 1),
        "severity": _Str(_SEVERITIES),
    },
    required=("id", "words"),
)

_ENTRY_ID = _Str(pattern=_ID, description="entity type becomes CUSTOM:<id>")
_DATA_FILE = _Str(description="the file built by `presend policy ...`, next to the policy")
_FILE_PIN = _Str(pattern=r"[0-9a-fA-F]{64}", description="pins the file's content")

_CUSTOM_KEYWORDS = _Table(
    {
        "id": _ENTRY_ID,
        "description": _Str(),
        "terms": _List(_Str(), description="whole words or phrases"),
        "terms_file": _Str(description="a file of terms, one a line, next to the policy"),
        "severity": _Str(_SEVERITIES),
        "score": _Number(0, 1),
    },
    required=("id",),
)
_CUSTOM_EDM = _Table(
    {
        "id": _ENTRY_ID,
        "description": _Str(),
        "file": _DATA_FILE,
        "sha256": _FILE_PIN,
        "severity": _Str(_SEVERITIES),
        "score": _Number(0, 1),
    },
    required=("id", "file"),
)
_CUSTOM_FINGERPRINTS = _Table(
    {
        "id": _ENTRY_ID,
        "description": _Str(),
        "file": _DATA_FILE,
        "sha256": _FILE_PIN,
        "severity": _Str(_SEVERITIES),
        "min_sentences": _Number(1, 1000, integer=True),
        "min_run_words": _Number(1, 100_000, integer=True),
        "min_share": _Number(0, 1),
        "min_shared_shingles": _Number(1, 10_000_000, integer=True),
    },
    required=("id", "file"),
)

DOCUMENT = _Table(
    {
        "schema": _Number(SCHEMA_VERSION, SCHEMA_VERSION, integer=True),
        "serial": _Number(0, integer=True, description="raise it with every change"),
        "name": _Str(),
        "simulation": _Bool(description="decide and log; act only by notifying"),
        "on_incomplete": _ACTION,
        "reporting": _Table(
            {
                "min_score": _Number(0, 1),
                "entity_types": _Map(_Number(0, 1), key_check=_entity_type_problem),
            }
        ),
        "actions": _action_table("the action per finding, on every channel"),
        "channels": _Map(
            _Table(
                {
                    "on_incomplete": _ACTION,
                    "min_score": _Number(0, 1),
                    "actions": _action_table("overrides for this channel"),
                }
            ),
            keys=_CHANNELS,
        ),
        "override": _Table(
            {v: _Str([m.value for m in OverrideMode]) for v in ("warn", "redact", "block")}
        ),
        "redaction": _Table(
            {"style": _STYLE, "entity_types": _Map(_STYLE, key_check=_entity_type_problem)}
        ),
        "folders": _Table(
            {
                "mandatory": _List(_Str(check=_glob_problem)),
                "watch": _List(_Str(check=_glob_problem)),
                "user_may_add": _Bool(),
            }
        ),
        "allowlist": _Table(
            {
                "fingerprints": _List(_Str(pattern=r"sha256:[0-9a-f]{64}")),
                "patterns": _List(_Str(check=_regex_problem)),
                "paths": _List(_Str(check=_glob_problem)),
            }
        ),
        "detection": _Table(
            {
                "packs": _List(_Str(pattern=_ID)),
                "disabled_rules": _List(_Str(pattern=rf"{_ID}/{_ID}")),
                "names": _Bool(),
                "max_chars": _Number(1, integer=True),
                "max_seconds": _Number(0.1, 3600),
            }
        ),
        "custom": _Table(
            {
                "rules": _List(_CUSTOM_RULE),
                "keyword_lists": _List(_KEYWORD_LIST),
                # the organisation's own data (docs/admin-custom-data.md): large keyword
                # lists (Aho-Corasick), exact data match and document fingerprints, read
                # from files next to the policy and pinned by sha256
                "keywords": _List(_CUSTOM_KEYWORDS),
                "edm": _List(_CUSTOM_EDM),
                "fingerprints": _List(_CUSTOM_FINGERPRINTS),
            }
        ),
        "extraction": _Table(
            {
                "max_total_bytes": _Number(1024, integer=True),
                "max_ratio": _Number(2, 100_000, integer=True),
                "max_entries": _Number(1, 10_000_000, integer=True),
                "max_depth": _Number(0, 32, integer=True),
                "max_pages": _Number(1, 1_000_000, integer=True),
                "max_cells": _Number(1, 100_000_000, integer=True),
                "max_slides": _Number(1, 1_000_000, integer=True),
                "max_seconds": _Number(0.1, 3600),
                "max_document_bytes": _Number(1024, integer=True),
                "max_memory_bytes": _Number(64 * 1024 * 1024, integer=True),
            }
        ),
        "audit": _Table(
            {
                "retention_days": _Number(1, 3650, integer=True),
                "previews": _Bool(),
                "fingerprints": _Bool(),
                "hash_sources": _Bool(),
                "siem": _List(
                    _Table(
                        {
                            "name": _Str(pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
                            "kind": _Str(
                                (
                                    "syslog-udp", "syslog-tcp", "syslog-tls", "splunk-hec",
                                    "elastic", "datadog", "webhook", "file",
                                )
                            ),
                            "format": _Str(("json", "cef", "leef", "syslog")),
                            "target": _Str(pattern=r"(udp|tcp|tls|https|file)://\S+"),
                            "url": _Str(pattern=r"(https?|file)://\S+"),
                            "host": _Str(),
                            "port": _Number(1, 65535, integer=True),
                            "credential": _Str(pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
                            "index": _Str(),
                            "ca_file": _Str(),
                            "verify_tls": _Bool(),
                            "timeout": _Number(0.1, 600),
                            "batch_size": _Number(1, 10000, integer=True),
                            "proxy": _Str(pattern=r"https?://\S+"),
                            "min_verdict": _ACTION,
                        },
                    )
                ),
            }
        ),
        "destinations": _List(
            _Table(
                {
                    "name": _Str(),
                    "apps": _List(_Str(check=_glob_problem)),
                    "window_titles": _List(_Str(check=_glob_problem)),
                    "urls": _List(_Str(check=_glob_problem)),
                },
                required=("name",),
            )
        ),
        "user": _Table(
            {
                "may_loosen": _Bool(),
                "may_pause": _Bool(description="the tray's Pause menu is offered"),
                "may_quit": _Bool(description="the tray's Quit item is offered"),
            }
        ),
    },
    required=("schema", "serial"),
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a complete policy document (resources/policy/schema.json)."""
    schema = DOCUMENT.json()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://presend.invalid/policy.schema.json",
        "title": "presend policy",
        **schema,
    }


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class ActionRule:
    id: str
    action: Verdict
    entity_types: frozenset[str] | None = None
    categories: frozenset[Category] | None = None
    recognizers: frozenset[str] | None = None
    min_severity: Severity | None = None
    min_score: float | None = None
    destinations: frozenset[str] | None = None

    def matches(self, finding: Finding, destination: str | None, ai_names: frozenset[str]) -> bool:
        if self.entity_types is not None and finding.entity_type not in self.entity_types:
            return False
        if self.categories is not None and finding.category not in self.categories:
            return False
        if self.recognizers is not None and finding.recognizer not in self.recognizers:
            return False
        if self.min_severity is not None and finding.severity < self.min_severity:
            return False
        if self.min_score is not None and finding.score < self.min_score:
            return False
        if self.destinations is not None and destination is not None:
            # An unknown destination (None) counts as an AI tool: never fall open.
            if "*" in self.destinations:
                return destination in ai_names
            return destination in self.destinations
        return True


@dataclass(frozen=True, slots=True)
class ActionTable:
    by_severity: Mapping[Severity, Verdict] = field(default_factory=lambda: MappingProxyType({}))
    by_category: Mapping[Category, Verdict] = field(default_factory=lambda: MappingProxyType({}))
    by_entity: Mapping[str, Verdict] = field(default_factory=lambda: MappingProxyType({}))
    rules: tuple[ActionRule, ...] = ()


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    actions: ActionTable = field(default_factory=ActionTable)
    on_incomplete: Verdict | None = None
    min_score: float | None = None


@dataclass(frozen=True, slots=True)
class Destination:
    name: str
    apps: tuple[str, ...] = ()
    window_titles: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()

    def matches(self, app: str = "", title: str = "", url: str = "") -> bool:
        def hit(value: str, patterns: tuple[str, ...]) -> bool:
            v = value.casefold()
            return bool(value) and any(fnmatch.fnmatchcase(v, p.casefold()) for p in patterns)

        return hit(app, self.apps) or hit(title, self.window_titles) or hit(url, self.urls)


@dataclass(frozen=True, slots=True)
class SiemTarget:
    format: str
    target: str
    min_verdict: Verdict = Verdict.LOG


@dataclass(frozen=True, slots=True)
class AuditSettings:
    retention_days: int = 30
    hash_sources: bool = False
    previews: bool = True
    fingerprints: bool = True
    siem: tuple[SiemTarget, ...] = ()


@dataclass(frozen=True)
class Policy:
    """One accepted policy. Immutable: a reload swaps the whole object.

    ``stricter`` holds layers (user preferences, a ``--policy`` trial file) that may only
    make decisions stricter: ``decide`` takes the strictest of this policy and each layer.
    """

    schema: int
    serial: int
    name: str
    source: str
    text: str
    simulation: bool
    on_incomplete: Verdict
    min_score: float
    entity_min_score: Mapping[str, float]
    actions: ActionTable
    channels: Mapping[Channel, ChannelSettings]
    override: Mapping[Verdict, OverrideMode]
    redaction_default: str
    redaction_by_entity: Mapping[str, str]
    mandatory_folders: tuple[str, ...]
    watch_folders: tuple[str, ...]
    user_may_add_folders: bool
    allow_fingerprints: frozenset[str]
    allow_patterns: tuple[str, ...]
    allow_paths: tuple[str, ...]
    packs: tuple[str, ...] | None
    disabled_rules: frozenset[str]
    names: bool
    budget: Budget
    custom_packs: tuple[tuple[str, str], ...]
    audit: AuditSettings
    destinations: tuple[Destination, ...]
    user_may_loosen: bool
    user_may_pause: bool
    user_may_quit: bool
    stricter: tuple[Policy, ...] = ()
    # the whole document after merging with its base (what a user layer is laid over)
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # the organisation's own data, loaded from files next to the policy (classifiers.custom)
    custom_data: Any = field(default=None, compare=False, repr=False)

    # -- identity

    @property
    def digest(self) -> str:
        """SHA-256 of the document text, as accepted."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def info(self) -> dict[str, Any]:
        """What the audit log and ``status`` name: never the document's content."""
        return {
            "source": self.source,
            "serial": self.serial,
            "digest": self.digest,
            "name": self.name,
            "simulation": self.simulation,
            "layers": [layer.source for layer in self.stricter],
        }

    def with_stricter(self, *layers: Policy) -> Policy:
        from dataclasses import replace

        return replace(self, stricter=self.stricter + tuple(layers))

    # -- questions the app asks

    @property
    def extract_limits(self) -> Any:
        """Safety budgets for file extraction (``[extraction]``; defaults otherwise)."""
        from classifiers.extract import Limits

        table = self.document.get("extraction") or {}
        return Limits(**{k: v for k, v in table.items() if k in Limits.__dataclass_fields__})

    def redaction_style(self, entity_type: str) -> str:
        return self.redaction_by_entity.get(entity_type, self.redaction_default)

    @property
    def engine_options(self) -> EngineOptions:
        return EngineOptions(
            packs=self.packs,
            disabled_rules=self.disabled_rules,
            names=self.names,
            budget=self.budget,
            custom_packs=self.custom_packs,
            custom_data=self.custom_data,
        )

    def min_score_for(self, entity_type: str, channel: Channel) -> float:
        if entity_type in self.entity_min_score:
            return self.entity_min_score[entity_type]
        settings = self.channels.get(channel)
        if settings is not None and settings.min_score is not None:
            return settings.min_score
        return self.min_score

    def on_incomplete_for(self, channel: Channel) -> Verdict:
        settings = self.channels.get(channel)
        if settings is not None and settings.on_incomplete is not None:
            return settings.on_incomplete
        return self.on_incomplete

    def action_for(
        self, finding: Finding, channel: Channel, destination: str | None = None
    ) -> tuple[Verdict, str]:
        """The action for one finding and a reason naming how it was chosen (no values)."""
        chan = self.channels.get(channel, ChannelSettings()).actions
        ai = self.ai_destination_names
        for table, where in ((chan, f" on {channel.value}"), (self.actions, "")):
            for rule in table.rules:
                if rule.matches(finding, destination, ai):
                    return rule.action, f"rule {rule.id}{where}"
        for table, where in ((chan, f" on {channel.value}"), (self.actions, "")):
            if finding.entity_type in table.by_entity:
                return table.by_entity[finding.entity_type], f"entity type{where}"
        for table, where in ((chan, f" on {channel.value}"), (self.actions, "")):
            if finding.category in table.by_category:
                return (
                    table.by_category[finding.category],
                    f"category {finding.category.value}{where}",
                )
        for table, where in ((chan, f" on {channel.value}"), (self.actions, "")):
            if finding.severity in table.by_severity:
                return (
                    table.by_severity[finding.severity],
                    f"severity {finding.severity.value}{where}",
                )
        return Verdict.WARN, "no action configured (warn)"

    def override_mode(self, verdict: Verdict) -> OverrideMode:
        if verdict in (Verdict.ALLOW, Verdict.LOG):
            return OverrideMode.NEVER
        return self.override.get(verdict, OverrideMode.NEVER)

    def folders_to_watch(self) -> tuple[str, ...]:
        """Mandatory folders, then the chosen ones (a user layer adds its own if allowed)."""
        folders = list(self.mandatory_folders) + list(self.watch_folders)
        for layer in self.stricter:
            folders += layer.mandatory_folders
            if self.user_may_add_folders:
                folders += layer.watch_folders
        return tuple(dict.fromkeys(folders))

    @property
    def ai_destination_names(self) -> frozenset[str]:
        return frozenset(d.name for d in self.destinations)

    def destination_for(self, app: str = "", title: str = "", url: str = "") -> str | None:
        """The name of the AI destination matching a foreground app, title or URL."""
        for dest in self.destinations:
            if dest.matches(app, title, url):
                return dest.name
        return None

    def value_allowlisted(self, value: str) -> bool:
        if self.allow_fingerprints:
            digest = (
                "sha256:"
                + hashlib.sha256(normalise_for_fingerprint(value).encode("utf-8")).hexdigest()
            )
            if digest in self.allow_fingerprints:
                return True
        return any(p.search(value) for p in self._allow_regexes)

    def path_allowlisted(self, path: str) -> bool:
        norm = path.replace("\\", "/")
        return any(fnmatch.fnmatchcase(norm, p.replace("\\", "/")) for p in self.allow_paths)

    @cached_property
    def _allow_regexes(self) -> tuple[Any, ...]:
        return tuple(_compile(p) for p in self.allow_patterns)


def try_out(in_force: Policy, tried: Policy) -> Policy:
    """A policy tried out with ``--policy FILE``.

    While an admin policy that does not let users loosen it is in force, the tried policy
    can only make decisions stricter; otherwise it replaces the policy in force.
    """
    if in_force.source == "admin" and not in_force.user_may_loosen:
        return in_force.with_stricter(tried)
    return tried


def allowlist_fingerprint(value: str) -> str:
    """The entry an admin puts in ``allowlist.fingerprints`` for a value."""
    data = normalise_for_fingerprint(value).encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- parsing


RESOURCE_DIR = Path(__file__).resolve().parents[2] / "resources" / "policy"


def builtin_text() -> str:
    # resources/ is a namespace package that may span several folders; the policy files
    # sit next to the app package in a checkout, a wheel and the frozen app alike.
    return (RESOURCE_DIR / "default.toml").read_text(encoding="utf-8")


_BUILTIN_CACHE: dict[str, Policy] = {}


def load_builtin_policy() -> Policy:
    """The shipped default policy (resources/policy/default.toml)."""
    if "p" not in _BUILTIN_CACHE:
        _BUILTIN_CACHE["p"] = parse_policy(builtin_text(), source="built-in", origin="default.toml")
    return _BUILTIN_CACHE["p"]


def merge_documents(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``: tables merge key by key, everything else replaces."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_documents(out[key], value)
        else:
            out[key] = value
    return out


def read_document(text: str, origin: str = "policy") -> dict[str, Any]:
    """TOML text to a dict, or PolicyError naming the line of the syntax error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message names a line and column, never the content
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        where = f"{origin}:{found.group(1)}" if found else origin
        raise PolicyError([f"{where}: not valid TOML ({reason})"], origin) from None


def parse_policy(
    text: str,
    source: str = "file",
    origin: str | None = None,
    base: Mapping[str, Any] | None = None,
    data_dir: Path | None = None,
) -> Policy:
    """Validate a policy document and build the Policy, or raise PolicyError with every problem.

    ``source`` is one of SOURCES (any other string, such as a file name, counts as "file").
    Documents other than the built-in one are laid over ``base`` (default: the built-in
    document) first, so they state only what differs. ``origin`` names the document in
    problems (default: the source when it is a file name, else "policy.toml").
    """
    if origin is None:
        origin = source if source not in SOURCES else "policy.toml"
    doc = read_document(text, origin)
    problems: Problems = []
    DOCUMENT.check(doc, (), problems)
    _check_custom(doc, problems)
    _check_siem(doc, problems)
    if problems:
        raise PolicyError(_located(text, origin, problems), origin)
    if source == "built-in":
        full = doc
    else:
        if base is None:
            base = read_document(builtin_text(), "default.toml")
        full = merge_documents(base, doc)
        if source == "admin" and "may_loosen" not in doc.get("user", {}):
            full = merge_documents(full, {"user": {"may_loosen": False}})
        merged_problems: Problems = []
        DOCUMENT.check(full, (), merged_problems)
        for sev in _SEVERITIES:
            if sev not in full.get("actions", {}):
                merged_problems.append((("actions",), f"[actions] needs an action for {sev}"))
        if merged_problems:
            raise PolicyError(_located(text, origin, merged_problems), origin)
    custom_data = _load_custom_data(full, text, origin, data_dir)
    policy = _build(full, text, source)
    if custom_data is not None:
        object.__setattr__(policy, "custom_data", custom_data)
    return policy


def _load_custom_data(
    doc: Mapping[str, Any], text: str, origin: str, data_dir: Path | None
) -> Any:
    """The ``[custom]`` keywords/EDM/fingerprints as ``CustomData`` (files are read from
    ``data_dir``: the policy file's folder, by default the machine-wide folder)."""
    custom = doc.get("custom") or {}
    section = {k: custom[k] for k in ("keywords", "edm", "fingerprints") if custom.get(k)}
    if not section:
        return None
    from classifiers.custom.config import CustomSectionError, parse_custom_section

    if data_dir is None:
        from app.paths import app_paths

        data_dir = app_paths().site
    try:
        return parse_custom_section(section, Path(data_dir))
    except CustomSectionError as exc:
        raise PolicyError(
            _located(text, origin, [(("custom",), p) for p in exc.problems]), origin
        ) from None


def _check_siem(doc: Mapping[str, Any], problems: Problems) -> None:
    """Each [[audit.siem]] target must be one the forwarder can use (and names unique)."""
    audit = doc.get("audit")
    entries = audit.get("siem") if isinstance(audit, dict) else None
    if not isinstance(entries, list) or problems:
        return
    from app.services.siem import SiemConfigError, target_from_mapping

    names: set[str] = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        try:
            target = target_from_mapping(entry, i)
        except SiemConfigError as exc:
            problems.append((("audit", "siem", i), str(exc)))
            continue
        if target.name in names:
            problems.append(((("audit", "siem", i, "name")), f"SIEM target name {target.name!r} "
                             "is used twice; give each a unique `name`"))
        names.add(target.name)


def _check_custom(doc: Mapping[str, Any], problems: Problems) -> None:
    """Every custom rule proves itself with its own examples, or the policy is refused."""
    custom = doc.get("custom")
    if not isinstance(custom, dict):
        return
    seen: set[str] = set()
    for key in ("rules", "keyword_lists"):
        items = custom.get(key)
        if not isinstance(items, list):
            continue
        for i, rule in enumerate(items):
            if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
                continue
            path = ("custom", key, i)
            if rule["id"] in seen:
                problems.append(((*path, "id"), f"custom rule id {rule['id']!r} is used twice"))
            seen.add(rule["id"])
            if key == "rules":
                _check_custom_examples(rule, path, problems)
            else:
                words = rule.get("words")
                if isinstance(words, list) and not words:
                    problems.append(((*path, "words"), "a keyword list needs at least one word"))
    # The engine's own rule-pack loader and pattern detector have the final word.
    if problems or not seen:
        return
    problems.extend((("custom",), p) for p in _engine_problems(custom))


def _engine_problems(custom: Mapping[str, Any]) -> list[str]:
    """Load the custom pack as the engine will and run every example through the detector."""
    try:
        from classifiers.errors import RulePackError
        from classifiers.rules import load_pack_text
    except ImportError:
        return []
    try:
        pack = load_pack_text(custom_pack_text(custom), "policy custom rules")
    except RulePackError as exc:
        # the loader's line numbers point into the generated pack, not the policy: drop them
        return [f"custom rules: {re.sub(r'^line [0-9]+: ', '', p)}" for p in exc.problems]
    try:
        from classifiers.detectors.pattern import PatternDetector
    except ImportError:
        return []
    detector = PatternDetector([pack])
    found: list[str] = []
    for rule in pack.rules:
        entity = rule.entity_type
        for j, (text, value) in enumerate(rule.examples.match):
            hits = [f for f in detector.detect(text) if f.entity_type == entity]
            if not hits or (value is not None and all(f.value != value for f in hits)):
                found.append(f"custom rule {rule.id!r}: match example {j} is not found")
        for j, text in enumerate(rule.examples.no_match):
            if any(f.entity_type == entity for f in detector.detect(text)):
                found.append(f"custom rule {rule.id!r}: no_match example {j} is found")
    return found


def _check_custom_examples(
    rule: Mapping[str, Any], path: tuple[str | int, ...], problems: Problems
) -> None:
    regex = rule.get("regex")
    examples = rule.get("examples")
    if not isinstance(regex, str) or not isinstance(examples, dict) or _regex_problem(regex):
        return
    flags = "(?i)" if rule.get("case_insensitive") else ""
    compiled = _compile(flags + regex)
    keywords = [k for k in rule.get("keywords", []) if isinstance(k, str)]
    for k in keywords:
        if k != k.lower():
            problems.append(((*path, "keywords"), f"keyword {k!r} must be lower-case"))
    matches = examples.get("match", [])
    if isinstance(matches, list) and not matches:
        problems.append(((*path, "examples"), "needs at least one match example"))
    for kind in ("match", "no_match"):
        items = examples.get(kind, [])
        if not isinstance(items, list):
            continue
        for j, ex in enumerate(items):
            text = ex if isinstance(ex, str) else ex.get("text") if isinstance(ex, dict) else None
            if not isinstance(text, str):
                continue
            lowered = text.lower()
            found = compiled.search(text) is not None and (
                not keywords or any(k in lowered for k in keywords)
            )
            if kind == "match" and not found:
                problems.append(
                    ((*path, "examples"), f"rule {rule['id']!r}: match example {j} does not match")
                )
            if kind == "no_match" and found:
                problems.append(
                    ((*path, "examples"), f"rule {rule['id']!r}: no_match example {j} matches")
                )


def custom_pack_text(custom: Mapping[str, Any]) -> str:
    """The policy's custom rules and keyword lists as one rule pack (the engine's schema)."""
    lines = ["[pack]", 'id = "custom"', 'description = "the organisation\'s rules (policy)"', ""]
    for rule in custom.get("rules", []):
        lines.append("[[rule]]")
        entry = {k: v for k, v in rule.items() if k != "examples"}
        entry["entity_type"] = CUSTOM_PREFIX + rule["id"]
        entry.setdefault("description", f"custom rule {rule['id']}")
        lines += [f"{k} = {_toml_value(v)}" for k, v in entry.items()]
        lines.append("[rule.examples]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in rule["examples"].items()]
        lines.append("")
    for kw in custom.get("keyword_lists", []):
        words = [w.strip() for w in kw["words"]]
        sensitive = bool(kw.get("case_sensitive", False))
        alternation = "|".join(_re2_escape(w) for w in words)
        regex = rf"\b(?:{alternation})\b"
        if not all(_is_word(w[0]) and _is_word(w[-1]) for w in words if w):
            regex = f"(?:{alternation})"  # a word boundary means nothing next to punctuation
        entry = {
            "id": kw["id"],
            "entity_type": CUSTOM_PREFIX + kw["id"],
            "description": kw.get("description", f"keyword list {kw['id']}"),
            "regex": regex,
            "keywords": sorted({w.lower() for w in words}),
            "case_insensitive": not sensitive,
            "score": kw.get("score", 0.9),
        }
        if "severity" in kw:
            entry["severity"] = kw["severity"]
        lines.append("[[rule]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in entry.items()]
        lines.append("[rule.examples]")
        lines.append(f"match = {_toml_value(words)}")
        lines.append(f"no_match = {_toml_value([_near_miss(regex, words, sensitive)])}")
        lines.append("")
    return "\n".join(lines)


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _near_miss(regex: str, words: list[str], case_sensitive: bool) -> str:
    """A text close to the listed words that the keyword rule must not match."""
    compiled = _compile(("" if case_sensitive else "(?i)") + regex)
    candidates = [w[:-1] for w in words if len(w) > 1]
    candidates += [f"x{w}x" for w in words] + ["none of the listed words"]
    for text in candidates:
        if text.strip() and compiled.search(text) is None:
            return text
    return "-"


def _re2_escape(word: str) -> str:
    return "".join(ch if ch.isalnum() or ch == " " else "\\" + ch for ch in word)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _located(text: str, origin: str, problems: Problems) -> list[str]:
    """Problems as "origin:line: message", in the order of the lines they are on."""
    lines = [(find_line(text, path), msg) for path, msg in problems]
    lines.sort(key=lambda item: item[0])
    return [f"{origin}:{n}: {msg}" if n else f"{origin}: {msg}" for n, msg in lines]


def find_line(text: str, path: tuple[str | int, ...]) -> int:
    """The line of the last key of ``path`` found by searching the text key by key (0: none)."""
    lines = text.splitlines()
    pos, found = 0, 0
    for part in path:
        if not isinstance(part, str):
            continue
        key = re.escape(part)
        pattern = re.compile(rf"""(^|[\s\[.{{,])["']?{key}["']?\s*(=|\]|\.)""")
        for i in range(pos, len(lines)):
            if pattern.search(lines[i].split("#", 1)[0]):
                pos, found = i, i + 1
                break
    return found


def _build(doc: Mapping[str, Any], text: str, source: str) -> Policy:
    def table(data: Mapping[str, Any]) -> ActionTable:
        rules = tuple(
            ActionRule(
                id=r["id"],
                action=Verdict(r["action"]),
                entity_types=frozenset(r["entity_types"]) if "entity_types" in r else None,
                categories=frozenset(Category(c) for c in r["categories"])
                if "categories" in r
                else None,
                recognizers=frozenset(r["recognizers"]) if "recognizers" in r else None,
                min_severity=Severity(r["min_severity"]) if "min_severity" in r else None,
                min_score=r.get("min_score"),
                destinations=frozenset(r["destinations"]) if "destinations" in r else None,
            )
            for r in data.get("rules", [])
        )
        return ActionTable(
            by_severity=MappingProxyType(
                {Severity(s): Verdict(data[s]) for s in _SEVERITIES if s in data}
            ),
            by_category=MappingProxyType(
                {Category(c): Verdict(v) for c, v in data.get("categories", {}).items()}
            ),
            by_entity=MappingProxyType(
                {e: Verdict(v) for e, v in data.get("entity_types", {}).items()}
            ),
            rules=rules,
        )

    channels = {
        Channel(name): ChannelSettings(
            actions=table(c.get("actions", {})),
            on_incomplete=Verdict(c["on_incomplete"]) if "on_incomplete" in c else None,
            min_score=c.get("min_score"),
        )
        for name, c in doc.get("channels", {}).items()
    }
    reporting = doc.get("reporting", {})
    redaction = doc.get("redaction", {})
    folders = doc.get("folders", {})
    allow = doc.get("allowlist", {})
    det = doc.get("detection", {})
    audit = doc.get("audit", {})
    custom = doc.get("custom", {})
    budget_defaults = Budget()
    custom_packs: tuple[tuple[str, str], ...] = ()
    if custom.get("rules") or custom.get("keyword_lists"):
        custom_packs = (("policy custom rules", custom_pack_text(custom)),)
    return Policy(
        schema=doc["schema"],
        serial=doc["serial"],
        name=doc.get("name", ""),
        source=source,
        text=text,
        simulation=doc.get("simulation", False),
        on_incomplete=Verdict(doc.get("on_incomplete", "warn")),
        min_score=float(reporting.get("min_score", 0.5)),
        entity_min_score=MappingProxyType(dict(reporting.get("entity_types", {}))),
        actions=table(doc.get("actions", {})),
        channels=MappingProxyType(channels),
        override=MappingProxyType(
            {Verdict(v): OverrideMode(m) for v, m in doc.get("override", {}).items()}
        ),
        redaction_default=redaction.get("style", "label"),
        redaction_by_entity=MappingProxyType(dict(redaction.get("entity_types", {}))),
        mandatory_folders=tuple(folders.get("mandatory", ())),
        watch_folders=tuple(folders.get("watch", ())),
        user_may_add_folders=folders.get("user_may_add", True),
        allow_fingerprints=frozenset(allow.get("fingerprints", ())),
        allow_patterns=tuple(allow.get("patterns", ())),
        allow_paths=tuple(allow.get("paths", ())),
        packs=tuple(det["packs"]) if "packs" in det else None,
        disabled_rules=frozenset(det.get("disabled_rules", ())),
        names=det.get("names", True),
        budget=Budget(
            max_chars=det.get("max_chars", budget_defaults.max_chars),
            max_seconds=float(det.get("max_seconds", budget_defaults.max_seconds)),
        ),
        custom_packs=custom_packs,
        audit=AuditSettings(
            retention_days=audit.get("retention_days", 30),
            hash_sources=audit.get("hash_sources", False),
            previews=audit.get("previews", True),
            fingerprints=audit.get("fingerprints", True),
            siem=tuple(
                SiemTarget(
                    s.get("format", "json"),
                    s.get("target") or s.get("url") or f"{s.get('host', '')}:{s.get('port', '')}",
                    Verdict(s.get("min_verdict", "log")),
                )
                for s in audit.get("siem", ())
            ),
        ),
        destinations=tuple(
            Destination(
                name=d["name"],
                apps=tuple(d.get("apps", ())),
                window_titles=tuple(d.get("window_titles", ())),
                urls=tuple(d.get("urls", ())),
            )
            for d in doc.get("destinations", ())
        ),
        user_may_loosen=doc.get("user", {}).get("may_loosen", True),
        user_may_pause=doc.get("user", {}).get("may_pause", True),
        user_may_quit=doc.get("user", {}).get("may_quit", True),
        document=MappingProxyType(dict(doc)),
    )
