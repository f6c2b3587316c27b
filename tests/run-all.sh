#!/usr/bin/env bash
# Installs everything the tests need (Debian packages, a venv with presend and its test
# tools) and runs the whole suite in two passes:
#   1. QT_QPA_PLATFORM=offscreen: everything that needs no X server or keyring;
#   2. under Xvfb + a private D-Bus session + an unlocked throw-away gnome-keyring + trayer:
#      the tests marked x11 or keyring (real clipboard, tray, Secret Service).
# Usage: bash tests/run-all.sh [extra pytest args]   (as root on Debian bookworm, or with sudo)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

APT_PACKAGES=(
  xvfb xauth xclip xdotool trayer
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxcb-xkb1
  libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
  gnome-keyring dbus
  rsyslog rsyslog-gnutls rsyslog-openssl
  desktop-file-utils binutils x11-utils
)
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if [ -z "${PRESEND_SKIP_APT:-}" ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
  # the test suite starts its own rsyslogd on loopback; stop a system one if apt started it
  $SUDO pkill -x rsyslogd 2>/dev/null || true
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[names,test]"

.venv/bin/ruff check .

status=0
echo "== pass 1: offscreen =="
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -m "not x11 and not keyring" "$@" || status=$?
[ "$status" = 5 ] && status=0

echo "== pass 2: Xvfb + D-Bus + gnome-keyring + trayer =="
desktop=0
xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
  dbus-run-session -- bash tests/desktop-session.sh "$@" || desktop=$?
[ "$desktop" = 5 ] && desktop=0
[ "$status" = 0 ] && status=$desktop
exit "$status"
