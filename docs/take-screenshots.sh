#!/usr/bin/env bash
# Re-takes docs/images/*.png under Xvfb with a real tray host (trayer).
# Needs the test dependencies (bash tests/run-all.sh installs them).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash -c '
  trayer --edge top --align right --widthtype pixel --width 200 --heighttype pixel --height 32 >/dev/null 2>&1 &
  T=$!
  sleep 1
  .venv/bin/python -m app.ui.screenshots docs/images
  kill $T 2>/dev/null || true
'
