"""Value objects of the engine: Severity, Category, Finding, ScanResult.

A ``Finding`` keeps the matched ``value`` in memory (redaction and fingerprints need it),
but never shows it: it is excluded from ``repr()``, ``str()`` and ``to_dict()``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any


class Severity(enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __lt__(self, other: Severity) -> bool:
        return self.rank < other.rank

    def __le__(self, other: Severity) -> bool:
        return self.rank <= other.rank

    def __gt__(self, other: Severity) -> bool:
        return self.rank > other.rank

    def __ge__(self, other: Severity) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls(text.strip().lower())


_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class Category(enum.Enum):
    PII = "pii"
    FINANCIAL = "financial"
    HEALTH = "health"
    SECRET = "secret"
    MARKING = "marking"
    INJECTION = "injection"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class Finding:
    """One sensitive item found in a text.

    ``start``/``end`` are ``str`` offsets (end exclusive) into the classified text.
    ``score`` is the calibrated confidence in [0, 1]. ``recognizer`` is the rule id
    (``<pack>/<id>``) or detector name. ``explanation`` says what produced the score
    (pattern, validator, context words); it never quotes the value.
    """

    entity_type: str
    category: Category
    start: int
    end: int
    score: float
    severity: Severity
    recognizer: str
    explanation: str = ""
    value: str = field(default="", repr=False, compare=False)
    location: str = ""
    line: int = 0
    column: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end} for {self.recognizer}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} out of [0, 1] for {self.recognizer}")

    @property
    def length(self) -> int:
        return self.end - self.start

    def with_changes(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def placed(self, start: int, end: int, line: int, column: int, location: str) -> Finding:
        """This finding at ``start``..``end`` of the whole text, on ``line`` and ``column``
        (the engine moves each window's findings to the whole text: ``with_changes``
        goes through ``dataclasses.replace``, several times slower)."""
        return Finding(self.entity_type, self.category, start, end, self.score, self.severity,
                       self.recognizer, self.explanation, self.value, location, line, column)

    def to_dict(self, preview: str, show_value: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "entity_type": self.entity_type,
            "category": self.category.value,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 2),
            "severity": self.severity.value,
            "recognizer": self.recognizer,
            "preview": preview,
            "line": self.line,
            "column": self.column,
            "location": self.location or (f"line {self.line}" if self.line else ""),
            "explanation": self.explanation,
        }
        if show_value:
            data["value"] = self.value
        return data


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What the engine found in one source.

    ``complete`` is False when the scan could not look at everything (a budget was hit,
    a part could not be extracted); ``notes`` says why, without quoting content.
    """

    source: str
    findings: tuple[Finding, ...] = ()
    complete: bool = True
    notes: tuple[str, ...] = ()
    text_length: int = 0
    error: str | None = None

    @property
    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def by_entity_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.entity_type] = counts.get(f.entity_type, 0) + 1
        return counts
