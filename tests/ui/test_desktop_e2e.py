"""End to end on a real X server (Xvfb), a real tray host (trayer), the real X11 clipboard
written and read by another process (xclip), real clicks (xdotool) and the real Secret
Service keyring (gnome-keyring). Run by tests/desktop-session.sh; skipped elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon

pytestmark = [
    pytest.mark.x11,
    pytest.mark.skipif(
        not os.environ.get("DISPLAY") or QGuiApplication.platformName() == "offscreen"
        if QGuiApplication.instance() else not os.environ.get("DISPLAY"),
        reason="needs an X server: run under tests/desktop-session.sh (xvfb-run + dbus)",
    ),
    pytest.mark.skipif(shutil.which("xclip") is None or shutil.which("xdotool") is None,
                       reason="needs xclip and xdotool (apt install xclip xdotool)"),
]

AWS_KEY = "AKIAZ3MPLQ4RSTUVWX7Y"
CLIP = f"export AWS_ACCESS_KEY_ID={AWS_KEY}\ncard 4539 1488 0343 6467\n"


def xclip_copy(text: str) -> subprocess.Popen:
    proc = subprocess.Popen(["xclip", "-selection", "clipboard", "-i"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None
    proc.stdin.write(text.encode())
    proc.stdin.close()
    proc.wait(timeout=10)
    return proc


def xclip_paste(qtbot) -> str:  # type: ignore[no-untyped-def]
    """Read the clipboard from another process without blocking the GUI thread (Qt must
    answer xclip's selection request, so the read runs in a thread while Qt spins)."""
    out: dict[str, str] = {}

    def read() -> None:
        out["text"] = subprocess.run(["xclip", "-selection", "clipboard", "-o"],
                                     capture_output=True, timeout=10).stdout.decode()

    t = threading.Thread(target=read)
    t.start()
    qtbot.waitUntil(lambda: not t.is_alive(), timeout=15000)
    t.join()
    return out.get("text", "")


@pytest.fixture
def app(qtbot):  # type: ignore[no-untyped-def]
    from app.paths import app_paths
    from app.services.runtime import Runtime
    from app.services.secret_store import KeyringSecretStore
    from app.ui.application import PresendApp

    runtime = Runtime(app_paths(), KeyringSecretStore())  # the real keyring and built-in policy
    presend = PresendApp(runtime, watch=False, ask_reason=lambda what, required: "e2e test")
    yield presend
    presend.shutdown()
    subprocess.run(["pkill", "-x", "xclip"], check=False)


def test_keyring_is_real_and_audit_is_keyed(app) -> None:
    assert "SecretService" in app.runtime.secret_store.backend_name
    assert app.runtime.audit_log.state.keyed
    assert app.runtime.status().state == "active"


def test_secret_copied_by_another_app_is_redacted_on_the_x11_clipboard(qtbot, app) -> None:
    with qtbot.waitSignal(app.guard.checked, timeout=20000) as sig:
        xclip_copy(CLIP)
    assert sig.args[0].plan.action == "redact"
    pasted = xclip_paste(qtbot)
    assert AWS_KEY not in pasted
    assert "[AWS_ACCESS_KEY]" in pasted
    # restore through the app: the original is back for other applications
    assert app._restore_clip(sig.args[0]) is True
    assert xclip_paste(qtbot) == CLIP
    recs = [r for r in app.runtime.audit_log.records() if r.get("event") == "decision"]
    assert [r["action"] for r in recs[-2:]] == ["redacted", "restored-by-user"]
    assert AWS_KEY not in Path(app.runtime.paths.audit_dir).joinpath(
        sorted(os.listdir(app.runtime.paths.audit_dir))[-1]).read_text()


def test_tray_icon_embeds_and_a_real_click_opens_the_menu(qtbot, app) -> None:
    qtbot.waitUntil(QSystemTrayIcon.isSystemTrayAvailable, timeout=10000)
    tray = app.tray.tray
    qtbot.waitUntil(lambda: tray.geometry().width() > 0, timeout=10000)
    menu = app.tray.menu
    for _attempt in range(3):  # the embedder may still be mapping the icon on the first click
        qtbot.wait(300)
        centre = tray.geometry().center()
        subprocess.run(["xdotool", "mousemove", str(centre.x()), str(centre.y()), "click", "3"],
                       check=True)
        try:
            qtbot.waitUntil(menu.isVisible, timeout=3000)
            break
        except Exception:
            continue
    assert menu.isVisible()
    action = app.tray.find_action("Check clipboard now")
    assert action is not None
    pos = menu.mapToGlobal(menu.actionGeometry(action).center())
    with qtbot.waitSignal(app.tray.check_clipboard_requested, timeout=10000):
        subprocess.run(["xdotool", "mousemove", str(pos.x()), str(pos.y()), "click", "1"],
                       check=True)
    assert not menu.isVisible()


def test_second_start_hands_its_check_to_the_running_app(qtbot, app, tmp_path) -> None:
    from app.ui.single_instance import SingleInstanceServer

    server = SingleInstanceServer()
    assert server.listen()
    server.message_received.connect(app.handle_message)
    f = tmp_path / "file with spaces é.txt"
    f.write_text(CLIP)
    try:
        with qtbot.waitSignal(app.file_checked, timeout=30000) as sig:
            proc = subprocess.Popen([sys.executable, "-m", "app.cli", "check", str(f)],
                                    env={**os.environ}, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
        assert sig.args[0].result.source == str(f.resolve())
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30000)  # Qt answers meanwhile
        out, err = proc.communicate()
        assert proc.returncode == 0, err.decode()[-500:]
    finally:
        server.close()


def test_screen_shows_the_findings_window(qtbot, app, tmp_path) -> None:
    with qtbot.waitSignal(app.guard.checked, timeout=20000) as sig:
        xclip_copy(CLIP)
    win = app.show_clip_findings(sig.args[0])
    qtbot.waitExposed(win)
    shot = QGuiApplication.primaryScreen().grabWindow(0)
    assert not shot.isNull() and shot.width() >= 800
    assert win.mapToGlobal(QPoint(0, 0)).x() >= 0


def test_x11_foreground_probe_reads_the_active_window(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    from app.services.foreground import X11Foreground, destination_of
    from app.services.policy import load_builtin_policy

    win = QWidget()
    win.setWindowTitle("New chat - ChatGPT — Mozilla Firefox")
    win.show()
    qtbot.waitExposed(win)
    wid = int(win.winId())
    # Xvfb runs no window manager: set the root property as one would on focus change
    subprocess.run(["xprop", "-root", "-f", "_NET_ACTIVE_WINDOW", "32x", "-set",
                    "_NET_ACTIVE_WINDOW", hex(wid)], check=True)
    try:
        fg = X11Foreground().current()
        assert fg is not None and "ChatGPT" in fg.title
        assert destination_of(load_builtin_policy(), fg) == "ChatGPT"
    finally:
        subprocess.run(["xprop", "-root", "-remove", "_NET_ACTIVE_WINDOW"], check=False)
        win.close()
