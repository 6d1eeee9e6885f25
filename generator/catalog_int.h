/*
 * catalog_int.h - what the catalog readers of the dialects share: the
 * state of one reading, and the helpers that add to the structure.
 * catalog.c holds SQLite's and PostgreSQL's readers and the parser;
 * each further dialect's reader is a file of its own.
 */
#ifndef SCHEMAC_CATALOG_INT_H
#define SCHEMAC_CATALOG_INT_H

#include "catalog.h"

typedef struct cat__reader {
    cat_db *c;
    sc_db *db;
    cat_table **tables_end;
    cat_index **indexes_end;
    cat_enum **enums_end;
    cat_object **objects_end;
    int capparts;
} cat__reader;

/* s copied into the pool, NULL for NULL. */
const char *cat__dup(const cat_db *c, const char *s);
/* A boolean as the databases print one: "1", "t", "true". */
bool cat__truthy(const char *s);
/* Appends k to t's columns (t->npk follows k->pk). */
void cat__add_column(cat_table *t, cat_column *k);
/* Appends constraint k to t's. */
void cat__add_constraint(cat_table *t, cat_constraint *k);
/* Appends an object of the kind, the CREATE text sql. */
void cat__add_object(cat__reader *r, const char *kind, const char *name,
                     const char *sql, bool before);

/* MariaDB's reader (catalog_mariadb.c). */
int cat__read_mariadb(cat__reader *r, bool want_sample);
const char *cat__mariadb_canon(ast_ctx *pool, const char *type);

#endif /* SCHEMAC_CATALOG_INT_H */
