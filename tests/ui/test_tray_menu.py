"""The tray menu says what state the guard is in and offers what the policy allows."""

from __future__ import annotations

from app.ui.tray import TrayController


def _tray(state="active", problems=(), may_pause=True, may_quit=True) -> TrayController:
    return TrayController(lambda: (state, problems), may_pause=lambda: may_pause,
                          may_quit=lambda: may_quit)


def test_menu_lists_every_action_with_a_status_line(qtbot) -> None:
    t = _tray()
    texts = t.action_texts()
    assert texts[0] == "presend is guarding your clipboard and watched folders"
    for item in ("Pause", "Check clipboard now", "Check a file…", "Watched folders…",
                 "Recent findings", "Policy status", "Open audit log", "About presend", "Quit"):
        assert item in texts


def test_pause_changes_state_icon_tooltip_and_menu(qtbot) -> None:
    t = _tray()
    with qtbot.waitSignal(t.pause_changed) as sig:
        t.find_action("Pause for 15 minutes").trigger()
    assert sig.args == [True]
    assert t.state() == "paused"
    assert "paused" in t.tray.toolTip()
    assert "Resume checking" in t.action_texts()
    assert t._pause_timer.isActive() and t._pause_timer.interval() == 15 * 60 * 1000
    t._on_pause_timer_timeout()  # the timer firing, without waiting 15 minutes
    assert t.state() == "active"


def test_pause_until_resumed_has_no_timer(qtbot) -> None:
    t = _tray()
    t.find_action("Pause until resumed").trigger()
    assert t.paused and not t._pause_timer.isActive()
    assert "Resume checking" in t.action_texts()  # the menu is rebuilt when it opens
    t.find_action("Resume checking").trigger()
    assert not t.paused


def test_admin_can_forbid_pause_and_quit(qtbot) -> None:
    t = _tray(may_pause=False, may_quit=False)
    texts = t.action_texts()
    assert "Quit" not in texts
    assert "Pause (not allowed by your organisation)" in texts
    assert t.pause(900) is False
    assert t.state() == "active"


def test_degraded_state_names_the_problem(qtbot) -> None:
    t = _tray(state="degraded", problems=("no usable OS keyring",))
    assert t.state() == "degraded"
    assert "no usable OS keyring" in t.tray.toolTip()
    assert t.action_texts()[0].startswith("presend is running with a problem")


def test_alert_state_until_cleared(qtbot) -> None:
    t = _tray()
    t.set_alert("Clipboard redacted")
    assert t.state() == "alert" and "Clipboard redacted" in t.tray.toolTip()
    t.set_alert(None)
    assert t.state() == "active"
