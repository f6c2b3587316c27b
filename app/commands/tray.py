"""``presend tray``: start the system-tray app (the default command)."""

from __future__ import annotations

import argparse

from app.commands.context import CliContext, CliError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tray", parents=[common],
                       help="start the system-tray app (clipboard guard + folder watcher)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        from app.ui.application import run_tray
    except ImportError as exc:
        raise CliError(
            f"the tray app needs Qt (PySide6), which could not be loaded ({exc.name}); "
            "reinstall presend, or use `presend scan`"
        ) from None
    return run_tray()
