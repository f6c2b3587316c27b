"""Formats outcomes for people and tools: text, the JSON contract, and SARIF 2.1.0.

Values are masked (``classifiers.redact.mask_value``) unless ``show_values`` is set.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from app import __version__
from app.services.pipeline import Outcome
from classifiers.model import Finding, Severity
from classifiers.redact import mask_value

_SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}


def reported(outcome: Outcome) -> tuple[Finding, ...]:
    return tuple(outcome.decision.reported)  # type: ignore[attr-defined]


def result_dict(outcome: Outcome, show_values: bool = False) -> dict[str, Any]:
    r = outcome.result
    data: dict[str, Any] = {
        "source": r.source,
        "complete": r.complete,
        "verdict": outcome.verdict,
        "findings": [
            f.to_dict(mask_value(f.value, f.category), show_values) for f in reported(outcome)
        ],
    }
    if r.notes:
        data["notes"] = list(r.notes)
    if r.error:
        data["error"] = r.error
    reasons = getattr(outcome.decision, "reasons", ())
    if reasons:
        data["reasons"] = list(reasons)
    return data


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    by_type: dict[str, int] = {}
    total = 0
    for o in outcomes:
        for f in reported(o):
            by_type[f.entity_type] = by_type.get(f.entity_type, 0) + 1
            total += 1
    return {
        "sources": len(outcomes),
        "findings": total,
        "by_entity_type": dict(sorted(by_type.items())),
        "errors": sum(1 for o in outcomes if o.result.error),
        "incomplete": sum(1 for o in outcomes if not o.result.complete and not o.result.error),
    }


def to_json(outcomes: Sequence[Outcome], show_values: bool = False) -> str:
    doc = {
        "results": [result_dict(o, show_values) for o in outcomes],
        "summary": summary(outcomes),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def to_sarif(outcomes: Sequence[Outcome], show_values: bool = False) -> str:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for o in outcomes:
        uri = o.result.source if o.result.source != "-" else "stdin"
        for f in reported(o):
            rules.setdefault(
                f.recognizer,
                {
                    "id": f.recognizer,
                    "name": f.entity_type,
                    "shortDescription": {"text": f"{f.entity_type} ({f.category.value})"},
                    "properties": {"category": f.category.value},
                },
            )
            shown = f.value if show_values else mask_value(f.value, f.category)
            region: dict[str, Any] = {"charOffset": f.start, "charLength": f.length}
            if f.line:
                region.update(startLine=f.line, startColumn=f.column)
            results.append(
                {
                    "ruleId": f.recognizer,
                    "level": _SARIF_LEVEL[f.severity],
                    "message": {
                        "text": f"{f.entity_type} {shown} at {f.location or 'offset ' + str(f.start)}"
                    },
                    "locations": [
                        {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
                    ],
                    "properties": {
                        "entity_type": f.entity_type,
                        "severity": f.severity.value,
                        "score": round(f.score, 2),
                        "location": f.location,
                        "verdict": o.verdict,
                    },
                }
            )
        if o.result.error:
            results.append(
                {
                    "ruleId": "presend/unreadable",
                    "level": "error",
                    "kind": "fail",
                    "message": {"text": o.result.error},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                }
            )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "presend",
                        "version": __version__,
                        "informationUri": "https://github.com/presend/presend",
                        "rules": sorted(rules.values(), key=lambda r: r["id"]),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


_VERDICT_WORDS = {
    "allow": "ok",
    "log": "logged",
    "warn": "WARN",
    "redact": "REDACT",
    "block": "BLOCK",
}


def to_text(outcomes: Sequence[Outcome], show_values: bool = False, quiet: bool = False) -> str:
    lines: list[str] = []
    for o in outcomes:
        r = o.result
        found = reported(o)
        if r.error:
            lines.append(f"{r.source}: error: {r.error}")
            continue
        if quiet and not found and r.complete:
            continue
        head = f"{r.source}: {_VERDICT_WORDS.get(o.verdict, o.verdict)}"
        head += f" ({len(found)} finding{'s' if len(found) != 1 else ''})" if found else " (nothing found)"
        lines.append(head)
        for f in found:
            shown = f.value if show_values else mask_value(f.value, f.category)
            where = f.location or f"offset {f.start}"
            if f.line and f.location == f"line {f.line}":
                where = f"line {f.line}:{f.column}"
            lines.append(
                f"  {where:<18} {f.entity_type:<22} {f.severity.value:<8} "
                f"{f.score:.2f}  {shown}  [{f.recognizer}]"
            )
        for note in r.notes:
            lines.append(f"  note: {note}")
        if not r.complete:
            lines.append("  incomplete: not everything could be checked (see notes)")
    s = summary(outcomes)
    if not quiet:
        parts = [f"{s['sources']} source{'s' if s['sources'] != 1 else ''}",
                 f"{s['findings']} finding{'s' if s['findings'] != 1 else ''}"]
        if s["errors"]:
            parts.append(f"{s['errors']} unreadable")
        if s["incomplete"]:
            parts.append(f"{s['incomplete']} incomplete")
        lines.append("summary: " + ", ".join(parts))
    return "\n".join(lines)
