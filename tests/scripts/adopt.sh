#!/bin/bash
# adopt.sh - databases schemac did not make, taken through pull, generate,
# check, reads, writes and migrations.
#
#     adopt.sh [sqlite|postgresql|mariadb] [NAME...]
#
# Each tests/data/adopt/NAME/ holds a database made the way another tool
# or a person makes one: DIALECT.sql, run by sqlite3, psql or mariadb, or
# build.py
# (Django's migrate, SQLAlchemy's create_all, with Debian's packages),
# run as "python3 build.py DIALECT TARGET".  Without names, every one that
# has a build for the dialect.  The SQLite database is a file in a
# temporary directory; on PostgreSQL and MariaDB each is a fresh database
# on the server of SCHEMAC_TEST_URL (tests/scripts/with-pg.sh and
# with-mariadb.sh set it).
#
# The steps, one line each, "adopt: DIALECT NAME STEP: ok" or "FAIL":
#   pull      schemac pull equals NAME/pulled.DIALECT.schema, written by
#             hand from docs/SPEC.md (SCHEMAC_UPDATE_GOLDEN=1 rewrites
#             it), exits with the status in NAME/pull.DIALECT.status (0
#             when there is none), and says on standard error each line
#             of NAME/pull.DIALECT.says;
#   generate  schemac generate, and the generated code compiled with
#             cc -std=c99 -Wall -Wextra -Wpedantic -Werror together with
#             tests/adopt/dump.c, which walks the schema's descriptors;
#   check     schemac check of the pulled schema: no drift;
#   fresh-sql a new empty database made by schemac sql of the pulled
#             schema (its domains, types and extensions before the
#             tables), and check of the schema against it: no drift;
#   fresh-up  the same made by migrate init and up, then down to no
#             version and up again (every object dropped, domains after
#             the tables), and check: no drift;
#   read      every row read through the generated code (dump URL) equals
#             the database's own text of it (tests/adopt/dbtext.py says
#             how both are normalised: numerics as numbers at their
#             scale, timestamps as 'YYYY-MM-DD HH:MM:SS[.ffffff]', ...),
#             compared as sorted lines.  NAME/read.DIALECT.fails lists
#             tables whose read must fail ("TABLE<tab>TEXT": the message
#             holds TEXT); the rows read before the failure must still be
#             rows of the database, never a wrong value;
#   write     for each table with an autoincrement key (or a key of one
#             integer column, as a SQLite rowid), a copy of its first row
#             inserted through the descriptors (dump --copy, which varies
#             a text or uuid that a unique refuses) is stored in the
#             owner's form: the same text and storage class as the
#             original in every column but the key, and the same storage
#             class in text columns; a table whose uniques no change gets
#             past is skipped, and said so;
#   migrate   migrate init with the pulled schema, migrate stamp 1, a
#             nullable column added to the first table, migrate diff,
#             migrate up, and check of the new schema: no drift.
# With SCHEMAC_ADOPT_GOLDEN=1 the steps after pull take the golden
# schema instead of what pull wrote, so that they can be tried on their
# own.
# A step that passes gives its figures in parentheses: pull its exit
# status and what the schema kept, carried and commented (schema_figures
# below), generate the tables and columns described, read the rows and
# values compared, write the tables whose copy was stored alike.
# The last line is "adopt: N passed, M failed", N and M counting steps;
# the exit status is 0 when none failed.  A missing program (sqlite3,
# psql, cc, python3 with the modules of NAME/requires, and psycopg2 on
# PostgreSQL) skips what needs it, and is a failure under CI=true.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=${SCHEMAC_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
build=${SCHEMAC_BUILD_ROOT:-$src/build}
schemac=${SCHEMAC_BIN:-$build/generator/schemac}
data=$src/tests/data/adopt
python=/usr/bin/python3
[ -x $python ] || python=python3
cc=${CC:-cc}

dialect=${1:-sqlite}
shift || true
case $dialect in
sqlite | postgresql | mariadb) ;;
*)
    echo "usage: adopt.sh [sqlite|postgresql|mariadb] [NAME...]" >&2
    exit 2
    ;;
esac

passes=0
fails=0
skips=0
tmp=$(mktemp -d /tmp/schemac-adopt.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export PGOPTIONS='-c client_min_messages=warning'
export PGTZ=UTC

# missing WHAT: a program is not there; fatal under CI, else a skip.
missing() {
    echo "adopt: $dialect: $1 is missing" >&2
    if [ "${CI:-}" = true ]; then
        exit 1
    fi
    exit 77
}

command -v "$cc" >/dev/null 2>&1 || missing "a C compiler ($cc)"
if [ $dialect = sqlite ]; then
    command -v sqlite3 >/dev/null 2>&1 || missing "the sqlite3 program"
elif [ $dialect = mariadb ]; then
    command -v mariadb >/dev/null 2>&1 || missing "the mariadb program"
    case ${SCHEMAC_TEST_URL:-} in
    mariadb*) ;;
    *) missing "a server (SCHEMAC_TEST_URL; run through with-mariadb.sh)" ;;
    esac
else
    command -v psql >/dev/null 2>&1 || missing "the psql program"
    case ${SCHEMAC_TEST_URL:-} in
    postgres*) ;;
    *) missing "a server (SCHEMAC_TEST_URL; run through with-pg.sh)" ;;
    esac
fi
command -v "$python" >/dev/null 2>&1 || missing "python3"

# The runtime to link: the static library, else the shared one.
if [ -f "$build/runtime/libschemac.a" ]; then
    runtime=("$build/runtime/libschemac.a")
else
    runtime=(-L"$build/runtime" -Wl,-rpath,"$build/runtime" -lschemac)
fi
# shellcheck disable=SC2206 # a list of flags, split on blanks
runtime+=(${SCHEMAC_RUNTIME_LIBS:?set by tests/meson.build})

# limited COMMAND...: runs the command with at most 2 GB of address space
# and a minute, so that a program that loops or grows without end
# fails its step instead of taking the machine (status 124 on time out).
limited() {
    (
        # AddressSanitizer reserves terabytes of address space: the limit
        # is the timeout alone there.
        [ -n "${SCHEMAC_TEST_CFLAGS:-}" ] || ulimit -v 2000000 2>/dev/null
        exec timeout 60 "$@"
    )
}

# step NAME STEP ok|fail [DETAIL FILE]: reports one step.
step() {
    if [ "$3" = ok ]; then
        passes=$((passes + 1))
        echo "adopt: $dialect $1 $2: ok${4:+ ($4)}"
    else
        fails=$((fails + 1))
        echo "adopt: $dialect $1 $2: FAIL${4:+: $4}"
        if [ -n "${5:-}" ] && [ -s "$5" ]; then
            head -n 30 "$5" | sed 's/^/    /'
        fi
    fi
}

# my_at URL ARGS...: the mariadb client on the database of URL
# (mariadb://USER:PASSWORD@HOST:PORT/DATABASE), stopping at an error.
my_at() {
    local re='^[a-z]+://([^:@]+):([^@]*)@([^:/]+):([0-9]+)/([^?]+)'
    [[ $1 =~ $re ]] || return 1
    shift
    mariadb --no-defaults -u "${BASH_REMATCH[1]}" "-p${BASH_REMATCH[2]}" \
        -h "${BASH_REMATCH[3]}" -P "${BASH_REMATCH[4]}" \
        "${BASH_REMATCH[5]}" "$@"
}

# at_db DB: the URL of SCHEMAC_TEST_URL's server with database DB.
at_db() {
    printf '%s\n' "$SCHEMAC_TEST_URL" |
        sed -E "s#^([a-z]+://[^/]*)/[^?]*#\\1/$1#"
}

# psql_at URL ARGS...: psql, quiet, stopping at the first error.
psql_at() {
    local url=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"
}

# fresh NAME: a new empty database; sets url and target (the file or the
# URL the build script and dbtext.py take).
fresh() {
    if [ $dialect = sqlite ]; then
        target=$w/db.sqlite
        rm -f "$target"
        url=sqlite:$target
    elif [ $dialect = mariadb ]; then
        local db=adopt_$1
        my_at "$SCHEMAC_TEST_URL" -e "DROP DATABASE IF EXISTS \`$db\`;
            CREATE DATABASE \`$db\`" || return 1
        target=$(at_db "$db")
        url=$target
    else
        local db=adopt_$1
        psql_at "$SCHEMAC_TEST_URL" -c "DROP DATABASE IF EXISTS \"$db\"" \
            -c "CREATE DATABASE \"$db\"" >/dev/null || return 1
        target=$(printf '%s\n' "$SCHEMAC_TEST_URL" |
            sed -E "s#^([a-z]+://[^/]*)/[^?]*#\\1/$db#")
        url=$target
    fi
}

# make_db DIR: builds the database of DIR; 77 when a tool is missing.
make_db() {
    local dir=$1
    if [ -f "$dir/$dialect.sql" ]; then
        if [ $dialect = sqlite ]; then
            sqlite3 -bail "$target" <"$dir/$dialect.sql"
        elif [ $dialect = mariadb ]; then
            my_at "$url" <"$dir/$dialect.sql"
        else
            psql_at "$url" -f "$dir/$dialect.sql" >/dev/null
        fi
    else
        "$python" "$dir/build.py" "$dialect" "$target"
    fi
}

# schema_figures FILE: what a pulled schema kept, carried and commented,
# for the pull step's line: "N stored as, N named, sql: KIND N ...,
# N comment lines".  Named: constraints and indexes given a name; the
# kind of an sql block is its label ("// view v"), else the word after
# CREATE; comments are the "//" lines but the header and the labels.
schema_figures() {
    awk '
        function kind_of(line, w) {
            n = split(line, w, " ")
            if (w[1] == "//")
                return w[2] == "partitioned" ? "partitioned table" : w[2]
            for (i = 1; i <= n; i++)
                if (w[i] != "CREATE" && w[i] != "OR" && w[i] != "REPLACE" &&
                    w[i] != "UNIQUE")
                    return tolower(w[i])
            return "?"
        }
        NR == 1 { prev = $0; next }
        /stored as/ { stored++ }
        BEGIN { kw = "^    (primary key|foreign key|unique index|index|" \
                     "unique|check) " }
        $0 ~ kw "[^(]" && $0 !~ kw "using " { named++ }
        /^sql [a-z]+ \$\$$/ { pending = 1; label = prev ~ /^\/\/ / ? prev : "" }
        pending && !/^sql / { k = kind_of(label != "" ? label : $0);
            kinds[k]++; if (label != "") labels++; pending = 0 }
        /\/\// { comments++ }
        { prev = $0 }
        END {
            printf "%d stored as, %d named, sql:", stored, named
            nk = 0
            for (k in kinds)
                order[++nk] = k
            for (i = 2; i <= nk; i++) # by name, whatever the awk
                for (j = i; j > 1 && order[j - 1] > order[j]; j--) {
                    k = order[j]; order[j] = order[j - 1]; order[j - 1] = k
                }
            for (i = 1; i <= nk; i++)
                printf " %s %d", order[i], kinds[order[i]]
            if (nk == 0) printf " none"
            printf ", %d comment lines\n", comments - labels
        }' "$1"
}

# pull_step NAME DIR
pull_step() {
    local name=$1 dir=$2 status=0 want=0 golden=$2/pulled.$dialect.schema
    local why=
    limited "$schemac" pull --db "$url" --name "$name" -o "$w/pulled.schema" \
        >"$w/pull.out" 2>"$w/pull.err" || status=$?
    if [ -f "$dir/pull.$dialect.status" ]; then
        want=$(cat "$dir/pull.$dialect.status")
    fi
    if [ "${SCHEMAC_UPDATE_GOLDEN:-}" = 1 ] && [ -f "$w/pulled.schema" ]; then
        cp "$w/pulled.schema" "$golden"
    fi
    if [ "$status" != "$want" ]; then
        why="exit status $status, not $want"
    elif [ ! -f "$w/pulled.schema" ]; then
        why="no schema written"
    elif [ -f "$golden" ] && ! diff -u "$golden" "$w/pulled.schema" \
        >"$w/pull.diff"; then
        why="differs from pulled.$dialect.schema"
        cat "$w/pull.err" "$w/pull.diff" >"$w/pull.detail"
    fi
    if [ -z "$why" ] && [ -f "$dir/pull.$dialect.says" ]; then
        while IFS= read -r line; do
            [ -n "$line" ] || continue
            grep -qF -- "$line" "$w/pull.err" || why="does not say: $line"
        done <"$dir/pull.$dialect.says"
    fi
    if [ -z "$why" ]; then
        why="exit $status; $(schema_figures "$w/pulled.schema")"
        [ -f "$golden" ] || why="$why; no golden"
        step "$name" pull ok "$why"
        why=
    else
        [ -f "$w/pull.detail" ] || cp "$w/pull.err" "$w/pull.detail"
        step "$name" pull fail "$why" "$w/pull.detail"
    fi
    if [ "${SCHEMAC_ADOPT_GOLDEN:-}" = 1 ] && [ -f "$golden" ]; then
        cp "$golden" "$w/pulled.schema"
    fi
}

# generate_step NAME: sets dumper when the program was built.
generate_step() {
    local name=$1
    dumper=
    if [ ! -f "$w/pulled.schema" ]; then
        step "$name" generate fail "no pulled schema"
        return
    fi
    if ! limited "$schemac" generate "$w/pulled.schema" -o "$w/gen" \
        >"$w/gen.err" 2>&1; then
        step "$name" generate fail "schemac generate failed" "$w/gen.err"
        return
    fi
    if ! "$cc" ${SCHEMAC_TEST_CFLAGS:-} -std=c99 -Wall -Wextra -Wpedantic -Werror \
        -DADOPT_SCHEMA="${name}_schema" -I "$src/runtime" -I "$w/gen" \
        "$src/tests/adopt/dump.c" "$w/gen/${name}_db.c" "${runtime[@]}" \
        -o "$w/dump" >"$w/cc.err" 2>&1; then
        step "$name" generate fail "the generated code does not compile" \
            "$w/cc.err"
        return
    fi
    dumper=$w/dump
    step "$name" generate ok "$("$dumper" --describe | awk -F'\t' '
        !($1 in t) { t[$1] = 1; nt++ } { n++ }
        END { printf "%d tables, %d columns", nt, n }')"
}

# check_step NAME SCHEMA STEP: schemac check finds no drift.
check_step() {
    local name=$1 schema=$2 label=$3 status=0
    if [ ! -f "$schema" ]; then
        step "$name" "$label" fail "no pulled schema"
        return
    fi
    limited "$schemac" check "$schema" --db "$url" >"$w/check.out" 2>&1 ||
        status=$?
    if [ $status = 0 ] && ! grep -q '^drift:' "$w/check.out"; then
        step "$name" "$label" ok
    else
        step "$name" "$label" fail "check exits $status" "$w/check.out"
    fi
}

# fresh_step NAME sql|up: the pulled schema makes a new database that
# check finds equal to it: by its DDL (schemac sql), or by migrate init
# and up, then down to nothing and up again (so every object went).
fresh_step() {
    local name=$1 how=$2 owner_url=$url db=adopt_${1}_fresh why=
    local m=$w/fresh-migrations
    local -a load
    if [ ! -f "$w/pulled.schema" ]; then
        step "$name" "fresh-$how" fail "no pulled schema"
        return
    fi
    if [ $dialect = sqlite ]; then
        rm -f "$w/fresh.sqlite"
        url=sqlite:$w/fresh.sqlite
        load=(sqlite3 -bail "$w/fresh.sqlite")
    elif [ $dialect = mariadb ]; then
        my_at "$SCHEMAC_TEST_URL" -e "DROP DATABASE IF EXISTS \`$db\`;
            CREATE DATABASE \`$db\`" >/dev/null 2>&1
        url=$(at_db "$db")
        load=(my_at "$url")
    else
        psql_at "$SCHEMAC_TEST_URL" -c "DROP DATABASE IF EXISTS \"$db\"" \
            -c "CREATE DATABASE \"$db\"" >/dev/null 2>&1
        url=$(printf '%s\n' "$SCHEMAC_TEST_URL" |
            sed -E "s#^([a-z]+://[^/]*)/[^?]*#\\1/$db#")
        load=(psql_at "$url")
    fi
    : >"$w/fresh.err"
    rm -rf "$m"
    if [ $how = sql ]; then
        if ! limited "$schemac" sql "$w/pulled.schema" --dialect $dialect \
            >"$w/fresh.sql" 2>"$w/fresh.err"; then
            why="schemac sql failed"
        elif ! "${load[@]}" <"$w/fresh.sql" >>"$w/fresh.err" 2>&1; then
            why="the DDL of the pulled schema fails on a new database"
        fi
    elif ! limited "$schemac" migrate init "$w/pulled.schema" --dir "$m" \
        >>"$w/fresh.err" 2>&1; then
        why="migrate init failed"
    elif ! limited "$schemac" migrate up --db "$url" --dir "$m" \
        >>"$w/fresh.err" 2>&1; then
        why="migrate up on a new database failed"
    elif ! limited "$schemac" migrate down 1 --db "$url" --dir "$m" \
        >>"$w/fresh.err" 2>&1; then
        why="migrate down failed"
    elif ! limited "$schemac" migrate up --db "$url" --dir "$m" \
        >>"$w/fresh.err" 2>&1; then
        why="migrate up after down failed"
    fi
    if [ -n "$why" ]; then
        step "$name" "fresh-$how" fail "$why" "$w/fresh.err"
    else
        check_step "$name" "$w/pulled.schema" "fresh-$how"
    fi
    if [ $dialect = postgresql ]; then
        psql_at "$SCHEMAC_TEST_URL" -c "DROP DATABASE IF EXISTS \"$db\"" \
            >/dev/null 2>&1
    elif [ $dialect = mariadb ]; then
        my_at "$SCHEMAC_TEST_URL" -e "DROP DATABASE IF EXISTS \`$db\`" \
            >/dev/null 2>&1
    fi
    url=$owner_url
}

# read_step NAME DIR
read_step() {
    local name=$1 dir=$2 why= t text
    if [ -z "$dumper" ]; then
        step "$name" read fail "no dumper"
        return
    fi
    local status=0
    "$dumper" --describe >"$w/describe"
    limited "$dumper" "$url" >"$w/got.raw" 2>"$w/got.err" || status=$?
    if [ $status -gt 1 ]; then
        why="dump exits $status"
    fi
    if ! "$python" "$src/tests/adopt/dbtext.py" rows $dialect "$target" \
        "$w/describe" >"$w/want.raw" 2>"$w/want.err"; then
        step "$name" read fail "the database's text could not be read" \
            "$w/want.err"
        return
    fi
    LC_ALL=C sort "$w/got.raw" >"$w/got"
    LC_ALL=C sort "$w/want.raw" >"$w/want"
    cp "$w/got.err" "$w/read.detail"
    # The failures expected, then those that happened.  The first line of
    # failed-tables names no table, so that awk's NR == FNR sees it.
    printf '%s\n' '-' >"$w/failed-tables"
    if [ -f "$dir/read.$dialect.fails" ]; then
        while IFS=$'\t' read -r t text; do
            [ -n "$t" ] || continue
            printf '%s\n' "$t" >>"$w/failed-tables"
            if ! grep -qF -- "dump: $t: " "$w/got.err"; then
                why="${why:+$why; }the read of $t did not fail"
            elif ! grep -F -- "dump: $t: " "$w/got.err" | grep -qF -- "$text"
            then
                why="${why:+$why; }the failure of $t does not say: $text"
                grep -F -- "dump: $t: " "$w/got.err" >>"$w/read.detail"
            fi
        done <"$dir/read.$dialect.fails"
    fi
    while IFS= read -r line; do
        t=${line#dump: }
        t=${t%%: *}
        if ! grep -qxF -- "$t" "$w/failed-tables"; then
            why="${why:+$why; }unexpected failure"
        fi
    done <"$w/got.err"
    # Tables that failed as expected: what was read must be in the
    # database; the others: equal.
    awk -F'\t' 'NR == FNR { bad[$0] = 1; next } !($1 in bad)' \
        "$w/failed-tables" "$w/got" >"$w/got.ok"
    awk -F'\t' 'NR == FNR { bad[$0] = 1; next } !($1 in bad)' \
        "$w/failed-tables" "$w/want" >"$w/want.ok"
    if ! diff -u "$w/want.ok" "$w/got.ok" >>"$w/read.detail"; then
        why="${why:+$why; }values differ (- the database, + the generated code)"
    fi
    awk -F'\t' 'NR == FNR { bad[$0] = 1; next } ($1 in bad)' \
        "$w/failed-tables" "$w/got" >"$w/got.bad"
    if [ -s "$w/got.bad" ] &&
        LC_ALL=C comm -23 "$w/got.bad" "$w/want" | grep -q .; then
        why="${why:+$why; }a wrong value read before an expected failure"
        LC_ALL=C comm -23 "$w/got.bad" "$w/want" >>"$w/read.detail"
    fi
    if [ -z "$why" ]; then
        step "$name" read ok "$(awk -F'\t' '{ v += NF - 1 } END {
            printf "%d rows, %d values", NR, v }' "$w/got")"
    else
        step "$name" read fail "$why" "$w/read.detail"
    fi
}

# write_step NAME
write_step() {
    local name=$1
    if [ -z "$dumper" ]; then
        step "$name" write fail "no dumper"
        return
    fi
    local status=0
    limited "$dumper" --copy "$url" >"$w/copies" 2>"$w/copy.err" ||
        status=$?
    if [ $status -gt 1 ] || [ -s "$w/copy.err" ]; then
        echo "dump --copy exits $status" | cat - "$w/copy.err" \
            >"$w/write.detail"
        step "$name" write fail "dump --copy exits $status" "$w/write.detail"
    elif "$python" "$src/tests/adopt/dbtext.py" copies $dialect "$target" \
        "$w/describe" "$w/copies" >"$w/write.detail" 2>&1; then
        step "$name" write ok \
            "$(grep -c 'stored alike' "$w/write.detail") tables"
    else
        step "$name" write fail "a copy is not stored as the owner stores" \
            "$w/write.detail"
    fi
}

# migrate_step NAME
migrate_step() {
    local name=$1 why= m=$w/migrations
    if [ ! -f "$w/pulled.schema" ]; then
        step "$name" migrate fail "no pulled schema"
        return
    fi
    : >"$w/migrate.log"
    awk 'done != 1 && /^table .*\{$/ { print; print "    adopt_note text;";
             done = 1; next } { print }' "$w/pulled.schema" >"$w/v2.schema"
    if ! limited "$schemac" migrate init "$w/pulled.schema" --dir "$m" \
        >>"$w/migrate.log" 2>&1; then
        why="migrate init failed"
    elif ! limited "$schemac" migrate stamp 1 --db "$url" --dir "$m" \
        >>"$w/migrate.log" 2>&1; then
        why="migrate stamp 1 failed"
    elif ! limited "$schemac" migrate diff "$w/v2.schema" --name adopt_note \
        --dir "$m" >>"$w/migrate.log" 2>&1; then
        why="migrate diff failed"
    elif ! limited "$schemac" migrate up --db "$url" --dir "$m" \
        >>"$w/migrate.log" 2>&1; then
        why="migrate up failed"
    fi
    if [ -n "$why" ]; then
        step "$name" migrate fail "$why" "$w/migrate.log"
    else
        check_step "$name" "$w/v2.schema" migrate
    fi
}

# The normalisation first: a harness that misreads values proves nothing.
if ! "$python" "$src/tests/adopt/dbtext.py" selftest >"$tmp/selftest" 2>&1
then
    echo "adopt: dbtext.py selftest: FAIL"
    sed 's/^/    /' "$tmp/selftest"
    fails=$((fails + 1))
fi

if [ $# -eq 0 ]; then
    names=()
    for dir in "$data"/*/; do
        names+=("$(basename "$dir")")
    done
else
    names=("$@")
fi

for name in "${names[@]}"; do
    dir=$data/$name
    if [ ! -d "$dir" ]; then
        echo "adopt: no database $name in $data" >&2
        fails=$((fails + 1))
        continue
    fi
    [ -f "$dir/$dialect.sql" ] || [ -f "$dir/build.py" ] || continue
    modules=
    if [ -f "$dir/build.py" ] && [ -f "$dir/requires" ]; then
        modules=$(paste -sd, "$dir/requires")
        [ $dialect = postgresql ] && modules=$modules,psycopg2
        [ $dialect = mariadb ] && modules=$modules,MySQLdb
    fi
    if [ -n "$modules" ] && ! "$python" -c "import $modules" 2>/dev/null
    then
        lacks="python3 lacks one of $modules"
        if [ "${CI:-}" = true ]; then
            step "$name" build fail "$lacks"
        else
            echo "adopt: $dialect $name: skipped, $lacks"
            skips=$((skips + 1))
        fi
        continue
    fi
    w=$tmp/$name
    mkdir -p "$w"
    if ! fresh "$name" >"$w/build.err" 2>&1 ||
        ! make_db "$dir" >>"$w/build.err" 2>&1; then
        step "$name" build fail "the database could not be made" "$w/build.err"
        continue
    fi
    pull_step "$name" "$dir"
    generate_step "$name"
    check_step "$name" "$w/pulled.schema" check
    fresh_step "$name" sql
    fresh_step "$name" up
    read_step "$name" "$dir"
    write_step "$name"
    migrate_step "$name"
    if [ $dialect = postgresql ]; then
        psql_at "$SCHEMAC_TEST_URL" \
            -c "DROP DATABASE IF EXISTS \"adopt_$name\"" >/dev/null 2>&1
    elif [ $dialect = mariadb ]; then
        my_at "$SCHEMAC_TEST_URL" \
            -e "DROP DATABASE IF EXISTS \`adopt_$name\`" >/dev/null 2>&1
    fi
done

[ $skips -eq 0 ] || echo "adopt: $dialect: $skips databases skipped"
echo "adopt: $passes passed, $fails failed"
[ $fails -eq 0 ]
