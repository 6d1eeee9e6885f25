#!/bin/bash
# check-drift.sh - schemac check against a live database.
#
#     check-drift.sh SOURCE_ROOT SCHEMAC
#
# Runs on SQLite (a file in a temporary directory), or on PostgreSQL or
# MariaDB when SCHEMAC_TEST_URL names a server (tests/scripts/with-pg.sh
# and with-mariadb.sh set it).  For each case it creates a database with
# the DDL `schemac sql` prints, piped into sqlite3, psql or mariadb, so
# that the structure check reads is the one the
# emitter wrote; a schema's own DDL must then show no drift (the DDL
# round-trips through the catalog), and each change made by raw SQL must
# be reported by its own line with exit status 1.
set -u

src=$1
schemac=$2
pycon=$src/examples/pycon/pycon.schema
fails=0
passes=0

tmp=$(mktemp -d /tmp/schemac-drift.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

case ${SCHEMAC_TEST_URL:-} in
postgres*) dialect=postgresql ;;
mariadb* | mysql*) dialect=mariadb ;;
*) dialect=sqlite ;;
esac
if [ $dialect = mariadb ]; then
    # mariadb://USER:PASSWORD@HOST:PORT/DATABASE, for the mariadb client
    re='^[a-z]+://([^:@]+):([^@]*)@([^:/]+):([0-9]+)/([^?]+)'
    [[ $SCHEMAC_TEST_URL =~ $re ]] || {
        echo "check-drift: cannot read $SCHEMAC_TEST_URL" >&2
        exit 1
    }
    my=(mariadb --no-defaults -u "${BASH_REMATCH[1]}"
        "-p${BASH_REMATCH[2]}" -h "${BASH_REMATCH[3]}"
        -P "${BASH_REMATCH[4]}" "${BASH_REMATCH[5]}")
    mydb=${BASH_REMATCH[5]}
fi
if [ $dialect = sqlite ] && ! command -v sqlite3 >/dev/null; then
    echo "check-drift: no sqlite3 program" >&2
    exit 77
fi
export PGOPTIONS='-c client_min_messages=warning'

# Until the command line dispatches "check", there is nothing to test.
if "$schemac" check --help 2>&1 | grep -q "unknown command"; then
    echo "check-drift: $schemac has no check command" >&2
    exit 77
fi

# run SQL: runs SQL text (from stdin with "-") on the database under test.
run() {
    if [ $dialect = sqlite ]; then
        if [ "$1" = - ]; then
            sqlite3 -bail "$tmp/db.sqlite"
        else
            sqlite3 -bail "$tmp/db.sqlite" "$1"
        fi
    elif [ $dialect = mariadb ] && [ "$1" = - ]; then
        "${my[@]}"
    elif [ $dialect = mariadb ]; then
        "${my[@]}" -e "$1"
    elif [ "$1" = - ]; then
        psql -q -X -v ON_ERROR_STOP=1 "$SCHEMAC_TEST_URL" >/dev/null
    else
        psql -q -X -v ON_ERROR_STOP=1 "$SCHEMAC_TEST_URL" -c "$1" >/dev/null
    fi
}

# fresh FILE [SED]: an empty database, then the DDL of FILE (edited by the
# sed script SED when given); sets url.
fresh() {
    if [ $dialect = sqlite ]; then
        rm -f "$tmp/db.sqlite"
        url=sqlite:$tmp/db.sqlite
    elif [ $dialect = mariadb ]; then
        run "DROP DATABASE \`$mydb\`; CREATE DATABASE \`$mydb\`" || exit 1
        url=$SCHEMAC_TEST_URL
    else
        run 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' || exit 1
        url=$SCHEMAC_TEST_URL
    fi
    "$schemac" sql "$1" --dialect $dialect | sed -e "${2:-}" | run - ||
        { echo "check-drift: the DDL of $1 failed" >&2; exit 1; }
}

ok() {
    passes=$((passes + 1))
}

fail() {
    echo "FAIL ($dialect): $1" >&2
    sed 's/^/    /' "$tmp/out" >&2
    fails=$((fails + 1))
}

# clean FILE: check says the database holds exactly FILE.
clean() {
    local rc=0

    "$schemac" check "$1" --db "$url" >"$tmp/out" 2>&1 || rc=$?
    if [ $rc -eq 0 ] &&
        grep -Fxq "no drift: the database matches $1" "$tmp/out"; then
        ok
    else
        fail "$(basename "$1"): expected no drift, got exit $rc"
    fi
}

# drifted FILE LINE: check exits 1 and prints LINE and a count.
drifted() {
    local rc=0

    "$schemac" check "$1" --db "$url" >"$tmp/out" 2>&1 || rc=$?
    if [ $rc -eq 1 ] && grep -Fxq -- "$2" "$tmp/out" &&
        grep -Eq "^[0-9]+ differences? between the database and " \
            "$tmp/out"; then
        ok
    else
        fail "expected exit 1 and: $2 (exit $rc)"
    fi
}

# case SQL LINE: the pycon schema, changed by SQL, drifts with LINE.
case_sql() {
    fresh "$pycon"
    run "$1" || { fail "SQL failed: $1"; return; }
    drifted "$pycon" "$2"
}

# case_ddl SED LINE: the pycon DDL edited by SED drifts with LINE.
case_ddl() {
    fresh "$pycon" "$1"
    drifted "$pycon" "$2"
}

# --- no drift: the DDL of each schema round-trips --------------------
for f in "$pycon" "$src/tests/golden/gen/types/types.schema" \
    "$src/tests/golden/gen/keys/keys.schema" \
    "$src/tests/golden/gen/adopt/adopt.schema" \
    "$src/tests/golden/gen/quoted/quoted.schema"; do
    # adopt's deferrable foreign key has no DDL on MariaDB
    [ $dialect = mariadb ] && [ "$(basename "$f")" = adopt.schema ] &&
        continue
    fresh "$f"
    clean "$f"
done

# the migration runner's own table is not drift
fresh "$pycon"
run 'CREATE TABLE schemac_migrations (version integer)'
clean "$pycon"

# --- drift common to both databases -----------------------------------
case_sql 'ALTER TABLE programs ADD COLUMN description text' \
    'drift: table "programs": column "description" is in the database but not in the schema'
# MariaDB keeps an index that serves a foreign key until the key goes
if [ $dialect = mariadb ]; then
    case_sql 'ALTER TABLE program_enrollments DROP FOREIGN KEY fk_program_enrollments_user_id, DROP INDEX ix_program_enrollments_user_id' \
        'drift: index "ix_program_enrollments_user_id" is missing'
else
    case_sql 'DROP INDEX ix_program_enrollments_user_id' \
        'drift: index "ix_program_enrollments_user_id" is missing'
fi
case_sql 'CREATE INDEX ix_users_karma ON users (karma)' \
    'drift: index "ix_users_karma" on table "users" is in the database but not in the schema'
case_sql 'CREATE TABLE notes (id integer)' \
    'drift: table "notes" is in the database but not in the schema'
case_sql 'DROP TABLE program_enrollments' \
    'drift: table "program_enrollments" is missing'

# --- per database -----------------------------------------------------
if [ $dialect = sqlite ]; then
    # SQLite drops a constraint by rebuilding the table: create it so
    case_ddl '/CONSTRAINT "uq_users_user_email"/,+1d' \
        'drift: table "users": constraint "uq_users_user_email" is missing'
    case_ddl 's/length("user_name") <= 32/length("user_name") <= 40/' \
        'drift: table "users": constraint "ck_users_user_name": the schema has CHECK (length("user_name") <= 32), the database has CHECK (length("user_name") <= 40)'
    case_ddl "s/'intermediate', 'advanced'/'intermediate', 'advanced', 'expert'/" \
        "drift: table \"programs\": constraint \"ck_programs_level\": the schema has CHECK (\"level\" IN ('beginner', 'intermediate', 'advanced')), the database has CHECK (\"level\" IN ('beginner', 'intermediate', 'advanced', 'expert'))"
    case_ddl 's/) STRICT;/);/' \
        'drift: table "users": the schema makes it STRICT, the database does not'
    case_ddl 's/"karma" INTEGER,/"karma" INTEGER NOT NULL,/' \
        'drift: table "users": column "karma": the schema allows NULL, the database says NOT NULL'
    case_ddl 's/"program_name" TEXT NOT NULL,/"program_name" TEXT,/' \
        'drift: table "programs": column "program_name": the schema says NOT NULL, the database allows NULL'
    case_ddl 's/"karma" INTEGER,/"karma" REAL,/' \
        'drift: table "users": column "karma": the schema says type INTEGER, the database has REAL'
    case_ddl 's/ AUTOINCREMENT//' \
        'drift: table "users": column "user_id": the schema says autoincrement, the database does not'
elif [ $dialect = mariadb ]; then
    case_sql 'ALTER TABLE users DROP INDEX uq_users_user_email' \
        'drift: table "users": constraint "uq_users_user_email" is missing'
    case_sql 'ALTER TABLE users ADD CONSTRAINT ck_users_karma CHECK (karma >= 0)' \
        'drift: table "users": constraint "ck_users_karma" is in the database but not in the schema'
    case_sql 'ALTER TABLE users MODIFY karma DECIMAL(10,2) NOT NULL' \
        'drift: table "users": column "karma": the schema allows NULL, the database says NOT NULL'
    case_sql 'ALTER TABLE users MODIFY user_name VARCHAR(40) NOT NULL' \
        'drift: table "users": column "user_name": the schema says type varchar(32), the database has varchar(40)'
    case_sql 'ALTER TABLE users ALTER COLUMN joined_at DROP DEFAULT' \
        'drift: table "users": column "joined_at": the schema has a default, the database has none'
    case_sql 'ALTER TABLE users DROP COLUMN karma' \
        'drift: table "users": column "karma" is missing'
    case_sql "ALTER TABLE programs MODIFY level ENUM('beginner', 'intermediate', 'advanced', 'expert') NOT NULL DEFAULT 'beginner'" \
        "drift: table \"programs\": column \"level\": the schema says type enum('beginner','intermediate','advanced'), the database has enum('beginner','intermediate','advanced','expert')"
    case_sql 'ALTER TABLE program_enrollments DROP FOREIGN KEY fk_program_enrollments_user_id; ALTER TABLE program_enrollments ADD CONSTRAINT fk_program_enrollments_user_id FOREIGN KEY (user_id) REFERENCES users (user_id)' \
        'drift: table "program_enrollments": constraint "fk_program_enrollments_user_id": the schema has FOREIGN KEY (`user_id`) REFERENCES `users` (`user_id`) ON DELETE CASCADE, the database has FOREIGN KEY (user_id) REFERENCES users (user_id)'
    # text in another collation than schemac's utf8mb4_nopad_bin: said by
    # collate NAME, checked both ways
    case_sql 'ALTER TABLE users MODIFY user_name VARCHAR(32) COLLATE utf8mb4_unicode_ci NOT NULL' \
        'drift: table "users": column "user_name": the schema says collation default, the database has utf8mb4_unicode_ci'
    sed -e 's/\(user_name .*\) unique;/\1 unique collate utf8mb4_unicode_ci;/' \
        "$pycon" >"$tmp/collate.schema"
    grep -q 'collate utf8mb4_unicode_ci' "$tmp/collate.schema" ||
        fail "the collate schema was not written"
    fresh "$tmp/collate.schema"
    clean "$tmp/collate.schema"
    run 'ALTER TABLE users MODIFY user_name VARCHAR(32) COLLATE utf8mb4_nopad_bin NOT NULL'
    drifted "$tmp/collate.schema" \
        'drift: table "users": column "user_name": the schema says collation utf8mb4_unicode_ci, the database has default'
    # a unique index is a unique key of MariaDB's: checked as one
    printf '%s\n' 'schema u;' 'table t { id int64 primary key; a int32; unique index (a); }' >"$tmp/u.schema"
    fresh "$tmp/u.schema"
    clean "$tmp/u.schema"
    run 'ALTER TABLE t DROP INDEX ix_t_a'
    drifted "$tmp/u.schema" 'drift: index "ix_t_a" is missing'
else
    case_sql 'ALTER TABLE users DROP CONSTRAINT uq_users_user_email' \
        'drift: table "users": constraint "uq_users_user_email" is missing'
    case_sql 'ALTER TABLE users ADD CONSTRAINT ck_users_karma CHECK (karma >= 0)' \
        'drift: table "users": constraint "ck_users_karma" is in the database but not in the schema'
    case_sql 'ALTER TABLE users ALTER COLUMN karma SET NOT NULL' \
        'drift: table "users": column "karma": the schema allows NULL, the database says NOT NULL'
    case_sql 'ALTER TABLE programs ALTER COLUMN program_name DROP NOT NULL' \
        'drift: table "programs": column "program_name": the schema says NOT NULL, the database allows NULL'
    case_sql "ALTER TYPE level ADD VALUE 'expert'" \
        'drift: enum "level": the database has values beginner, intermediate, advanced, expert; the schema has beginner, intermediate, advanced'
    case_sql 'ALTER TABLE users ALTER COLUMN user_name TYPE varchar(40)' \
        'drift: table "users": column "user_name": the schema says type character varying(32), the database has character varying(40)'
    case_sql 'ALTER TABLE users ALTER COLUMN joined_at DROP DEFAULT' \
        'drift: table "users": column "joined_at": the schema has a default, the database has none'
    case_sql 'ALTER TABLE users DROP COLUMN karma' \
        'drift: table "users": column "karma" is missing'
    case_sql 'ALTER TABLE program_enrollments DROP CONSTRAINT fk_program_enrollments_user_id, ADD CONSTRAINT fk_program_enrollments_user_id FOREIGN KEY (user_id) REFERENCES users (user_id)' \
        'drift: table "program_enrollments": constraint "fk_program_enrollments_user_id": the schema has FOREIGN KEY ("user_id") REFERENCES "users" ("user_id") ON DELETE CASCADE, the database has FOREIGN KEY (user_id) REFERENCES users(user_id)'
    case_sql "CREATE TYPE mood AS ENUM ('ok')" \
        'drift: enum "mood" is in the database but not in the schema'
    # a database of an older schemac: text in the database's collation,
    # a date's default now the session time zone's day; moved as
    # docs/MIGRATIONS.md says, it checks clean
    case_ddl 's/ COLLATE "C"//' \
        'drift: table "users": column "user_name": the schema says collation C, the database has default'
    keys=$src/tests/golden/gen/keys/keys.schema
    fresh "$keys" "s/DEFAULT ((now() AT TIME ZONE 'utc')::date)/DEFAULT CURRENT_DATE/"
    drifted "$keys" "drift: table \"order\": column \"placed\": the schema's default now is the UTC day, ((now() AT TIME ZONE 'utc')::date); the database's default is CURRENT_DATE"
    run "ALTER TABLE \"order\" ALTER COLUMN placed SET DEFAULT ((now() AT TIME ZONE 'utc')::date)"
    clean "$keys"
    # default current_date is the session's day, CURRENT_DATE
    sed 's/placed   date not null default now;/placed date not null default current_date;/' \
        "$keys" >"$tmp/today.schema"
    grep -q 'default current_date' "$tmp/today.schema" ||
        fail "the current_date schema was not written"
    fresh "$tmp/today.schema"
    clean "$tmp/today.schema"
    drifted "$keys" "drift: table \"order\": column \"placed\": the schema's default now is the UTC day, ((now() AT TIME ZONE 'utc')::date); the database's default is CURRENT_DATE"
    fresh "$keys"
    drifted "$tmp/today.schema" "drift: table \"order\": column \"placed\": the schema's default is the session's day, CURRENT_DATE; the database's default is ((now() AT TIME ZONE 'utc'::text))::date"
    fresh "$pycon" 's/ COLLATE "C"//'
    run 'ALTER TABLE users ALTER COLUMN user_name TYPE varchar(32) COLLATE "C", ALTER COLUMN user_email TYPE varchar(64) COLLATE "C"; ALTER TABLE programs ALTER COLUMN program_name TYPE varchar(128) COLLATE "C"'
    clean "$pycon"
    # collate default and a named collation are the schema's word for them
    sed -e 's/\(user_name .*\) unique;/\1 unique collate default;/' \
        -e 's/\(user_email .*\) unique;/\1 unique collate "POSIX";/' \
        "$pycon" >"$tmp/collate.schema"
    grep -q 'collate default' "$tmp/collate.schema" &&
        grep -q 'collate "POSIX"' "$tmp/collate.schema" ||
        fail "the collate schema was not written"
    fresh "$tmp/collate.schema"
    clean "$tmp/collate.schema"
    run 'ALTER TABLE users ALTER COLUMN user_name TYPE varchar(32) COLLATE "C"'
    drifted "$tmp/collate.schema" \
        'drift: table "users": column "user_name": the schema says collation default, the database has C'
fi

# --- errors -----------------------------------------------------------
rc=0
"$schemac" check "$pycon" >"$tmp/out" 2>&1 || rc=$?
[ $rc -eq 2 ] && ok || fail "no --db: expected exit 2, got $rc"
rc=0
"$schemac" check "$pycon" --db 'postgresql://u:sekrit@127.0.0.1:1/none' \
    >"$tmp/out" 2>&1 || rc=$?
if [ $rc -eq 1 ] && grep -q 'cannot open the database' "$tmp/out" &&
    ! grep -q sekrit "$tmp/out"; then
    ok
else
    fail "an unreachable server: expected exit 1 and no password"
fi

echo "check-drift ($dialect): $passes passed, $fails failed"
[ $fails -eq 0 ]
