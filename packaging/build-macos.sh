#!/bin/sh
# Build presend for macOS: dist/presend.app (tray-only: LSUIElement, no Dock icon) and
# an installer package dist/presend-<version>.pkg that installs it into /Applications.
# Run on a Mac from anywhere; needs the project venv (.venv) with presend[names] and
# pyinstaller==6.22.3. Optional: SIGN_IDENTITY="Developer ID Application: ..." to sign,
# PKG_SIGN_IDENTITY="Developer ID Installer: ..." to sign the package.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
PYTHON=${PYTHON:-"$ROOT/.venv/bin/python"}
cd "$ROOT"
VERSION=$("$PYTHON" -c 'import app; print(app.__version__)')
"$PYTHON" -m PyInstaller --noconfirm --clean packaging/presend.spec   # also makes presend.app
"$ROOT/dist/presend.app/Contents/MacOS/presend" --version
if [ -n "${SIGN_IDENTITY:-}" ]; then
    codesign --force --deep --options runtime --timestamp --sign "$SIGN_IDENTITY" dist/presend.app
fi
set -- --component dist/presend.app --install-location /Applications \
    --identifier org.presend.app --version "$VERSION"
if [ -n "${PKG_SIGN_IDENTITY:-}" ]; then
    set -- "$@" --sign "$PKG_SIGN_IDENTITY"
fi
pkgbuild "$@" "dist/presend-$VERSION.pkg"
echo "built dist/presend.app and dist/presend-$VERSION.pkg"
