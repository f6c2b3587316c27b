"""The clipboard guard, offscreen with Qt's in-process clipboard (the real X11 clipboard
is exercised in test_desktop_e2e.py under Xvfb)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from app.ui.clipboard_guard import ClipboardGuard
from tests.ui.conftest import make_runtime

CARD = "4539 1488 0343 6467"  # Luhn-valid Visa shape, made up
CLIP = f"Please charge card {CARD} for the renewal."


@pytest.fixture
def guard(qtbot, runtime):  # type: ignore[no-untyped-def]
    cb = QGuiApplication.clipboard()
    cb.clear()
    g = ClipboardGuard(cb, runtime)
    yield g
    g.detach()
    cb.clear()


def _copy(qtbot, guard, text: str):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(guard.checked, timeout=20000) as sig:
        QGuiApplication.clipboard().setText(text)
    return sig.args[0]


def test_sensitive_clip_is_redacted_in_place_and_audited(qtbot, guard, audit_records) -> None:
    event = _copy(qtbot, guard, CLIP)
    assert event.plan.action == "redact"
    now = QGuiApplication.clipboard().text()
    assert CARD not in now
    assert "6467" in now  # cards are masked, keeping the last four
    assert now.startswith("Please charge card ") and now.endswith(" for the renewal.")
    recs = [r for r in audit_records() if r.get("event") == "decision"]
    assert recs[-1]["channel"] == "clipboard" and recs[-1]["action"] == "redacted"
    assert CARD.replace(" ", "") not in str(recs) and CARD not in str(recs)


def test_guard_does_not_rescan_its_own_write(qtbot, guard) -> None:
    _copy(qtbot, guard, CLIP)
    with qtbot.assertNotEmitted(guard.checked, wait=500):
        pass  # the redacted text it wrote fired dataChanged; nothing was re-checked
    assert not guard.busy


def test_restore_needs_a_reason_when_policy_says_so(qtbot, guard, audit_records) -> None:
    event = _copy(qtbot, guard, CLIP)
    assert event.plan.reason_required
    assert guard.restore("") is False
    assert CARD not in QGuiApplication.clipboard().text()
    with qtbot.waitSignal(guard.restored):
        assert guard.restore("test card from the vendor's sandbox docs") is True
    assert QGuiApplication.clipboard().text() == CLIP
    with qtbot.assertNotEmitted(guard.checked, wait=300):
        pass  # the restored clip is not redacted again
    last = [r for r in audit_records() if r.get("event") == "decision"][-1]
    assert last["action"] == "restored-by-user"
    assert last["override_reason"] == "test card from the vendor's sandbox docs"


def test_newer_clip_supersedes_older_scan(qtbot, guard) -> None:
    cb = QGuiApplication.clipboard()
    with qtbot.waitSignal(guard.checked, timeout=20000) as sig:
        cb.setText(CLIP)
        cb.setText("just a harmless note about lunch")
    assert sig.args[0].original_text == "just a harmless note about lunch"
    assert cb.text() == "just a harmless note about lunch"


def test_html_clip_is_redacted_in_both_flavours(qtbot, guard) -> None:
    mime = QMimeData()
    mime.setText(CLIP)
    mime.setHtml(f"<p>Please charge card <b>{CARD}</b> for the renewal.</p>")
    with qtbot.waitSignal(guard.checked, timeout=20000):
        QGuiApplication.clipboard().setMimeData(mime)
    md = QGuiApplication.clipboard().mimeData()
    assert CARD not in md.text()
    assert CARD not in md.html() and "<b>" in md.html()


def test_paused_guard_ignores_clips_but_check_now_works(qtbot, guard) -> None:
    guard.set_paused(True)
    with qtbot.assertNotEmitted(guard.checked, wait=300):
        QGuiApplication.clipboard().setText(CLIP)
    with qtbot.waitSignal(guard.checked, timeout=20000):
        guard.check_now()
    assert CARD not in QGuiApplication.clipboard().text()


def test_harmless_clip_is_left_alone(qtbot, guard) -> None:
    event = _copy(qtbot, guard, "The meeting moved to Thursday at 3pm.")
    assert event.plan.action == "allow"
    assert QGuiApplication.clipboard().text() == "The meeting moved to Thursday at 3pm."


def test_simulation_mode_only_notifies(qtbot) -> None:
    from tests.ui.conftest import STRICT_POLICY

    rt = make_runtime(STRICT_POLICY.replace('name = "ui tests"', 'name = "sim"\nsimulation = true'))
    cb = QGuiApplication.clipboard()
    g = ClipboardGuard(cb, rt)
    try:
        event = _copy(qtbot, g, CLIP)
        assert event.plan.action == "warn" and event.plan.intended == "redact"
        assert cb.text() == CLIP
    finally:
        g.detach()


AI_POLICY = """
schema = 1
serial = 9
name = "destination"
[actions]
high = "warn"
critical = "redact"
[[actions.rules]]
id = "no-cards-into-ai"
categories = ["financial"]
destinations = ["*"]
action = "redact"
"""


def test_switching_to_an_ai_tool_redacts_before_the_paste(qtbot) -> None:
    rt = make_runtime(AI_POLICY)
    cb = QGuiApplication.clipboard()
    g = ClipboardGuard(cb, rt)
    try:
        g.set_destination("app:code")  # copied in an editor: a known non-AI application
        event = _copy(qtbot, g, CLIP)
        assert event.plan.action == "warn" and cb.text() == CLIP
        assert g.set_destination("app:terminal") is None  # still not an AI tool
        with qtbot.waitSignal(g.checked) as sig:
            acted = g.set_destination("ChatGPT")
        assert acted is not None and sig.args[0].plan.action == "redact"
        assert CARD not in cb.text()
        assert "ChatGPT" in acted.plan.message
        recs = [r for r in rt.audit_log.records() if r.get("event") == "decision"]
        assert recs[-1]["action"] == "redacted-for-destination"
    finally:
        g.detach()


def test_unknown_destination_counts_as_an_ai_tool(qtbot) -> None:
    rt = make_runtime(AI_POLICY)
    cb = QGuiApplication.clipboard()
    g = ClipboardGuard(cb, rt)  # no foreground information: destination unknown
    try:
        event = _copy(qtbot, g, CLIP)
        assert event.plan.action == "redact"  # never falls open
    finally:
        g.detach()
