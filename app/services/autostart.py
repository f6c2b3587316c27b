"""Start at login for the current user: the Settings checkbox.

The same thing as ``presend integrate install --target autostart`` (it shares the code in
``app.services.integrate`` and its manifest): an XDG autostart entry on Linux, a
LaunchAgent on macOS, the HKCU Run key on Windows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DESKTOP_ID = "presend"


def presend_command() -> list[str]:
    """How to start presend from outside: the frozen app itself, the installed ``presend``
    script next to this interpreter, else this interpreter with ``-m app.cli``."""
    exe = Path(sys.executable)
    if getattr(sys, "frozen", False):
        # In an AppImage the binary lives in a mount that changes every run: use the
        # AppImage file itself.
        appimage = os.environ.get("APPIMAGE")
        return [appimage] if appimage else [str(exe)]
    for name in ("presend", "presend.exe"):
        script = exe.with_name(name)
        if script.exists():
            return [str(script)]
    # ``python -m app`` always starts the tray; ``-m app.cli`` passes the arguments on.
    return [str(exe), "-m", "app.cli"]


def _host():  # type: ignore[no-untyped-def]
    from app.services.integrate import Host

    return Host.current()


def autostart_file() -> Path:
    """The file that starts presend at login (on Windows: none; a Run-key value)."""
    from app.services import integrate

    host = _host()
    if host.platform == "darwin":
        return integrate.launch_agent_file(host)
    if host.platform == "win32":
        return Path(integrate.RUN_KEY) / "presend"
    return integrate.linux_autostart_file(host)


def autostart_entry() -> str:
    """The XDG autostart .desktop entry (Linux)."""
    from app.services import integrate

    return integrate.linux_autostart_entry(_host())


def is_enabled() -> bool:
    host = _host()
    if host.platform == "win32":  # pragma: no cover - Windows only
        return _run_value_exists()
    return autostart_file().is_file()


def set_enabled(enabled: bool) -> None:
    """Turn start-at-login on or off; raises ``IntegrationError`` saying what to do."""
    from app.services import integrate

    host = _host()
    if enabled:
        integrate.install(["autostart"], host)
        return
    # Also removes what `integrate install --target macos|windows` added for login.
    integrate.disable_autostart(host)


def _run_value_exists() -> bool:  # pragma: no cover - Windows only
    import winreg  # type: ignore[import-not-found]

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER,
                            r"Software\Microsoft\Windows\CurrentVersion\Run") as key:
            winreg.QueryValueEx(key, "presend")
        return True
    except OSError:
        return False


__all__ = ["autostart_entry", "autostart_file", "is_enabled", "presend_command", "set_enabled"]
