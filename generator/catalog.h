/*
 * catalog.h - the structure of a live database as its catalog tells it,
 * read by one reader per dialect for both schemac pull (which writes it
 * as a schema) and schemac check (which compares a schema with it), so
 * that the two cannot read one database two ways.
 *
 * Everything is allocated in the pool of the context given to
 * cat_read(), and lists keep the catalog's order (creation order).
 */
#ifndef SCHEMAC_CATALOG_H
#define SCHEMAC_CATALOG_H

#include <stdbool.h>

#include "ast.h"
#include "schemac.h"

typedef struct cat_label {
    const char *label;
    struct cat_label *next;
} cat_label;

/* How a column's values come to be. */
typedef enum cat_autoinc {
    CAT_AUTO_NONE = 0,
    CAT_AUTO_SQLITE,   /* INTEGER PRIMARY KEY AUTOINCREMENT */
    CAT_AUTO_SERIAL,   /* a nextval() default: serial, bigserial */
    CAT_AUTO_IDENTITY, /* GENERATED ... AS IDENTITY */
    CAT_AUTO_INCREMENT /* MariaDB's AUTO_INCREMENT */
} cat_autoinc;

typedef struct cat_column {
    const char *name;
    /* The declared type, verbatim on SQLite; format_type() on PostgreSQL
     * (an enum by its name; for a domain, the domain's base type);
     * MariaDB's COLUMN_TYPE in lower case without the display width of an
     * integer but tinyint(1)'s, "json" for MariaDB's JSON (a longtext
     * with its json_valid check, which is then no constraint). */
    const char *type;
    const char *domain; /* PostgreSQL: the domain the column has, or NULL */
    bool is_enum;       /* PostgreSQL: an enum type of the schema */
    const char *dflt;   /* the default as the database prints it, or NULL */
    /* NOT NULL, or SQLite's INTEGER PRIMARY KEY of a rowid table, which
     * can never hold a NULL. */
    bool notnull;
    int pk;             /* position in the primary key from 1, or 0 */
    cat_autoinc autoinc;
    /* GENERATED ALWAYS AS (...): computed by the database; dflt then
     * holds the expression on PostgreSQL. */
    bool generated;
    /* COLLATE, when not the default, or NULL; on MariaDB NULL for
     * schemac's own (utf8mb4_nopad_bin), else the column's collation */
    const char *collation;
    /* COMMENT ON COLUMN, or NULL */
    const char *comment;
    /* SQLite: how many rows hold each storage class, and how many of the
     * texts are 32 hex digits (a uuid as Django keeps it). */
    long long n_int, n_real, n_text, n_blob, n_hex32;
    /* SQLite: how many texts are timestamps 'YYYY-MM-DD HH:MM:SS' with
     * or without '.' and fraction digits, and the fewest and the most
     * fraction digits among them (when n_stamp > 0), and how many have
     * a fraction of zeros only ('.000000'). */
    long long n_stamp, n_zero_frac;
    int frac_min, frac_max;
    /* MariaDB: an ENUM's labels in order (type is "enum('a','b')"); the
     * ON UPDATE of a TIMESTAMP or DATETIME, or NULL; the character set of
     * a text column */
    struct cat_label *labels;
    const char *on_update;
    const char *charset;
    struct cat_column *next;
} cat_column;

typedef struct cat_constraint {
    const char *name;   /* NULL: unnamed (SQLite) */
    char kind;          /* 'p' primary key, 'u' unique, 'c' check,
                           'f' foreign key, 'x' exclusion (PostgreSQL) */
    const char *def;    /* as the database prints it: pg_get_constraintdef,
                           SQLite the text in CREATE TABLE */
    const char *column; /* SQLite: written in this column's definition */
    const char *cols;   /* 'p', 'u', 'f': "a, b"; NULL for SQLite's
                           column constraints (see column) */
    const char *expr;   /* 'c': the expression inside CHECK (...) */
    const char *ref_table, *ref_cols; /* 'f'; ref_cols NULL: the key */
    const char *on_delete, *on_update; /* 'f': "cascade", ...; NULL */
    bool deferrable, deferred;         /* 'f' */
    struct cat_constraint *next;
} cat_constraint;

typedef struct cat_ielem {
    const char *column;  /* a column, or NULL for an expression */
    const char *expr;    /* the expression as the database prints it */
    const char *opclass; /* PostgreSQL: when not the type's default */
    int prefix;          /* MariaDB: the characters of column indexed */
    bool desc;           /* MariaDB: in descending order */
    struct cat_ielem *next;
} cat_ielem;

typedef struct cat_index {
    const char *table, *name;
    bool unique;
    const char *method; /* PostgreSQL's access method: "btree", "gin" */
    cat_ielem *elems;
    const char *where;  /* a partial index's predicate, or NULL */
    const char *def;    /* the whole CREATE INDEX as the database has it */
    struct cat_index *next;
} cat_index;

typedef struct cat_table {
    const char *name;
    const char *sql;    /* SQLite: the CREATE TABLE text */
    bool strict;        /* SQLite: STRICT */
    bool rowid;         /* SQLite: not WITHOUT ROWID */
    bool unlogged;      /* PostgreSQL: UNLOGGED */
    const char *inherits; /* PostgreSQL: INHERITS (these), or NULL */
    const char *comment;  /* COMMENT ON TABLE, or NULL */
    const char *collation; /* MariaDB: the table's default collation */
    cat_column *cols;
    cat_constraint *cons;
    int npk;
    struct cat_table *next;
} cat_table;

typedef struct cat_enum {
    const char *name;
    cat_label *labels;
    struct cat_enum *next;
} cat_enum;

/* An object the language cannot express, one CREATE each in the
 * database's own text: a view, a materialized view, a trigger, a
 * function, a domain, an extension, a partitioned table and each of its
 * partitions, an index of a materialized view or a partitioned table,
 * SQLite's virtual tables.  Extensions and domains come before the
 * tables that use them. */
typedef struct cat_object {
    const char *kind;   /* "view", "materialized view", "trigger",
                           "function", "domain", "extension",
                           "partitioned table", "partition", "index",
                           "virtual table" */
    const char *name;
    const char *sql;
    bool before_tables; /* a domain: the tables' columns need it */
    struct cat_object *next;
} cat_object;

typedef struct cat_db {
    ast_ctx *pool;
    int dialect;        /* AST_D_*, the SC_DIALECT_* of the database */
    cat_table *tables;
    cat_index *indexes;
    cat_enum *enums;
    cat_object *objects;
    /* The tables of a partitioning, which appear only as one object. */
    const char **partitioned;
    int npartitioned;
} cat_db;

/*
 * Reads the structure of db into *out (zeroed first), allocating in
 * pool: the current schema on PostgreSQL, DATABASE() on MariaDB, every
 * table but SQLite's own and the migration runner's.  sample: also count the storage classes of
 * the rows of SQLite's tables that are not STRICT.  Returns SC_OK or the
 * database's error (the message is on db).
 */
int cat_read(sc_db *db, ast_ctx *pool, bool sample, cat_db *out);

cat_table *cat_find_table(const cat_db *c, const char *name);
cat_column *cat_find_column(const cat_table *t, const char *name);
bool cat_is_partitioned(const cat_db *c, const char *table);

/* A column type (DDL's, or the catalog's own) as dialect's catalog
 * spells it, so that the two meet: PostgreSQL's format_type() words
 * (character varying, not varchar), MariaDB's COLUMN_TYPE in lower case
 * (tinyint(1) for BOOLEAN, enum('a','b')), SQLite's as written. */
const char *cat_canon_type(ast_ctx *pool, int dialect, const char *type);

/* A constraint's columns, "a, b" (a one-column constraint's too). */
const char *cat_key_cols(const cat_constraint *k);
/* The columns a foreign key references, "x, y": those it names, else
 * its target's primary key, in pool. */
const char *cat_ref_cols(ast_ctx *pool, const cat_db *c,
                         const cat_constraint *k);

/* A constraint's SQL ("CHECK (...)", "FOREIGN KEY (a) REFERENCES ...")
 * and a CREATE INDEX, read as the catalog reads SQLite's, so that a
 * schema's DDL and the database's meet in one form.  NULL when sql says
 * nothing the reader knows. */
cat_constraint *cat_parse_constraint(ast_ctx *pool, const char *name,
                                     const char *sql);
cat_index *cat_parse_index(ast_ctx *pool, const char *sql);

/* The column a CHECK (json_valid(c) [OR c IS NULL]) is about (Django's
 * check of a JSON column on SQLite), or NULL for any other constraint:
 * such a check says no more than the type json, so pull reads it as the
 * type and check lets it be. */
const char *cat_json_check(ast_ctx *pool, const cat_constraint *k);

/*
 * SQL text in a comparable form: words and names upper-cased and
 * unquoted, strings as written, one space between tokens, foreign key
 * actions last (ON DELETE before ON UPDATE, without NO ACTION), final
 * semicolons dropped, a dollar-quoted body without its tag.  loose also
 * drops every parenthesis, PostgreSQL's casts (::type) and qualifiers
 * (public.t, t.col), for expressions and views the databases print in
 * words of their own.
 */
const char *cat_norm(ast_ctx *pool, const char *sql, bool loose);

#endif /* SCHEMAC_CATALOG_H */
