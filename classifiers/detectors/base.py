"""The Detector protocol and a helper to build findings with taxonomy defaults."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from classifiers.model import Finding, Severity
from classifiers.taxonomy import category_of, default_severity


@runtime_checkable
class Detector(Protocol):
    """Finds sensitive items in a text.

    ``detect`` must not raise on any text, must return spans within ``text`` and must not
    keep references to the text after it returns. ``name`` identifies the detector in notes.
    """

    name: str

    def detect(self, text: str) -> Iterable[Finding]: ...


def make_finding(
    entity_type: str,
    text: str,
    start: int,
    end: int,
    score: float,
    recognizer: str,
    *,
    severity: Severity | None = None,
    explanation: str = "",
) -> Finding:
    """A finding for ``text[start:end]`` with the taxonomy's category and default severity."""
    return Finding(
        entity_type=entity_type,
        category=category_of(entity_type),
        start=start,
        end=end,
        score=min(1.0, max(0.0, score)),
        severity=severity or default_severity(entity_type),
        recognizer=recognizer,
        explanation=explanation,
        value=text[start:end],
    )
