"""`presend check PATH…` with a display: hand it to the running tray app, or open a
one-shot window (progress while scanning, then the findings)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QApplication


def launch_check(paths: Sequence[str], args: Any = None) -> int:
    from app.ui.single_instance import send_to_running

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "presend"])
    if send_to_running({"cmd": "check", "paths": list(paths)}):
        return 0
    from app.ui.application import PresendApp, build_runtime

    app.setQuitOnLastWindowClosed(True)
    presend = PresendApp(build_runtime(), watch=False)
    presend.tray.tray.hide()
    presend.check_paths(list(paths))
    code = app.exec()
    presend.shutdown()
    return int(code)
