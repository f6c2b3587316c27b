"""`presend log show|verify|export|forward|set-credential` through the real CLI entry point."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import pytest

from app import cli
from app.commands.context import CliContext
from app.paths import app_paths
from app.services.audit import AuditEvent, AuditLog, log_files
from app.services.secret_store import InMemorySecretStore
from tests.siem.helpers import FakeClock, canary_token, finding_for


@pytest.fixture()
def store(monkeypatch):
    shared = InMemorySecretStore()
    monkeypatch.setattr(CliContext, "secret_store", lambda self: shared)
    return shared


@pytest.fixture()
def filled(store):
    clock = FakeClock()
    log = AuditLog.open(app_paths(), store, clock)
    canary = canary_token()
    text = f"key {canary}"
    log.append(AuditEvent.admin("app_started"))
    clock.advance(days=2)
    log.append(
        AuditEvent.decision(
            "clipboard",
            "org.example.Chat",
            [finding_for(text, canary)],
            "block",
            "cleared clipboard",
            True,
            3,
            "ab" * 32,
            log.fingerprint_key,
        )
    )
    log.append(
        AuditEvent.decision(
            "folder",
            '=HYPERLINK("http://x")',
            [finding_for("mail ann@example.org", "ann@example.org", "EMAIL_ADDRESS", 0.9)],
            "warn",
            "notified",
            True,
            3,
            "ab" * 32,
            log.fingerprint_key,
            override_reason="+1 from @lead",
        )
    )
    return log, canary


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_lists_records_and_filters_by_channel_severity_entity_and_date(filled, capsys):
    code, out, _ = _run(capsys, "log", "show")
    assert code == 0 and len(out.splitlines()) == 3
    _, out, _ = _run(capsys, "log", "show", "--channel", "clipboard")
    assert out.count("\n") == 1 and "GITHUB_TOKENx1 critical" in out
    _, out, _ = _run(capsys, "log", "show", "--severity", "high")
    assert "GITHUB_TOKEN" in out and "EMAIL_ADDRESS" not in out
    _, out, _ = _run(capsys, "log", "show", "--entity-type", "EMAIL_ADDRESS")
    assert out.count("\n") == 1 and "override: +1 from @lead" in out
    _, out, _ = _run(capsys, "log", "show", "--since", "2026-11-02")
    assert "app_started" not in out and out.count("\n") == 2


def test_bad_since_is_a_one_line_error_saying_what_to_type(filled, capsys):
    code, _, err = _run(capsys, "log", "show", "--since", "last tuesday")
    assert code == 2 and "2026-11-01" in err and len(err.strip().splitlines()) == 1


def test_verify_says_intact_then_reports_an_edit_with_exit_2(filled, capsys):
    code, out, _ = _run(capsys, "log", "verify")
    assert code == 0 and "intact: 3 records" in out and "MACs checked" in out
    path = log_files(app_paths().audit_dir)[-1]
    path.write_text(path.read_text().replace('"warn"', '"allow"'))
    code, out, _ = _run(capsys, "log", "verify")
    assert code == 2 and "BROKEN" in out and "record 3" in out


def test_verify_without_the_keyring_checks_hashes_and_says_macs_were_not(
    filled, capsys, monkeypatch
):
    from tests.siem.helpers import BrokenStore

    broken = BrokenStore()
    monkeypatch.setattr(CliContext, "secret_store", lambda self: broken)
    code, out, _ = _run(capsys, "log", "verify")
    assert code == 1 and "MACs NOT checked" in out


def test_csv_export_neutralises_formula_cells_and_keeps_no_raw_value(filled, capsys, tmp_path):
    _, canary = filled
    target = tmp_path / "audit.csv"
    code, _, _ = _run(capsys, "log", "export", "--format", "csv", "-o", str(target))
    assert code == 0
    data = target.read_text(encoding="utf-8")
    assert canary not in data
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    assert len(rows) == 3
    for row in rows:
        for cell in row.values():
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), cell
    folder = rows[2]
    assert folder["source"] == '\'=HYPERLINK("http://x")'
    assert folder["override_reason"] == "'+1 from @lead"


def test_json_export_is_one_valid_document_filtered_by_since(filled, capsys):
    code, out, _ = _run(capsys, "log", "export", "--format", "json", "--since", "2026-11-03")
    assert code == 0
    records = json.loads(out)
    assert [r["event"] for r in records] == ["decision", "decision"]
    assert filled[1] not in out


def test_forward_without_targets_says_so(filled, capsys, monkeypatch):
    monkeypatch.setattr(CliContext, "policy", lambda self, args=None: SimpleNamespace(document={}))
    code, out, _ = _run(capsys, "log", "forward")
    assert code == 0 and "no SIEM targets" in out


@pytest.mark.enable_socket
def test_forward_reports_an_unreachable_target_and_keeps_the_records(filled, capsys, monkeypatch):
    import socket

    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    policy = SimpleNamespace(
        document={
            "audit": {
                "siem": [
                    {
                        "name": "hook",
                        "kind": "webhook",
                        "url": f"http://127.0.0.1:{port}/x",
                        "timeout": 0.5,
                    }
                ]
            }
        }
    )
    monkeypatch.setattr(CliContext, "policy", lambda self, args=None: policy)
    code, out, err = _run(capsys, "log", "forward", "--timeout", "0")
    assert code == 2 and "hook: 0 delivered, 3 waiting" in out and "kept" in err


def test_set_credential_stores_the_value_read_from_stdin(store, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("hec-token-123\n"))
    code, out, _ = _run(capsys, "log", "set-credential", "splunk-hec")
    assert code == 0 and store.get("splunk-hec") == "hec-token-123"
    assert "hec-token-123" not in out


def test_canary_through_check_reaches_the_log_only_as_preview_and_fingerprint(
    store, capsys, tmp_path
):
    canary = canary_token()
    doc = tmp_path / "deploy-notes.txt"
    doc.write_text(f"CI deploy token for the release job:\nGITHUB_TOKEN={canary}\n")
    code, out, err = _run(capsys, "check", "--no-gui", str(doc))
    assert canary not in out + err
    code, out, _ = _run(capsys, "log", "show", "--format", "json")
    records = [json.loads(line) for line in out.splitlines()]
    decisions = [r for r in records if r["event"] == "decision"]
    assert decisions and decisions[-1]["channel"] == "file-check"
    assert any(
        f["entity_type"] == "GITHUB_TOKEN" and f["fingerprints"] for f in decisions[-1]["findings"]
    )
    on_disk = b"".join(p.read_bytes() for p in log_files(app_paths().audit_dir))
    assert canary.encode() not in on_disk and canary[4:].encode() not in on_disk
    for fmt_name in ("csv", "json"):
        _, exported, _ = _run(capsys, "log", "export", "--format", fmt_name)
        assert canary not in exported


def test_show_limit_prints_only_the_newest_matching_records(filled, capsys):
    code, out, _ = _run(capsys, "log", "show", "--limit", "2", "--format", "json")
    assert code == 0
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [2, 3]
