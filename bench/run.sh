#!/bin/bash
# run.sh - builds the benchmarks and runs them: the workload on SQLite and,
# when a PostgreSQL server can be started (tests/scripts/with-pg.sh), on
# PostgreSQL, then the generator at scale.  Prints the README's tables.
#
#     bench/run.sh [--quick] [run.py options...]
#
# --quick is N = 10000 (about a minute); the default N = 100000 takes
# about ten minutes on two cores.  BUILD names the build directory
# (default build-bench, configured --buildtype=release -Dbench=true).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench}
args=()
for a in "$@"; do
    if [ "$a" = --quick ]; then
        args+=(-n 10000)
    else
        args+=("$a")
    fi
done

if [ -d "$build" ]; then
    meson setup --reconfigure "$build" -Dbench=true >/dev/null
else
    meson setup "$build" --buildtype=release -Dbench=true >/dev/null
fi
ninja -C "$build" >/dev/null

status=0
"$root/tests/scripts/with-pg.sh" /usr/bin/python3 "$root/bench/run.py" \
    --build "$build" "${args[@]}" || status=$?
if [ "$status" -eq 77 ]; then   # no PostgreSQL here: SQLite alone
    status=0
    /usr/bin/python3 "$root/bench/run.py" --build "$build" "${args[@]}" ||
        status=$?
fi
[ "$status" -eq 0 ] || exit "$status"
/usr/bin/python3 "$root/bench/scale.py" --build "$build"
