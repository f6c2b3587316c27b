"""Which application is in front: where clipboard content is about to be pasted.

What each OS lets presend know (docs/destinations.md):
- X11: the root window's ``_NET_ACTIVE_WINDOW`` and that window's ``WM_CLASS`` and
  ``_NET_WM_NAME`` (read with ``xprop``; no extra privileges).
- Windows: ``GetForegroundWindow`` + ``GetWindowTextW`` + the owning process's image name
  (user32/kernel32 through ctypes).
- macOS: ``NSWorkspace.frontmostApplication`` needs PyObjC, which presend does not ship;
  there the probe reports "unknown", and the policy's destination rules apply to every
  clip (an unknown destination counts as an AI tool: never fall open).
- Wayland: no protocol gives a client the focused window; "unknown" as on macOS.

Browsers: the window title of the active tab ("ChatGPT — Mozilla Firefox") is what the
policy's ``window_titles`` globs match; the URL is not readable without a browser add-on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Foreground:
    app: str  # application / window class, lower case
    title: str


class ForegroundProbe(Protocol):
    def current(self) -> Foreground | None: ...


class UnknownForeground:
    """The platform tells presend nothing: every destination is unknown."""

    def current(self) -> Foreground | None:
        return None


# a window manager sets type WINDOW ("window id # 0x…"); a CARDINAL prints in decimal
_ACTIVE_RE = re.compile(r"window id # (0x[0-9a-fA-F]+)|\(CARDINAL\) = ([0-9]+)")
_CLASS_RE = re.compile(r'WM_CLASS\(STRING\) = "([^"]*)"(?:, "([^"]*)")?')
_NAME_RE = re.compile(r'_NET_WM_NAME\(UTF8_STRING\) = "((?:[^"\\]|\\.)*)"')


class X11Foreground:
    """Reads the active window of an X11 session with xprop (x11-utils)."""

    def __init__(self, display: str | None = None, timeout: float = 1.0) -> None:
        self._env = {**os.environ, **({"DISPLAY": display} if display else {})}
        self._timeout = timeout

    def _xprop(self, *args: str) -> str:
        try:
            proc = subprocess.run(["xprop", *args], capture_output=True, text=True,
                                  timeout=self._timeout, env=self._env, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return proc.stdout if proc.returncode == 0 else ""

    def current(self) -> Foreground | None:
        m = _ACTIVE_RE.search(self._xprop("-root", "_NET_ACTIVE_WINDOW"))
        if not m:
            return None
        wid = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        if wid == 0:
            return None
        props = self._xprop("-id", hex(wid), "WM_CLASS", "_NET_WM_NAME")
        cls = _CLASS_RE.search(props)
        name = _NAME_RE.search(props)
        app = (cls.group(2) or cls.group(1)) if cls else ""
        title = re.sub(r"\\(.)", r"\1", name.group(1)) if name else ""
        return Foreground(app.lower(), title)


class WindowsForeground:  # pragma: no cover - exercised only on Windows
    def current(self) -> Foreground | None:
        import ctypes
        from ctypes import wintypes

        user32 = ctypes.windll.user32  # type: ignore[attr-defined]
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        hwnd = user32.GetForegroundWindow()
        if not hwnd:
            return None
        length = user32.GetWindowTextLengthW(hwnd)
        buf = ctypes.create_unicode_buffer(length + 1)
        user32.GetWindowTextW(hwnd, buf, length + 1)
        pid = wintypes.DWORD()
        user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        app = ""
        handle = kernel32.OpenProcess(0x1000, False, pid.value)  # QUERY_LIMITED_INFORMATION
        if handle:
            size = wintypes.DWORD(1024)
            path = ctypes.create_unicode_buffer(1024)
            if kernel32.QueryFullProcessImageNameW(handle, 0, path, ctypes.byref(size)):
                app = os.path.basename(path.value).lower()
            kernel32.CloseHandle(handle)
        return Foreground(app, buf.value)


def default_probe() -> ForegroundProbe:
    if sys.platform == "win32":
        return WindowsForeground()
    if sys.platform.startswith("linux") and os.environ.get("DISPLAY") and not os.environ.get(
        "WAYLAND_DISPLAY"
    ):
        return X11Foreground()
    return UnknownForeground()


def destination_of(policy: object, fg: Foreground | None) -> str | None:
    """The destination name for ``decide``: an AI tool's name from the policy, the app's
    own name (a known non-AI application), or None (unknown: treated as an AI tool)."""
    if fg is None:
        return None
    name = policy.destination_for(app=fg.app, title=fg.title)  # type: ignore[attr-defined]
    if name is not None:
        return name
    return f"app:{fg.app or 'unknown'}"
