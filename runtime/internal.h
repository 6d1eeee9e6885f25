/*
 * internal.h - what the files of libschemac share and nobody else sees:
 * the allocation wrappers every runtime allocation goes through, so that
 * one place can count or fail them, a printf format check, and the parts
 * of the core that the query engine (query.c) builds on: the
 * connection, a growable string, error wording, value conversion and
 * traced execution.
 *
 * The layering, each layer calling only the ones below it:
 *
 *   pool.c, migrate.c          pools and migrations, over the public API
 *   query.c, qcache.c          queries, their statements by shape and
 *                              text, streams
 *   the core (see "The core, by file" below): rows, batches,
 *   transactions, statements, values, errors, the connection
 *   backend.h                  sqlite.c, postgres.c, mariadb.c
 *
 * The core never calls query.c: what the connection must release of
 * the queries' statements on sc_close() it releases through
 * db->texts_free, a hook qcache.c sets.
 *
 * Nothing here is part of the API: these names carry no SC_API.  The
 * shared library exports them under the version SCHEMAC_PRIVATE
 * (libschemac.map) for its backend plugins alone (loader.c).
 */
#ifndef SC_INTERNAL_H
#define SC_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "backend.h"
#include "dialect.h"
#include "schemac.h"
#include "strbuf.h"

#if defined(__GNUC__)
#define SC__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
/* A rare path kept out of a hot function, which then needs no stack
 * frame of the rare path's */
#define SC__NOINLINE __attribute__((noinline))
#else
#define SC__PRINTF(fmt, args)
#define SC__NOINLINE
#endif

/* malloc, realloc and free for the whole runtime (defined in alloc.c).
 * sc__malloc(0) and sc__realloc(p, 0) return a valid pointer or NULL on
 * failure; sc__free(NULL) does nothing. */
void *sc__malloc(size_t n);
void *sc__realloc(void *p, size_t n);
void sc__free(void *p);
/* Installs a (NULL: the C library's) as the allocator of sc__malloc()
 * and friends; SC_MISUSE, changing nothing, while a connection is open
 * and a is not the one installed. */
int sc__alloc_install(const sc_allocator *a);
/* Counts the connections open (sc_open() to sc_close()). */
void sc__conn_count(int delta);
/* n zeroed objects of size bytes, or NULL (also when n * size
 * overflows). */
void *sc__zalloc(size_t n, size_t size);
/* Copies at most n bytes of src into dst (of size bytes, size > 0),
 * always NUL-terminated: a backend's message into a fixed buffer. */
void sc__copy_n(char *dst, size_t size, const char *src, size_t n);

/* The allocation-failure test's hook (alloc.c): from sc__alloc_fail_at(n)
 * on, sc__alloc_fails() counts allocations and is true for the nth
 * (n > 0), the one sc__malloc() or sc__realloc() then refuses; n = 0
 * counts only, n < 0 turns counting off.  The test's SQLite allocator
 * asks sc__alloc_fails() too, so both share one count. */
void sc__alloc_fail_at(long n);
long sc__alloc_count(void);
bool sc__alloc_fails(void);

/* The growable string, shared with the generator: strbuf.h. */

/* What a message shows in place of a password. */
#define SC__REDACTED "***"

/* Appends url with its password (user:password@, password=) replaced by
 * SC__REDACTED (url.c). */
void sc__redact_url(sc__buf *b, const char *url);
/* s[0..n) percent-decoded, in new memory (sc__free() it); *bad is set
 * when s holds a '%' without two hex digits or a NUL, *oom when memory
 * ran out (NULL then). */
char *sc__url_decode(const char *s, size_t n, bool *bad, bool *oom);

/* The value of one hexadecimal digit, either case, or -1 (format.c). */
int sc__hex_value(char ch);

/* ---------------------------------------------------------------------
 * The connection.
 * ------------------------------------------------------------------- */

/* The operations whose statements stmt.c caches per table; sc__fail_stmt()
 * takes one to word foreign key failures (OP_DELETE: still referenced). */
enum { OP_NONE = -1, OP_INSERT, OP_GET, OP_UPDATE, OP_DELETE };
/* Not a statement: the cache's entry for a table's read plan (backend.h,
 * sc__read_col), which its rows are read by outside a get. */
#define OP_PLAN (OP_DELETE + 1)

typedef struct sc__error_state {
    int code;
    int extended;
    char msg[512];
    char table[128];
    char column[128];
} sc__error_state;

struct stmt_entry;
struct sc__text_cache;
struct sc__queued;

/* Single-row writes queued in the backend's pipeline inside a
 * transaction (queue.c), their outcomes not read yet. */
typedef struct sc__queue {
    struct sc__queued *items; /* in the order sent */
    size_t n;
    size_t cap;
    size_t asked;        /* items[0..asked) are covered by a flush request */
    size_t sent;         /* sent since the pipeline began */
    bool open;           /* the backend's pipeline is begun */
    bool off;            /* sc_open_opts.pipeline is SC_PIPELINE_OFF */
    bool failed;         /* a queued write failed: the transaction is to
                            be rolled back */
    sc__buf key;         /* the key of the write being queued, as text */
} sc__queue;

/* The operations (OP_INSERT to OP_PLAN) whose last entry the cache
 * keeps at hand (stmt.c). */
#define SC__NRECENT 5

struct sc_db {
    const sc_backend *be;
    void *conn;          /* NULL when sc_open() failed */
    int depth;           /* transaction nesting, see sc_txn_depth() */
    bool stream_txn;     /* in the transaction sc__stream_begin() opened,
                            where depth 0 opens savepoints */
    int streams;         /* streams running (row functions of
                            sc_query_each() nested in them) */
    sc__queue queue;     /* writes queued in the pipeline (queue.c) */
    sc_trace_fn trace_fn;
    void *trace_ctx;
    sc_stats stats;
    struct stmt_entry *cache; /* open addressing, a power of two of slots */
    size_t cache_size;
    size_t cache_used;
    size_t cache_masked; /* entries of sc_row_update_cols() among them */
    struct stmt_entry *recent[SC__NRECENT]; /* by operation: the entry
                                    found last, asked before the hash */
    struct sc__text_cache *texts; /* query statements (qcache.c) */
    size_t texts_max;    /* bound of texts (sc_open_opts.stmt_cache) */
    void (*texts_free)(sc_db *db); /* set by qcache.c with texts, so that
                                      sc_close() frees them without
                                      calling up into query.c */
    /* The memory of a query freed after it ran, kept for the next
     * sc_query_new() (query.c) and freed by texts_free.  Atomic: a
     * query is made and freed outside the owner check. */
    _Atomic(void *) query_spare;
    /* 1 for the connection and 1 for each query made on it: a query
     * freed after sc_close() still finds the struct, which the last of
     * them frees (sc__db_release()).  closed: sc_close() ran. */
    _Atomic unsigned long refs;
    bool closed;
    sc_value *vals;      /* the values bound to the running statement */
    size_t nvals;
    size_t nbound;       /* how many of them it took */
    const sc_schema_desc *schema; /* the last one created, for messages */
    sc__buf trace_buf;
    sc__error_state err;
    /* The thread inside a public call on this connection (the address of
     * a thread-local of the thread), 0 when none is; entered counts that
     * thread's nested calls.  See sc__enter(). */
    _Atomic uintptr_t owner;
    int entered;
};

/*
 * The owner check.  Every public call that reaches the database runs
 * between sc__enter() and sc__leave().  sc__enter() makes the calling
 * thread db's owner for the call, with one atomic compare-and-swap, or
 * finds that it is already (a row function or trace hook calling back
 * in); when another thread is inside a call on db it returns SC_MISUSE
 * without touching db, and the refused thread reads the message, which
 * names call, from sc_errmsg(db) (it is kept per thread, not in db).
 * A NULL db passes (the call refuses it itself).  sc__leave() ends a
 * call sc__enter() let in.  So two threads never reach one driver
 * connection at once, whatever the program does.
 */
/* The threads refused by the owner check whose refusal is still kept
 * (db.c): while it is 0, a call let in has none of its thread's to
 * clear. */
extern atomic_uint sc__refusals;
/* sc__enter() past its common case: owner is the thread its compare and
 * swap found inside, 0 when it made the caller the owner. */
int sc__enter_slow(sc_db *db, const char *call, uintptr_t owner);

static inline int sc__enter(sc_db *db, const char *call)
{
    uintptr_t owner = 0;

    if (db == NULL)
        return SC_OK; /* nothing to own: the call refuses it itself */
    if (atomic_compare_exchange_strong_explicit(&db->owner, &owner,
                                                (uintptr_t)pthread_self(),
                                                memory_order_acquire,
                                                memory_order_relaxed) &&
        atomic_load_explicit(&sc__refusals, memory_order_relaxed) == 0) {
        db->entered = 1;
        return SC_OK;
    }
    return sc__enter_slow(db, call, owner);
}

/* Drops one reference to db (see sc_db.refs); the last frees it. */
void sc__db_release(sc_db *db);

static inline void sc__leave(sc_db *db)
{
    if (db != NULL && --db->entered == 0)
        atomic_store_explicit(&db->owner, 0, memory_order_release);
}

/* How every failure of a connection whose server went away begins
 * (SC_ERROR): in the backend's message of the failure itself, and from
 * sc__usable() for every call after it. */
#define SC__LOST "connection to the server was lost"

/* Records an error on db and returns its primary code. */
int sc__set_error(sc_db *db, int extended, const char *table,
                  const char *column, const char *fmt, ...)
    SC__PRINTF(5, 6);
int sc__nomem(sc_db *db);
/* Clears db's error; SC_MISUSE when db is NULL or not open, SC_ERROR
 * (SC__LOST) when its server went away, which also forgets the levels
 * of the transaction the server then rolled back.  Then it flushes the
 * writes queued in the pipeline (sc__queue_flush()): every call that is
 * not itself a queued write reads their outcomes first.
 * sc__usable_unflushed() checks the same and leaves the queue alone, for
 * the writes that may join it. */
int sc__usable_unflushed(sc_db *db);
/* sc__usable() past its common case (an open connection not lost,
 * nothing queued). */
int sc__usable_slow(sc_db *db);

/* Clears db's last failure: each call that reaches the database starts
 * with none. */
static inline void sc__clear_error(sc_db *db)
{
    db->err.code = SC_OK;
    db->err.extended = SC_OK;
    db->err.msg[0] = '\0';
    db->err.table[0] = '\0';
    db->err.column[0] = '\0';
}

static inline int sc__usable(sc_db *db)
{
    if (db == NULL || db->conn == NULL || db->queue.open ||
        db->queue.failed ||
        (db->be->lost != NULL && db->be->lost(db->conn)))
        return sc__usable_slow(db);
    sc__clear_error(db);
    return SC_OK;
}
/* Makes room for n values in db->vals. */
int sc__need_vals(sc_db *db, size_t n);

/* Appends the placeholder of the next parameter, *n counting them. */
void sc__put_placeholder(const sc_db *db, sc__buf *b, int *n);

/* The value of column c of t in row, as bound to a statement: text and
 * blobs point into row's memory.  SC_RANGE for an unknown enum value. */
int sc__field_value(sc_db *db, const sc_table_desc *t,
                    const sc_column_desc *c, const void *row,
                    sc_value *v);

/* Steps stmt for the first time, counted and traced with the n values in
 * db->vals.  Returns what the backend's step() returns.  Inline without
 * a trace hook: every row operation runs it; sc__step_hooked() is the
 * way with one. */
int sc__step_hooked(sc_db *db, void *stmt, const char *sql, size_t n);
static inline int sc__step_traced(sc_db *db, void *stmt, const char *sql,
                                  size_t n)
{
    int rc;

    if (db->trace_fn != NULL)
        return sc__step_hooked(db, stmt, sql, n);
    rc = db->be->step(stmt);
    db->stats.executions++;
    db->nbound = n;
    return rc;
}

/* Checks value v for t before it is sent (v->col says the column): UTF-8
 * in text and json, the form and size of a decimal.  Returns SC_OK, or
 * SC_RANGE or SC_CONSTRAINT_CHECK with the error set naming t.column. */
int sc__check_value(sc_db *db, const sc_table_desc *t, const sc_value *v);

/*
 * Streams (see backend.h).  sc__stream_begin() opens the transaction a
 * backend's stream() needs when none is open, *opened saying whether it
 * did; sc__stream_traced() starts stmt as sc__step_traced() does, as a
 * stream where the backend has them; sc__stream_end() commits what
 * sc__stream_begin() opened when rc is SC_OK, else rolls it back, and
 * returns the outcome.  The statement must be reset before the end.
 */
int sc__stream_begin(sc_db *db, bool *opened);
int sc__stream_traced(sc_db *db, void *stmt, const char *sql, size_t n);
int sc__stream_end(sc_db *db, bool opened, int rc);

/* The SQLite collation (sqlite.c) that orders decimal text as numbers,
 * for SC_TYPE_DECIMAL columns, which SQLite keeps as TEXT. */
/* SC__DECIMAL_COLLATION: dialect.h */

/* ---------------------------------------------------------------------
 * Floats as text in the "C" locale whatever setlocale() chose, so that
 * 1.5 is "1.5" under de_DE too (numtext.c).
 * ------------------------------------------------------------------- */

/* snprintf(buf, size, "%.*g", prec, f); returns the length it wanted. */
size_t sc__float_text(double f, int prec, char *buf, size_t size);
/* strtod(s, end). */
double sc__float_parse(const char *s, char **end);
/* Decimal text to an integer scaled by 10^scale: "-12.5" at scale 2 is
 * -1250.  Digits beyond the scale are dropped; a value too large for
 * int64 saturates.  For the decimal text a database sends (postgres.c,
 * mariadb.c). */
int64_t sc__parse_scaled(const char *t, unsigned scale);

/* ---------------------------------------------------------------------
 * Storage formats (sc_column_desc.format): the one place that says how a
 * value of a C type looks in the form another tool chose.
 * ------------------------------------------------------------------- */

/* Room for the stored text of any formatted value: a timestamp, a uuid
 * with dashes, a scaled numeric. */
#define SC__FORM_MAX 48

/* Scaled integer i as decimal text with exactly scale digits after the
 * point, as PostgreSQL prints a numeric(p,s), in buf (SC__FORM_MAX
 * bytes): -1250 at scale 2 is "-12.50".  Returns its length. */
size_t sc__scaled_text(int64_t i, unsigned scale, char *buf);

/* The format column c is really kept in: c->format where it applies to
 * c's type, else SC_FMT_NATIVE. */
unsigned sc__format(const sc_column_desc *c);

/* The kind of value the database holds for column c: kind_of() of its
 * type, or the kind of its format. */
sc_value_kind sc__stored_kind(const sc_column_desc *c);

/*
 * Writes v (a value of its column's C type, v->col formatted) into *out
 * as the database keeps it, text in buf (of SC__FORM_MAX bytes).  A value
 * of no format, or NULL, is copied as it is.  Returns SC_OK, or SC_RANGE
 * with *why a static phrase: a timestamp with a fraction of a second
 * kept as whole seconds, a year that text cannot hold.
 */
int sc__stored_form(const sc_value *v, sc_value *out, char *buf,
                    const char **why);

/* Appends column name (after "qualifier." when qualifier is not NULL) as
 * a select list reads c: cast as the backend's read_cast() says. */
void sc__put_select_column(const sc_db *db, sc__buf *b,
                           const char *qualifier, const sc_column_desc *c);

/* Checks, once for a prepared statement, that its result columns from
 * 0 on have the types t's columns read (backend column_fits()).  Returns
 * SC_OK, or SC_RANGE naming the table and column. */
int sc__check_columns(sc_db *db, const sc_table_desc *t, void *stmt);

/* Whether column i of t is one of t->pk (its primary key, or for a
 * table without one, the unique key the descriptor names). */
bool sc__is_key(const sc_table_desc *t, unsigned i);

/* A new arena whose first chunk holds first bytes (sc_arena_new() takes
 * 4096); later chunks double from there as usual. */
sc_arena *sc__arena_new_sized(size_t first);

/* An arena's chunks form a list, newest first (arena.c); they are here
 * for sc__arena_copy(), inline. */
typedef struct sc__chunk {
    struct sc__chunk *next; /* the older chunk */
    size_t size;            /* bytes in data */
    size_t used;            /* bytes handed out from data */
    max_align_t data[];     /* aligned for anything */
} sc__chunk;

struct sc_arena {
    sc__chunk *head;  /* the newest chunk, where allocation happens */
    sc__chunk *first; /* the oldest, kept by sc_arena_reset() */
    size_t used;      /* bytes handed out, rounded up to alignment */
};

void *sc__arena_copy_grown(sc_arena *a, const void *p, size_t n);

/* Copies n bytes into a, NUL-terminated; NULL only when out of memory.
 * Every value a row read keeps comes through here, so the common case,
 * room in the newest chunk, is served in place, inline. */
static inline void *sc__arena_copy(sc_arena *a, const void *p, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    size_t need = (n + align) / align * align; /* n + 1 rounded up */
    sc__chunk *h;
    char *s;

    if (a == NULL || n >= SIZE_MAX - align)
        return sc__arena_copy_grown(a, p, n);
    h = a->head;
    if (h->size - h->used < need)
        return sc__arena_copy_grown(a, p, n);
    s = (char *)h->data + h->used;
    h->used += need;
    a->used += need;
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Reads the current row of stmt (t's columns from result column 0 on)
 * into out, which must be zeroed.  Text and bytes are copied into a, or,
 * when a is NULL, point into the statement's memory (valid until the next
 * step or reset). */
int sc__read_row(sc_db *db, const sc_table_desc *t, void *stmt,
                 sc_arena *a, void *out);

/* The read plan of t's rows on db, for a stream to read each row with
 * db->be->read_plan() itself; NULL when t's rows are not read through a
 * plan on db, or memory ran out (sc__read_row() then tells).  The plan
 * lives as long as db. */
const sc__read_plan *sc__row_plan(sc_db *db, const sc_table_desc *t);

/* Reads column i of the current row of stmt (t's column i) into out the
 * careful way: a backend's read_plan() leaves such values here.
 * Returns SC_OK or the failure of the read, worded. */
int sc__read_column(sc_db *db, const sc_table_desc *t, void *stmt,
                    unsigned i, sc_arena *a, void *out);

/* Words the backend's last failure of a statement about t doing op with
 * row (may be NULL), after resetting stmt (may be NULL). */
int sc__fail_stmt(sc_db *db, void *stmt, const sc_table_desc *t, int op,
                  const void *row);

/* ---------------------------------------------------------------------
 * The core, by file.  alloc.c: memory and the growable string; db.c: the
 * connection, its errors and the owner check, opening and closing;
 * exec.c: tracing and running SQL text; error.c: the wording of a
 * backend's failure; value.c: values between struct fields and the
 * backend, and the checks before they are sent; format.c: storage
 * formats; stmt.c: the statement cache; sqltext.c: SQL text from
 * descriptors; tx.c: transactions and savepoints; row.c: single-row
 * operations and reading rows; batch.c: insert_many and the update and
 * delete batches; time.c: the clock and civil dates.
 * ------------------------------------------------------------------- */

/* The statements of row operations, cached per (table, operation, column
 * mask) in db->cache (stmt.c). */
typedef struct stmt_entry {
    const void *key; /* the table descriptor; NULL marks a free slot */
    int op;
    uint64_t mask;   /* the columns of sc_row_update_cols(), else 0 */
    char *sql;
    void *stmt;      /* NULL for OP_PLAN */
    /* How the rows a get (OP_GET) or any other read (OP_PLAN) returns
     * are stored (backend.h); NULL until the first read, and for a
     * backend without read_plan() */
    sc__read_plan *plan;
} stmt_entry;

/* The entry found last for op (below SC__NRECENT, mask 0), when it is
 * key's: a loop of gets or a stream finds its entry without hashing.
 * Inline: asked once per row. */
static inline stmt_entry *sc__cache_recent(const sc_db *db, const void *key,
                                           int op)
{
    stmt_entry *e = db->recent[op];

    return e != NULL && e->key == key ? e : NULL;
}

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY INT64_C(86400000000)

/* A row's instant before the clock was read for it (see
 * sc__default_value()). */
#define NOW_UNREAD INT64_MIN

/* Defined in db.c. */
int sc__lost(sc_db *db);

/* Defined in exec.c. */
void sc__format_value(sc__buf *b, const sc_value *v);
double sc__clock_ms(void);
void sc__trace(sc_db *db, const char *sql, size_t n, double ms, int rc);
int sc__exec_traced(sc_db *db, const char *sql);

/* Defined in error.c. */
int sc__report_unfit(sc_db *db, const sc_table_desc *t);
void sc__prefix_row(sc_db *db, size_t i, size_t n);
void sc__put_row_key(sc_db *db, const sc_table_desc *t, void *stmt,
                     const void *row, sc__buf *b);
int sc__name_row(sc_db *db, const sc_table_desc *t, int op, const void *row,
                 int rc);
int sc__name_batch_row(sc_db *db, const sc_table_desc *t, int op,
                       const void *row, size_t i, size_t n, int rc);
int sc__name_rows(sc_db *db, const char *rows, int rc);

/* Defined in value.c. */
bool sc__too_many_digits(int64_t i, unsigned p);
bool sc__value_unfit(const sc_value *v);
/* The storage class a value of type is bound and read as.  Inline: it
 * runs for every column read. */
static inline sc_value_kind sc__kind_of(sc_type type)
{
    switch (type) {
    case SC_TYPE_FLOAT32:
    case SC_TYPE_FLOAT64:
        return SC_VAL_FLOAT;
    case SC_TYPE_DECIMAL:
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
    case SC_TYPE_ENUM:
        return SC_VAL_TEXT;
    case SC_TYPE_BYTES:
    case SC_TYPE_UUID:
        return SC_VAL_BLOB;
    default:
        return SC_VAL_INT;
    }
}
char *sc__field_w(const sc_column_desc *c, void *row);
void sc__set_has(const sc_column_desc *c, void *row, bool has);
int64_t sc__days_of_us(int64_t us);
int sc__default_value(sc_db *db, const sc_table_desc *t,
                      const sc_column_desc *c, int64_t *now, sc_value *v);
int64_t sc__batch_now(const sc_table_desc *t);
void sc__set_int_field(const sc_column_desc *c, void *row, int64_t i);
void sc__write_default(const sc_column_desc *c, void *row,
                       const sc_value *v);
bool sc__holds_value(const sc_column_desc *c, const void *row);
/* Whether column c has a default an insert gives it when it holds no
 * value (a literal or now), and whether it takes it in row.  Inline:
 * asked of every column of every insert, most of which have none. */
static inline bool sc__insert_default(const sc_column_desc *c)
{
    return c->dflt.kind == SC_DEFAULT_VALUE || c->dflt.kind == SC_DEFAULT_NOW;
}
static inline bool sc__takes_default(const sc_column_desc *c,
                                     const void *row)
{
    return sc__insert_default(c) && !sc__holds_value(c, row);
}
/* Stores v when it needs no range check and no copy: a 64-bit integer,
 * or text left in the statement's memory (a NULL).  Streaming reads every
 * value, so the common ones take this short way, inline. */
static inline bool sc__store_plain(const sc_column_desc *c,
                                   const sc_value *v, const sc_arena *a,
                                   void *row)
{
    switch (c->type) {
    case SC_TYPE_INT64:
    case SC_TYPE_NUMERIC:
    case SC_TYPE_TIMESTAMP:
        if (v->kind != SC_VAL_INT)
            return false;
        memcpy((char *)row + c->offset, &v->i, sizeof v->i);
        return true;
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
    case SC_TYPE_DECIMAL:
        if (a != NULL || v->kind != SC_VAL_TEXT)
            return false;
        memcpy((char *)row + c->offset, &v->p, sizeof v->p);
        return true;
    default:
        return false;
    }
}
int sc__store_value(sc_db *db, const sc_table_desc *t,
                    const sc_column_desc *c, const sc_value *v,
                    sc_arena *a, void *row);

/* Defined in format.c. */
bool sc__decode_stored(const sc_column_desc *c, const sc_value *v,
                       void *row);
void sc__put_format_name(sc__buf *b, const sc_column_desc *c);
int sc__bind_value(sc_db *db, const sc_table_desc *t,
                   const sc_column_desc *c, void *stmt, size_t k);
int sc__key_value(sc_db *db, const sc_table_desc *t,
                  const sc_column_desc *c, const void *row, sc_value *v);
int sc__bind_pk(sc_db *db, const sc_table_desc *t, const void *key,
                void *stmt, size_t *k);

/* Defined in stmt.c. */
stmt_entry *sc__cache_find(sc_db *db, const void *key, int op,
                           uint64_t mask);
stmt_entry *sc__cache_place(sc_db *db, const stmt_entry *e);
void sc__entry_free(sc_db *db, stmt_entry *e);
int sc__cache_grow(sc_db *db, bool masked);
void sc__cache_clear(sc_db *db);

/* Defined in sqltext.c. */
bool sc__updates(const sc_table_desc *t, unsigned i, uint64_t mask);
int sc__prepare_cached(sc_db *db, const sc_table_desc *t, int op,
                       uint64_t mask, stmt_entry **out);

/* Defined in queue.c: single-row writes queued in the backend's
 * pipeline inside a transaction; see the file's opening comment. */
int sc__queue_enter(sc_db *db, const sc_table_desc *t, int op,
                    bool *queued);
int sc__queue_prepare(sc_db *db, const sc_table_desc *t, int op,
                      uint64_t mask, stmt_entry **out);
int sc__queue_send(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                   int op, uint64_t mask, const void *row, size_t n);
int sc__queue_flush(sc_db *db);
void sc__queue_drop(sc_db *db);
void sc__queue_free(sc_db *db);

/* Defined in tx.c. */
int sc__level_open(sc_db *db, bool write);
int sc__level_close(sc_db *db, int level, int rc);

/* Defined in row.c. */
int sc__row_args(sc_db *db, const sc_table_desc *t, const void *row,
                 bool needs_pk);
int sc__insert_values(sc_db *db, const sc_table_desc *t,
                      const void *row, int64_t *now, size_t *k);
int sc__bind_insert(sc_db *db, const sc_table_desc *t, void *stmt,
                    const void *row, int64_t *now, size_t *k);
void sc__fill_row(sc_db *db, const sc_table_desc *t, void *row,
                  int64_t id);
int sc__insert_one(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                   void *row);
int sc__check_column(sc_db *db, const sc_table_desc *t,
                     const sc_column_desc *c, void *stmt, int i);
int sc__step_change(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                    size_t n, int op, const void *row);
int sc__update_mask(sc_db *db, const sc_table_desc *t, uint64_t *cols);

#endif /* SC_INTERNAL_H */
