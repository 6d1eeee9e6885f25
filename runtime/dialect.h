/*
 * dialect.h - what each SQL dialect spells its own way, in one table.
 *
 * The driver of a database (backend.h) says how to talk to it; its
 * dialect says what to say: type names, quoting, literals, the forms of
 * LIKE and LIMIT, the collation for byte order, the empty insert, the
 * migration lock and version table, the foreign-key switches, whether
 * DDL is transactional and which ALTERs exist.  The runtime and the
 * generator both read this table: a branch on the dialect anywhere else
 * tests one of its capabilities, never the dialect's name.  A spelling
 * that is code rather than text is a hook here, or, for the generator's
 * catalog readers, a hook of the generator's own indexed by dialect.
 *
 * Adding a dialect is one more entry in dialect.c (SC_NDIALECTS grows in
 * schemac.h), a driver and a catalog reader.
 */
#ifndef SC_DIALECT_H
#define SC_DIALECT_H

#include <stdbool.h>
#include <stddef.h>

#include "schemac.h"

/* The collation the SQLite driver registers for decimal text. */
#define SC__DECIMAL_COLLATION "sc_decimal"

/* The type a column of each schema type gets.  A "%u" is the length of a
 * varchar or the precision and scale of a numeric. */

/* The kinds of an in-list's values as array_elem[] turns them back from
 * text: text as it is, integers, decimals, floats, dates, timestamps,
 * bytes (and uuids) in hex. */
enum {
    SC__ELEM_TEXT,
    SC__ELEM_INT,
    SC__ELEM_DECIMAL,
    SC__ELEM_FLOAT,
    SC__ELEM_DATE,
    SC__ELEM_TIMESTAMP,
    SC__ELEM_BYTES,
    SC__ELEMS
};
typedef struct sc__dialect_types {
    const char *bool_;
    const char *int16, *int32, *int64;
    const char *float32, *float64;
    const char *numeric;        /* precision <= 18, scaled int64 in C */
    const char *decimal;        /* precision > 18, decimal text in C */
    const char *varchar;        /* varchar(n) */
    const char *text;
    const char *bytes;
    const char *date;
    const char *timestamp;      /* a moment, UTC */
    const char *timestamp_local;/* a wall-clock reading */
    const char *uuid;
    const char *json;
    /* A text column in a primary key or with a foreign key, where the
     * whole of a text cannot be a key: "%u" is the key's share of
     * key_chars.  NULL: the text type */
    const char *key_text;
    /* An enum: NULL when the column has the schema's named type (quoted),
     * else this type (with the labels checked) or, for "ENUM", the
     * column's own ENUM('a', 'b') */
    const char *enum_;
    /* The types of stored-as formats (SPEC section 2, "Storage"). */
    const char *fmt_text, *fmt_real, *fmt_integer;
} sc__dialect_types;

/* The default "now" of a date or timestamp column, in UTC: in the
 * column's own type, or in a stored-as format (SPEC section 2). */
typedef struct sc__dialect_now {
    const char *date, *timestamp, *timestamp_local;
    const char *text_date;       /* 'YYYY-MM-DD' */
    const char *text_timestamp;  /* 'YYYY-MM-DD HH:MM:SS.ffffff' */
    const char *epoch;           /* whole seconds since 1970 */
    /* default current_date: the day of the session's time zone, in the
     * column's type and as 'YYYY-MM-DD' (the UTC day where a session
     * has no zone) */
    const char *session_date, *text_session_date;
} sc__dialect_now;

/* How dates and timestamps are written as literals. */
typedef enum sc__time_literal {
    SC__TIME_INTEGER,  /* days, microseconds since 1970 (SQLite) */
    SC__TIME_ISO       /* 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.ffffff]' */
} sc__time_literal;

/* The ALTERs a dialect has; a missing one is done by rebuilding the
 * table (SQLite's way). */
typedef struct sc__dialect_alters {
    bool add_column, drop_column, rename_column, rename_table;
    bool alter_column_type;   /* ALTER COLUMN ... TYPE / MODIFY */
    bool alter_nullability;   /* SET / DROP NOT NULL */
    bool alter_default;       /* SET / DROP DEFAULT */
    bool add_constraint, drop_constraint;
} sc__dialect_alters;

typedef struct sc__dialect {
    sc_dialect id;
    const char *c_name;               /* "SC_DIALECT_SQLITE" */
    const char *name;                 /* "sqlite": files, --dialect */
    const char *const *aliases;       /* other names, NULL-terminated */
    const char *const *url_schemes;   /* "sqlite:", NULL-terminated */
    const char *file_suffix;          /* ".sqlite.sql" */
    char quote_open, quote_close;     /* of an identifier */
    /* The characters of text one index key holds, shared by its text
     * columns, each indexed by its prefix; 0: no bound */
    unsigned key_chars;
    /* The types, as a schema may give them by hand ("stored as mariadb
     * 'mediumtext'", any case, a length after), that an index keys on a
     * prefix of, as it does the dialect's own text; NULL-terminated, NULL:
     * none */
    const char *const *prefix_keyed;
    sc__dialect_types type;
    sc__dialect_now now;

    /* An autoincrement key: the column's type replaced by autoinc_type
     * (NULL: kept), autoinc_before written before the inline PRIMARY
     * KEY, autoinc_after after it. */
    const char *autoinc_type;
    const char *autoinc_before;
    const char *autoinc_after;
    const char *table_suffix;         /* after CREATE TABLE's ")" */
    /* A primary key keeps the name the schema gives it; else the
     * database names every one itself (MariaDB: PRIMARY) */
    bool pk_named;

    /* Literals. */
    const char *bool_true, *bool_false;
    const char *bytes_open;           /* X' or '\x, closed by ' */
    bool uuid_as_bytes;               /* a uuid literal is its 16 bytes */
    bool numeric_as_integer;          /* a scaled numeric is its integer */
    bool decimal_quoted;              /* a decimal literal is a string */
    sc__time_literal time_literal;
    const char *utc_offset;           /* after an ISO moment: "+00" */
    bool negative_default_parens;     /* DEFAULT (-1) */
    bool backslash_escapes;           /* '\\' in a string is one '\' */

    /* Queries. */
    bool has_ilike;                   /* else lower(x) LIKE lower(p) */
    const char *like_escape;          /* the ESCAPE clause */
    const char *offset_without_limit; /* LIMIT before a lone OFFSET */
    /* The collation that orders text by its bytes, or "" when the
     * column's own collation does (declared with the column) */
    const char *byte_collation;
    /* The collation text and varchar columns are declared in, by name,
     * so that their indexes serve byte_collation's comparisons; NULL
     * when the column's type orders by bytes already */
    const char *text_collation;
    /* The collation a text or varchar column of schemac's takes from
     * CREATE TABLE's table options (table_after) without naming it, which
     * ALTER TABLE's ADD and MODIFY COLUMN name: a table schemac did not
     * make has a default of its own.  NULL where the column says it */
    const char *alter_collation;
    bool nulls_order;                 /* NULLS FIRST / LAST written */
    /* An in-list longer than a thousand values goes as one parameter:
     * in_array (or not_in_array), the list, array_close; the list is a
     * JSON array when array_json, else a PostgreSQL array.  NULL: it
     * stays a list */
    const char *in_array, *not_in_array, *array_close;
    bool array_json;
    /* Set when the list is a JSON array of the values' text forms (as
     * strings, bytes and uuids in hex) read by a table function
     * (MariaDB's JSON_TABLE): in_array, array_elem[] of the values'
     * kind (the expression that turns the text back into the column's
     * own type), array_from, the list, array_close */
    const char *array_from;
    const char *array_elem[SC__ELEMS];
    unsigned max_params;              /* in one statement; 0: no bound */
    /* Decimal text ordered as numbers: cast to decimal_cast, or
     * compared by decimal_collation (registered by the driver) */
    const char *decimal_cast;
    const char *decimal_collation;
    bool enum_type_ordered;           /* an enum type orders by label */
    /* Makes an enum type ("%s" its quoted name, then its quoted labels
     * with ", " between them), safe to run twice; NULL where an enum is
     * no type of its own (type.enum_ names the column's type) */
    const char *create_enum;
    bool row_values_from_list;        /* (a, b) IN ((?, ?)) not VALUES */
    const char *empty_insert;         /* " DEFAULT VALUES" */
    bool insert_returning;            /* the new key by RETURNING */
    /* The keys a bulk change finds by a query go through a derived
     * table, IN (SELECT * FROM (SELECT ...) AS sc_target): MariaDB has
     * no LIMIT in an IN subquery, nor the changed table in its own */
    bool target_derived;
    const char *begin;                /* a transaction that reads */

    /* Migrations, and sc_schema_create_all(). */
    const char *begin_write;          /* a transaction that will write */
    /* First in a transaction that changes the schema, so that runners
     * and connections creating one schema at once take turns (the
     * runner's lock); NULL when begin_write lets one writer in at a
     * time already */
    const char *lock_step;
    const char *lock_session;         /* a run's lock: returns 1 taken */
    const char *unlock_session;
    const char *fk_off, *fk_on;       /* around a rebuild, or NULL */
    const char *fk_check;             /* lists violations, or NULL */
    const char *table_exists;         /* "%s": the name; returns 0 or 1 */
    const char *version_columns;      /* lists the version table's */
    const char *count_tables;         /* the user's tables */
    /* "%s" a table: the catalog's estimate of its rows, -1 when not
     * counted yet, -2 when there is no such table; NULL: count them */
    const char *row_estimate;
    const char *now_iso;              /* applied_at: 'YYYY-MM-DDTHH:MM:SSZ' */
    const char *version_table;        /* CREATE TABLE IF NOT EXISTS ... */
    const char *parts_table;
    bool transactional_ddl;           /* DDL rolls back with the rest */
    /* What a schema may say that not every dialect has: a schema using
     * what its dialect lacks has no DDL for it */
    bool deferrable_fk;               /* DEFERRABLE [INITIALLY DEFERRED] */
    bool expression_index;            /* an index over (expr) */
    bool partial_index;               /* CREATE INDEX ... WHERE */
    /* The kinds of object whose CREATE takes IF NOT EXISTS, as
     * "|VIEW|TABLE|": a schema's sql block making one gets it, to run
     * twice; NULL: the block runs in a DO that ignores a duplicate */
    const char *if_not_exists_kinds;
    /* ADD CONSTRAINT c FOREIGN KEY IF NOT EXISTS (...) exists, safe to
     * run twice */
    bool fk_if_not_exists;
    bool lock_timeout;                /* SET [LOCAL] lock_timeout exists */
    bool concurrent_index;            /* CREATE INDEX CONCURRENTLY */
    bool retry_busy;                  /* a busy step is tried again */
    bool raise_guards;                /* a script's guards raise (DO) */
    sc__dialect_alters alter;

    /* What a column of the dialect holds: a value beyond is SC_RANGE,
     * naming table, column and key, refused before it is sent. */
    bool float_infinity;              /* a float stores +-infinity */
    bool float_nan;                   /* a float stores NaN */
    /* The years a date or timestamp holds; max_year 0: the type's own
     * range (every int32_t day and int64_t microsecond on SQLite,
     * PostgreSQL's own limits there) */
    int min_year, max_year;
    bool float_negative_zero;         /* -0.0 reads back with its sign */
    /* A failed statement leaves its transaction only to roll back
     * (PostgreSQL); else the transaction goes on without it */
    bool error_aborts_txn;
    /* The deepest nesting of arrays and objects a json column holds
     * (MariaDB's json_valid() refuses deeper); 0: no bound */
    unsigned json_max_depth;
    /* How migrate diff spells the ALTERs that differ between dialects
     * that have them (alter.alter_column_type). */
    /* A column's type, nullability and default change by one MODIFY
     * COLUMN with its whole definition; else ALTER COLUMN ... TYPE,
     * SET / DROP NOT NULL, SET / DROP DEFAULT each */
    bool modify_column;
    /* A check or foreign key is added NOT VALID and validated in a part
     * of its own */
    bool not_valid;
    /* RENAME CONSTRAINT exists; else a constraint is dropped and added
     * under its new name */
    bool rename_constraint;
    /* After ALTER TABLE t: renaming a unique key, followed by OLD TO NEW
     * (MariaDB's RENAME INDEX, from 10.5.2: a key a foreign key uses
     * cannot be dropped to be added again); NULL: as the other
     * constraints (rename_constraint) */
    const char *rename_key;
    /* After ALTER TABLE t: dropping a foreign key, a unique key and a
     * check, each followed by its name; the primary key (NULL: by its
     * name, as drop_key) */
    const char *drop_fk, *drop_key, *drop_check, *drop_pk;
    bool drop_index_on;               /* DROP INDEX ... ON table */
    bool drop_trigger_on;             /* DROP TRIGGER (RULE, POLICY) ... ON */
    /* A foreign key needs an index over its columns, and the index it
     * uses cannot be dropped from under it */
    bool fk_needs_index;
    /* The function counting a text's characters (not its bytes) */
    const char *char_length;
    /* A migration may lack this dialect's file: one written before
     * migrate diff wrote it (its runner then refuses to start) */
    bool migration_file_optional;
    /* The catalog, as pull and check read it (generator/catalog*.c). */
    bool strict_tables;       /* a table is STRICT or not (SQLite's) */
    /* CHECKs printed in words of the database's own (casts, ANY): check
     * compares their presence only */
    bool checks_reworded;
    /* A collate NAME modifier is written COLLATE NAME in DDL and read
     * back; else text has the column's own order and no word says it */
    bool collate_named;
    /* The type an autoincrement key has in the catalog, NULL: its own */
    const char *autoinc_declared;
    /* A unique index is a unique constraint of the catalog (MariaDB
     * knows no unique index apart from its UNIQUE keys) */
    bool unique_index_is_key;
    /* ON DELETE/UPDATE RESTRICT is the action none given is: alike */
    bool fk_restrict_is_none;
    /* The name the database gives a primary key of one column that the
     * schema names none: the table's name and this ("_pkey"); NULL when
     * such a key stays unnamed */
    const char *pk_name_suffix;
    const char *title;          /* "PostgreSQL": the name in messages */
    const char *database_name;  /* the current database's name, or NULL */

    /* The generator's DDL and C. */
    /* A native column of a strict table gets a CHECK of schemac's on its
     * storage class (SQLite's typeof()) */
    bool type_check;
    bool index_opclass;         /* an index element names its opclass */
    bool index_method;          /* CREATE INDEX ... USING method */
    /* A schema's sql block may make a domain that columns use: a change
     * of its base type alters those columns */
    bool domains;
    /* The field of a column's descriptor that carries the type a schema
     * declares for it in this dialect (".pg_type"); NULL: none */
    const char *declared_type_field;
    /* The declared types that keep a timestamp's fraction to the digits
     * in parentheses after their name ("DATETIME(3)"), any case,
     * NULL-terminated; fraction_default digits when none are given */
    const char *const *fraction_types;
    unsigned fraction_default;
    /* migrate diff prints the lints of this dialect's file on stderr as
     * well as in the file */
    bool lints_printed;
} sc__dialect;

/* The fraction digits a timestamp of declared type type keeps in d: the
 * n of one of d's fraction_types "NAME(n)", else its fraction_default; 6
 * (all of them) for another type or none. */
unsigned sc__fraction_digits(const sc__dialect *d, const char *type);

/* The microseconds such a timestamp is kept to: 1 for all six digits,
 * 1000 for three, 1000000 for none. */
long long sc__fraction_unit(const sc__dialect *d, const char *type);

/* The entry of dialect d; NULL when d is none of SC_DIALECT_*. */
const sc__dialect *sc__dialect_of(sc_dialect d);

/* The entry whose name or alias is name; NULL when none is. */
const sc__dialect *sc__dialect_named(const char *name);

/* The entry whose URL scheme starts url; NULL when none does. */
const sc__dialect *sc__dialect_of_url(const char *url);

#endif
