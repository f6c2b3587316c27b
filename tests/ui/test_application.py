"""The whole app offscreen: folder actions on real files, right-click checks, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from app.ui.application import PresendApp
from tests.ui.conftest import make_runtime

SECRET_FILE = "db:\n  card: 4539 1488 0343 6467\n"
BLOCK_POLICY = """
schema = 1
serial = 3
name = "block files"
[actions]
high = "block"
critical = "block"
[override]
block = "with-reason"
"""


@pytest.fixture
def make_app(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    apps: list[PresendApp] = []

    def make(policy_text: str, folder: Path | None = None) -> PresendApp:
        rt = make_runtime(policy_text)
        app = PresendApp(rt, watch=False, ask_reason=lambda what, required: "vendor test data")
        if folder is not None:
            app.start_watching([folder])
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.shutdown()
    QGuiApplication.clipboard().clear()


def _drop(qtbot, app: PresendApp, path: Path, text: str):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(app.file_acted, timeout=20000) as sig:
        path.write_text(text)
    return sig.args


def test_blocked_file_is_quarantined_and_can_be_restored(qtbot, make_app, tmp_path) -> None:
    watched = tmp_path / "AI uploads"
    watched.mkdir()
    app = make_app(BLOCK_POLICY, watched)
    target = watched / "export.yaml"
    source, action = _drop(qtbot, app, target, SECRET_FILE)
    assert action == "quarantined" and source == str(target)
    assert not target.exists()
    entries = app.quarantine.entries()
    assert [Path(e.original) for e in entries] == [target]
    restored = app.quarantine.restore(entries[0].id)
    assert restored == target and target.read_text() == SECRET_FILE
    decisions = [r for r in app.runtime.audit_log.records() if r.get("event") == "decision"]
    assert decisions[-1]["channel"] == "folder" and decisions[-1]["action"] == "quarantined"


def test_redact_verdict_writes_a_redacted_copy_beside_the_file(qtbot, make_app, tmp_path) -> None:
    from tests.ui.conftest import STRICT_POLICY

    app = make_app(STRICT_POLICY, tmp_path)
    target = tmp_path / "notes.txt"
    _source, action = _drop(qtbot, app, target, SECRET_FILE)
    assert action == "redacted-copy"
    copy = tmp_path / "notes.redacted.txt"
    assert copy.exists() and "4539 1488 0343 6467" not in copy.read_text()
    assert target.read_text() == SECRET_FILE  # the original is never changed


def test_clean_file_is_allowed_and_not_touched(qtbot, make_app, tmp_path) -> None:
    from tests.ui.conftest import STRICT_POLICY

    app = make_app(STRICT_POLICY, tmp_path)
    target = tmp_path / "lunch.txt"
    _source, action = _drop(qtbot, app, target, "Lunch is at noon on Friday.")
    assert action == "allowed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lunch.txt"]


def test_right_click_check_shows_findings_and_is_audited(qtbot, make_app, tmp_path) -> None:
    from tests.ui.conftest import STRICT_POLICY

    app = make_app(STRICT_POLICY)
    f = tmp_path / "contract draft.txt"
    f.write_text(SECRET_FILE)
    with qtbot.waitSignal(app.file_checked, timeout=20000):
        app.check_paths([str(f)])
    qtbot.waitUntil(lambda: any(w.isVisible() and hasattr(w, "banner") for w in app.windows))
    win = [w for w in app.windows if hasattr(w, "banner")][-1]
    assert "Do not share" in win.banner.text()
    assert "4539 1488 0343 6467" not in win.shown_text()
    recs = [r for r in app.runtime.audit_log.records() if r.get("event") == "decision"]
    assert recs[-1]["channel"] == "file-check"


def test_clipboard_restore_through_the_app_asks_for_a_reason(qtbot, make_app) -> None:
    from tests.ui.conftest import STRICT_POLICY

    app = make_app(STRICT_POLICY)
    with qtbot.waitSignal(app.guard.checked, timeout=20000) as sig:
        QGuiApplication.clipboard().setText("card 4539 1488 0343 6467")
    event = sig.args[0]
    assert app.tray.state() == "alert"
    win = app.show_clip_findings(event)
    assert win.restore_button.isVisibleTo(win)
    assert app._restore_clip(event) is True
    assert QGuiApplication.clipboard().text() == "card 4539 1488 0343 6467"


def test_pause_is_audited(qtbot, make_app) -> None:
    from tests.ui.conftest import STRICT_POLICY

    app = make_app(STRICT_POLICY)
    app.tray.pause(900)
    app.tray.resume()
    kinds = [r.get("event") for r in app.runtime.audit_log.records()]
    assert "guard_paused" in kinds and "guard_resumed" in kinds


def test_restore_a_quarantined_file_from_its_findings_window(qtbot, make_app, tmp_path) -> None:
    watched = tmp_path / "w"
    watched.mkdir()
    app = make_app(BLOCK_POLICY, watched)
    target = watched / "dump.txt"
    with qtbot.waitSignal(app.file_checked, timeout=20000) as sig:
        target.write_text(SECRET_FILE)
    qtbot.waitUntil(lambda: not target.exists(), timeout=10000)
    outcome = sig.args[0]
    win = app.show_file_findings(outcome, "quarantined")
    assert win.restore_button.isVisibleTo(win)
    assert app.restore_quarantined(outcome, win) == target
    assert target.read_text() == SECRET_FILE
    last = [r for r in app.runtime.audit_log.records() if r.get("event") == "decision"][-1]
    assert last["action"] == "restored-by-user" and last["override_reason"] == "vendor test data"


def test_false_positive_is_allowlisted_by_fingerprint_for_this_user(qtbot, tmp_path) -> None:
    from app.paths import app_paths
    from app.services.decide import Channel
    from app.services.runtime import Runtime
    from app.services.secret_store import InMemorySecretStore
    from app.ui.application import PresendApp

    runtime = Runtime(app_paths(), InMemorySecretStore())  # built-in policy + preferences
    app = PresendApp(runtime, watch=False)
    try:
        text = "card 4539 1488 0343 6467"
        first = runtime.pipeline().classify_text(text, "clipboard", Channel.CLIPBOARD)
        finding = first.decision.reported[0]
        assert app.mark_false_positive(finding) is True
        prefs = (runtime.paths.config / "preferences.toml").read_text()
        assert "4539" not in prefs and "sha256:" in prefs
        again = runtime.pipeline().classify_text(text, "clipboard", Channel.CLIPBOARD)
        assert again.decision.reported == ()
        assert any(r.get("event") == "false_positive" for r in runtime.audit_log.records())
    finally:
        app.shutdown()


def test_admin_policy_that_forbids_loosening_keeps_the_finding(qtbot, make_app) -> None:
    from app.services.policy import parse_policy
    from app.services.preferences import add_allowlisted_value

    admin = parse_policy('schema = 1\nserial = 5\n', "admin")
    assert admin.user_may_loosen is False
    app = make_app('schema = 1\nserial = 5\n')
    assert add_allowlisted_value(app.runtime.paths, admin, "4539 1488 0343 6467") is None
    assert not (app.runtime.paths.config / "preferences.toml").exists()


def test_admin_policy_can_forbid_pause_and_quit_in_the_tray(qtbot, make_app) -> None:
    app = make_app('schema = 1\nserial = 6\n[user]\nmay_pause = false\nmay_quit = false\n')
    texts = app.tray.action_texts()
    assert "Quit" not in texts
    assert "Pause (not allowed by your organisation)" in texts
    assert app.tray.pause(900) is False and not app.guard.paused
