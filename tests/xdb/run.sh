#!/bin/bash
# The cross-database suite: one program (xdb.c), the same answers on
# SQLite, PostgreSQL and MariaDB.
#
#     run.sh XDB EXPECTED [MARIADB]
#
# Runs the program XDB on a new SQLite file and on the databases of
# SCHEMAC_TEST_URL's server (only SQLite when SCHEMAC_TEST_URL is not
# set), each under three time zones (TZ, and the server's zone:
# UTC, America/Los_Angeles, Asia/Kolkata) and two locales (de_DE.UTF-8,
# tr_TR.UTF-8, which write 1.5 as "1,5").
#
# A PostgreSQL server (with-pg.sh) gets a database of C collation and
# one of ICU's en-US collation, with standard_conforming_strings off.
# A MariaDB server (with-mariadb.sh) gets a database of utf8mb4_bin and
# one of the server's default collation (utf8mb4_general_ci when
# SCHEMAC_MARIADB_OPTS says --collation-server=utf8mb4_general_ci); its
# global time_zone follows the runs' zones unless SCHEMAC_MARIADB_OPTS
# set one with --default-time-zone.
#
# Every line the program prints is compared with EXPECTED, the one
# answer every database must give; a case passes when every run prints
# its lines exactly.  On MariaDB, a case listed in the file MARIADB
# holds MariaDB's own answer instead (a known difference, each
# explained there), and fails once MariaDB gives the common one, so that
# a fixed difference leaves the list.  Then PostgreSQL's planner, or
# MariaDB's, is asked whether an index serves starts_with.  Prints "xdb: N passed, M
# failed" and fails on any difference.
#
# A missing locale is generated (localedef) when we are root, else the
# suite is skipped, except under CI=true, where that is a failure.
set -u

xdb=$1
expected=$2
known=${3:-}
url=${SCHEMAC_TEST_URL:-}
pg_dbs=
my_dbs=
case $url in
'') ;;
mariadb://* | mysql://*) my_dbs="xdb_bin xdb_default" ;;
*) pg_dbs="xdb_c xdb_icu" ;;
esac

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

# The mariadb client on the URL's server, as its user: the URL's parts
# (user:password@host:port/database), percent-encoded parts left out.
my_client() {
    local rest=${url#*://} auth host port
    auth=${rest%%@*}
    rest=${rest#*@}
    host=${rest%%/*}
    port=3306
    case $host in *:*) port=${host##*:}; host=${host%:*} ;; esac
    mariadb --no-defaults --protocol=tcp -h "$host" -P "$port" \
        -u "${auth%%:*}" -p"${auth#*:}" -N -B "$@"
}
my_url() {
    local base=${url%%\?*}
    echo "${base%/*}/$1"
}
zone_fixed=
case ${SCHEMAC_MARIADB_OPTS:-} in *--default-time-zone*) zone_fixed=yes ;; esac
# A database of utf8mb4_bin and one of the server's default collation,
# and the time zones of the runs loaded into the server (Debian's
# zoneinfo through mariadb-tzinfo-to-sql).
make_mariadb() {
    local tz
    my_client -e "DROP DATABASE IF EXISTS xdb_bin;
                  DROP DATABASE IF EXISTS xdb_default;
                  CREATE DATABASE xdb_bin CHARACTER SET utf8mb4
                      COLLATE utf8mb4_bin;
                  CREATE DATABASE xdb_default" ||
        skip "cannot create the MariaDB databases"
    echo "xdb: MariaDB's default collation is" \
        "$(my_client -e 'SELECT @@collation_server'), its time zone" \
        "$(my_client -e 'SELECT @@global.time_zone'), its sql_mode" \
        "'$(my_client -e 'SELECT @@global.sql_mode')'" >&2
    [ -n "$zone_fixed" ] && return
    for tz in UTC America/Los_Angeles Asia/Kolkata Pacific/Kiritimati \
        Etc/GMT+12; do
        mariadb-tzinfo-to-sql "/usr/share/zoneinfo/$tz" "$tz" 2>/dev/null |
            my_client mysql || exit 1
    done
}
[ -z "$my_dbs" ] || make_mariadb

failed_cases=
runs=0
# Splits the program's output into one file per case, in dir.
split_cases() {
    awk -v dir="$2" '/^#/ { next } /^== / { f = dir "/" $2; next }
                     { print > f }' "$1"
}
mkdir "$tmp/want"
split_cases "$expected" "$tmp/want"
cases=$(ls "$tmp/want")
# MariaDB's answers: the common ones but for the cases of $known.
cp -r "$tmp/want" "$tmp/want-my"
if [ -n "$my_dbs" ] && [ -n "$known" ]; then
    split_cases "$known" "$tmp/want-my"
    for f in "$tmp"/want-my/*; do
        c=${f##*/}
        [ -e "$tmp/want/$c" ] ||
            { echo "xdb: $known: no case $c" >&2; exit 1; }
        cmp -s "$tmp/want/$c" "$tmp/want-my/$c" ||
            echo "xdb: MariaDB differs in case $c, as $known says" >&2
    done
fi

# run_one LABEL TZ LOCALE URL [CASE]: runs every case, or only CASE.
run_one() {
    local label=$1 tz=$2 loc=$3 target=$4 only=${5:-} out c want
    want=$tmp/want
    case $target in mariadb://*) want=$tmp/want-my ;; esac
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
            "$want/$c" "$tmp/got/$c" >"$tmp/diff" 2>&1; then
            if [ "$want" != "$tmp/want" ] &&
                cmp -s "$tmp/want/$c" "$tmp/got/$c"; then
                echo "xdb: $c no longer differs on $label: take it" \
                     "out of $known" >&2
            fi
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
# MariaDB's zone is the server's, for every database at once.
set_my_zone() {
    [ -n "$zone_fixed" ] && return
    my_client -e "SET GLOBAL time_zone = '$1'"
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
        [ -z "$my_dbs" ] || set_my_zone "$tz" || exit 1
        for db in $my_dbs; do
            run_one "mariadb $db/$tz/$loc" "$tz" "$loc" "$(my_url "$db")"
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
    [ -z "$my_dbs" ] || set_my_zone "$tz" || exit 1
    for db in $my_dbs; do
        run_one "mariadb $db/$tz" "$tz" de_DE.UTF-8 "$(my_url "$db")" \
            date_default
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

# On MariaDB the same: schemac's tables are utf8mb4_nopad_bin, the
# collation the runtime compares in, so the prefix index of its DDL
# (name(768)) serves starts_with as a range on a database of any default
# collation; the column in the database's own collation cannot use it.
# The runtime sends its values as literals (the text protocol), as here.
my_plan() {
    my_client "$1" -e "SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin,
                           sql_mode = 'ANSI_QUOTES';
                       EXPLAIN $(sed "s/?/'a'/; s/?/'b'/" "$tmp/sql")"
}
# Whether the plan of my_plan ($1) reads ix_items_name as a range.
my_range() {
    awk -F '\t' '$4 == "range" && $6 == "ix_items_name" { ok = 1 }
                 END { exit !ok }' <<<"$1"
}
for db in $my_dbs; do
    p=$(my_plan "$db")
    if ! my_range "$p"; then
        echo "xdb: mariadb $db: starts_with did not use ix_items_name:" >&2
        echo "$p" >&2
        failed_cases="$failed_cases $index_case"
    fi
    [ "$db" = xdb_default ] || continue
    coll=$(my_client -e "SELECT DEFAULT_COLLATION_NAME
                         FROM information_schema.SCHEMATA
                         WHERE SCHEMA_NAME = '$db'") || exit 1
    [ "$coll" != utf8mb4_nopad_bin ] || coll=utf8mb4_bin
    my_client "$db" -e "ALTER TABLE items MODIFY name longtext
                        CHARACTER SET utf8mb4 COLLATE $coll NOT NULL" ||
        exit 1
    p=$(my_plan "$db")
    if [ -z "$p" ] || my_range "$p"; then
        echo "xdb: mariadb $db: starts_with used the index of a column" \
             "of $coll, or no plan" >&2
        failed_cases="$failed_cases $index_case"
    fi
done

ncases=$(echo "$cases" | wc -w)
[ -z "$pg_dbs$my_dbs" ] || ncases=$((ncases + 1))
nfailed=$(echo "$failed_cases" | wc -w)
echo "xdb: $((ncases - nfailed)) passed, $nfailed failed ($runs runs)"
[ "$nfailed" -eq 0 ]
