#!/usr/bin/env bash
# Runs inside `xvfb-run ... dbus-run-session --`: unlocks a throw-away keyring, starts a
# tray host, then runs the tests that need a real X server, tray or Secret Service.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
HOME=$(mktemp -d)
export HOME
eval "$(printf %s presend-test | gnome-keyring-daemon --unlock --components=secrets)"
trayer --edge top --align right --widthtype pixel --width 200 --heighttype pixel --height 32 \
  >/dev/null 2>&1 &
TRAYER=$!
cleanup() { kill "$TRAYER" 2>/dev/null || true; }
trap cleanup EXIT
export PRESEND_DESKTOP_SESSION=1
rc=0
.venv/bin/python -m pytest -m "x11 or keyring" "$@" || rc=$?
exit "$rc"
