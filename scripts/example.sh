#!/bin/bash
# example.sh - builds schemac and runs the pycon example on SQLite.
#
#     scripts/example.sh [ARGS...]
#
# Installs the Debian packages that are missing (scripts/deps.sh),
# configures and builds the tree in build/ (reused by later runs), and
# runs the example program with ARGS from build/examples/pycon, where it
# leaves its database.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/scripts/deps.sh"

if [ -f build/meson-private/coredata.dat ]; then
    meson configure build -Dexamples=true
else
    meson setup build -Dexamples=true
fi
ninja -C build

exe=
for candidate in build/examples/pycon/pycon build/examples/pycon; do
    if [ -f "$candidate" ] && [ -x "$candidate" ]; then
        exe=$root/$candidate
        break
    fi
done
if [ -z "$exe" ]; then
    echo "example.sh: the pycon example was not built" >&2
    exit 1
fi

cd "$(dirname "$exe")"
echo "running $exe in $PWD"
exec "$exe" "$@"
