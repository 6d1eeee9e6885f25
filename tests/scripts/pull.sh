#!/bin/bash
# pull.sh - schemac pull against a live database.
#
#     pull.sh SOURCE_ROOT SCHEMAC
#
# Runs on SQLite (a file in a temporary directory), or on PostgreSQL when
# SCHEMAC_TEST_URL names a server (tests/scripts/with-pg.sh sets it).
#
#   - tests/golden/pull/CASE/DIALECT.sql, a database made by hand, pulls
#     to DIALECT.expected.schema byte for byte (SCHEMAC_UPDATE_GOLDEN=1
#     rewrites the expected file instead);
#   - the databases schemac makes from the pycon and types schemas pull to
#     a schema that compiles and that `schemac check` finds no drift
#     against, but for the CHECKs the pulled file names in comments; on
#     PostgreSQL the pulled pycon gives the very DDL of the original;
#   - a database whose structure does not compile is written as read,
#     with the checker's errors and exit status 1; a name the language
#     cannot spell is refused and nothing is written; usage errors exit 2.
set -u

src=$1
schemac=$2
fails=0
passes=0
tmp=$(mktemp -d /tmp/schemac-pull.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

case ${SCHEMAC_TEST_URL:-} in
postgres*) dialect=postgresql ;;
*) dialect=sqlite ;;
esac
if [ $dialect = sqlite ] && ! command -v sqlite3 >/dev/null; then
    echo "pull: no sqlite3 program" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
export PGOPTIONS='-c client_min_messages=warning'

pass() {
    passes=$((passes + 1))
}

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# fresh: an empty database; sets url.
fresh() {
    if [ $dialect = sqlite ]; then
        rm -f "$tmp/db.sqlite"
        url=sqlite:$tmp/db.sqlite
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
    else
        psql -q -X -v ON_ERROR_STOP=1 "$url" >/dev/null
    fi
}

# The databases made by hand.
for dir in "$src"/tests/golden/pull/*/; do
    case=$(basename "$dir")
    [ -f "$dir/$dialect.sql" ] || continue
    fresh
    load <"$dir/$dialect.sql"
    expected=$dir/$dialect.expected.schema
    if ! "$schemac" pull --db "$url" --name "$case" -o "$tmp/got.schema" \
        2>"$tmp/err"; then
        fail "$case: pull failed: $(cat "$tmp/err")"
    elif [ "${SCHEMAC_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$tmp/got.schema" "$expected"
    elif cmp -s "$tmp/got.schema" "$expected"; then
        pass
    else
        fail "$case: the pulled schema differs from $dialect.expected.schema"
        diff -u "$expected" "$tmp/got.schema" >&2
    fi
done

# Databases schemac made: they come back.
for name in pycon types; do
    schema=$src/tests/golden/gen/$name/$name.schema
    fresh
    "$schemac" sql "$schema" --dialect $dialect | load
    if ! "$schemac" pull --db "$url" --name "$name" \
        -o "$tmp/$name.schema" 2>"$tmp/err"; then
        fail "$name: pull failed: $(cat "$tmp/err")"
        continue
    fi
    "$schemac" check "$tmp/$name.schema" --db "$url" >"$tmp/drift"
    missing=0
    while read -r line; do
        c=$(printf '%s\n' "$line" | sed -n 's/.*constraint "\([^"]*\)".*/\1/p')
        if [ -z "$c" ] || ! grep -q "not carried over: CONSTRAINT \"$c\"" \
            "$tmp/$name.schema"; then
            missing=1
            fail "$name: drift not explained by the pulled file: $line"
        fi
    done < <(grep '^drift:' "$tmp/drift")
    [ $missing = 0 ] && pass
done
if [ $dialect = postgresql ]; then
    "$schemac" sql "$src/examples/pycon/pycon.schema" --dialect postgresql |
        tail -n +2 >"$tmp/a.sql"
    "$schemac" sql "$tmp/pycon.schema" --dialect postgresql |
        tail -n +2 >"$tmp/b.sql"
    if cmp -s "$tmp/a.sql" "$tmp/b.sql"; then pass; else
        fail "pycon: the pulled schema gives other DDL"
        diff -u "$tmp/a.sql" "$tmp/b.sql" >&2
    fi
fi

# A structure that does not compile: written as read, errors, exit 1.
fresh
if [ $dialect = sqlite ]; then
    printf 'CREATE TABLE a (x INTEGER);\n' | load
else
    printf 'CREATE TABLE a (x integer);\n' | load
fi
status=0
"$schemac" pull --db "$url" -o "$tmp/bad.schema" 2>"$tmp/err" || status=$?
if [ $status = 1 ] && grep -q 'does not compile' "$tmp/err" &&
    grep -q 'error: table "a" has no primary key' "$tmp/err" &&
    grep -q 'x int' "$tmp/bad.schema"; then pass; else
    fail "a structure that does not compile: status $status, $(cat "$tmp/err")"
fi

# A name the language cannot spell: refused, nothing written.
fresh
printf 'CREATE TABLE "my table" (id integer PRIMARY KEY);\n' | load
status=0
"$schemac" pull --db "$url" -o "$tmp/spaces.schema" 2>"$tmp/err" ||
    status=$?
if [ $status = 1 ] && grep -q '"my table"' "$tmp/err" &&
    [ ! -e "$tmp/spaces.schema" ]; then pass; else
    fail "an unspellable name: status $status, $(cat "$tmp/err")"
fi

# Usage errors, and a database that cannot be opened.
for args in "" "--db" "--db $url --name 9lives" "--frob"; do
    status=0
    # shellcheck disable=SC2086
    "$schemac" pull $args >/dev/null 2>&1 || status=$?
    if [ $status = 2 ]; then pass; else fail "pull $args: exit $status"; fi
done
status=0
"$schemac" pull --db "sqlite:$tmp/no/such/dir/x.db" 2>"$tmp/err" ||
    status=$?
if [ $status = 1 ] && grep -q 'cannot open the database' "$tmp/err"; then
    pass
else
    fail "an unopenable database: status $status, $(cat "$tmp/err")"
fi

echo "pull ($dialect): $passes passed, $fails failed"
[ $fails = 0 ]
