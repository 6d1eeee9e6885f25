#!/bin/bash
# The cross-database suite: one program (xdb.c), the same answers on
# SQLite and on PostgreSQL.
#
#     run.sh XDB EXPECTED
#
# Runs the program XDB on a new SQLite file and, through
# SCHEMAC_TEST_URL's server (with-pg.sh), on a database of C collation
# and on one of ICU's en-US collation (only SQLite when SCHEMAC_TEST_URL
# is not set), each under three time zones
# (TZ and PostgreSQL's timezone setting: UTC, America/Los_Angeles,
# Asia/Kolkata) and two locales (de_DE.UTF-8, tr_TR.UTF-8, which write
# 1.5 as "1,5"), with standard_conforming_strings off on the server.
# Every line the program prints is compared with EXPECTED, the one
# answer both databases must give; a case passes when every run prints
# its lines exactly.  Then PostgreSQL's planner is asked whether an index
# serves starts_with.  Prints "xdb: N passed, M failed" and fails on any
# difference.
#
# A missing locale is generated (localedef) when we are root, else the
# suite is skipped, except under CI=true, where that is a failure.
set -u

xdb=$1
expected=$2
url=${SCHEMAC_TEST_URL:-}
pg_dbs=
[ -z "$url" ] || pg_dbs="xdb_c xdb_icu"

skip() {
    echo "xdb: $1" >&2
    if [ "${CI:-}" = true ]; then
        exit 1
    fi
    exit 77
}

have_locale() {
    locale -a 2>/dev/null | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/' |
        grep -qx "$(echo "$1" | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')"
}

locales="de_DE.UTF-8 tr_TR.UTF-8"
for loc in $locales; do
    if ! have_locale "$loc" && [ "$(id -u)" -eq 0 ]; then
        localedef -i "${loc%%.*}" -f UTF-8 "$loc" >/dev/null 2>&1
    fi
    have_locale "$loc" ||
        skip "locale $loc is missing (apt-get install locales; localedef)"
done

tmp=$(mktemp -d /tmp/schemac-xdb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# psql against the server's maintenance database, and against one of
# ours: the URL with another database name, its parameters kept.
server=${url%%\?*}
server=${server%/*}
params=
case $url in *\?*) params="?${url#*\?}" ;; esac
db_url() {
    echo "$server/$1$params"
}
psql_on() {
    local db=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 -d "$(db_url "$db")" "$@"
}

# A database of the C locale and one of ICU's en-US, with
# standard_conforming_strings off.
make_databases() {
    psql_on postgres -c "DROP DATABASE IF EXISTS xdb_c" \
        -c "DROP DATABASE IF EXISTS xdb_icu" \
        -c "CREATE DATABASE xdb_c TEMPLATE template0 ENCODING 'UTF8'
                LOCALE 'C'" \
        -c "CREATE DATABASE xdb_icu TEMPLATE template0 ENCODING 'UTF8'
                LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'" ||
        skip "cannot create the databases (no ICU in this server?)"
    for db in xdb_c xdb_icu; do
        psql_on postgres -c "ALTER DATABASE $db
                             SET standard_conforming_strings = off" \
            >/dev/null || exit 1
    done
    # The ICU database must order as en-US does, or it tests nothing.
    order=$(psql_on xdb_icu -At -c "SELECT string_agg(x, ' ' ORDER BY x)
                                    FROM (VALUES ('a'), ('B'), ('_')) v(x)")
    [ "$order" = "_ a B" ] ||
        { echo "xdb: xdb_icu orders as '$order'" >&2; exit 1; }
}
[ -z "$pg_dbs" ] || make_databases

failed_cases=
runs=0
# Splits the program's output into one file per case, in dir.
split_cases() {
    awk -v dir="$2" '/^== / { f = dir "/" $2; next } { print > f }' "$1"
}
mkdir "$tmp/want"
split_cases "$expected" "$tmp/want"
cases=$(ls "$tmp/want")

# run_one LABEL TZ LOCALE URL [CASE]: runs every case, or only CASE.
run_one() {
    local label=$1 tz=$2 loc=$3 target=$4 only=${5:-} out c
    out=$tmp/out.$runs
    runs=$((runs + 1))
    if ! env TZ="$tz" PGTZ="$tz" LC_ALL="$loc" XDB_SQL="$tmp/sql" \
        "$xdb" "$target" $only >"$out" 2>"$out.err"; then
        echo "xdb: $label: the program failed:" >&2
        cat "$out.err" >&2
    fi
    rm -rf "$tmp/got"
    mkdir "$tmp/got"
    split_cases "$out" "$tmp/got"
    for c in ${only:-$cases}; do
        if ! diff -u --label "expected $c" --label "$label $c" \
            "$tmp/want/$c" "$tmp/got/$c" >"$tmp/diff" 2>&1; then
            echo "xdb: $c differs on $label:" >&2
            cat "$tmp/diff" >&2
            case " $failed_cases " in
            *" $c "*) ;;
            *) failed_cases="$failed_cases $c" ;;
            esac
        fi
    done
}

set_zone() {
    psql_on postgres -c "ALTER DATABASE $1 SET timezone = '$2'" >/dev/null
}

n=0
for tz in UTC America/Los_Angeles Asia/Kolkata; do
    for loc in $locales; do
        n=$((n + 1))
        run_one "sqlite/$tz/$loc" "$tz" "$loc" "sqlite:$tmp/xdb$n.db"
        for db in $pg_dbs; do
            set_zone "$db" "$tz" || exit 1
            run_one "$db/$tz/$loc" "$tz" "$loc" "$(db_url "$db")"
        done
    done
done

# A date's default now in zones far from UTC, one of which has another
# day than UTC at any hour: UTC+14 from 10:00 UTC on, UTC-12 until 12:00.
for tz in Pacific/Kiritimati Etc/GMT+12; do
    n=$((n + 1))
    run_one "sqlite/$tz" "$tz" de_DE.UTF-8 "sqlite:$tmp/xdb$n.db" date_default
    for db in $pg_dbs; do
        set_zone "$db" "$tz" || exit 1
        run_one "$db/$tz" "$tz" de_DE.UTF-8 "$(db_url "$db")" date_default
    done
done

# starts_with: the runtime's byte range (COLLATE "C") is an index range
# only over an index of that collation.  schemac's PostgreSQL DDL declares
# text columns COLLATE "C", so the plain index of the table as schemac
# made it serves it; the same column in the database's collation
# (collate default) cannot use it on the ICU database.
plan() {
    psql_on "$1" -At -c "SET enable_seqscan = off" \
        -c "PREPARE p(text, text) AS $(cat "$tmp/sql")" \
        -c "EXPLAIN (COSTS OFF) EXECUTE p('a', 'b')"
}
index_case=starts_with_index
for db in $pg_dbs; do
    if ! plan "$db" | grep -q 'Index.*ix_items_name'; then
        echo "xdb: $db: starts_with did not use ix_items_name:" >&2
        plan "$db" >&2
        failed_cases="$failed_cases $index_case"
    fi
    [ "$db" = xdb_icu ] || continue
    psql_on "$db" -c 'ALTER TABLE items ALTER COLUMN name TYPE text
                      COLLATE "default"' >/dev/null || exit 1
    if plan "$db" | grep -q 'Index.*ix_items_name'; then
        echo "xdb: $db: starts_with used the index of a column of the" \
             "database's collation" >&2
        failed_cases="$failed_cases $index_case"
    fi
done

ncases=$(echo "$cases" | wc -w)
[ -z "$pg_dbs" ] || ncases=$((ncases + 1))
nfailed=$(echo "$failed_cases" | wc -w)
echo "xdb: $((ncases - nfailed)) passed, $nfailed failed ($runs runs)"
[ "$nfailed" -eq 0 ]
