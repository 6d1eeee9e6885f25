/*
 * query.c - the query engine of libschemac: the sc_query_* functions that
 * generated where/order/join wrappers call, the terminals that run a
 * query (all, first, one, count, exists, each, bulk update and delete),
 * and navigation along foreign keys without one query per row
 * (sc_load_children, sc_load_parent).
 *
 * A query records its shape (joined tables, a flat list of conditions and
 * group markers, order, limit, offset) and copies of its values.  Each
 * terminal writes SQL text from the shape alone, collecting the values as
 * parameters in the order their placeholders appear, so the same shape
 * always gives the same text.  The connection keeps the prepared
 * statements of query texts (qcache.c), found by a shape key a terminal
 * writes with its parameters in one pass (see "Shape keys" below), else
 * by the text; running a query again with new values neither writes nor
 * hashes its text, and only binds and steps.
 *
 * Values, rows, errors and tracing go through the core (internal.h), so
 * a query reads and words exactly as the row operations do.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "internal.h"
#include "schemac.h"
#include "qcache.h"
#include "utf8.h"

#define LOAD_BATCH    500 /* parents per statement of sc_load_children() */
#define QUERY_STORE_FIRST 256 /* bytes of the first chunk of a query's store */

/* A statement handed to a terminal (qcache.h). */
typedef sc__qrun run;

/* ---------------------------------------------------------------------
 * Growable arrays.
 * ------------------------------------------------------------------- */

typedef struct vec {
    void *items;
    size_t n;
    size_t cap;
    void *fixed; /* room that items starts in, not to be freed, or NULL */
} vec;

/* Starts v in fixed, room for cap items (see query_room); NULL and 0
 * for none. */
static void vec_start(vec *v, void *fixed, size_t cap)
{
    v->items = v->fixed = fixed;
    v->n = 0;
    v->cap = cap;
}

/* vec_reserve() past the room v has. */
static bool vec_grow(vec *v, size_t n, size_t size)
{
    size_t cap = v->cap ? v->cap : 8;
    void *items;

    while (cap - v->n < n) {
        if (cap > SIZE_MAX / 2 / size)
            return false;
        cap *= 2;
    }
    if (v->items != NULL && v->items == v->fixed) {
        items = sc__malloc(cap * size);
        if (items != NULL)
            memcpy(items, v->items, v->n * size);
    } else {
        items = sc__realloc(v->items, cap * size);
    }
    if (items == NULL)
        return false;
    v->items = items;
    v->cap = cap;
    return true;
}

/* Makes room for n more items of size bytes in v: false when out of
 * memory. */
static inline bool vec_reserve(vec *v, size_t n, size_t size)
{
    return n <= v->cap - v->n || vec_grow(v, n, size);
}

/* Appends an item of size bytes, left as it was, for the caller to fill
 * whole; NULL when out of memory. */
static inline void *vec_push_raw(vec *v, size_t size)
{
    if (!vec_reserve(v, 1, size))
        return NULL;
    return (char *)v->items + v->n++ * size;
}

/* Appends a zeroed item of size bytes; NULL when out of memory. */
static void *vec_push(vec *v, size_t size)
{
    char *p = vec_push_raw(v, size);

    if (p != NULL)
        memset(p, 0, size);
    return p;
}

/* Frees what v allocated, leaving v as it is: for a list that dies
 * with its query. */
static void vec_release(vec *v)
{
    if (v->items != v->fixed)
        sc__free(v->items);
}

static void vec_free(vec *v)
{
    if (v->items != v->fixed)
        sc__free(v->items);
    memset(v, 0, sizeof *v);
}

/* ---------------------------------------------------------------------
 * The query.
 * ------------------------------------------------------------------- */

/* The entries of the condition list: a condition, the start of a group,
 * or the end of the innermost open group. */
typedef enum node_kind { N_COND, N_OR, N_AND, N_NOT, N_END } node_kind;

typedef struct node {
    node_kind kind;
    const sc_query *h;   /* the table of a condition */
    unsigned col;
    sc_op op;
    size_t first;        /* its values: root->vals[first .. first + n) */
    size_t n;
    sc_value array;      /* a long in-list on PostgreSQL: its values as
                            one array parameter (text kind), or zero */
    int elem;            /* the kind of its values (SC__ELEM_*) */
    /* A like pattern with the escape character '\\'.  Without one the
     * dialect's escape clause changes nothing, and is left out: SQLite
     * parses the statement again at each new pattern (its plan depends
     * on the pattern's prefix), the clause with it. */
    bool escapes;
} node;

typedef struct order_item {
    const sc_query *h;
    unsigned col;
    sc_order dir;
} order_item;

typedef struct set_item {
    unsigned col;
    sc_value v;
} set_item;

/* A value bound to the statement being run, with the column it is
 * compared with (NULL for limit and offset), for messages. */
typedef struct param {
    sc_value v;
    const sc_query *h;
    const sc_column_desc *c;
    const sc_value *elems; /* an array parameter's values, each checked */
    size_t nelems;
} param;

/* sc_query_new() sets each field by name: a new one is set there too. */
struct sc_query {
    sc_query *root;
    const sc_table_desc *t;
    const char *alias;       /* the name in SQL: t->name or "t_2" */
    const sc_query *from;    /* joined handles: the handle joined to */
    const sc_fkey_desc *fk;
    bool reverse;
    size_t index;            /* in the root's handles */

    /* The rest is used in the root only, and a joined handle has none
     * of it (HANDLE_SIZE). */
    sc_db *db;
    const sc__dialect *dialect; /* db's, or NULL without a backend */
    unsigned char *spare;    /* the room's store left, then the arena: */
    size_t spare_left;
    sc_arena *store;         /* copies of values, aliases, joined
                                handles */
    vec handles;             /* sc_query *, the root first, the others
                                in store */
    vec nodes;               /* node */
    vec vals;                /* sc_value, text and blobs in store */
    vec orders;              /* order_item */
    vec sets;                /* set_item */
    int64_t limit;
    int64_t offset;
    bool has_limit;
    bool has_offset;
    bool distinct;
    int depth;               /* groups open */
    int rc;                  /* the first error while building */
    const char *err_column;
    char *err_msg;           /* its message (malloc'd), or NULL */
    sc__buf sql;             /* the text of the last terminal */
    vec params;              /* param, in placeholder order */
    int nph;                 /* placeholders written */
    vec key;                 /* uint64_t: the shape key of the last
                                terminal (see shape_of()) */
    bool bare;               /* columns written without their table, as
                                an outer query names its subquery's */
    bool ran;                /* a terminal found its statement: db's
                                statement cache, and its hook that
                                frees db->query_spare, are open */
};

/* The bytes of a joined handle, made in its root's store: the fields
 * before the root's own. */
#define HANDLE_SIZE offsetof(sc_query, db)

/* The first items of a root's lists, allocated with the root: most
 * queries hold a table or two and one condition, whose lists then cost
 * no allocation of their own (a count runs a query built and freed each
 * time), and the whole stays small enough for malloc's per-thread cache
 * (about 1 KiB). */
#define ROOM_HANDLES 2
#define ROOM 1
#define ROOM_KEY 16
#define ROOM_STORE 128 /* bytes: a pattern or a value of text or two */

typedef struct query_room {
    sc_query q; /* first: the root's address is the room's */
    sc_query *handles[ROOM_HANDLES];
    node nodes[ROOM];
    sc_value vals[ROOM];
    param params[ROOM];
    uint64_t key[ROOM_KEY];
    max_align_t store[ROOM_STORE / sizeof(max_align_t)];
    /* The last join found to fit (join_fits()), kept from one query in
     * the room to the next: descriptors are constant data, so a query
     * built again joins without checking again.  Zero at first. */
    struct {
        const sc_table_desc *owner, *target;
        const sc_fkey_desc *fk;
    } fitted;
} query_room;

static void keep(sc_query *r, int rc, const char *column, const char *fmt,
                 ...) SC__PRINTF(4, 5);

/* Keeps the first error met while building, for the next terminal. */
static void keep(sc_query *r, int rc, const char *column, const char *fmt,
                 ...)
{
    char msg[256];
    size_t n;
    va_list ap;

    if (r->rc != SC_OK)
        return;
    r->rc = rc;
    r->err_column = column;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    n = strlen(msg) + 1;
    r->err_msg = sc__malloc(n);
    if (r->err_msg != NULL)
        memcpy(r->err_msg, msg, n);
}

/* n bytes in the query's store, aligned for anything: in the room while
 * it lasts (a count runs a query built and freed each time, whose value
 * or two then cost no allocation), then in an arena made for the rest.
 * NULL when out of memory. */
static void *store_alloc(sc_query *r, size_t n)
{
    const size_t align = sizeof(max_align_t);
    size_t used;
    void *p;

    if (n < r->spare_left) {
        p = r->spare;
        used = (n + align) / align * align;
        used = used < r->spare_left ? used : r->spare_left;
        r->spare += used;
        r->spare_left -= used;
        return p;
    }
    if (r->store == NULL) {
        r->store = sc__arena_new_sized(n < QUERY_STORE_FIRST
                                           ? QUERY_STORE_FIRST
                                           : n + align);
        if (r->store == NULL)
            return NULL;
    }
    return sc_arena_alloc(r->store, n);
}

/* Copies p[0..n) into the store, NUL-terminated. */
static void *store_copy(sc_query *r, const void *p, size_t n)
{
    char *s = n < SIZE_MAX ? store_alloc(r, n + 1) : NULL;

    if (s != NULL) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

static void *push(sc_query *r, vec *v, size_t size)
{
    void *p = vec_push(v, size);

    if (p == NULL)
        keep(r, SC_NOMEM, NULL, "out of memory");
    return p;
}

/* push() of an item the caller fills whole. */
static inline void *push_raw(sc_query *r, vec *v, size_t size)
{
    void *p = vec_push_raw(v, size);

    if (p == NULL)
        keep(r, SC_NOMEM, NULL, "out of memory");
    return p;
}

static const char *table_name(const sc_query *h)
{
    return h->t != NULL ? h->t->name : "(no table)";
}

/* The room of a query that ran on db and was freed (*kept true), or a
 * new one; NULL when out of memory.  A count runs a query built and
 * freed each time: its room then goes from one to the next without
 * malloc and free. */
static query_room *room_new(sc_db *db, bool *kept)
{
    query_room *room = db != NULL ? atomic_exchange(&db->query_spare, NULL)
                                  : NULL;

    *kept = room != NULL;
    if (room != NULL)
        return room;
    room = sc__malloc(sizeof *room);
    if (room != NULL)
        memset(&room->fitted, 0, sizeof room->fitted);
    return room;
}

/* Gives the room of root r back: kept on its connection when there is
 * none kept yet, r ran (so that sc_close() frees it, see ran) and the
 * connection is open, else freed; then lets the connection go (see
 * sc_db.refs). */
static void room_free(sc_query *r)
{
    sc_db *db = r->db;
    void *none = NULL;

    if (!r->ran || db->closed ||
        !atomic_compare_exchange_strong(&db->query_spare, &none, r))
        sc__free(r);
    if (db != NULL)
        sc__db_release(db);
}

sc_query *sc_query_new(sc_db *db, const sc_table_desc *t)
{
    bool kept;
    query_room *room = room_new(db, &kept);
    sc_query *q = room != NULL ? &room->q : NULL;

    if (q == NULL)
        return NULL;
    /* every field, one by one: zeroing the whole would cost as much as
     * the rest of building a query, which a count in a loop does each
     * time */
    q->root = q;
    q->t = t;
    q->alias = t != NULL ? t->name : NULL;
    q->from = NULL;
    q->fk = NULL;
    q->reverse = false;
    q->index = 0;
    q->db = db;
    if (!kept) /* a kept room ran on db: its dialect is db's */
        q->dialect = db != NULL && db->be != NULL
                         ? sc__dialect_of(db->be->dialect)
                         : NULL;
    q->spare = (unsigned char *)room->store;
    q->spare_left = sizeof room->store;
    q->store = NULL;
    vec_start(&q->handles, room->handles, ROOM_HANDLES);
    vec_start(&q->nodes, room->nodes, ROOM);
    vec_start(&q->vals, room->vals, ROOM);
    vec_start(&q->orders, NULL, 0);
    vec_start(&q->sets, NULL, 0);
    q->limit = q->offset = 0;
    q->has_limit = q->has_offset = q->distinct = false;
    q->depth = 0;
    q->rc = SC_OK;
    q->err_column = NULL;
    q->err_msg = NULL;
    q->sql = (sc__buf){.s = NULL};
    vec_start(&q->params, room->params, ROOM);
    q->nph = 0;
    vec_start(&q->key, room->key, ROOM_KEY);
    q->bare = false;
    q->ran = false;
    room->handles[0] = q; /* the room has space for it */
    q->handles.n = 1;
    if (db != NULL)
        atomic_fetch_add(&db->refs, 1); /* see sc_db.refs */
    if (db == NULL)
        keep(q, SC_MISUSE, NULL, "a query on a NULL connection");
    else if (db->closed)
        keep(q, SC_MISUSE, NULL, "a query on a closed connection");
    else if (t == NULL || t->ncols == 0)
        keep(q, SC_MISUSE, NULL, "a query on a NULL or empty table");
    return q;
}

void sc_query_free(sc_query *q)
{
    sc_query *r;

    if (q == NULL || q != q->root)
        return; /* a joined handle dies with its root, in its store */
    r = q->root;
    /* the lists that outgrew the room, and what was made beside it:
     * the query of a count, built and freed each time, has none */
    vec_release(&r->handles);
    vec_release(&r->nodes);
    vec_release(&r->vals);
    vec_release(&r->orders);
    vec_release(&r->sets);
    vec_release(&r->params);
    vec_release(&r->key);
    if (r->sql.s != NULL)
        sc__buf_free(&r->sql);
    if (r->store != NULL)
        sc_arena_free(r->store);
    if (r->err_msg != NULL)
        sc__free(r->err_msg);
    room_free(r);
}

/* ---------------------------------------------------------------------
 * Building: filters and their values.
 * ------------------------------------------------------------------- */

/* The C forms a value of a column takes, one for each typed call
 * (sc_query_where_i64() and its kin). */
typedef enum c_form {
    FORM_BOOL,
    FORM_I16,
    FORM_I32,
    FORM_I64,
    FORM_F32,
    FORM_F64,
    FORM_TEXT,
    FORM_BYTES,
    FORM_UUID,
    FORM_ENUM
} c_form;

/* Each type's C form and the size of one value of it in an array. */
static const struct {
    c_form form;
    size_t size;
} c_forms[] = {
    [SC_TYPE_BOOL] = {FORM_BOOL, sizeof(bool)},
    [SC_TYPE_INT16] = {FORM_I16, sizeof(int16_t)},
    [SC_TYPE_INT32] = {FORM_I32, sizeof(int32_t)},
    [SC_TYPE_INT64] = {FORM_I64, sizeof(int64_t)},
    [SC_TYPE_FLOAT32] = {FORM_F32, sizeof(float)},
    [SC_TYPE_FLOAT64] = {FORM_F64, sizeof(double)},
    [SC_TYPE_NUMERIC] = {FORM_I64, sizeof(int64_t)},
    [SC_TYPE_DECIMAL] = {FORM_TEXT, sizeof(const char *)},
    [SC_TYPE_TEXT] = {FORM_TEXT, sizeof(const char *)},
    [SC_TYPE_BYTES] = {FORM_BYTES, sizeof(sc_bytes)},
    [SC_TYPE_DATE] = {FORM_I32, sizeof(int32_t)},
    [SC_TYPE_TIMESTAMP] = {FORM_I64, sizeof(int64_t)},
    [SC_TYPE_UUID] = {FORM_UUID, sizeof(sc_uuid)},
    [SC_TYPE_JSON] = {FORM_TEXT, sizeof(const char *)},
    [SC_TYPE_ENUM] = {FORM_ENUM, sizeof(int)},
};

static bool known_type(sc_type type)
{
    return type >= SC_TYPE_BOOL &&
           (unsigned)type < sizeof c_forms / sizeof c_forms[0];
}

static size_t c_size(sc_type type)
{
    return known_type(type) ? c_forms[type].size : sizeof(int64_t);
}

/*
 * Whether op applies to a column of type.  Orderings are refused where
 * the two databases would order differently (enum labels against enum
 * positions); decimal and json compare as text on SQLite but as numbers
 * and documents on PostgreSQL, so they take no value filters at all.
 */
static bool op_fits(sc_type type, sc_op op)
{
    switch (op) {
    case SC_OP_IS_NULL:
    case SC_OP_IS_NOT_NULL:
        return true;
    case SC_OP_LIKE:
    case SC_OP_ILIKE:
    case SC_OP_STARTS_WITH:
        return type == SC_TYPE_TEXT;
    case SC_OP_EQ:
    case SC_OP_NE:
    case SC_OP_IN:
    case SC_OP_NOT_IN:
        return type != SC_TYPE_DECIMAL && type != SC_TYPE_JSON;
    case SC_OP_LT:
    case SC_OP_LE:
    case SC_OP_GT:
    case SC_OP_GE:
        return type != SC_TYPE_DECIMAL && type != SC_TYPE_JSON &&
               type != SC_TYPE_ENUM;
    }
    return false;
}

static const char *op_name(sc_op op)
{
    static const char *const names[] = {
        "?", "eq", "ne", "lt", "le", "gt", "ge", "like", "ilike",
        "starts_with", "in", "not in", "is null", "is not null"};

    return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "?";
}

/* SQLite refuses LIKE patterns longer than this (its default
 * SQLITE_MAX_LIKE_PATTERN_LENGTH); both databases refuse them alike. */
#define MAX_LIKE_PATTERN 50000

/* Whether pattern p[0..n), whose first '\\' is at e (NULL: none), ends
 * in the escape character '\\' that escapes nothing.  SQLite would match
 * no row, PostgreSQL fail or not by the data: both refuse it before
 * anything is sent. */
static bool ends_in_escape(const char *p, size_t n, const char *e)
{
    size_t i;

    for (i = e != NULL ? (size_t)(e - p) : n; i < n; i++) {
        if (p[i] == '\\' && ++i == n)
            return true;
    }
    return false;
}

/* Whether the pattern just added for a like on c is short enough and
 * well formed; keeps SC_RANGE when not.  *escapes tells whether it has
 * the escape character '\\' (see node). */
static bool pattern_fits(const sc_query *h, const sc_column_desc *c,
                         bool *escapes)
{
    sc_query *r = h->root;
    const sc_value *v = (sc_value *)r->vals.items + r->vals.n - 1;
    const char *e;

    *escapes = false;
    if (v->kind != SC_VAL_TEXT)
        return true;
    if (v->len > MAX_LIKE_PATTERN) {
        keep(r, SC_RANGE, c->name, "a like pattern of %zu bytes on %s.%s: "
             "the most is %d", v->len, h->t->name, c->name,
             MAX_LIKE_PATTERN);
        return false;
    }
    e = v->len > 0 ? memchr(v->p, '\\', v->len) : NULL;
    *escapes = e != NULL;
    if (!ends_in_escape(v->p, v->len, e))
        return true;
    keep(r, SC_RANGE, c->name, "a like pattern on %s.%s ends in the escape "
         "character '\\': write '\\\\' for a backslash (sc_like_escape())",
         h->t->name, c->name);
    return false;
}

/* Checks that handle h takes column col; keeps SC_MISUSE when not. */
static const sc_column_desc *column_of(const sc_query *h, unsigned col)
{
    sc_query *r = h->root;

    if (h->t == NULL)
        return NULL; /* kept when the query was made */
    if (col < h->t->ncols)
        return &h->t->cols[col];
    keep(r, SC_MISUSE, NULL, "column index %u is out of range for %s (%u "
         "columns)", col, h->t->name, h->t->ncols);
    return NULL;
}

/* Copies the value of c's C type at p into the query's store as *v,
 * every field of which it sets. */
static bool copy_value(const sc_query *h, const sc_column_desc *c,
                       const void *p, sc_value *v)
{
    sc_query *r = h->root;
    sc_column_desc alone;
    const char *text;
    int e;

    if (c->type == SC_TYPE_INT64) {
        /* keys, the most filtered on: as sc__field_value() reads them */
        *v = (sc_value){.kind = SC_VAL_INT, .type = c->type, .col = c};
        memcpy(&v->i, p, sizeof v->i);
        return true;
    }
    if (c->type == SC_TYPE_TEXT || c->type == SC_TYPE_JSON ||
        c->type == SC_TYPE_DECIMAL) {
        /* the common case, as sc__field_value() reads it, without a
         * descriptor of its own to point it at p */
        memcpy(&text, p, sizeof text);
        memset(v, 0, sizeof *v);
        v->type = c->type;
        v->col = c;
        if (text == NULL)
            return true; /* a NULL, which add_value() refuses */
        v->kind = SC_VAL_TEXT;
        v->len = strlen(text);
        v->cstr = true;
        v->p = store_copy(r, text, v->len);
        if (v->p == NULL)
            keep(r, SC_NOMEM, NULL, "out of memory");
        return v->p != NULL;
    }
    if (c->type == SC_TYPE_ENUM) {
        memcpy(&e, p, sizeof e);
        if (c->enm == NULL || e < 0 || (unsigned)e >= c->enm->nlabels) {
            keep(r, SC_RANGE, c->name, "value %d of %s.%s is not a value "
                 "of enum %s", e, h->t->name, c->name,
                 c->enm != NULL ? c->enm->name : "(none)");
            return false;
        }
    }
    alone = *c;
    alone.offset = 0; /* p is the field of a one-column row */
    alone.flags &= ~SC_COL_HASFLAG;
    sc__field_value(r->db, h->t, &alone, p, v);
    v->col = c;
    if (v->kind != SC_VAL_TEXT && v->kind != SC_VAL_BLOB)
        return true;
    v->p = store_copy(r, v->p, v->len);
    if (v->p == NULL)
        keep(r, SC_NOMEM, NULL, "out of memory");
    return v->p != NULL;
}

/* Adds value p of column c to the query's values; a NULL is refused: the
 * caller means IS NULL. */
static bool add_value(const sc_query *h, const sc_column_desc *c,
                      const void *p)
{
    sc_query *r = h->root;
    sc_value *v = push_raw(r, &r->vals, sizeof *v);

    if (v == NULL || !copy_value(h, c, p, v))
        return false;
    if (v->kind != SC_VAL_NULL)
        return true;
    keep(r, SC_MISUSE, c->name, "a NULL value in a filter on %s.%s: use "
         "SC_OP_IS_NULL or SC_OP_IS_NOT_NULL", h->t->name, c->name);
    return false;
}

/*
 * The least string above every string that starts with s[0..n), written
 * to out (room for n + 4 bytes): s with its last code point plus one,
 * skipping the surrogates.  A last code point U+10FFFF is dropped and the
 * one before it raised.  Bytes that are not UTF-8 are raised as bytes,
 * which byte-wise comparison (SQLite's BINARY, PostgreSQL's "C") also
 * orders right.  Returns the length, 0 when there is no such string.
 */
static size_t next_prefix(const unsigned char *s, size_t n,
                          unsigned char *out)
{
    size_t start;
    uint32_t cp;

    memcpy(out, s, n);
    while (n > 0) {
        start = n - 1;
        while (start > 0 && n - start < 4 && (out[start] & 0xc0) == 0x80)
            start--;
        if (sc__utf8_decode(out + start, n - start, &cp)) {
            cp = cp + 1 == 0xd800 ? 0xe000 : cp + 1;
            if (cp <= 0x10ffff)
                return start + sc__utf8_encode(cp, out + start);
        } else if (out[n - 1] < 0xff) {
            out[n - 1]++;
            return n;
        } else {
            start = n - 1;
        }
        n = start;
    }
    return 0;
}

/* Adds the bounds of starts_with(prefix): none for an empty prefix (the
 * condition is then IS NOT NULL), else the prefix and, when there is one,
 * its upper bound.  *n receives their count. */
static bool add_prefix(const sc_query *h, const sc_column_desc *c,
                       const void *p, size_t *n)
{
    sc_query *r = h->root;
    const sc_value *low;
    unsigned char *up;
    size_t len;

    if (!add_value(h, c, p))
        return false;
    low = (sc_value *)r->vals.items + r->vals.n - 1;
    if (low->len == 0) {
        r->vals.n--;
        *n = 0;
        return true;
    }
    up = store_alloc(r, low->len + 4);
    if (up == NULL) {
        keep(r, SC_NOMEM, NULL, "out of memory");
        return false;
    }
    len = next_prefix(low->p, low->len, up);
    *n = len > 0 ? 2 : 1;
    if (len == 0)
        return true;
    up[len] = '\0';
    return add_value(h, c, &up);
}

/* ---------------------------------------------------------------------
 * Long in-lists as one parameter.  A PostgreSQL statement takes at most
 * 65535 parameters (the protocol counts them in 16 bits), a SQLite one
 * 32766 unless SQLite was built for more: an in-list longer than
 * LIST_MIN goes to PostgreSQL as one array, "col = ANY ($1)", written in
 * the array's text form, which the server parses as an array of the
 * column's type, and to SQLite as one JSON array, "col IN (SELECT value
 * FROM json_each(?))", when its values are integers and text (floats and
 * blobs have no exact JSON form there, and stay a list), and to MariaDB
 * as one JSON array of the values' text forms, each cast back to the
 * column's type (the dialect's array_elem[]).  Either way one text
 * serves every count.
 * ------------------------------------------------------------------- */

#define LIST_MIN      1000

/* The dialect of r's database (dialect.h). */
static const sc__dialect *dia(const sc_query *r)
{
    return r->root->dialect != NULL ? r->root->dialect
                                    : sc__dialect_of(r->db->be->dialect);
}

/* Appends s[0..n) as a quoted element of an array's text. */
static void put_element(sc__buf *b, const char *s, size_t n)
{
    size_t i;

    sc__buf_puts(b, "\"");
    for (i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            sc__buf_puts(b, "\\");
        sc__buf_putn(b, s + i, 1);
    }
    sc__buf_puts(b, "\"");
}

/* Appends value v of column c as the server reads it in text: its
 * stored form where c has a format, dates, timestamps (in UTC) and
 * uuids as text, bytes in hex, floats in the C locale.  Returns SC_OK,
 * or SC_RANGE with *why when v has no such form (see sc__stored_form()),
 * as when it is bound alone. */
static int put_element_value(sc__buf *b, const sc_column_desc *c,
                             const sc_value *v, const char **why)
{
    static const char hex[] = "0123456789abcdef";
    char form[SC__FORM_MAX], num[40];
    sc_column_desc text_form = *c;
    sc_value stored, w = *v;
    const unsigned char *p;
    size_t i;

    if (sc__format(c) == SC_FMT_NATIVE &&
        (c->type == SC_TYPE_DATE || c->type == SC_TYPE_TIMESTAMP ||
         c->type == SC_TYPE_UUID)) {
        text_form.format = SC_FMT_TEXT;
        w.col = &text_form;
    }
    if (sc__stored_form(&w, &stored, form, why) != SC_OK)
        return SC_RANGE;
    switch (stored.kind) {
    case SC_VAL_TEXT:
        if (c->type != SC_TYPE_TIMESTAMP || (c->flags & SC_COL_NOZONE) ||
            sc__format(c) != SC_FMT_NATIVE) {
            put_element(b, stored.p, stored.len);
            break;
        }
        snprintf(num, sizeof num, "%.*s+00", (int)stored.len,
                 (const char *)stored.p);
        put_element(b, num, strlen(num));
        break;
    case SC_VAL_BLOB:
        sc__buf_puts(b, "\"\\\\x");
        for (p = stored.p, i = 0; i < stored.len; i++) {
            sc__buf_putn(b, &hex[p[i] >> 4], 1);
            sc__buf_putn(b, &hex[p[i] & 15], 1);
        }
        sc__buf_puts(b, "\"");
        break;
    case SC_VAL_FLOAT:
        sc__float_text(stored.f, 17, num, sizeof num);
        put_element(b, num, strlen(num));
        break;
    default:
        if (c->type == SC_TYPE_NUMERIC && sc__format(c) == SC_FMT_NATIVE)
            sc__scaled_text(stored.i, c->scale, form);
        else
            snprintf(form, sizeof form, "%" PRId64, stored.i);
        put_element(b, form, strlen(form));
        break;
    }
    return SC_OK;
}

/* Appends value v (of v->col) to a JSON array, in the form SQLite keeps
 * (see sc__stored_form()): SC_OK, SC_RANGE with *why when it has no such
 * form, or SC_MISUSE when the form has no exact JSON (a float, a blob). */
static int put_json_value(sc__buf *b, const sc_value *v, const char **why)
{
    char form[SC__FORM_MAX];
    const unsigned char *p;
    sc_value stored;
    size_t i;

    if (sc__stored_form(v, &stored, form, why) != SC_OK)
        return SC_RANGE;
    if (stored.kind == SC_VAL_INT) {
        sc__buf_printf(b, "%" PRId64, stored.i);
        return SC_OK;
    }
    if (stored.kind != SC_VAL_TEXT)
        return SC_MISUSE;
    sc__buf_puts(b, "\"");
    for (p = stored.p, i = 0; i < stored.len; i++) {
        if (p[i] == '"' || p[i] == '\\')
            sc__buf_printf(b, "\\%c", p[i]);
        else if (p[i] < 0x20)
            sc__buf_printf(b, "\\u%04x", p[i]);
        else
            sc__buf_putn(b, (const char *)p + i, 1);
    }
    sc__buf_puts(b, "\"");
    return SC_OK;
}

/* Appends s[0..n) as a JSON string. */
static void put_json_string(sc__buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i;

    sc__buf_puts(b, "\"");
    for (i = 0; i < n; i++) {
        if (p[i] == '"' || p[i] == '\\')
            sc__buf_printf(b, "\\%c", p[i]);
        else if (p[i] < 0x20)
            sc__buf_printf(b, "\\u%04x", p[i]);
        else
            sc__buf_putn(b, s + i, 1);
    }
    sc__buf_puts(b, "\"");
}

/* Appends value v of column c to a JSON array as the string of its text
 * form, the one the dialect's array_elem[*elem] turns back into the
 * column's type: dates and timestamps (in UTC) as text, bytes and
 * binary uuids in hex, decimals and floats in the C locale (17
 * digits), integers in decimal.  SC_RANGE with *why as for
 * put_element_value(). */
static int put_json_text_value(sc__buf *b, const sc_column_desc *c,
                               const sc_value *v, int *elem,
                               const char **why)
{
    static const char hex[] = "0123456789abcdef";
    char form[SC__FORM_MAX], num[40];
    sc_column_desc text_form = *c;
    sc_value stored, w = *v;
    bool native = sc__format(c) == SC_FMT_NATIVE;
    const unsigned char *p;
    size_t i;

    if (native && (c->type == SC_TYPE_DATE || c->type == SC_TYPE_TIMESTAMP)) {
        text_form.format = SC_FMT_TEXT;
        w.col = &text_form;
    }
    if (sc__stored_form(&w, &stored, form, why) != SC_OK)
        return SC_RANGE;
    switch (stored.kind) {
    case SC_VAL_TEXT:
        *elem = !native                         ? SC__ELEM_TEXT
                : c->type == SC_TYPE_DATE      ? SC__ELEM_DATE
                : c->type == SC_TYPE_TIMESTAMP ? SC__ELEM_TIMESTAMP
                : c->type == SC_TYPE_DECIMAL   ? SC__ELEM_DECIMAL
                                               : SC__ELEM_TEXT;
        put_json_string(b, stored.p, stored.len);
        break;
    case SC_VAL_BLOB:
        *elem = SC__ELEM_BYTES;
        sc__buf_puts(b, "\"");
        for (p = stored.p, i = 0; i < stored.len; i++) {
            sc__buf_putn(b, &hex[p[i] >> 4], 1);
            sc__buf_putn(b, &hex[p[i] & 15], 1);
        }
        sc__buf_puts(b, "\"");
        break;
    case SC_VAL_FLOAT:
        *elem = SC__ELEM_FLOAT;
        sc__float_text(stored.f, 17, num, sizeof num);
        put_json_string(b, num, strlen(num));
        break;
    case SC_VAL_INT:
        *elem = SC__ELEM_INT;
        if (c->type == SC_TYPE_NUMERIC && native) {
            *elem = SC__ELEM_DECIMAL;
            sc__scaled_text(stored.i, c->scale, form);
        } else {
            snprintf(form, sizeof form, "%" PRId64, stored.i);
        }
        put_json_string(b, form, strlen(form));
        break;
    default:
        return SC_MISUSE;
    }
    return SC_OK;
}

/* Writes the values of in-list nd as one array parameter, in the
 * query's store: a PostgreSQL array or a JSON one.  A list with a value
 * JSON cannot hold exactly is left a list. */
static void make_array(const sc_query *h, const sc_column_desc *c, node *nd)
{
    sc_query *r = h->root;
    const sc_value *vals = (const sc_value *)r->vals.items + nd->first;
    bool json = dia(r)->array_json;
    const char *why = NULL;
    sc__buf b = {0};
    size_t i;
    int rc = SC_OK;

    sc__buf_puts(&b, json ? "[" : "{");
    for (i = 0; i < nd->n && rc == SC_OK; i++) {
        sc__buf_puts(&b, i ? "," : "");
        rc = dia(r)->array_from != NULL
                 ? put_json_text_value(&b, c, &vals[i], &nd->elem, &why)
             : json ? put_json_value(&b, &vals[i], &why)
                    : put_element_value(&b, c, &vals[i], &why);
    }
    if (rc != SC_OK) {
        sc__buf_free(&b);
        if (rc == SC_RANGE)
            keep(r, SC_RANGE, c->name, "cannot compare %s.%s with that "
                 "value: %s", h->t->name, c->name,
                 why != NULL ? why : "it has no text form");
        return;
    }
    sc__buf_puts(&b, json ? "]" : "}");
    nd->array.p = b.failed ? NULL : store_copy(r, b.s, b.len);
    nd->array.len = b.len;
    sc__buf_free(&b);
    if (nd->array.p == NULL) {
        keep(r, SC_NOMEM, NULL, "out of memory");
        return;
    }
    nd->array.kind = SC_VAL_TEXT;
    nd->array.type = SC_TYPE_TEXT;
}

/* Adds "col op values" on column c, col of h's table (column_of()), with
 * n values of the column's C type laid out at values. */
static void add_cond(sc_query *h, const sc_column_desc *c, unsigned col,
                     sc_op op, const void *values, size_t n)
{
    sc_query *r = h->root;
    node *nd;
    size_t i, first = r->vals.n;
    bool escapes = false;

    if (!op_fits(c->type, op)) {
        keep(r, SC_MISUSE, c->name, "operator %s does not apply to %s.%s",
             op_name(op), h->t->name, c->name);
        return;
    }
    if (op == SC_OP_STARTS_WITH) {
        if (!add_prefix(h, c, values, &n))
            return;
    } else {
        for (i = 0; i < n; i++) {
            if (!add_value(h, c, (const char *)values + i * c_size(c->type)))
                return;
        }
    }
    if ((op == SC_OP_LIKE || op == SC_OP_ILIKE) &&
        !pattern_fits(h, c, &escapes))
        return;
    nd = push_raw(r, &r->nodes, sizeof *nd);
    if (nd == NULL)
        return;
    nd->kind = N_COND;
    nd->h = h;
    nd->col = col;
    nd->op = op;
    nd->first = first;
    nd->n = n;
    nd->array = (sc_value){.kind = SC_VAL_NULL};
    nd->elem = 0;
    nd->escapes = escapes;
    if ((op == SC_OP_IN || op == SC_OP_NOT_IN) && n > LIST_MIN &&
        r->db != NULL && r->db->be != NULL && dia(r)->in_array != NULL)
        make_array(h, c, nd);
}

/* sc_query_where() on column c, col of q's table (column_of()). */
static void where_on(sc_query *q, const sc_column_desc *c, unsigned col,
                     sc_op op, const void *value)
{
    bool none = op == SC_OP_IS_NULL || op == SC_OP_IS_NOT_NULL;

    if (op < SC_OP_EQ || op > SC_OP_IS_NOT_NULL || op == SC_OP_IN ||
        op == SC_OP_NOT_IN || (!none && value == NULL)) {
        keep(q->root, SC_MISUSE, NULL, "sc_query_where() on %s: bad "
             "operator %d or NULL value (IN takes sc_query_where_in())",
             table_name(q), (int)op);
        return;
    }
    if (c == NULL)
        c = column_of(q, col);
    if (c != NULL)
        add_cond(q, c, col, op, value, none ? 0 : 1);
}

/* sc_query_where_in() on column c as for where_on(). */
static void where_in_on(sc_query *q, const sc_column_desc *c, unsigned col,
                        sc_op op, const void *values, size_t n)
{
    if ((op != SC_OP_IN && op != SC_OP_NOT_IN) || (n > 0 && values == NULL)) {
        keep(q->root, SC_MISUSE, NULL, "sc_query_where_in() on %s takes "
             "SC_OP_IN or SC_OP_NOT_IN and n values", table_name(q));
        return;
    }
    if (c == NULL)
        c = column_of(q, col);
    if (c != NULL)
        add_cond(q, c, col, op, values, n);
}

void sc_query_where(sc_query *q, unsigned col, sc_op op, const void *value)
{
    if (q != NULL)
        where_on(q, NULL, col, op, value);
}

void sc_query_where_in(sc_query *q, unsigned col, sc_op op,
                       const void *values, size_t n)
{
    if (q != NULL)
        where_in_on(q, NULL, col, op, values, n);
}

/* Column col of handle q when it has C form form, the one of the typed
 * call fn; else NULL, keeping SC_MISUSE, so that a value is never read
 * as another type than the one it was given as. */
static const sc_column_desc *form_fits(sc_query *q, unsigned col,
                                       c_form form, const char *fn)
{
    const sc_column_desc *c;

    if (q == NULL || (c = column_of(q, col)) == NULL)
        return NULL;
    if (known_type(c->type) && c_forms[c->type].form == form)
        return c;
    keep(q->root, SC_MISUSE, c->name, "%s() on %s.%s, a column of another "
         "C type", fn, q->t->name, c->name);
    return NULL;
}

/* The typed calls of one C form: the value as itself, an array of it,
 * and the value of a bulk set (the typedef makes "const T *" of a
 * pointer type T a pointer to const pointers). */
#define TYPED_CALLS(suffix, ctype, form)                                    \
    typedef ctype suffix##_arg;                                             \
    void sc_query_where_##suffix(sc_query *q, unsigned col, sc_op op,       \
                                 suffix##_arg v)                            \
    {                                                                       \
        const sc_column_desc *c =                                           \
            form_fits(q, col, form, "sc_query_where_" #suffix);             \
                                                                            \
        if (c != NULL)                                                      \
            where_on(q, c, col, op, &v);                                    \
    }                                                                       \
    void sc_query_where_in_##suffix(sc_query *q, unsigned col, sc_op op,    \
                                    const suffix##_arg *v, size_t n)        \
    {                                                                       \
        const sc_column_desc *c =                                           \
            form_fits(q, col, form, "sc_query_where_in_" #suffix);          \
                                                                            \
        if (c != NULL)                                                      \
            where_in_on(q, c, col, op, v, n);                               \
    }                                                                       \
    void sc_query_set_##suffix(sc_query *q, unsigned col, suffix##_arg v)   \
    {                                                                       \
        if (form_fits(q, col, form, "sc_query_set_" #suffix))               \
            sc_query_set(q, col, &v);                                       \
    }

TYPED_CALLS(bool, bool, FORM_BOOL)
TYPED_CALLS(i16, int16_t, FORM_I16)
TYPED_CALLS(i32, int32_t, FORM_I32)
TYPED_CALLS(i64, int64_t, FORM_I64)
TYPED_CALLS(f32, float, FORM_F32)
TYPED_CALLS(f64, double, FORM_F64)
TYPED_CALLS(text, const char *, FORM_TEXT)
TYPED_CALLS(bytes, sc_bytes, FORM_BYTES)
TYPED_CALLS(uuid, sc_uuid, FORM_UUID)
TYPED_CALLS(enum, int, FORM_ENUM)

#undef TYPED_CALLS

/* ---------------------------------------------------------------------
 * Building: groups and shaping.
 * ------------------------------------------------------------------- */

static void begin_group(sc_query *q, node_kind kind)
{
    node *nd;

    if (q == NULL)
        return;
    nd = push(q->root, &q->root->nodes, sizeof *nd);
    if (nd == NULL)
        return;
    nd->kind = kind;
    q->root->depth++;
}

void sc_query_begin_or(sc_query *q)
{
    begin_group(q, N_OR);
}

void sc_query_begin_and(sc_query *q)
{
    begin_group(q, N_AND);
}

void sc_query_begin_not(sc_query *q)
{
    begin_group(q, N_NOT);
}

void sc_query_end(sc_query *q)
{
    sc_query *r;
    node *nd;

    if (q == NULL)
        return;
    r = q->root;
    if (r->depth == 0) {
        keep(r, SC_MISUSE, NULL, "sc_query_end() on %s without an open "
             "group", table_name(r));
        return;
    }
    nd = push(r, &r->nodes, sizeof *nd);
    if (nd == NULL)
        return;
    nd->kind = N_END;
    r->depth--;
}

void sc_query_order_by(sc_query *q, unsigned col, sc_order dir)
{
    order_item *o;

    if (q == NULL || column_of(q, col) == NULL)
        return;
    if (dir != SC_ASC && dir != SC_DESC) {
        keep(q->root, SC_MISUSE, NULL, "bad sort direction %d", (int)dir);
        return;
    }
    o = push(q->root, &q->root->orders, sizeof *o);
    if (o == NULL)
        return;
    o->h = q;
    o->col = col;
    o->dir = dir;
}

/* Sets the limit or the offset (which) of q's root to n >= 0. */
static void set_bound(sc_query *q, int64_t n, bool offset)
{
    sc_query *r;

    if (q == NULL)
        return;
    r = q->root;
    if (n < 0) {
        keep(r, SC_MISUSE, NULL, "negative %s %" PRId64,
             offset ? "offset" : "limit", n);
    } else if (offset) {
        r->offset = n;
        r->has_offset = true;
    } else {
        r->limit = n;
        r->has_limit = true;
    }
}

void sc_query_limit(sc_query *q, int64_t n)
{
    set_bound(q, n, false);
}

void sc_query_offset(sc_query *q, int64_t n)
{
    set_bound(q, n, true);
}

void sc_query_distinct(sc_query *q)
{
    if (q != NULL)
        q->root->distinct = true;
}

void sc_query_set(sc_query *q, unsigned col, const void *value)
{
    const sc_column_desc *c;
    set_item *s;
    size_t i;

    if (q == NULL || (c = column_of(q, col)) == NULL)
        return;
    if (q != q->root) {
        keep(q->root, SC_MISUSE, c->name, "sc_query_set() on joined table "
             "%s: bulk updates change the root's table %s", q->t->name,
             table_name(q->root));
        return;
    }
    if (value == NULL && (c->flags & SC_COL_NOTNULL)) {
        keep(q, SC_MISUSE, c->name, "cannot set %s.%s to NULL: it is not "
             "null", q->t->name, c->name);
        return;
    }
    for (i = 0; i < q->sets.n; i++) {
        s = (set_item *)q->sets.items + i;
        if (s->col == col)
            break;
    }
    s = i < q->sets.n ? (set_item *)q->sets.items + i
                      : push(q, &q->sets, sizeof *s);
    if (s == NULL)
        return;
    s->col = col;
    memset(&s->v, 0, sizeof s->v);
    s->v.type = c->type;
    if (value != NULL)
        copy_value(q, c, value, &s->v);
}

/* ---------------------------------------------------------------------
 * Joins.
 * ------------------------------------------------------------------- */

static bool fkey_of(const sc_table_desc *t, const sc_fkey_desc *fk)
{
    unsigned i;

    for (i = 0; i < t->nfkeys; i++) {
        if (&t->fkeys[i] == fk)
            return true;
    }
    return false;
}

static int find_column(const sc_table_desc *t, const char *name)
{
    unsigned i;

    for (i = 0; i < t->ncols; i++) {
        /* the same text, as a rule, in a generated schema's descriptors */
        if (t->cols[i].name == name || strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

/* Whether fk, of table owner, can join owner to target: it belongs to
 * owner, points at target's table, and names columns target has. */
static bool join_fits(const sc_table_desc *owner, const sc_fkey_desc *fk,
                      const sc_table_desc *target)
{
    unsigned i;

    if (!fkey_of(owner, fk) || (fk->target != target->name &&
                                strcmp(fk->target, target->name) != 0))
        return false;
    for (i = 0; i < fk->ncols; i++) {
        if (find_column(target, fk->target_cols[i]) < 0)
            return false;
    }
    return true;
}

/* "t" for the first use of table t in the query, "t_2" for the second. */
static const char *alias_for(sc_query *r, const sc_table_desc *t)
{
    sc_query **hs = r->handles.items;
    unsigned uses = 1;
    size_t i, size;
    char *s;

    for (i = 0; i < r->handles.n; i++)
        uses += hs[i]->t == t || (hs[i]->t->name[0] == t->name[0] &&
                                  strcmp(hs[i]->t->name, t->name) == 0);
    if (uses == 1)
        return t->name;
    size = strlen(t->name) + 16;
    s = store_alloc(r, size);
    if (s != NULL)
        snprintf(s, size, "%s_%u", t->name, uses);
    return s;
}

/* join_fits(owner, fk, target), remembered in r's room for the next
 * query built in it. */
static bool join_fits_in(sc_query *r, const sc_table_desc *owner,
                         const sc_fkey_desc *fk, const sc_table_desc *target)
{
    query_room *room = (query_room *)r;

    if (room->fitted.fk == fk && room->fitted.owner == owner &&
        room->fitted.target == target)
        return true;
    if (!join_fits(owner, fk, target))
        return false;
    room->fitted.owner = owner;
    room->fitted.target = target;
    room->fitted.fk = fk;
    return true;
}

sc_query *sc_query_join(sc_query *q, const sc_table_desc *other,
                        const sc_fkey_desc *fk, bool reverse)
{
    sc_query *r, *h, **slot;

    if (q == NULL || q->t == NULL)
        return NULL;
    r = q->root;
    if (other == NULL || fk == NULL ||
        !(reverse ? join_fits_in(r, other, fk, q->t)
                  : join_fits_in(r, q->t, fk, other))) {
        keep(r, SC_MISUSE, NULL, "cannot join %s to %s along that foreign "
             "key", q->t->name, other != NULL ? other->name : "(null)");
        return NULL;
    }
    /* in the query's store, and only the fields of a handle: the root's
     * own come after them */
    h = store_alloc(r, HANDLE_SIZE);
    if (h != NULL) {
        memset(h, 0, HANDLE_SIZE);
        h->alias = alias_for(r, other);
    }
    slot = h != NULL && h->alias != NULL
               ? push(r, &r->handles, sizeof *slot)
               : NULL;
    if (slot == NULL) {
        keep(r, SC_NOMEM, NULL, "out of memory");
        return NULL;
    }
    h->root = r;
    h->t = other;
    h->from = q;
    h->fk = fk;
    h->reverse = reverse;
    h->index = r->handles.n - 1;
    *slot = h;
    return h;
}

/* ---------------------------------------------------------------------
 * SQL text.  Every writer appends to b and pushes the parameters of the
 * placeholders it writes, in order.
 * ------------------------------------------------------------------- */

static void put_param(sc_query *r, sc__buf *b, const sc_value *v,
                      const sc_query *h, const sc_column_desc *c)
{
    param *p = vec_push(&r->params, sizeof *p);

    /* Failing the text, not the query (push() would keep the error for
     * good): build() reports it and the next terminal builds again. */
    if (p == NULL) {
        b->failed = true;
        return;
    }
    p->v = *v;
    p->h = h;
    p->c = c;
    sc__put_placeholder(r->db, b, &r->nph);
}

static void put_int_param(sc_query *r, sc__buf *b, int64_t i)
{
    sc_value v;

    memset(&v, 0, sizeof v);
    v.kind = SC_VAL_INT;
    v.type = SC_TYPE_INT64;
    v.i = i;
    put_param(r, b, &v, NULL, NULL);
}

/* A column of h's table, qualified by its table once the query joins. */
static void put_column(const sc_query *r, sc__buf *b, const sc_query *h,
                       const char *name)
{
    if (r->handles.n > 1 && !r->bare) {
        sc__buf_ident(b, h->alias);
        sc__buf_puts(b, ".");
    }
    sc__buf_ident(b, name);
}

/* The root's columns, each as the select list reads it (see
 * sc__put_select_column()). */
static void put_columns(const sc_query *r, sc__buf *b)
{
    const char *qualifier = r->handles.n > 1 ? r->alias : NULL;
    unsigned i;

    for (i = 0; i < r->t->ncols; i++) {
        sc__buf_puts(b, i ? ", " : "");
        sc__put_select_column(r->db, b, qualifier, &r->t->cols[i]);
    }
}

/* "fk column = target column" for each column of a joined handle's key,
 * the joined table's side first. */
static void put_join_on(const sc_query *r, sc__buf *b, const sc_query *h)
{
    const sc_fkey_desc *fk = h->fk;
    const sc_table_desc *owner = h->reverse ? h->t : h->from->t;
    unsigned i;

    for (i = 0; i < fk->ncols; i++) {
        const char *own = owner->cols[fk->cols[i]].name;
        const char *target = fk->target_cols[i];

        sc__buf_puts(b, i ? " AND " : " ON ");
        put_column(r, b, h, h->reverse ? own : target);
        sc__buf_puts(b, " = ");
        put_column(r, b, h->from, h->reverse ? target : own);
    }
}

static void put_from(const sc_query *r, sc__buf *b)
{
    sc_query *const *hs = r->handles.items;
    size_t i;

    sc__buf_puts(b, " FROM ");
    sc__buf_ident(b, r->t->name);
    for (i = 1; i < r->handles.n; i++) {
        sc__buf_puts(b, " JOIN ");
        sc__buf_ident(b, hs[i]->t->name);
        if (hs[i]->alias != hs[i]->t->name) {
            sc__buf_puts(b, " AS ");
            sc__buf_ident(b, hs[i]->alias);
        }
        put_join_on(r, b, hs[i]);
    }
}

static void put_values(sc_query *r, sc__buf *b, const node *nd,
                       const sc_column_desc *c, size_t from, size_t n)
{
    const sc_value *vals = r->vals.items;
    size_t i;

    for (i = 0; i < n; i++) {
        sc__buf_puts(b, i ? ", " : "");
        put_param(r, b, &vals[nd->first + from + i], nd->h, c);
    }
}

/* Column c of h where a text operator takes it: a column of a type the
 * runtime reads through a cast (pg_type) is matched in that text, so that
 * like and starts_with work on inet, arrays, domains over text alike. */
static void put_text_column(const sc_query *r, sc__buf *b, const sc_query *h,
                            const sc_column_desc *c)
{
    sc__put_select_column(r->db, b, r->handles.n > 1 ? h->alias : NULL, c);
}

/* Whether text column c compares and orders by its collation on
 * PostgreSQL, which the runtime overrides with COLLATE "C": byte order,
 * SQLite's BINARY, whatever the database's locale (an ICU en-US database
 * puts "a" before "B").  A column of another pg_type compares as that
 * type and takes no collation. */
static bool collated(const sc_query *r, const sc_column_desc *c)
{
    return dia(r)->byte_collation[0] != '\0' && c->type == SC_TYPE_TEXT &&
           c->pg_type == NULL;
}

static void put_compare(sc_query *r, sc__buf *b, const node *nd,
                        const char *op)
{
    const sc_column_desc *c = &nd->h->t->cols[nd->col];
    bool ordering = nd->op >= SC_OP_LT && nd->op <= SC_OP_GE;
    /* PostgreSQL's ILIKE folds only ASCII under COLLATE "C", as SQLite's
     * lower() does; a column of another pg_type is matched in the text it
     * is cast to, which takes a collation too */
    bool like = nd->op == SC_OP_LIKE || nd->op == SC_OP_ILIKE;

    if (nd->op == SC_OP_LIKE || nd->op == SC_OP_ILIKE ||
        nd->op == SC_OP_STARTS_WITH)
        put_text_column(r, b, nd->h, c);
    else
        put_column(r, b, nd->h, c->name);
    if ((ordering && collated(r, c)) ||
        (like && dia(r)->has_ilike && c->type == SC_TYPE_TEXT))
        sc__buf_puts(b, dia(r)->byte_collation);
    sc__buf_puts(b, op);
    put_values(r, b, nd, c, 0, 1);
}

static void put_like(sc_query *r, sc__buf *b, const node *nd)
{
    const sc_column_desc *c = &nd->h->t->cols[nd->col];

    if (nd->op == SC_OP_LIKE || dia(r)->has_ilike) { /* see put_compare */
        put_compare(r, b, nd, nd->op == SC_OP_LIKE ? " LIKE " : " ILIKE ");
    } else { /* SQLite has no ILIKE; lower() folds ASCII only */
        sc__buf_puts(b, "lower(");
        put_text_column(r, b, nd->h, c);
        sc__buf_puts(b, ") LIKE lower(");
        put_values(r, b, nd, c, 0, 1);
        sc__buf_puts(b, ")");
    }
    if (nd->escapes) /* see node */
        sc__buf_puts(b, dia(r)->like_escape);
}

/* col >= prefix AND col < upper, which an index on col serves.  The
 * comparison must be byte-wise: PostgreSQL is told so; SQLite's text
 * comparison (BINARY) is already. */
static void put_starts_with(sc_query *r, sc__buf *b, const node *nd)
{
    const sc_column_desc *c = &nd->h->t->cols[nd->col];
    const char *collate = dia(r)->byte_collation;

    if (nd->n == 0) {
        put_column(r, b, nd->h, c->name);
        sc__buf_puts(b, " IS NOT NULL");
        return;
    }
    sc__buf_puts(b, nd->n == 2 ? "(" : "");
    put_compare(r, b, nd, " >= ");
    sc__buf_puts(b, collate);
    if (nd->n == 1)
        return;
    sc__buf_puts(b, " AND ");
    put_text_column(r, b, nd->h, c);
    sc__buf_puts(b, " < ");
    put_values(r, b, nd, c, 1, 1);
    sc__buf_puts(b, collate);
    sc__buf_puts(b, ")");
}

static void put_in(sc_query *r, sc__buf *b, const node *nd)
{
    const sc_column_desc *c = &nd->h->t->cols[nd->col];
    param *p;

    if (nd->n == 0) { /* IN () matches nothing, NOT IN () everything */
        sc__buf_puts(b, nd->op == SC_OP_IN ? "(1 = 0)" : "(1 = 1)");
        return;
    }
    if (nd->array.kind == SC_VAL_TEXT) {
        put_column(r, b, nd->h, c->name);
        sc__buf_puts(b, nd->op == SC_OP_IN ? dia(r)->in_array
                                           : dia(r)->not_in_array);
        if (dia(r)->array_from != NULL) {
            sc__buf_puts(b, dia(r)->array_elem[nd->elem]);
            sc__buf_puts(b, dia(r)->array_from);
        }
        put_param(r, b, &nd->array, nd->h, NULL);
        sc__buf_puts(b, dia(r)->array_close);
        p = (param *)r->params.items + r->params.n - 1;
        if (!b->failed) {
            p->elems = (const sc_value *)r->vals.items + nd->first;
            p->nelems = nd->n;
        }
        return;
    }
    put_column(r, b, nd->h, c->name);
    sc__buf_puts(b, nd->op == SC_OP_IN ? " IN (" : " NOT IN (");
    put_values(r, b, nd, c, 0, nd->n);
    sc__buf_puts(b, ")");
}

static void put_cond(sc_query *r, sc__buf *b, const node *nd)
{
    static const char *const cmp[] = {"", " = ", " <> ", " < ", " <= ",
                                      " > ", " >= "};
    const sc_column_desc *c = &nd->h->t->cols[nd->col];

    switch (nd->op) {
    case SC_OP_LIKE:
    case SC_OP_ILIKE:
        put_like(r, b, nd);
        break;
    case SC_OP_STARTS_WITH:
        put_starts_with(r, b, nd);
        break;
    case SC_OP_IN:
    case SC_OP_NOT_IN:
        put_in(r, b, nd);
        break;
    case SC_OP_IS_NULL:
    case SC_OP_IS_NOT_NULL:
        put_column(r, b, nd->h, c->name);
        sc__buf_puts(b, nd->op == SC_OP_IS_NULL ? " IS NULL"
                                                : " IS NOT NULL");
        break;
    default:
        put_compare(r, b, nd, cmp[nd->op]);
        break;
    }
}

/* Members of a group written in one flat run "a OR b OR ...": SQLite
 * parses a run into a tree as deep as it is long, and refuses a tree
 * deeper than 1000 ("expression tree is too large"). */
#define FLAT_MEMBERS 64

static void put_members(sc_query *r, sc__buf *b, size_t *i, node_kind kind);

/* The index of the node after the member that starts at i. */
static size_t member_end(const sc_query *r, size_t i)
{
    const node *nodes = r->nodes.items;
    size_t depth = 0;

    do {
        if (nodes[i].kind == N_END)
            depth--;
        else if (nodes[i].kind != N_COND)
            depth++;
        i++;
    } while (depth > 0 && i < r->nodes.n);
    return i;
}

/* Writes the member that starts at node i. */
static void put_member(sc_query *r, sc__buf *b, size_t i)
{
    const node *nd = (const node *)r->nodes.items + i;

    if (nd->kind == N_COND) {
        put_cond(r, b, nd);
        return;
    }
    sc__buf_puts(b, nd->kind == N_NOT ? "NOT (" : "(");
    i++;
    put_members(r, b, &i, nd->kind);
    sc__buf_puts(b, ")");
}

/* Writes members [lo, hi) of starts, joined by sep: in one run when
 * they are few, else as two parenthesized halves, so that the depth of
 * the tree grows with the logarithm of the count. */
static void put_run(sc_query *r, sc__buf *b, const size_t *starts,
                    size_t lo, size_t hi, const char *sep)
{
    size_t mid, i;

    if (hi - lo <= FLAT_MEMBERS) {
        for (i = lo; i < hi; i++) {
            sc__buf_puts(b, i > lo ? sep : "");
            put_member(r, b, starts[i]);
        }
        return;
    }
    mid = lo + (hi - lo) / 2;
    sc__buf_puts(b, "(");
    put_run(r, b, starts, lo, mid, sep);
    sc__buf_puts(b, ")");
    sc__buf_puts(b, sep);
    sc__buf_puts(b, "(");
    put_run(r, b, starts, mid, hi, sep);
    sc__buf_puts(b, ")");
}

/*
 * Writes the members of the group that starts after *i, up to its end,
 * joined by AND or OR, and leaves *i on the end.  An empty group is its
 * unit: AND () is true, OR () false, so NOT () is NOT (true): false.
 */
static void put_members(sc_query *r, sc__buf *b, size_t *i, node_kind kind)
{
    const node *nodes = r->nodes.items;
    const char *sep = kind == N_OR ? " OR " : " AND ";
    vec starts = {0};
    size_t *slot;

    for (; *i < r->nodes.n && nodes[*i].kind != N_END;
         *i = member_end(r, *i)) {
        slot = vec_push(&starts, sizeof *slot);
        if (slot == NULL) {
            b->failed = true;
            break;
        }
        *slot = *i;
    }
    if (starts.n == 0)
        sc__buf_puts(b, kind == N_OR ? "1 = 0" : "1 = 1");
    else
        put_run(r, b, starts.items, 0, starts.n, sep);
    vec_free(&starts);
}

static void put_where(sc_query *r, sc__buf *b)
{
    size_t i = 0;

    if (r->nodes.n == 0)
        return;
    sc__buf_puts(b, " WHERE ");
    put_members(r, b, &i, N_AND);
}

/* Appends s as an SQL string literal. */
static void put_literal(sc__buf *b, const char *s)
{
    sc__buf_puts(b, "'");
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            sc__buf_puts(b, "''");
        else
            sc__buf_putn(b, s, 1);
    }
    sc__buf_puts(b, "'");
}

/* Whether c is a numeric that both databases keep as decimal text
 * (stored as text). */
static bool decimal_text(const sc_column_desc *c)
{
    return (c->type == SC_TYPE_NUMERIC || c->type == SC_TYPE_DECIMAL) &&
           sc__format(c) == SC_FMT_TEXT;
}

/* A key that orders column c of h alike on both databases: an enum in
 * declaration order (PostgreSQL's own enum order; on SQLite, which keeps
 * the label, a CASE over the labels), a wide decimal as a number (SQLite
 * keeps its text: a collation of the runtime's own), a numeric stored as
 * text too (cast to numeric on PostgreSQL), text in byte order (COLLATE
 * "C" on PostgreSQL). */
static void put_order_key(const sc_query *r, sc__buf *b, const sc_query *h,
                          const sc_column_desc *c)
{
    unsigned i;

    if (c->type == SC_TYPE_ENUM && c->enm != NULL &&
        (!dia(r)->enum_type_ordered || c->pg_type != NULL)) {
        sc__buf_puts(b, "CASE ");
        put_column(r, b, h, c->name);
        for (i = 0; i < c->enm->nlabels; i++) {
            sc__buf_puts(b, " WHEN ");
            put_literal(b, c->enm->labels[i]);
            sc__buf_printf(b, " THEN %u", i);
        }
        sc__buf_puts(b, " END");
        return;
    }
    if (dia(r)->decimal_cast != NULL && decimal_text(c) &&
        c->pg_type == NULL) {
        sc__buf_puts(b, "CAST(");
        put_column(r, b, h, c->name);
        sc__buf_printf(b, " AS %s)", dia(r)->decimal_cast);
        return;
    }
    put_column(r, b, h, c->name);
    if (dia(r)->decimal_collation != NULL &&
        (decimal_text(c) || (c->type == SC_TYPE_DECIMAL &&
                             sc__format(c) == SC_FMT_NATIVE)))
        sc__buf_puts(b, dia(r)->decimal_collation);
    else if (collated(r, c))
        sc__buf_puts(b, dia(r)->byte_collation);
}

/* ORDER BY; PostgreSQL is told to put NULLs where SQLite does: first in
 * ascending order, last in descending. */
static void put_order(sc_query *r, sc__buf *b)
{
    const order_item *os = r->orders.items;
    const sc_column_desc *c;
    size_t i;

    for (i = 0; i < r->orders.n; i++) {
        c = &os[i].h->t->cols[os[i].col];
        sc__buf_puts(b, i ? ", " : " ORDER BY ");
        put_order_key(r, b, os[i].h, c);
        sc__buf_puts(b, os[i].dir == SC_DESC ? " DESC" : "");
        if (dia(r)->nulls_order && !(c->flags & SC_COL_NOTNULL))
            sc__buf_puts(b, os[i].dir == SC_DESC ? " NULLS LAST"
                                                 : " NULLS FIRST");
    }
}

/* LIMIT and OFFSET; cap > 0 bounds the limit further (first, one). */
static void put_limit(sc_query *r, sc__buf *b, int64_t cap)
{
    int64_t n = r->limit;

    if (cap > 0 && (!r->has_limit || cap < n))
        n = cap;
    if (r->has_limit || cap > 0) {
        sc__buf_puts(b, " LIMIT ");
        put_int_param(r, b, n);
    } else if (r->has_offset && dia(r)->offset_without_limit != NULL) {
        sc__buf_puts(b, dia(r)->offset_without_limit);
    }
    if (r->has_offset) {
        sc__buf_puts(b, " OFFSET ");
        put_int_param(r, b, r->offset);
    }
}

/* SELECT [DISTINCT] the root's columns ...; cap as for put_limit().  A
 * distinct result is ordered outside: PostgreSQL orders one only by the
 * very expressions of its select list, and the keys of put_order_key()
 * are not those. */
static void put_select(sc_query *r, sc__buf *b, int64_t cap, bool order)
{
    bool outside = order && r->distinct && r->orders.n > 0;

    sc__buf_puts(b, outside ? "SELECT * FROM (" : "");
    sc__buf_puts(b, r->distinct ? "SELECT DISTINCT " : "SELECT ");
    put_columns(r, b);
    put_from(r, b);
    put_where(r, b);
    if (outside) {
        sc__buf_puts(b, ") AS q");
        r->bare = true;
    }
    if (order)
        put_order(r, b);
    r->bare = false;
    put_limit(r, b, cap);
}

/* A count over the whole result: a subquery when distinct, limit or
 * offset shape the rows; the order cannot change the count. */
static void put_count(sc_query *r, sc__buf *b)
{
    if (r->distinct || r->has_limit || r->has_offset) {
        sc__buf_puts(b, "SELECT count(*) FROM (");
        put_select(r, b, 0, false);
        sc__buf_puts(b, ") AS q");
        return;
    }
    sc__buf_puts(b, "SELECT count(*)");
    put_from(r, b);
    put_where(r, b);
}

static void put_exists(sc_query *r, sc__buf *b)
{
    sc__buf_puts(b, "SELECT EXISTS (SELECT 1");
    put_from(r, b);
    put_where(r, b);
    put_limit(r, b, 0);
    sc__buf_puts(b, ")");
}

/* The rows a bulk change touches: its own WHERE when the query is one
 * table without limit or offset, else its primary keys found by the
 * whole query. */
static void put_target(sc_query *r, sc__buf *b)
{
    const sc_table_desc *t = r->t;
    unsigned i;

    if (r->handles.n == 1 && !r->has_limit && !r->has_offset) {
        put_where(r, b);
        return;
    }
    sc__buf_puts(b, t->npk > 1 ? " WHERE (" : " WHERE ");
    for (i = 0; i < t->npk; i++) {
        sc__buf_puts(b, i ? ", " : "");
        sc__buf_ident(b, t->cols[t->pk[i]].name);
    }
    sc__buf_puts(b, t->npk > 1 ? ") IN (" : " IN (");
    if (dia(r)->target_derived)
        sc__buf_puts(b, "SELECT * FROM (");
    sc__buf_puts(b, "SELECT ");
    for (i = 0; i < t->npk; i++) {
        sc__buf_puts(b, i ? ", " : "");
        put_column(r, b, r, t->cols[t->pk[i]].name);
    }
    put_from(r, b);
    put_where(r, b);
    put_order(r, b);
    put_limit(r, b, 0);
    sc__buf_puts(b, dia(r)->target_derived ? ") AS sc_target)" : ")");
}

static void put_update(sc_query *r, sc__buf *b)
{
    const set_item *ss = r->sets.items;
    size_t i;

    sc__buf_puts(b, "UPDATE ");
    sc__buf_ident(b, r->t->name);
    for (i = 0; i < r->sets.n; i++) {
        sc__buf_puts(b, i ? ", " : " SET ");
        sc__buf_ident(b, r->t->cols[ss[i].col].name);
        sc__buf_puts(b, " = ");
        put_param(r, b, &ss[i].v, r, &r->t->cols[ss[i].col]);
    }
    put_target(r, b);
}

static void put_delete(sc_query *r, sc__buf *b)
{
    sc__buf_puts(b, "DELETE FROM ");
    sc__buf_ident(b, r->t->name);
    put_target(r, b);
}

/* What a terminal runs. */
typedef enum shape {
    SHAPE_ROWS,   /* all, each */
    SHAPE_FIRST,  /* first: at most one row */
    SHAPE_ONE,    /* one: at most two rows */
    SHAPE_COUNT,
    SHAPE_EXISTS,
    SHAPE_UPDATE,
    SHAPE_DELETE
} shape;

static void put_rows(sc_query *r, sc__buf *b)
{
    put_select(r, b, 0, true);
}

static void put_first(sc_query *r, sc__buf *b)
{
    put_select(r, b, 1, true);
}

/* One row, and a second to tell that there is more than one. */
static void put_one(sc_query *r, sc__buf *b)
{
    put_select(r, b, 2, true);
}

/* The writer of each shape. */
static void (*const writers[])(sc_query *r, sc__buf *b) = {
    [SHAPE_ROWS] = put_rows,     [SHAPE_FIRST] = put_first,
    [SHAPE_ONE] = put_one,       [SHAPE_COUNT] = put_count,
    [SHAPE_EXISTS] = put_exists, [SHAPE_UPDATE] = put_update,
    [SHAPE_DELETE] = put_delete};

/* Writes the text of shape into r->sql and its parameters into
 * r->params; false when out of memory. */
static bool build(sc_query *r, shape s)
{
    sc__buf *b = &r->sql;

    b->len = 0;
    b->failed = false;
    r->params.n = 0;
    r->nph = 0;
    writers[s](r, b);
    return !b->failed && r->params.n == (size_t)r->nph;
}

const char *sc_query_sql(sc_query *q)
{
    if (q == NULL || q->root->db == NULL || q->root->t == NULL ||
        q->root->db->be == NULL)
        return NULL;
    return build(q->root, SHAPE_ROWS) ? q->root->sql.s : NULL;
}

/* ---------------------------------------------------------------------
 * Shape keys.  What a terminal's text depends on, written as words: the
 * terminal, the tables and their joins, each condition's table, column
 * and operator with what of its values the text shows (how many in a
 * list, whether a like pattern escapes, whether a long list goes as one
 * array and of which elements, how many bounds a prefix has), groups,
 * order, the columns an update sets, whether there are a limit, an
 * offset, distinct.  Values are left out: they are bound.  Each item's
 * first word starts with its tag, from which its count of words
 * follows, so that two keys are equal only when the items are.  The
 * dialect is the connection's, whose cache the key is looked up in.
 * ------------------------------------------------------------------- */

enum {
    KEY_HEAD,  /* terminal and flags; the root's table */
    KEY_JOIN,  /* reverse, the index of the handle joined to; table, fk */
    KEY_GROUP, /* kind */
    KEY_COND,  /* operator, what its values show, column; handle; [n] */
    KEY_ORDER, /* direction, column; handle */
    KEY_SET    /* column */
};

/* Bits of a condition's first word for what its values show. */
#define KEY_ESCAPE 0x1u /* a like pattern with a backslash */
#define KEY_ARRAY  0x2u /* an in-list sent as one array parameter */


static uint64_t key_word(unsigned tag, unsigned bits, unsigned col)
{
    return (uint64_t)tag | (uint64_t)bits << 8 | (uint64_t)col << 32;
}

/* Appends parameter v of column c (NULL: a bound) of handle h to ps,
 * which has room. */
static param *add_param(vec *ps, const sc_value *v, const sc_query *h,
                        const sc_column_desc *c)
{
    param *p = (param *)ps->items + ps->n++;

    p->v = *v;
    p->h = h;
    p->c = c;
    p->elems = NULL;
    p->nelems = 0;
    return p;
}

static void add_int_param(vec *ps, int64_t i)
{
    sc_value v;

    memset(&v, 0, sizeof v);
    v.kind = SC_VAL_INT;
    v.type = SC_TYPE_INT64;
    v.i = i;
    add_param(ps, &v, NULL, NULL);
}

/* Condition nd's words in w, and its parameters in ps, in the order
 * put_cond() writes their placeholders; returns the count of words. */
static size_t cond_of(const sc_query *r, const node *nd, uint64_t *w,
                      vec *ps)
{
    const sc_column_desc *c = &nd->h->t->cols[nd->col];
    const sc_value *vals = (const sc_value *)r->vals.items + nd->first;
    unsigned bits = (unsigned)nd->op;
    size_t i, n = 0, nw = 2;
    param *p;

    switch (nd->op) {
    case SC_OP_LIKE:
    case SC_OP_ILIKE:
        bits |= nd->escapes ? KEY_ESCAPE << 8 : 0;
        n = 1;
        break;
    case SC_OP_STARTS_WITH:
        bits |= (unsigned)nd->n << 8; /* 0, 1 or 2 bounds */
        n = nd->n;
        break;
    case SC_OP_IN:
    case SC_OP_NOT_IN:
        if (nd->array.kind == SC_VAL_TEXT) {
            bits |= (KEY_ARRAY | (unsigned)nd->elem << 4) << 8;
            p = add_param(ps, &nd->array, nd->h, NULL);
            p->elems = vals;
            p->nelems = nd->n;
            w[nw++] = 0;
        } else {
            n = nd->n;
            w[nw++] = n;
        }
        break;
    case SC_OP_IS_NULL:
    case SC_OP_IS_NOT_NULL:
        break;
    default:
        n = 1;
        break;
    }
    w[0] = key_word(KEY_COND, bits, nd->col);
    w[1] = nd->h->index;
    for (i = 0; i < n; i++)
        add_param(ps, &vals[i], nd->h, c);
    return nw;
}

/*
 * The shape key of terminal s on r, into key, and the parameters its
 * text takes, into ps: the ones build() pushes, in the same order (the
 * values an update sets, each condition's, the limit and the offset),
 * without the text being written.  False when out of memory.
 */
static bool shape_of(sc_query *r, shape s, vec *key, vec *ps)
{
    sc_query *const *hs = r->handles.items;
    const node *nodes = r->nodes.items;
    const order_item *os = r->orders.items;
    const set_item *ss = r->sets.items;
    int64_t cap = s == SHAPE_FIRST ? 1 : s == SHAPE_ONE ? 2 : 0;
    size_t i, nw;
    uint64_t *w;
    unsigned flags;

    key->n = 0;
    ps->n = 0;
    nw = 2 + 3 * (r->handles.n - 1) + 3 * r->nodes.n + 2 * r->orders.n +
         r->sets.n;
    /* a condition takes at most one parameter a value (an array, one
     * for all of them) */
    if (!vec_reserve(key, nw, sizeof *w) ||
        !vec_reserve(ps, (s == SHAPE_UPDATE ? r->sets.n : 0) + r->vals.n +
                             (r->has_limit || cap > 0) + r->has_offset,
                     sizeof(param)))
        return false;
    w = key->items;
    flags = (unsigned)s | (unsigned)r->has_limit << 4 |
            (unsigned)r->has_offset << 5 | (unsigned)r->distinct << 6;
    w[0] = key_word(KEY_HEAD, flags, 0);
    w[1] = (uint64_t)(uintptr_t)r->t;
    nw = 2;
    for (i = 1; i < r->handles.n; i++) {
        w[nw++] = key_word(KEY_JOIN, hs[i]->reverse, 0) |
                  (uint64_t)hs[i]->from->index << 16;
        w[nw++] = (uint64_t)(uintptr_t)hs[i]->t;
        w[nw++] = (uint64_t)(uintptr_t)hs[i]->fk;
    }
    for (i = 0; i < r->sets.n && s == SHAPE_UPDATE; i++) {
        w[nw++] = key_word(KEY_SET, 0, ss[i].col);
        add_param(ps, &ss[i].v, r, &r->t->cols[ss[i].col]);
    }
    for (i = 0; i < r->nodes.n; i++) {
        if (nodes[i].kind == N_COND)
            nw += cond_of(r, &nodes[i], w + nw, ps);
        else
            w[nw++] = key_word(KEY_GROUP, nodes[i].kind, 0);
    }
    for (i = 0; i < r->orders.n; i++) {
        w[nw++] = key_word(KEY_ORDER, os[i].dir, os[i].col);
        w[nw++] = os[i].h->index;
    }
    if (r->has_limit || cap > 0)
        add_int_param(ps, cap > 0 && (!r->has_limit || cap < r->limit)
                              ? cap
                              : r->limit);
    if (r->has_offset)
        add_int_param(ps, r->offset);
    key->n = nw;
    return true;
}

static bool same_param(const param *x, const param *y)
{
    return x->h == y->h && x->c == y->c && x->elems == y->elems &&
           x->nelems == y->nelems && x->v.kind == y->v.kind &&
           x->v.type == y->v.type && x->v.col == y->v.col &&
           x->v.i == y->v.i && memcmp(&x->v.f, &y->v.f, sizeof x->v.f) == 0 &&
           x->v.p == y->v.p && x->v.len == y->v.len &&
           x->v.cstr == y->v.cstr;
}

/* Whether shape_of() gives r->key again and the parameters that build()
 * just pushed: a shape is filed only then, so that a statement found by
 * shape is bound exactly as its text was written to be. */
static bool shape_fits(sc_query *r, shape s)
{
    vec key = {0}, ps = {0};
    size_t i;
    bool same = shape_of(r, s, &key, &ps) && ps.n == r->params.n &&
                key.n == r->key.n &&
                memcmp(key.items, r->key.items, key.n * sizeof(uint64_t)) ==
                    0;

    for (i = 0; same && i < ps.n; i++)
        same = same_param((param *)ps.items + i,
                          (param *)r->params.items + i);
    vec_free(&key);
    vec_free(&ps);
    return same;
}

/* ---------------------------------------------------------------------
 * Running.
 * ------------------------------------------------------------------- */

/* A distinct query orders only by its own table's columns: a row may
 * join several rows of another table, and no one of their values is the
 * row's.  Both databases refuse it alike. */
static int distinct_order_fits(sc_query *r)
{
    const order_item *os = r->orders.items;
    size_t i;

    for (i = 0; r->distinct && i < r->orders.n; i++) {
        if (os[i].h != r)
            return sc__set_error(r->db, SC_MISUSE, r->t->name, NULL,
                                 "a distinct query on %s ordered by "
                                 "joined table %s's %s: a row of %s may "
                                 "join several, so order by a column of %s",
                                 r->t->name, os[i].h->t->name,
                                 os[i].h->t->cols[os[i].col].name,
                                 r->t->name, r->t->name);
    }
    return SC_OK;
}

/* Checks that q can run: the root, on an open connection, built without
 * error, its groups closed.  Clears the connection's error. */
static int ready(sc_query *q)
{
    sc_query *r;
    int rc;

    if (q == NULL || q->root->db == NULL)
        return SC_MISUSE;
    r = q->root;
    rc = sc__usable(r->db);
    if (rc != SC_OK)
        return rc;
    if (r->rc != SC_OK)
        return sc__set_error(r->db, r->rc, r->t ? r->t->name : NULL,
                             r->err_column, "%s",
                             r->err_msg != NULL ? r->err_msg
                                                : "out of memory");
    if (q != r)
        return sc__set_error(r->db, SC_MISUSE, r->t->name, NULL,
                             "a terminal takes the query's root (table %s), "
                             "not the handle of joined table %s",
                             r->t->name, q->t->name);
    rc = distinct_order_fits(r);
    if (rc != SC_OK)
        return rc;
    if (r->depth > 0)
        return sc__set_error(r->db, SC_MISUSE, r->t->name, NULL,
                             "%d group(s) of the query on %s still open: "
                             "close each with sc_query_end()",
                             r->depth, r->t->name);
    return SC_OK;
}

/* ready(), and SC_MISUSE naming what when args_ok is false. */
static int ready_with(sc_query *q, bool args_ok, const char *what)
{
    int rc = ready(q);

    if (rc == SC_OK && !args_ok)
        rc = sc__set_error(q->db, SC_MISUSE, q->t->name, NULL, "NULL %s",
                           what);
    return rc;
}

/* What a bulk update's refused value is about (see sc__name_rows()). */
#define UPDATE_ROWS "every row the update matches"

/* Checks ps[0..n) and binds them to stmt through db->vals, where the
 * trace finds them; the first nsets are the values an update sets. */
static int bind_params(sc_db *db, const sc_table_desc *t, void *stmt,
                       const param *ps, size_t n, size_t nsets)
{
    const char *why = NULL;
    size_t k, j;
    int rc = n <= db->nvals ? SC_OK : sc__need_vals(db, n);

    for (k = 0; k < n && rc == SC_OK; k++) {
        for (j = 0; j < ps[k].nelems; j++) {
            rc = sc__check_value(db, ps[k].h->t, &ps[k].elems[j]);
            if (rc != SC_OK)
                return rc;
        }
        db->vals[k] = ps[k].v;
        /* only text has anything to check (sc__check_value()) */
        if (ps[k].c != NULL && ps[k].v.kind == SC_VAL_TEXT &&
            (rc = sc__check_value(db, ps[k].h->t, &db->vals[k])) != SC_OK)
            return k < nsets ? sc__name_rows(db, UPDATE_ROWS, rc) : rc;
        rc = db->be->bind(stmt, (int)k + 1, &db->vals[k], &why);
        if (rc == SC_NOMEM)
            return sc__nomem(db);
        if (rc != SC_OK && k < nsets)
            return sc__name_rows(
                db, UPDATE_ROWS,
                sc__set_error(db, rc, t->name, ps[k].c->name,
                              "cannot store %s.%s: %s", t->name,
                              ps[k].c->name, why ? why : sc_errstr(rc)));
        if (rc != SC_OK && ps[k].c != NULL)
            return sc__set_error(db, rc, ps[k].h->t->name, ps[k].c->name,
                                 "cannot compare %s.%s with that value: %s",
                                 ps[k].h->t->name, ps[k].c->name,
                                 why ? why : sc_errstr(rc));
        if (rc != SC_OK)
            return sc__set_error(db, rc, t->name, NULL,
                                 "cannot bind parameter %zu of a query on "
                                 "%s: %s", k + 1, t->name,
                                 why ? why : sc_errstr(rc));
    }
    return rc;
}

/* SC_RANGE when r->params are more than the dialect takes. */
static inline int params_fit(sc_query *r)
{
    const sc__dialect *d = dia(r);

    if (d->max_params == 0 || r->params.n <= d->max_params)
        return SC_OK;
    return sc__set_error(r->db, SC_RANGE, r->t->name, NULL,
                         "a query on %s with %zu values: %s takes at most "
                         "%u in one statement (an in-list longer than %d "
                         "counts as one)", r->t->name, r->params.n,
                         dia(r)->name, dia(r)->max_params, LIST_MIN);
}

/*
 * The statement of terminal s on r, with its parameters in r->params:
 * the one filed under the query's shape key, else the one of the text
 * build() writes, which is then filed under the key.  rows as for
 * sc__qcache_get().
 */
static int statement(sc_query *r, shape s, const sc_table_desc *rows,
                     run *out)
{
    sc_db *db = r->db;
    sc__qkey k;
    int rc;

    if (!shape_of(r, s, &r->key, &r->params))
        return sc__nomem(db);
    rc = params_fit(r);
    if (rc != SC_OK)
        return rc;
    k.words = r->key.items;
    k.n = r->key.n;
    k.hash = 0;
    rc = sc__qcache_get_shape(db, &k, rows, out);
    if (rc != SC_OK || out->stmt != NULL) {
        r->ran = rc == SC_OK;
        return rc;
    }
    if (!build(r, s))
        return sc__nomem(db);
    rc = params_fit(r);
    if (rc == SC_OK)
        rc = sc__qcache_get(db, r->t, r->sql.s, rows, out);
    if (rc == SC_OK && out->entry != NULL && shape_fits(r, s))
        sc__qcache_keep_shape(db, out, &k);
    r->ran = rc == SC_OK;
    return rc;
}

/*
 * Gets the statement of shape s, binds and takes the first step, as a
 * stream (see backend.h) when stream is true.  Returns SC__ROW or
 * SC__DONE with the statement in *out (give it back with
 * sc__qcache_put()), or an error code with the error set and nothing to
 * give back.
 */
static int start_as(sc_query *r, shape s, int op, bool stream, run *out)
{
    const sc_table_desc *rows; /* the table whose rows s reads, if any */
    sc_db *db = r->db;
    int rc;

    memset(out, 0, sizeof *out);
    rows = s == SHAPE_ROWS || s == SHAPE_FIRST || s == SHAPE_ONE ? r->t
                                                                  : NULL;
    rc = statement(r, s, rows, out);
    if (rc != SC_OK)
        return rc;
    rc = bind_params(db, r->t, out->stmt, r->params.items, r->params.n,
                     s == SHAPE_UPDATE ? r->sets.n : 0);
    if (rc == SC_OK && stream)
        rc = sc__stream_traced(db, out->stmt, out->sql, r->params.n);
    else if (rc == SC_OK)
        rc = sc__step_traced(db, out->stmt, out->sql, r->params.n);
    if (rc != SC__ROW && rc != SC__DONE) {
        if (db->err.code == SC_OK) {
            rc = sc__fail_stmt(db, out->stmt, r->t, op, NULL);
            if (s == SHAPE_UPDATE && db->err.column[0] != '\0')
                rc = sc__name_rows(db, UPDATE_ROWS, rc);
        }
        sc__qcache_put(db, out);
    }
    return rc;
}

static int start(sc_query *r, shape s, int op, run *out)
{
    return start_as(r, s, op, false, out);
}

/* Takes the next step of a started statement, wording a failure. */
static int next(sc_query *r, run *x, int op)
{
    int rc = r->db->be->step(x->stmt);

    if (rc != SC__ROW && rc != SC__DONE)
        return sc__fail_stmt(r->db, x->stmt, r->t, op, NULL);
    return rc;
}

static int not_found(sc_query *r)
{
    return sc__set_error(r->db, SC_NOTFOUND, r->t->name, NULL,
                         "no row of %s matched", r->t->name);
}

/* Reads every remaining row, from the current one, into a growing array
 * of structs (malloc'd: *rows, *n); strings go into a. */
static int read_rows(sc_query *r, run *x, sc_arena *a, vec *rows)
{
    size_t size = r->t->row_size;
    void *row;
    int rc = SC__ROW;

    while (rc == SC__ROW) {
        row = vec_push(rows, size);
        if (row == NULL)
            return sc__nomem(r->db);
        rc = sc__read_row(r->db, r->t, x->stmt, a, row);
        if (rc == SC_OK)
            rc = next(r, x, OP_NONE);
    }
    return rc == SC__DONE ? SC_OK : rc;
}

static int query_all(sc_query *q, sc_arena *a, void **rows, size_t *n)
{
    vec got = {0};
    run x;
    int rc = ready_with(q, a && rows && n, "arena or out-parameter");

    if (rows != NULL)
        *rows = NULL;
    if (n != NULL)
        *n = 0;
    if (rc != SC_OK)
        return rc;
    rc = start(q, SHAPE_ROWS, OP_NONE, &x);
    if (rc != SC__ROW && rc != SC__DONE)
        return rc;
    rc = rc == SC__ROW ? read_rows(q, &x, a, &got) : SC_OK;
    sc__qcache_put(q->db, &x);
    if (rc == SC_OK && got.n > 0) {
        *rows = sc__arena_copy(a, got.items, got.n * q->t->row_size);
        rc = *rows != NULL ? SC_OK : sc__nomem(q->db);
    }
    if (rc == SC_OK)
        *n = got.n;
    vec_free(&got);
    return rc;
}

/* first and one: reads the first row into a private struct, copied to
 * out only on success, so out is untouched by every failure. */
static int fetch_one(sc_query *q, sc_arena *a, void *out, bool one)
{
    void *row = NULL;
    run x;
    int rc = ready_with(q, a != NULL && out != NULL, "arena or out-parameter");

    if (rc != SC_OK)
        return rc;
    rc = start(q, one ? SHAPE_ONE : SHAPE_FIRST, OP_NONE, &x);
    if (rc == SC__DONE)
        rc = not_found(q);
    if (rc != SC__ROW)
        goto cleanup;
    row = sc__malloc(q->t->row_size);
    if (row == NULL) {
        rc = sc__nomem(q->db);
        goto cleanup;
    }
    memset(row, 0, q->t->row_size);
    rc = sc__read_row(q->db, q->t, x.stmt, a, row);
    if (rc == SC_OK && one)
        rc = next(q, &x, OP_NONE);
    if (rc == SC__ROW)
        rc = sc__set_error(q->db, SC_MULTIPLE, q->t->name, NULL,
                           "more than one row of %s matched", q->t->name);
    if (rc == SC_OK || rc == SC__DONE) {
        memcpy(out, row, q->t->row_size);
        rc = SC_OK;
    }
cleanup:
    sc__qcache_put(q->db, &x);
    sc__free(row);
    return rc;
}

static int query_first(sc_query *q, sc_arena *a, void *out)
{
    return fetch_one(q, a, out, false);
}

static int query_one(sc_query *q, sc_arena *a, void *out)
{
    return fetch_one(q, a, out, true);
}

/* count and exists: one integer in one row. */
static int fetch_int(sc_query *q, shape s, int64_t *out)
{
    sc_value v;
    run x;
    int rc = ready_with(q, out != NULL, "out-parameter");

    memset(&v, 0, sizeof v);
    if (rc != SC_OK)
        return rc;
    rc = start(q, s, OP_NONE, &x);
    if (rc == SC__DONE)
        rc = sc__set_error(q->db, SC_ERROR, q->t->name, NULL,
                           "a count over %s returned no row", q->t->name);
    if (rc == SC__ROW)
        rc = q->db->be->column(x.stmt, 0, SC_VAL_INT, &v) == SC_OK
                 ? SC_OK
                 : sc__nomem(q->db);
    if (rc == SC_OK)
        *out = v.i;
    sc__qcache_put(q->db, &x);
    return rc;
}

static int query_count(sc_query *q, int64_t *n)
{
    return fetch_int(q, SHAPE_COUNT, n);
}

static int query_exists(sc_query *q, bool *yes)
{
    int64_t i = 0;
    int rc = fetch_int(q, SHAPE_EXISTS, yes != NULL ? &i : NULL);

    if (rc == SC_OK)
        *yes = i != 0;
    return rc;
}

/*
 * After each row: a statement of the row function that failed outside a
 * savepoint has aborted the transaction the stream runs in (PostgreSQL),
 * and the stream cannot go on.  That failure, which the row function
 * was told of, becomes each()'s, so that it is never lost.
 */
static int stream_alive(sc_query *q)
{
    sc_db *db = q->db;
    sc__error_state e;

    /* Runs once per row: the error state is copied only when needed. */
    if (db->be->txn_aborted == NULL || !db->be->txn_aborted(db->conn))
        return SC_OK;
    e = db->err;
    if (e.code == SC_OK)
        return sc__set_error(db, SC_ERROR, q->t->name, NULL,
                             "each over %s stopped: the row function "
                             "aborted the transaction", q->t->name);
    return sc__set_error(db, e.extended, e.table, e.column,
                         "each over %s stopped: a statement of the row "
                         "function failed and aborted the transaction: %s",
                         q->t->name, e.msg);
}

/* Streams the rows of a started statement to fn.  Where the rows are
 * read through a plan, it is looked up once, and a whole plan writes
 * every field of each row, which is then not zeroed first.  The
 * backend's hooks are read once: a row function cannot change them. */
static int each_row(sc_query *q, run *x, sc_row_fn fn, void *ctx)
{
    sc_db *db = q->db;
    const sc_table_desc *t = q->t;
    const sc_backend *be = db->be;
    const sc__read_plan *plan = sc__row_plan(db, t);
    bool zero = plan == NULL || !plan->whole;
    void *row = sc__malloc(t->row_size);
    void *stmt = x->stmt;
    int rc = row != NULL ? SC__ROW : sc__nomem(db);

    if (row != NULL)
        memset(row, 0, t->row_size);
    while (rc == SC__ROW) {
        if (zero)
            memset(row, 0, t->row_size);
        rc = plan != NULL ? be->read_plan(db, plan, stmt, NULL, row)
                          : sc__read_row(db, t, stmt, NULL, row);
        if (rc != SC_OK)
            break;
        if (fn(ctx, row) != 0) {
            rc = be->txn_aborted != NULL ? stream_alive(q) : SC_OK;
            break;
        }
        if (be->txn_aborted != NULL && (rc = stream_alive(q)) != SC_OK)
            break;
        rc = be->step(stmt);
        if (rc != SC__ROW && rc != SC__DONE)
            rc = sc__fail_stmt(db, stmt, t, OP_NONE, NULL);
    }
    sc__free(row);
    return rc == SC__DONE ? SC_OK : rc;
}

static int query_each(sc_query *q, sc_row_fn fn, void *ctx)
{
    bool opened = false;
    run x;
    int rc = ready_with(q, fn != NULL, "row function");

    if (rc == SC_OK)
        rc = sc__stream_begin(q->db, &opened);
    if (rc != SC_OK)
        return rc;
    rc = start_as(q, SHAPE_ROWS, OP_NONE, true, &x);
    if (rc == SC__ROW)
        rc = each_row(q, &x, fn, ctx);
    if (rc == SC__ROW || rc == SC__DONE)
        rc = SC_OK;
    sc__qcache_put(q->db, &x);
    return sc__stream_end(q->db, opened, rc);
}

/* update_all and delete_all. */
static int change(sc_query *q, shape s, int op, int64_t *changed)
{
    run x;
    int rc = ready(q);

    if (changed != NULL)
        *changed = 0;
    if (rc == SC_OK && q->t->npk == 0 &&
        (q->handles.n > 1 || q->has_limit || q->has_offset))
        rc = sc__set_error(q->db, SC_MISUSE, q->t->name, NULL,
                           "a bulk change with joins, limit or offset "
                           "needs a primary key on %s", q->t->name);
    if (rc == SC_OK && s == SHAPE_UPDATE && q->sets.n == 0)
        rc = sc__set_error(q->db, SC_MISUSE, q->t->name, NULL,
                           "an update of %s with no column to set: call "
                           "sc_query_set() first", q->t->name);
    if (rc != SC_OK)
        return rc;
    rc = start(q, s, op, &x);
    if (rc == SC__DONE || rc == SC__ROW) { /* no RETURNING: no rows */
        if (changed != NULL)
            *changed = q->db->be->changes(q->db->conn);
        rc = SC_OK;
    }
    sc__qcache_put(q->db, &x);
    return rc;
}

static int query_update_all(sc_query *q, int64_t *changed)
{
    return change(q, SHAPE_UPDATE, OP_UPDATE, changed);
}

static int query_delete_all(sc_query *q, int64_t *changed)
{
    return change(q, SHAPE_DELETE, OP_DELETE, changed);
}

/* ---------------------------------------------------------------------
 * Navigation along foreign keys.
 * ------------------------------------------------------------------- */

/* Checks a navigation's descriptors: fk belongs to child and points at
 * parent. */
static int nav_args(sc_db *db, const sc_table_desc *parent,
                    const sc_table_desc *child, const sc_fkey_desc *fk)
{
    int rc = sc__usable(db);

    if (rc != SC_OK)
        return rc;
    if (parent == NULL || child == NULL || fk == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "NULL table or foreign key descriptor");
    if (!join_fits(child, fk, parent))
        return sc__set_error(db, SC_MISUSE, child->name, NULL,
                             "that foreign key of %s does not reference %s",
                             child->name, parent->name);
    return SC_OK;
}

static bool same_value(const sc_value *x, const sc_value *y)
{
    if (x->kind != y->kind)
        return false;
    switch (x->kind) {
    case SC_VAL_INT:
        return x->i == y->i;
    case SC_VAL_FLOAT:
        return x->f == y->f;
    case SC_VAL_TEXT:
    case SC_VAL_BLOB:
        return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
    default:
        return false;
    }
}

/* A run of children with one key, and the array its parents share. */
typedef struct kin {
    size_t start;
    size_t n;
    void *rows;
} kin;

/* The work of sc_load_children(), batch by batch. */
typedef struct loader {
    sc_db *db;
    sc_arena *a;
    const sc_table_desc *parent;
    const char *parents;
    const sc_table_desc *child;
    const sc_fkey_desc *fk;
    sc_row_list *lists;
    vec keyed;   /* size_t: the parents of the batch with a whole key */
    vec keys;    /* sc_value: their keys, fk->ncols values each */
    vec params;  /* param */
    vec rows;    /* the children read, structs of child */
    vec runs;    /* kin */
    sc__buf sql;
} loader;

/* Collects the keys of parents [from, to); a key with a NULL is left out,
 * as it references nothing. */
static int collect_keys(loader *l, size_t from, size_t to)
{
    const sc_fkey_desc *fk = l->fk;
    const void *row;
    sc_value *v;
    size_t i, *slot;
    unsigned j;
    int col;

    l->keyed.n = l->keys.n = 0;
    for (i = from; i < to; i++) {
        row = l->parents + i * l->parent->row_size;
        for (j = 0; j < fk->ncols; j++) {
            col = find_column(l->parent, fk->target_cols[j]);
            v = vec_push(&l->keys, sizeof *v);
            if (v == NULL)
                return sc__nomem(l->db);
            if (sc__field_value(l->db, l->parent, &l->parent->cols[col], row,
                                v) != SC_OK)
                return l->db->err.code;
            if (v->kind == SC_VAL_NULL)
                break;
        }
        if (j < fk->ncols) {
            l->keys.n -= j + 1;
            continue;
        }
        slot = vec_push(&l->keyed, sizeof *slot);
        if (slot == NULL)
            return sc__nomem(l->db);
        *slot = i;
    }
    return SC_OK;
}

/* Pushes key k (fk->ncols values) as parameters. */
static int key_params(loader *l, size_t k)
{
    const sc_value *keys = l->keys.items;
    param *p;
    unsigned j;

    for (j = 0; j < l->fk->ncols; j++) {
        p = vec_push(&l->params, sizeof *p);
        if (p == NULL)
            return sc__nomem(l->db);
        p->v = keys[k * l->fk->ncols + j];
    }
    return SC_OK;
}

/* A column of the child's order: text in byte order on PostgreSQL, as
 * put_order_key() orders it. */
static void put_load_key(loader *l, const sc_column_desc *c)
{
    sc__buf_ident(&l->sql, c->name);
    if (c->type == SC_TYPE_TEXT && c->pg_type == NULL)
        sc__buf_puts(&l->sql,
                     sc__dialect_of(l->db->be->dialect)->byte_collation);
}

/* A child without a key is ordered by every column of its select list
 * (by position, so that a cast column orders as it reads), NULLs first on
 * both databases: equal rows are alike, so the order is the same from
 * run to run. */
static void put_order_all(loader *l)
{
    const sc_table_desc *c = l->child;
    const sc__dialect *d = sc__dialect_of(l->db->be->dialect);
    unsigned j;

    for (j = 0; j < c->ncols; j++) {
        if (d->byte_collation[0] != '\0' &&
            c->cols[j].type == SC_TYPE_TEXT && c->cols[j].pg_type == NULL) {
            sc__buf_puts(&l->sql, ", ");
            put_load_key(l, &c->cols[j]);
        } else {
            sc__buf_printf(&l->sql, ", %u", j + 1);
        }
        if (d->nulls_order && !(c->cols[j].flags & SC_COL_NOTNULL))
            sc__buf_puts(&l->sql, " NULLS FIRST");
    }
}

/*
 * SELECT the child's columns WHERE fk IN (the keys) ORDER BY fk, pk.  The
 * key list is padded to a power of two by repeating the last key, so
 * that a few texts serve every count of parents.  A two-column key is a
 * row value: ("a", "b") IN (VALUES (?, ?), ...).
 */
static int build_load(loader *l, size_t nkeys)
{
    const sc_table_desc *c = l->child;
    const sc_fkey_desc *fk = l->fk;
    size_t i, slots = 1;
    unsigned j;
    int n = 0;

    while (slots < nkeys)
        slots *= 2;
    l->sql.len = 0;
    l->params.n = 0;
    sc__buf_puts(&l->sql, "SELECT ");
    for (j = 0; j < c->ncols; j++) {
        sc__buf_puts(&l->sql, j ? ", " : "");
        sc__put_select_column(l->db, &l->sql, NULL, &c->cols[j]);
    }
    sc__buf_puts(&l->sql, " FROM ");
    sc__buf_ident(&l->sql, c->name);
    sc__buf_puts(&l->sql, fk->ncols > 1 ? " WHERE (" : " WHERE ");
    for (j = 0; j < fk->ncols; j++) {
        sc__buf_puts(&l->sql, j ? ", " : "");
        sc__buf_ident(&l->sql, c->cols[fk->cols[j]].name);
    }
    /* SQLite takes a list of row values only from a subquery; PostgreSQL
     * would type the parameters of VALUES as text, so gets the list */
    if (fk->ncols == 1)
        sc__buf_puts(&l->sql, " IN (");
    else
        sc__buf_puts(&l->sql,
                     sc__dialect_of(l->db->be->dialect)->row_values_from_list
                         ? ") IN ("
                         : ") IN (VALUES ");
    for (i = 0; i < slots; i++) {
        sc__buf_puts(&l->sql, i ? ", " : "");
        sc__buf_puts(&l->sql, fk->ncols > 1 ? "(" : "");
        for (j = 0; j < fk->ncols; j++) {
            sc__buf_puts(&l->sql, j ? ", " : "");
            sc__put_placeholder(l->db, &l->sql, &n);
        }
        sc__buf_puts(&l->sql, fk->ncols > 1 ? ")" : "");
        if (key_params(l, i < nkeys ? i : nkeys - 1) != SC_OK)
            return SC_NOMEM;
    }
    sc__buf_puts(&l->sql, ") ORDER BY ");
    for (j = 0; j < fk->ncols + c->npk; j++) {
        sc__buf_puts(&l->sql, j ? ", " : "");
        put_load_key(l, &c->cols[j < fk->ncols ? fk->cols[j]
                                               : c->pk[j - fk->ncols]]);
    }
    if (c->npk == 0)
        put_order_all(l);
    return l->sql.failed ? sc__nomem(l->db) : SC_OK;
}

/* Runs the built statement and reads every child into l->rows. */
static int read_children(loader *l)
{
    void *row;
    run x;
    int rc;

    l->rows.n = 0;
    rc = sc__qcache_get(l->db, l->child, l->sql.s, l->child, &x);
    if (rc != SC_OK)
        return rc;
    rc = bind_params(l->db, l->child, x.stmt, l->params.items, l->params.n,
                     0);
    if (rc == SC_OK)
        rc = sc__step_traced(l->db, x.stmt, x.sql, l->params.n);
    while (rc == SC__ROW) {
        row = vec_push(&l->rows, l->child->row_size);
        rc = row != NULL ? sc__read_row(l->db, l->child, x.stmt, l->a, row)
                         : sc__nomem(l->db);
        if (rc == SC_OK)
            rc = l->db->be->step(x.stmt);
    }
    if (rc != SC__DONE && rc != SC_OK && l->db->err.code == SC_OK)
        rc = sc__fail_stmt(l->db, x.stmt, l->child, OP_NONE, NULL);
    sc__qcache_put(l->db, &x);
    return rc == SC__DONE ? SC_OK : rc;
}

/* The value of column j of the foreign key in child row i. */
static void child_key(loader *l, size_t i, unsigned j, sc_value *v)
{
    const char *row = (const char *)l->rows.items + i * l->child->row_size;

    sc__field_value(l->db, l->child, &l->child->cols[l->fk->cols[j]], row,
                    v);
}

/* Whether child row i's foreign key equals key k. */
static bool child_matches(loader *l, size_t i, size_t k)
{
    const sc_value *key = (const sc_value *)l->keys.items +
                          k * l->fk->ncols;
    sc_value v;
    unsigned j;

    for (j = 0; j < l->fk->ncols; j++) {
        child_key(l, i, j, &v);
        if (!same_value(&v, &key[j]))
            return false;
    }
    return true;
}

static bool same_child_key(loader *l, size_t i, size_t k)
{
    sc_value v, w;
    unsigned j;

    for (j = 0; j < l->fk->ncols; j++) {
        child_key(l, i, j, &v);
        child_key(l, k, j, &w);
        if (!same_value(&v, &w))
            return false;
    }
    return true;
}

/* Splits the children, which come ordered by key, into runs of one
 * key. */
static int find_runs(loader *l)
{
    kin *run = NULL;
    size_t i;

    l->runs.n = 0;
    for (i = 0; i < l->rows.n; i++) {
        if (run != NULL && same_child_key(l, run->start, i)) {
            run->n++;
            continue;
        }
        run = vec_push(&l->runs, sizeof *run);
        if (run == NULL)
            return sc__nomem(l->db);
        run->start = i;
        run->n = 1;
    }
    return SC_OK;
}

/* Gives each keyed parent the run of its key; parents with equal keys
 * share one array in the arena. */
static int distribute(loader *l)
{
    const size_t *keyed = l->keyed.items;
    size_t size = l->child->row_size, k, i;
    kin *runs = l->runs.items;

    for (k = 0; k < l->keyed.n; k++) {
        for (i = 0; i < l->runs.n && !child_matches(l, runs[i].start, k);
             i++)
            ;
        if (i == l->runs.n)
            continue;
        if (runs[i].rows == NULL)
            runs[i].rows = sc__arena_copy(l->a, (char *)l->rows.items +
                                                    runs[i].start * size,
                                          runs[i].n * size);
        if (runs[i].rows == NULL)
            return sc__nomem(l->db);
        l->lists[keyed[k]].rows = runs[i].rows;
        l->lists[keyed[k]].n = runs[i].n;
    }
    return SC_OK;
}

static void loader_free(loader *l)
{
    vec *all[] = {&l->keyed, &l->keys, &l->params, &l->rows, &l->runs};
    size_t i;

    for (i = 0; i < sizeof all / sizeof all[0]; i++)
        vec_free(all[i]);
    sc__buf_free(&l->sql);
}

static int load_children(sc_db *db, sc_arena *a, const sc_table_desc *parent,
                         const void *parents, size_t n,
                         const sc_table_desc *child, const sc_fkey_desc *fk,
                         sc_row_list *lists)
{
    loader l;
    size_t from;
    int rc = nav_args(db, parent, child, fk);

    if (rc == SC_OK && n > 0 && (a == NULL || parents == NULL || !lists))
        rc = sc__set_error(db, SC_MISUSE, child->name, NULL,
                           "NULL arena, parents or lists");
    if (rc != SC_OK || n == 0)
        return rc;
    memset(&l, 0, sizeof l);
    memset(lists, 0, n * sizeof *lists);
    l.db = db;
    l.a = a;
    l.parent = parent;
    l.parents = parents;
    l.child = child;
    l.fk = fk;
    l.lists = lists;
    for (from = 0; from < n && rc == SC_OK; from += LOAD_BATCH) {
        rc = collect_keys(&l, from, n - from > LOAD_BATCH ? from + LOAD_BATCH
                                                          : n);
        if (rc != SC_OK || l.keyed.n == 0)
            continue;
        rc = build_load(&l, l.keyed.n);
        if (rc == SC_OK)
            rc = read_children(&l);
        if (rc == SC_OK)
            rc = find_runs(&l);
        if (rc == SC_OK)
            rc = distribute(&l);
    }
    if (rc != SC_OK)
        memset(lists, 0, n * sizeof *lists);
    loader_free(&l);
    return rc;
}

/* Names the first column of child's fk that row leaves NULL, or NULL. */
static const char *null_fk_column(sc_db *db, const sc_table_desc *child,
                                  const sc_fkey_desc *fk, const void *row)
{
    const sc_column_desc *c;
    sc_value v;
    unsigned j;

    for (j = 0; j < fk->ncols; j++) {
        c = &child->cols[fk->cols[j]];
        sc__field_value(db, child, c, row, &v);
        if (v.kind == SC_VAL_NULL)
            return c->name;
    }
    return NULL;
}

static int load_parent(sc_db *db, sc_arena *a, const sc_table_desc *child,
                       const void *row, const sc_fkey_desc *fk,
                       const sc_table_desc *parent, void *out)
{
    const char *null_col;
    sc_query *q;
    unsigned j;
    int rc = nav_args(db, parent, child, fk);

    if (rc == SC_OK && row == NULL)
        rc = sc__set_error(db, SC_MISUSE, child->name, NULL, "NULL row");
    if (rc != SC_OK)
        return rc;
    null_col = null_fk_column(db, child, fk, row);
    if (null_col != NULL)
        return sc__set_error(db, SC_NOTFOUND, child->name, null_col,
                             "%s.%s is NULL: the row references no %s",
                             child->name, null_col, parent->name);
    q = sc_query_new(db, parent);
    if (q == NULL)
        return sc__nomem(db);
    for (j = 0; j < fk->ncols; j++)
        sc_query_where(q, (unsigned)find_column(parent, fk->target_cols[j]),
                       SC_OP_EQ,
                       (const char *)row + child->cols[fk->cols[j]].offset);
    rc = sc_query_first(q, a, out);
    if (rc == SC_NOTFOUND)
        sc__set_error(db, SC_NOTFOUND, parent->name, NULL,
                      "the row of %s that this row of %s references is "
                      "missing", parent->name, child->name);
    sc_query_free(q);
    return rc;
}

/* ---------------------------------------------------------------------
 * LIKE patterns.
 * ------------------------------------------------------------------- */

char *sc_like_escape(sc_arena *a, const char *text)
{
    size_t n = 0;
    const char *s;
    char *out, *p;

    if (text == NULL)
        return NULL;
    for (s = text; *s != '\0'; s++)
        n += 1 + (*s == '%' || *s == '_' || *s == '\\');
    out = sc_arena_alloc(a, n + 1);
    if (out == NULL)
        return NULL;
    for (s = text, p = out; *s != '\0'; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *p++ = '\\';
        *p++ = *s;
    }
    *p = '\0';
    return out;
}

/* ---------------------------------------------------------------------
 * The public calls, each under the owner check (sc__enter(), internal.h).
 * ------------------------------------------------------------------- */

/* The connection q runs on, or NULL. */
static sc_db *query_db(const sc_query *q)
{
    return q != NULL ? q->root->db : NULL;
}

int sc_query_all(sc_query *q, sc_arena *a, void **rows, size_t *n)
{
    sc_db *db = query_db(q);
    int rc = sc__enter(db, "sc_query_all");

    if (rc == SC_OK) {
        rc = query_all(q, a, rows, n);
        sc__leave(db);
    }
    return rc;
}

int sc_query_first(sc_query *q, sc_arena *a, void *out)
{
    sc_db *db = query_db(q);
    int rc = sc__enter(db, "sc_query_first");

    if (rc == SC_OK) {
        rc = query_first(q, a, out);
        sc__leave(db);
    }
    return rc;
}

int sc_query_one(sc_query *q, sc_arena *a, void *out)
{
    sc_db *db = query_db(q);
    int rc = sc__enter(db, "sc_query_one");

    if (rc == SC_OK) {
        rc = query_one(q, a, out);
        sc__leave(db);
    }
    return rc;
}

int sc_query_count(sc_query *q, int64_t *n)
{
    sc_db *db = query_db(q);
    int rc = sc__enter(db, "sc_query_count");

    if (rc == SC_OK) {
        rc = query_count(q, n);
        sc__leave(db);
    }
    return rc;
}

int sc_query_exists(sc_query *q, bool *yes)
{
    sc_db *db = query_db(q);
    int rc = sc__enter(db, "sc_query_exists");

    if (rc == SC_OK) {
        rc = query_exists(q, yes);
        sc__leave(db);
    }
    return rc;
}

int sc_query_each(sc_query *q, sc_row_fn fn, void *ctx)
{
    sc_db *db = query_db(q);
    int rc = sc__enter(db, "sc_query_each");

    if (rc == SC_OK) {
        rc = query_each(q, fn, ctx);
        sc__leave(db);
    }
    return rc;
}

int sc_query_update_all(sc_query *q, int64_t *changed)
{
    sc_db *db = query_db(q);
    int rc = sc__enter(db, "sc_query_update_all");

    if (rc == SC_OK) {
        rc = query_update_all(q, changed);
        sc__leave(db);
    }
    return rc;
}

int sc_query_delete_all(sc_query *q, int64_t *changed)
{
    sc_db *db = query_db(q);
    int rc = sc__enter(db, "sc_query_delete_all");

    if (rc == SC_OK) {
        rc = query_delete_all(q, changed);
        sc__leave(db);
    }
    return rc;
}

int sc_load_children(sc_db *db, sc_arena *a, const sc_table_desc *parent,
                     const void *parents, size_t n,
                     const sc_table_desc *child, const sc_fkey_desc *fk,
                     sc_row_list *lists)
{
    int rc = sc__enter(db, "sc_load_children");

    if (rc == SC_OK) {
        rc = load_children(db, a, parent, parents, n, child, fk, lists);
        sc__leave(db);
    }
    return rc;
}

int sc_load_parent(sc_db *db, sc_arena *a, const sc_table_desc *child,
                   const void *row, const sc_fkey_desc *fk,
                   const sc_table_desc *parent, void *out)
{
    int rc = sc__enter(db, "sc_load_parent");

    if (rc == SC_OK) {
        rc = load_parent(db, a, child, row, fk, parent, out);
        sc__leave(db);
    }
    return rc;
}
