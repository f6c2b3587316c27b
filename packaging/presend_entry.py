"""Entry point of the frozen app (PyInstaller): the `presend` command.

The extraction sandbox starts its child as ``presend --presend-extract-child`` when frozen
(there is no ``python -c`` in a frozen app), so that argument is routed here first.
"""

from __future__ import annotations

import sys


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--presend-extract-child":
        from classifiers.extract.sandbox import child_main

        child_main()
        return 0
    from app.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    raise SystemExit(main())
