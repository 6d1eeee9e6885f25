/*
 * mariadb.c - the MariaDB backend: fills in the function table of
 * backend.h with calls to MariaDB Connector/C (libmariadb).  It opens
 * connections from mariadb:// and mysql:// URLs, sets every session up so
 * that the runtime's SQL means what it means on SQLite and PostgreSQL,
 * prepares every statement once on the server and binds values in the
 * binary protocol in each type's exact form, reads results row by row,
 * and maps MariaDB's error numbers onto SC_* codes with the table,
 * column and constraint its messages name.
 *
 * Forms on the wire: integers as 64-bit integers, floats as FLOAT or
 * DOUBLE, numeric(p,s) as DECIMAL text written from the scaled integer
 * (never through a double), dates and timestamps as MYSQL_TIME in UTC
 * with their microseconds, text as strings and bytes and uuids (16 bytes,
 * a BINARY(16) column) as blobs.
 *
 * Every result is read unbuffered, each row as it arrives, as a
 * hand-written reader does: no copy of it made on the client first,
 * constant memory for a streamed result (sc_query_each()) of any size,
 * and no copy of it kept on the server.  The connection then belongs to
 * the statement until its last row, so the first other statement that
 * runs on it while the result is open (a row function's) first reads
 * the rest of its rows into a temporary file (quiet(), spill()), and
 * the reading goes on from there: memory stays flat either way, and a
 * reader that runs no statement meanwhile (a get, a count, a row
 * function that runs none) costs nothing more than the unbuffered
 * read.  A get's or a count's one row is followed by the end of the
 * rows alone, which the reset reads with one more fetch.
 *
 * No message this file builds repeats a password: URLs are quoted with
 * the password replaced, and the server's messages are scrubbed of it.
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "backend.h"
#include "internal.h"
#include "utf8.h"

#define DEFAULT_PORT 3306

/* MariaDB's number of the binary character set: a field of it holds
 * bytes (BINARY, VARBINARY, BLOB), any other holds text. */
#define BINARY_CHARSET 63

/* The room a text or blob column's buffer starts with; a longer value
 * grows it, and the column is fetched again. */
#define TEXT_START 64

/* Passwords shorter than this are not scrubbed out of messages, which
 * never quote them: replacing every "ab" would only garble. */
#define SCRUB_MIN 4


/*
 * Every connection's session.  The runtime's SQL is standard SQL, as
 * SQLite and PostgreSQL read it; MariaDB reads it the same way under
 * these sql_mode flags:
 *   ANSI_QUOTES           "name" is an identifier (sc__buf_ident()), not
 *                         a string;
 *   PIPES_AS_CONCAT       || concatenates (prefix matches), not OR;
 *   STRICT_ALL_TABLES     a value too long or out of range fails (1406,
 *                         1264) instead of being cut and warned about;
 *   NO_ZERO_DATE, NO_ZERO_IN_DATE, ERROR_FOR_DIVISION_BY_ZERO
 *                         no '0000-00-00' dates and no NULL from x/0;
 *   NO_ENGINE_SUBSTITUTION a table that asks for InnoDB gets it or fails.
 * A backslash in a string literal escapes, MariaDB's default, which the
 * dialect table's LIKE ... ESCAPE clause and literals are written for.
 * Text comes and goes as utf8mb4 (all of Unicode), literals compare in
 * byte order (utf8mb4_nopad_bin: trailing spaces count) as on the
 * others, and the session's clock is UTC, so that CURRENT_TIMESTAMP and
 * a DATETIME hold UTC as schemac's timestamps do.  Autocommit is on:
 * transactions are opened with START TRANSACTION by the core.
 */
#define SESSION_SQL                                                    \
    "SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin, "                    \
    "time_zone = '+00:00', "                                           \
    "autocommit = 1, sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,"         \
    "STRICT_ALL_TABLES,NO_ZERO_DATE,"                                  \
    "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"

typedef struct my_conn {
    MYSQL *my;
    sc_backend_error err;
    char *password;          /* to scrub messages with; NULL when none */
    int64_t changes;         /* rows of the last INSERT, UPDATE, DELETE */
    int64_t insert_id;       /* the key the last INSERT made */
    bool lost;               /* the server went away */
    struct my_pipe *pipe;    /* the batch under way, or NULL */
    struct my_pipe *spare;   /* the last batch's memory, for the next */
    /* innodb_autoinc_lock_mode: 2 gives a multi-row INSERT keys that
     * need not follow each other; -1 not read yet */
    int autoinc_mode;
    /* The stream whose rows still arrive unbuffered, or NULL */
    struct my_stmt *stream;
    bool text;               /* prepare=off: the text protocol only */
} my_conn;

static void pipe_free(struct my_pipe *p);
static void pipe_drop_read(struct my_pipe *p);
static void my_reset(void *stmt);
struct my_stmt;
static int text_prepare(struct my_stmt *s, const char *sql);
static int text_execute(struct my_stmt *s, const MYSQL_BIND *params);
static int text_fetch(struct my_stmt *s);
static bool want_column(struct my_stmt *s, int i, const sc_column_desc *c);
static void drop_held(struct my_stmt *s);
static bool my_column_fits(void *stmt, int i, const sc_column_desc *c,
                           char *found, size_t size);

/* The storage of one parameter's wire form. */
typedef struct my_param {
    union {
        long long i;
        double d;
        float f;
    } num;
    MYSQL_TIME tm;
    char text[SC__FORM_MAX];
    unsigned long length;
    /* the column last bound here, and the unit its timestamps' fraction
     * is kept in (1 for all 6 digits), read from its type once */
    const sc_column_desc *col;
    int64_t frac_unit;
} my_param;

/* How a result column is fetched, from its MariaDB type. */
typedef enum my_class {
    CLASS_INT,    /* into a long long */
    CLASS_FLOAT,  /* into a float (FLOAT) */
    CLASS_DOUBLE, /* into a double */
    CLASS_TIME,   /* into a MYSQL_TIME (DATE, DATETIME, TIMESTAMP) */
    CLASS_BYTES   /* into a buffer, NUL-terminated: text, blobs, DECIMAL */
} my_class;

typedef struct my_col {
    enum enum_field_types type;
    unsigned flags;
    unsigned charset;
    unsigned decimals;
    my_class cls;
    union {
        long long i;
        double d;
        float f;
    } num;
    MYSQL_TIME tm;
    char *buf;
    size_t cap;              /* of buf, one more than MariaDB may fill */
    unsigned long length;
    my_bool is_null;
    my_bool error;
} my_col;

/* How my_read_row() stores a column's value in a row's field: decided
 * once per statement and table descriptor from the column's type and the
 * field's, which do not change between rows. */
typedef enum my_op_kind {
    OP_CAREFUL,   /* through my_column(), by the core */
    OP_INT64,     /* a signed integer, as it is */
    OP_UINT64,    /* a BIGINT UNSIGNED: careful above INT64_MAX */
    OP_INT32,     /* an integer, careful outside int32's range */
    OP_BOOL,      /* an integer, careful unless 0 or 1 */
    OP_UINT32,    /* a BIGINT UNSIGNED into int32: the same, unsigned */
    OP_TIMESTAMP, /* a DATETIME or TIMESTAMP: careful when zero */
    OP_DATE,      /* a DATE: careful when zero */
    OP_FLOAT64,   /* a DOUBLE */
    OP_NUMERIC,   /* a DECIMAL's text, scaled */
    OP_TEXT       /* text, pointed at or copied into the arena */
} my_op_kind;

typedef struct my_op {
    size_t offset;           /* of the field */
    size_t has_offset;       /* of its has_ flag, if has */
    unsigned char kind;      /* my_op_kind */
    bool has;
    unsigned scale;          /* OP_NUMERIC: the DECIMAL's digits after
                              * the point */
} my_op;

/* A step of my_read_plan(): result column col into the field at offset,
 * its has_ flag at has_offset (offset itself when it has none: the flag's
 * true is written first and the value over it). */
typedef struct my_rop {
    struct my_col *c;        /* the column's storage, which stays put */
    uint32_t col;
    uint32_t offset;
    uint32_t has_offset;
    unsigned char size;      /* of the field, for a NULL's zeroes */
    unsigned char kind;      /* my_op_kind */
} my_rop;

typedef struct my_stmt {
    my_conn *c;
    MYSQL_STMT *st;
    unsigned nparams;
    MYSQL_BIND *params;
    my_param *pdata;
    unsigned nfields;
    MYSQL_BIND *results;
    my_col *cols;
    bool executed;           /* since the last reset */
    bool has_result;         /* the execution gave a result set */
    bool rebind;             /* a column buffer moved: bind again */
    /* The table an INSERT, UPDATE or DELETE writes, for the columns of
     * a duplicate key; "" for other statements */
    char table[128];
    /* An INSERT ... VALUES (...) of the runtime's: its text up to the
     * VALUES list, and that list, for a batch's multi-row form; NULL for
     * other statements */
    char *insert_head, *insert_row;
    /* An UPDATE or DELETE, whose batch runs with array binding */
    bool bulk;
    /* The library's copy of the parameter binding is params as they are
     * (mysql_stmt_bind_param() copies the binds): an execution whose
     * binds point where they did needs no new binding, and its types
     * are not sent again */
    bool params_bound;
    /* my_read_row()'s plan for the descriptor it was made for (the
     * table, its columns and their count), one step per column */
    const sc_table_desc *plan_t;
    const sc_column_desc *plan_cols;
    unsigned plan_ncols, plan_n;
    my_op *plan;
    /* my_read_plan()'s steps for the core's plan they were made from
     * (its table and its length) */
    const sc__read_plan *rplan_src;
    const sc_table_desc *rplan_t;
    unsigned rplan_n;
    struct my_rop *rplan;
    my_col nocol;            /* the storage of a column the result lacks:
                              * not NULL, read the careful way */
    /* A stream's rows kept in a temporary file when another statement
     * needed the connection, and the buffers of the row being read
     * then, which stay valid until the next step */
    FILE *spill;
    char **held;
    /* prepare=off: the text, where each '?' of it is, the result, and
     * the descriptor columns to check the result's columns against at
     * the first execution (column_fits() comes before one) */
    char *sql;
    size_t *marks;
    MYSQL_RES *res;
    const sc_column_desc **want;
    unsigned nwant;
    bool checked;
    /* The multi-row forms prepared so far, by their number of rows */
    struct {
        unsigned rows;
        MYSQL_STMT *st;
    } multi[4];
} my_stmt;

/* ---------------------------------------------------------------------
 * Small helpers.
 * ------------------------------------------------------------------- */

static char *dup_n(const char *s, size_t n)
{
    char *p = sc__malloc(n + 1);

    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* ---------------------------------------------------------------------
 * Messages and errors.
 * ------------------------------------------------------------------- */

/* Copies msg into dst on one line, with every copy of password
 * replaced. */
static void tidy_message(char *dst, size_t size, const char *msg,
                         const char *password)
{
    size_t plen = password != NULL ? strlen(password) : 0;
    size_t n = 0;

    while (*msg != '\0' && n + 1 < size) {
        if (plen >= SCRUB_MIN && strncmp(msg, password, plen) == 0) {
            n += (size_t)snprintf(dst + n, size - n, "%s", SC__REDACTED);
            msg += plen;
        } else if (*msg == '\n' || *msg == '\t') {
            dst[n++] = ' ';
            msg++;
        } else {
            dst[n++] = *msg++;
        }
        if (n >= size)
            n = size - 1;
    }
    dst[n] = '\0';
}

static void set_error(my_conn *c, int code, int extended, const char *msg)
{
    memset(&c->err, 0, sizeof c->err);
    c->err.code = code;
    c->err.extended = extended;
    tidy_message(c->err.message, sizeof c->err.message, msg, c->password);
}

/*
 * Reads the identifier quoted at p (`x`, "x" or 'x', a doubled quote
 * standing for one) into out; returns the end of it, or NULL when p
 * holds no quoted name.
 */
static const char *quoted(const char *p, char *out, size_t size)
{
    char q = p != NULL ? *p : '\0';
    size_t n = 0;

    if (q != '`' && q != '"' && q != '\'')
        return NULL;
    for (p++; *p != '\0'; p++) {
        if (*p == q && p[1] == q)
            p++;
        else if (*p == q)
            break;
        if (n + 1 < size)
            out[n++] = *p;
    }
    if (size > 0)
        out[n] = '\0';
    return *p == q ? p + 1 : NULL;
}

/* The name quoted right after the first "after" in msg, into out. */
static void name_after(const char *msg, const char *after, char *out,
                       size_t size)
{
    const char *p = strstr(msg, after);

    if (p != NULL)
        quoted(p + strlen(after), out, size);
}

/* "`db`.`t`" or "`t`" at p: the last part into out. */
static const char *last_part(const char *p, char *out, size_t size)
{
    while ((p = quoted(p, out, size)) != NULL && *p == '.')
        p++;
    return p;
}

/*
 * The names in InnoDB's foreign key message: "a foreign key constraint
 * fails (`db`.`child`, CONSTRAINT `fk` FOREIGN KEY (`col`) REFERENCES
 * ...)": the child table, the constraint and, for one column, the
 * column.
 */
static void fkey_names(sc_backend_error *err, const char *msg)
{
    const char *p = strstr(msg, "constraint fails (");
    char col[128];

    if (p == NULL)
        return;
    last_part(p + strlen("constraint fails ("), err->table,
              sizeof err->table);
    name_after(p, "CONSTRAINT ", err->constraint, sizeof err->constraint);
    p = strstr(p, "FOREIGN KEY (");
    if (p == NULL)
        return;
    p = quoted(p + strlen("FOREIGN KEY ("), col, sizeof col);
    if (p != NULL && *p == ')')
        sc__copy_n(err->column, sizeof err->column, col, strlen(col));
}

/* "Duplicate entry '...' for key 'name'": the key's name is the last
 * quoted thing, after a value that may hold anything.  MariaDB calls a
 * primary key PRIMARY. */
static int duplicate_key(sc_backend_error *err, const char *msg)
{
    const char *p = strstr(msg, "' for key '"), *next;
    const char *dot;

    while (p != NULL && (next = strstr(p + 1, "' for key '")) != NULL)
        p = next;
    if (p != NULL)
        quoted(p + strlen("' for key "), err->constraint,
               sizeof err->constraint);
    dot = strrchr(err->constraint, '.'); /* MySQL 8 writes table.key */
    if (dot != NULL) {
        sc__copy_n(err->table, sizeof err->table, err->constraint,
                   (size_t)(dot - err->constraint));
        memmove(err->constraint, dot + 1, strlen(dot + 1) + 1);
    }
    if (strcmp(err->constraint, "PRIMARY") == 0) {
        err->constraint[0] = '\0';
        return SC_CONSTRAINT_PRIMARYKEY;
    }
    return SC_CONSTRAINT_UNIQUE;
}

/*
 * MariaDB names the check its own type makes (JSON's json_valid()) after
 * the column, "t.col": that is the check SPEC calls ck_<table>_<col>,
 * the one that enforces a type, and the column is col.
 */
static void type_check(sc_backend_error *err)
{
    size_t n = strlen(err->table);
    char name[sizeof err->constraint];
    const char *col = err->constraint + n + 1;

    if (n == 0 || strncmp(err->constraint, err->table, n) != 0 ||
        err->constraint[n] != '.' || *col == '\0')
        return;
    snprintf(name, sizeof name, "ck_%s_%s", err->table, col);
    sc__copy_n(err->column, sizeof err->column, col, strlen(col));
    sc__copy_n(err->constraint, sizeof err->constraint, name, strlen(name));
}

/* "CONSTRAINT `c` failed for `db`.`t`" (4025), "Check constraint 'c' is
 * violated." (3819). */
static void check_names(sc_backend_error *err, const char *msg)
{
    const char *p = strstr(msg, "CONSTRAINT ");

    if (p != NULL) {
        p = quoted(p + strlen("CONSTRAINT "), err->constraint,
                   sizeof err->constraint);
        if (p != NULL && strncmp(p, " failed for ", 12) == 0)
            last_part(p + 12, err->table, sizeof err->table);
        type_check(err);
        return;
    }
    name_after(msg, "constraint ", err->constraint, sizeof err->constraint);
}

/* Whether error number n means the connection is gone. */
static bool is_lost(unsigned n)
{
    return n == CR_SERVER_GONE_ERROR || n == CR_SERVER_LOST ||
           n == CR_SERVER_LOST_EXTENDED || n == ER_CONNECTION_KILLED ||
           n == ER_SERVER_SHUTDOWN || n == CR_CONN_UNKNOWN_PROTOCOL ||
           n == 4031 /* disconnected for inactivity */;
}

/* Records error number n with message msg and returns its primary
 * code. */
static int record(my_conn *c, unsigned n, const char *msg)
{
    char why[sizeof c->err.message];
    int ext;

    if (is_lost(n)) {
        c->lost = true;
        snprintf(why, sizeof why, "%s: %s", SC__LOST, msg);
        set_error(c, SC_ERROR, SC_ERROR, why);
        return SC_ERROR;
    }
    set_error(c, SC_ERROR, SC_ERROR, msg);
    switch (n) {
    case ER_DUP_ENTRY:
    case ER_DUP_ENTRY_WITH_KEY_NAME:
        ext = duplicate_key(&c->err, msg);
        break;
    case ER_ROW_IS_REFERENCED:
    case ER_ROW_IS_REFERENCED_2:
    case ER_NO_REFERENCED_ROW:
    case ER_NO_REFERENCED_ROW_2:
        fkey_names(&c->err, msg);
        ext = SC_CONSTRAINT_FOREIGNKEY;
        break;
    case ER_BAD_NULL_ERROR:
        name_after(msg, "Column ", c->err.column, sizeof c->err.column);
        ext = SC_CONSTRAINT_NOTNULL;
        break;
    case ER_NO_DEFAULT_FOR_FIELD: /* a not null column left out */
        name_after(msg, "Field ", c->err.column, sizeof c->err.column);
        ext = SC_CONSTRAINT_NOTNULL;
        break;
    case 3819: /* MySQL's check constraint violated */
    case ER_CONSTRAINT_FAILED:
        check_names(&c->err, msg);
        ext = SC_CONSTRAINT_CHECK;
        break;
    case ER_DATA_TOO_LONG: /* a varchar(n) checks its length by type */
        name_after(msg, "column ", c->err.column, sizeof c->err.column);
        ext = SC_CONSTRAINT_CHECK;
        break;
    case ER_WARN_DATA_OUT_OF_RANGE:
    case WARN_DATA_TRUNCATED: /* a label no ENUM has, under strict mode */
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_WARN_NULL_TO_NOTNULL:
        name_after(msg, "column ", c->err.column, sizeof c->err.column);
        ext = SC_RANGE;
        break;
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
        ext = SC_BUSY;
        break;
    case CR_OUT_OF_MEMORY:
    case ER_OUTOFMEMORY:
        ext = SC_NOMEM;
        break;
    default:
        ext = SC_ERROR;
        break;
    }
    c->err.extended = ext;
    c->err.code = ext & 0xff;
    return c->err.code;
}

/*
 * The table a statement writes: the quoted name after INSERT INTO,
 * UPDATE or DELETE FROM at the start of the runtime's own SQL (which
 * quotes every name), into out; "" for other statements.
 */
static void written_table(const char *sql, char *out, size_t size)
{
    static const char *const starts[] = {"INSERT INTO ", "UPDATE ",
                                         "DELETE FROM "};
    size_t i, n;

    out[0] = '\0';
    for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        n = strlen(starts[i]);
        if (strncmp(sql, starts[i], n) == 0 && sql[n] == '"') {
            quoted(sql + n, out, size);
            return;
        }
    }
}

/*
 * The columns of the key a duplicate entry (1062) hit, which MariaDB's
 * message names only by the key: read from information_schema.statistics
 * for the statement's table, as "t.a, t.b" in err->detail and, for one
 * column, the column itself, as PostgreSQL's detail gives them.  Nothing
 * changes when the table is unknown or the query fails; the connection's
 * error stays the duplicate's.
 */
static void duplicate_columns(my_conn *c, const char *table)
{
    sc_backend_error *err = &c->err;
    const char *key = err->extended == SC_CONSTRAINT_PRIMARYKEY
                          ? "PRIMARY"
                          : err->constraint;
    char sql[1024], etable[2 * sizeof err->table + 1];
    char ekey[2 * sizeof err->constraint + 1];
    MYSQL_RES *res;
    MYSQL_ROW row;
    sc__buf b = {0};
    unsigned n = 0;

    if (table[0] == '\0' || key[0] == '\0' || c->lost)
        return;
    mysql_real_escape_string(c->my, etable, table, strlen(table));
    mysql_real_escape_string(c->my, ekey, key, strlen(key));
    snprintf(sql, sizeof sql,
             "SELECT column_name FROM information_schema.statistics "
             "WHERE table_schema = DATABASE() AND table_name = '%s' "
             "AND index_name = '%s' ORDER BY seq_in_index",
             etable, ekey);
    if (mysql_real_query(c->my, sql, strlen(sql)) != 0)
        return;
    res = mysql_store_result(c->my);
    if (res == NULL)
        return;
    while ((row = mysql_fetch_row(res)) != NULL) {
        if (row[0] == NULL)
            continue;
        sc__buf_printf(&b, "%s%s.%s", n++ ? ", " : "", table, row[0]);
    }
    mysql_free_result(res);
    if (!b.failed && b.s != NULL) {
        sc__copy_n(err->table, sizeof err->table, table, strlen(table));
        sc__copy_n(err->detail, sizeof err->detail, b.s, strlen(b.s));
        if (n == 1)
            sc__copy_n(err->column, sizeof err->column,
                       b.s + strlen(table) + 1,
                       strlen(b.s + strlen(table) + 1));
    }
    sc__buf_free(&b);
}

static int conn_error(my_conn *c)
{
    return record(c, mysql_errno(c->my), mysql_error(c->my));
}

/* Whether the words of sql at *p start with word (any case), followed
 * by a space; *p then moves past them. */
static bool skip_word(const char **p, const char *word)
{
    size_t i, n = strlen(word);

    for (i = 0; i < n; i++)
        if (toupper((unsigned char)(*p)[i]) != word[i])
            return false;
    if (!isspace((unsigned char)(*p)[n]))
        return false;
    for (*p += n; isspace((unsigned char)**p); (*p)++)
        ;
    return true;
}

/*
 * The table a statement of the caller's own SQL writes, into out: the
 * name after INSERT [IGNORE] INTO or UPDATE [LOW_PRIORITY] [IGNORE],
 * quoted or bare, the last part of db.t; "" for other statements.
 */
static void statement_table(const char *sql, char *out, size_t size)
{
    const char *p = sql;
    size_t n;

    out[0] = '\0';
    while (isspace((unsigned char)*p))
        p++;
    if (skip_word(&p, "INSERT")) {
        (void)skip_word(&p, "IGNORE");
        if (!skip_word(&p, "INTO"))
            return;
    } else if (skip_word(&p, "UPDATE")) {
        (void)skip_word(&p, "LOW_PRIORITY");
        (void)skip_word(&p, "IGNORE");
    } else {
        return;
    }
    for (;;) {
        if (*p == '`' || *p == '"') {
            p = quoted(p, out, size);
            if (p == NULL) {
                out[0] = '\0';
                return;
            }
        } else {
            for (n = 0; isalnum((unsigned char)p[n]) || p[n] == '_' ||
                        p[n] == '$';
                 n++)
                ;
            sc__copy_n(out, size, p, n);
            p += n;
        }
        if (*p != '.')
            return;
        p++;
    }
}

/*
 * The one table of the current database with an index called key, into
 * out; "" when none or several have one (PRIMARY, mostly) or the query
 * fails.
 */
static void table_of_key(my_conn *c, const char *key, char *out,
                         size_t size)
{
    char sql[512], ekey[2 * sizeof c->err.constraint + 1];
    MYSQL_RES *res;
    MYSQL_ROW row;

    out[0] = '\0';
    if (key[0] == '\0' || strlen(key) >= sizeof c->err.constraint)
        return;
    mysql_real_escape_string(c->my, ekey, key, strlen(key));
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT table_name FROM information_schema.statistics "
             "WHERE table_schema = DATABASE() AND index_name = '%s' LIMIT 2",
             ekey);
    if (mysql_real_query(c->my, sql, strlen(sql)) != 0)
        return;
    res = mysql_store_result(c->my);
    if (res == NULL)
        return;
    if (mysql_num_rows(res) == 1 && (row = mysql_fetch_row(res)) != NULL &&
        row[0] != NULL)
        sc__copy_n(out, size, row[0], strlen(row[0]));
    mysql_free_result(res);
}

/*
 * The error of statement number k (from 0) of the caller's sql.  A
 * duplicate entry names only its key: the table is the one the key's
 * name gives (MySQL 8's "t.key"), else the one the first statement
 * writes, else the one table that has a key of that name; its columns
 * then come as for the runtime's own statements.
 */
static int exec_error(my_conn *c, const char *sql, unsigned k)
{
    int rc = conn_error(c);
    char table[sizeof c->err.table];
    const char *key;

    if (c->err.extended != SC_CONSTRAINT_UNIQUE &&
        c->err.extended != SC_CONSTRAINT_PRIMARYKEY)
        return rc;
    key = c->err.extended == SC_CONSTRAINT_PRIMARYKEY ? "PRIMARY"
                                                      : c->err.constraint;
    sc__copy_n(table, sizeof table, c->err.table, strlen(c->err.table));
    if (table[0] == '\0' && k == 0)
        statement_table(sql, table, sizeof table);
    if (table[0] == '\0')
        table_of_key(c, key, table, sizeof table);
    duplicate_columns(c, table);
    return rc;
}

static int stmt_error(my_stmt *s)
{
    int rc = record(s->c, mysql_stmt_errno(s->st), mysql_stmt_error(s->st));

    if (s->c->err.extended == SC_CONSTRAINT_UNIQUE ||
        s->c->err.extended == SC_CONSTRAINT_PRIMARYKEY)
        duplicate_columns(s->c, s->table);
    return rc;
}

static int nomem(my_conn *c)
{
    set_error(c, SC_NOMEM, SC_NOMEM, "out of memory");
    return SC_NOMEM;
}

static int spill(my_stmt *s);

/* Frees the connection for another statement: the rows of an open
 * stream still to arrive are read into a temporary file, where the
 * stream reads them on (spill()).  Connector/C would otherwise read them
 * as the other statement's answer, or throw them away. */
static int quiet(my_conn *c)
{
    my_stmt *s = c->stream;

    if (s == NULL)
        return SC_OK;
    return spill(s);
}

/* ---------------------------------------------------------------------
 * URLs:
 *   mariadb://[user[:password]@][host][:port][/database][?key=value&...]
 * (or mysql://).  host is a name, an address, [an IPv6 address] or,
 * percent-encoded, the path of a unix socket; ?unix_socket=PATH names one
 * too.  Every part is percent-decoded.
 * ------------------------------------------------------------------- */

typedef struct my_url {
    char *user;
    char *password;
    char *host;
    char *database;
    char *socket;
    unsigned port;
    unsigned timeout;    /* connect_timeout, seconds; 0: Connector/C's */
    int ssl;             /* 0 none asked, 1 required, 2 verified */
    char *ssl_ca;
    char *ssl_cert;
    char *ssl_key;
} my_url;

static void url_free(my_url *u)
{
    sc__free(u->user);
    sc__free(u->password);
    sc__free(u->host);
    sc__free(u->database);
    sc__free(u->socket);
    sc__free(u->ssl_ca);
    sc__free(u->ssl_cert);
    sc__free(u->ssl_key);
    memset(u, 0, sizeof *u);
}

/* Fills err for a failed open: "cannot connect to URL: why". */
static int open_error(const char *url, const char *password, int code,
                      const char *why, sc_backend_error *err)
{
    sc__buf b = {0};

    sc__buf_puts(&b, "cannot connect to ");
    sc__redact_url(&b, url);
    sc__buf_puts(&b, ": ");
    memset(err, 0, sizeof *err);
    err->code = err->extended = code;
    sc__copy_n(err->message, sizeof err->message,
           b.failed ? "cannot connect to the database: " : b.s,
           b.failed ? 32 : b.len);
    if (strlen(err->message) < sizeof err->message)
        tidy_message(err->message + strlen(err->message),
                     sizeof err->message - strlen(err->message), why,
                     password);
    sc__buf_free(&b);
    return code;
}

/* Sets the option key (k bytes) to the decoded value v; false with *why
 * when the key or value is not one of these. */
static bool url_option(my_url *u, const char *k, size_t kn, const char *v,
                       const char **why, bool *bad, bool *oom)
{
    char **slot = NULL;
    char *val, *end;
    unsigned long x;

#define KEY(name) (kn == strlen(name) && strncmp(k, name, kn) == 0)
    if (KEY("unix_socket") || KEY("socket"))
        slot = &u->socket;
    else if (KEY("ssl_ca") || KEY("sslrootcert"))
        slot = &u->ssl_ca;
    else if (KEY("ssl_cert") || KEY("sslcert"))
        slot = &u->ssl_cert;
    else if (KEY("ssl_key") || KEY("sslkey"))
        slot = &u->ssl_key;
    else if (KEY("password"))
        slot = &u->password;
    else if (KEY("user"))
        slot = &u->user;
    val = sc__url_decode(v, strcspn(v, "&#"), bad, oom);
    if (val == NULL)
        return false;
    if (slot != NULL) {
        sc__free(*slot);
        *slot = val;
        return true;
    }
    if (KEY("ssl_mode") || KEY("sslmode")) {
        if (strcmp(val, "disable") == 0 || strcmp(val, "disabled") == 0 ||
            strcmp(val, "prefer") == 0 || strcmp(val, "preferred") == 0)
            u->ssl = 0;
        else if (strcmp(val, "require") == 0 ||
                 strcmp(val, "required") == 0)
            u->ssl = 1;
        else if (strcmp(val, "verify-ca") == 0 ||
                 strcmp(val, "verify_ca") == 0 ||
                 strcmp(val, "verify-full") == 0 ||
                 strcmp(val, "verify_identity") == 0)
            u->ssl = 2;
        else
            *why = "ssl_mode is one of disable, prefer, require, "
                   "verify_ca and verify_identity";
    } else if (KEY("connect_timeout")) {
        x = strtoul(val, &end, 10);
        if (*val < '0' || *val > '9' || *end != '\0' || x > 86400)
            *why = "connect_timeout is a number of seconds";
        else
            u->timeout = (unsigned)x;
    } else {
        *why = "unknown option";
    }
    sc__free(val);
    return *why == NULL;
#undef KEY
}

/*
 * Parses url into u.  Returns SC_OK, or SC_MISUSE / SC_NOMEM with err
 * filled (naming no password).
 */
static int parse_url(const char *url, my_url *u, sc_backend_error *err)
{
    const char *p = strstr(url, "://") + 3, *end, *at, *colon, *q;
    const char *why = NULL;
    char msg[256];
    bool bad = false, oom = false;
    unsigned long port;
    size_t n;

    memset(u, 0, sizeof *u);
    u->port = DEFAULT_PORT;
    end = p + strcspn(p, "/?#");
    at = NULL;
    for (q = p; q < end; q++)
        if (*q == '@')
            at = q;
    if (at != NULL) {
        colon = memchr(p, ':', (size_t)(at - p));
        n = (size_t)((colon != NULL ? colon : at) - p);
        u->user = sc__url_decode(p, n, &bad, &oom);
        if (colon != NULL)
            u->password = sc__url_decode(
                colon + 1, (size_t)(at - colon - 1), &bad, &oom);
        p = at + 1;
    }
    /* the host: [v6], or up to the last ':' before the path */
    if (*p == '[') {
        q = memchr(p, ']', (size_t)(end - p));
        if (q == NULL) {
            why = "an IPv6 address opened with '[' is not closed";
            goto fail;
        }
        u->host = sc__url_decode(p + 1, (size_t)(q - p - 1), &bad, &oom);
        p = q + 1;
    } else {
        q = p;
        while (q < end && *q != ':')
            q++;
        if (q > p)
            u->host = sc__url_decode(p, (size_t)(q - p), &bad, &oom);
        p = q;
    }
    if (p < end && *p == ':') {
        port = strtoul(p + 1, (char **)&q, 10);
        if (q != end || q == p + 1 || port == 0 || port > 65535) {
            why = "the port is a number from 1 to 65535";
            goto fail;
        }
        u->port = (unsigned)port;
    } else if (p < end) {
        why = "unexpected text after the host";
        goto fail;
    }
    p = end;
    if (*p == '/') {
        n = strcspn(p + 1, "?#");
        if (n > 0)
            u->database = sc__url_decode(p + 1, n, &bad, &oom);
        p += 1 + n;
    }
    if (*p == '?') {
        for (p++; *p != '\0' && *p != '#'; p += *p == '&') {
            q = p + strcspn(p, "=&#");
            if (*q != '=') {
                why = "an option without a value";
                n = (size_t)(q - p);
                goto option;
            }
            if (!url_option(u, p, (size_t)(q - p), q + 1, &why, &bad,
                            &oom)) {
                n = (size_t)(q - p);
                if (why != NULL)
                    goto option;
                break;
            }
            p = q + 1 + strcspn(q + 1, "&#");
        }
    }
    if (oom) {
        url_free(u);
        memset(err, 0, sizeof *err);
        err->code = err->extended = SC_NOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
        return SC_NOMEM;
    }
    if (bad) {
        why = "a '%' not followed by two hex digits (or %00)";
        goto fail;
    }
    /* a host that is a path names a unix socket */
    if (u->host != NULL && u->host[0] == '/' && u->socket == NULL) {
        u->socket = u->host;
        u->host = NULL;
    }
    return SC_OK;
option:
    snprintf(msg, sizeof msg, "%s \"%.*s\"", why, (int)(n < 64 ? n : 64), p);
    why = msg;
fail:
    open_error(url, u->password, SC_MISUSE, why, err);
    url_free(u);
    return SC_MISUSE;
}

/* ---------------------------------------------------------------------
 * Connections.
 * ------------------------------------------------------------------- */

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_rc;

/* Connector/C's global set-up, which mysql_init() would otherwise do
 * unguarded in whichever thread comes first. */
static void library_init(void)
{
    library_rc = mysql_library_init(0, NULL, NULL);
}

static void my_close(void *conn)
{
    my_conn *c = conn;

    if (c == NULL)
        return;
    pipe_free(c->pipe);
    pipe_free(c->spare);
    if (c->my != NULL)
        mysql_close(c->my);
    sc__free(c->password);
    sc__free(c);
}

static int set_options(MYSQL *my, const my_url *u)
{
    my_bool yes = 1;
    int rc = 0;

    rc |= mysql_optionsv(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (u->timeout > 0)
        rc |= mysql_optionsv(my, MYSQL_OPT_CONNECT_TIMEOUT, &u->timeout);
    if (u->ssl_ca != NULL)
        rc |= mysql_optionsv(my, MYSQL_OPT_SSL_CA, u->ssl_ca);
    if (u->ssl_cert != NULL)
        rc |= mysql_optionsv(my, MYSQL_OPT_SSL_CERT, u->ssl_cert);
    if (u->ssl_key != NULL)
        rc |= mysql_optionsv(my, MYSQL_OPT_SSL_KEY, u->ssl_key);
    if (u->ssl >= 1)
        rc |= mysql_optionsv(my, MYSQL_OPT_SSL_ENFORCE, &yes);
    if (u->ssl >= 2)
        rc |= mysql_optionsv(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
    return rc;
}

/* The busy timeout is innodb_lock_wait_timeout, in whole seconds: the
 * milliseconds asked for rounded up. */
static int set_lock_wait(my_conn *c, int ms)
{
    char sql[80];

    snprintf(sql, sizeof sql, "SET SESSION innodb_lock_wait_timeout = %d",
             ms / 1000 + (ms % 1000 != 0));
    return mysql_real_query(c->my, sql, strlen(sql));
}

static int my_open(const char *url, const sc__conn_opts *opts, void **conn,
                   sc_backend_error *err)
{
    my_conn *c = sc__zalloc(1, sizeof *c);
    my_url u;
    unsigned n;
    int rc;

    if (c != NULL)
        c->autoinc_mode = -1;

    *conn = NULL;
    if (c == NULL || (pthread_once(&library_once, library_init), library_rc)) {
        sc__free(c);
        memset(err, 0, sizeof *err);
        err->code = err->extended = SC_NOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
        return SC_NOMEM;
    }
    rc = parse_url(url, &u, err);
    if (rc != SC_OK) {
        sc__free(c);
        return rc;
    }
    if (u.password != NULL &&
        (c->password = dup_n(u.password, strlen(u.password))) == NULL) {
        rc = open_error(url, NULL, SC_NOMEM, "out of memory", err);
        goto cleanup;
    }
    c->my = mysql_init(NULL);
    if (c->my == NULL || set_options(c->my, &u) != 0) {
        rc = open_error(url, NULL, SC_NOMEM, "out of memory", err);
        goto cleanup;
    }
    /* CLIENT_FOUND_ROWS: an UPDATE counts the rows it matched, also
     * those whose values it left as they were, as the others count */
    if (mysql_real_connect(c->my, u.socket != NULL ? "localhost" : u.host,
                           u.user, u.password, u.database, u.port,
                           u.socket,
                           CLIENT_FOUND_ROWS | CLIENT_MULTI_STATEMENTS) ==
        NULL) {
        n = mysql_errno(c->my);
        rc = open_error(url, c->password,
                        n == CR_OUT_OF_MEMORY ? SC_NOMEM : SC_CANTOPEN,
                        mysql_error(c->my), err);
        goto cleanup;
    }
    /* Connector/C 3.3 falls back to plain TCP when the server offers no
     * TLS unless the certificate is verified: required means required */
    if (u.ssl >= 1 && mysql_get_ssl_cipher(c->my) == NULL) {
        rc = open_error(url, c->password, SC_CANTOPEN,
                        "TLS is required (ssl_mode) but the server does not "
                        "offer SSL/TLS",
                        err);
        goto cleanup;
    }
    c->text = opts->unnamed;
    if (mysql_real_query(c->my, SESSION_SQL, strlen(SESSION_SQL)) != 0 ||
        (opts->busy_timeout_ms >= 0 &&
         set_lock_wait(c, opts->busy_timeout_ms) != 0)) {
        rc = open_error(url, c->password, SC_CANTOPEN, mysql_error(c->my),
                        err);
        goto cleanup;
    }
    url_free(&u);
    *conn = c;
    return SC_OK;
cleanup:
    url_free(&u);
    my_close(c);
    return rc;
}

/* Runs sql, which may be several statements, to its end. */
static int my_exec(void *conn, const char *sql)
{
    my_conn *c = conn;
    MYSQL_RES *res;
    my_ulonglong n;
    unsigned k = 0;
    int more, rc = quiet(c);

    if (rc != SC_OK)
        return rc;
    if (mysql_real_query(c->my, sql, strlen(sql)) != 0)
        return exec_error(c, sql, 0);
    do {
        res = mysql_store_result(c->my);
        if (res != NULL)
            mysql_free_result(res);
        else if (mysql_field_count(c->my) != 0)
            return conn_error(c);
        n = mysql_affected_rows(c->my);
        c->changes = n == (my_ulonglong)-1 ? 0 : (int64_t)n;
        more = mysql_next_result(c->my);
        if (more > 0)
            return exec_error(c, sql, ++k);
    } while (more == 0);
    return SC_OK;
}

static int64_t my_changes(void *conn)
{
    return ((my_conn *)conn)->changes;
}

static int64_t my_last_insert_id(void *conn)
{
    return ((my_conn *)conn)->insert_id;
}

static bool my_in_transaction(void *conn)
{
    my_conn *c = conn;
    unsigned status = 0;

    if (c->lost || mariadb_get_infov(c->my, MARIADB_CONNECTION_SERVER_STATUS,
                                     &status) != 0)
        return false;
    return (status & SERVER_STATUS_IN_TRANS) != 0;
}

static bool my_lost(void *conn)
{
    return ((my_conn *)conn)->lost;
}

static void my_error(void *conn, sc_backend_error *err)
{
    *err = ((my_conn *)conn)->err;
}

static void my_placeholder(int i, char *buf, size_t size)
{
    (void)i;
    if (size >= 2)
        memcpy(buf, "?", 2);
}

/* ---------------------------------------------------------------------
 * Statements.
 * ------------------------------------------------------------------- */

static my_class class_of(enum enum_field_types t)
{
    switch (t) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
        return CLASS_INT;
    case MYSQL_TYPE_FLOAT:
        return CLASS_FLOAT;
    case MYSQL_TYPE_DOUBLE:
        return CLASS_DOUBLE;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
        return CLASS_TIME;
    default:
        return CLASS_BYTES;
    }
}

/* Points result bind i at column i's storage. */
static void bind_column(my_stmt *s, unsigned i)
{
    MYSQL_BIND *b = &s->results[i];
    my_col *col = &s->cols[i];

    memset(b, 0, sizeof *b);
    b->is_null = &col->is_null;
    b->length = &col->length;
    b->error = &col->error;
    switch (col->cls) {
    case CLASS_INT:
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &col->num.i;
        b->is_unsigned = (col->flags & UNSIGNED_FLAG) != 0;
        break;
    case CLASS_FLOAT:
        b->buffer_type = MYSQL_TYPE_FLOAT;
        b->buffer = &col->num.f;
        break;
    case CLASS_DOUBLE:
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &col->num.d;
        break;
    case CLASS_TIME:
        b->buffer_type = MYSQL_TYPE_DATETIME;
        b->buffer = &col->tm;
        break;
    case CLASS_BYTES:
        b->buffer_type = MYSQL_TYPE_STRING;
        b->buffer = col->buf;
        b->buffer_length = col->cap - 1; /* room for the NUL */
        break;
    }
}

/* Column col as the result's field f describes it, for both protocols. */
static void describe_col(my_col *col, const MYSQL_FIELD *f)
{
    col->type = f->type;
    col->flags = f->flags;
    col->charset = f->charsetnr;
    col->decimals = f->decimals;
    col->cls = class_of(f->type);
}

/* Takes the result columns' types from the metadata of the prepared
 * statement and sets up their storage. */
static int take_fields(my_stmt *s)
{
    MYSQL_RES *meta = mysql_stmt_result_metadata(s->st);
    MYSQL_FIELD *f;
    unsigned i, n;

    if (meta == NULL)
        return mysql_stmt_errno(s->st) != 0 ? stmt_error(s) : SC_OK;
    n = mysql_num_fields(meta);
    f = mysql_fetch_fields(meta);
    s->results = sc__zalloc(n, sizeof *s->results);
    s->cols = sc__zalloc(n, sizeof *s->cols);
    if (s->results == NULL || s->cols == NULL) {
        mysql_free_result(meta);
        return nomem(s->c);
    }
    s->nfields = n;
    for (i = 0; i < n; i++) {
        describe_col(&s->cols[i], &f[i]);
        if (s->cols[i].cls == CLASS_BYTES) {
            s->cols[i].buf = sc__malloc(TEXT_START);
            if (s->cols[i].buf == NULL) {
                mysql_free_result(meta);
                return nomem(s->c);
            }
            s->cols[i].cap = TEXT_START;
        }
        bind_column(s, i);
    }
    mysql_free_result(meta);
    return SC_OK;
}

static void stmt_free(my_stmt *s)
{
    unsigned i;

    if (s->c->stream == s)
        my_reset(s);
    else
        quiet(s->c);
    for (i = 0; i < sizeof s->multi / sizeof s->multi[0]; i++) {
        if (s->multi[i].st != NULL)
            mysql_stmt_close(s->multi[i].st);
    }
    sc__free(s->insert_head);
    sc__free(s->insert_row);
    if (s->st != NULL)
        mysql_stmt_close(s->st);
    if (s->res != NULL)
        mysql_free_result(s->res);
    if (s->spill != NULL)
        fclose(s->spill);
    drop_held(s);
    sc__free(s->held);
    sc__free(s->sql);
    sc__free(s->marks);
    sc__free(s->want);
    for (i = 0; s->cols != NULL && i < s->nfields; i++)
        sc__free(s->cols[i].buf);
    sc__free(s->cols);
    sc__free(s->plan);
    sc__free(s->rplan);
    sc__free(s->results);
    sc__free(s->params);
    sc__free(s->pdata);
    sc__free(s);
}

/*
 * Keeps the head and the row of the runtime's INSERT INTO "t" (...)
 * VALUES (?, ...), which a batch repeats; other statements (a RETURNING,
 * DEFAULT VALUES, anything after the list) keep none.  False when out
 * of memory.
 */
static bool split_insert(my_stmt *s, const char *sql)
{
    const char *v = strstr(sql, ") VALUES (");
    size_t n = strlen(sql);

    if (strncmp(sql, "INSERT INTO \"", 13) != 0 || v == NULL ||
        sql[n - 1] != ')' || strchr(v + 10, '(') != NULL)
        return true;
    s->insert_head = dup_n(sql, (size_t)(v - sql) + 8);
    s->insert_row = dup_n(v + 9, n - (size_t)(v - sql) - 9);
    return s->insert_head != NULL && s->insert_row != NULL;
}

/* Prepares sql on the server once; the core caches the statement, so
 * persistent changes nothing here. */
static int my_prepare(void *conn, const char *sql, bool persistent,
                      void **stmt)
{
    my_conn *c = conn;
    my_stmt *s = sc__zalloc(1, sizeof *s);
    unsigned i;
    int rc;

    (void)persistent;
    *stmt = NULL;
    if (s == NULL)
        return nomem(c);
    if ((rc = quiet(c)) != SC_OK) {
        sc__free(s);
        return rc;
    }
    s->c = c;
    if (c->text) {
        rc = text_prepare(s, sql);
        if (rc != SC_OK)
            goto cleanup;
        *stmt = s;
        return SC_OK;
    }
    s->st = mysql_stmt_init(c->my);
    if (s->st == NULL) {
        rc = c->lost ? record(c, CR_SERVER_LOST, "mysql_stmt_init")
                     : nomem(c);
        goto cleanup;
    }
    written_table(sql, s->table, sizeof s->table);
    s->bulk = s->table[0] != '\0' && strncmp(sql, "INSERT", 6) != 0;
    if (!split_insert(s, sql)) {
        rc = nomem(c);
        goto cleanup;
    }
    if (mysql_stmt_prepare(s->st, sql, strlen(sql)) != 0) {
        rc = stmt_error(s);
        goto cleanup;
    }
    s->nparams = mysql_stmt_param_count(s->st);
    s->params = sc__zalloc(s->nparams, sizeof *s->params);
    s->pdata = sc__zalloc(s->nparams, sizeof *s->pdata);
    if (s->params == NULL || s->pdata == NULL) {
        rc = nomem(c);
        goto cleanup;
    }
    for (i = 0; i < s->nparams; i++)
        s->params[i].buffer_type = MYSQL_TYPE_NULL;
    rc = take_fields(s);
    if (rc != SC_OK)
        goto cleanup;
    *stmt = s;
    return SC_OK;
cleanup:
    stmt_free(s);
    return rc;
}

static void my_reset(void *stmt)
{
    my_stmt *s = stmt;

    if (!s->executed)
        return;
    /* Rows still arriving are read and dropped.  After the one row of a
     * get or a count only their end is left, as a rule, which one more
     * fetch reads, as a hand-written reader does (cheaper than the
     * flush of mysql_stmt_free_result(), which reads anything more).
     * No fetch goes into a buffer that moved and is not bound yet.  A
     * result read to its end, or spilled, has nothing left on the wire
     * and nothing stored: Connector/C has nothing to free. */
    if (s->c->stream == s) {
        s->c->stream = NULL;
        if (s->rebind || mysql_stmt_fetch(s->st) != MYSQL_NO_DATA)
            mysql_stmt_free_result(s->st);
    }
    if (s->res != NULL)
        mysql_free_result(s->res);
    s->res = NULL;
    if (s->spill != NULL)
        fclose(s->spill);
    s->spill = NULL;
    drop_held(s);
    s->executed = false;
    s->has_result = false;
}

static void my_finalize(void *stmt)
{
    if (stmt != NULL)
        stmt_free(stmt);
}

static int my_column_count(void *stmt)
{
    my_stmt *s = stmt;

    return s->st != NULL ? (int)mysql_stmt_field_count(s->st)
                         : (int)s->nfields;
}

/* ---------------------------------------------------------------------
 * Binding.
 * ------------------------------------------------------------------- */

/* The dialect entry, whose facts say what a column holds. */
static const sc__dialect *maria(void)
{
    return sc__dialect_of(SC_DIALECT_MARIADB);
}

/* The days from which ymd_of() reads a date: the first of March of year
 * -400 on (so that no count is negative) to a little after year 10000. */
#define YMD_FIRST (-719468 - 146097)
#define YMD_LAST 4000000

/* The date of days since 1970, as sc_date_to_ymd() gives it, in
 * unsigned arithmetic for the days from YMD_FIRST to YMD_LAST. */
static void ymd_of(int64_t days, int *year, int *month, int *day)
{
    unsigned z = (unsigned)(days - YMD_FIRST);
    unsigned era = z / 146097, doe = z - era * 146097;
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;

    *year = (int)(yoe + era * 400 + (m <= 2)) - 400;
    *month = (int)m;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

/* Days since 1970 into t's date; false when MariaDB has no such year
 * (the dialect's min_year to max_year). */
static bool put_date(MYSQL_TIME *t, int64_t days)
{
    const sc__dialect *dl = maria();
    int y, m, d;

    if (days >= YMD_FIRST && days <= YMD_LAST)
        ymd_of(days, &y, &m, &d);
    else if (days < INT32_MIN || days > INT32_MAX)
        return false;
    else
        sc_date_to_ymd((int32_t)days, &y, &m, &d);
    if (y < dl->min_year || y > dl->max_year)
        return false;
    t->year = (unsigned)y;
    t->month = (unsigned)m;
    t->day = (unsigned)d;
    return true;
}

/* Microseconds since 1970 UTC into t (DATETIME(6)). */
static bool put_timestamp(MYSQL_TIME *t, int64_t us)
{
    int64_t secs = us / 1000000, frac = us % 1000000, days, sod;

    if (frac < 0) {
        frac += 1000000;
        secs--;
    }
    days = secs / 86400;
    sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    if (!put_date(t, days))
        return false;
    t->hour = (unsigned)(sod / 3600);
    t->minute = (unsigned)(sod / 60 % 60);
    t->second = (unsigned)(sod % 60);
    t->second_part = (unsigned long)frac;
    t->time_type = MYSQL_TIMESTAMP_DATETIME;
    return true;
}

static int64_t get_timestamp(const MYSQL_TIME *t)
{
    int64_t days = sc_date_from_ymd((int)t->year, (int)t->month,
                                    (int)t->day);

    return ((days * 86400 + (int64_t)t->hour * 3600 +
             (int64_t)t->minute * 60 + (int64_t)t->second) *
            1000000) +
           (int64_t)t->second_part;
}

static void bind_bytes(MYSQL_BIND *b, my_param *p, enum enum_field_types t,
                       const void *data, size_t len)
{
    b->buffer_type = t;
    b->buffer = (void *)(len > 0 ? data : "");
    p->length = (unsigned long)len;
    b->buffer_length = p->length;
    b->length = &p->length;
}

static int bind_int(MYSQL_BIND *b, my_param *p, const sc_value *v,
                    const char **why)
{
    switch (v->type) {
    case SC_TYPE_DATE:
        memset(&p->tm, 0, sizeof p->tm);
        if (!put_date(&p->tm, v->i)) {
            *why = "the date is outside MariaDB's range (years 0 to 9999)";
            return SC_RANGE;
        }
        p->tm.time_type = MYSQL_TIMESTAMP_DATE;
        b->buffer_type = MYSQL_TYPE_DATE;
        b->buffer = &p->tm;
        return SC_OK;
    case SC_TYPE_TIMESTAMP:
        if (v->col != NULL && v->col != p->col) {
            p->col = v->col;
            p->frac_unit = sc__fraction_unit(maria(), v->col->my_type);
        }
        if (v->col != NULL && p->frac_unit > 1 &&
            (v->i % p->frac_unit) != 0) {
            *why = "the timestamp has a finer fraction of a second than the "
                   "column's type keeps";
            return SC_RANGE;
        }
        memset(&p->tm, 0, sizeof p->tm);
        if (!put_timestamp(&p->tm, v->i)) {
            *why = "the timestamp is outside MariaDB's range (years 0 to "
                   "9999)";
            return SC_RANGE;
        }
        b->buffer_type = MYSQL_TYPE_DATETIME;
        b->buffer = &p->tm;
        return SC_OK;
    case SC_TYPE_NUMERIC:
        if (v->col == NULL)
            break;
        /* DECIMAL text, so that the server compares and stores it as a
         * decimal, never as a double */
        bind_bytes(b, p, MYSQL_TYPE_NEWDECIMAL, p->text,
                   sc__scaled_text(v->i, v->col->scale, p->text));
        return SC_OK;
    default:
        break;
    }
    p->num.i = v->i;
    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = &p->num.i;
    return SC_OK;
}

/* Binds v into b, its wire form kept in p.  A parameter's bind is zero
 * but for the four fields set here (my_prepare() and text_prepare()
 * allocate them zeroed), so only those are written. */
static int bind_value(MYSQL_BIND *b, my_param *p, const sc_value *v,
                      const char **why)
{
    char form[SC__FORM_MAX];
    sc_value stored;
    int rc;

    b->buffer_type = MYSQL_TYPE_NULL; /* until v's is known */
    b->buffer = NULL;
    b->buffer_length = 0;
    b->length = NULL;
    if (v->kind != SC_VAL_NULL && v->col != NULL &&
        v->col->format != SC_FMT_NATIVE) {
        rc = sc__stored_form(v, &stored, form, why);
        if (rc != SC_OK)
            return rc;
        if (stored.kind == SC_VAL_TEXT && stored.p == form) {
            memcpy(p->text, form, stored.len);
            stored.p = p->text;
        }
        /* a stored integer (a timestamp kept as seconds) binds as one,
         * never as the type it stands for */
        if (stored.kind == SC_VAL_INT)
            stored.type = SC_TYPE_INT64;
        v = &stored;
    }
    switch (v->kind) {
    case SC_VAL_NULL:
        b->buffer_type = MYSQL_TYPE_NULL;
        return SC_OK;
    case SC_VAL_INT:
        return bind_int(b, p, v, why);
    case SC_VAL_FLOAT:
        if ((isnan(v->f) && !maria()->float_nan) ||
            (isinf(v->f) && !maria()->float_infinity)) {
            *why = "MariaDB stores no NaN or infinity";
            return SC_RANGE;
        }
        if (v->type == SC_TYPE_FLOAT32) {
            p->num.f = (float)v->f;
            b->buffer_type = MYSQL_TYPE_FLOAT;
            b->buffer = &p->num.f;
        } else {
            p->num.d = v->f;
            b->buffer_type = MYSQL_TYPE_DOUBLE;
            b->buffer = &p->num.d;
        }
        return SC_OK;
    case SC_VAL_TEXT:
        if (v->len > ULONG_MAX) {
            *why = "the text is larger than MariaDB can take";
            return SC_RANGE;
        }
        bind_bytes(b, p, v->type == SC_TYPE_DECIMAL ? MYSQL_TYPE_NEWDECIMAL
                                                    : MYSQL_TYPE_STRING,
                   v->p, v->len);
        return SC_OK;
    case SC_VAL_BLOB:
        if (v->type == SC_TYPE_UUID && v->len != 16) {
            *why = "a uuid is 16 bytes";
            return SC_RANGE;
        }
        if (v->len > ULONG_MAX) {
            *why = "the value is larger than MariaDB can take";
            return SC_RANGE;
        }
        bind_bytes(b, p, MYSQL_TYPE_BLOB, v->p, v->len);
        return SC_OK;
    }
    return SC_MISUSE;
}

/* my_bind() of v into parameter b of s, the whole way: the bind
 * remade, and the library's copy marked stale when it moved. */
SC__NOINLINE static int bind_whole(my_stmt *s, MYSQL_BIND *b, my_param *p,
                                   const sc_value *v, const char **why)
{
    enum enum_field_types type = b->buffer_type;
    const void *buffer = b->buffer;
    const unsigned long *length = b->length;
    int rc = bind_value(b, p, v, why);

    if (rc != SC_OK || b->buffer_type != type || b->buffer != buffer ||
        b->length != length)
        s->params_bound = false;
    return rc;
}

static int my_bind(void *stmt, int i, const sc_value *v, const char **why)
{
    my_stmt *s = stmt;
    MYSQL_BIND *b;
    my_param *p;

    *why = NULL;
    if (i < 1 || (unsigned)i > s->nparams) {
        *why = "the statement has no such parameter";
        return SC_MISUSE;
    }
    b = &s->params[i - 1];
    p = &s->pdata[i - 1];
    /* A plain integer (a key, a count's argument) where one was bound
     * before: only its value changes, the bind stays as the library
     * has it.  Dates, timestamps, numerics and stored forms take the
     * whole way, with their checks. */
    if (v->kind == SC_VAL_INT && b->buffer_type == MYSQL_TYPE_LONGLONG &&
        b->buffer == &p->num.i && v->type != SC_TYPE_DATE &&
        v->type != SC_TYPE_TIMESTAMP && v->type != SC_TYPE_NUMERIC &&
        (v->col == NULL || v->col->format == SC_FMT_NATIVE)) {
        p->num.i = v->i;
        return SC_OK;
    }
    /* Text where text was bound: the same type and length pointer, so
     * the library's copy is stale only when the value moved. */
    if (v->kind == SC_VAL_TEXT && b->buffer_type == MYSQL_TYPE_STRING &&
        b->length == &p->length && v->type != SC_TYPE_DECIMAL &&
        v->len <= ULONG_MAX &&
        (v->col == NULL || v->col->format == SC_FMT_NATIVE)) {
        const void *data = v->len > 0 ? v->p : "";

        if (b->buffer != data)
            s->params_bound = false;
        b->buffer = (void *)data;
        p->length = (unsigned long)v->len;
        b->buffer_length = p->length;
        return SC_OK;
    }
    return bind_whole(s, b, p, v, why);
}

/* ---------------------------------------------------------------------
 * Running.
 * ------------------------------------------------------------------- */

/* Grows the buffers of the columns whose values did not fit and fetches
 * those again. */
static int refetch(my_stmt *s)
{
    MYSQL_BIND b;
    my_col *col;
    char *p;
    unsigned i;

    for (i = 0; i < s->nfields; i++) {
        col = &s->cols[i];
        if (col->cls != CLASS_BYTES || col->is_null ||
            col->length < col->cap)
            continue;
        p = sc__realloc(col->buf, (size_t)col->length + 1);
        if (p == NULL)
            return nomem(s->c);
        col->buf = p;
        col->cap = (size_t)col->length + 1;
        bind_column(s, i);
        s->rebind = true;
        b = s->results[i];
        if (mysql_stmt_fetch_column(s->st, &b, i, 0) != 0)
            return stmt_error(s);
    }
    return SC_OK;
}

/* The end of a fetch that gave no plain row (rc, not 0): a value that
 * did not fit its buffer, which is grown and fetched again, the end of
 * the rows, or a failure. */
SC__NOINLINE static int fetch_rest(my_stmt *s, int rc)
{
    if (rc == MYSQL_DATA_TRUNCATED)
        return (rc = refetch(s)) != SC_OK ? rc : SC__ROW;
    if (s->c->stream == s)
        s->c->stream = NULL;
    return rc == MYSQL_NO_DATA ? SC__DONE : stmt_error(s);
}

/* The next row from the wire into the columns' storage.  A buffer's
 * value is ended with its NUL where it is read (my_column(),
 * my_read_row(), my_read_plan()): the buffer always has room for it. */
static inline int wire_fetch(my_stmt *s)
{
    int rc;

    if (s->rebind) {
        if (mysql_stmt_bind_result(s->st, s->results) != 0)
            return stmt_error(s);
        s->rebind = false;
    }
    rc = mysql_stmt_fetch(s->st);
    return rc == 0 ? SC__ROW : fetch_rest(s, rc);
}

/* Frees the buffers of the row that was current when the stream went to
 * its file. */
static void drop_held(my_stmt *s)
{
    unsigned i;

    for (i = 0; s->held != NULL && i < s->nfields; i++) {
        sc__free(s->held[i]);
        s->held[i] = NULL;
    }
}

/* Writes the current row to f: per column a null flag, then the value
 * in its storage form (bytes with their length first). */
static bool spill_row(my_stmt *s, FILE *f)
{
    const my_col *col;
    unsigned i;
    bool ok = true;

    for (i = 0; ok && i < s->nfields; i++) {
        col = &s->cols[i];
        ok = fwrite(&col->is_null, sizeof col->is_null, 1, f) == 1;
        if (!ok || col->is_null)
            continue;
        switch (col->cls) {
        case CLASS_INT:
        case CLASS_FLOAT:
        case CLASS_DOUBLE:
            ok = fwrite(&col->num, sizeof col->num, 1, f) == 1;
            break;
        case CLASS_TIME:
            ok = fwrite(&col->tm, sizeof col->tm, 1, f) == 1;
            break;
        case CLASS_BYTES:
            ok = fwrite(&col->length, sizeof col->length, 1, f) == 1 &&
                 (col->length == 0 ||
                  fwrite(col->buf, col->length, 1, f) == 1);
            break;
        }
    }
    return ok;
}

/* Reads the next row of the stream's file into the columns' storage. */
static int unspill_row(my_stmt *s)
{
    FILE *f = s->spill;
    my_col *col;
    unsigned i;
    int ch = getc(f);

    drop_held(s);
    if (ch == EOF)
        return SC__DONE;
    ungetc(ch, f);
    for (i = 0; i < s->nfields; i++) {
        col = &s->cols[i];
        if (fread(&col->is_null, sizeof col->is_null, 1, f) != 1)
            goto broken;
        if (col->is_null)
            continue;
        switch (col->cls) {
        case CLASS_INT:
        case CLASS_FLOAT:
        case CLASS_DOUBLE:
            if (fread(&col->num, sizeof col->num, 1, f) != 1)
                goto broken;
            break;
        case CLASS_TIME:
            if (fread(&col->tm, sizeof col->tm, 1, f) != 1)
                goto broken;
            break;
        case CLASS_BYTES:
            if (fread(&col->length, sizeof col->length, 1, f) != 1)
                goto broken;
            if (col->cap < (size_t)col->length + 1) {
                char *p = sc__realloc(col->buf, (size_t)col->length + 1);

                if (p == NULL)
                    return nomem(s->c);
                col->buf = p;
                col->cap = (size_t)col->length + 1;
                s->rebind = true;
            }
            if (col->length > 0 &&
                fread(col->buf, col->length, 1, f) != 1)
                goto broken;
            col->buf[col->length] = '\0';
            break;
        }
    }
    return SC__ROW;
broken:
    set_error(s->c, SC_ERROR, SC_ERROR,
              "the rest of a stream could not be read back from its "
              "temporary file");
    return SC_ERROR;
}

/*
 * Reads the rest of stream s from the wire into a temporary file, so
 * that the connection is free, in constant memory.  The row being read
 * keeps its buffers (the caller may still point at its text) until the
 * next step; the rest is read into new ones.
 */
static int spill(my_stmt *s)
{
    FILE *f;
    unsigned i;
    int rc;

    s->c->stream = NULL;
    if (s->held == NULL &&
        (s->held = sc__zalloc(s->nfields, sizeof *s->held)) == NULL)
        return nomem(s->c);
    f = tmpfile();
    if (f == NULL) {
        set_error(s->c, SC_ERROR, SC_ERROR,
                  "no temporary file for the rest of a stream");
        mysql_stmt_free_result(s->st);
        return SC_ERROR;
    }
    for (i = 0; i < s->nfields; i++) {
        my_col *col = &s->cols[i];

        if (col->cls != CLASS_BYTES)
            continue;
        s->held[i] = col->buf;
        col->buf = sc__malloc(TEXT_START);
        if (col->buf == NULL) {
            col->buf = s->held[i];
            s->held[i] = NULL;
            fclose(f);
            mysql_stmt_free_result(s->st);
            return nomem(s->c);
        }
        col->cap = TEXT_START;
        bind_column(s, i);
        s->rebind = true;
    }
    while ((rc = wire_fetch(s)) == SC__ROW) {
        if (!spill_row(s, f)) {
            set_error(s->c, SC_ERROR, SC_ERROR,
                      "the rest of a stream could not be written to its "
                      "temporary file");
            rc = SC_ERROR;
            break;
        }
    }
    if (rc != SC__DONE) {
        fclose(f);
        mysql_stmt_free_result(s->st);
        return rc;
    }
    rewind(f);
    s->spill = f;
    return SC_OK;
}

static int fetch(my_stmt *s)
{
    if (s->st == NULL)
        return text_fetch(s);
    if (s->spill != NULL)
        return unspill_row(s);
    return wire_fetch(s);
}

/* Executes s, its rows read as they arrive (unbuffered); then its first
 * row. */
static int execute(my_stmt *s)
{
    my_ulonglong n;
    unsigned nf;
    int rc;

    if (s->executed)
        my_reset(s);
    if ((rc = quiet(s->c)) != SC_OK)
        return rc;
    if (s->st == NULL)
        return text_execute(s, s->params);
    if (s->nparams > 0 && !s->params_bound) {
        if (mysql_stmt_bind_param(s->st, s->params) != 0)
            return stmt_error(s);
        s->params_bound = true;
    }
    if (mysql_stmt_execute(s->st) != 0)
        return stmt_error(s);
    s->executed = true;
    n = mysql_stmt_affected_rows(s->st);
    s->c->changes = n == (my_ulonglong)-1 ? 0 : (int64_t)n;
    s->c->insert_id = (int64_t)mysql_stmt_insert_id(s->st);
    if ((nf = mysql_stmt_field_count(s->st)) == 0)
        return SC__DONE;
    s->has_result = true;
    if (s->nfields != nf) {
        set_error(s->c, SC_ERROR, SC_ERROR,
                  "the statement's result changed shape since it was "
                  "prepared");
        return SC_ERROR;
    }
    /* the rows are read as they arrive, no copy of the result made
     * first; quiet() spills them when another statement comes first */
    s->c->stream = s;
    /* The columns stay bound from one execution to the next, unless the
     * result's metadata came anew and the library dropped the binding
     * with it (mysql_stmt_fetch() would then fill nothing in). */
    if (!s->st->bind_result_done)
        s->rebind = true;
    /* from the wire: the reset before left no spilled rows */
    return wire_fetch(s);
}

/* ---------------------------------------------------------------------
 * prepare=off: no statement prepared on the server.  A statement keeps
 * its text and where its placeholders are; each execution writes the
 * values bound (as for the binary protocol, in my_bind()) into the text
 * as literals and sends it with mysql_real_query(): integers as they
 * are, floats as DOUBLE literals of 17 digits (a float32 exactly, as the
 * double it widens to), a numeric's decimal text as a DECIMAL literal,
 * dates and timestamps as DATE'...' and TIMESTAMP'...' with their
 * microseconds, text escaped by mysql_real_escape_string() (the
 * connection's utf8mb4; backslashes escape, as the session has them),
 * bytes as X'..' hex.  Results come as text and are read into the same
 * column storage as the binary protocol's, each value parsed from the
 * server's exact form (a double in its shortest form that reads back
 * the same; a float32 column is read as a DOUBLE, see my_put_read()).
 * A stream's rows are stored on the client at its execution.
 * ------------------------------------------------------------------- */

/* Finds the '?' placeholders of sql outside quotes. */
static int text_prepare(my_stmt *s, const char *sql)
{
    size_t n = strlen(sql), i, k = 0;
    char q = 0;

    written_table(sql, s->table, sizeof s->table);
    s->sql = dup_n(sql, n);
    s->marks = sc__zalloc(n + 1, sizeof *s->marks);
    if (s->sql == NULL || s->marks == NULL)
        return nomem(s->c);
    for (i = 0; i < n; i++) {
        if (q != 0) {
            if (sql[i] == '\\' && q == '\'' && i + 1 < n)
                i++;
            else if (sql[i] == q)
                q = 0; /* a doubled quote closes and opens again */
        } else if (sql[i] == '\'' || sql[i] == '"' || sql[i] == '`') {
            q = sql[i];
        } else if (sql[i] == '?') {
            s->marks[k++] = i;
        }
    }
    s->nparams = (unsigned)k;
    s->params = sc__zalloc(k, sizeof *s->params);
    s->pdata = sc__zalloc(k, sizeof *s->pdata);
    if (s->params == NULL || s->pdata == NULL)
        return nomem(s->c);
    for (i = 0; i < k; i++)
        s->params[i].buffer_type = MYSQL_TYPE_NULL;
    return SC_OK;
}

/* Whether t (n bytes) is a plain decimal number: [-]digits[.digits]. */
static bool plain_number(const char *t, size_t n)
{
    size_t i = t[0] == '-', digits = 0, points = 0;

    for (; i < n; i++) {
        if (t[i] == '.' && points++ == 0 && digits > 0)
            continue;
        if (t[i] < '0' || t[i] > '9')
            return false;
        digits++;
    }
    return digits > 0 && t[n - 1] != '.';
}

/* Writes the value b holds as an SQL literal. */
static void put_literal(my_conn *c, sc__buf *out, const MYSQL_BIND *b)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = b->buffer;
    const MYSQL_TIME *t = b->buffer;
    size_t n = b->length != NULL ? *b->length : b->buffer_length, i;
    char *e;

    switch (b->buffer_type) {
    case MYSQL_TYPE_NULL:
        sc__buf_puts(out, "NULL");
        return;
    case MYSQL_TYPE_LONGLONG:
        sc__buf_printf(out, "%lld", *(const long long *)b->buffer);
        return;
    case MYSQL_TYPE_DOUBLE:
        sc__buf_printf(out, "%.17e", *(const double *)b->buffer);
        return;
    case MYSQL_TYPE_FLOAT:
        sc__buf_printf(out, "%.17e", (double)*(const float *)b->buffer);
        return;
    case MYSQL_TYPE_DATE:
        sc__buf_printf(out, "DATE'%04u-%02u-%02u'", t->year, t->month,
                       t->day);
        return;
    case MYSQL_TYPE_DATETIME:
        sc__buf_printf(out, "TIMESTAMP'%04u-%02u-%02u %02u:%02u:%02u.%06lu'",
                       t->year, t->month, t->day, t->hour, t->minute,
                       t->second, t->second_part);
        return;
    case MYSQL_TYPE_BLOB:
        sc__buf_puts(out, "X'");
        for (i = 0; i < n; i++) {
            char two[2] = {hex[p[i] >> 4], hex[p[i] & 15]};

            sc__buf_putn(out, two, 2);
        }
        sc__buf_puts(out, "'");
        return;
    case MYSQL_TYPE_NEWDECIMAL:
        if (n > 0 && plain_number(b->buffer, n)) {
            sc__buf_putn(out, b->buffer, n);
            return;
        }
        break; /* as a string, which the server reads as it can */
    default:
        break;
    }
    e = n < ((size_t)-1 - 1) / 2 ? sc__malloc(2 * n + 1) : NULL;
    if (e == NULL) {
        out->failed = true;
        return;
    }
    n = mysql_real_escape_string(c->my, e, b->buffer, (unsigned long)n);
    sc__buf_puts(out, "'");
    sc__buf_putn(out, e, n);
    sc__buf_puts(out, "'");
    sc__free(e);
}

/* Remembers that result column i is to be read as column c. */
static bool want_column(my_stmt *s, int i, const sc_column_desc *c)
{
    const sc_column_desc **w;

    if (i < 0)
        return false;
    if ((unsigned)i >= s->nwant) {
        w = sc__realloc(s->want, ((size_t)i + 1) * sizeof *w);
        if (w == NULL)
            return false;
        memset(w + s->nwant, 0, ((size_t)i + 1 - s->nwant) * sizeof *w);
        s->want = w;
        s->nwant = (unsigned)i + 1;
    }
    s->want[i] = c;
    return true;
}

/* Takes the result's columns from res at the first execution, and
 * checks them against the columns column_fits() was asked about. */
static int text_fields(my_stmt *s)
{
    unsigned n = mysql_num_fields(s->res), i;
    MYSQL_FIELD *f = mysql_fetch_fields(s->res);

    if (s->cols != NULL) {
        if (n == s->nfields)
            return SC_OK;
        set_error(s->c, SC_ERROR, SC_ERROR,
                  "the statement's result changed shape since it was "
                  "first run");
        return SC_ERROR;
    }
    s->cols = sc__zalloc(n ? n : 1, sizeof *s->cols);
    if (s->cols == NULL)
        return nomem(s->c);
    s->nfields = n;
    for (i = 0; i < n; i++) {
        describe_col(&s->cols[i], &f[i]);
    }
    s->checked = true;
    for (i = 0; i < s->nwant; i++) {
        char found[64], msg[512];

        if (s->want[i] == NULL ||
            my_column_fits(s, (int)i, s->want[i], found, sizeof found))
            continue;
        snprintf(msg, sizeof msg,
                 "%s%s%s: stored values are %s, which the descriptor does "
                 "not read as its type",
                 s->table, s->table[0] ? "." : "", s->want[i]->name, found);
        set_error(s->c, SC_RANGE, SC_RANGE, msg);
        sc__copy_n(s->c->err.column, sizeof s->c->err.column,
                   s->want[i]->name, strlen(s->want[i]->name));
        return SC_RANGE;
    }
    return SC_OK;
}

/* Executes s with the values of params written into its text; then its
 * first row. */
static int text_execute(my_stmt *s, const MYSQL_BIND *params)
{
    my_conn *c = s->c;
    size_t at = 0;
    my_ulonglong n;
    sc__buf b = {0};
    unsigned i;
    int rc;

    for (i = 0; i < s->nparams; i++) {
        sc__buf_putn(&b, s->sql + at, s->marks[i] - at);
        put_literal(c, &b, &params[i]);
        at = s->marks[i] + 1;
    }
    sc__buf_puts(&b, s->sql + at);
    if (b.failed) {
        sc__buf_free(&b);
        return nomem(c);
    }
    rc = mysql_real_query(c->my, b.s, b.len);
    sc__buf_free(&b);
    if (rc != 0) {
        rc = conn_error(c);
        if (c->err.extended == SC_CONSTRAINT_UNIQUE ||
            c->err.extended == SC_CONSTRAINT_PRIMARYKEY)
            duplicate_columns(c, s->table);
        return rc;
    }
    s->executed = true;
    n = mysql_affected_rows(c->my);
    c->changes = n == (my_ulonglong)-1 ? 0 : (int64_t)n;
    c->insert_id = (int64_t)mysql_insert_id(c->my);
    if (mysql_field_count(c->my) == 0)
        return SC__DONE;
    s->res = mysql_store_result(c->my);
    if (s->res == NULL)
        return conn_error(c);
    s->has_result = true;
    rc = text_fields(s);
    return rc != SC_OK ? rc : text_fetch(s);
}

/* "YYYY-MM-DD[ HH:MM:SS[.ffffff]]" into t. */
static void text_time(const char *v, MYSQL_TIME *t)
{
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    unsigned long us = 0;
    const char *dot;
    int k;

    memset(t, 0, sizeof *t);
    sscanf(v, "%u-%u-%u %u:%u:%u", &y, &mo, &d, &h, &mi, &sec);
    dot = strchr(v, '.');
    if (dot != NULL) {
        for (k = 1; k <= 6; k++) {
            us *= 10;
            if (dot[k] >= '0' && dot[k] <= '9')
                us += (unsigned long)(dot[k] - '0');
            else
                while (++k <= 6)
                    us *= 10;
        }
    }
    t->year = y;
    t->month = mo;
    t->day = d;
    t->hour = h;
    t->minute = mi;
    t->second = sec;
    t->second_part = us;
}

/* The next row of the result into the columns' storage. */
static int text_fetch(my_stmt *s)
{
    MYSQL_ROW row = mysql_fetch_row(s->res);
    unsigned long *len;
    my_col *col;
    unsigned i;

    if (row == NULL)
        return mysql_errno(s->c->my) != 0 ? conn_error(s->c) : SC__DONE;
    len = mysql_fetch_lengths(s->res);
    for (i = 0; i < s->nfields; i++) {
        col = &s->cols[i];
        col->is_null = row[i] == NULL;
        if (col->is_null)
            continue;
        switch (col->cls) {
        case CLASS_INT:
            col->num.i = col->flags & UNSIGNED_FLAG
                             ? (long long)strtoull(row[i], NULL, 10)
                             : strtoll(row[i], NULL, 10);
            break;
        case CLASS_FLOAT:
            col->num.f = (float)sc__float_parse(row[i], NULL);
            break;
        case CLASS_DOUBLE:
            col->num.d = sc__float_parse(row[i], NULL);
            break;
        case CLASS_TIME:
            text_time(row[i], &col->tm);
            break;
        case CLASS_BYTES:
            if (col->cap < (size_t)len[i] + 1) {
                char *p = sc__realloc(col->buf, (size_t)len[i] + 1);

                if (p == NULL)
                    return nomem(s->c);
                col->buf = p;
                col->cap = (size_t)len[i] + 1;
            }
            memcpy(col->buf, row[i], len[i]);
            col->buf[len[i]] = '\0';
            col->length = len[i];
            break;
        }
    }
    return SC__ROW;
}

/* ---------------------------------------------------------------------
 * Batches.  The executions queued by pipeline_send() keep copies of
 * their values; a flush or sync runs those not run yet: consecutive
 * inserts of one statement as multi-row INSERTs of up to BATCH_ROWS rows
 * (and fewer than max_params values, in a packet well under
 * max_allowed_packet), consecutive updates or deletes of one statement
 * with array binding (STMT_ATTR_ARRAY_SIZE: BATCH_ROWS executions in
 * one message, their values copied into the arrays as they are queued:
 * see my_rows), the rest one by one.  A multi-row INSERT that fails
 * changes nothing (InnoDB undoes the statement), and its rows then run
 * one by one, so that the failure is the failing row's own, with the
 * rows before it done.  An array of updates or deletes that fails, or
 * changes fewer rows than it has (a key not found), tells neither which
 * row nor what the rows before it did: its first row's outcome is
 * SC__REDO, and the core runs the batch again one statement at a time.
 * The outcomes are read in order.
 * ------------------------------------------------------------------- */

#define BATCH_ROWS 256
/* The bytes of values a multi-row INSERT sends at most. */
#define BATCH_BYTES (4u << 20)

/* The room a block of queued values starts with: a few hundred
 * executions' worth. */
#define SLAB_BYTES (64u << 10)

/* The bytes of an array block (see my_rows) kept between batches, for
 * an UPDATE or DELETE of a few columns. */
#define ROWS_KEPT (48u << 10)

/* The parameters an array block has room for at most: a statement with
 * more runs one execution at a time. */
#define ROWS_PARAMS 64

/* A block of the memory the queued executions' values are copied into,
 * a piece per execution: taken by moving a mark, given back a block at
 * a time, when no execution in it is left (the newest block is then
 * used again from its start). */
typedef struct my_slab {
    struct my_slab *next;    /* the block before, or NULL */
    size_t used, cap;        /* bytes of mem */
    size_t live;             /* executions in it not dropped yet */
    max_align_t mem[];
} my_slab;

/*
 * The executions of an UPDATE or DELETE queued for one execution with
 * array binding, their values written column by column as they are
 * queued: parameter i's at i * BATCH_ROWS of each array, a value of
 * fixed width (long long, double, float) in fixed, any other copied to
 * bytes, which ptr points into when the block runs (bytes may move as
 * it grows: off keeps where each value starts).  A block takes the
 * executions of one statement until it is full, runs, or a value's type
 * differs from its parameter's; it is used again once the outcomes of
 * all its executions were read.
 */
typedef struct my_rows {
    struct my_rows *next;    /* every block of the batch */
    struct my_stmt *s;       /* whose executions; NULL when free */
    unsigned np, rows;       /* parameters it has room for; rows held */
    bool ran;
    size_t live;             /* executions in it not dropped yet */
    size_t size;             /* of the block, bytes aside */
    MYSQL_BIND *b;           /* each parameter's, its type set by the
                              * first value that is not NULL */
    unsigned char *fixed;
    void **ptr;
    size_t *off;
    unsigned long *len;
    char *ind;
    uint64_t nulls;          /* bit i set: parameter i holds a NULL */
    uint64_t copied;         /* bit i set: parameter i has values in
                              * bytes, which ptr points at once run */
    char *bytes;
    size_t nbytes, cap;      /* of bytes */
    size_t wire;             /* bytes of the values that point into the
                              * caller's rows (ROW_TEXT) */
} my_rows;

/* The off of a text value of an array block that points into the
 * caller's row, which stays as it is until its outcome is read, rather
 * than into the block's bytes. */
#define ROW_TEXT (SIZE_MAX - 1)

/* One execution queued, or the executions an array block holds, in
 * the order they were queued (count of them). */
typedef struct my_queued {
    my_stmt *s;
    size_t count;
    size_t pb;               /* its binds, from p->binds[pb] on, which
                              * point at its values, in data */
    unsigned long *lengths;
    char *data;
    my_slab *slab;           /* where params, lengths and data are */
    my_rows *blk;            /* or the array block its values are in */
    size_t bytes;
    /* SC__DONE or the error (of an array block's first execution, the
     * others then not run); 0: not run */
    int rc;
    int64_t changes, insert_id; /* of each of its executions */
} my_queued;

typedef struct my_pipe {
    my_queued *q;
    size_t n, cap, run, next; /* entries queued, run, read */
    size_t sub;               /* executions of q[next] read */
    my_slab *slab;            /* the newest block */
    my_rows *blocks;          /* the array blocks */
    /* The binds of the queued executions that have their own, in the
     * order queued: those of consecutive inserts are the binds of their
     * multi-row form as they are */
    MYSQL_BIND *binds;
    size_t nbinds, bcap;
} my_pipe;

/* n bytes, aligned for any value, from the newest block of p, or from a
 * new one when it lacks the room; NULL when memory ran out. */
static void *slab_take(my_pipe *p, size_t n, my_slab **from)
{
    const size_t align = _Alignof(max_align_t);
    my_slab *b = p->slab;
    char *m;

    n = (n + align - 1) / align * align;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > SLAB_BYTES ? n : SLAB_BYTES;

        if ((b = sc__malloc(sizeof *b + cap)) == NULL)
            return NULL;
        b->next = p->slab;
        b->used = 0;
        b->cap = cap;
        b->live = 0;
        p->slab = b;
    }
    m = (char *)b->mem + b->used;
    b->used += n;
    b->live++;
    *from = b;
    return m;
}

/* Gives an execution's piece of block b back. */
static void slab_give(my_pipe *p, my_slab *b)
{
    my_slab **at;

    if (--b->live > 0)
        return;
    if (b == p->slab) {
        b->used = 0;
        return;
    }
    for (at = &p->slab; *at != b; at = &(*at)->next)
        ;
    *at = b->next;
    sc__free(b);
}

static void queued_free(my_pipe *p, my_queued *e)
{
    if (e->slab != NULL)
        slab_give(p, e->slab);
    e->slab = NULL;
    if (e->blk != NULL && --e->blk->live == 0)
        e->blk->s = NULL;
    e->blk = NULL;
}

static void rows_free(my_rows *r)
{
    if (r != NULL)
        sc__free(r->bytes);
    sc__free(r);
}

static void pipe_free(my_pipe *p)
{
    my_slab *b, *next;

    if (p == NULL)
        return;
    for (b = p->slab; b != NULL; b = next) {
        next = b->next;
        sc__free(b);
    }
    while (p->blocks != NULL) {
        my_rows *r = p->blocks;

        p->blocks = r->next;
        rows_free(r);
    }
    sc__free(p->q);
    sc__free(p->binds);
    sc__free(p);
}

/* A batch starts with the memory the last one left (its queue, its
 * newest block, an array block), so that a batch of a few hundred rows
 * allocates nothing once the connection has run one of that size. */
static int my_pipeline_begin(void *conn)
{
    my_conn *c = conn;

    pipe_free(c->pipe);
    c->pipe = c->spare != NULL ? c->spare : sc__zalloc(1, sizeof *c->pipe);
    c->spare = NULL;
    return c->pipe != NULL ? SC_OK : nomem(c);
}

/* The bytes of the value b points at. */
static size_t bound_size(const MYSQL_BIND *b)
{
    switch (b->buffer_type) {
    case MYSQL_TYPE_NULL:
        return 0;
    case MYSQL_TYPE_LONGLONG:
        return sizeof(long long);
    case MYSQL_TYPE_DOUBLE:
        return sizeof(double);
    case MYSQL_TYPE_FLOAT:
        return sizeof(float);
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_DATETIME:
        return sizeof(MYSQL_TIME);
    default:
        return b->length != NULL ? *b->length : b->buffer_length;
    }
}

/* The width of a value of type t in an array of them, for the fixed
 * types; 0 for those bound as an array of pointers (see my_rows). */
static size_t fixed_width(enum enum_field_types t)
{
    switch (t) {
    case MYSQL_TYPE_LONGLONG:
        return sizeof(long long);
    case MYSQL_TYPE_DOUBLE:
        return sizeof(double);
    case MYSQL_TYPE_FLOAT:
        return sizeof(float);
    default:
        return 0;
    }
}

static size_t round8(size_t n)
{
    return (n + 7) / 8 * 8;
}

/* A free array block of p for s's executions, or a new one; NULL when
 * memory ran out. */
static my_rows *rows_take(my_pipe *p, my_stmt *s)
{
    const size_t align = _Alignof(max_align_t);
    unsigned np = s->nparams, i;
    size_t cells, size;
    my_rows *r;
    char *m;

    for (r = p->blocks; r != NULL; r = r->next) {
        if (r->s == NULL && r->np >= np)
            break;
    }
    if (r == NULL) {
        cells = (size_t)np * BATCH_ROWS;
        size = (sizeof *r + align - 1) / align * align +
               round8(np * sizeof *r->b) + cells * sizeof(double) +
               round8(cells * sizeof *r->ptr) +
               round8(cells * sizeof *r->off) +
               round8(cells * sizeof *r->len) + cells;
        if ((m = sc__malloc(size)) == NULL)
            return NULL;
        r = (my_rows *)(void *)m;
        memset(r, 0, sizeof *r);
        r->np = np;
        r->size = size;
        m += (sizeof *r + align - 1) / align * align;
        r->b = (MYSQL_BIND *)(void *)m;
        m += round8(np * sizeof *r->b);
        r->fixed = (unsigned char *)m;
        m += cells * sizeof(double);
        r->ptr = (void **)(void *)m;
        m += round8(cells * sizeof *r->ptr);
        r->off = (size_t *)(void *)m;
        m += round8(cells * sizeof *r->off);
        r->len = (unsigned long *)(void *)m;
        m += round8(cells * sizeof *r->len);
        r->ind = m;
        r->next = p->blocks;
        p->blocks = r;
    }
    r->s = s;
    r->rows = 0;
    r->ran = false;
    r->live = 0;
    r->nbytes = 0;
    r->wire = 0;
    r->nulls = 0;
    r->copied = 0;
    memset(r->b, 0, np * sizeof *r->b);
    for (i = 0; i < np; i++)
        r->b[i].buffer_type = MYSQL_TYPE_NULL;
    return r;
}

/* The next entry of p's queue, for s, zeroed but for its statement; NULL
 * when memory ran out.  It is queued once p->n counts it. */
static my_queued *pipe_push(my_pipe *p, my_stmt *s)
{
    my_queued *e;

    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        my_queued *q = sc__realloc(p->q, cap * sizeof *q);

        if (q == NULL)
            return NULL;
        p->q = q;
        p->cap = cap;
    }
    e = &p->q[p->n];
    memset(e, 0, sizeof *e);
    e->s = s;
    e->count = 1;
    return e;
}

/* The array block of s's executions that takes one whose parameters
 * have the types ty (MYSQL_TYPE_NULL for a NULL) and whose values of
 * no fixed width take bytes: that of the execution queued last, or a
 * new one; NULL when memory ran out. */
static my_rows *rows_room(my_stmt *s, my_pipe *p,
                          const enum enum_field_types *ty, size_t bytes)
{
    my_rows *r = p->n > 0 ? p->q[p->n - 1].blk : NULL;
    unsigned i;

    if (r != NULL && (r->s != s || r->ran || r->rows == BATCH_ROWS ||
                      r->nbytes + r->wire + bytes > BATCH_BYTES))
        r = NULL;
    for (i = 0; r != NULL && i < s->nparams; i++) {
        if (ty[i] != MYSQL_TYPE_NULL &&
            r->b[i].buffer_type != MYSQL_TYPE_NULL &&
            r->b[i].buffer_type != ty[i])
            r = NULL;
    }
    if (r == NULL && (r = rows_take(p, s)) == NULL)
        return NULL;
    if (r->cap - r->nbytes < bytes) {
        size_t cap = r->cap > 0 ? r->cap * 2 : 4096;
        char *m;

        if (cap < r->nbytes + bytes)
            cap = r->nbytes + bytes;
        if ((m = sc__realloc(r->bytes, cap)) == NULL)
            return NULL;
        r->bytes = m;
        r->cap = cap;
    }
    return r;
}

/* Writes parameter i of the next row of r: the n bytes at v, of type t
 * (none for a NULL). */
static void rows_put(my_rows *r, unsigned i, enum enum_field_types t,
                     const void *v, size_t n)
{
    size_t at = (size_t)i * BATCH_ROWS + r->rows, w;

    if (t == MYSQL_TYPE_NULL) {
        r->ind[at] = STMT_INDICATOR_NULL;
        r->ptr[at] = NULL;
        r->len[at] = 0;
        r->nulls |= UINT64_C(1) << i;
        return;
    }
    r->b[i].buffer_type = t;
    r->ind[at] = STMT_INDICATOR_NONE;
    if ((w = fixed_width(t)) > 0) {
        memcpy(r->fixed + (size_t)i * BATCH_ROWS * sizeof(double) +
                   r->rows * w,
               v, w);
        return;
    }
    r->len[at] = (unsigned long)n;
    r->off[at] = n > 0 ? r->nbytes : SIZE_MAX;
    r->copied |= UINT64_C(1) << i;
    if (n > 0) {
        memcpy(r->bytes + r->nbytes, v, n);
        r->nbytes += round8(n);
    }
}

/* Ends the queuing of the rows r took from row first on: they join the
 * entry of r's rows queued last, or e when there is none (e, from
 * pipe_push(), is then queued). */
static void rows_queued(my_pipe *p, my_rows *r, unsigned first,
                        my_queued *e)
{
    my_queued *last = p->n > 0 ? &p->q[p->n - 1] : NULL;

    if (first == r->rows)
        return;
    if (last != NULL && last->blk == r) {
        last->count += r->rows - first;
        return;
    }
    memset(e, 0, sizeof *e);
    e->s = r->s;
    e->blk = r;
    e->count = r->rows - first;
    r->live++;
    p->n++;
}

/* Whether s's executions go in array blocks. */
static bool rows_bound(const my_stmt *s)
{
    return s->bulk && s->st != NULL && s->nparams > 0 &&
           s->nparams <= ROWS_PARAMS;
}

/* Queues e, an execution of the UPDATE or DELETE s, with the values
 * bound now, in an array block. */
static int send_rows(my_stmt *s, my_pipe *p, my_queued *e)
{
    enum enum_field_types ty[ROWS_PARAMS];
    unsigned np = s->nparams, i;
    size_t bytes = 0;
    my_rows *r;

    for (i = 0; i < np; i++) {
        ty[i] = s->params[i].buffer_type;
        if (ty[i] != MYSQL_TYPE_NULL && fixed_width(ty[i]) == 0)
            bytes += round8(bound_size(&s->params[i]));
    }
    if ((r = rows_room(s, p, ty, bytes)) == NULL)
        return nomem(s->c);
    for (i = 0; i < np; i++)
        rows_put(r, i, ty[i], s->params[i].buffer, bound_size(&s->params[i]));
    r->rows++;
    rows_queued(p, r, r->rows - 1, e);
    return SC_OK;
}

/* Whether parameter column c is one my_pipeline_send_row() reads from
 * the row itself: a BIGINT, or text, kept as schemac keeps them, with no
 * has_ flag. */
static bool row_int(const sc_column_desc *c)
{
    return c->type == SC_TYPE_INT64 && c->format == SC_FMT_NATIVE &&
           !(c->flags & SC_COL_HASFLAG);
}

static bool row_text(const sc_column_desc *c)
{
    return (c->type == SC_TYPE_TEXT || c->type == SC_TYPE_JSON) &&
           c->format == SC_FMT_NATIVE && !(c->flags & SC_COL_HASFLAG);
}

/* A parameter of an UPDATE or DELETE whose value my_pipeline_send_rows()
 * reads from the row itself. */
typedef struct row_param {
    size_t offset;           /* of the field */
    bool text;               /* text, else a BIGINT */
    bool key;                /* a key's: never NULL */
} row_param;

/* The parameters rp[0..np) of the columns upd[0..nupd) and then of t's
 * key; false when one is not a column row_int() or row_text() takes. */
static bool row_params(const sc_table_desc *t, const unsigned *upd,
                       unsigned nupd, unsigned np, row_param *rp)
{
    const sc_column_desc *c;
    unsigned i;

    for (i = 0; i < np; i++) {
        c = &t->cols[i < nupd ? upd[i] : t->pk[i - nupd]];
        if (!row_int(c) && !row_text(c))
            return false;
        rp[i].offset = c->offset;
        rp[i].text = row_text(c);
        rp[i].key = i >= nupd;
    }
    return true;
}

/* The bytes of rows[0..m) of r, from its row count on, that point into
 * the caller's rows: the first m of them, up to BATCH_BYTES in all with
 * the block's, one row at least; *m is cut to the rows that fit. */
static size_t rows_wire(const my_rows *r, const row_param *rp, unsigned np,
                        size_t *m)
{
    size_t wire = r->wire, w, j;
    unsigned i;

    for (j = 0; j < *m; j++) {
        for (i = 0, w = 0; i < np; i++) {
            if (rp[i].text)
                w += r->len[(size_t)i * BATCH_ROWS + r->rows + j];
        }
        if (r->rows + j > 0 && r->nbytes + wire + w > BATCH_BYTES) {
            *m = j;
            break;
        }
        wire += w;
    }
    return wire;
}

/* put_rows() of text parameter i, its field at f in the first row, a
 * key's when key: the rows written, up to one that is the core's (*core
 * then true); *bytes grows by their bytes. */
static size_t put_texts(my_rows *r, unsigned i, bool key, const char *f,
                        size_t size, size_t m, size_t *bytes, bool *core)
{
    size_t at = (size_t)i * BATCH_ROWS + r->rows, j, n, sum = 0;
    void **ptr = r->ptr + at;
    size_t *off = r->off + at;
    unsigned long *len = r->len + at;
    char *ind = r->ind + at;
    bool nulls = false;
    const char *text;

    for (j = 0; j < m; j++, f += size) {
        memcpy(&text, f, sizeof text);
        if (text == NULL) {
            if (key)
                break; /* a NULL key: the core's error */
            ind[j] = STMT_INDICATOR_NULL;
            ptr[j] = NULL;
            len[j] = 0;
            nulls = true;
            continue;
        }
        n = strlen(text);
        if (n > ULONG_MAX || !sc__utf8_valid((const unsigned char *)text, n))
            break;
        ptr[j] = (void *)(uintptr_t)text;
        off[j] = ROW_TEXT;
        len[j] = (unsigned long)n;
        ind[j] = STMT_INDICATOR_NONE;
        sum += n;
    }
    if (nulls)
        r->nulls |= UINT64_C(1) << i;
    *core = j < m;
    *bytes += sum;
    return j;
}

/*
 * Writes the values of parameters rp[0..np) of rows[0..m) (size bytes
 * apart) as the next rows of r, column by column, straight from the
 * rows (a text pointed at where it is, ROW_TEXT), up to a row whose key
 * is NULL or whose text is not valid UTF-8, which the core binds (the
 * checks of its binding, sc__key_value() and sc__check_value()), *core
 * then true.  Returns the rows written, fewer when the block had no
 * room for more bytes (or none, for values of other types); r's row
 * count is the caller's to move on.
 */
static size_t put_rows(my_rows *r, const row_param *rp, unsigned np,
                       const char *rows, size_t size, size_t m, bool *core)
{
    enum enum_field_types want;
    size_t at, j, bytes = 0;
    const char *f;
    bool texts = false, cut;
    unsigned i;

    *core = false;
    for (i = 0; i < np; i++) {
        want = rp[i].text ? MYSQL_TYPE_STRING : MYSQL_TYPE_LONGLONG;
        if (r->b[i].buffer_type != want &&
            r->b[i].buffer_type != MYSQL_TYPE_NULL)
            return 0;
    }
    for (i = 0; i < np && m > 0; i++) {
        at = (size_t)i * BATCH_ROWS + r->rows;
        f = rows + rp[i].offset;
        r->b[i].buffer_type =
            rp[i].text ? MYSQL_TYPE_STRING : MYSQL_TYPE_LONGLONG;
        if (!rp[i].text) {
            unsigned char *to = r->fixed + at * sizeof(long long);

            for (j = 0; j < m; j++, f += size, to += sizeof(long long))
                memcpy(to, f, sizeof(long long));
            memset(r->ind + at, STMT_INDICATOR_NONE, m);
            continue;
        }
        texts = true;
        /* the core's row, if any, and those after it are not written */
        m = put_texts(r, i, rp[i].key, f, size, m, &bytes, &cut);
        *core = *core || cut;
    }
    /* the bytes of rows past a cut counted too: all fit, as a rule */
    if (texts && r->nbytes + r->wire + bytes <= BATCH_BYTES) {
        r->wire += bytes;
    } else if (texts) {
        j = m;
        r->wire = rows_wire(r, rp, np, &m);
        if (m < j)
            *core = false; /* the next row goes in another block */
    }
    return m;
}

/*
 * Queues executions of the UPDATE or DELETE stmt of t for rows[0..n)
 * (size bytes apart), each with the values of its columns upd[0..nupd)
 * and then of its key, read straight from the row into array blocks by
 * put_rows(); the rows stay as they are until their outcomes are read.
 * *queued receives how many rows, from the first, were queued: fewer
 * than n when the next is one put_rows() leaves to the core, none when
 * the statement's parameters are not all columns it reads.
 */
static int my_pipeline_send_rows(void *stmt, const sc_table_desc *t,
                                 const unsigned *upd, unsigned nupd,
                                 const void *rows, size_t size, size_t n,
                                 size_t *queued)
{
    my_stmt *s = stmt;
    my_pipe *p = s->c->pipe;
    row_param rp[ROWS_PARAMS];
    my_queued *e = NULL;
    size_t k = 0, m;
    my_rows *r;
    unsigned first;
    bool core = false;

    *queued = 0;
    if (p == NULL || !rows_bound(s) || nupd + t->npk != s->nparams ||
        !row_params(t, upd, nupd, s->nparams, rp))
        return SC_OK;
    r = p->n > 0 ? p->q[p->n - 1].blk : NULL;
    if (r != NULL && (r->s != s || r->ran || r->rows == BATCH_ROWS))
        r = NULL;
    while (k < n) {
        if (r == NULL && (r = rows_take(p, s)) == NULL)
            break;
        first = r->rows;
        m = n - k < BATCH_ROWS - first ? n - k : BATCH_ROWS - first;
        m = put_rows(r, rp, s->nparams, (const char *)rows + k * size, size,
                     m, &core);
        r->rows += (unsigned)m;
        k += m;
        if (m > 0 && r != (p->n > 0 ? p->q[p->n - 1].blk : NULL) &&
            (e = pipe_push(p, s)) == NULL) {
            k -= m; /* not queued */
            r->rows = first;
            if (r->rows == 0)
                r->s = NULL;
            r = NULL;
            break;
        }
        rows_queued(p, r, first, e);
        if (r->rows == 0)
            r->s = NULL; /* a block taken for nothing */
        if (core || r->rows == 0)
            break; /* the next row is the core's */
        r = NULL;
    }
    *queued = k;
    return k < n && r == NULL ? nomem(s->c) : SC_OK;
}

/* The outcomes of the next executions queued, up to n, as long as each
 * one ran and changed a row: their number, read at once. */
static size_t my_pipeline_done(void *stmt, size_t n)
{
    my_stmt *s = stmt;
    my_pipe *p = s->c->pipe;
    size_t k = 0, take;
    my_queued *e;

    if (p == NULL)
        return 0;
    while (k < n && p->next < p->run && p->q[p->next].rc == SC__DONE &&
           p->q[p->next].changes > 0) {
        e = &p->q[p->next];
        take = e->count - p->sub < n - k ? e->count - p->sub : n - k;
        k += take;
        s->c->changes = e->changes;
        s->c->insert_id = e->insert_id;
        if ((p->sub += take) == e->count) {
            p->next++;
            p->sub = 0;
        }
    }
    if (p->next == p->n) /* all read: the queue starts again empty */
        pipe_drop_read(p);
    return k;
}

/* Makes room in p's binds for rows more executions of np parameters. */
static bool binds_room(my_pipe *p, size_t np, size_t rows)
{
    size_t cap = p->bcap > 0 ? p->bcap : 256;
    MYSQL_BIND *b;

    if (p->bcap - p->nbinds >= np * rows)
        return true;
    while (cap - p->nbinds < np * rows)
        cap *= 2;
    if ((b = sc__realloc(p->binds, cap * sizeof *b)) == NULL)
        return false;
    p->binds = b;
    p->bcap = cap;
    return true;
}

/* Gives queued execution e its piece of p's slab, lens bytes of lengths
 * then size bytes of values (lens a multiple of 8), and its binds at the
 * end of p's; false when out of memory. */
static bool queued_piece(my_pipe *p, my_queued *e, size_t lens, size_t size)
{
    e->lengths = slab_take(p, lens + size, &e->slab);
    if (e->lengths == NULL)
        return false;
    e->data = (char *)e->lengths + lens;
    e->pb = p->nbinds;
    return true;
}

/* Queues stmt with a copy of the values bound now. */
static int my_pipeline_send(void *stmt)
{
    my_stmt *s = stmt;
    my_pipe *p = s->c->pipe;
    my_queued *e;
    size_t total = 0, at = 0, lens, k, i, np = s->nparams;
    MYSQL_BIND *b;

    if (p == NULL)
        return SC_MISUSE;
    if ((e = pipe_push(p, s)) == NULL)
        return nomem(s->c);
    if (rows_bound(s))
        return send_rows(s, p, e);
    if (!binds_room(p, np, 1))
        return nomem(s->c);
    for (i = 0; i < np; i++)
        total += round8(bound_size(&s->params[i]));
    /* one piece: the lengths, then the values, each part starting on a
     * multiple of 8 bytes */
    lens = round8(np * sizeof *e->lengths);
    if (!queued_piece(p, e, lens, total))
        return nomem(s->c);
    b = p->binds + p->nbinds;
    for (i = 0; i < np; i++) {
        k = bound_size(&s->params[i]);
        b[i] = s->params[i];
        if (s->params[i].buffer != NULL && k > 0)
            memcpy(e->data + at, s->params[i].buffer, k);
        b[i].buffer = e->data + at;
        e->lengths[i] = (unsigned long)k;
        if (s->params[i].length != NULL)
            b[i].length = &e->lengths[i];
        at += round8(k);
    }
    p->nbinds += np;
    e->bytes = total;
    p->n++;
    return SC_OK;
}

/* How my_pipeline_send_inserts() writes a parameter of an INSERT from
 * the row itself, decided once a call from its column. */
typedef enum ins_kind {
    INS_INT64,     /* a BIGINT, pointed at in the row */
    INS_INT32,     /* an int32, or a bool as 0 or 1, as a long long */
    INS_BOOL,
    INS_TEXT,      /* text or json, pointed at in the row */
    INS_NUMERIC,   /* the scaled integer as DECIMAL text */
    INS_TIMESTAMP  /* a DATETIME */
} ins_kind;

typedef struct ins_param {
    size_t offset;           /* of the field */
    size_t has_offset;       /* of its has_ flag, if has */
    size_t at;               /* of its storage in a row's data, if any */
    unsigned scale;          /* INS_NUMERIC's digits after the point */
    int64_t frac_unit;       /* INS_TIMESTAMP's unit of its fraction */
    unsigned char kind;      /* ins_kind */
    bool has;                /* the struct has a has_ flag */
    bool dflt;               /* the column has a default on insert */
} ins_param;

/* The room of a DECIMAL's text in a row's data: an int64 scaled, its
 * sign and point. */
#define INS_DECIMAL 32

/* The parameters ip[0..np) of an INSERT of t, the columns but the
 * autoincrement one; *data receives the bytes of a row's values that
 * are not in the row.  False when a column is not one the backend
 * writes itself, or the statement does not have those parameters. */
static bool ins_params(const my_stmt *s, const sc_table_desc *t,
                       ins_param *ip, size_t *data)
{
    const sc_column_desc *c;
    unsigned i, k = 0;

    *data = 0;
    for (i = 0; i < t->ncols; i++) {
        if ((int)i == t->autoinc)
            continue;
        c = &t->cols[i];
        if (k == s->nparams || c->format != SC_FMT_NATIVE)
            return false;
        ip[k].offset = c->offset;
        ip[k].has = (c->flags & SC_COL_HASFLAG) != 0;
        ip[k].has_offset = ip[k].has ? c->has_offset : 0;
        ip[k].dflt = sc__insert_default(c);
        ip[k].at = *data;
        switch (c->type) {
        case SC_TYPE_INT64:
            ip[k].kind = INS_INT64;
            break;
        case SC_TYPE_INT32:
            ip[k].kind = INS_INT32;
            *data += sizeof(long long);
            break;
        case SC_TYPE_BOOL:
            ip[k].kind = INS_BOOL;
            *data += sizeof(long long);
            break;
        case SC_TYPE_TEXT:
        case SC_TYPE_JSON:
            ip[k].kind = INS_TEXT;
            break;
        case SC_TYPE_NUMERIC:
            ip[k].kind = INS_NUMERIC;
            ip[k].scale = c->scale;
            *data += INS_DECIMAL;
            break;
        case SC_TYPE_TIMESTAMP:
            ip[k].kind = INS_TIMESTAMP;
            ip[k].frac_unit = sc__fraction_unit(maria(), c->my_type);
            *data += round8(sizeof(MYSQL_TIME));
            break;
        default:
            return false;
        }
        k++;
    }
    return k == s->nparams;
}

/* Whether the field of parameter p holds a value in row (see
 * sc__holds_value()): its has_ flag, or a text's pointer. */
static bool ins_holds(const ins_param *p, const char *row)
{
    const char *text;
    bool has;

    if (p->has) {
        memcpy(&has, row + p->has_offset, sizeof has);
        return has;
    }
    if (p->kind != INS_TEXT)
        return true;
    memcpy(&text, row + p->offset, sizeof text);
    return text != NULL;
}

/*
 * Writes bind b of parameter p from row, its value's storage at data
 * and its length at len; *bytes grows by the value's bytes.  False,
 * nothing to be sent, when the row is the core's: a column that takes
 * its default, a value the core's binding refuses (text that is not
 * UTF-8, a timestamp MariaDB cannot hold or with a finer fraction than
 * its column keeps), so that the core words the failure.
 */
static bool ins_put(MYSQL_BIND *b, const ins_param *p, const char *row,
                    char *data, unsigned long *len, size_t *bytes)
{
    const char *f = row + p->offset, *text;
    long long *n = (long long *)(void *)(data + p->at);
    MYSQL_TIME *tm;
    int64_t x;
    int32_t i32;
    bool flag;
    size_t k;

    if (!ins_holds(p, row)) {
        b->buffer_type = MYSQL_TYPE_NULL;
        return !p->dflt;
    }
    switch (p->kind) {
    case INS_INT64:
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = (void *)(uintptr_t)f;
        *bytes += sizeof(long long);
        return true;
    case INS_INT32:
        memcpy(&i32, f, sizeof i32);
        *n = i32;
        break;
    case INS_BOOL:
        memcpy(&flag, f, sizeof flag);
        *n = flag ? 1 : 0;
        break;
    case INS_TEXT:
        memcpy(&text, f, sizeof text);
        if (text == NULL) {
            b->buffer_type = MYSQL_TYPE_NULL;
            return true;
        }
        k = strlen(text);
        if (k > ULONG_MAX ||
            !sc__utf8_valid((const unsigned char *)text, k))
            return false;
        b->buffer_type = MYSQL_TYPE_STRING;
        b->buffer = (void *)(uintptr_t)(k > 0 ? text : "");
        *len = (unsigned long)k;
        b->buffer_length = *len;
        b->length = len;
        *bytes += round8(k);
        return true;
    case INS_NUMERIC:
        memcpy(&x, f, sizeof x);
        *len = (unsigned long)sc__scaled_text(x, p->scale, data + p->at);
        b->buffer_type = MYSQL_TYPE_NEWDECIMAL;
        b->buffer = data + p->at;
        b->buffer_length = *len;
        b->length = len;
        *bytes += round8(*len);
        return true;
    default: /* INS_TIMESTAMP */
        memcpy(&x, f, sizeof x);
        tm = (MYSQL_TIME *)(void *)(data + p->at);
        memset(tm, 0, sizeof *tm);
        if ((p->frac_unit > 1 && x % p->frac_unit != 0) ||
            !put_timestamp(tm, x))
            return false;
        b->buffer_type = MYSQL_TYPE_DATETIME;
        b->buffer = tm;
        *bytes += round8(sizeof *tm);
        return true;
    }
    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = n;
    *bytes += sizeof(long long);
    return true;
}

/*
 * Queues executions of the INSERT stmt of t for rows[0..n) (size bytes
 * apart), each with the values of its row's columns but the
 * autoincrement one, written by ins_put() straight into the binds a
 * multi-row INSERT takes (texts pointed at where they are); the rows
 * stay as they are until their outcomes are read.  *queued receives
 * how many rows, from the first, were queued: fewer than n when the
 * next is one ins_put() leaves to the core, none when a column is not
 * one it writes.
 */
static int my_pipeline_send_inserts(void *stmt, const sc_table_desc *t,
                                    const void *rows, size_t size, size_t n,
                                    size_t *queued)
{
    my_stmt *s = stmt;
    my_pipe *p = s->c->pipe;
    ins_param ip[ROWS_PARAMS];
    size_t np = s->nparams, data, lens, k, bytes;
    const char *row = rows;
    MYSQL_BIND *b;
    my_queued *e;
    unsigned i;

    *queued = 0;
    if (p == NULL || s->st == NULL || s->bulk || np == 0 ||
        np > ROWS_PARAMS || !ins_params(s, t, ip, &data))
        return SC_OK;
    if (!binds_room(p, np, n))
        return nomem(s->c);
    lens = round8(np * sizeof(unsigned long));
    for (k = 0; k < n; k++, row += size) {
        if ((e = pipe_push(p, s)) == NULL)
            return nomem(s->c);
        if (!queued_piece(p, e, lens, data))
            return nomem(s->c);
        b = p->binds + p->nbinds;
        memset(b, 0, np * sizeof *b);
        for (i = 0, bytes = 0; i < np; i++) {
            if (!ins_put(&b[i], &ip[i], row, e->data, &e->lengths[i],
                         &bytes))
                break;
        }
        if (i < np) { /* the core's row: not queued */
            queued_free(p, e);
            break;
        }
        e->bytes = bytes;
        p->nbinds += np;
        p->n++;
    }
    *queued = k;
    return SC_OK;
}

/* Runs one queued execution of p on its own statement. */
static int run_single(my_pipe *p, my_queued *e)
{
    my_stmt *s = e->s;
    MYSQL_BIND *params = p->binds + e->pb;
    my_ulonglong n;
    int rc;

    my_reset(s);
    if (s->st == NULL) {
        rc = text_execute(s, params);
        e->changes = s->c->changes;
        e->insert_id = s->c->insert_id;
        my_reset(s);
        return rc == SC__ROW ? SC__DONE : rc;
    }
    s->params_bound = false; /* the library now holds e's binds */
    if (s->nparams > 0 && mysql_stmt_bind_param(s->st, params) != 0)
        return stmt_error(s);
    if (mysql_stmt_execute(s->st) != 0)
        return stmt_error(s);
    s->executed = true;
    n = mysql_stmt_affected_rows(s->st);
    e->changes = n == (my_ulonglong)-1 ? 0 : (int64_t)n;
    e->insert_id = (int64_t)mysql_stmt_insert_id(s->st);
    if (mysql_stmt_field_count(s->st) != 0)
        mysql_stmt_free_result(s->st);
    return SC__DONE;
}

/* The multi-row form of s for rows rows, prepared once and kept. */
static MYSQL_STMT *multi_stmt(my_stmt *s, unsigned rows)
{
    size_t i, nslots = sizeof s->multi / sizeof s->multi[0], slot = nslots;
    sc__buf b = {0};
    MYSQL_STMT *st;

    for (i = 0; i < nslots; i++) {
        if (s->multi[i].rows == rows)
            return s->multi[i].st;
        if (s->multi[i].st == NULL && slot == nslots)
            slot = i;
    }
    if (slot == nslots) { /* every slot taken: the last is replaced */
        slot--;
        mysql_stmt_close(s->multi[slot].st);
        s->multi[slot].st = NULL;
        s->multi[slot].rows = 0;
    }
    sc__buf_puts(&b, s->insert_head);
    for (i = 0; i < rows; i++) {
        sc__buf_puts(&b, i ? ", " : "");
        sc__buf_puts(&b, s->insert_row);
    }
    st = b.failed ? NULL : mysql_stmt_init(s->c->my);
    if (st != NULL && mysql_stmt_prepare(st, b.s, b.len) != 0) {
        mysql_stmt_close(st);
        st = NULL;
    }
    sc__buf_free(&b);
    if (st != NULL) {
        s->multi[slot].rows = rows;
        s->multi[slot].st = st;
    }
    return st;
}

/* Whether the server gives a multi-row INSERT consecutive keys. */
static bool keys_consecutive(my_conn *c)
{
    MYSQL_RES *res;
    MYSQL_ROW row;

    if (c->autoinc_mode < 0) {
        c->autoinc_mode = 2;
        if (mysql_real_query(c->my, "SELECT @@innodb_autoinc_lock_mode",
                             33) == 0 &&
            (res = mysql_store_result(c->my)) != NULL) {
            row = mysql_fetch_row(res);
            if (row != NULL && row[0] != NULL)
                c->autoinc_mode = atoi(row[0]);
            mysql_free_result(res);
        }
    }
    return c->autoinc_mode != 2;
}

/* Runs q[from..from+rows) as one multi-row INSERT: 1 when it ran; 0
 * when it did not (then nothing changed), to run them one by one; -1
 * when the failure was not the values' (a deadlock, which ends the
 * transaction, a lost connection): then it is the first row's outcome. */
static int run_multi(my_pipe *p, size_t from, unsigned rows)
{
    my_stmt *s = p->q[from].s;
    MYSQL_STMT *st = multi_stmt(s, rows);
    MYSQL_BIND *all, *copy = NULL;
    size_t i, np = s->nparams, pb = p->q[from].pb;
    int64_t first;

    if (st == NULL)
        return 0;
    /* the rows' binds, queued one after the other, are those of the
     * multi-row form as they are; else copied */
    for (i = 1; i < rows && p->q[from + i].pb == pb + i * np; i++)
        ;
    all = p->binds + pb;
    if (i < rows) {
        if ((copy = sc__malloc((size_t)rows * np * sizeof *copy)) == NULL)
            return 0;
        for (i = 0; i < rows; i++)
            memcpy(copy + i * np, p->binds + p->q[from + i].pb,
                   np * sizeof *copy);
        all = copy;
    }
    if (mysql_stmt_bind_param(st, all) != 0 || mysql_stmt_execute(st) != 0) {
        unsigned n = mysql_stmt_errno(st);

        sc__free(copy);
        if (n == ER_LOCK_DEADLOCK || is_lost(n)) {
            p->q[from].rc = record(s->c, n, mysql_stmt_error(st));
            return -1;
        }
        return 0;
    }
    sc__free(copy);
    first = (int64_t)mysql_stmt_insert_id(st);
    for (i = 0; i < rows; i++) {
        p->q[from + i].rc = SC__DONE;
        p->q[from + i].changes = 1;
        p->q[from + i].insert_id = first != 0 ? first + (int64_t)i : 0;
    }
    return 1;
}

/*
 * Runs the array block of q[from], its executions, as one
 * execution of their statement with array binding: each parameter an
 * array of its values (of long long, double or float) or of pointers to
 * them, with their lengths and a NULL indicator.  Returns 1 when every
 * row changed one row; -1 otherwise, with the first one's outcome
 * SC__REDO (the others then not run) or, when the failure was not the values' (a deadlock, a lost
 * connection), that error.
 */
static int run_rows(my_pipe *p, size_t from)
{
    my_rows *r = p->q[from].blk;
    my_stmt *s = r->s;
    unsigned np = s->nparams, i, j, none = 0, size = r->rows;
    size_t at;
    my_ulonglong n;
    int rc = -1;

    r->ran = true;
    for (i = 0; i < np; i++) {
        MYSQL_BIND *b = &r->b[i];

        at = (size_t)i * BATCH_ROWS;
        if (fixed_width(b->buffer_type) > 0) {
            b->buffer = r->fixed + at * sizeof(double);
        } else {
            /* a value in bytes pointed at now that they stay put; a
             * value of the caller's (ROW_TEXT) or a NULL has its pointer
             * already */
            for (j = 0; r->copied >> i & 1 && j < size; j++) {
                if (r->ind[at + j] != STMT_INDICATOR_NONE)
                    r->ptr[at + j] = NULL;
                else if (r->off[at + j] != ROW_TEXT)
                    r->ptr[at + j] = r->off[at + j] == SIZE_MAX
                                         ? (void *)""
                                         : r->bytes + r->off[at + j];
            }
            b->buffer = r->ptr + at;
        }
        b->length = r->len + at;
        /* indicators only for a parameter that has a NULL: Connector/C
         * reads none then */
        b->u.indicator = r->nulls >> i & 1 ? r->ind + at : NULL;
    }
    my_reset(s);
    s->params_bound = false; /* the library now holds the arrays */
    if (mysql_stmt_attr_set(s->st, STMT_ATTR_ARRAY_SIZE, &size) != 0 ||
        mysql_stmt_bind_param(s->st, r->b) != 0 ||
        mysql_stmt_execute(s->st) != 0) {
        unsigned e = mysql_stmt_errno(s->st);

        p->q[from].rc = e == ER_LOCK_DEADLOCK || is_lost(e)
                            ? record(s->c, e, mysql_stmt_error(s->st))
                            : SC__REDO;
    } else {
        n = mysql_stmt_affected_rows(s->st);
        if (n == (my_ulonglong)size) {
            p->q[from].rc = SC__DONE;
            p->q[from].changes = 1;
            p->q[from].insert_id = 0;
            rc = 1;
        } else {
            p->q[from].rc = SC__REDO;
        }
    }
    mysql_stmt_attr_set(s->st, STMT_ATTR_ARRAY_SIZE, &none);
    return rc;
}

/* How many executions from q[from] go in one multi-row INSERT: 0 or 1
 * for none. */
static unsigned multi_rows(my_pipe *p, size_t from)
{
    my_stmt *s = p->q[from].s;
    unsigned max = maria()->max_params, rows = 0;
    size_t bytes = 0;

    if (s->insert_head == NULL || s->nparams == 0)
        return 0;
    while (from + rows < p->n && rows < BATCH_ROWS &&
           p->q[from + rows].s == s &&
           (max == 0 || (rows + 1) * s->nparams <= max) &&
           bytes + p->q[from + rows].bytes <= BATCH_BYTES) {
        bytes += p->q[from + rows].bytes;
        rows++;
    }
    return rows;
}

/* Drops the executions whose outcomes were read, so that a batch holds
 * what is between two flushes, whatever its size. */
static void pipe_drop_read(my_pipe *p)
{
    size_t i, lo;

    if (p->next == 0)
        return;
    for (i = 0; i < p->next; i++)
        queued_free(p, &p->q[i]);
    memmove(p->q, p->q + p->next, (p->n - p->next) * sizeof *p->q);
    p->n -= p->next;
    p->run -= p->next;
    p->next = 0;
    /* the binds of the executions left move to the front */
    for (i = 0, lo = p->nbinds; i < p->n; i++) {
        if (p->q[i].blk == NULL && p->q[i].pb < lo)
            lo = p->q[i].pb;
    }
    if (lo > 0 && lo < p->nbinds) /* binds may be NULL: none made yet */
        memmove(p->binds, p->binds + lo,
                (p->nbinds - lo) * sizeof *p->binds);
    p->nbinds -= lo;
    for (i = 0; i < p->n; i++) {
        if (p->q[i].blk == NULL)
            p->q[i].pb -= lo;
    }
}

/* Runs what is queued and not run yet, up to the first failure. */
static int pipe_run(my_conn *c)
{
    my_pipe *p = c->pipe;
    unsigned rows;
    int rc, multi;

    if (p == NULL)
        return SC_MISUSE;
    if ((rc = quiet(c)) != SC_OK)
        return rc;
    pipe_drop_read(p);
    while (p->run < p->n) {
        if (p->run > 0 && p->q[p->run - 1].rc != SC__DONE)
            return SC_OK; /* after a failure nothing more runs */
        if (p->q[p->run].blk != NULL) {
            run_rows(p, p->run);
            p->run++;
            continue;
        }
        rows = c->text ? 0 : multi_rows(p, p->run);
        multi = rows > 1 && !c->lost && keys_consecutive(c)
                    ? run_multi(p, p->run, rows)
                    : 0;
        if (multi != 0) {
            p->run += multi > 0 ? rows : 1;
            continue;
        }
        if (rows < 2)
            rows = 1;
        for (; rows > 0; rows--) {
            rc = run_single(p, &p->q[p->run]);
            p->q[p->run].rc = rc;
            p->run++;
            if (rc != SC__DONE)
                return SC_OK;
        }
    }
    return SC_OK;
}

static int my_pipeline_flush(void *conn)
{
    return pipe_run(conn);
}

static int my_pipeline_sync(void *conn)
{
    return pipe_run(conn);
}

/* The outcome of the next queued execution, which is stmt's. */
static int my_pipeline_result(void *stmt)
{
    my_stmt *s = stmt;
    my_pipe *p = s->c->pipe;
    my_queued *e;
    int rc;

    if (p == NULL || p->next >= p->run)
        return SC_MISUSE;
    e = &p->q[p->next];
    s->c->changes = e->changes;
    s->c->insert_id = e->insert_id;
    rc = e->rc;
    if (++p->sub == e->count || rc != SC__DONE) {
        /* after a block's first failure, no other of its outcomes */
        p->next++;
        p->sub = 0;
    }
    if (p->next == p->n) /* all read: the queue starts again empty */
        pipe_drop_read(p);
    return rc;
}

/* Ends the batch, its memory kept in c->spare: every block but the
 * newest given back, and that one emptied; of the array blocks, one,
 * emptied, when it and its values take at most ROWS_KEPT bytes. */
static void my_pipeline_end(void *conn)
{
    my_conn *c = conn;
    my_pipe *p = c->pipe;
    my_slab *b, *next;
    my_rows *r, *keep = NULL;

    c->pipe = NULL;
    if (p == NULL)
        return;
    /* a block made for one large value is not kept */
    if (p->slab != NULL && p->slab->cap > SLAB_BYTES) {
        b = p->slab;
        p->slab = b->next;
        sc__free(b);
    }
    if (p->slab != NULL) {
        for (b = p->slab->next; b != NULL; b = next) {
            next = b->next;
            sc__free(b);
        }
        p->slab->next = NULL;
        p->slab->used = 0;
        p->slab->live = 0;
    }
    while ((r = p->blocks) != NULL) {
        p->blocks = r->next;
        if (keep == NULL && r->size + r->cap <= ROWS_KEPT) {
            keep = r;
            keep->s = NULL;
            keep->next = NULL;
        } else {
            rows_free(r);
        }
    }
    p->blocks = keep;
    p->n = p->run = p->next = p->sub = p->nbinds = 0;
    pipe_free(c->spare);
    c->spare = p;
}

/* my_step() but for the next row of a result read from the wire. */
SC__NOINLINE static int step_other(my_stmt *s)
{
    if (!s->executed)
        return execute(s);
    if (!s->has_result)
        return SC__DONE;
    if (s->st != NULL && s->spill == NULL)
        return wire_fetch(s);
    return fetch(s);
}

static int my_step(void *stmt)
{
    my_stmt *s = stmt;
    int rc;

    if (s->executed && s->has_result && s->st != NULL && s->spill == NULL &&
        !s->rebind) { /* each row after the first, as a rule */
        rc = mysql_stmt_fetch(s->st);
        return rc == 0 ? SC__ROW : fetch_rest(s, rc);
    }
    return step_other(s);
}

static int my_stream(void *stmt, const char *sql)
{
    (void)sql;
    return execute(stmt);
}

/* ---------------------------------------------------------------------
 * Reading columns.
 * ------------------------------------------------------------------- */

static void give_int(sc_value *out, sc_value_kind kind, int64_t x)
{
    if (kind == SC_VAL_FLOAT)
        out->f = (double)x;
    else
        out->i = x;
    out->kind = kind == SC_VAL_FLOAT ? SC_VAL_FLOAT : SC_VAL_INT;
}

/* Room for 32 characters of text in the column's buffer. */
static bool text_room(my_col *col)
{
    char *p;

    if (col->cap >= 32)
        return true;
    p = sc__realloc(col->buf, 32);
    if (p == NULL)
        return false;
    col->buf = p;
    col->cap = 32;
    return true;
}

/* Date or datetime text, for raw SQL's rows, into the column's buffer. */
static int time_text(my_col *col, sc_value *out)
{
    const MYSQL_TIME *t = &col->tm;
    size_t n;

    if (!text_room(col))
        return SC_NOMEM;
    if (col->type == MYSQL_TYPE_DATE || col->type == MYSQL_TYPE_NEWDATE)
        n = (size_t)snprintf(col->buf, col->cap, "%04u-%02u-%02u", t->year,
                             t->month, t->day);
    else
        n = (size_t)snprintf(col->buf, col->cap,
                             "%04u-%02u-%02u %02u:%02u:%02u", t->year,
                             t->month, t->day, t->hour, t->minute,
                             t->second);
    if (t->second_part != 0 || (col->decimals > 0 && col->decimals <= 6 &&
                                col->type != MYSQL_TYPE_DATE))
        n += (size_t)snprintf(col->buf + n, col->cap - n, ".%06lu",
                              t->second_part);
    out->kind = SC_VAL_TEXT;
    out->p = col->buf;
    out->len = n;
    return SC_OK;
}

/* Whether col's value is a BIGINT UNSIGNED above INT64_MAX, which the
 * bind's long long holds as a negative number. */
static bool above_int64(const my_col *col)
{
    return col->type == MYSQL_TYPE_LONGLONG &&
           (col->flags & UNSIGNED_FLAG) != 0 && col->num.i < 0;
}

/* Whether col's date or datetime is a zero one ('0000-00-00', a zero
 * month or day), which some sql_modes let in and no day number is. */
static bool zero_date(const my_col *col)
{
    return col->tm.month == 0 || col->tm.day == 0;
}

/* A value with no C form of kind: its text, for raw SQL's rows (kind
 * text) and for the message of the read refused (SC_RANGE otherwise). */
static int no_c_form(my_col *col, sc_value_kind kind, sc_value *out)
{
    int rc;

    if (col->cls == CLASS_TIME) {
        rc = time_text(col, out);
    } else if (!text_room(col)) {
        rc = SC_NOMEM;
    } else {
        out->kind = SC_VAL_TEXT;
        out->p = col->buf;
        out->len = (size_t)snprintf(col->buf, col->cap, "%llu",
                                    (unsigned long long)col->num.i);
        rc = SC_OK;
    }
    if (rc == SC_OK && kind != SC_VAL_TEXT && kind != SC_VAL_BLOB)
        return SC_RANGE;
    return rc;
}

/* Reads column i as kind.  SC_RANGE: a stored value no value of kind
 * is (a BIGINT UNSIGNED above INT64_MAX, a zero date), out its text. */
static int my_column(void *stmt, int i, sc_value_kind kind, sc_value *out)
{
    my_stmt *s = stmt;
    my_col *col;

    memset(out, 0, sizeof *out);
    if (i < 0 || (unsigned)i >= s->nfields || !s->has_result ||
        kind == SC_VAL_NULL)
        return SC_OK;
    col = &s->cols[i];
    if (col->is_null)
        return SC_OK;
    switch (col->cls) {
    case CLASS_INT:
        if (above_int64(col))
            return no_c_form(col, kind, out);
        give_int(out, kind, (int64_t)col->num.i);
        break;
    case CLASS_FLOAT:
        out->kind = SC_VAL_FLOAT;
        out->f = col->num.f;
        break;
    case CLASS_DOUBLE:
        out->kind = SC_VAL_FLOAT;
        out->f = col->num.d;
        break;
    case CLASS_TIME:
        if (kind == SC_VAL_TEXT || kind == SC_VAL_BLOB || zero_date(col))
            return no_c_form(col, kind, out);
        if (col->type == MYSQL_TYPE_DATE || col->type == MYSQL_TYPE_NEWDATE)
            give_int(out, kind, sc_date_from_ymd((int)col->tm.year,
                                                 (int)col->tm.month,
                                                 (int)col->tm.day));
        else
            give_int(out, kind, get_timestamp(&col->tm));
        break;
    case CLASS_BYTES:
        col->buf[col->length] = '\0';
        out->kind = kind;
        if (kind == SC_VAL_INT)
            out->i = col->type == MYSQL_TYPE_NEWDECIMAL ||
                             col->type == MYSQL_TYPE_DECIMAL
                         ? sc__parse_scaled(col->buf, col->decimals)
                         : strtoll(col->buf, NULL, 10);
        else if (kind == SC_VAL_FLOAT)
            out->f = sc__float_parse(col->buf, NULL);
        out->p = col->buf;
        out->len = col->length;
        break;
    }
    return SC_OK;
}

/* ---------------------------------------------------------------------
 * Result types: what a column of each C type reads, checked once per
 * prepared statement.
 * ------------------------------------------------------------------- */

/* A BIGINT UNSIGNED reads too: its values above INT64_MAX are refused
 * one by one (my_column()), naming the row. */
static bool is_int_type(const my_col *f)
{
    return class_of(f->type) == CLASS_INT;
}

static bool is_string_type(const my_col *f)
{
    switch (f->type) {
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_ENUM:
    case MYSQL_TYPE_JSON:
        return true;
    default:
        return false;
    }
}

static bool is_text_type(const my_col *f)
{
    return is_string_type(f) && f->charset != BINARY_CHARSET;
}

/* A BIT(n) reads as its bytes, the highest first, as HEX() shows. */
static bool is_binary_type(const my_col *f)
{
    return (is_string_type(f) || f->type == MYSQL_TYPE_BIT) &&
           f->charset == BINARY_CHARSET;
}

static bool is_float_type(const my_col *f)
{
    return f->type == MYSQL_TYPE_FLOAT || f->type == MYSQL_TYPE_DOUBLE;
}

/* Whether values of result column f read as column c's. */
static bool type_fits(const sc_column_desc *c, const my_col *f)
{
    switch (sc__format(c)) {
    case SC_FMT_NATIVE:
        break;
    case SC_FMT_REAL:
        return is_float_type(f);
    case SC_FMT_INTEGER:
        return is_int_type(f);
    default:
        return is_text_type(f);
    }
    switch (c->type) {
    case SC_TYPE_BOOL:
    case SC_TYPE_INT16:
    case SC_TYPE_INT32:
    case SC_TYPE_INT64:
        return is_int_type(f);
    case SC_TYPE_FLOAT32:
    case SC_TYPE_FLOAT64:
        return is_float_type(f);
    case SC_TYPE_NUMERIC:
    case SC_TYPE_DECIMAL:
        return f->type == MYSQL_TYPE_NEWDECIMAL ||
               f->type == MYSQL_TYPE_DECIMAL;
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
    case SC_TYPE_ENUM:
        return is_text_type(f);
    case SC_TYPE_BYTES:
    case SC_TYPE_UUID:
        return is_binary_type(f);
    case SC_TYPE_DATE:
        return f->type == MYSQL_TYPE_DATE || f->type == MYSQL_TYPE_NEWDATE;
    case SC_TYPE_TIMESTAMP:
        return f->type == MYSQL_TYPE_DATETIME ||
               f->type == MYSQL_TYPE_TIMESTAMP;
    }
    return false;
}

static const char *type_name(const my_col *f)
{
    switch (f->type) {
    case MYSQL_TYPE_TINY:
        return "tinyint";
    case MYSQL_TYPE_SHORT:
        return "smallint";
    case MYSQL_TYPE_INT24:
        return "mediumint";
    case MYSQL_TYPE_LONG:
        return "int";
    case MYSQL_TYPE_LONGLONG:
        return f->flags & UNSIGNED_FLAG ? "bigint unsigned" : "bigint";
    case MYSQL_TYPE_YEAR:
        return "year";
    case MYSQL_TYPE_FLOAT:
        return "float";
    case MYSQL_TYPE_DOUBLE:
        return "double";
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
        return "decimal";
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
        return "date";
    case MYSQL_TYPE_DATETIME:
        return "datetime";
    case MYSQL_TYPE_TIMESTAMP:
        return "timestamp";
    case MYSQL_TYPE_TIME:
        return "time";
    case MYSQL_TYPE_BIT:
        return "bit";
    default:
        if (is_string_type(f))
            return f->charset == BINARY_CHARSET ? "a binary string"
                                                : "a text string";
        return NULL;
    }
}

static bool my_column_fits(void *stmt, int i, const sc_column_desc *c,
                           char *found, size_t size)
{
    my_stmt *s = stmt;
    const char *name;

    if (s->st == NULL && !s->checked) {
        if (want_column(s, i, c))
            return true;
        snprintf(found, size, "not known (out of memory)");
        return false;
    }
    if (i < 0 || (unsigned)i >= s->nfields) {
        snprintf(found, size, "missing from the result");
        return false;
    }
    if (type_fits(c, &s->cols[i]))
        return true;
    name = type_name(&s->cols[i]);
    if (name != NULL)
        snprintf(found, size, "%s", name);
    else
        snprintf(found, size, "of MariaDB type %d", (int)s->cols[i].type);
    return false;
}

/* A float32 column is read as the DOUBLE it widens to, exactly: the
 * text protocol (prepare=off) writes a FLOAT's value with six digits,
 * which need not read back as the same float. */
static bool my_put_read(sc__buf *b, const char *qualifier,
                        const sc_column_desc *c)
{
    if (c->type != SC_TYPE_FLOAT32 || sc__format(c) != SC_FMT_NATIVE)
        return false;
    sc__buf_puts(b, "CAST(");
    if (qualifier != NULL) {
        sc__buf_ident(b, qualifier);
        sc__buf_puts(b, ".");
    }
    sc__buf_ident(b, c->name);
    sc__buf_puts(b, " AS DOUBLE)");
    return true;
}

/* How column i, read as descriptor column c, goes into a row's field. */
static my_op_kind op_of(const sc_column_desc *c, const my_col *col)
{
    bool wide_unsigned = col->type == MYSQL_TYPE_LONGLONG &&
                         (col->flags & UNSIGNED_FLAG) != 0;

    if (c->format != SC_FMT_NATIVE)
        return OP_CAREFUL;
    switch (c->type) {
    case SC_TYPE_INT64:
        if (col->cls != CLASS_INT)
            return OP_CAREFUL;
        return wide_unsigned ? OP_UINT64 : OP_INT64;
    case SC_TYPE_INT32:
        if (col->cls != CLASS_INT)
            return OP_CAREFUL;
        return wide_unsigned ? OP_UINT32 : OP_INT32;
    case SC_TYPE_BOOL:
        return col->cls == CLASS_INT ? OP_BOOL : OP_CAREFUL;
    case SC_TYPE_TIMESTAMP:
        return col->cls == CLASS_TIME &&
                       (col->type == MYSQL_TYPE_DATETIME ||
                        col->type == MYSQL_TYPE_TIMESTAMP)
                   ? OP_TIMESTAMP
                   : OP_CAREFUL;
    case SC_TYPE_DATE:
        return col->cls == CLASS_TIME && (col->type == MYSQL_TYPE_DATE ||
                                          col->type == MYSQL_TYPE_NEWDATE)
                   ? OP_DATE
                   : OP_CAREFUL;
    case SC_TYPE_FLOAT64:
        return col->cls == CLASS_DOUBLE ? OP_FLOAT64 : OP_CAREFUL;
    case SC_TYPE_NUMERIC:
        return col->cls == CLASS_BYTES &&
                       (col->type == MYSQL_TYPE_NEWDECIMAL ||
                        col->type == MYSQL_TYPE_DECIMAL)
                   ? OP_NUMERIC
                   : OP_CAREFUL;
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
        return col->cls == CLASS_BYTES && is_text_type(col) ? OP_TEXT
                                                            : OP_CAREFUL;
    default:
        return OP_CAREFUL;
    }
}

/* Makes my_read_row()'s plan for t; false when out of memory. */
static bool make_plan(my_stmt *s, const sc_table_desc *t)
{
    unsigned n = t->ncols < s->nfields ? t->ncols : s->nfields, i;
    my_op *plan = n > 0 ? sc__zalloc(n, sizeof *plan) : NULL;

    if (n > 0 && plan == NULL)
        return false;
    for (i = 0; i < n; i++) {
        const sc_column_desc *c = &t->cols[i];

        plan[i].kind = (unsigned char)op_of(c, &s->cols[i]);
        plan[i].offset = c->offset;
        plan[i].has = (c->flags & SC_COL_HASFLAG) != 0;
        plan[i].has_offset = c->has_offset;
        plan[i].scale = s->cols[i].decimals;
    }
    sc__free(s->plan);
    s->plan = plan;
    s->plan_t = t;
    s->plan_cols = t->cols;
    s->plan_ncols = t->ncols;
    s->plan_n = n;
    return true;
}

/* Days since 1970 of a date of MariaDB's years (0 to 9999), as
 * sc_date_from_ymd() counts them, in unsigned arithmetic: the years are
 * counted from 400 before, so that none is negative. */
static inline int64_t days_of(unsigned year, unsigned month, unsigned day)
{
    unsigned y = year + 400 - (month <= 2);
    unsigned era = y / 400, yoe = y - era * 400;
    unsigned mp = month > 2 ? month - 3 : month + 9;
    unsigned doy = (153 * mp + 2) / 5 + day - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (int64_t)era * 146097 + doe - 719468 - 146097;
}

/* The microseconds since 1970 of a DATETIME read, not a zero one. */
static inline int64_t row_timestamp(const MYSQL_TIME *t)
{
    if (t->year > 9999)
        return get_timestamp(t);
    return (days_of(t->year, t->month, t->day) * 86400 +
            (int64_t)t->hour * 3600 + (int64_t)t->minute * 60 +
            (int64_t)t->second) *
               1000000 +
           (int64_t)t->second_part;
}

/* The days since 1970 of a DATE read, not a zero one. */
static inline int32_t row_date(const MYSQL_TIME *t)
{
    if (t->year > 9999)
        return sc_date_from_ymd((int)t->year, (int)t->month, (int)t->day);
    return (int32_t)days_of(t->year, t->month, t->day);
}

/*
 * The scaled integer of a DECIMAL's text as the binary protocol sends it,
 * [-]digits[.digits] with exactly scale digits after the point: up to 18
 * digits are exact in an int64 and read here; anything else is read as
 * sc__parse_scaled() reads it.
 */
static inline int64_t decimal_scaled(const char *t, size_t n,
                                     unsigned scale)
{
    const unsigned char *p = (const unsigned char *)t, *end = p + n, *at;
    bool neg = p < end && *p == '-';
    size_t digits, frac = 0;
    uint64_t u = 0;
    unsigned d;

    p += neg;
    at = p;
    for (; p < end && (d = (unsigned)*p - '0') <= 9; p++)
        u = u * 10 + d;
    digits = (size_t)(p - at);
    if (p < end && *p == '.') {
        at = ++p;
        for (; p < end && (d = (unsigned)*p - '0') <= 9; p++)
            u = u * 10 + d;
        frac = (size_t)(p - at);
    }
    digits += frac;
    if (p != end || digits == 0 || digits > 18 || frac != scale)
        return sc__parse_scaled(t, scale);
    return neg ? -(int64_t)u : (int64_t)u;
}

/*
 * Reads the current row into out in one call (backend.h): each value
 * whose column storage holds it in the field's own C form stored
 * straight in (the result types were checked against the descriptor at
 * prepare, my_column_fits()), text pointing into the column's buffer,
 * which ends with a NUL, when a is NULL, a numeric's DECIMAL text read
 * as my_column() reads it, a bool that is 0 or 1.  It stops at anything
 * else (a FLOAT, an int16 whose range the core checks, bytes, a format,
 * an enum label, a BIGINT UNSIGNED above INT64_MAX, a zero date), which the
 * core reads through my_column().  What each column takes is planned
 * once per statement and descriptor (make_plan()); a row checks only
 * what its values decide.
 */
static int my_read_row(void *stmt, const sc_table_desc *t, unsigned *from,
                       sc_arena *a, void *out)
{
    my_stmt *s = stmt;
    char *row = out, *field;
    const my_op *plan, *op;
    my_col *cols, *col;
    const char *text;
    int64_t x;
    int32_t i32;
    unsigned i, n;

    if (!s->has_result)
        return SC_OK;
    if ((s->plan_t != t || s->plan_cols != t->cols ||
         s->plan_ncols != t->ncols) &&
        !make_plan(s, t))
        return SC_OK; /* no room for a plan: the careful way */
    /* in locals: the stores into the row could alias s's fields */
    plan = s->plan;
    cols = s->cols;
    n = s->plan_n;
    for (i = *from; i < n; i++) {
        op = &plan[i];
        col = &cols[i];
        if (col->is_null)
            continue; /* the field and its has_ flag are zero already */
        field = row + op->offset;
        switch ((my_op_kind)op->kind) {
        case OP_UINT64:
            if (col->num.i < 0)
                goto careful;
            /* fall through */
        case OP_INT64:
            x = (int64_t)col->num.i;
            memcpy(field, &x, sizeof x);
            break;
        case OP_UINT32:
            if (col->num.i < 0)
                goto careful;
            /* fall through */
        case OP_INT32:
            if (col->num.i < INT32_MIN || col->num.i > INT32_MAX)
                goto careful;
            i32 = (int32_t)col->num.i;
            memcpy(field, &i32, sizeof i32);
            break;
        case OP_BOOL:
            if (col->num.i != 0 && col->num.i != 1)
                goto careful;
            *(bool *)field = col->num.i != 0;
            break;
        case OP_TIMESTAMP:
            if (zero_date(col))
                goto careful;
            x = row_timestamp(&col->tm);
            memcpy(field, &x, sizeof x);
            break;
        case OP_DATE:
            if (zero_date(col))
                goto careful;
            i32 = row_date(&col->tm);
            memcpy(field, &i32, sizeof i32);
            break;
        case OP_FLOAT64:
            memcpy(field, &col->num.d, sizeof col->num.d);
            break;
        case OP_NUMERIC:
            col->buf[col->length] = '\0';
            x = decimal_scaled(col->buf, col->length, op->scale);
            memcpy(field, &x, sizeof x);
            break;
        case OP_TEXT:
            col->buf[col->length] = '\0';
            text = col->buf;
            if (a != NULL &&
                (text = sc__arena_copy(a, col->buf, col->length)) == NULL)
                return SC_NOMEM;
            memcpy(field, &text, sizeof text);
            break;
        case OP_CAREFUL:
            goto careful;
        }
        if (op->has)
            *(bool *)(row + op->has_offset) = true;
    }
careful:
    *from = i;
    return SC_OK;
}

/* Makes my_read_plan()'s steps for the core's plan, in its order; false
 * when out of memory.  A column the result lacks is read the careful
 * way, which finds it NULL. */
static bool make_rplan(my_stmt *s, const sc__read_plan *plan)
{
    const sc_table_desc *t = plan->t;
    unsigned n = plan->end[SC__READ_NOPS - 1], k;
    my_rop *ops = sc__zalloc(n > 0 ? n : 1, sizeof *ops);

    if (ops == NULL)
        return false;
    for (k = 0; k < n; k++) {
        const sc__read_col *p = &plan->cols[k];

        ops[k].c = p->col < s->nfields ? &s->cols[p->col] : &s->nocol;
        ops[k].col = p->col;
        ops[k].offset = p->offset;
        ops[k].has_offset = p->has_offset;
        ops[k].size = p->size;
        ops[k].kind = (unsigned char)(p->col < s->nfields
                                          ? op_of(&t->cols[p->col],
                                                  &s->cols[p->col])
                                          : OP_CAREFUL);
    }
    sc__free(s->rplan);
    s->rplan = ops;
    s->rplan_src = plan;
    s->rplan_t = t;
    s->rplan_n = n;
    return true;
}

/*
 * Reads the current row into out as the core's plan says (backend.h):
 * the steps made from it once per statement (make_rplan()) store each
 * value whose column storage holds it in the field's C form straight in,
 * as my_read_row() does, the flag's true written before the value, which
 * covers it where the field has none.  A column the plan leaves out (a
 * get's key) is not read at all; anything a step does not store (see
 * my_read_row()) is read by the core's careful read, which names the
 * table, the column and the row's key when the value does not fit.
 */
static int my_read_plan(sc_db *db, const sc__read_plan *plan, void *stmt,
                        sc_arena *a, void *out)
{
    my_stmt *s = stmt;
    const sc_table_desc *t = plan->t;
    char *row = out, *field;
    const my_rop *op, *end;
    my_col *col;
    const char *text;
    int64_t x;
    int32_t i32;
    int rc;

    if (!s->has_result)
        return SC_OK;
    /* the same plan: the same table and columns (a plan of t that skips
     * its key has fewer) */
    if ((s->rplan_src != plan || s->rplan_t != t ||
         s->rplan_n != plan->end[SC__READ_NOPS - 1]) &&
        !make_rplan(s, plan))
        return sc__nomem(db);
    /* in locals: the stores into the row could alias s's fields */
    op = s->rplan;
    end = op + s->rplan_n;
    for (; op < end; op++) {
        col = op->c;
        field = row + op->offset;
        if (col->is_null) {
            /* most fields are 8 bytes: their zeroes in one store */
            if (op->size == sizeof(int64_t)) {
                memset(field, 0, sizeof(int64_t));
                row[op->has_offset] = false;
            } else {
                sc__read_null(row, op->offset, op->has_offset, op->size);
            }
            continue;
        }
        switch ((my_op_kind)op->kind) {
        case OP_UINT64:
            if (col->num.i < 0)
                goto careful;
            /* fall through */
        case OP_INT64:
        case OP_FLOAT64: /* num's 8 bytes, a long long or a double */
            row[op->has_offset] = true;
            memcpy(field, &col->num, sizeof(int64_t));
            continue;
        case OP_UINT32:
            if (col->num.i < 0)
                goto careful;
            /* fall through */
        case OP_INT32:
            if (col->num.i < INT32_MIN || col->num.i > INT32_MAX)
                goto careful;
            i32 = (int32_t)col->num.i;
            row[op->has_offset] = true;
            memcpy(field, &i32, sizeof i32);
            continue;
        case OP_BOOL:
            if (col->num.i != 0 && col->num.i != 1)
                goto careful;
            row[op->has_offset] = true;
            *field = col->num.i != 0;
            continue;
        case OP_TIMESTAMP:
            if (zero_date(col))
                goto careful;
            x = row_timestamp(&col->tm);
            row[op->has_offset] = true;
            memcpy(field, &x, sizeof x);
            continue;
        case OP_DATE:
            if (zero_date(col))
                goto careful;
            i32 = row_date(&col->tm);
            row[op->has_offset] = true;
            memcpy(field, &i32, sizeof i32);
            continue;
        case OP_NUMERIC:
            col->buf[col->length] = '\0';
            x = decimal_scaled(col->buf, col->length, col->decimals);
            row[op->has_offset] = true;
            memcpy(field, &x, sizeof x);
            continue;
        case OP_TEXT:
            col->buf[col->length] = '\0';
            text = col->buf;
            if (a != NULL &&
                (text = sc__arena_copy(a, col->buf, col->length)) == NULL)
                goto careful; /* out of memory: the careful read tells */
            row[op->has_offset] = true;
            memcpy(field, &text, sizeof text);
            continue;
        case OP_CAREFUL:
            break;
        }
    careful: /* its field zeroed first: out need not be (backend.h) */
        sc__read_null(row, op->offset, op->has_offset, op->size);
        if ((rc = sc__read_column(db, t, stmt, op->col, a, out)) != SC_OK)
            return rc;
    }
    return SC_OK;
}

const sc_backend sc__mariadb_backend = {
    .name = "mariadb",
    .dialect = SC_DIALECT_MARIADB,
    .open = my_open,
    .close = my_close,
    .exec = my_exec,
    .prepare = my_prepare,
    .bind = my_bind,
    .step = my_step,
    .column = my_column,
    .read_row = my_read_row,
    .read_plan = my_read_plan,
    .column_fits = my_column_fits,
    .put_read = my_put_read,
    .reset = my_reset,
    .finalize = my_finalize,
    .column_count = my_column_count,
    .changes = my_changes,
    .last_insert_id = my_last_insert_id,
    .in_transaction = my_in_transaction,
    .error = my_error,
    .placeholder = my_placeholder,
    .stream = my_stream,
    .lost = my_lost,
    .pipeline_begin = my_pipeline_begin,
    .pipeline_send = my_pipeline_send,
    .pipeline_flush = my_pipeline_flush,
    .pipeline_sync = my_pipeline_sync,
    .pipeline_result = my_pipeline_result,
    .pipeline_end = my_pipeline_end,
    .pipeline_send_rows = my_pipeline_send_rows,
    .pipeline_send_inserts = my_pipeline_send_inserts,
    .pipeline_done = my_pipeline_done,
    .batch_rows = BATCH_ROWS,
};
