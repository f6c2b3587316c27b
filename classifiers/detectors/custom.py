"""The organisation's own rules as a detector: keyword lists, EDM, document fingerprints.

``make_detector(options)`` reads ``options.custom_data`` (a ``classifiers.custom.CustomData``)
and returns None when there is none. Findings are ``CUSTOM:<rule-id>`` with the rule's
severity; explanations name the rule, the list or column, never the matched value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from classifiers.custom.data import CustomData
from classifiers.custom.keywords import KeywordMatcher
from classifiers.detectors.base import make_finding
from classifiers.model import Finding
from classifiers.taxonomy import CUSTOM_PREFIX


class CustomDetector:
    name = "custom"

    def __init__(self, data: CustomData) -> None:
        self.data = data
        self._keywords = KeywordMatcher(data.keywords) if data.keywords else None

    def detect(self, text: str) -> Iterator[Finding]:
        if not text:
            return
        if self._keywords is not None:
            for m in self._keywords.find(text):
                yield make_finding(
                    CUSTOM_PREFIX + m.rule.rule_id, text, m.start, m.end, m.rule.score,
                    f"custom/{m.rule.rule_id}", severity=m.rule.severity,
                    explanation=f"term from keyword list {m.rule.rule_id}",
                )
        for rule in self.data.edm:
            for e in rule.index.find(text):
                column = f" (column {e.column})" if e.column else ""
                yield make_finding(
                    CUSTOM_PREFIX + rule.rule_id, text, e.start, e.end, rule.score,
                    f"custom/{rule.rule_id}", severity=rule.severity,
                    explanation=f"exact match of a listed value{column}",
                )
        for rule in self.data.fingerprints:
            best: dict[str, Any] = {}
            for f in rule.fingerprints.find(text):
                kept = best.get(f.document)
                if kept is None or (f.end - f.start) > (kept.end - kept.start):
                    best[f.document] = f
            for f in best.values():
                if f.sentences:
                    why = f"{f.sentences} consecutive sentences"
                else:
                    why = f"{round(f.share * 100)}% of its word sequences"
                score = 0.9 if f.sentences >= 3 or f.share >= 0.5 else 0.8
                yield make_finding(
                    CUSTOM_PREFIX + rule.rule_id, text, f.start, f.end, score,
                    f"custom/{rule.rule_id}", severity=rule.severity,
                    explanation=f"contains {why} of registered document {f.document}",
                )


def make_detector(options: Any) -> tuple[CustomDetector | None, str | None]:
    data = getattr(options, "custom_data", None)
    if data is None:
        return None, None
    if not isinstance(data, CustomData):
        return None, "custom rules not checked: the policy's custom data has the wrong type"
    if data.is_empty:
        return None, None
    return CustomDetector(data), None
