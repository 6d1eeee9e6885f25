#!/bin/bash
# callgrind.sh - builds the benchmarks as run.sh does and prints the
# instructions per row of each phase, generated / hand-written, on SQLite
# and, when a server can be started, PostgreSQL (client side).
#
#     bench/callgrind.sh [callgrind.py options: -n N, --tx, --only DB]
#
# N defaults to 2000 (under a minute a database); BUILD as in run.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench}
if [ -d "$build" ]; then
    meson setup --reconfigure "$build" -Dbench=true >/dev/null
else
    meson setup "$build" --buildtype=release -Dbench=true >/dev/null
fi
ninja -C "$build" >/dev/null

status=0
"$root/tests/scripts/with-pg.sh" /usr/bin/python3 "$root/bench/callgrind.py" \
    --build "$build" "$@" || status=$?
if [ "$status" -eq 77 ]; then   # no PostgreSQL here: SQLite alone
    status=0
    /usr/bin/python3 "$root/bench/callgrind.py" --build "$build" "$@" ||
        status=$?
fi
exit "$status"
