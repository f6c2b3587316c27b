#!/bin/sh
# Check with presend: a Nautilus (GNOME Files) script, installed by
# `presend integrate install` and removed by `presend integrate uninstall`.
# Nautilus lists the selected local files in NAUTILUS_SCRIPT_SELECTED_FILE_PATHS, one per
# line; without it (remote folders, older versions) the selection comes as arguments.
set -f
if [ -n "$${NAUTILUS_SCRIPT_SELECTED_FILE_PATHS:-}" ]; then
    IFS='
'
    set -- $$NAUTILUS_SCRIPT_SELECTED_FILE_PATHS
    unset IFS
fi
[ "$$#" -gt 0 ] || exit 0
exec $command check -- "$$@"
