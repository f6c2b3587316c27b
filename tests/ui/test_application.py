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
