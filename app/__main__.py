"""``python -m app`` starts the tray app."""

from app.cli import main

raise SystemExit(main(["tray"]))
