/*
 * migfile.h - reading and sealing a migrations directory
 * (docs/MIGRATIONS.md): the files NNNN_NAME.schema, NNNN_NAME.sqlite.sql
 * and NNNN_NAME.postgresql.sql for each version, and schemac.sum, the
 * checksums that show a file was edited or lost.
 *
 * `schemac migrate diff` finds its starting point with migfile_head() and
 * seals what it wrote with migfile_write_sum(); `schemac migrate up` and
 * friends read the directory with migfile_load() into the sc_migration
 * array that libschemac's runner takes.
 */
#ifndef SCHEMAC_MIGFILE_H
#define SCHEMAC_MIGFILE_H

#include "buf.h"
#include "schemac.h"

/* The migrations of a directory, versions 1..n in order. */
typedef struct migfile_set {
    sc_migration *migs;
    unsigned n;
    struct migfile_store *store; /* what the strings of migs point into */
} migfile_set;

/*
 * Reads dir: lists its migrations, checks that versions count 1, 2, ...
 * with all three files each, verifies every file against schemac.sum,
 * parses the .sql files and computes each migration's checksum.  Returns
 * 0, or -1 with a message in err ("FILE:LINE: message" for a malformed
 * file) and *out empty.  Free *out with migfile_free() either way.
 */
int migfile_load(const char *dir, migfile_set *out, buf *err);
void migfile_free(migfile_set *s);

/*
 * (Re)writes dir/schemac.sum over the migration files of dir.  Returns 0,
 * or -1 after printing "schemac: ..." to stderr.
 */
int migfile_write_sum(const char *dir);

/*
 * Where the next diff starts: *snapshot receives the path of the newest
 * NNNN_NAME.schema (the caller frees it; NULL when dir holds no migration
 * or does not exist) and *next the version the next migration takes.
 * Returns 0, or -1 with a message in err (an incomplete migration, a gap
 * between versions).
 */
int migfile_head(const char *dir, char **snapshot, unsigned *next, buf *err);

#endif /* SCHEMAC_MIGFILE_H */
