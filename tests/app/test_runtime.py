"""The tray's Qt-free runtime: policy problems are visible, outcomes are audited, and the
audit log is forwarded to the policy's SIEM targets by a background thread."""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.paths import app_paths
from app.services.decide import Channel
from app.services.policy import parse_policy
from app.services.runtime import Runtime
from app.services.secret_store import InMemorySecretStore, KeyringSecretStore


def _runtime(policy_text: str) -> Runtime:
    return Runtime(app_paths(), InMemorySecretStore(),
                   policy_loader=lambda: parse_policy(policy_text, "file"))


def test_outcomes_are_audited_without_values() -> None:
    rt = _runtime('schema = 1\nserial = 2\n')
    outcome = rt.pipeline().classify_text("card 4539 1488 0343 6467", "clipboard",
                                          Channel.CLIPBOARD)
    assert rt.audit_outcome(outcome, "clipboard", "warned")
    rec = [r for r in rt.audit_log.records() if r.get("event") == "decision"][-1]
    assert rec["findings"][0]["entity_type"] == "CREDIT_CARD"
    assert "4539 1488 0343 6467" not in json.dumps(rec)
    assert rt.recent_decisions()[0]["findings"] == "1× CREDIT_CARD"


def test_audit_log_is_forwarded_to_a_file_target(tmp_path: Path) -> None:
    sink = tmp_path / "siem.jsonl"
    rt = _runtime(f'schema = 1\nserial = 2\n[[audit.siem]]\nname = "local"\n'
                  f'target = "file://{sink}"\nmin_verdict = "allow"\n')
    assert rt.start_forwarding(interval=0.05)
    try:
        rt.audit_admin("guard_paused", {})
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "guard_paused" not in (
            sink.read_text() if sink.exists() else ""
        ):
            time.sleep(0.05)
    finally:
        rt.stop_forwarding()
    assert "guard_paused" in sink.read_text()


def test_a_broken_siem_target_is_a_visible_problem() -> None:
    rt = _runtime('schema = 1\nserial = 2\n')
    rt._policy = parse_policy('schema = 1\nserial = 3\n', "file")
    assert rt.start_forwarding() is False  # no targets: nothing to do, no problem
    assert rt.status().state == "active"


def test_no_keyring_is_a_degraded_state_not_a_crash(monkeypatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    rt = Runtime(app_paths(), KeyringSecretStore())
    status = rt.status()
    assert status.state == "degraded"
    assert any("keyring" in p for p in status.problems)
    assert rt.policy.source == "built-in"


def test_warm_up_builds_the_engine_in_the_background_and_leaves_no_trace() -> None:
    rt = _runtime('schema = 1\nserial = 2\n')
    before = len(list(rt.audit_log.records()))
    thread = rt.warm_up()
    assert thread.daemon and thread.name == "presend-warm-up"
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert rt.status().state == "active"
    assert rt.pipeline() is rt.pipeline()  # the warmed pipeline is the one in use
    assert len(list(rt.audit_log.records())) == before  # warming classifies nothing of the user's
