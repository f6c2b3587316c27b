"""The audit log: records, keys, rotation, retention, degraded mode, and the canary."""

from __future__ import annotations

import json
import threading

from app.paths import app_paths
from app.services.audit import (
    FINGERPRINT_KEY_NAME,
    MAC_KEY_NAME,
    AuditEvent,
    AuditLog,
    log_files,
    verify_log,
)
from app.services.secret_store import InMemorySecretStore
from classifiers.redact import fingerprint
from tests.siem.helpers import BrokenStore, FakeClock, canary_token, finding_for


def _open(store=None, clock=None, **kw):
    paths = app_paths()
    return AuditLog.open(paths, store or InMemorySecretStore(), clock or FakeClock(), **kw), paths


def _decision(log, value, **kw):
    text = f"deploy with token {value} please"
    return AuditEvent.decision(
        channel=kw.pop("channel", "clipboard"),
        source=kw.pop("source", "org.example.Editor"),
        findings=[finding_for(text, value)],
        verdict=kw.pop("verdict", "block"),
        action=kw.pop("action", "cleared clipboard"),
        complete=True,
        policy_serial=7,
        policy_digest="sha256:" + "ab" * 32,
        fingerprint_key=log.fingerprint_key,
        **kw,
    )


def test_decision_record_has_the_documented_fields_and_verifies():
    log, paths = _open()
    rec = log.append(_decision(log, canary_token(), override_reason="ticket 42"))
    for key in (
        "id",
        "time",
        "host",
        "user",
        "app_version",
        "policy_serial",
        "policy_digest",
        "channel",
        "source",
        "findings",
        "verdict",
        "action",
        "override_reason",
        "seq",
        "prev",
        "hash",
        "mac",
    ):
        assert key in rec
    assert rec["time"].endswith("Z") and rec["time"].startswith("2026-11-01T12:00:00")
    summary = rec["findings"][0]
    assert summary["entity_type"] == "GITHUB_TOKEN" and summary["count"] == 1
    assert summary["severity"] == "critical" and summary["max_confidence"] == 0.95
    assert summary["rule_ids"] == ["secrets/github-pat"]
    assert verify_log(paths.audit_dir, paths.state, log.mac_key).ok


def test_canary_secret_never_reaches_the_log_file():
    store = InMemorySecretStore()
    log, paths = _open(store)
    canary = canary_token()
    rec = log.append(_decision(log, canary))
    written = b"".join(p.read_bytes() for p in log_files(paths.audit_dir))
    assert canary.encode() not in written
    assert canary[4:].encode() not in written  # not even without its prefix
    # what is there instead: a masked preview and the keyed fingerprint
    summary = rec["findings"][0]
    assert "*" in summary["previews"][0]
    key = bytes.fromhex(store.get(FINGERPRINT_KEY_NAME))
    assert summary["fingerprints"] == [fingerprint(canary, key)]


def test_keys_are_created_once_in_the_secret_store_and_reused():
    store = InMemorySecretStore()
    first, _ = _open(store)
    mac = store.get(MAC_KEY_NAME)
    assert mac and store.get(FINGERPRINT_KEY_NAME)
    second, _ = _open(store)
    assert store.get(MAC_KEY_NAME) == mac
    assert first.fingerprint_key == second.fingerprint_key


def test_source_path_is_hashed_when_the_policy_says_so():
    log, paths = _open()
    rec = log.append(
        _decision(
            log,
            canary_token(),
            channel="folder",
            source="/home/ann/contracts/acme.docx",
            source_hashed=True,
        )
    )
    assert rec["source"].startswith("hmac-sha256:") and "acme" not in rec["source"]
    assert rec["source_hashed"] is True


def test_records_chain_across_appends_and_threads():
    log, paths = _open()

    def writer():
        for _ in range(20):
            log.append(AuditEvent.admin("guard_paused", {"minutes": 5}))

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = verify_log(paths.audit_dir, paths.state, log.mac_key)
    assert report.ok and report.records == 60 and report.last_seq == 60


def test_size_rotation_keeps_the_chain_across_files():
    log, paths = _open(max_bytes=2000)
    for i in range(30):
        log.append(AuditEvent.admin("scan_failed", {"error": "BinaryContent", "n": i}))
    files = log_files(paths.audit_dir)
    assert len(files) > 3
    first_of_second = json.loads(files[1].read_text().splitlines()[0])
    last_of_first = json.loads(files[0].read_text().splitlines()[-1])
    assert first_of_second["prev"] == last_of_first["hash"]
    assert verify_log(paths.audit_dir, paths.state, log.mac_key).ok


def test_a_new_day_starts_a_new_file():
    clock = FakeClock()
    log, paths = _open(clock=clock)
    log.append(AuditEvent.admin("app_started"))
    clock.advance(days=1)
    log.append(AuditEvent.admin("app_stopped"))
    names = [p.name for p in log_files(paths.audit_dir)]
    assert names == ["audit-000000000001-20261101.jsonl", "audit-000000000002-20261102.jsonl"]


def test_retention_removes_old_files_and_verify_accepts_the_recorded_cut():
    clock = FakeClock()
    log, paths = _open(clock=clock, retention_days=30)
    for _ in range(45):
        log.append(AuditEvent.admin("app_started"))
        clock.advance(days=1)
    log.append(AuditEvent.admin("app_stopped"))
    files = log_files(paths.audit_dir)
    assert len(files) <= 32
    events = [r["event"] for r in log.records()]
    assert "retention_pruned" in events
    report = verify_log(paths.audit_dir, paths.state, log.mac_key)
    assert report.ok, report.problem
    assert any("removed by retention" in n for n in report.notes)


def test_unavailable_keyring_still_records_but_says_it_is_degraded():
    log, paths = _open(BrokenStore())
    assert not log.state.keyed and "degraded" in log.state.message
    canary = canary_token()
    rec = log.append(_decision(log, canary))
    assert rec["keyed"] is False and rec["mac"] is None
    assert rec["findings"][0]["fingerprints"] == []
    events = [r["event"] for r in log.records()]
    assert events[0] == "keyring_unavailable"
    report = verify_log(paths.audit_dir, paths.state, None)
    assert report.ok and report.unkeyed == 2
    assert any("not MAC-protected" in n for n in report.notes)


def test_admin_details_refuse_non_primitive_values():
    import pytest

    with pytest.raises(TypeError):
        AuditEvent.admin("policy_refused", {"problems": ["a", "b"]})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        AuditEvent.admin("Bad Kind")


def test_override_reason_is_kept_but_bounded_and_single_line():
    log, _ = _open()
    rec = log.append(_decision(log, canary_token(), override_reason="needed\nfor " + "x" * 900))
    assert "\n" not in rec["override_reason"] and len(rec["override_reason"]) <= 500


_APPENDER = """
import sys
from app.paths import app_paths
from app.services.audit import AuditEvent, AuditLog
from app.services.secret_store import InMemorySecretStore
store = InMemorySecretStore()
store.set("audit-mac-key", "22" * 32)
store.set("fingerprint-key", "33" * 32)
log = AuditLog.open(app_paths(), store, max_bytes=20000)
for i in range(150):
    log.append(AuditEvent.admin("scan_failed", {"writer": sys.argv[1], "n": i}))
"""


def test_two_processes_appending_at_once_keep_one_valid_chain(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    procs = [
        subprocess.Popen([sys.executable, "-c", _APPENDER, name], env=env, cwd=tmp_path)
        for name in ("tray", "cli")
    ]
    assert [p.wait(60) for p in procs] == [0, 0]
    paths = app_paths()
    report = verify_log(paths.audit_dir, paths.state, bytes.fromhex("22" * 32))
    assert report.ok, report.problem
    assert report.records == 300 and len(log_files(paths.audit_dir)) > 1


def test_retention_while_unkeyed_still_verifies_and_says_the_cut_is_unchecked():
    clock = FakeClock()
    log, paths = _open(BrokenStore(), clock=clock, retention_days=3)
    for _ in range(8):
        log.append(AuditEvent.admin("app_started"))
        clock.advance(days=1)
    log.append(AuditEvent.admin("app_stopped"))
    report = verify_log(paths.audit_dir, paths.state, None)
    assert report.ok, report.problem
    assert any("could not be checked" in n for n in report.notes)


def test_scanning_from_a_position_hint_gives_the_same_records_as_from_the_start():
    from app.services.audit import scan_records

    log, paths = _open(max_bytes=3000)
    for i in range(40):
        log.append(AuditEvent.admin("guard_paused", {"n": i}))
    positions = {pos.seq: pos for _, pos in scan_records(paths.audit_dir)}
    for since in (0, 1, 13, 27, 39, 40):
        hint = positions.get(since)
        with_hint = [r["seq"] for r, _ in scan_records(paths.audit_dir, since, hint)]
        assert with_hint == list(range(since + 1, 41))


def test_hashed_source_without_a_key_is_hidden_not_weakly_hashed():
    log, _ = _open(BrokenStore())
    rec = log.append(
        _decision(
            log,
            canary_token(),
            channel="folder",
            source="/home/ann/contracts/acme.docx",
            source_hashed=True,
        )
    )
    assert rec["source"] == "hidden:no-key"
