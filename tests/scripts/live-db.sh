# live-db.sh - what the test scripts over a live database share.
#
#     . "$(dirname "$0")/live-db.sh" NAME
#
# Sets tmp (a directory removed at exit), dialect and url: a SQLite file
# in tmp, or the PostgreSQL server SCHEMAC_TEST_URL names (with-pg.sh sets
# it), or the MariaDB server (with-mariadb.sh sets it and
# SCHEMAC_TEST_MARIADB_SOCKET); fails=0.  Exits 77 (skipped) without the sqlite3 program.  Defines
#   fail MSG   counts a failure, printing MSG and $tmp/out indented;
#   run SQL    runs SQL ("-": from stdin) on the database, rows one a
#              line, columns separated by "|";
#   empty      drops every table of the database.
tmp=$(mktemp -d "/tmp/schemac-$1.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

case ${SCHEMAC_TEST_URL:-} in
postgres*) dialect=postgresql url=$SCHEMAC_TEST_URL ;;
mariadb*)
    dialect=mariadb url=$SCHEMAC_TEST_URL
    maria_rest=${url#mariadb://*:}
    maria_pw=${maria_rest%%@*}
    maria_db=${url##*/}
    ;;
*) dialect=sqlite url=sqlite:$tmp/db.sqlite ;;
esac
if [ $dialect = sqlite ] && ! command -v sqlite3 >/dev/null; then
    echo "$1: no sqlite3 program" >&2
    exit 77
fi
export PGOPTIONS='-c client_min_messages=warning'

fail() {
    echo "FAIL ($dialect): $1" >&2
    [ -f "$tmp/out" ] && sed 's/^/    /' "$tmp/out" >&2
    fails=$((fails + 1))
}

maria() {
    mariadb --socket="${SCHEMAC_TEST_MARIADB_SOCKET:?}" -u schemac \
        -p"$maria_pw" -N -B "$@"
}

run() {
    if [ $dialect = mariadb ]; then
        if [ "$1" = - ]; then
            maria "$maria_db"
        else
            maria "$maria_db" -e "$1" | tr '\t' '|'
        fi
    elif [ $dialect = sqlite ]; then
        if [ "$1" = - ]; then
            sqlite3 -bail "$tmp/db.sqlite"
        else
            sqlite3 -bail "$tmp/db.sqlite" "$1"
        fi
    elif [ "$1" = - ]; then
        psql -q -X -v ON_ERROR_STOP=1 "$SCHEMAC_TEST_URL"
    else
        psql -q -X -t -A -v ON_ERROR_STOP=1 "$SCHEMAC_TEST_URL" -c "$1"
    fi
}

empty() {
    if [ $dialect = mariadb ]; then
        maria -e "DROP DATABASE IF EXISTS $maria_db;
                  CREATE DATABASE $maria_db" >/dev/null
    elif [ $dialect = sqlite ]; then
        rm -f "$tmp/db.sqlite"
    else
        run 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null
    fi
}
