"""Start at login for the current user (the Settings checkbox; `presend integrate
install --target autostart` writes the same file)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DESKTOP_ID = "presend"


def _config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def autostart_file() -> Path:
    return _config_home() / "autostart" / f"{DESKTOP_ID}.desktop"


def presend_command() -> list[str]:
    """How to start presend from outside: the installed script next to this interpreter,
    else this interpreter with ``-m app``."""
    exe = Path(sys.executable)
    script = exe.with_name("presend")
    if getattr(sys, "frozen", False):
        return [str(exe)]
    if script.exists():
        return [str(script)]
    return [str(exe), "-m", "app"]


def desktop_exec(args: list[str]) -> str:
    """An Exec= value: each argument quoted per the Desktop Entry spec."""
    out = []
    for a in args:
        if a.startswith("%"):
            out.append(a)
            continue
        if any(c in a for c in ' \t\n"\'\\><~|&;$*?#()`'):
            escaped = a.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
            out.append(f'"{escaped}"')
        else:
            out.append(a)
    return " ".join(out)


def autostart_entry() -> str:
    cmd = desktop_exec([*presend_command(), "tray"])
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=presend\n"
        "Comment=Pre-send guard: checks what you copy before it reaches an AI tool\n"
        f"Exec={cmd}\n"
        "Icon=presend\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        "NoDisplay=false\n"
    )


def is_enabled() -> bool:
    return autostart_file().is_file()


def set_enabled(enabled: bool) -> None:
    path = autostart_file()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(autostart_entry(), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


__all__ = ["autostart_entry", "autostart_file", "is_enabled", "presend_command", "set_enabled"]
