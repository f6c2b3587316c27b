"""Reading the audit log back: filters for `log show`, JSON and CSV export.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, also after leading spaces) are prefixed with ``'``, so
an exported log opens as plain text. Exports carry what the log carries: masked previews
and fingerprints, never raw values.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from app.services.audit import parse_time
from classifiers.model import Severity

CSV_COLUMNS = (
    "time",
    "id",
    "seq",
    "event",
    "host",
    "user",
    "app_version",
    "channel",
    "source",
    "verdict",
    "action",
    "complete",
    "override_reason",
    "max_severity",
    "entity_types",
    "finding_count",
    "rule_ids",
    "previews",
    "fingerprints",
    "details",
    "policy_serial",
    "policy_digest",
    "keyed",
    "hash",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Which records `log show` and `log export` include (all when every field is None)."""

    since: dt.datetime | None = None
    channel: str | None = None
    min_severity: Severity | None = None
    entity_type: str | None = None

    def matches(self, record: Mapping[str, Any]) -> bool:
        if self.since is not None:
            try:
                if parse_time(str(record.get("time", ""))) < self.since:
                    return False
            except ValueError:
                return False
        if self.channel is not None and record.get("channel") != self.channel:
            return False
        findings = record.get("findings") or []
        if self.entity_type is not None and not any(
            f.get("entity_type") == self.entity_type for f in findings
        ):
            return False
        if self.min_severity is not None:
            worst = max_severity(record)
            if worst is None or worst < self.min_severity:
                return False
        return True


def max_severity(record: Mapping[str, Any]) -> Severity | None:
    found = []
    for f in record.get("findings") or []:
        try:
            found.append(Severity.parse(str(f.get("severity", ""))))
        except ValueError:
            continue
    return max(found, key=lambda s: s.rank) if found else None


def select(records: Iterable[Mapping[str, Any]], flt: RecordFilter) -> Iterator[Mapping[str, Any]]:
    return (r for r in records if flt.matches(r))


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text: formula starters get a leading apostrophe."""
    if cell.lstrip(" ").startswith(_FORMULA_START):
        return "'" + cell
    return cell


def csv_row(record: Mapping[str, Any]) -> list[str]:
    findings = record.get("findings") or []
    worst = max_severity(record)
    details = record.get("details") or {}

    def joined(key: str) -> str:
        return ";".join(str(v) for f in findings for v in (f.get(key) or []))

    values: dict[str, Any] = {
        **{k: record.get(k) for k in CSV_COLUMNS},
        "max_severity": worst.value if worst else "",
        "entity_types": ";".join(f"{f.get('entity_type')}" for f in findings),
        "finding_count": sum(int(f.get("count", 0)) for f in findings) if findings else "",
        "rule_ids": joined("rule_ids"),
        "previews": joined("previews"),
        "fingerprints": joined("fingerprints"),
        "details": ";".join(f"{k}={v}" for k, v in sorted(details.items())),
    }
    out = []
    for col in CSV_COLUMNS:
        value = values.get(col)
        if value is None:
            text = ""
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        out.append(neutralise(text.replace("\r", " ").replace("\n", " ")))
    return out


def export_csv(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write a header and one row per record; returns the number of rows."""
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for record in records:
        writer.writerow(csv_row(record))
        n += 1
    return n


def export_json(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write one JSON array of records (streamed); returns the number of records."""
    n = 0
    out.write("[")
    for record in records:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(record, sort_keys=True, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def show_line(record: Mapping[str, Any]) -> str:
    """One line per record for `log show`."""
    parts = [str(record.get("time", "")), f"#{record.get('seq', '?')}", str(record.get("event"))]
    if record.get("event") == "decision":
        parts.append(str(record.get("channel")))
        action = record.get("action")
        verdict = str(record.get("verdict"))
        parts.append(verdict if not action or action == verdict else f"{verdict} ({action})")
        findings = record.get("findings") or []
        if findings:
            parts.append(
                ", ".join(
                    f"{f.get('entity_type')}x{f.get('count')} {f.get('severity')}" for f in findings
                )
            )
        if not record.get("complete", True):
            parts.append("incomplete")
        if record.get("override_reason"):
            parts.append(f"override: {record['override_reason']}")
        parts.append(str(record.get("source")))
    else:
        details = record.get("details") or {}
        if details:
            parts.append(" ".join(f"{k}={v}" for k, v in sorted(details.items())))
    return "  ".join(parts)
