#!/bin/sh
# Build the Linux one-folder app: dist/presend/presend (run from anywhere).
# Needs: the project venv (.venv) with presend[names] and pyinstaller==6.22.3 installed.
# Then, optionally: packaging/build-appimage.sh to wrap it as an AppImage.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
PYTHON=${PYTHON:-"$ROOT/.venv/bin/python"}
DIST=${DIST:-"$ROOT/dist"}
WORK=${WORK:-"$ROOT/build/pyinstaller"}
cd "$ROOT"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/presend.spec
"$DIST/presend/presend" --version
echo "built $DIST/presend"
