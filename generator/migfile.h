/*
 * migfile.h - reading and sealing a migrations directory
 * (docs/MIGRATIONS.md): the files NNNN_NAME.schema, NNNN_NAME.sqlite.sql
 * and NNNN_NAME.postgresql.sql for each version (and NNNN_NAME.mariadb.sql
 * where there is one), and schemac.sum, the checksums that show a file
 * was edited or lost.
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

/* migfile_load() without comparing the files with schemac.sum: for
 * migrate hash, which seals a reviewed edit. */
int migfile_load_unsealed(const char *dir, migfile_set *out, buf *err);

/* The path of the file of version v with suffix (".schema",
 * ".sqlite.sql", ".postgresql.sql") in dir, for the caller to free; NULL
 * with a message in err when there is none. */
char *migfile_file(const char *dir, unsigned v, const char *suffix,
                   buf *err);

/*
 * (Re)writes dir/schemac.sum over the migration files of dir.  Returns 0,
 * or -1 after printing "schemac: ..." to stderr.
 */
int migfile_write_sum(const char *dir);

/* A migration about to be written: its four file names, in the order
 * they sort (.mariadb.sql, .postgresql.sql, .schema, .sqlite.sql), and
 * their text. */
#define MIGFILE_NFILES 4
typedef struct migfile_new {
    const char *names[MIGFILE_NFILES];
    buf data[MIGFILE_NFILES];
} migfile_new;

/*
 * Writes the files of a new migration and the schemac.sum that seals
 * them, all or none: each goes to a temporary file first, and only when
 * all four are on disk are they renamed into place, the sum last.  The
 * files already there must match schemac.sum.  Returns 0, or -1 with a
 * message in err and nothing changed.
 */
int migfile_write_new(const char *dir, const migfile_new *m, buf *err);

/*
 * Removes what an unfinished write left in dir: temporary files, and a
 * newest migration that lacks some of its files, none of them in
 * schemac.sum (migfile_load() and migfile_head() leave such a migration
 * out).  Appends a line per removed file to note; returns their number.
 */
int migfile_clean(const char *dir, buf *note);

/*
 * Where the next diff starts: *snapshot receives the path of the newest
 * NNNN_NAME.schema (the caller frees it; NULL when dir holds no migration
 * or does not exist) and *next the version the next migration takes.
 * Returns 0, or -1 with a message in err (an incomplete migration, a gap
 * between versions).
 */
int migfile_head(const char *dir, char **snapshot, unsigned *next, buf *err);

#endif /* SCHEMAC_MIGFILE_H */
