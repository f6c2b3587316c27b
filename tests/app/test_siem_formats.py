"""SIEM payload shapes: golden files for every format, RFC 5424 syntax, dedup ids.

Regenerate the golden files after a deliberate schema change with
``PRESEND_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/app/test_siem_formats.py``
and review the diff (docs/audit.md documents the same shapes).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from app.services import siem_formats as fmt

GOLDEN = Path(__file__).resolve().parents[1] / "siem" / "golden"

DECISION = {
    "schema": 1,
    "seq": 7,
    "id": "2f1c9a0e-7d4b-4e8a-9c51-0a8d6b1f3e21",
    "time": "2026-11-01T12:00:00.000Z",
    "host": "ws-042",
    "user": "ann",
    "app_version": "0.1.0",
    "keyed": True,
    "key_id": "a1b2c3d4e5f6",
    "prev": "1" * 64,
    "hash": "2" * 64,
    "mac": "3" * 64,
    "event": "decision",
    "channel": "file-check",
    "source": '/home/ann/q3 "plan"].txt',
    "source_hashed": False,
    "verdict": "block",
    "action": "quarantined",
    "complete": True,
    "policy_serial": 12,
    "policy_digest": "d" * 64,
    "override_reason": None,
    "findings": [
        {
            "entity_type": "AWS_ACCESS_KEY",
            "category": "secret",
            "severity": "critical",
            "count": 2,
            "max_confidence": 0.97,
            "rule_ids": ["secrets/aws-access-key-id"],
            "previews": ["AK**************7Q"],
            "fingerprints": ["f" * 64],
        }
    ],
}
ADMIN = {
    "schema": 1,
    "seq": 8,
    "id": "5b2e7c11-0f7e-4d3a-8b6f-1e2d3c4b5a69",
    "time": "2026-11-01T12:00:05.250Z",
    "host": "ws-042",
    "user": "ann",
    "app_version": "0.1.0",
    "keyed": False,
    "key_id": None,
    "prev": "2" * 64,
    "hash": "4" * 64,
    "mac": None,
    "event": "keyring_unavailable",
    "details": {"error": "SecretStoreUnavailable"},
    "policy_serial": None,
    "policy_digest": None,
    "override_reason": None,
}
RECORDS = [DECISION, ADMIN]

CASES = {
    "syslog.txt": lambda: b"\n".join(fmt.syslog_message(r) for r in RECORDS),
    "splunk_hec.txt": lambda: fmt.splunk_hec_body(RECORDS, index="security"),
    "elastic_bulk.ndjson": lambda: fmt.elastic_bulk_body(RECORDS, "presend-audit"),
    "datadog.json": lambda: fmt.datadog_body(RECORDS),
    "webhook.json": lambda: fmt.webhook_body(RECORDS),
    "syslog_cef.txt": lambda: b"\n".join(fmt.syslog_message(r, payload="cef") for r in RECORDS),
    "syslog_leef.txt": lambda: b"\n".join(fmt.syslog_message(r, payload="leef") for r in RECORDS),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_payload_matches_its_golden_file(name):
    produced = CASES[name]()
    path = GOLDEN / name
    if os.environ.get("PRESEND_UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_bytes(produced)
    assert produced == path.read_bytes()


_RFC5424 = re.compile(
    rb"^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) "  # PRI VERSION TIMESTAMP HOST APP PROC MSGID
    rb"(\[[^ =\]]+(?: [^ =\]]+=\"(?:[^\"\\\]]|\\.)*\")*\]) (.*)$"  # one SD-ELEMENT, MSG
)


def test_syslog_messages_are_rfc5424_with_escaped_structured_data():
    m = _RFC5424.match(fmt.syslog_message(DECISION))
    assert m, "not an RFC 5424 message"
    pri, ts, host, app, _proc, msgid, sd, msg = m.groups()
    assert int(pri) == 13 * 8 + 4  # log audit, warning for a block
    assert ts == b"2026-11-01T12:00:00.000Z" and host == b"ws-042" and app == b"presend"
    assert msgid == b"decision" and b'id="2f1c9a0e-7d4b-4e8a-9c51-0a8d6b1f3e21"' in sd
    assert json.loads(msg)["id"] == DECISION["id"]


def test_octet_counting_frames_the_exact_length():
    message = fmt.syslog_message(ADMIN)
    framed = fmt.octet_counted(message)
    length, _, rest = framed.partition(b" ")
    assert int(length) == len(rest) == len(message)


def test_every_format_carries_the_event_id_for_dedup():
    for name, make in CASES.items():
        assert DECISION["id"].encode() in make(), name


def test_elastic_uses_create_with_the_event_id_and_ecs_fields():
    lines = fmt.elastic_bulk_body([DECISION], "presend-audit").splitlines()
    action, doc = json.loads(lines[0]), json.loads(lines[1])
    assert action == {"create": {"_index": "presend-audit", "_id": DECISION["id"]}}
    assert doc["@timestamp"] == DECISION["time"] and doc["event"]["id"] == DECISION["id"]
    assert doc["event"]["kind"] == "alert" and doc["event"]["type"] == ["denied"]
    assert doc["rule"]["id"] == "secrets/aws-access-key-id"
    assert doc["file"]["path"] == DECISION["source"] and doc["host"]["name"] == "ws-042"


def test_hashed_source_is_never_presented_as_a_file_path_or_content_hash():
    record = dict(DECISION, source="hmac-sha256:" + "9" * 32, source_hashed=True)
    doc = fmt.ecs_document(record)
    assert "file" not in doc and doc["presend"]["source"] == record["source"]
    assert "filePath" not in fmt.cef_line(record)


def test_an_oversized_syslog_message_is_shrunk_to_valid_json_not_cut():
    many = [
        dict(
            DECISION["findings"][0], entity_type=f"CUSTOM:r{i}", fingerprints=[f"{i:02d}" * 32] * 20
        )
        for i in range(12)
    ]
    big = dict(DECISION, findings=many)
    message = fmt.syslog_message(big)
    assert len(message) <= 8192
    body = json.loads(_RFC5424.match(message).group(8))
    assert body["truncated"] is True and body["id"] == DECISION["id"]
    assert [f["count"] for f in body["findings"]] == [2] * 12  # counts kept, lists dropped
    assert "fingerprints" not in body["findings"][0]
    tiny = json.loads(_RFC5424.match(fmt.syslog_message(big, max_bytes=1200)).group(8))
    assert "findings" not in tiny and tiny["verdict"] == "block"


def test_cef_escapes_pipes_in_the_header_and_equals_in_extensions():
    record = dict(DECISION, action="a=b", override_reason="line1\nline2 \\ end", app_version="1|2")
    line = fmt.cef_line(record)
    head = re.split(r"(?<!\\)\|", line)
    assert head[:4] == ["CEF:0", "presend", "presend", "1\\|2"] and head[6] == "8"
    assert "act=a\\=b " in line and "reason=line1 line2 \\\\ end" in line
    assert "cs1Label=entityTypes cs1=AWS_ACCESS_KEY" in line
    assert f"externalId={DECISION['id']}" in line


def test_leef_keeps_one_attribute_per_separator():
    line = fmt.leef_line(dict(DECISION, action="x^y"))
    assert line.startswith("LEEF:2.0|presend|presend|0.1.0|decision|^|")
    attrs = dict(a.split("=", 1) for a in line.split("|", 6)[6].split("^"))
    assert attrs["action"] == "x y" and attrs["eventId"] == DECISION["id"]
    assert attrs["devTime"] == DECISION["time"]
