# live-db.sh - what the test scripts over a live database share.
#
#     . "$(dirname "$0")/live-db.sh" NAME
#
# Sets tmp (a directory removed at exit), dialect and url: a SQLite file
# in tmp, or the PostgreSQL or MariaDB server SCHEMAC_TEST_URL names
# (with-pg.sh, with-mariadb.sh set it); fails=0.  Exits 77 (skipped) without the sqlite3 program.  Defines
#   fail MSG   counts a failure, printing MSG and $tmp/out indented;
#   run SQL    runs SQL ("-": from stdin) on the database, rows one a
#              line, columns separated by "|"; fails as the database's
#              client does when a statement is refused;
#   empty      drops every table of the database.
tmp=$(mktemp -d "/tmp/schemac-$1.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

case ${SCHEMAC_TEST_URL:-} in
postgres*) dialect=postgresql url=$SCHEMAC_TEST_URL ;;
mariadb* | mysql*) dialect=mariadb url=$SCHEMAC_TEST_URL ;;
*) dialect=sqlite url=sqlite:$tmp/db.sqlite ;;
esac
if [ $dialect = mariadb ]; then
    # mariadb://USER:PASSWORD@HOST:PORT/DATABASE, for the mariadb client
    re='^[a-z]+://([^:@]+):([^@]*)@([^:/]+):([0-9]+)/([^?]+)'
    [[ $url =~ $re ]] || { echo "$1: cannot read $url" >&2; exit 1; }
    my=(mariadb --no-defaults -u "${BASH_REMATCH[1]}"
        "-p${BASH_REMATCH[2]}" -h "${BASH_REMATCH[3]}"
        -P "${BASH_REMATCH[4]}" "${BASH_REMATCH[5]}")
    mydb=${BASH_REMATCH[5]}
fi
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

run() {
    # A statement the database refuses makes run fail, even where its
    # output goes through tr.
    local -
    set -o pipefail
    if [ $dialect = sqlite ]; then
        if [ "$1" = - ]; then
            sqlite3 -bail "$tmp/db.sqlite"
        else
            sqlite3 -bail "$tmp/db.sqlite" "$1"
        fi
    elif [ $dialect = mariadb ] && [ "$1" = - ]; then
        "${my[@]}"
    elif [ $dialect = mariadb ]; then
        "${my[@]}" -N -B -e "$1" | tr '\t' '|'
    elif [ "$1" = - ]; then
        psql -q -X -v ON_ERROR_STOP=1 "$SCHEMAC_TEST_URL"
    else
        psql -q -X -t -A -v ON_ERROR_STOP=1 "$SCHEMAC_TEST_URL" -c "$1"
    fi
}

empty() {
    if [ $dialect = sqlite ]; then
        rm -f "$tmp/db.sqlite"
    elif [ $dialect = mariadb ]; then
        run "DROP DATABASE \`$mydb\`; CREATE DATABASE \`$mydb\`" >/dev/null
    else
        run 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null
    fi
}
