/*
 * test-crash.c - a process killed with SIGKILL in the middle of a
 * migration or of sc_row_insert_many() leaves the database exactly at the
 * state before the step or after it, never between, and the next run
 * proceeds.  The same sources run on SQLite (a file in a temporary
 * directory) and on PostgreSQL (SCHEMAC_TEST_URL, see testdb.h).
 *
 * Each case forks a child that opens its own connection and runs one
 * step: a migration of many statements, a SQLite table rebuild with
 * foreign keys off, an insert_many of 300 rows, or a migration in two
 * parts, which may also stop between its parts: then the state is the
 * one after its first part (built once by making the second fail), and
 * the next run resumes at the second.  The child stops at a
 * kill point, tells the parent through a pipe and waits; the parent sends
 * SIGKILL.  The points are counted, so the same run stops at the same
 * place every time:
 *   - on SQLite, at the start of the Nth statement the connection runs
 *     (sqlite3_trace_v2, installed through sqlite3_auto_extension on the
 *     connection sc_open() makes), inside each commit (the commit hook,
 *     before the transaction is durable), and before or after each write
 *     to the database and WAL files (a VFS over the default one): between
 *     the frames of a commit and the pages of the checkpoint at the close;
 *   - on MariaDB, after the Nth statement the runtime traces; every
 *     script there is a part outside a transaction, as the reader makes
 *     it, and a kill between its statements leaves a recorded half-done
 *     state (the dialect table's transactional_ddl is false), which the
 *     next run resumes to the same state after;
 *   - on PostgreSQL, after the Nth statement the runtime traces
 *     (sc_trace), and with the server itself in the middle of the step:
 *     the migration scripts and a trigger on book wait for an advisory
 *     lock the parent holds, and the client is killed while the server
 *     waits.
 * A first uninterrupted run in a child counts the points and gives the
 * state after the step.  Every point is then tried, or on long steps the
 * first and last few and a spread between (MAX_POINTS_*).
 *
 * After each kill the parent checks, on a connection of its own: the
 * full dump (schema and every row, sorted) equals the dump before or the
 * one after the step, and which one follows from the point (before,
 * unless the step's COMMIT had finished); sc_migrate_current() agrees;
 * on SQLite, PRAGMA integrity_check says ok and foreign_key_check finds
 * nothing; on PostgreSQL, the killed client's server process goes away
 * and with it every advisory lock.  Then it runs the step again (the
 * migration, or the insert_many when the rows are missing) and expects
 * the state after.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crash_db.h"
#include "dialect.h"
#include "schemac.h"
#include "testdb.h"

#define AUTHORS      50
#define BOOKS        300
#define NEW_BOOKS    300
#define FIRST_NEW    10001
#define PAUSE_BOOK   10150 /* the row the PostgreSQL trigger waits on */
#define PAUSE_KEY    4242  /* the advisory lock the server waits for */
#define WAIT_MS      30000 /* the longest wait for a child or a server */
/* The points tried on a long step, at most: fewer on PostgreSQL, where
 * building the state before each costs more. */
#define MAX_POINTS_SQLITE 24
#define MAX_POINTS_PG     12

/* ---------------------------------------------------------------------
 * The steps: migrations 2 and 3, and an insert_many.
 * ------------------------------------------------------------------- */

typedef enum step_kind { STEP_MIGRATE, STEP_INSERT } step_kind;

typedef struct scenario {
    const char *name;
    step_kind kind;
    unsigned base_version; /* the version before the step */
    unsigned target;       /* the version after it */
} scenario;

static const scenario scenarios[] = {
    {"migration of many statements", STEP_MIGRATE, 1, 2},
    {"table rebuild with foreign keys off", STEP_MIGRATE, 2, 3},
    {"insert_many", STEP_INSERT, 1, 1},
    {"migration in two parts", STEP_MIGRATE, 3, 4},
};

#define NMIGRATIONS 4

#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* The case of each scenario (CK_RUN_CASE), which also names its data
 * file. */
static const char *const cases[NSCENARIOS] = {"statements", "rebuild",
                                              "insert_many", "parts"};

static char *url;
static sc_migration migrations[NMIGRATIONS];
static char *scripts[9];
/* Migration 4 in parts, per dialect; its second part made to fail, for
 * the state between the parts (mid_state()). */
static const char *part_sql[3][2][2];
static sc_migration_part parts4[3][2];
static sc_migration_part failing4[3][2];
static sc_migration_part loose[3]; /* migrations 1 to 3 on MariaDB */
static const char *const failing_sql[] = {"SELECT no_such_function();",
                                          NULL};
static crash_book new_books[NEW_BOOKS];
static char new_titles[NEW_BOOKS][32];

/* Stops the program when memory runs out.  Check's assertions record
 * each pass, which costs a write: this runs for every row of a dump. */
static void *need(void *p)
{
    if (p == NULL)
        abort();
    return p;
}

/* Appends printf-style text to *s (malloc'ed, NULL to start). */
static void append(char **s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void append(char **s, const char *fmt, ...)
{
    size_t old = *s != NULL ? strlen(*s) : 0;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *s = need(realloc(*s, old + (size_t)n + 1));
    va_start(ap, fmt);
    vsnprintf(*s + old, (size_t)n + 1, fmt, ap);
    va_end(ap);
}

/* The statement lists made by split(), freed at the teardown. */
static char **lists[8];
static int nlists;

/* The statements of a script of lines ending in ";\n", as the NULL-
 * terminated list a part outside a transaction runs one by one. */
static const char *const *split(const char *text)
{
    char **v = NULL;
    size_t n = 0;
    const char *end;

    while ((end = strstr(text, ";\n")) != NULL) {
        v = need(realloc(v, (n + 2) * sizeof *v));
        v[n] = need(malloc((size_t)(end - text) + 1));
        memcpy(v[n], text, (size_t)(end - text));
        v[n][end - text] = '\0';
        n++;
        text = end + 2;
    }
    v = need(realloc(v, (n + 1) * sizeof *v));
    v[n] = NULL;
    lists[nlists++] = v;
    return (const char *const *)v;
}

/* The DDL of the schema, the first migration, as one script. */
static char *ddl_script(const char *const *ddl)
{
    char *s = NULL;

    for (; *ddl != NULL; ddl++)
        append(&s, "%s;\n", *ddl);
    return s;
}

/* Migration 2: many small statements, so that a kill can fall between
 * any two; on PostgreSQL, the server waits for PAUSE_KEY halfway.
 * MariaDB spells the concatenation CONCAT() and indexes no unbounded
 * text; there each DDL statement commits by itself, before its progress
 * row, and a run killed between the two runs it again: its DDL says IF
 * NOT EXISTS (docs/MIGRATIONS.md, "MariaDB"). */
static char *many_statements(sc_dialect d)
{
    bool pg = d == SC_DIALECT_POSTGRESQL, my = d == SC_DIALECT_MARIADB;
    char *s = NULL;
    int k;

    append(&s, "ALTER TABLE book ADD COLUMN %s;\n",
           my ? "IF NOT EXISTS isbn varchar(64)" : "isbn text");
    for (k = 0; k < 10; k++)
        append(&s, my ? "UPDATE book SET isbn = CONCAT('isbn-', id, '-%d') "
                        "WHERE id %% 10 = %d;\n"
                      : "UPDATE book SET isbn = 'isbn-' || id || '-%d' "
                        "WHERE id %% 10 = %d;\n", k, k);
    append(&s, "CREATE TABLE %sshelf (id integer PRIMARY KEY, "
               "label text NOT NULL);\n", my ? "IF NOT EXISTS " : "");
    for (k = 0; k < 12; k++)
        append(&s, "INSERT INTO shelf VALUES (%d, 'shelf %d');\n", k, k);
    if (pg)
        append(&s, "SELECT pg_advisory_xact_lock(%d);\n", PAUSE_KEY);
    for (k = 12; k < 24; k++)
        append(&s, "INSERT INTO shelf VALUES (%d, 'shelf %d');\n", k, k);
    append(&s, my ? "UPDATE author SET name = CONCAT(name, ' (2)');\n"
                  : "UPDATE author SET name = name || ' (2)';\n");
    append(&s, "DELETE FROM book WHERE id %% 7 = 0;\n"
               "CREATE INDEX %sbook_isbn_idx ON book (isbn);\n",
           my ? "IF NOT EXISTS " : "");
    return s;
}

/* Migration 3 on SQLite: both tables rebuilt to gain a CHECK, as SQLite's
 * documentation has it, with foreign keys off around the transaction. */
static const char rebuild_sqlite[] =
    "CREATE TABLE author_new (\n"
    "    id INTEGER NOT NULL PRIMARY KEY,\n"
    "    name TEXT NOT NULL CHECK (length(name) > 0)\n"
    ") STRICT;\n"
    "INSERT INTO author_new (id, name) SELECT id, name FROM author;\n"
    "DROP TABLE author;\n"
    "ALTER TABLE author_new RENAME TO author;\n"
    "CREATE TABLE book_new (\n"
    "    id INTEGER NOT NULL PRIMARY KEY,\n"
    "    author_id INTEGER NOT NULL,\n"
    "    title TEXT NOT NULL CHECK (length(title) > 0),\n"
    "    pages INTEGER,\n"
    "    isbn TEXT,\n"
    "    CONSTRAINT fk_book_author_id FOREIGN KEY (author_id)\n"
    "        REFERENCES author (id) ON DELETE CASCADE\n"
    ") STRICT;\n"
    "INSERT INTO book_new (id, author_id, title, pages, isbn)\n"
    "    SELECT id, author_id, title, pages, isbn FROM book;\n"
    "DROP TABLE book;\n"
    "ALTER TABLE book_new RENAME TO book;\n"
    "CREATE INDEX ix_book_author_id ON book (author_id);\n"
    "CREATE INDEX book_isbn_idx ON book (isbn);\n";

static char *rebuild_postgresql(void)
{
    char *s = NULL;

    append(&s, "ALTER TABLE author ADD CONSTRAINT author_name_check "
               "CHECK (length(name) > 0);\n"
               "SELECT pg_advisory_xact_lock(%d);\n"
               "ALTER TABLE book ADD CONSTRAINT book_title_check "
               "CHECK (length(title) > 0);\n", PAUSE_KEY);
    return s;
}

/* Migration 3 on MariaDB: the same checks, one ALTER each. */
static const char rebuild_mariadb[] =
    "ALTER TABLE author ADD CONSTRAINT IF NOT EXISTS author_name_check "
    "CHECK (char_length(name) > 0);\n"
    "ALTER TABLE book ADD CONSTRAINT IF NOT EXISTS book_title_check "
    "CHECK (char_length(title) > 0);\n";

/* Migration 4, in two transactional parts: a column and its values,
 * then an index and a change to every author (on PostgreSQL the server
 * waits for PAUSE_KEY in the second part). */
static void make_parts(void)
{
    static const char part1[] =
        "ALTER TABLE book ADD COLUMN note text;\n"
        "UPDATE book SET note = 'note ' || id;\n";
    static const char part2_sqlite[] =
        "CREATE INDEX book_note_idx ON book (note);\n"
        "UPDATE author SET name = name || ' (4)';\n";
    static const char part2_pg[] =
        "CREATE INDEX book_note_idx ON book (note);\n"
        "SELECT pg_advisory_xact_lock(4242);\n"
        "UPDATE author SET name = name || ' (4)';\n";
    /* on MariaDB every part runs statement by statement, outside a
     * transaction (docs/MIGRATIONS.md, "MariaDB") */
    static const char part1_my[] =
        "ALTER TABLE book ADD COLUMN IF NOT EXISTS note varchar(64);\n"
        "UPDATE book SET note = CONCAT('note ', id);\n";
    static const char part2_my[] =
        "CREATE INDEX IF NOT EXISTS book_note_idx ON book (note);\n"
        "UPDATE author SET name = CONCAT(name, ' (4)');\n";
    int d, k;

    for (d = 0; d < 3; d++) {
        part_sql[d][0][0] = d == 2 ? part1_my : part1;
        part_sql[d][1][0] = d == 0 ? part2_sqlite
                                   : d == 1 ? part2_pg : part2_my;
        for (k = 0; k < 2; k++) {
            parts4[d][k].transactional = d < 2;
            parts4[d][k].sql = d < 2 ? part_sql[d][k]
                                     : split(part_sql[d][k][0]);
            failing4[d][k] = parts4[d][k];
        }
        failing4[d][1].sql = failing_sql;
    }
    migrations[3].scripts[SC_DIALECT_SQLITE].ups = parts4[0];
    migrations[3].scripts[SC_DIALECT_SQLITE].nup = 2;
    migrations[3].scripts[SC_DIALECT_POSTGRESQL].ups = parts4[1];
    migrations[3].scripts[SC_DIALECT_POSTGRESQL].nup = 2;
    migrations[3].scripts[SC_DIALECT_MARIADB].ups = parts4[2];
    migrations[3].scripts[SC_DIALECT_MARIADB].nup = 2;
}

static void make_migrations(void)
{
    static const char *const names[] = {"init", "many_statements",
                                        "rebuild", "parts"};
    static const char *const sums[] = {
        "0000000000000000000000000000000000000000000000000000000000000001",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "0000000000000000000000000000000000000000000000000000000000000003",
        "0000000000000000000000000000000000000000000000000000000000000004",
    };
    unsigned i;

    scripts[0] = ddl_script(crash_schema.ddl[SC_DIALECT_SQLITE]);
    scripts[1] = ddl_script(crash_schema.ddl[SC_DIALECT_POSTGRESQL]);
    scripts[2] = many_statements(SC_DIALECT_SQLITE);
    scripts[3] = many_statements(SC_DIALECT_POSTGRESQL);
    scripts[4] = NULL;
    scripts[5] = rebuild_postgresql();
    scripts[6] = ddl_script(crash_schema.ddl[SC_DIALECT_MARIADB]);
    scripts[7] = many_statements(SC_DIALECT_MARIADB);
    memset(migrations, 0, sizeof migrations);
    for (i = 0; i < NMIGRATIONS; i++) {
        migrations[i].version = i + 1;
        migrations[i].name = names[i];
        migrations[i].checksum = sums[i];
        if (i < 3) {
            migrations[i].scripts[SC_DIALECT_SQLITE].up = scripts[2 * i];
            migrations[i].scripts[SC_DIALECT_POSTGRESQL].up = scripts[2 * i + 1];
        }
    }
    /* on MariaDB, as the reader of a directory makes them: every script
     * a part outside a transaction, statement by statement, each
     * recorded as it finishes (docs/MIGRATIONS.md, "MariaDB") */
    loose[0] = (sc_migration_part){false, split(scripts[6])};
    loose[1] = (sc_migration_part){false, split(scripts[7])};
    loose[2] = (sc_migration_part){false, split(rebuild_mariadb)};
    for (i = 0; i < 3; i++) {
        migrations[i].scripts[SC_DIALECT_MARIADB].ups = &loose[i];
        migrations[i].scripts[SC_DIALECT_MARIADB].nup = 1;
    }
    migrations[2].scripts[SC_DIALECT_SQLITE].up = rebuild_sqlite;
    migrations[2].scripts[SC_DIALECT_SQLITE].foreign_keys_off = true;
    make_parts();
}

static void make_rows(void)
{
    int i;

    for (i = 0; i < NEW_BOOKS; i++) {
        snprintf(new_titles[i], sizeof new_titles[i], "new book %d", i);
        new_books[i] = (crash_book)CRASH_BOOK_INIT;
        new_books[i].id = FIRST_NEW + i;
        new_books[i].author_id = 1 + i % AUTHORS;
        new_books[i].title = new_titles[i];
        new_books[i].pages = 100 + i;
        new_books[i].has_pages = true;
    }
}

/* Runs the step of s on db. */
static int run_step(sc_db *db, const scenario *s)
{
    if (s->kind == STEP_MIGRATE)
        return sc_migrate(db, migrations, NMIGRATIONS, s->target);
    return crash_book_insert_many(db, new_books, NEW_BOOKS);
}

/* ---------------------------------------------------------------------
 * The database: reset, base state, dumps.
 * ------------------------------------------------------------------- */

static bool on_sqlite(void)
{
    return testdb_dialect() == SC_DIALECT_SQLITE;
}

static bool on_mariadb(void)
{
    return testdb_dialect() == SC_DIALECT_MARIADB;
}

static sc_db *open_db(void)
{
    sc_db *db = NULL;
    int rc = sc_open(url, &db);

    ck_assert_msg(rc == SC_OK, "cannot open %s: %s", url, sc_errmsg(db));
    return db;
}

/*
 * The parent's connection.  On PostgreSQL one stays open for the whole
 * case (opening one costs a server process): it empties the database,
 * builds it, holds PAUSE_KEY, watches the server and checks.  On SQLite
 * the parent opens one when it needs it and never keeps it across a
 * fork, as SQLite asks.
 */
static sc_db *ctl;

static sc_db *db_get(void)
{
    return ctl != NULL ? ctl : open_db();
}

static void db_put(sc_db *db)
{
    if (db != ctl)
        sc_close(db);
}

static void exec_ok(sc_db *db, const char *sql)
{
    ck_assert_msg(sc_exec(db, sql) == SC_OK, "%s: %s", sql, sc_errmsg(db));
}

/* Empties the database: the files go on SQLite, the schema on
 * PostgreSQL. */
static void reset_db(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char path[256];
    size_t i;

    if (!on_sqlite()) {
        testdb_empty(ctl);
        return;
    }
    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", url + strlen("sqlite:"),
                 suffixes[i]);
        ck_assert(remove(path) == 0 || errno == ENOENT);
    }
}

/* A trigger that makes the server wait for PAUSE_KEY at one row of the
 * insert_many, when the parent holds it. */
static const char pause_trigger[] =
    "CREATE FUNCTION crash_pause() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "    IF NEW.id = 10150 THEN PERFORM pg_advisory_xact_lock(4242); END IF;\n"
    "    RETURN NEW;\n"
    "END $$;\n"
    "CREATE TRIGGER book_pause BEFORE INSERT ON book\n"
    "    FOR EACH ROW EXECUTE FUNCTION crash_pause();\n";

/* Builds the state before the step of s on the empty database. */
static void build_base(const scenario *s)
{
    crash_author authors[AUTHORS];
    crash_book books[BOOKS];
    char names[AUTHORS][24], titles[BOOKS][24];
    sc_db *db = db_get();
    int i;

    ck_assert_msg(sc_migrate(db, migrations, NMIGRATIONS, 1) == SC_OK,
                  "%s", sc_errmsg(db));
    for (i = 0; i < AUTHORS; i++) {
        snprintf(names[i], sizeof names[i], "author %d", i + 1);
        authors[i] = (crash_author){.id = i + 1, .name = names[i]};
    }
    for (i = 0; i < BOOKS; i++) {
        snprintf(titles[i], sizeof titles[i], "book %d", i + 1);
        books[i] = (crash_book){.id = i + 1, .author_id = 1 + i % AUTHORS,
                                .title = titles[i], .pages = i,
                                .has_pages = i % 3 != 0};
    }
    ck_assert_int_eq(crash_author_insert_many(db, authors, AUTHORS), SC_OK);
    ck_assert_int_eq(crash_book_insert_many(db, books, BOOKS), SC_OK);
    if (s->base_version > 1)
        ck_assert_msg(sc_migrate(db, migrations, NMIGRATIONS,
                                 s->base_version) == SC_OK,
                      "%s", sc_errmsg(db));
    if (testdb_dialect() == SC_DIALECT_POSTGRESQL && s->kind == STEP_INSERT)
        exec_ok(db, pause_trigger);
    db_put(db);
}

/* The SQLite file of the base state, kept after the first build: writing
 * it back is much faster than building it again, which syncs at every
 * commit.  The last connection's close has checkpointed the WAL. */
static struct {
    char *bytes;
    size_t len;
} snapshot;

#define CHUNK 65536

static void save_snapshot(const char *path)
{
    FILE *f = fopen(path, "rb");
    char wal[256];
    size_t n = CHUNK;

    ck_assert_ptr_nonnull(f);
    snapshot.bytes = NULL;
    snapshot.len = 0;
    while (n == CHUNK) {
        snapshot.bytes = need(realloc(snapshot.bytes, snapshot.len + CHUNK));
        n = fread(snapshot.bytes + snapshot.len, 1, CHUNK, f);
        snapshot.len += n;
    }
    fclose(f);
    snprintf(wal, sizeof wal, "%s-wal", path);
    ck_assert_msg(access(wal, F_OK) != 0, "the WAL outlived the close");
}

static void restore_snapshot(const char *path)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(snapshot.bytes, 1, snapshot.len, f),
                      snapshot.len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Brings the database to the state before the step of s. */
static void make_base(const scenario *s)
{
    const char *path = url + strlen("sqlite:");

    reset_db();
    if (on_sqlite() && snapshot.bytes != NULL) {
        restore_snapshot(path);
        return;
    }
    build_base(s);
    if (on_sqlite())
        save_snapshot(path);
}

/* Lines of text, sorted before they are joined. */
typedef struct lines {
    char **v;
    size_t n, cap;
    const char *prefix;
} lines;

static int add_line(void *ctx, int ncols, const char *const *texts)
{
    lines *l = ctx;
    char *s = NULL;
    int i;

    append(&s, "%s", l->prefix);
    for (i = 0; i < ncols; i++)
        append(&s, "|%s", texts[i] != NULL ? texts[i] : "NULL");
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = need(realloc(l->v, l->cap * sizeof *l->v));
    }
    l->v[l->n++] = s;
    return 0;
}

static void query_lines(sc_db *db, lines *l, const char *prefix,
                        const char *sql)
{
    l->prefix = prefix;
    ck_assert_msg(sc_query_sql_each(db, sql, add_line, l) == SC_OK,
                  "%s: %s", sql, sc_errmsg(db));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *const sqlite_catalog[] = {
    "SELECT type, name, tbl_name, sql FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_%'",
    NULL,
};

static const char *const pg_catalog[] = {
    "SELECT table_name, column_name, data_type, is_nullable, "
    "column_default FROM information_schema.columns "
    "WHERE table_schema = 'public'",
    "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
    "FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
    "SELECT event_object_table, trigger_name, action_statement "
    "FROM information_schema.triggers WHERE trigger_schema = 'public'",
    NULL,
};

static const char *const mariadb_catalog[] = {
    "SELECT table_name, column_name, column_type, is_nullable, "
    "column_default FROM information_schema.columns "
    "WHERE table_schema = DATABASE()",
    "SELECT table_name, index_name, non_unique, seq_in_index, column_name "
    "FROM information_schema.statistics WHERE table_schema = DATABASE()",
    "SELECT table_name, constraint_name, constraint_type "
    "FROM information_schema.table_constraints "
    "WHERE constraint_schema = DATABASE()",
    "SELECT constraint_name, check_clause "
    "FROM information_schema.check_constraints "
    "WHERE constraint_schema = DATABASE()",
    NULL,
};

/* The whole state of the database as one text: its catalog and every
 * row of every table, sorted (applied_at and finished_at, times, left
 * out). */
static char *dump(sc_db *db)
{
    const char *const *cat = on_sqlite()    ? sqlite_catalog
                             : on_mariadb() ? mariadb_catalog
                                            : pg_catalog;
    lines tables = {0}, all = {0};
    char sql[160], *out = NULL;
    size_t i, len, size = 0;

    for (; *cat != NULL; cat++)
        query_lines(db, &all, "catalog", *cat);
    query_lines(db, &tables, "",
                testdb_pick3("SELECT name FROM sqlite_master WHERE type = "
                             "'table' AND name NOT LIKE 'sqlite_%'",
                             "SELECT table_name FROM information_schema."
                             "tables WHERE table_schema = 'public'",
                             "SELECT table_name FROM information_schema."
                             "tables WHERE table_schema = DATABASE()"));
    for (i = 0; i < tables.n; i++) {
        const char *name = tables.v[i] + 1; /* after the '|' */

        if (strcmp(name, "schemac_migrations") == 0)
            snprintf(sql, sizeof sql, "SELECT version, name, checksum "
                                      "FROM schemac_migrations");
        else if (strcmp(name, "schemac_migration_parts") == 0)
            snprintf(sql, sizeof sql, "SELECT version, direction, part, "
                     "statements, checksum FROM schemac_migration_parts");
        else
            snprintf(sql, sizeof sql, on_mariadb() ? "SELECT * FROM `%s`"
                                                   : "SELECT * FROM \"%s\"",
                     name);
        query_lines(db, &all, name, sql);
        free(tables.v[i]);
    }
    free(tables.v);
    qsort(all.v, all.n, sizeof *all.v, cmp_str);
    append(&out, "%zu lines\n", all.n);
    len = strlen(out);
    for (i = 0; i < all.n; i++)
        size += strlen(all.v[i]) + 1;
    out = need(realloc(out, len + size + 1));
    for (i = 0; i < all.n; i++) {
        size = strlen(all.v[i]);
        memcpy(out + len, all.v[i], size);
        out[len + size] = '\n';
        len += size + 1;
        free(all.v[i]);
    }
    out[len] = '\0';
    free(all.v);
    return out;
}

/* The rows of every table, in one text the three databases must agree
 * on (tests/scripts/crash-same.sh compares them): the tables sorted by
 * name, each headed by its columns in their order, then its rows by its
 * key, which is each table's first column, the values as the database
 * prints them and NULL for none; the runner's times left out.  The progress rows of parts are left
 * out: MariaDB records every migration in parts, the others only those
 * written so. */
static char *data_text(sc_db *db)
{
    const char *q = on_mariadb() ? "`" : "\"";
    lines tables = {0};
    char sql[256], *out = NULL, *select;
    size_t i, k;

    query_lines(db, &tables, "",
                testdb_pick3("SELECT name FROM sqlite_master WHERE type = "
                             "'table' AND name NOT LIKE 'sqlite_%' "
                             "ORDER BY name",
                             "SELECT table_name FROM information_schema."
                             "tables WHERE table_schema = 'public' "
                             "ORDER BY 1",
                             "SELECT table_name FROM information_schema."
                             "tables WHERE table_schema = DATABASE() "
                             "ORDER BY 1"));
    for (i = 0; i < tables.n; i++) {
        const char *name = tables.v[i] + 1; /* after the '|' */
        lines cols = {0}, rows = {0};
        int n = 0;

        select = NULL;
        snprintf(sql, sizeof sql,
                 testdb_pick3("SELECT name FROM pragma_table_info('%s') "
                              "ORDER BY cid",
                              "SELECT column_name FROM information_schema."
                              "columns WHERE table_schema = 'public' AND "
                              "table_name = '%s' ORDER BY ordinal_position",
                              "SELECT column_name FROM information_schema."
                              "columns WHERE table_schema = DATABASE() AND "
                              "table_name = '%s' ORDER BY ordinal_position"),
                 name);
        if (strcmp(name, "schemac_migration_parts") != 0)
            query_lines(db, &cols, "", sql);
        if (cols.n > 0)
            append(&out, "table %s (", name);
        for (k = 0; k < cols.n; k++) {
            const char *col = cols.v[k] + 1;

            /* the runner's times differ from run to run */
            if (strcmp(col, "applied_at") != 0 &&
                strcmp(col, "finished_at") != 0) {
                append(&out, "%s%s", n ? ", " : "", col);
                append(&select, "%s%s%s%s", n++ ? ", " : "SELECT ", q, col,
                       q);
            }
            free(cols.v[k]);
        }
        free(cols.v);
        if (n > 0) {
            append(&out, ")\n");
            append(&select, " FROM %s%s%s ORDER BY 1", q, name, q);
            query_lines(db, &rows, "", select);
        }
        for (k = 0; k < rows.n; k++) {
            append(&out, "%s\n", rows.v[k] + 1);
            free(rows.v[k]);
        }
        free(rows.v);
        free(select);
        free(tables.v[i]);
    }
    free(tables.v);
    return out;
}

/* The file SCHEMAC_CRASH_DATA/CASE.DIALECT that the case's final data
 * goes to; NULL when the variable is unset or empty. */
static char *data_path(const char *name)
{
    const char *dir = getenv("SCHEMAC_CRASH_DATA");
    char *path = NULL;

    if (dir == NULL || *dir == '\0')
        return NULL;
    append(&path, "%s/%s.%s", dir, name,
           testdb_pick3("sqlite", "postgresql", "mariadb"));
    return path;
}

/* Writes the final data of case name, through a temporary file renamed
 * into place, so that a reader never sees half of it. */
static void write_data(const char *name, sc_db *db)
{
    char *path = data_path(name), *tmp = NULL, *text;
    FILE *f;

    if (path == NULL)
        return;
    text = data_text(db);
    append(&tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    ck_assert_msg(f != NULL, "%s: %s", tmp, strerror(errno));
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(rename(tmp, path) == 0, "%s: %s", path, strerror(errno));
    free(text);
    free(tmp);
    free(path);
}

/* Removes the data file of case name, so that a failed run leaves none
 * for crash-same.sh to read. */
static void remove_data(const char *name)
{
    char *path = data_path(name);
    const char *dir = getenv("SCHEMAC_CRASH_DATA");

    if (path == NULL)
        return;
    ck_assert_msg(mkdir(dir, 0777) == 0 || errno == EEXIST, "%s: %s", dir,
                  strerror(errno));
    ck_assert_msg(remove(path) == 0 || errno == ENOENT, "%s: %s", path,
                  strerror(errno));
    free(path);
}

/* The first line where two dumps differ, for the failure message. */
static const char *first_difference(const char *a, const char *b)
{
    static char where[200];
    size_t i = 0, start = 0;

    while (a[i] != '\0' && a[i] == b[i]) {
        if (a[i] == '\n')
            start = i + 1;
        i++;
    }
    snprintf(where, sizeof where, "\"%.*s\" where \"%.*s\" was expected",
             (int)strcspn(a + start, "\n") % 80, a + start,
             (int)strcspn(b + start, "\n") % 80, b + start);
    return where;
}

/* The one integer sql returns. */
static int64_t query_int(sc_db *db, const char *sql)
{
    lines l = {0};
    int64_t v;

    query_lines(db, &l, "", sql);
    ck_assert_msg(l.n == 1, "%s: %zu rows", sql, l.n);
    v = strtoll(l.v[0] + 1, NULL, 10);
    free(l.v[0]);
    free(l.v);
    return v;
}

/* SQLite's own checks of the file: integrity and foreign keys. */
static void check_file(sc_db *db)
{
    lines l = {0};
    size_t i;

    if (!on_sqlite())
        return;
    query_lines(db, &l, "", "PRAGMA integrity_check");
    ck_assert_msg(l.n == 1 && strcmp(l.v[0], "|ok") == 0,
                  "integrity_check: %s", l.n ? l.v[0] : "no rows");
    free(l.v[0]);
    l.n = 0;
    query_lines(db, &l, "", "PRAGMA foreign_key_check");
    ck_assert_msg(l.n == 0, "foreign_key_check: %s", l.n ? l.v[0] : "");
    for (i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
}

/* ---------------------------------------------------------------------
 * The child: runs the step and stops at the kill point.
 * ------------------------------------------------------------------- */

typedef enum kill_kind {
    KILL_NONE,   /* run to the end: the calibration run */
    KILL_STMT,   /* SQLite: at the start of statement N; PostgreSQL:
                    after traced statement N */
    KILL_COMMIT, /* SQLite: inside the Nth commit (commit hook) */
    KILL_WRITE,  /* SQLite: before (N = 2i - 1) or after (N = 2i) the
                    ith write to the database or WAL file, inside a
                    commit or the checkpoint at the close */
    KILL_SERVER  /* PostgreSQL: while the server waits for PAUSE_KEY */
} kill_kind;

/* What the child writes to the pipe. */
typedef struct report {
    char type;      /* 'P' server pid, 'K' stopped, 'D' done */
    int pid;        /* 'P': the server process of the connection */
    int stmts;      /* 'D': statements counted */
    int commit_at;  /* 'D': the number of the last COMMIT statement */
    int commits;    /* 'D': commits seen by the commit hook */
    int writes;     /* 'D': writes to the files */
    int rc;         /* 'D': what the step returned */
} report;

static struct {
    int fd;
    kill_kind kind;
    int point;
    bool armed;
    int stmts, commit_at, commits, writes;
} child;

static void send_report(const report *r)
{
    ssize_t n = write(child.fd, r, sizeof *r);

    if (n != (ssize_t)sizeof *r)
        _exit(3);
}

/* The kill point: tell the parent and wait for the signal. */
static void stop_here(void)
{
    report r = {.type = 'K'};

    send_report(&r);
    for (;;)
        pause();
}

static void count_statement(const char *sql)
{
    if (!child.armed)
        return;
    child.stmts++;
    if (strcmp(sql, "COMMIT") == 0)
        child.commit_at = child.stmts;
    if (child.kind == KILL_STMT && child.stmts == child.point)
        stop_here();
}

static int on_sqlite_stmt(unsigned type, void *ctx, void *p, void *x)
{
    (void)type, (void)ctx, (void)p;
    count_statement(x);
    return 0;
}

static int on_sqlite_commit(void *ctx)
{
    (void)ctx;
    if (!child.armed)
        return 0;
    child.commits++;
    if (child.kind == KILL_COMMIT && child.commits == child.point)
        stop_here();
    return 0;
}

/*
 * A VFS over SQLite's default one that counts the writes to the database
 * and WAL files, so that a kill can fall between two frames of a commit
 * or two pages of a checkpoint.  Each file is the shim's header followed
 * by the file of the default VFS, to which every call goes on.
 */
typedef struct shim_file {
    sqlite3_file base;
    sqlite3_file *real;
    void *pad; /* keeps the real file aligned for any type */
} shim_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;

#define REAL(f) (((shim_file *)(f))->real)
#define RM(f)   (REAL(f)->pMethods)

static int shim_close(sqlite3_file *f)
{
    return RM(f)->xClose(REAL(f));
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return RM(f)->xRead(REAL(f), buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n,
                      sqlite3_int64 off)
{
    int rc;

    if (child.armed) {
        child.writes++;
        if (child.kind == KILL_WRITE && 2 * child.writes - 1 == child.point)
            stop_here();
    }
    rc = RM(f)->xWrite(REAL(f), buf, n, off);
    if (child.armed && child.kind == KILL_WRITE &&
        2 * child.writes == child.point)
        stop_here();
    return rc;
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return RM(f)->xTruncate(REAL(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
    return RM(f)->xSync(REAL(f), flags);
}

static int shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return RM(f)->xFileSize(REAL(f), size);
}

static int shim_lock(sqlite3_file *f, int lock)
{
    return RM(f)->xLock(REAL(f), lock);
}

static int shim_unlock(sqlite3_file *f, int lock)
{
    return RM(f)->xUnlock(REAL(f), lock);
}

static int shim_check_lock(sqlite3_file *f, int *out)
{
    return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int shim_control(sqlite3_file *f, int op, void *arg)
{
    return RM(f)->xFileControl(REAL(f), op, arg);
}

static int shim_sector(sqlite3_file *f)
{
    return RM(f)->xSectorSize(REAL(f));
}

static int shim_device(sqlite3_file *f)
{
    return RM(f)->xDeviceCharacteristics(REAL(f));
}

static int shim_shm_map(sqlite3_file *f, int pg, int size, int extend,
                        void volatile **out)
{
    return RM(f)->xShmMap(REAL(f), pg, size, extend, out);
}

static int shim_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return RM(f)->xShmLock(REAL(f), off, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
    RM(f)->xShmBarrier(REAL(f));
}

static int shim_shm_unmap(sqlite3_file *f, int del)
{
    return RM(f)->xShmUnmap(REAL(f), del);
}

static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
    return RM(f)->xFetch(REAL(f), off, n, p);
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return RM(f)->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_io = {
    3,
    shim_close, shim_read, shim_write, shim_truncate, shim_sync,
    shim_file_size, shim_lock, shim_unlock, shim_check_lock, shim_control,
    shim_sector, shim_device, shim_shm_map, shim_shm_lock, shim_shm_barrier,
    shim_shm_unmap, shim_fetch, shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
                     int flags, int *out_flags)
{
    shim_file *sf = (shim_file *)f;
    int rc;

    (void)vfs;
    sf->real = (sqlite3_file *)(sf + 1);
    rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out_flags);
    /* the shim's methods need those of the real file, version 3 */
    f->pMethods = rc == SQLITE_OK ? &shim_io : NULL;
    if (rc == SQLITE_OK && sf->real->pMethods->iVersion < 3) {
        sf->real->pMethods->xClose(sf->real);
        f->pMethods = NULL;
        rc = SQLITE_CANTOPEN;
    }
    return rc;
}

/* Makes the shim the default VFS of the process. */
static void install_shim(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    shim_vfs = *real_vfs;
    shim_vfs.zName = "crash-shim";
    shim_vfs.szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile;
    shim_vfs.xOpen = shim_open;
    sqlite3_vfs_register(&shim_vfs, 1);
}

/* Called by SQLite for every connection the child opens. */
static int hook_connection(sqlite3 *db, const char **err,
                           const struct sqlite3_api_routines *api)
{
    (void)err, (void)api;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_sqlite_stmt, NULL);
    sqlite3_commit_hook(db, on_sqlite_commit, NULL);
    return SQLITE_OK;
}

static void on_trace(void *ctx, const sc_trace_event *ev)
{
    (void)ctx;
    count_statement(ev->sql);
}

static int print_pid(void *ctx, int ncols, const char *const *texts)
{
    int *pid = ctx;

    *pid = ncols == 1 && texts[0] != NULL ? atoi(texts[0]) : 0;
    return 0;
}

static void run_child(const scenario *s, int fd, kill_kind kind, int point)
{
    report r = {.type = 'P'};
    sc_db *db = NULL;

    child.fd = fd;
    child.kind = kind;
    child.point = point;
    if (on_sqlite()) {
        install_shim();
        sqlite3_auto_extension((void (*)(void))hook_connection);
    }
    if (sc_open(url, &db) != SC_OK)
        _exit(4);
    if (!on_sqlite()) {
        sc_trace(db, on_trace, NULL);
        if (sc_query_sql_each(db, testdb_pick3(NULL, "SELECT "
                                               "pg_backend_pid()",
                                               "SELECT CONNECTION_ID()"),
                              print_pid, &r.pid) != SC_OK)
            _exit(5);
    }
    send_report(&r);
    child.armed = true;
    r.rc = run_step(db, s);
    sc_close(db); /* the last connection: it checkpoints the WAL */
    child.armed = false;
    r.type = 'D';
    r.stmts = child.stmts;
    r.commit_at = child.commit_at;
    r.commits = child.commits;
    r.writes = child.writes;
    send_report(&r);
    _exit(0);
}

/* ---------------------------------------------------------------------
 * The parent: forks, kills, checks.
 * ------------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads the next report, waiting at most ms; false on timeout. */
static bool read_report(int fd, report *r, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    ssize_t n;

    if (poll(&p, 1, ms) <= 0)
        return false;
    n = read(fd, r, sizeof *r);
    ck_assert_msg(n == (ssize_t)sizeof *r, "the child died early (%zd)",
                  n);
    return true;
}

/* Waits until the server has the client blocked on PAUSE_KEY. */
static void wait_for_server(sc_db *watch)
{
    double t0 = now_ms();

    while (query_int(watch, "SELECT count(*) FROM pg_locks WHERE "
                            "locktype = 'advisory' AND objid = 4242 "
                            "AND NOT granted") == 0) {
        ck_assert_msg(now_ms() - t0 < WAIT_MS,
                      "the server never waited for the lock");
        nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
    }
}

/* Waits until the server process of the killed client is gone; returns
 * how long that took. */
static double wait_server_gone(sc_db *watch, int pid)
{
    char sql[96];
    double t0 = now_ms();

    snprintf(sql, sizeof sql,
             on_mariadb() ? "SELECT count(*) FROM information_schema."
                            "processlist WHERE id = %d"
                          : "SELECT count(*) FROM pg_stat_activity "
                            "WHERE pid = %d", pid);
    while (query_int(watch, sql) != 0) {
        ck_assert_msg(now_ms() - t0 < WAIT_MS,
                      "server process %d outlived its client", pid);
        nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
    }
    return now_ms() - t0;
}

/* The advisory locks held or awaited by server process pid (0: by
 * anyone but the parent). */
static int64_t count_locks(int pid)
{
    char sql[160];

    /* on MariaDB, the runners' session lock (GET_LOCK) */
    if (on_mariadb())
        return query_int(ctl, "SELECT count(*) FROM (SELECT "
                              "IS_USED_LOCK('schemac_migrations') AS c) l "
                              "WHERE c IS NOT NULL");

    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_locks WHERE "
             "locktype = 'advisory' AND pid %s %d",
             pid ? "=" : "<>", pid ? pid : (int)query_int(ctl, "SELECT "
                                                   "pg_backend_pid()"));
    return query_int(ctl, sql);
}

/* The outcome of one child. */
typedef struct outcome {
    bool killed;
    report done; /* when not killed */
    int server_pid;
    double server_gone_ms;
} outcome;

/* Forks a child running the step of s up to the kill point and kills
 * it there. */
static outcome run_point(const scenario *s, kill_kind kind, int point)
{
    outcome o = {0};
    report r;
    int fds[2], status;
    pid_t pid;

    if (kind == KILL_SERVER) {
        ck_assert_int_eq(sc_begin(ctl), SC_OK);
        exec_ok(ctl, "SELECT pg_advisory_xact_lock(4242)");
    }
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        run_child(s, fds[1], kind, point);
    }
    close(fds[1]);
    ck_assert_msg(read_report(fds[0], &r, WAIT_MS) && r.type == 'P',
                  "the child did not start");
    o.server_pid = r.pid;
    if (kind == KILL_SERVER) {
        wait_for_server(ctl);
        o.killed = true;
    } else {
        ck_assert_msg(read_report(fds[0], &r, WAIT_MS), "the child hangs");
        o.killed = r.type == 'K';
        o.done = r;
    }
    if (o.killed)
        kill(pid, SIGKILL);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    close(fds[0]);
    if (o.killed)
        ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    else
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "the child failed: status %d", status);
    if (kind == KILL_SERVER) {
        /* the dead client's server process still holds the runner's
         * locks: it sees the connection closed only after the wait */
        ck_assert_int_gt(count_locks(o.server_pid), 0);
        ck_assert_int_eq(sc_rollback(ctl), SC_OK);
    }
    if (!on_sqlite() && o.killed) {
        o.server_gone_ms = wait_server_gone(ctl, o.server_pid);
        ck_assert_int_eq(count_locks(0), 0);
    }
    return o;
}

/* The figures of one scenario, printed at its end. */
typedef struct figures {
    int points, before, after, mid, half;
    double ms, server_gone_ms;
} figures;

/* Kills the step at one point and checks the state and the next run. */
static void try_point(const scenario *s, kill_kind kind, int point,
                      int want_after, const char *before,
                      const char *after, const char *mid, figures *f)
{
    outcome o;
    unsigned version;
    sc_db *db;
    char *state;
    bool is_after, half;

    make_base(s);
    o = run_point(s, kind, point);
    ck_assert_msg(o.killed, "%s: point %d of kind %d was never reached",
                  s->name, point, kind);
    db = db_get();
    state = dump(db);
    is_after = strcmp(state, after) == 0;
    /* where DDL commits by itself, a migration killed mid-step stops
     * after the statements it recorded: a half-done state of its own,
     * which the next run resumes */
    half = !is_after && strcmp(state, before) != 0 &&
           s->kind == STEP_MIGRATE &&
           !sc__dialect_of(testdb_dialect())->transactional_ddl;
    if (half) {
        ck_assert_msg(query_int(db, "SELECT count(*) FROM "
                                    "schemac_migration_parts") > 0,
                      "%s, killed at %d: changed but nothing recorded",
                      s->name, point);
        f->half++;
    }
    /* a migration in parts may also stop after its first part */
    ck_assert_msg(is_after || half || strcmp(state, before) == 0 ||
                      (mid != NULL && strcmp(state, mid) == 0),
                  "%s, killed at %d (kind %d): neither before nor after: "
                  "%s", s->name, point, kind,
                  first_difference(state, before));
    f->mid += !half && mid != NULL && strcmp(state, mid) == 0;
    ck_assert_msg(want_after < 0 || is_after == want_after,
                  "%s, killed at %d (kind %d): %s, expected %s", s->name,
                  point, kind, is_after ? "after" : "before",
                  want_after ? "after" : "before");
    ck_assert_int_eq(sc_migrate_current(db, &version), SC_OK);
    if (s->kind == STEP_MIGRATE)
        ck_assert_uint_eq(version, is_after ? s->target : s->base_version);
    else
        ck_assert_uint_eq(version, s->base_version);
    check_file(db);
    free(state);
    /* the next run: the whole step again, or nothing left to do */
    if (s->kind == STEP_MIGRATE || !is_after)
        ck_assert_msg(run_step(db, s) == SC_OK, "%s: rerun after %d: %s",
                      s->name, point, sc_errmsg(db));
    state = dump(db);
    ck_assert_msg(strcmp(state, after) == 0, "%s: rerun after %d: %s",
                  s->name, point, first_difference(state, after));
    ck_assert_int_eq(sc_migrate_current(db, &version), SC_OK);
    ck_assert_uint_eq(version, s->target);
    check_file(db);
    free(state);
    db_put(db);
    f->points++;
    f->before += !is_after && !half;
    f->after += is_after;
    if (o.server_gone_ms > f->server_gone_ms)
        f->server_gone_ms = o.server_gone_ms;
}

/* The points tried among 1..n: all when few, else the first and last
 * few and an even spread between. */
static bool chosen(int i, int n)
{
    int max = on_sqlite() ? MAX_POINTS_SQLITE : MAX_POINTS_PG;
    int step = n / (max - 8);

    return n <= max || i <= 4 || i > n - 4 || i % step == 0;
}

/* The state after the first part of migration 4 only: its second part
 * fails, leaving the first and its progress row. */
static char *mid_state(const scenario *s)
{
    sc_migration m[NMIGRATIONS];
    sc_db *db;
    char *state;

    memcpy(m, migrations, sizeof m);
    m[3].scripts[SC_DIALECT_SQLITE].ups = failing4[0];
    m[3].scripts[SC_DIALECT_POSTGRESQL].ups = failing4[1];
    m[3].scripts[SC_DIALECT_MARIADB].ups = failing4[2];
    make_base(s);
    db = db_get();
    ck_assert_int_eq(sc_migrate(db, m, NMIGRATIONS, 4), SC_ERROR);
    state = dump(db);
    db_put(db);
    return state;
}

START_TEST(test_kill)
{
    const scenario *s = &scenarios[_i];
    double t0 = now_ms();
    char *before, *after, *mid = NULL;
    figures f = {0};
    outcome o;
    sc_db *db;
    int i;

    remove_data(cases[_i]);
    if (s->target == 4)
        mid = mid_state(s);

    /* the uninterrupted run: the points, and the state after */
    make_base(s);
    db = db_get();
    before = dump(db);
    db_put(db);
    o = run_point(s, KILL_NONE, 0);
    ck_assert_msg(o.done.rc == SC_OK, "%s: the step failed: %d", s->name,
                  o.done.rc);
    ck_assert_int_gt(o.done.commit_at, 0);
    db = db_get();
    after = dump(db);
    db_put(db);
    ck_assert_str_ne(before, after);

    for (i = 1; i <= o.done.stmts; i++) {
        if (chosen(i, o.done.stmts))
            try_point(s, KILL_STMT, i,
                      on_sqlite() ? i > o.done.commit_at
                                  : i >= o.done.commit_at,
                      before, after, mid, &f);
    }
    for (i = 1; i <= o.done.commits; i++)
        try_point(s, KILL_COMMIT, i, false, before, after, mid, &f);
    /* inside a commit or the checkpoint at the close, a kill leaves
     * either state, depending on whether the commit frame was written:
     * only "never between" is checked there */
    for (i = 1; i <= 2 * o.done.writes; i++) {
        if (chosen(i, 2 * o.done.writes))
            try_point(s, KILL_WRITE, i, -1, before, after, mid, &f);
    }
    if (testdb_dialect() == SC_DIALECT_POSTGRESQL)
        try_point(s, KILL_SERVER, 0, false, before, after, mid, &f);
    /* every point ended in the state after, which the case reports */
    db = db_get();
    write_data(cases[_i], db);
    db_put(db);
    f.ms = now_ms() - t0;
    printf("crash %s (%s): %d statements, %d commits, %d file writes; "
           "%d kill points "
           "(%d left the state before, %d between parts, %d half done, "
           "%d after); "
           "%.0f ms; "
           "dumps of %.*s and %.*s; slowest server exit %.1f ms\n",
           s->name, testdb_pick3("sqlite", "postgresql", "mariadb"),
           o.done.stmts,
           o.done.commits, o.done.writes, f.points, f.before - f.mid, f.mid,
           f.half, f.after, f.ms,
           (int)strcspn(before, "\n"), before, (int)strcspn(after, "\n"),
           after, f.server_gone_ms);
    fflush(stdout);
    free(before);
    free(after);
    free(mid);
}
END_TEST

static void setup(void)
{
    url = strdup(testdb_shared_url());
    ctl = on_sqlite() ? NULL : open_db();
    make_migrations();
    make_rows();
}

static void teardown(void)
{
    int i;

    if (on_sqlite())
        reset_db();
    sc_close(ctl);
    ctl = NULL;
    testdb_shared_done();
    free(url);
    for (i = 0; i < 9; i++)
        free(scripts[i]);
    for (i = 0; i < nlists; i++) {
        char **v;

        for (v = lists[i]; *v != NULL; v++)
            free(*v);
        free(lists[i]);
    }
    nlists = 0;
    free(snapshot.bytes);
    snapshot.bytes = NULL;
}

/* One case per scenario, so that each can run alone (CK_RUN_CASE=name,
 * as tests/unit/meson.build does). */
Suite *make_suite(void)
{
    Suite *s = suite_create("crash");
    size_t i;

    for (i = 0; i < NSCENARIOS; i++) {
        TCase *tc = tcase_create(cases[i]);

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 120);
        tcase_add_loop_test(tc, test_kill, (int)i, (int)i + 1);
        suite_add_tcase(s, tc);
    }
    return s;
}
