"""How audit records look to each SIEM: pure functions, golden-tested (docs/audit.md).

Every format carries the record's own ``id`` (a UUID) so the receiver can drop the
duplicates that at-least-once delivery may produce: Elastic uses it as ``_id`` with the
``create`` action (a duplicate is a 409, treated as delivered), the others carry it as a
field (``event.id``/``id``/``evt.id`` and the syslog MSGID's structured data).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from app.services.audit import parse_time

APP_NAME = "presend"
SCHEMA_NAME = "presend.audit.v1"
# Private Enterprise Number 32473 is reserved for documentation (RFC 5612): an SD-ID of
# the form name@32473 is valid RFC 5424 and says "not a registered vendor id".
SD_ID = "presend@32473"
ECS_VERSION = "8.11.0"
FACILITY_LOG_AUDIT = 13  # RFC 5424 facility 13: log audit
SYSLOG_MAX_BYTES = 8192

_SEVERITY_BY_VERDICT = {"block": 4, "redact": 5, "warn": 5, "log": 6, "allow": 6}
_ADMIN_SEVERITY = {
    "keyring_unavailable": 4,
    "policy_refused": 4,
    "scan_failed": 4,
    "spool_full": 3,
    "forward_rejected": 4,
    "log_recovered": 4,
    "override": 5,
}


def _event_name(record: Mapping[str, Any]) -> str:
    return str(record.get("event") or "unknown")


def syslog_severity(record: Mapping[str, Any]) -> int:
    if _event_name(record) == "decision":
        return _SEVERITY_BY_VERDICT.get(str(record.get("verdict")), 5)
    return _ADMIN_SEVERITY.get(_event_name(record), 6)


def summary_line(record: Mapping[str, Any]) -> str:
    """A short human sentence; never a value (records hold none)."""
    event = _event_name(record)
    if event == "decision":
        types = ",".join(str(f.get("entity_type")) for f in record.get("findings") or []) or "none"
        return (
            f"presend {record.get('verdict')} on {record.get('channel')}: "
            f"{types} (action: {record.get('action')})"
        )
    return f"presend {event}"


# --- the documented schema (webhook, Splunk HEC event) -----------------------------------


def schema_event(record: Mapping[str, Any]) -> dict[str, Any]:
    """The presend event schema: the audit record as written, plus ``schema``/``message``."""
    event = dict(record)
    event["schema_name"] = SCHEMA_NAME
    event["message"] = summary_line(record)
    return event


def webhook_body(records: Sequence[Mapping[str, Any]]) -> bytes:
    return _dumps({"schema": SCHEMA_NAME, "events": [schema_event(r) for r in records]})


def splunk_hec_body(records: Sequence[Mapping[str, Any]], index: str | None = None) -> bytes:
    """Splunk HEC ``/services/collector/event``: concatenated JSON event objects."""
    parts = []
    for r in records:
        obj: dict[str, Any] = {
            "time": round(_epoch(r), 3),
            "host": r.get("host"),
            "source": APP_NAME,
            "sourcetype": "presend:audit",
            "event": schema_event(r),
        }
        if index:
            obj["index"] = index
        parts.append(_dumps(obj))
    return b"\n".join(parts)


def datadog_body(records: Sequence[Mapping[str, Any]], service: str = APP_NAME) -> bytes:
    """Datadog logs intake v2 (``/api/v2/logs``): a JSON array of log objects."""
    out = []
    for r in records:
        tags = [f"event:{_event_name(r)}", f"schema:{SCHEMA_NAME}"]
        if r.get("channel"):
            tags.append(f"channel:{r['channel']}")
        if r.get("verdict"):
            tags.append(f"verdict:{r['verdict']}")
        out.append(
            {
                "ddsource": APP_NAME,
                "ddtags": ",".join(tags),
                "hostname": r.get("host"),
                "service": service,
                "message": summary_line(r),
                "status": _dd_status(r),
                "date": r.get("time"),
                "evt": {"id": r.get("id"), "name": _event_name(r), "outcome": r.get("verdict")},
                "usr": {"name": r.get("user")},
                "presend": dict(r),
            }
        )
    return _dumps(out)


def _dd_status(record: Mapping[str, Any]) -> str:
    return {3: "error", 4: "warn", 5: "notice", 6: "info"}.get(syslog_severity(record), "info")


# --- Elastic (ECS) ---------------------------------------------------------------------


def ecs_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record in Elastic Common Schema fields; everything else under ``presend``."""
    event = _event_name(record)
    findings = record.get("findings") or []
    verdict = record.get("verdict")
    doc: dict[str, Any] = {
        "@timestamp": record.get("time"),
        "ecs": {"version": ECS_VERSION},
        "message": summary_line(record),
        "event": {
            "id": record.get("id"),
            "kind": "alert" if verdict in ("block", "warn", "redact") else "event",
            "category": _ecs_category(event),
            "type": _ecs_type(event, verdict),
            "action": event if event != "decision" else f"decision-{verdict}",
            "outcome": "success",
            "dataset": "presend.audit",
            "module": APP_NAME,
            "sequence": record.get("seq"),
            "hash": record.get("hash"),
        },
        "host": {"name": record.get("host"), "hostname": record.get("host")},
        "user": {"name": record.get("user")},
        "agent": {"type": APP_NAME, "name": APP_NAME, "version": record.get("app_version")},
        "observer": {
            "vendor": APP_NAME,
            "product": APP_NAME,
            "type": "dlp",
            "version": record.get("app_version"),
        },
    }
    rule_ids = sorted({rid for f in findings for rid in f.get("rule_ids") or []})
    if rule_ids:
        doc["rule"] = {"id": rule_ids if len(rule_ids) > 1 else rule_ids[0], "ruleset": "presend"}
    # a keyed hash of the path is not a hash of the file's content: it stays in presend.source
    if (
        event == "decision"
        and record.get("channel") in ("folder", "file-check", "cli")
        and not record.get("source_hashed")
        and record.get("source") not in (None, "", "-")
    ):
        doc["file"] = {"path": record.get("source")}
    doc["presend"] = {
        k: v
        for k, v in record.items()
        if k not in ("time", "id", "host", "user", "app_version", "seq", "hash")
    }
    return doc


def _ecs_category(event: str) -> list[str]:
    if event == "decision":
        return ["intrusion_detection"]
    if event.startswith("policy_"):
        return ["configuration"]
    if event in ("app_started", "app_stopped", "guard_paused", "guard_resumed"):
        return ["process"]
    return ["host"]


def _ecs_type(event: str, verdict: Any) -> list[str]:
    if event == "decision":
        return ["denied"] if verdict == "block" else ["info"]
    if event in ("app_started", "guard_resumed"):
        return ["start"]
    if event in ("app_stopped", "guard_paused"):
        return ["end"]
    if event.startswith("policy_"):
        return ["change"]
    return ["info"]


def elastic_bulk_body(records: Sequence[Mapping[str, Any]], index: str) -> bytes:
    """``_bulk`` NDJSON: a ``create`` action (``_id`` = event id) and the ECS document."""
    lines = []
    for r in records:
        lines.append(_dumps({"create": {"_index": index, "_id": r.get("id")}}))
        lines.append(_dumps(ecs_document(r)))
    return b"\n".join(lines) + b"\n"


# --- syslog (RFC 5424) -------------------------------------------------------------------


def _sd_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _header_field(value: Any, limit: int) -> str:
    text = "".join(ch for ch in str(value or "") if 33 <= ord(ch) <= 126)
    return text[:limit] or "-"


def syslog_message(
    record: Mapping[str, Any],
    procid: str = "-",
    max_bytes: int = SYSLOG_MAX_BYTES,
    payload: str = "json",
) -> bytes:
    """One RFC 5424 message: ``<PRI>1 TIMESTAMP HOST presend PROCID MSGID [SD] {json}``.

    ``payload`` ``cef`` or ``leef`` puts a CEF or LEEF 2.0 line in MSG instead of JSON
    (for ArcSight and QRadar); MSG then starts with a UTF-8 BOM when it is not ASCII.

    MSGID is the event kind; the structured data carries the fields a syslog rule filters
    on; MSG is the record as JSON (ASCII, so no BOM is needed). A message longer than
    ``max_bytes`` (receivers must accept 2,048 bytes and should accept 8,192) would be cut
    by the receiver into invalid JSON, so it is shrunk instead: first without previews and
    fingerprints, then without findings, and marked ``"truncated": true``; the full record
    stays in the audit log.
    """
    pri = FACILITY_LOG_AUDIT * 8 + syslog_severity(record)
    params = {
        "id": record.get("id"),
        "seq": record.get("seq"),
        "channel": record.get("channel"),
        "verdict": record.get("verdict"),
        "action": record.get("action"),
        "entities": ",".join(str(f.get("entity_type")) for f in record.get("findings") or []),
        "policy_serial": record.get("policy_serial"),
    }
    sd = "".join(f' {k}="{_sd_escape(str(v))}"' for k, v in params.items() if v not in (None, ""))
    header = " ".join(
        [
            f"<{pri}>1",
            _header_field(record.get("time"), 64),
            _header_field(record.get("host"), 255),
            APP_NAME,
            _header_field(procid, 128),
            _header_field(_event_name(record), 32),
        ]
    )
    prefix = f"{header} [{SD_ID}{sd}] "
    if payload in ("cef", "leef"):
        line = cef_line(record) if payload == "cef" else leef_line(record)
        data = line.encode("utf-8")
        if not line.isascii():
            data = b"\xef\xbb\xbf" + data
        return (prefix.encode("ascii") + data)[:max_bytes]
    for body in _shrinking(record):
        message = (
            prefix + json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        ).encode("ascii")
        if len(message) <= max_bytes:
            return message
    return message


def _shrinking(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    full = dict(record)
    findings = record.get("findings") or []
    lean = dict(
        record,
        truncated=True,
        findings=[
            {k: v for k, v in f.items() if k not in ("previews", "fingerprints")} for f in findings
        ],
    )
    bare = {k: v for k, v in record.items() if k not in ("findings", "details")}
    bare["truncated"] = True
    return [full, lean, bare]


# --- CEF and LEEF (inside the syslog MSG) ------------------------------------------------

_CEF_SEVERITY = {"block": 8, "redact": 6, "warn": 5, "log": 3, "allow": 2}


def _cef_header(value: Any) -> str:
    return str(value if value is not None else "").replace("\\", "\\\\").replace("|", "\\|")


def _cef_value(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace("=", "\\=")
    return text.replace("\r", " ").replace("\n", " ")[:1023]


def _flat_fields(record: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(CEF key, value) pairs; LEEF reuses them with its own names where they differ.

    A custom field's label (``cs1Label`` …) is only written with its value.
    """
    findings = record.get("findings") or []
    plain: list[tuple[str, Any]] = [
        ("rt", int(_epoch(record) * 1000)),
        ("externalId", record.get("id")),
        ("shost", record.get("host")),
        ("suser", record.get("user")),
        ("act", record.get("action")),
        ("outcome", record.get("verdict")),
        ("msg", summary_line(record)),
    ]
    custom: list[tuple[str, str, Any]] = [
        ("cs1", "entityTypes", ",".join(str(f.get("entity_type")) for f in findings)),
        (
            "cs2",
            "ruleIds",
            ",".join(sorted({r for f in findings for r in f.get("rule_ids") or []})),
        ),
        ("cs3", "channel", record.get("channel")),
        ("cs4", "policyDigest", record.get("policy_digest")),
        ("cn1", "sequence", record.get("seq")),
        ("cn2", "policySerial", record.get("policy_serial")),
        (
            "cn3",
            "findingCount",
            sum(int(f.get("count", 0)) for f in findings) if findings else None,
        ),
    ]
    fields = [(k, v) for k, v in plain if v not in (None, "")]
    for key, label, value in custom:
        if value not in (None, ""):
            fields += [(f"{key}Label", label), (key, value)]
    if record.get("override_reason"):
        fields.append(("reason", record["override_reason"]))
    if record.get("channel") in ("folder", "file-check", "cli") and not record.get("source_hashed"):
        if record.get("source") not in (None, "", "-"):
            fields.append(("filePath", record["source"]))
    for key, value in sorted((record.get("details") or {}).items()):
        fields.append((f"presend_{key}", value))
    return fields


def cef_line(record: Mapping[str, Any]) -> str:
    """``CEF:0|presend|presend|<version>|<event>|<summary>|<severity 0-10>|ext``."""
    event = _event_name(record)
    if event == "decision":
        severity = _CEF_SEVERITY.get(str(record.get("verdict")), 5)
    else:
        severity = {3: 8, 4: 6, 5: 4}.get(syslog_severity(record), 3)
    ext = " ".join(f"{k}={_cef_value(v)}" for k, v in _flat_fields(record))
    head = "|".join(
        _cef_header(x)
        for x in (
            "CEF:0",
            APP_NAME,
            APP_NAME,
            record.get("app_version"),
            event,
            summary_line(record),
            severity,
        )
    )
    return f"{head}|{ext}"


_LEEF_NAMES = {
    "shost": "identHostName",
    "suser": "usrName",
    "act": "action",
    "externalId": "eventId",
}


def leef_line(record: Mapping[str, Any]) -> str:
    """``LEEF:2.0|presend|presend|<version>|<event>|^|key=value^...`` (``^`` separates)."""
    attrs = [
        f"devTime={record.get('time')}",
        "devTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSX",
        f"sev={ {3: 9, 4: 7, 5: 5}.get(syslog_severity(record), 3) }",
    ]
    for key, value in _flat_fields(record):
        if key == "rt":
            continue
        text = str(value)
        for ch in "^\t\r\n":
            text = text.replace(ch, " ")
        attrs.append(f"{_LEEF_NAMES.get(key, key)}={text[:1023]}")
    head = "|".join(
        str(x).replace("|", " ")
        for x in (
            "LEEF:2.0",
            APP_NAME,
            APP_NAME,
            record.get("app_version"),
            _event_name(record),
            "^",
        )
    )
    return f"{head}|" + "^".join(attrs)


def octet_counted(message: bytes) -> bytes:
    """RFC 6587 / RFC 5425 framing: ``MSG-LEN SP SYSLOG-MSG``."""
    return str(len(message)).encode("ascii") + b" " + message


# --- helpers -----------------------------------------------------------------------------


def _epoch(record: Mapping[str, Any]) -> float:
    try:
        return parse_time(str(record.get("time"))).timestamp()
    except ValueError:
        return 0.0


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
