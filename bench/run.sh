#!/bin/bash
# run.sh - builds the benchmarks and runs them: the workload on SQLite and,
# when their servers can be started (tests/scripts/with-pg.sh,
# with-mariadb.sh), on PostgreSQL and MariaDB, then the generator at
# scale.  Prints the README's tables.
#
#     bench/run.sh [--quick] [--no-scale] [run.py options...]
#
# --quick is N = 10000 (about a minute); the default N = 100000 takes
# about ten minutes on two cores.  --no-scale leaves out the generator
# at scale.  BUILD names the build directory
# (default build-bench, configured --buildtype=release -Dbench=true).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench}
args=()
scale=yes
for a in "$@"; do
    case $a in
    --quick) args+=(-n 10000) ;;
    --no-scale) scale= ;;
    *) args+=("$a") ;;
    esac
done

if [ -d "$build" ]; then
    meson setup --reconfigure "$build" -Dbench=true >/dev/null
else
    meson setup "$build" --buildtype=release -Dbench=true >/dev/null
fi
ninja -C "$build" >/dev/null
if ! ninja -C "$build" bench/bench_mariadb.sql >/dev/null 2>&1; then
    echo "run.sh: this schemac writes no MariaDB DDL: MariaDB left out" >&2
    rm -f "$build/bench/bench_mariadb.sql"
fi

status=77
pg=$root/tests/scripts/with-pg.sh
maria=$root/tests/scripts/with-mariadb.sh
# Each server's script sets SCHEMAC_TEST_URL; the URL of each goes on to
# run.py under its own name.  A server that cannot be started here makes
# its script exit 77 without running anything: then the run goes on
# without it.
as_pg=(bash -c 'SCHEMAC_BENCH_PG_URL=$SCHEMAC_TEST_URL exec "$@"' -)
as_maria=(bash -c 'SCHEMAC_BENCH_MARIADB_URL=$SCHEMAC_TEST_URL exec "$@"' -)
run=(/usr/bin/python3 "$root/bench/run.py" --build "$build" "${args[@]}")
for servers in "pg maria" pg maria ""; do
    cmd=()
    case " $servers " in *" pg "*) cmd+=("$pg" "${as_pg[@]}") ;; esac
    case " $servers " in
    *" maria "*)
        [ -x "$maria" ] && [ -s "$build/bench/bench_mariadb.sql" ] || continue
        cmd+=("$maria" "${as_maria[@]}")
        ;;
    esac
    status=0
    env -u SCHEMAC_BENCH_PG_URL -u SCHEMAC_BENCH_MARIADB_URL \
        "${cmd[@]}" "${run[@]}" || status=$?
    [ "$status" -eq 77 ] || break
done
[ "$status" -eq 0 ] || exit "$status"
[ -z "$scale" ] || /usr/bin/python3 "$root/bench/scale.py" --build "$build"
