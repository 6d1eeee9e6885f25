/*
 * catalog_mariadb.c - MariaDB's catalog reader (catalog.h): the tables,
 * columns, keys, indexes, constraints, views, triggers and routines of
 * the current database, DATABASE(), from information_schema, in the text
 * the server prints them in.
 *
 * What MariaDB keeps its own way is read into the common form here, so
 * that pull and check need not know it: COLUMN_TYPE without the display
 * width of an integer (which MySQL no longer prints) but for tinyint(1),
 * the bool; a JSON column (MariaDB's alias of LONGTEXT with a CHECK
 * (json_valid(col)) named as the column) as type "json" without that
 * check; an ENUM's labels; schemac's own collation (the dialect's
 * byte_collation, utf8mb4_nopad_bin) as none;
 * a foreign key's RESTRICT (what MariaDB prints when none is given, and
 * the same check as NO ACTION) as none; and the index InnoDB makes by
 * itself for a foreign key, named as the key, left out.  A UNIQUE key is
 * a unique constraint: MariaDB knows no unique index apart from one.
 */
#include "catalog_int.h"

#include "buf.h"
#include "dialect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The tables of the database, schemac's own version tables aside. */
#define MY_OWN_TABLES                                                        \
    " AND table_name NOT IN ('schemac_migrations',"                          \
    " 'schemac_migration_parts')"

static const char my_tables[] =
    "SELECT table_name, table_collation, table_comment"
    " FROM information_schema.tables"
    " WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
    MY_OWN_TABLES " ORDER BY table_name";

static const char my_columns[] =
    "SELECT table_name, column_name, column_type, is_nullable,"
    " column_default, extra, collation_name, generation_expression,"
    " column_comment, character_set_name"
    " FROM information_schema.columns WHERE table_schema = DATABASE()"
    MY_OWN_TABLES " ORDER BY table_name, ordinal_position";

/* The keys' and indexes' columns, one row each, in key order. */
static const char my_keys[] =
    "SELECT table_name, index_name, non_unique, column_name, sub_part,"
    " collation FROM information_schema.statistics WHERE table_schema = DATABASE()"
    MY_OWN_TABLES " ORDER BY table_name, index_name = 'PRIMARY' DESC,"
    " index_name, seq_in_index";

static const char my_checks[] =
    "SELECT table_name, constraint_name, level, check_clause"
    " FROM information_schema.check_constraints"
    " WHERE constraint_schema = DATABASE()" MY_OWN_TABLES
    " ORDER BY table_name, constraint_name";

/* A foreign key, one row per column. */
static const char my_foreign[] =
    "SELECT k.table_name, k.constraint_name, k.column_name,"
    " k.referenced_table_name, k.referenced_column_name, r.delete_rule,"
    " r.update_rule"
    " FROM information_schema.key_column_usage AS k"
    " JOIN information_schema.referential_constraints AS r"
    " ON r.constraint_schema = k.constraint_schema"
    " AND r.table_name = k.table_name"
    " AND r.constraint_name = k.constraint_name"
    " WHERE k.table_schema = DATABASE()"
    " AND k.referenced_table_name IS NOT NULL"
    " ORDER BY k.table_name, k.constraint_name, k.ordinal_position";

/* without the database's name, which MariaDB writes before each table
 * and column of the view */
static const char my_views[] =
    "SELECT table_name, concat('CREATE VIEW `', replace(table_name, '`',"
    " '``'), '` AS ', replace(view_definition, concat('`', replace("
    "DATABASE(), '`', '``'), '`.'), '')) FROM information_schema.views"
    " WHERE table_schema = DATABASE() ORDER BY table_name";

static const char my_triggers[] =
    "SELECT trigger_name, concat('CREATE TRIGGER `', replace(trigger_name,"
    " '`', '``'), '` ', action_timing, ' ', event_manipulation, ' ON `',"
    " replace(event_object_table, '`', '``'), '` FOR EACH ROW ',"
    " action_statement) FROM information_schema.triggers"
    " WHERE trigger_schema = DATABASE() ORDER BY event_object_table,"
    " action_order, trigger_name";

static const char my_routines[] =
    "SELECT lower(r.routine_type), r.routine_name,"
    " concat('CREATE ', r.routine_type, ' `', replace(r.routine_name, '`',"
    " '``'), '`(', coalesce((SELECT group_concat(concat("
    " CASE WHEN r.routine_type = 'PROCEDURE' THEN concat(p.parameter_mode,"
    " ' ') ELSE '' END, '`', replace(p.parameter_name, '`', '``'), '` ',"
    " p.dtd_identifier) ORDER BY p.ordinal_position SEPARATOR ', ')"
    " FROM information_schema.parameters AS p"
    " WHERE p.specific_schema = r.routine_schema"
    " AND p.specific_name = r.specific_name AND p.ordinal_position > 0),"
    " ''), ')', CASE WHEN r.routine_type = 'FUNCTION' THEN concat("
    " ' RETURNS ', r.dtd_identifier) ELSE '' END, ' ',"
    " r.routine_definition) FROM information_schema.routines AS r"
    " WHERE r.routine_schema = DATABASE() ORDER BY r.routine_name";

/* The collation of schemac's own text columns, the one no collate
 * modifier says: the dialect's byte order, " COLLATE NAME". */
static const char *own_collation(void)
{
    const char *s = sc__dialect_of(SC_DIALECT_MARIADB)->byte_collation;
    const char *name = strstr(s, "COLLATE ");

    return name ? name + 8 : s;
}

static const char *const int_types[] = {"tinyint", "smallint", "mediumint",
                                        "int", "bigint", "year"};

/* COLUMN_TYPE in lower case but its strings (an ENUM's labels), an
 * integer without its display width but tinyint(1): "int(10) unsigned"
 * is "int unsigned", "year(4)" "year". */
static const char *column_type(const cat_db *c, const char *type)
{
    buf b;
    const char *s, *open;
    size_t i, n;

    bool quoted = false;

    buf_init(&b);
    for (s = type; *s; s++) {
        if (*s == '\'')
            quoted = !quoted;
        buf_putc(&b, quoted ? *s : (char)tolower((unsigned char)*s));
    }
    s = ast_strndup(c->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    open = strchr(s, '(');
    if (!open)
        return s;
    n = (size_t)(open - s);
    for (i = 0; i < sizeof int_types / sizeof int_types[0]; i++)
        if (strlen(int_types[i]) == n && strncmp(s, int_types[i], n) == 0) {
            const char *close = strchr(open, ')');

            if (!close || strncmp(s, "tinyint(1)", 10) == 0)
                return s;
            buf_init(&b);
            buf_put(&b, s, n);
            buf_puts(&b, close + 1);
            s = ast_strndup(c->pool, b.data, b.len);
            buf_free(&b);
            return s;
        }
    return s;
}

/* The labels of "enum('a','b''c')", in order. */
static cat_label *enum_labels(const cat_db *c, const char *type)
{
    cat_label *first = NULL, **end = &first, *l;
    const char *p = type + 5;
    buf b;

    while (*p == '\'') {
        buf_init(&b);
        for (p++; *p; p++) {
            if (*p == '\'' && p[1] == '\'')
                p++;
            else if (*p == '\'')
                break;
            buf_putc(&b, *p);
        }
        l = ast_alloc(c->pool, sizeof *l);
        l->label = ast_strndup(c->pool, b.data ? b.data : "", b.len);
        buf_free(&b);
        *end = l;
        end = &l->next;
        if (*p == '\'')
            p++;
        if (*p == ',')
            p++;
    }
    return first;
}

static int on_table(void *ctx, int n, const char *const *v)
{
    cat__reader *r = ctx;
    cat_table *t;

    if (n < 3 || !v[0])
        return 0;
    t = ast_alloc(r->c->pool, sizeof *t);
    t->name = cat__dup(r->c, v[0]);
    t->strict = true;
    t->rowid = true;
    t->collation = cat__dup(r->c, v[1]);
    t->comment = v[2] && v[2][0] ? cat__dup(r->c, v[2]) : NULL;
    *r->tables_end = t;
    r->tables_end = &t->next;
    return 0;
}

static int on_column(void *ctx, int n, const char *const *v)
{
    cat__reader *r = ctx;
    cat_table *t = n >= 10 && v[0] ? cat_find_table(r->c, v[0]) : NULL;
    const char *extra = v[5] ? v[5] : "", *up;
    cat_column *k;

    if (!t || !v[1] || !v[2])
        return 0;
    k = ast_alloc(r->c->pool, sizeof *k);
    k->name = cat__dup(r->c, v[1]);
    k->type = column_type(r->c, v[2]);
    k->notnull = v[3] && strcmp(v[3], "NO") == 0;
    /* MariaDB prints "NULL" for a column without a default (or with
     * DEFAULT NULL), which is no default */
    k->dflt = v[4] && strcmp(v[4], "NULL") != 0 ? cat__dup(r->c, v[4])
                                                : NULL;
    if (strstr(extra, "auto_increment"))
        k->autoinc = CAT_AUTO_INCREMENT;
    if (strstr(extra, "GENERATED") && v[7]) {
        k->generated = true;
        k->dflt = cat__dup(r->c, v[7]);
    }
    if ((up = strstr(extra, "on update ")) != NULL)
        k->on_update = cat__dup(r->c, up + 10);
    /* an ENUM or SET holds its labels, whatever their collation */
    if (v[6] && strcmp(v[6], own_collation()) != 0 &&
        strncmp(k->type, "enum(", 5) != 0 && strncmp(k->type, "set(", 4) != 0)
        k->collation = cat__dup(r->c, v[6]);
    k->comment = v[8] && v[8][0] ? cat__dup(r->c, v[8]) : NULL;
    k->charset = cat__dup(r->c, v[9]);
    if (strncmp(k->type, "enum(", 5) == 0)
        k->labels = enum_labels(r->c, k->type);
    cat__add_column(t, k);
    return 0;
}

/* The key or index of table t named name, being read. */
typedef struct key_state {
    cat__reader *r;
    cat_table *t;
    const char *name;
    cat_constraint *k;
    cat_index *x;
    buf cols;  /* "a, b" */
    buf def;   /* the index's elements as CREATE INDEX writes them */
    int pos;
} key_state;

static void quote_name(buf *b, const char *name)
{
    const char *s;

    buf_putc(b, '`');
    for (s = name; *s; s++) {
        if (*s == '`')
            buf_putc(b, '`');
        buf_putc(b, *s);
    }
    buf_putc(b, '`');
}

static void key_finish(key_state *ks)
{
    cat_db *c = ks->r->c;
    buf b;

    if (ks->k) {
        ks->k->cols = ast_strndup(c->pool, ks->cols.data, ks->cols.len);
        buf_init(&b);
        buf_printf(&b, "%s (%s)", ks->k->kind == 'p' ? "PRIMARY KEY"
                                                     : "UNIQUE",
                   ks->def.data);
        ks->k->def = ast_strndup(c->pool, b.data, b.len);
        buf_free(&b);
        cat__add_constraint(ks->t, ks->k);
    } else if (ks->x) {
        buf_init(&b);
        buf_puts(&b, "CREATE INDEX ");
        quote_name(&b, ks->x->name);
        buf_puts(&b, " ON ");
        quote_name(&b, ks->x->table);
        buf_printf(&b, " (%s)", ks->def.data);
        ks->x->def = ast_strndup(c->pool, b.data, b.len);
        buf_free(&b);
        *ks->r->indexes_end = ks->x;
        ks->r->indexes_end = &ks->x->next;
    }
    ks->k = NULL;
    ks->x = NULL;
    buf_reset(&ks->cols);
    buf_reset(&ks->def);
    ks->pos = 0;
}

static int on_key(void *ctx, int n, const char *const *v)
{
    key_state *ks = ctx;
    cat_db *c = ks->r->c;
    cat_table *t = n >= 6 && v[0] ? cat_find_table(c, v[0]) : NULL;
    /* COLLATION 'D': a descending element (10.8) */
    const char *desc = v[5] && strcmp(v[5], "D") == 0 ? " DESC" : "";
    cat_column *col;
    cat_ielem *e, **tail;
    buf b;

    if (!t || !v[1] || !v[3])
        return 0;
    if (ks->t != t || !ks->name || strcmp(ks->name, v[1]) != 0) {
        key_finish(ks);
        ks->t = t;
        ks->name = cat__dup(c, v[1]);
        if (strcmp(v[1], "PRIMARY") == 0 || !cat__truthy(v[2])) {
            ks->k = ast_alloc(c->pool, sizeof *ks->k);
            /* MariaDB names every primary key PRIMARY: no name */
            ks->k->kind = strcmp(v[1], "PRIMARY") == 0 ? 'p' : 'u';
            ks->k->name = ks->k->kind == 'p' ? NULL : ks->name;
        } else {
            ks->x = ast_alloc(c->pool, sizeof *ks->x);
            ks->x->table = t->name;
            ks->x->name = ks->name;
        }
    }
    ks->pos++;
    if (ks->cols.len)
        buf_puts(&ks->cols, ", ");
    buf_puts(&ks->cols, v[3]);
    if (ks->def.len)
        buf_puts(&ks->def, ", ");
    quote_name(&ks->def, v[3]);
    if (v[4])
        buf_printf(&ks->def, "(%s)", v[4]);
    buf_puts(&ks->def, desc);
    if (ks->k && ks->k->kind == 'p' &&
        (col = cat_find_column(t, v[3])) != NULL) {
        col->pk = ks->pos;
        if (ks->pos > t->npk)
            t->npk = ks->pos;
    }
    if (ks->x) {
        e = ast_alloc(c->pool, sizeof *e);
        buf_init(&b);
        quote_name(&b, v[3]);
        if (v[4])
            buf_printf(&b, "(%s)", v[4]);
        e->expr = ast_strndup(c->pool, b.data, b.len);
        buf_free(&b);
        e->column = cat__dup(c, v[3]);
        e->prefix = v[4] ? atoi(v[4]) : 0;
        e->desc = *desc != '\0';
        for (tail = &ks->x->elems; *tail; tail = &(*tail)->next)
            ;
        *tail = e;
    }
    return 0;
}

static int on_check(void *ctx, int n, const char *const *v)
{
    cat__reader *r = ctx;
    cat_table *t = n >= 4 && v[0] ? cat_find_table(r->c, v[0]) : NULL;
    cat_column *col;
    cat_constraint *k;
    buf b;

    if (!t || !v[1] || !v[3])
        return 0;
    /* JSON: LONGTEXT with CHECK (json_valid(`col`)) named as the column */
    if (v[2] && strcmp(v[2], "Column") == 0 &&
        (col = cat_find_column(t, v[1])) != NULL &&
        strcmp(col->type, "longtext") == 0) {
        /* in the session's quotes: ANSI_QUOTES prints "doc" */
        buf_init(&b);
        buf_puts(&b, "json_valid(");
        quote_name(&b, v[1]);
        buf_putc(&b, ')');
        if (strcmp(b.data, v[3]) == 0 ||
            strcmp(cat_norm(r->c->pool, b.data, false),
                   cat_norm(r->c->pool, v[3], false)) == 0) {
            col->type = "json";
            /* JSON is LONGTEXT COLLATE utf8mb4_bin, whatever the table's */
            if (col->collation && strcmp(col->collation, "utf8mb4_bin") == 0)
                col->collation = NULL;
            buf_free(&b);
            return 0;
        }
        buf_free(&b);
    }
    k = ast_alloc(r->c->pool, sizeof *k);
    k->name = cat__dup(r->c, v[1]);
    k->kind = 'c';
    k->expr = cat__dup(r->c, v[3]);
    buf_init(&b);
    buf_printf(&b, "CHECK (%s)", v[3]);
    k->def = ast_strndup(r->c->pool, b.data, b.len);
    buf_free(&b);
    /* a check written on a column's line names that column */
    if (v[2] && strcmp(v[2], "Column") == 0 && cat_find_column(t, v[1]))
        k->column = k->name;
    cat__add_constraint(t, k);
    return 0;
}

static const char *fk_action(const char *rule)
{
    if (!rule || strcmp(rule, "RESTRICT") == 0 ||
        strcmp(rule, "NO ACTION") == 0)
        return NULL;
    if (strcmp(rule, "CASCADE") == 0)
        return "cascade";
    if (strcmp(rule, "SET NULL") == 0)
        return "set null";
    if (strcmp(rule, "SET DEFAULT") == 0)
        return "set default";
    return NULL;
}

typedef struct fk_state {
    cat__reader *r;
    cat_table *t;
    cat_constraint *k;
    buf cols, refs;
} fk_state;

static void fk_finish(fk_state *fs)
{
    cat_db *c = fs->r->c;
    cat_constraint *k = fs->k;
    buf b;

    if (!k)
        return;
    k->cols = ast_strndup(c->pool, fs->cols.data, fs->cols.len);
    k->ref_cols = ast_strndup(c->pool, fs->refs.data, fs->refs.len);
    buf_init(&b);
    buf_printf(&b, "FOREIGN KEY (%s) REFERENCES %s (%s)", k->cols,
               k->ref_table, k->ref_cols);
    if (k->on_delete)
        buf_printf(&b, " ON DELETE %s", k->on_delete);
    if (k->on_update)
        buf_printf(&b, " ON UPDATE %s", k->on_update);
    k->def = ast_strndup(c->pool, b.data, b.len);
    buf_free(&b);
    cat__add_constraint(fs->t, k);
    fs->k = NULL;
    buf_reset(&fs->cols);
    buf_reset(&fs->refs);
}

static int on_foreign(void *ctx, int n, const char *const *v)
{
    fk_state *fs = ctx;
    cat_db *c = fs->r->c;
    cat_table *t = n >= 7 && v[0] ? cat_find_table(c, v[0]) : NULL;

    if (!t || !v[1] || !v[2] || !v[3] || !v[4])
        return 0;
    if (!fs->k || fs->t != t || strcmp(fs->k->name, v[1]) != 0) {
        fk_finish(fs);
        fs->t = t;
        fs->k = ast_alloc(c->pool, sizeof *fs->k);
        fs->k->name = cat__dup(c, v[1]);
        fs->k->kind = 'f';
        fs->k->ref_table = cat__dup(c, v[3]);
        fs->k->on_delete = fk_action(v[5]);
        fs->k->on_update = fk_action(v[6]);
    }
    if (fs->cols.len) {
        buf_puts(&fs->cols, ", ");
        buf_puts(&fs->refs, ", ");
    }
    buf_puts(&fs->cols, v[2]);
    buf_puts(&fs->refs, v[4]);
    return 0;
}

/* Leaves out the index InnoDB made for a foreign key: one named as a
 * foreign key of its table, over that key's columns. */
static void drop_fk_indexes(cat__reader *r)
{
    cat_index **at = &r->c->indexes, *x;
    const cat_table *t;
    const cat_constraint *k;
    const cat_ielem *e;
    buf cols;
    bool drop;

    r->indexes_end = &r->c->indexes;
    while ((x = *at) != NULL) {
        drop = false;
        t = cat_find_table(r->c, x->table);
        for (k = t ? t->cons : NULL; k && !drop; k = k->next) {
            if (k->kind != 'f' || strcmp(k->name, x->name) != 0)
                continue;
            buf_init(&cols);
            for (e = x->elems; e; e = e->next)
                buf_printf(&cols, "%s%s", cols.len ? ", " : "",
                           e->column ? e->column : "");
            drop = cols.data && strcmp(cols.data, k->cols) == 0;
            buf_free(&cols);
        }
        if (drop) {
            *at = x->next;
        } else {
            at = &x->next;
            r->indexes_end = at;
        }
    }
}

typedef struct obj_state {
    cat__reader *r;
    const char *kind;
} obj_state;

/* name, sql; or kind, name, sql */
static int on_object(void *ctx, int n, const char *const *v)
{
    obj_state *os = ctx;

    if (n == 2 && v[0] && v[1])
        cat__add_object(os->r, os->kind, v[0], v[1], false);
    else if (n == 3 && v[0] && v[1] && v[2])
        cat__add_object(os->r, cat__dup(os->r->c, v[0]), v[1], v[2],
                        false);
    return 0;
}

static int objects(cat__reader *r, const char *sql, const char *kind)
{
    obj_state os;

    os.r = r;
    os.kind = kind;
    return sc_query_sql_each(r->db, sql, on_object, &os);
}

int cat__read_mariadb(cat__reader *r, bool want_sample)
{
    key_state ks;
    fk_state fs;
    int rc;

    (void)want_sample; /* MariaDB's columns hold their declared types */
    rc = sc_query_sql_each(r->db, my_tables, on_table, r);
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, my_columns, on_column, r);
    if (rc == SC_OK) {
        memset(&ks, 0, sizeof ks);
        ks.r = r;
        buf_init(&ks.cols);
        buf_init(&ks.def);
        rc = sc_query_sql_each(r->db, my_keys, on_key, &ks);
        key_finish(&ks);
        buf_free(&ks.cols);
        buf_free(&ks.def);
    }
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, my_checks, on_check, r);
    if (rc == SC_OK) {
        memset(&fs, 0, sizeof fs);
        fs.r = r;
        buf_init(&fs.cols);
        buf_init(&fs.refs);
        rc = sc_query_sql_each(r->db, my_foreign, on_foreign, &fs);
        fk_finish(&fs);
        buf_free(&fs.cols);
        buf_free(&fs.refs);
    }
    if (rc == SC_OK)
        drop_fk_indexes(r);
    if (rc == SC_OK)
        rc = objects(r, my_routines, NULL);
    if (rc == SC_OK)
        rc = objects(r, my_views, "view");
    if (rc == SC_OK)
        rc = objects(r, my_triggers, "trigger");
    return rc;
}

/* A type as COLUMN_TYPE spells it: lower case, no blank after a comma
 * outside a string, the integers without display width, BOOLEAN as
 * tinyint(1); "json" stays (the reader's name for JSON). */
const char *cat__mariadb_canon(ast_ctx *pool, const char *type)
{
    cat_db c;
    buf b;
    const char *s;
    bool quoted = false;

    memset(&c, 0, sizeof c);
    c.pool = pool;
    buf_init(&b);
    for (s = type; *s; s++) {
        if (*s == '\'')
            quoted = !quoted;
        if (!quoted && *s == ' ' && s > type && s[-1] == ',')
            continue;
        buf_putc(&b, quoted ? *s : (char)tolower((unsigned char)*s));
    }
    s = ast_strndup(pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    if (strcmp(s, "boolean") == 0 || strcmp(s, "bool") == 0)
        return "tinyint(1)";
    if (strcmp(s, "integer") == 0)
        return "int";
    return column_type(&c, s);
}
