#!/bin/bash
# The walk-through's answers on the three databases: runs pycon on
# SQLite, on PostgreSQL and on MariaDB and compares what it prints with
# the statements left out (each database is sent its own SQL): every
# object read back, count, refusal and message must be the same.
#
#     same.sh PYCON WITH_PG WITH_MARIADB
#
# WITH_PG and WITH_MARIADB are tests/scripts/with-pg.sh and
# with-mariadb.sh, which start the servers (and skip or, under CI=true,
# fail without them).  Prints "pycon-same: N passed, M failed".
set -u

pycon=$1
with_pg=$2
with_mariadb=$3

# Inside both servers: PYCON_PG_URL is PostgreSQL's, SCHEMAC_TEST_URL
# MariaDB's.
if [ -z "${PYCON_PG_URL:-}" ]; then
    exec bash "$with_pg" bash -c \
        'PYCON_PG_URL=$SCHEMAC_TEST_URL exec "$@"' same \
        bash "$with_mariadb" bash "$0" "$@"
fi

tmp=$(mktemp -d /tmp/schemac-pycon-same.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The output without the trace: each statement is a "    [sql] " line,
# the lines it continues on, and its values' "    [sql] " line.
normalise() {
    awk '/^    \[sql\] / { stmt = !stmt; next } stmt { next } { print }' "$1"
}

failed=0
passed=0
for db in sqlite postgresql mariadb; do
    case $db in
    sqlite) url="sqlite:$tmp/pycon.db" ;;
    postgresql) url=$PYCON_PG_URL ;;
    mariadb) url=$SCHEMAC_TEST_URL ;;
    esac
    if ! "$pycon" "$url" >"$tmp/$db.out" 2>"$tmp/$db.err"; then
        echo "pycon-same: pycon failed on $db:" >&2
        cat "$tmp/$db.err" >&2
        exit 1
    fi
    normalise "$tmp/$db.out" >"$tmp/$db.txt"
    # the trace is there and left out: a statement went to every server
    grep -q '^    \[sql\] ' "$tmp/$db.out" ||
        { echo "pycon-same: no statement echoed on $db" >&2; exit 1; }
done
for db in postgresql mariadb; do
    if diff -u --label sqlite --label "$db" "$tmp/sqlite.txt" \
        "$tmp/$db.txt" >&2; then
        passed=$((passed + 1))
    else
        echo "pycon-same: $db's walk-through differs from SQLite's" >&2
        failed=$((failed + 1))
    fi
done
echo "pycon-same: $(wc -l <"$tmp/sqlite.txt") lines compared" \
     "($(grep -c . "$tmp/sqlite.out") printed on SQLite)"
echo "pycon-same: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
