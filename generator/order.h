/*
 * order.h - the order in which a schema's tables are created.
 *
 * A database refuses a foreign key to a table that does not exist yet
 * (PostgreSQL always; SQLite only once rows arrive), so every script and
 * every create_all makes the parents before their children, whatever the
 * order of declaration, and drops in the reverse.  A cycle of references
 * has no such order: it is broken at the foreign keys that point forward
 * inside it, which are then added once every table exists.
 */
#ifndef SCHEMAC_ORDER_H
#define SCHEMAC_ORDER_H

#include "ast.h"

/*
 * Sets ctx->schema->creation_order (ntables entries, in the pool) and
 * ast_ref.after_tables on every foreign key of the schema:
 *
 * - a foreign key closes a cycle when its table and the table it
 *   references lie on one cycle of references (the same strongly
 *   connected component) and the referenced table is the same table or
 *   one declared later; those are marked after_tables;
 * - the other foreign keys order the tables: each comes after the tables
 *   they reference, and among tables free to go, the one declared first
 *   goes first, so a schema already in that order keeps it.
 *
 * A foreign key whose target is unknown (a schema with errors) is
 * ignored.  Runs in time O((tables + foreign keys) log tables), with no
 * recursion.
 */
void order_tables(ast_ctx *ctx);

/* Whether the table holds a foreign key marked after_tables. */
bool order_has_after_tables(const ast_table *t);

#endif /* SCHEMAC_ORDER_H */
