#!/bin/bash
# Every migration case of tests/golden/migrate, written by `migrate diff`
# and applied by `migrate up` to a database that holds rows, with the
# universal checks:
#   - the step applies, or a guard stops it (cases with a file "stops"),
#     leaving the database at the previous version with every row;
#   - after it, `schemac check` finds no drift from the new schema and a
#     second diff finds nothing to do;
#   - the rows that survive are unchanged, and foreign keys check clean;
#   - down, then up again, converges (no drift at each end);
#   - applying every migration to an empty database equals create_all
#     (no drift);
#   - on PostgreSQL, a diff given the database (--db) names the rows of
#     each table in its lints.
#
# A case of its own schema brings its rows: rows.sql (run instead of the
# talk's rows, on both databases), survivors (lines TABLE:COLUMNS, the
# rows compared before and after instead of the talk's tables; on
# MariaDB rows.mariadb.sql where its SQL differs), and
# probe.sql with probe.expected (run after up: its output must be that).
# On MariaDB, a case with stop.mariadb.sql runs it before up, which must
# then stop half way, recorded (status names the statement), then
# resume.mariadb.sql, and up resumes there to the end.
#
#     migrate-scenarios.sh SOURCE_ROOT SCHEMAC [URL]
#
# SCHEMAC_SCENARIOS, when set, names the cases to run (a shell pattern,
# as "index-*"); all of them otherwise.
#
# URL: a PostgreSQL database to use (emptied before each case), or a
# MariaDB one (tests/scripts/with-mariadb.sh's, whose socket it also
# reads), where the check of no drift compares information_schema with a
# database made by `schemac sql`; without it, SQLite files in a
# temporary directory.
set -euo pipefail

src=$1
schemac=$(realpath "$2")
pg_url=${3:-}
maria_url=
case $pg_url in
mariadb://*)
    maria_url=$pg_url pg_url=
    rest=${maria_url#mariadb://*:}
    maria_pw=${rest%%@*}
    maria_db=${maria_url##*/}
    ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
refused=0

fail() {
    echo "migrate-scenarios: $case: $*" >&2
    exit 1
}

maria() {
    mariadb --socket="${SCHEMAC_TEST_MARIADB_SOCKET:?}" -u schemac \
        -p"$maria_pw" -N -B "$@"
}

sql() {
    if [ -n "$maria_url" ]; then
        maria "${url##*/}" -e "$1" | tr '\t' '|'
    elif [ -n "$pg_url" ]; then
        psql -qAt -v ON_ERROR_STOP=1 "$url" -c "$1"
    else
        sqlite3 -bail "${url#sqlite:}" "$1"
    fi
}

fresh_db() {
    if [ -n "$maria_url" ]; then
        url=$maria_url
        maria -e "DROP DATABASE IF EXISTS $maria_db;
                  CREATE DATABASE $maria_db" >/dev/null
    elif [ -n "$pg_url" ]; then
        url=$pg_url
        sql "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" \
            >/dev/null 2>&1
    else
        url="sqlite:$tmp/$case-$1.db"
        rm -f "${url#sqlite:}"
    fi
}

# The rows of the talk, in every table of the base schema, or the case's.
fill() {
    if [ -n "$maria_url" ] && [ -f "$cdir/rows.mariadb.sql" ]; then
        sql "$(cat "$cdir/rows.mariadb.sql")" >/dev/null
        return
    fi
    if [ -f "$cdir/rows.sql" ]; then
        sql "$(cat "$cdir/rows.sql")" >/dev/null
        return
    fi
    sql "INSERT INTO users (user_name, user_email) VALUES
         ('최영선', 'a@pycon.kr'), ('배준현', 'b@pycon.kr'),
         ('김준기', 'c@pycon.kr');
         INSERT INTO programs (program_name) VALUES ('SQLAlchemy'),
         ('Alembic');
         INSERT INTO program_enrollments (program_id, user_id) VALUES
         (1, 1), (1, 2), (2, 3);"
}

# What survives every case: names and links, by key, each line led by
# its table ("programs" and "talks" are one table under two names).
survivors() {
    local t tables
    if [ -f "$cdir/survivors" ]; then
        mapfile -t tables <"$cdir/survivors"
    else
        tables=("users:user_id, user_name" "programs:program_id, program_name"
                "talks:program_id, program_name"
                "program_enrollments:program_enrollment_id, program_id")
    fi
    for t in "${tables[@]}"; do
        sql "SELECT ${t#*:} FROM ${t%%:*} ORDER BY 1" 2>/dev/null |
            sed "s/^/${t%%:*}|/; s/^talks|/programs|/" || true
    done
}

# The rows of before.txt in the tables that still exist are all there,
# unchanged; a table the case drops may be gone.
same_survivors() {
    local now t
    now=$(survivors)
    for t in $(cut -d'|' -f1 "$tmp/before.txt" | sort -u); do
        if grep -q "^$t|" <<<"$now"; then
            diff <(grep "^$t|" "$tmp/before.txt") <(grep "^$t|" <<<"$now") \
                >&2 || return 1
        elif ! grep -q -- --allow-drop-table <<<"$options"; then
            echo "table $t is gone" >&2
            return 1
        fi
    done
}

# The structure of MariaDB database $1: columns, keys, checks, indexes,
# foreign keys, without schemac's own tables.
maria_dump() {
    maria "$1" -e "
      SELECT table_name, column_name, column_type, is_nullable,
             coalesce(column_default, '-'), coalesce(collation_name, '-')
      FROM information_schema.columns WHERE table_schema = DATABASE()
      AND table_name NOT LIKE 'schemac%' ORDER BY 1, 2;
      SELECT table_name, constraint_name, constraint_type
      FROM information_schema.table_constraints
      WHERE table_schema = DATABASE() AND table_name NOT LIKE 'schemac%'
      ORDER BY 1, 2;
      SELECT table_name, constraint_name, check_clause
      FROM information_schema.check_constraints
      WHERE constraint_schema = DATABASE() ORDER BY 1, 2;
      SELECT table_name, index_name, non_unique, seq_in_index, column_name
      FROM information_schema.statistics WHERE table_schema = DATABASE()
      AND table_name NOT LIKE 'schemac%' ORDER BY 1, 2, 4;
      SELECT table_name, constraint_name, referenced_table_name,
             update_rule, delete_rule
      FROM information_schema.referential_constraints
      WHERE constraint_schema = DATABASE() ORDER BY 1, 2;"
}

# Whether the DDL of schema $1 runs on an empty MariaDB database.
ddl_runs() {
    maria -e "DROP DATABASE IF EXISTS schemac_reference;
              CREATE DATABASE schemac_reference" >/dev/null
    "$schemac" sql "$1" --dialect mariadb 2>"$tmp/ddl.log" |
        maria schemac_reference 2>>"$tmp/ddl.log"
}

no_drift() {
    if [ -n "$maria_url" ]; then
        maria -e "DROP DATABASE IF EXISTS schemac_reference;
                  CREATE DATABASE schemac_reference" >/dev/null
        "$schemac" sql "$1" --dialect mariadb | maria schemac_reference ||
            fail "the DDL of $(basename "$1") does not run"
        diff <(maria_dump schemac_reference) <(maria_dump "$maria_db") \
            >&2 || fail "drift from $(basename "$1")"
    elif [ -x "$tmp/has-check" ]; then
        "$schemac" check "$1" --db "$url" >"$tmp/check.log" 2>&1 ||
            { cat "$tmp/check.log" >&2; fail "drift from $(basename "$1")"; }
    fi
}

fk_clean() {
    if [ -z "$pg_url$maria_url" ] && [ -n "$(sql "PRAGMA foreign_key_check")" ]; then
        fail "foreign_key_check reports rows"
    fi
}

version() {
    "$schemac" migrate status --dir "$dir" --db "$url" |
        sed -n 's/^current  \([0-9]*\).*/\1/p'
}

down_up() {
    "$schemac" migrate down 1 --dir "$dir" --db "$url" >/dev/null ||
        fail "migrate down failed"
    no_drift "$cdir/old.schema"
    fk_clean
    "$schemac" migrate up --dir "$dir" --db "$url" >/dev/null ||
        fail "migrate up after down failed"
    no_drift "$cdir/new.schema"
}

if "$schemac" help check >/dev/null 2>&1; then
    touch "$tmp/has-check"
    chmod +x "$tmp/has-check"
fi

for cdir in "$src"/tests/golden/migrate/${SCHEMAC_SCENARIOS:-*}/; do
    case=$(basename "$cdir")
    grep -q '^== summary' "$cdir/expected.txt" || continue
    options=$(cat "$cdir/options" 2>/dev/null || true)
    # A schema whose own CREATE TABLE MariaDB refuses is the DDL's
    # matter, not the migration's: named, and counted apart.
    if [ -n "$maria_url" ] &&
       ! { ddl_runs "$cdir/old.schema" && ddl_runs "$cdir/new.schema"; }; then
        echo "migrate-scenarios: $case: not on mariadb: $(cat "$tmp/ddl.log")" >&2
        refused=$((refused + 1))
        continue
    fi
    dir=$tmp/$case/migrations
    mkdir -p "$tmp/$case"
    cp "$cdir/old.schema" "$tmp/$case/app.schema"
    "$schemac" migrate init "$tmp/$case/app.schema" --dir "$dir" >/dev/null
    cp "$cdir/new.schema" "$tmp/$case/app.schema"
    # shellcheck disable=SC2086
    "$schemac" migrate diff "$tmp/$case/app.schema" --dir "$dir" \
        --name change $options >/dev/null

    # On a database that holds rows.
    fresh_db rows
    "$schemac" migrate up --to 1 --dir "$dir" --db "$url" >/dev/null ||
        fail "migrate up --to 1 failed"
    fill
    survivors > "$tmp/before.txt"
    if [ -n "$pg_url" ] && grep -q '^-- lint: ' "$dir"/0002_*.postgresql.sql
    then
        rm -rf "$tmp/lint"
        "$schemac" migrate init "$cdir/old.schema" --dir "$tmp/lint" \
            >/dev/null
        # shellcheck disable=SC2086
        "$schemac" migrate diff "$tmp/$case/app.schema" --dir "$tmp/lint" \
            --name change --db "$url" $options 2>"$tmp/lint.log" >/dev/null ||
            fail "diff --db failed"
        grep -q '^schemac: lint (postgresql): [^ ]* ([0-9]* rows\?):' \
            "$tmp/lint.log" || { cat "$tmp/lint.log" >&2;
                                 fail "no row counts in the lints"; }
    fi
    if [ -f "$cdir/stops" ]; then
        if "$schemac" migrate up --dir "$dir" --db "$url" \
            >"$tmp/up.log" 2>&1; then
            fail "the migration applied, but the data should stop it"
        fi
        [ "$(version)" = 0001 ] || fail "not left at version 0001"
        same_survivors || fail "rows changed"
        no_drift "$cdir/old.schema"
        fk_clean
        n=$((n + 1))
        continue
    fi
    if [ -n "$maria_url" ] && [ -f "$cdir/stop.mariadb.sql" ]; then
        sql "$(cat "$cdir/stop.mariadb.sql")" >/dev/null
        if "$schemac" migrate up --dir "$dir" --db "$url" \
            >"$tmp/up.log" 2>&1; then
            fail "the migration applied, but stop.mariadb.sql should stop it"
        fi
        "$schemac" migrate status --dir "$dir" --db "$url" |
            grep -q '^half done  0002 change: .* failed; up resumes there' ||
            fail "not left half done"
        sql "$(cat "$cdir/resume.mariadb.sql")" >/dev/null
    fi
    "$schemac" migrate up --dir "$dir" --db "$url" >/dev/null ||
        fail "migrate up failed"
    [ "$(version)" = 0002 ] || fail "not at version 0002"
    no_drift "$cdir/new.schema"
    fk_clean
    same_survivors || fail "surviving rows changed"
    if [ -f "$cdir/probe.sql" ]; then
        sql "$(cat "$cdir/probe.sql")" >"$tmp/probe.txt" ||
            fail "the probe failed"
        diff "$cdir/probe.expected" "$tmp/probe.txt" >&2 ||
            fail "the probe found other rows"
    fi
    "$schemac" migrate diff "$tmp/$case/app.schema" --dir "$dir" \
        --name again | grep -q '^no changes' || fail "a second diff wrote"

    # Down and up again converge: on the rows, unless the case drops
    # something (its down cannot bring the values back: its guards stop
    # it), then on the empty database below.
    if ! grep -q -- --allow-drop <<<"$options"; then
        down_up
    fi

    # From empty, every migration equals create_all.
    fresh_db empty
    "$schemac" migrate up --dir "$dir" --db "$url" >/dev/null ||
        fail "migrate up from empty failed"
    no_drift "$cdir/new.schema"
    down_up
    n=$((n + 1))
done
[ "$refused" -eq 0 ] ||
    echo "migrate-scenarios: $refused cases whose schema MariaDB does not make"
echo "migrate-scenarios: $n cases applied with rows" \
     "($([ -n "$maria_url" ] && echo mariadb ||
         { [ -n "$pg_url" ] && echo postgresql || echo sqlite; }))"
