#!/bin/bash
# order.sh - tables created in foreign key order, on a live database.
#
#     order.sh SOURCE_ROOT SCHEMAC BUILD_ROOT
#
# tests/golden/gen/order/order.schema declares a table before the one it
# references, two tables that reference each other and a table that
# references itself.  On SQLite (a file), or on PostgreSQL or MariaDB
# when SCHEMAC_TEST_URL names a server (with-pg.sh, with-mariadb.sh):
# the script `schemac sql` prints runs, twice; create_all of the
# generated code runs twice and the foreign keys hold (rows that satisfy
# them go in, an orphan is refused); `migrate init`, then up, down (over
# rows that reference each other) and up again, each leaving the tables
# there or gone.
set -u
src=$1
schemac=$2
build=$3
schema=$src/tests/golden/gen/order/order.schema

. "$(dirname "$0")/live-db.sh" order

# tables: the names of the user tables, sorted, on one line.
tables() {
    if [ $dialect = sqlite ]; then
        run "SELECT name FROM sqlite_master WHERE type = 'table' AND
             name NOT LIKE 'sqlite_%' AND name NOT LIKE 'schemac_%'
             ORDER BY name"
    elif [ $dialect = mariadb ]; then
        run "SELECT table_name FROM information_schema.tables WHERE
             table_schema = DATABASE() AND table_name NOT LIKE 'schemac_%'
             ORDER BY table_name"
    else
        run "SELECT tablename FROM pg_tables WHERE schemaname = 'public'
             AND tablename NOT LIKE 'schemac_%' ORDER BY tablename"
    fi | tr '\n' ' '
}

all="authors comments posts "

# 1. The script, twice (it is safe to run again).
empty
for i in 1 2; do
    "$schemac" sql "$schema" --dialect $dialect | run - >"$tmp/out" 2>&1 ||
        fail "schemac sql output, run $i"
done
[ "$(tables)" = "$all" ] || fail "schemac sql made: $(tables)"

# 2. create_all from the generated code, twice, and the foreign keys.
"$schemac" generate "$schema" -o "$tmp/gen" || fail "generate"
cat >"$tmp/main.c" <<'CEOF'
#include "ord_db.h"

#include <stdio.h>
#include <string.h>

#define CHECK(call, want)                                                 \
    do {                                                                  \
        int rc_ = (call);                                                 \
        if (rc_ != (want)) {                                              \
            fprintf(stderr, "%s: %d, not %d: %s\n", #call, rc_, (want),    \
                    sc_errmsg(db));                                       \
            return 1;                                                     \
        }                                                                 \
    } while (0)

int main(int argc, char **argv)
{
    sc_db *db;
    ord_author au = ORD_AUTHOR_INIT;
    ord_post p = ORD_POST_INIT, orphan = ORD_POST_INIT;
    ord_comment c1 = ORD_COMMENT_INIT, c2 = ORD_COMMENT_INIT;

    (void)argc;
    if (sc_open(argv[1], &db) != SC_OK) {
        fprintf(stderr, "open: %s\n", sc_errmsg(db));
        return 1;
    }
    CHECK(ord_create_all(db), SC_OK);
    CHECK(ord_create_all(db), SC_OK);
    au.name = "Ada";
    CHECK(ord_authors_insert(db, &au), SC_OK);
    p.author_id = au.author_id;
    p.title = "On engines";
    CHECK(ord_posts_insert(db, &p), SC_OK);
    au.favorite_id = p.post_id;
    au.has_favorite_id = true;
    CHECK(ord_authors_update(db, &au), SC_OK);
    c1.post_id = p.post_id;
    c1.body = "first";
    CHECK(ord_comments_insert(db, &c1), SC_OK);
    c2.post_id = p.post_id;
    c2.parent_id = c1.comment_id;
    c2.has_parent_id = true;
    c2.body = "a reply";
    CHECK(ord_comments_insert(db, &c2), SC_OK);
    /* Each foreign key of the cycle and the self reference holds. */
    orphan.author_id = au.author_id + 100;
    orphan.title = "nobody's";
    CHECK(ord_posts_insert(db, &orphan), SC_CONSTRAINT);
    au.favorite_id = p.post_id + 100;
    CHECK(ord_authors_update(db, &au), SC_CONSTRAINT);
    c2.parent_id = c2.comment_id + 100;
    CHECK(ord_comments_update(db, &c2), SC_CONSTRAINT);
    sc_close(db);
    return 0;
}
CEOF
cc ${SCHEMAC_TEST_CFLAGS:-} -std=c99 -Wall -Wextra -Werror -I "$src/runtime" -I "$build/runtime" \
    -I "$tmp/gen" "$tmp/main.c" "$tmp/gen/ord_db.c" \
    "$build/runtime/libschemac.a" ${SCHEMAC_RUNTIME_LIBS:?set by tests/meson.build} \
    -o "$tmp/main" >"$tmp/out" 2>&1 || fail "compiling the program"
empty
"$tmp/main" "$url" >"$tmp/out" 2>&1 || fail "create_all and the rows"
[ "$(tables)" = "$all" ] || fail "create_all made: $(tables)"

# 3. migrate init, up, down, up.
empty
"$schemac" migrate init "$schema" --dir "$tmp/mig" >"$tmp/out" 2>&1 ||
    fail "migrate init"
"$schemac" migrate up --db "$url" --dir "$tmp/mig" >"$tmp/out" 2>&1 ||
    fail "migrate up"
[ "$(tables)" = "$all" ] || fail "migrate up made: $(tables)"
"$tmp/main" "$url" >"$tmp/out" 2>&1 || fail "rows in the migrated tables"
"$schemac" migrate down --db "$url" --dir "$tmp/mig" >"$tmp/out" 2>&1 ||
    fail "migrate down"
[ -z "$(tables)" ] || fail "migrate down left: $(tables)"
"$schemac" migrate up --db "$url" --dir "$tmp/mig" >"$tmp/out" 2>&1 ||
    fail "migrate up again"
[ "$(tables)" = "$all" ] || fail "migrate up again made: $(tables)"

if [ $fails -gt 0 ]; then
    echo "order ($dialect): $fails failed" >&2
    exit 1
fi
echo "order ($dialect): passed"
