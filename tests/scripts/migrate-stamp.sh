#!/bin/bash
# migrate-stamp.sh - schemac migrate stamp, the baseline of a database
# that schemac did not migrate.
#
#     migrate-stamp.sh SOURCE_ROOT SCHEMAC
#
# Runs on SQLite (a file in a temporary directory), or on PostgreSQL or
# MariaDB when SCHEMAC_TEST_URL names a server (tests/scripts/with-pg.sh
# and with-mariadb.sh set it).
#
#   - a database made by hand (tests/golden/pull/adopt/DIALECT.sql; on
#     MariaDB tests/data/migrations/adopt.mariadb.sql, whose tables'
#     default collation is not schemac's) is
#     pulled, the pulled schema starts a migrations directory, stamp 1
#     records version 1 without running it; then a change to the schema
#     goes through migrate diff and up as on any database, and check
#     finds the database equal to the schema;
#   - a database that differs from the snapshot (a column added by hand)
#     is refused: exit 1, the difference printed, nothing recorded;
#   - the database made by schemac's own DDL for a snapshot stamps too,
#     and so does a database already at some version, which keeps its
#     history; a database past V, an unknown version and usage errors are
#     refused.
set -u

src=$1
schemac=$2
fails=0
passes=0
tmp=$(mktemp -d /tmp/schemac-stamp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

case ${SCHEMAC_TEST_URL:-} in
postgres*) dialect=postgresql ;;
mariadb*)
    dialect=mariadb
    rest=${SCHEMAC_TEST_URL#mariadb://*:}
    maria_pw=${rest%%@*}
    maria_db=${SCHEMAC_TEST_URL##*/}
    ;;
*) dialect=sqlite ;;
esac
if [ $dialect = sqlite ] && ! command -v sqlite3 >/dev/null; then
    echo "migrate-stamp: no sqlite3 program" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
export PGOPTIONS='-c client_min_messages=warning'

# maria ARGS...: the mariadb client on the test server, as schemac.
maria() {
    mariadb --socket="${SCHEMAC_TEST_MARIADB_SOCKET:?}" -u schemac \
        -p"$maria_pw" -N -B "$@"
}

pass() {
    passes=$((passes + 1))
}

fail() {
    echo "FAIL ($dialect): $*" >&2
    sed 's/^/    /' "$tmp/out" >&2
    fails=$((fails + 1))
}

# fresh: an empty database; sets url.
fresh() {
    if [ $dialect = sqlite ]; then
        rm -f "$tmp/db.sqlite"
        url=sqlite:$tmp/db.sqlite
    elif [ $dialect = mariadb ]; then
        url=$SCHEMAC_TEST_URL
        maria -e "DROP DATABASE IF EXISTS $maria_db;
                  CREATE DATABASE $maria_db" >/dev/null
    else
        url=$SCHEMAC_TEST_URL
        psql -q -X -v ON_ERROR_STOP=1 "$url" \
            -c 'DROP SCHEMA public CASCADE' -c 'CREATE SCHEMA public' \
            >/dev/null
    fi
}

# load: runs the SQL on standard input in the database.
load() {
    if [ $dialect = sqlite ]; then
        sqlite3 -bail "$tmp/db.sqlite"
    elif [ $dialect = mariadb ]; then
        maria "$maria_db" >/dev/null
    else
        psql -q -X -v ON_ERROR_STOP=1 "$url" >/dev/null
    fi
}

# versions: the number of rows of schemac_migrations ("none" when the
# table does not exist).
versions() {
    local q='SELECT count(*) FROM schemac_migrations'
    if [ $dialect = sqlite ]; then
        sqlite3 "$tmp/db.sqlite" "SELECT count(*) FROM sqlite_schema
            WHERE name = 'schemac_migrations'" |
            grep -qx 1 || { echo none; return; }
        sqlite3 "$tmp/db.sqlite" "$q"
    elif [ $dialect = mariadb ]; then
        maria "$maria_db" -e "SELECT count(*) FROM information_schema.tables
            WHERE table_schema = DATABASE()
              AND table_name = 'schemac_migrations'" |
            grep -qx 1 || { echo none; return; }
        maria "$maria_db" -e "$q"
    else
        psql -X -At "$url" \
            -c "SELECT to_regclass('schemac_migrations') IS NULL" |
            grep -qx t && { echo none; return; }
        psql -X -At "$url" -c "$q"
    fi
}

# run STATUS ARGS...: runs schemac ARGS into $tmp/out; true when it exits
# with STATUS.
run() {
    local want=$1 status=0
    shift
    "$schemac" "$@" >"$tmp/out" 2>&1 || status=$?
    [ "$status" -eq "$want" ] || echo "exit $status, not $want" >>"$tmp/out"
    [ "$status" -eq "$want" ]
}

# has TEXT: the last output holds the line TEXT.
has() {
    grep -Fxq -- "$1" "$tmp/out"
}

adopt=$src/tests/golden/pull/adopt/$dialect.sql
[ $dialect = mariadb ] && adopt=$src/tests/data/migrations/adopt.mariadb.sql

# --- a database made by hand: pull, init, stamp, diff, up, check -------
fresh
load <"$adopt"
if run 0 pull --db "$url" --name adopt -o "$tmp/app.schema" ||
    run 1 pull --db "$url" --name adopt -o "$tmp/app.schema"; then
    pass
else
    fail "pull of the hand-made database"
fi
if run 0 check "$tmp/app.schema" --db "$url"; then pass; else
    fail "check right after pull finds drift"
fi
if run 0 migrate init "$tmp/app.schema" --dir "$tmp/mig"; then pass; else
    fail "migrate init of the pulled schema"
fi
if run 0 migrate stamp 1 --db "$url" --dir "$tmp/mig" &&
    has "stamped  0001 init" && has "now at   0001 init" &&
    [ "$(versions)" = 1 ]; then pass; else
    fail "stamp 1 on the database it was pulled from"
fi
if run 0 migrate status --db "$url" --dir "$tmp/mig" &&
    has "current  0001 init" && has "pending  0"; then pass; else
    fail "status after stamp"
fi
if run 0 migrate stamp 1 --db "$url" --dir "$tmp/mig" &&
    has "nothing to stamp" && [ "$(versions)" = 1 ]; then pass; else
    fail "stamp 1 again"
fi
# the next change goes through diff and up as on a database schemac made
sed -i -e '0,/^table [^{]*{$/s//&\n    added_later text;/' "$tmp/app.schema"
if grep -q 'added_later' "$tmp/app.schema" &&
    run 0 migrate diff "$tmp/app.schema" --name add_later --dir "$tmp/mig" &&
    run 0 migrate up --db "$url" --dir "$tmp/mig" &&
    has "applied  0002 add_later"; then pass; else
    fail "diff and up after stamp"
fi
if run 0 check "$tmp/app.schema" --db "$url"; then pass; else
    fail "check after diff and up finds drift"
fi
if run 1 migrate stamp 1 --db "$url" --dir "$tmp/mig" &&
    grep -q 'past 0001' "$tmp/out" && [ "$(versions)" = 2 ]; then pass; else
    fail "stamp of a version below the database's"
fi

# --- a database that is not the snapshot: refused, nothing recorded ----
fresh
load <"$adopt"
first=$(sed -n 's/^CREATE TABLE "\{0,1\}\([A-Za-z_]*\).*/\1/p' "$adopt" |
    head -n 1)
printf 'ALTER TABLE %s ADD COLUMN by_hand integer;\n' "$first" | load
elsewhere="is in the database but not in the schema"
if run 1 migrate stamp 1 --db "$url" --dir "$tmp/mig" &&
    has "drift: table \"$first\": column \"by_hand\" $elsewhere" &&
    grep -q 'nothing recorded' "$tmp/out" &&
    [ "$(versions)" = none ]; then pass; else
    fail "stamp on a database that differs"
fi

# --- schemac's own DDL of a snapshot; a history that is kept ----------
# (the SQL of tests/data/migrations/basic is written by hand, so only the
# DDL schemac prints for a snapshot is compared with it)
dir=$src/tests/data/migrations/basic
fresh
"$schemac" sql "$dir/0002_add_karma.schema" --dialect $dialect | load
if run 1 migrate stamp 3 --db "$url" --dir "$dir" &&
    grep -q '^drift: ' "$tmp/out" && [ "$(versions)" = none ]; then pass
else
    fail "stamp 3 on the database of snapshot 2"
fi
if run 0 migrate stamp 2 --db "$url" --dir "$dir" &&
    has "stamped  0001 init" && has "stamped  0002 add_karma" &&
    run 0 migrate up --db "$url" --dir "$dir" &&
    has "applied  0003 add_tags"; then pass; else
    fail "stamp 2, then up to 3"
fi
fresh
if run 0 migrate up --to 1 --db "$url" --dir "$dir" &&
    run 0 migrate up --db "$url" --dir "$dir" &&
    run 0 migrate down --db "$url" --dir "$dir" &&
    run 0 migrate stamp 2 --db "$url" --dir "$dir" &&
    has "nothing to stamp" && [ "$(versions)" = 2 ]; then pass; else
    fail "stamp of the version the database is at"
fi

# --- errors -----------------------------------------------------------
if run 1 migrate stamp 9 --db "$url" --dir "$dir" &&
    grep -q 'no version 9' "$tmp/out"; then pass; else
    fail "stamp of an unknown version"
fi
if run 2 migrate stamp --db "$url" --dir "$dir" &&
    run 2 migrate stamp 1 --dir "$dir" &&
    run 2 migrate stamp 1 2 --db "$url" --dir "$dir"; then pass; else
    fail "usage errors"
fi
cp -r "$dir" "$tmp/edited"
echo "-- an afterthought" >>"$tmp/edited/0001_init.$dialect.sql"
if run 1 migrate stamp 1 --db "$url" --dir "$tmp/edited"; then pass; else
    fail "stamp from an edited directory"
fi

echo "migrate-stamp ($dialect): $passes passed, $fails failed"
[ $fails -eq 0 ]
