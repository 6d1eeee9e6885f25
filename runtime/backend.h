/*
 * backend.h - the interface between the runtime's core and a database
 * driver.  The core (db.c, row.c and the files beside them; see
 * internal.h) builds SQL, binds values, reads columns, caches statements
 * and words errors; a backend (sqlite.c, postgres.c, mariadb.c) only
 * moves values in and out of its driver through the table of
 * function pointers below.  Adding a database means writing one
 * more table and listing it in registry.c; the core does not change.
 *
 * What differs between SQL dialects is said here, not tested by name in
 * the core: the placeholder text, whether a new key comes back through
 * RETURNING, how transactions start, and whether executions can be sent
 * in a batch (the pipeline functions, NULL when the driver has none).
 *
 * Connections and statements are opaque to the core (void *).  Functions
 * return SC_* codes; after a failure the core calls error() on the
 * connection, before anything else runs on it, to learn the details.
 */
#ifndef SC_BACKEND_H
#define SC_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "schemac.h"

struct sc__buf; /* internal.h */

/* What step() returns besides an error code. */
#define SC__ROW  100 /* a row is ready to read */
#define SC__DONE 101 /* the statement has finished */
/* What pipeline_result() returns when the backend ran a part of the
 * batch in a form whose outcomes it cannot tell row by row (array
 * binding), and that part failed: the core rolls back what the batch
 * did and runs it again one statement at a time. */
#define SC__REDO 102

/* The storage class of a value, as bound or as read. */
typedef enum sc_value_kind {
    SC_VAL_NULL = 0,
    SC_VAL_INT,   /* i */
    SC_VAL_FLOAT, /* f */
    SC_VAL_TEXT,  /* p, len: UTF-8, not necessarily NUL-terminated */
    SC_VAL_BLOB   /* p, len: p is never NULL, even when len is 0 */
} sc_value_kind;

/*
 * One parameter or column value.  type is the column's schema type and col
 * the column (NULL for values that belong to none, as a LIMIT), so that a
 * backend with typed parameters (PostgreSQL) can choose the wire form and
 * find the scale of a numeric; a backend may ignore both.  When reading,
 * both are left zero.  Text and blob pointers belong to the caller when
 * binding (valid until the statement is reset) and to the backend when
 * reading (valid until the next step or reset).  Text read from a column
 * is followed by a NUL byte, so that a streamed row can point at it.
 */
typedef struct sc_value {
    sc_value_kind kind;
    sc_type type;
    const sc_column_desc *col;
    int64_t i;
    double f;
    const void *p;
    size_t len;
    /* Text known to be a C string: p[len] is a NUL and no NUL comes
     * before it, so that a backend may say so instead of copying it.
     * For binding only: column() leaves it as it was, and a value made
     * for binding starts zeroed (or from sc__field_value()). */
    bool cstr;
} sc_value;

/*
 * A table's columns as read_plan() stores them: per column, the C form
 * of its field, worked out once per table and connection from the
 * descriptor (row.c), so that a row is read without asking the
 * descriptor about each value again.
 */
enum {
    SC__READ_I64,         /* int64, numeric, timestamp: an int64_t */
    SC__READ_I32,         /* int32, date: an int32_t, when it fits */
    SC__READ_BOOL,        /* a bool, when 0 or 1 */
    SC__READ_F64,         /* a double */
    SC__READ_TEXT,        /* text, json: a const char * */
    SC__READ_CAREFUL,     /* the core's careful read: a format, an enum,
                             a decimal, bytes, int16, float32 */
    SC__READ_NOPS,
    SC__READ_SKIP = SC__READ_NOPS /* a key column whose value the caller
                                     has (a get): not read */
};

/* A column of a plan.  A field without a has_ flag has has_offset equal
 * to offset: the reader writes the flag's true first and the value over
 * it, so that no column asks whether it has a flag. */
typedef struct sc__read_col {
    uint32_t col;         /* the result column, from 0 */
    uint32_t offset;      /* of the field */
    uint32_t has_offset;  /* of its has_ flag, or offset */
    bool has;             /* the struct has a has_ flag */
    bool nullable;        /* has, and the column is not NOT NULL: a NULL
                             is to be looked for in every row */
    unsigned char size;   /* of the field, for a NULL's zeroes */
} sc__read_col;

/* Stores a NULL: the field's zeroes and its has_ flag's false (a whole
 * plan writes every field, NULLs too, so that rows are not zeroed
 * before they are read). */
static inline void sc__read_null(char *row, uint32_t offset,
                                 uint32_t has_offset, unsigned size)
{
    memset(row + offset, 0, size);
    row[has_offset] = false;
}

/* The plan of table t's rows: its columns grouped by how they are read,
 * cols[end[op - 1]] to cols[end[op]] (from cols[0] for op 0) those read
 * as op, each group in column order; columns a get skips are in none. */
typedef struct sc__read_plan {
    const sc_table_desc *t;
    bool key_i64;   /* a get's: the key is one int64 column, skipped */
    const sc_column_desc *key; /* that column when key_i64, else NULL */
    /* No SC__READ_CAREFUL column: read_plan() writes every field of the
     * row (a get's skipped keys aside), so that out need not be zeroed
     * before. */
    bool whole;
    unsigned groups;  /* bit op set: the group of op holds a column */
    unsigned end[SC__READ_NOPS];
    sc__read_col cols[];
} sc__read_plan;

/*
 * The details of the last failure on a connection.  Strings are empty when
 * the backend cannot tell.  For a constraint failure, table and column name
 * the violated column when there is one, detail holds the backend's list of
 * columns ("users.a, users.b"), and constraint the constraint's name.
 */
typedef struct sc_backend_error {
    int code;     /* SC_* primary code */
    int extended; /* SC_CONSTRAINT_* or the primary code */
    char message[512];
    char table[128];
    char column[128];
    char detail[256];
    char constraint[128];
    int param;    /* the parameter (from 1) whose value was refused, or 0 */
} sc_backend_error;

/* What a connection asks of its driver (sc_open_opts, the URL's options
 * taken out of the URL): busy_timeout_ms < 0 and fetch_size 0 ask for
 * the backend's defaults. */
typedef struct sc__conn_opts {
    int busy_timeout_ms;
    int fetch_size;
    bool unnamed;        /* prepare=off: keep no named statements */
} sc__conn_opts;

typedef struct sc_backend {
    const char *name;             /* "sqlite" */
    /* The SQL the core writes for it: its entry in dialect.h, which
     * also says how transactions begin and whether an insert returns
     * the new key. */
    sc_dialect dialect;

    /* Opens url (the whole URL).  On failure *conn is NULL and err says
     * why, naming no password.  Returns SC_OK, SC_CANTOPEN, SC_MISUSE,
     * SC_NOMEM. */
    int (*open)(const char *url, const sc__conn_opts *opts, void **conn,
                sc_backend_error *err);
    void (*close)(void *conn);
    /* Runs SQL text without parameters, maybe several statements. */
    int (*exec)(void *conn, const char *sql);
    /* Compiles one statement; persistent is a hint that it is cached. */
    int (*prepare)(void *conn, const char *sql, bool persistent,
                   void **stmt);
    /* Binds v to parameter i (from 1).  On failure *why is a static
     * phrase saying what is wrong with the value.  v is the value of its
     * C type; a column kept in another form (v->col->format) is bound in
     * that form, which sc__stored_form() (internal.h) writes. */
    int (*bind)(void *stmt, int i, const sc_value *v, const char **why);
    /* SC__ROW, SC__DONE, or an error code. */
    int (*step)(void *stmt);
    /* Reads column i (from 0) of the current row as kind: out->kind is
     * kind, or SC_VAL_NULL.  Only the fields of kind need be set (zero
     * for NULL), and type and col.  Returns SC_OK, SC_NOMEM, or SC_RANGE
     * for a stored value that no value of kind is (MariaDB's BIGINT
     * UNSIGNED above INT64_MAX, a zero date), out then its text (kind
     * SC_VAL_TEXT), which the refusal of the read quotes. */
    int (*column)(void *stmt, int i, sc_value_kind kind, sc_value *out);
    /*
     * Reads the current row of stmt into out (t's row struct, zeroed; t's
     * columns from result column 0 on) in one call, from column *i on:
     * each value stored straight into its field (and has_ flag), text and
     * bytes copied into a, or when a is NULL pointing into the
     * statement's memory.  Stops at the first column whose value it does
     * not store itself, *i then naming it, for the core to read that one
     * the careful way (see sc__read_row()) and call again from the next;
     * *i is t->ncols when the row is read.  It stores only what it knows
     * to be exact: a value of the column's own storage class and C type,
     * in range, in schemac's own format; anything else is the core's, so
     * that the checks of a value's form and class are made in one place.
     * Returns SC_OK or SC_NOMEM.  NULL when the backend has none: the
     * core reads column by column through column().
     */
    int (*read_row)(void *stmt, const sc_table_desc *t, unsigned *i,
                    sc_arena *a, void *out);
    /* The storage class of column i of the current row, for tables that
     * do not hold one class per column (SC_TABLE_LOOSE): SC_VAL_NULL,
     * _INT, _FLOAT, _TEXT or _BLOB.  NULL when the database types every
     * column (PostgreSQL): column_fits() is asked instead. */
    sc_value_kind (*column_class)(void *stmt, int i);
    /* Whether result column i of stmt, as prepared, has a type whose
     * values column c reads; when not, found receives the name of that
     * type.  Asked once per prepared statement, not per row.  NULL when
     * a column's type says nothing (SQLite). */
    bool (*column_fits)(void *stmt, int i, const sc_column_desc *c,
                        char *found, size_t size);
    /* Writes to b how a select list reads column c (qualifier.name, the
     * qualifier NULL for none) when c's type is one the runtime does not
     * read (c->pg_type): an expression that gives the value in the form
     * of c's C type, text in the type's own output form.  Returns false,
     * writing nothing, when the plain column will do.  NULL when nothing
     * is ever read that way. */
    bool (*put_read)(struct sc__buf *b, const char *qualifier,
                     const sc_column_desc *c);
    void (*reset)(void *stmt);
    void (*finalize)(void *stmt);
    /* The number of result columns of stmt, known once a step has
     * returned SC__ROW (for statements whose shape the core did not
     * build itself: sc_query_sql_each()). */
    int (*column_count)(void *stmt);
    /* Rows changed by the last finished INSERT, UPDATE or DELETE. */
    int64_t (*changes)(void *conn);
    int64_t (*last_insert_id)(void *conn);
    bool (*in_transaction)(void *conn);
    void (*error)(void *conn, sc_backend_error *err);
    /* Writes the placeholder text of parameter i (from 1): "?", "$1". */
    void (*placeholder)(int i, char *buf, size_t size);

    /*
     * Streams, optional: NULL when step() already reads one row at a time
     * and lets other statements run on the connection between two steps
     * (SQLite).  stream() starts stmt, bound as for step(), so that its
     * rows arrive in bounded memory while other statements may run
     * between two steps (PostgreSQL reads them one at a time, and the
     * rest whole when another statement is sent meanwhile); it returns
     * what a first step() would.  Later
     * rows come from step(), and reset() ends the stream.  sql is the
     * text stmt was prepared from.  The core calls it inside a
     * transaction, opening one for the stream when none is open.
     */
    int (*stream)(void *stmt, const char *sql);
    /* Whether a failed statement aborted the open transaction, which then
     * refuses every statement until it is rolled back; NULL when the
     * database never does that. */
    bool (*txn_aborted)(void *conn);
    /* Whether the connection no longer reaches its server; NULL when it
     * cannot be lost (an embedded database). */
    bool (*lost)(void *conn);

    /*
     * Batches, optional (all NULL or none).  pipeline_begin() starts one
     * on conn; pipeline_send() queues an execution of stmt with the values
     * bound now (they may change at once); pipeline_sync() sends the batch
     * and marks its end; pipeline_result() then reads the outcome of each
     * queued execution in order, like a first step(): SC__ROW (a RETURNING
     * row, read with column()), SC__DONE, SC__REDO, or an error, after
     * which the executions queued later are not run.  pipeline_flush()
     * sends what is queued without ending the batch and asks for the
     * outcomes so far, so that pipeline_result() can read them while
     * more is queued (the core sends a big batch in chunks this way, in
     * bounded memory).
     * pipeline_end() reads what is left and ends the batch; it is called
     * after any failure too.
     */
    int (*pipeline_begin)(void *conn);
    int (*pipeline_send)(void *stmt);
    int (*pipeline_flush)(void *conn);
    int (*pipeline_sync)(void *conn);
    int (*pipeline_result)(void *stmt);
    void (*pipeline_end)(void *conn);
    /* Optional: pipeline_send() of stmt, an UPDATE or DELETE of t, for
     * each of rows[0..n) (size bytes apart), with the values of the
     * row's columns upd[0..nupd) and then of its key read from the row
     * by the backend itself, which makes the checks the core's binding
     * makes; the rows stay as they are until their outcomes are read.
     * *queued receives how many rows, from the first, went: fewer than
     * n when the next is one it leaves to the core (which then binds
     * its values and calls pipeline_send()).  SC_OK or SC_NOMEM. */
    int (*pipeline_send_rows)(void *stmt, const sc_table_desc *t,
                              const unsigned *upd, unsigned nupd,
                              const void *rows, size_t size, size_t n,
                              size_t *queued);
    /* Optional: pipeline_send() of stmt, an INSERT of t whose
     * parameters are t's columns but its autoincrement one, in order,
     * for each of rows[0..n) (size bytes apart), the values read from
     * the row by the backend itself, which makes the checks the core's
     * binding makes; the rows stay as they are until their outcomes are
     * read.  *queued receives how many rows, from the first, went:
     * fewer than n when the next is one it leaves to the core (a column
     * that takes its default, a value the core's binding would refuse),
     * none when it writes no row of t itself.  SC_OK, or the failure
     * of a send, as pipeline_send()'s. */
    int (*pipeline_send_inserts)(void *stmt, const sc_table_desc *t,
                                 const void *rows, size_t size, size_t n,
                                 size_t *queued);
    /* Optional: reads the outcomes of the next queued executions of
     * stmt, up to n, as long as each is SC__DONE having changed a row,
     * and returns their number; the next outcome, if any, is then
     * pipeline_result()'s. */
    size_t (*pipeline_done)(void *stmt, size_t n);
    /* Whether single-row writes inside a transaction wait in the
     * pipeline for the next read (queue.c): true where pipeline_send()
     * puts the execution on the wire at once, so that the server works
     * through the queue while more is queued (libpq); false where the
     * queue only runs at the flush (Connector/C has no pipeline for
     * prepared statements) or where there are no pipelines.  A batch
     * reads the outcomes of a chunk after sending the next where true,
     * and right after its own flush where false. */
    bool queues_writes;
    /* The rows one statement of a batch takes at most (a multi-row
     * INSERT, an array of executions), or 0 for no such bound: the core
     * then sends a batch in chunks of even sizes up to it, each chunk
     * one statement, so that one prepared form serves every chunk but
     * perhaps the last. */
    unsigned batch_rows;

    /*
     * Reads the current row of stmt into out (plan->t's row, zeroed
     * unless plan->whole) as plan says, as read_row() does: each value
     * stored straight into its field and flag, a NULL as zero, text
     * copied into a or, when a is NULL, pointing into the statement's
     * memory.  A value it does not store itself (an
     * SC__READ_CAREFUL column, a value that does not fit its field, a
     * copy that ran out of memory) it leaves to sc__read_column()
     * (internal.h), the careful read.  Returns SC_OK, or the first
     * failure of a careful read.  Never asked for a table that is
     * SC_TABLE_LOOSE.  NULL when the backend has none: the core calls
     * read_row().
     */
    int (*read_plan)(sc_db *db, const sc__read_plan *plan, void *stmt,
                     sc_arena *a, void *out);
} sc_backend;

/*
 * Finds the backend for url by its scheme.  Returns SC_OK and *be, or
 * SC_MISUSE (unknown scheme) or SC_CANTOPEN (a known database this build
 * does not support), with a message in msg that repeats no more of url
 * than its scheme.
 */
int sc__backend_find(const char *url, const sc_backend **be, char *msg,
                     size_t size);

/*
 * The shared library loads the backends other than SQLite's from
 * plugins (schemac-postgresql.so, loader.c).  A plugin exports one
 * function, named SC__PLUGIN_ENTRY, that returns its sc__plugin: what it
 * was built for, which the loader compares with itself before it uses
 * the backend, since a plugin calls the library's sc__ functions, which
 * no release keeps stable.
 */
typedef struct sc__plugin {
    int abi;                   /* the number of libschemac.so.N */
    const char *version;       /* SC_VERSION */
    size_t backend_size;       /* sizeof (sc_backend) */
    const sc_backend *backend;
} sc__plugin;

#define SC__PLUGIN_ENTRY "sc__plugin_entry"
typedef const sc__plugin *sc__plugin_entry_fn(void);

/*
 * Finds and loads plugin file (a name, "schemac-postgresql.so") once per
 * process, and sets *be to its backend for dialect.  Returns SC_OK, or
 * SC_CANTOPEN with a message in msg naming the file and why it did not
 * load.  Only in the shared library (loader.c).
 */
int sc__plugin_load(const char *file, sc_dialect dialect,
                    const sc_backend **be, char *msg, size_t size);

extern const sc_backend sc__sqlite_backend;
extern const sc_backend sc__postgres_backend;
extern const sc_backend sc__mariadb_backend;

#endif /* SC_BACKEND_H */
