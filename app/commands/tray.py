"""``presend tray``: start the system-tray app (the default command)."""

from __future__ import annotations

import argparse
import os
import sys

from app.commands.context import CliContext, CliError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tray", parents=[common],
                       help="start the system-tray app (clipboard guard + folder watcher)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        raise CliError(
            "no display: the tray app needs a desktop session (DISPLAY or WAYLAND_DISPLAY); "
            "on a server use `presend scan` or `presend check --no-gui`"
        )
    try:
        from app.ui.application import run_tray
    except ImportError as exc:
        raise CliError(
            f"the tray app needs Qt (PySide6), which could not be loaded ({exc.name}); "
            "reinstall presend, or use `presend scan`"
        ) from None
    return run_tray()
