"""``python -m app [COMMAND ...]``: the presend command; no command starts the tray app."""

import sys

from app.cli import main

raise SystemExit(main(sys.argv[1:] or ["tray"]))
