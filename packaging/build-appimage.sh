#!/bin/sh
# Wrap the Linux one-folder app (packaging/build-linux.sh) as an AppImage:
# dist/presend-<version>-x86_64.AppImage. Needs appimagetool on PATH (installed by you;
# this script downloads nothing). `presend integrate install` run from the AppImage
# writes the AppImage's own path ($APPIMAGE) into the right-click entries.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
DIST=${DIST:-"$ROOT/dist"}
[ -x "$DIST/presend/presend" ] || "$ROOT/packaging/build-linux.sh"
VERSION=$("$DIST/presend/presend" --version | cut -d' ' -f2)
APPDIR="$DIST/presend.AppDir"
rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/share/icons/hicolor/scalable/apps"
cp -a "$DIST/presend" "$APPDIR/usr/lib/presend"
cp "$ROOT/resources/icons/presend.svg" "$APPDIR/presend.svg"
cp "$ROOT/resources/icons/presend.svg" "$APPDIR/usr/share/icons/hicolor/scalable/apps/"
cp "$ROOT/packaging/linux/presend-appimage.desktop" "$APPDIR/presend.desktop"
cat > "$APPDIR/AppRun" <<'APPRUN'
#!/bin/sh
HERE=$(dirname -- "$(readlink -f -- "$0")")
exec "$HERE/usr/lib/presend/presend" "$@"
APPRUN
chmod 755 "$APPDIR/AppRun"
desktop-file-validate "$APPDIR/presend.desktop"
ARCH=x86_64 appimagetool --no-appstream "$APPDIR" "$DIST/presend-$VERSION-x86_64.AppImage"
echo "built $DIST/presend-$VERSION-x86_64.AppImage"
