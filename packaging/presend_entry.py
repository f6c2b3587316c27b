"""Entry point of the frozen app (PyInstaller): the `presend` command.

``app.cli.main`` also serves the extraction sandbox, which a frozen build starts as
``presend --presend-extract-child`` (there is no ``python -c`` in a frozen app).
"""

from __future__ import annotations

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
