#!/bin/bash
# callgrind.sh - builds the benchmarks as run.sh does and prints the
# instructions per row of each phase, generated / hand-written, on SQLite
# and, when a server can be started, PostgreSQL and MariaDB (client side).
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

only=
prev=
for a in "$@"; do
    [ "$prev" = --only ] && only=$a
    prev=$a
done

status=0
if [ "$only" != mariadb ]; then
    cg=(env -u SCHEMAC_BENCH_MARIADB_URL /usr/bin/python3
        "$root/bench/callgrind.py" --build "$build" "$@")
    "$root/tests/scripts/with-pg.sh" "${cg[@]}" || status=$?
    if [ "$status" -eq 77 ]; then   # no PostgreSQL here: SQLite alone
        status=0
        "${cg[@]}" || status=$?
    fi
fi
# MariaDB under a server of its own, when this schemac writes its DDL
if [ "$status" -eq 0 ] && { [ -z "$only" ] || [ "$only" = mariadb ]; } &&
    ninja -C "$build" bench/bench_mariadb.sql >/dev/null 2>&1; then
    [ -n "$only" ] || set -- "$@" --only mariadb
    "$root/tests/scripts/with-mariadb.sh" bash -c \
        'SCHEMAC_BENCH_MARIADB_URL=$SCHEMAC_TEST_URL exec "$@"' - \
        /usr/bin/python3 "$root/bench/callgrind.py" --build "$build" "$@" ||
        status=$?
    [ "$status" -ne 77 ] || status=0   # no MariaDB server here
fi
exit "$status"
