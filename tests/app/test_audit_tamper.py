"""`verify_log` catches edited, deleted, reordered and truncated records; crashes are recovered."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.paths import app_paths
from app.services.audit import (
    AuditEvent,
    AuditLog,
    canonical,
    log_files,
    record_hash,
    verify_log,
)
from app.services.secret_store import InMemorySecretStore
from tests.siem.helpers import FakeClock

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def written():
    paths = app_paths()
    log = AuditLog.open(paths, InMemorySecretStore(), FakeClock())
    for i in range(10):
        log.append(AuditEvent.admin("scan_failed", {"error": "Timeout", "n": i}))
    path = log_files(paths.audit_dir)[0]
    return log, paths, path


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


def _verify(log, paths):
    return verify_log(paths.audit_dir, paths.state, log.mac_key)


def test_untouched_log_verifies(written):
    log, paths, _ = written
    report = _verify(log, paths)
    assert report.ok and report.records == 10 and report.macs_checked


def test_edited_record_is_reported_by_its_sequence_number(written):
    log, paths, path = written
    lines = _lines(path)
    lines[3] = lines[3].replace('"n":3', '"n":4')
    path.write_text("".join(lines))
    report = _verify(log, paths)
    assert not report.ok and report.problem.startswith("record 4 ") and "altered" in report.problem


def test_edit_with_recomputed_hash_is_caught_by_the_mac(written):
    log, paths, path = written
    lines = _lines(path)
    rec = json.loads(lines[5])
    rec["details"]["error"] = "nothing to see"
    rec["hash"] = record_hash(rec)
    lines[5] = canonical(rec) + "\n"
    path.write_text("".join(lines))
    report = _verify(log, paths)
    assert not report.ok and "record 6 " in report.problem and "MAC" in report.problem


def test_deleted_record_is_reported_as_missing(written):
    log, paths, path = written
    lines = _lines(path)
    del lines[4]
    path.write_text("".join(lines))
    report = _verify(log, paths)
    assert not report.ok and "records 5..5 are missing" in report.problem


def test_reordered_records_are_reported(written):
    log, paths, path = written
    lines = _lines(path)
    lines[2], lines[6] = lines[6], lines[2]
    path.write_text("".join(lines))
    report = _verify(log, paths)
    assert not report.ok
    assert "missing" in report.problem or "out of order" in report.problem


def test_truncated_end_is_reported(written):
    log, paths, path = written
    path.write_text("".join(_lines(path)[:7]))
    report = _verify(log, paths)
    assert not report.ok and "truncated" in report.problem and "after 7" in report.problem


def test_removed_start_is_reported(written):
    log, paths, path = written
    path.write_text("".join(_lines(path)[3:]))
    report = _verify(log, paths)
    assert not report.ok and "start of the log was removed" in report.problem


def test_forged_retention_note_without_the_key_does_not_excuse_a_removed_start(written):
    log, paths, path = written
    lines = _lines(path)[3:]
    anchor = json.loads(lines[0])
    forged = json.loads(lines[-1])
    forged.update(
        event="retention_pruned",
        details={"anchor_seq": anchor["seq"], "anchor_prev": anchor["prev"]},
    )
    forged["hash"] = record_hash(forged)
    lines[-1] = canonical(forged) + "\n"
    path.write_text("".join(lines))
    assert not _verify(log, paths).ok


def test_torn_last_line_is_a_note_and_open_repairs_it(written):
    log, paths, path = written
    with path.open("ab") as fh:
        fh.write(b'{"schema":1,"seq":11,"ti')
    report = _verify(log, paths)
    assert report.ok and any("torn last line" in n for n in report.notes)
    store = InMemorySecretStore()
    # reopen with the same keys: the torn bytes are cut and the repair is itself recorded
    store._data.update(
        {"audit-mac-key": log.mac_key.hex(), "fingerprint-key": log.fingerprint_key.hex()}
    )
    reopened = AuditLog.open(paths, store, FakeClock())
    last = list(reopened.records())[-1]
    assert last["event"] == "log_recovered" and last["details"]["torn_bytes"] == 24
    assert _verify(reopened, paths).ok


_WRITER = """
import sys
from app.paths import app_paths
from app.services.audit import AuditEvent, AuditLog
from app.services.secret_store import InMemorySecretStore
store = InMemorySecretStore()
store.set("audit-mac-key", sys.argv[1])
store.set("fingerprint-key", sys.argv[1])
log = AuditLog.open(app_paths(), store)
i = 0
while True:
    log.append(AuditEvent.admin("scan_failed", {"error": "Timeout", "n": i}))
    i += 1
    if i == 50:
        print("ready", flush=True)
"""


def test_writer_killed_mid_write_leaves_a_log_that_verifies_after_reopen(tmp_path):
    key = "11" * 32
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, key], env=env, stdout=subprocess.PIPE, cwd=tmp_path
    )
    try:
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    paths = app_paths()
    store = InMemorySecretStore()
    store.set("audit-mac-key", key)
    store.set("fingerprint-key", key)
    # the crash may have torn the last line; simulate the worst case on top of it
    last = log_files(paths.audit_dir)[-1]
    with last.open("ab") as fh:
        fh.write(b'{"schema":1,"seq":')
    before = verify_log(paths.audit_dir, paths.state, bytes.fromhex(key))
    assert before.ok, before.problem
    reopened = AuditLog.open(paths, store, FakeClock())
    reopened.append(AuditEvent.admin("app_started"))
    after = verify_log(paths.audit_dir, paths.state, reopened.mac_key)
    assert after.ok, after.problem
    assert after.records >= 52


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(["app_started", "guard_paused", "override"]), min_size=1, max_size=12),
    st.integers(min_value=400, max_value=3000),
)
def test_chain_verifies_after_any_appends(tmp_path_factory, kinds, max_bytes):
    from app.paths import AppPaths

    root = tmp_path_factory.mktemp("h")
    paths = AppPaths(
        config=root / "c", state=root / "s", log=root / "l", cache=root / "x", site=root / "t"
    )
    log = AuditLog.open(paths, InMemorySecretStore(), FakeClock(), max_bytes=max_bytes, fsync=False)
    for kind in kinds:
        log.append(AuditEvent.admin(kind, {"k": kind}))
    report = verify_log(paths.audit_dir, paths.state, log.mac_key)
    assert report.ok and report.records == len(kinds)


def test_a_torn_head_slot_falls_back_to_the_other_and_still_verifies(written):
    log, paths, _ = written
    head = paths.state / "audit.head"
    raw = bytearray(head.read_bytes())
    slot = (10 % 2) * 256  # the slot written for record 10
    raw[slot : slot + 20] = b"\x00" * 20
    head.write_bytes(bytes(raw))
    report = _verify(log, paths)
    assert report.ok and any("head marker is behind" in n for n in report.notes)


def test_an_edited_head_marker_is_caught_by_its_mac(written):
    log, paths, path = written
    head = paths.state / "audit.head"
    text = head.read_bytes().replace(b'"seq":10', b'"seq":12')
    head.write_bytes(text)
    report = _verify(log, paths)
    assert not report.ok and "head marker" in report.problem


def test_a_garbled_last_record_does_not_stop_recording_and_verify_still_reports_it(written):
    log, paths, path = written
    lines = _lines(path)
    lines[-1] = "garbage that is not a record\n"
    path.write_text("".join(lines))
    store = InMemorySecretStore()
    store._data.update(
        {"audit-mac-key": log.mac_key.hex(), "fingerprint-key": log.fingerprint_key.hex()}
    )
    reopened = AuditLog.open(paths, store, FakeClock())
    rec = reopened.append(AuditEvent.admin("app_started"))
    assert rec["seq"] == 11
    report = _verify(reopened, paths)
    assert not report.ok and ":10 is not a valid record" in report.problem
