/*
 * migfile.c - reads a migrations directory into the sc_migration array
 * that libschemac's runner takes, and writes its schemac.sum.  The format
 * is docs/MIGRATIONS.md's; see migfile.h for the three entry points.
 *
 * Reading is strict on purpose: a gap between versions, a migration
 * without all three files, a file that differs from schemac.sum or a
 * .sql file the parser does not understand stops everything with a
 * message naming the file, since running a half-understood migration
 * against a database is worse than running none.
 */
#include "migfile.h"

#include "dialect.h"
#include "emit_sql.h"
#include "fsutil.h"
#include "mem.h"

#include <nettle/base16.h>
#include <nettle/sha2.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUM_FILE "schemac.sum"

/* Room for a SHA-256 digest in lowercase hex with its NUL. */
#define HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

/* The kinds of file of a migration: its schema (kind 0) and the script
 * of each dialect (the kind is the dialect's number), whose suffix is
 * the dialect table's.  The file of a dialect the generator does not
 * write yet may be missing: a migration written before the dialect had
 * one has no script for it. */
enum { KIND_SCHEMA = 0, NKINDS = SC_NDIALECTS + 1 };

static const char *suffix_of(int kind)
{
    return kind == KIND_SCHEMA ? ".schema"
                               : sc__dialect_of((sc_dialect)kind)->file_suffix;
}

/* The files every migration has: its schema and the files of the
 * dialects the generator writes, but for those a migration written
 * before the dialect had migrations lacks. */
static bool required(int kind)
{
    const sql_dialect *ds;
    int i, n;

    if (kind == KIND_SCHEMA)
        return true;
    if (sc__dialect_of((sc_dialect)kind)->migration_file_optional)
        return false;
    ds = emit_sql_migration_dialects(&n);
    for (i = 0; i < n; i++)
        if (ds[i] == (sc_dialect)kind)
            return true;
    return false;
}

/* How many files every migration has. */
static size_t nrequired(void)
{
    size_t n = 0;
    int k;

    for (k = 0; k < NKINDS; k++)
        n += required(k);
    return n;
}

/* Everything the strings of a migfile_set point into. */
struct migfile_store {
    void **ptrs;
    size_t n, cap;
};

/* The migration files of a directory, sorted by name. */
typedef struct listing {
    char **files;
    size_t nfiles;
    unsigned n;   /* versions: 1..n */
    /* The files of an unfinished newest migration (some of its three
     * files, none in schemac.sum), left out of files. */
    char **stray;
    size_t nstray;
} listing;

/* ---------------------------------------------------------------------
 * Memory: the generator's funnel, which ends the run when memory runs out
 * (mem.h).
 * ------------------------------------------------------------------- */

#define xmalloc mem_alloc

static char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Hands p to the store, which frees it with the set. */
static void *keep(struct migfile_store *s, void *p)
{
    if (s->n == s->cap) {
        void **q;

        s->cap = s->cap ? s->cap * 2 : 32;
        q = mem_realloc(s->ptrs, s->cap * sizeof *q);
        s->ptrs = q;
    }
    s->ptrs[s->n++] = p;
    return p;
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    char *p = xmalloc(n + strlen(name) + 2);

    sprintf(p, "%s%s%s", dir, n > 0 && dir[n - 1] != '/' ? "/" : "", name);
    return p;
}

/* ---------------------------------------------------------------------
 * Listing: which files are migrations, and are they complete.
 * ------------------------------------------------------------------- */

static bool is_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

/* Whether file is a temporary file of an unfinished write
 * ("0004_x.schema.tmp.XXXXXX", fsutil.c's fs_stage()), which readers
 * ignore and migrate diff removes. */
static bool is_staged(const char *file)
{
    const char *t = strstr(file, ".tmp.");

    return t != NULL && strlen(t) == 11;
}

/*
 * Classifies a file name: 1 for NNNN_NAME plus a known suffix (setting
 * *version, *namelen and *kind), 0 for a file that is no migration, -1
 * for one that starts like a migration but is not one.
 */
static int classify(const char *file, unsigned *version, size_t *namelen,
                    int *kind)
{
    size_t len = strlen(file), sl, i;
    int k;

    if (len < 6 || !is_digits(file, 4) || file[4] != '_')
        return 0;
    if (is_staged(file))
        return 0;
    for (k = 0; k < NKINDS; k++) {
        sl = strlen(suffix_of(k));
        if (len > 5 + sl && strcmp(file + len - sl, suffix_of(k)) == 0)
            break;
    }
    if (k == NKINDS)
        return -1;
    *namelen = len - 5 - sl;
    for (i = 5; i < 5 + *namelen; i++) {
        char c = file[i];

        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9')))
            return -1;
    }
    *version = (unsigned)atoi(file);
    *kind = k;
    return *version > 0 ? 1 : -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void listing_free(listing *l)
{
    size_t i;

    for (i = 0; i < l->nfiles; i++)
        free(l->files[i]);
    free(l->files);
    for (i = 0; i < l->nstray; i++)
        free(l->stray[i]);
    free(l->stray);
    memset(l, 0, sizeof *l);
}

static const char *sum_line(const char *sum, const char *file);

/*
 * Leaves out an unfinished newest migration: one that lacks some of its
 * three files, none of them in schemac.sum, as an interrupted or
 * disk-full migrate diff of an older schemac left behind.  (A complete
 * migration missing from the sum is no accident of writing: the readers
 * report it.)
 */
static void drop_unfinished(const char *dir, listing *l)
{
    unsigned version, last;
    size_t namelen, i, first;
    char *path, *sum = NULL;
    size_t len;
    int kind;

    if (l->nfiles == 0)
        return;
    classify(l->files[l->nfiles - 1], &last, &namelen, &kind);
    for (first = l->nfiles; first > 0; first--) {
        classify(l->files[first - 1], &version, &namelen, &kind);
        if (version != last)
            break;
    }
    if (l->nfiles - first >= nrequired())
        return;
    path = path_join(dir, SUM_FILE);
    if (fs_read(path, &sum, &len) != 0)
        sum = NULL;
    free(path);
    for (i = first; sum != NULL && i < l->nfiles; i++) {
        if (sum_line(sum, l->files[i]) != NULL) {
            free(sum);
            return;
        }
    }
    free(sum);
    l->stray = xmalloc((l->nfiles - first) * sizeof *l->stray);
    for (i = first; i < l->nfiles; i++)
        l->stray[l->nstray++] = l->files[i];
    l->nfiles = first;
}

/* Adds the migration files of the open directory d to l. */
static int read_entries(const char *dir, DIR *d, listing *l, buf *err)
{
    struct dirent *e;
    size_t cap = 0, namelen;
    unsigned version;
    int kind;

    while ((e = readdir(d)) != NULL) {
        int c = classify(e->d_name, &version, &namelen, &kind);

        if (c < 0) {
            buf_printf(err, "%s: unexpected file %s: migration files are "
                            "NNNN_NAME.schema, .sqlite.sql, .postgresql.sql "
                            "(and .mariadb.sql)",
                       dir, e->d_name);
            return -1;
        }
        if (c == 0)
            continue;
        if (l->nfiles == cap) {
            char **q;

            cap = cap ? cap * 2 : 16;
            q = mem_realloc(l->files, cap * sizeof *q);
            l->files = q;
        }
        l->files[l->nfiles++] = xstrndup(e->d_name, strlen(e->d_name));
    }
    return 0;
}

/* Checks that the versions of l count 1, 2, ... and that each has its
 * three files under one name; sets l->n. */
static int check_versions(const char *dir, listing *l, buf *err)
{
    unsigned version, mask = 0, cur = 0;
    size_t i, namelen, curlen = 0;
    const char *curname = NULL;
    int kind, k;

    for (i = 0; i <= l->nfiles; i++) {
        if (i < l->nfiles)
            classify(l->files[i], &version, &namelen, &kind);
        if (i < l->nfiles && version == cur) {
            if (namelen != curlen || memcmp(l->files[i] + 5, curname + 5,
                                            namelen) != 0) {
                buf_printf(err, "%s: %s and %s both claim version %04u",
                           dir, curname, l->files[i], cur);
                return -1;
            }
            mask |= 1u << kind;
            continue;
        }
        for (k = 0; cur > 0 && k < NKINDS; k++) {
            if (!(mask & (1u << k)) && required(k)) {
                buf_printf(err, "%s: migration %04u %.*s has no file "
                                "%.*s%s", dir, cur, (int)curlen,
                           curname + 5, (int)(curlen + 5), curname,
                           suffix_of(k));
                return -1;
            }
        }
        if (i == l->nfiles)
            break;
        if (version != cur + 1) {
            buf_printf(err, "%s: migration %04u is missing: the versions "
                            "go from %04u to %04u", dir, cur + 1, cur,
                       version);
            return -1;
        }
        cur = version;
        curname = l->files[i];
        curlen = namelen;
        mask = 1u << kind;
    }
    l->n = cur;
    return 0;
}

/* Lists dir's migration files.  Returns 0, 1 when dir does not exist,
 * or -1 with a message in err. */
static int list_dir(const char *dir, listing *l, buf *err)
{
    DIR *d = opendir(dir);
    int rc;

    memset(l, 0, sizeof *l);
    if (d == NULL && errno == ENOENT)
        return 1;
    if (d == NULL) {
        buf_printf(err, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    rc = read_entries(dir, d, l, err);
    closedir(d);
    if (rc == 0 && l->nfiles > 0)
        qsort(l->files, l->nfiles, sizeof l->files[0], by_name);
    if (rc == 0)
        drop_unfinished(dir, l);
    if (rc == 0)
        rc = check_versions(dir, l, err);
    if (rc != 0)
        listing_free(l);
    return rc;
}

/* The file of version v (from 1) and kind k in a checked listing, NULL
 * when the migration has none (a dialect's file that may be missing). */
static const char *file_of(const listing *l, unsigned v, int k)
{
    unsigned version;
    size_t i, namelen;
    int kind;

    for (i = 0; i < l->nfiles; i++) {
        classify(l->files[i], &version, &namelen, &kind);
        if (version == v && kind == k)
            return l->files[i];
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * schemac.sum: "HEX  FILE" per file, sorted, then "HEX  *" over the
 * lines before it.
 * ------------------------------------------------------------------- */

/* Finishes c into hex: lowercase and NUL-terminated, as sha256sum
 * prints it and as schemac.sum and the version tables hold it. */
static void digest_hex(struct sha256_ctx *c, char hex[HEX_SIZE])
{
    uint8_t digest[SHA256_DIGEST_SIZE];

    sha256_digest(c, sizeof digest, digest);
    base16_encode_update(hex, sizeof digest, digest);
    hex[2 * sizeof digest] = '\0';
}

/* The hex digest of n bytes at data. */
static void data_hex(const void *data, size_t n, char hex[HEX_SIZE])
{
    struct sha256_ctx c;

    sha256_init(&c);
    sha256_update(&c, n, data);
    digest_hex(&c, hex);
}

/* The hex SHA-256 of dir/file; -1 with a message when it is unreadable. */
static int hash_file(const char *dir, const char *file,
                     char hex[HEX_SIZE], buf *err)
{
    char *path = path_join(dir, file), *data;
    size_t len;
    int rc = 0;

    if (fs_read(path, &data, &len) != 0) {
        buf_printf(err, "cannot read %s: %s", path, strerror(errno));
        rc = -1;
    } else {
        data_hex(data, len, hex);
        free(data);
    }
    free(path);
    return rc;
}

/* The text schemac.sum should hold for listing l, with the files of
 * extra (none when NULL) as they will be once written.  known, when not
 * NULL, is l's sum as verified just now: its lines give the sums of l's
 * files, in order, which need no reading again. */
static int sum_text_with(const char *dir, const listing *l,
                         const migfile_new *extra, const char *known,
                         buf *out, buf *err)
{
    char hex[HEX_SIZE];
    size_t i = 0, k = 0;
    int c;

    while (i < l->nfiles || (extra != NULL && k < MIGFILE_NFILES)) {
        c = i == l->nfiles ? 1
            : extra == NULL || k == MIGFILE_NFILES
                ? -1
                : strcmp(l->files[i], extra->names[k]);
        if (c < 0 || (c == 0 && extra == NULL)) {
            if (known != NULL) {
                memcpy(hex, known, HEX_SIZE - 1);
                hex[HEX_SIZE - 1] = '\0';
                known = strchr(known, '\n') + 1;
            } else if (hash_file(dir, l->files[i], hex, err) != 0) {
                return -1;
            }
            buf_printf(out, "%s  %s\n", hex, l->files[i++]);
            continue;
        }
        data_hex(extra->data[k].data, extra->data[k].len, hex);
        buf_printf(out, "%s  %s\n", hex, extra->names[k++]);
        i += c == 0;
    }
    data_hex(out->data, out->len, hex);
    buf_printf(out, "%s  *\n", hex);
    return 0;
}

static int sum_text(const char *dir, const listing *l, buf *out, buf *err)
{
    return sum_text_with(dir, l, NULL, NULL, out, err);
}

/* Whether file is what fs_stage() leaves when a run stops before its
 * rename: a migration file's or schemac.sum's temporary file. */
static bool is_leftover(const char *file)
{
    unsigned v;
    size_t n;
    int k;

    if (strncmp(file, SUM_FILE ".tmp.", strlen(SUM_FILE) + 5) == 0)
        return strlen(file) == strlen(SUM_FILE) + 11;
    char name[512];
    size_t len = strlen(file);

    if (!is_staged(file) || len <= 11 || len - 11 >= sizeof name)
        return false;
    memcpy(name, file, len - 11);
    name[len - 11] = '\0';
    return classify(name, &v, &n, &k) == 1;
}

int migfile_clean(const char *dir, buf *note)
{
    DIR *d;
    struct dirent *e;
    listing l;
    buf err;
    size_t i;
    char *path;
    int n = 0;

    buf_init(&err);
    if (list_dir(dir, &l, &err) == 0) {
        for (i = 0; i < l.nstray; i++, n++) {
            path = path_join(dir, l.stray[i]);
            if (remove(path) == 0)
                buf_printf(note, "removed %s: an unfinished migration, "
                                 "not in %s\n", path, SUM_FILE);
            free(path);
        }
        listing_free(&l);
    }
    buf_free(&err);
    if ((d = opendir(dir)) == NULL)
        return n;
    while ((e = readdir(d)) != NULL) {
        if (!is_leftover(e->d_name))
            continue;
        path = path_join(dir, e->d_name);
        if (remove(path) == 0) {
            buf_printf(note, "removed %s: the temporary file of an "
                             "unfinished write\n", path);
            n++;
        }
        free(path);
    }
    closedir(d);
    return n;
}

static int verify_sum(const char *dir, const listing *l, buf *verified,
                      buf *err);

int migfile_write_new(const char *dir, const migfile_new *m, buf *err)
{
    listing l;
    buf sum, old;
    char *path;
    const char *failed;
    int rc = list_dir(dir, &l, err), k;

    if (rc > 0)
        memset(&l, 0, sizeof l);
    if (rc < 0)
        return -1;
    buf_init(&sum);
    buf_init(&old);
    /* the files there must be the ones sealed: a new sum would seal an
     * edit nobody reviewed */
    rc = l.nfiles > 0 ? verify_sum(dir, &l, &old, err) : 0;
    if (rc != 0)
        buf_printf(err, "; seal a reviewed edit with schemac migrate hash "
                        "before writing a new migration");
    if (rc == 0)
        rc = sum_text_with(dir, &l, m, l.nfiles > 0 ? old.data : NULL, &sum,
                           err);
    buf_free(&old);
    for (k = 0; rc == 0 && k <= MIGFILE_NFILES; k++) {
        const buf *b = k < MIGFILE_NFILES ? &m->data[k] : &sum;

        path = path_join(dir, k < MIGFILE_NFILES ? m->names[k] : SUM_FILE);
        if (fs_stage(path, b->data ? b->data : "", b->len) < 0) {
            buf_printf(err, "cannot write %s: %s", path, strerror(errno));
            rc = -1;
        }
        free(path);
    }
    if (rc == 0 && fs_commit(&failed) != 0) {
        buf_printf(err, "cannot write %s: %s", failed, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        fs_discard();
    buf_free(&sum);
    listing_free(&l);
    return rc;
}

static int write_sum(const char *dir, buf *err)
{
    listing l;
    buf text;
    char *path;
    int rc = list_dir(dir, &l, err);

    if (rc != 0) {
        if (rc > 0)
            buf_printf(err, "%s: no such directory", dir);
        return -1;
    }
    buf_init(&text);
    path = path_join(dir, SUM_FILE);
    rc = sum_text(dir, &l, &text, err);
    if (rc == 0 && fs_write_if_changed(path, text.data, text.len, NULL)) {
        buf_printf(err, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(path);
    buf_free(&text);
    listing_free(&l);
    return rc;
}

int migfile_write_sum(const char *dir)
{
    buf err;
    int rc;

    buf_init(&err);
    rc = write_sum(dir, &err);
    if (rc != 0)
        fprintf(stderr, "schemac: %s\n", err.data);
    buf_free(&err);
    return rc;
}

/* Whether file appears in the sum text: the first line naming it, or
 * NULL. */
static const char *sum_line(const char *sum, const char *file)
{
    size_t n = strlen(file);
    const char *p = sum;

    while (p != NULL && *p != '\0') {
        if (strlen(p) > 66 + n && strncmp(p + 66, file, n) == 0 &&
            p[66 + n] == '\n')
            return p;
        p = strchr(p, '\n');
        p = p != NULL ? p + 1 : NULL;
    }
    return NULL;
}

/* Explains how the file's recorded sum and the actual one disagree. */
static int explain_mismatch(const char *dir, const char *file,
                            const char *want, buf *err)
{
    char hex[HEX_SIZE];
    char *path = path_join(dir, file);
    const char *line = sum_line(want, file);

    if (hash_file(dir, file, hex, err) != 0) {
        free(path);
        return -1;
    }
    if (line == NULL)
        buf_printf(err, "%s is not in %s: migration files are written by "
                        "schemac migrate diff or new; seal a reviewed one "
                        "with schemac migrate hash", path, SUM_FILE);
    else if (strncmp(line, hex, 64) != 0)
        buf_printf(err, "%s was edited after %s was written (its SHA-256 "
                        "is %.12s, not %.12s)", path, SUM_FILE, hex, line);
    free(path);
    return line == NULL || strncmp(line, hex, 64) != 0 ? -1 : 0;
}

/* A file listed in the sum that the directory lacks, or NULL. */
static const char *missing_file(const listing *l, const char *sum,
                                buf *name)
{
    const char *p, *end;
    size_t i;

    for (p = sum; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
        end = strchr(p, '\n');
        if (end == NULL)
            end = p + strlen(p);
        if (end - p <= 66)
            continue;
        buf_reset(name);
        buf_put(name, p + 66, (size_t)(end - p - 66));
        if (strcmp(name->data, "*") == 0)
            continue;
        for (i = 0; i < l->nfiles && strcmp(l->files[i], name->data); i++)
            ;
        if (i == l->nfiles)
            return name->data;
    }
    return NULL;
}

/* Compares dir/schemac.sum with the files of l; -1 with a message naming
 * the first file that differs.  When it matches, its text goes into
 * verified (unless NULL). */
static int verify_sum(const char *dir, const listing *l, buf *verified,
                      buf *err)
{
    buf want, name;
    char *path = path_join(dir, SUM_FILE), *have = NULL;
    const char *gone;
    size_t len, i;
    int rc = 0;

    buf_init(&want);
    buf_init(&name);
    if (fs_read(path, &have, &len) != 0) {
        if (l->nfiles > 0)
            buf_printf(err, "cannot read %s: %s", path, strerror(errno));
        rc = l->nfiles > 0 ? -1 : 0;
        goto cleanup;
    }
    if (sum_text(dir, l, &want, err) != 0) {
        rc = -1;
        goto cleanup;
    }
    if (len == want.len && memcmp(have, want.data, len) == 0) {
        if (verified != NULL)
            buf_put(verified, want.data, want.len);
        goto cleanup;
    }
    rc = -1;
    if ((gone = missing_file(l, have, &name)) != NULL) {
        buf_printf(err, "%s/%s is missing: %s lists it", dir, gone,
                   SUM_FILE);
        goto cleanup;
    }
    for (i = 0; i < l->nfiles; i++) {
        if (explain_mismatch(dir, l->files[i], have, err) != 0)
            goto cleanup;
    }
    buf_printf(err, "%s was edited by hand: write it again with schemac "
                    "migrate diff", path);
cleanup:
    free(path);
    free(have);
    buf_free(&want);
    buf_free(&name);
    return rc;
}

/* ---------------------------------------------------------------------
 * A .sql file: directives (-- +foreign-keys off, -- +guard, -- +up,
 * -- +down), comments, and the SQL of guards and scripts.
 * ------------------------------------------------------------------- */

/* IN_DOWN_HEAD: after "-- +down", where directives of the down script
 * may still come, up to its first statement. */
enum { IN_HEAD, IN_GUARD, IN_UP, IN_DOWN_HEAD, IN_DOWN };

typedef struct parser {
    const char *path;
    struct migfile_store *store;
    sc_migration_script *out;
    buf *err;
    int state;
    unsigned line;        /* of the line being read, from 1 */
    unsigned guard_line;  /* where the open guard started */
    buf text;             /* the guard or script being collected */
    sc_migration_guard *guards;  /* of the up script */
    unsigned cap;
    sc_migration_guard *dguards; /* of the down script */
    unsigned dcap;
    int guard_return;            /* the state a guard's query ends in */
    /* Parts of the script being read (docs/MIGRATIONS.md "Parts"). */
    bool split;                  /* a part directive came */
    bool part_tx;                /* the part being collected */
    unsigned part_line;          /* the line its text starts on */
    sc_migration_part *parts;
    unsigned nparts, pcap;
    /* The dialect commits DDL on its own (MariaDB): every part runs
     * outside a transaction, statement by statement, its progress
     * recorded after each. */
    bool loose;
} parser;

static bool blank_or_comment(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r')) {
        s++;
        n--;
    }
    return n == 0 || (n >= 2 && s[0] == '-' && s[1] == '-');
}

/* Whether text holds SQL, not just blank and comment lines. */
static bool has_sql(const char *text, size_t len)
{
    const char *p = text, *end = text + len, *nl;

    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            nl = end;
        if (!blank_or_comment(p, (size_t)(nl - p)))
            return true;
        p = nl + 1;
    }
    return false;
}

static int fail(parser *p, unsigned line, const char *what)
{
    buf_printf(p->err, "%s:%u: %s", p->path, line, what);
    return -1;
}

/* ---------------------------------------------------------------------
 * Statements.  The runner hands a script to the database whole, but two
 * things need its statements one by one: a part outside a transaction
 * runs them one at a time, and a statement that ends or starts a
 * transaction (COMMIT; BEGIN;) is refused, since it would commit half a
 * migration that the runner then believes it can roll back.  The scanner
 * skips quoted text ('...', "...", $tag$...$tag$) and comments, and
 * keeps a trigger's BEGIN ... END (and the CASE ... END in it) whole.
 * ------------------------------------------------------------------- */

static bool word_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static bool is_word(const char *s, size_t n, const char *w)
{
    size_t i, wl = strlen(w);

    if (n != wl)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];

        if (c != w[i])
            return false;
    }
    return true;
}

/* Skips a comment or quoted text at s (returns s when there is none). */
static const char *skip_quoted(const char *s, const char *end)
{
    const char *q, *t;

    if (end - s >= 2 && s[0] == '-' && s[1] == '-') {
        q = memchr(s, '\n', (size_t)(end - s));
        return q != NULL ? q : end;
    }
    if (end - s >= 2 && s[0] == '/' && s[1] == '*') {
        for (q = s + 2; q + 1 < end && !(q[0] == '*' && q[1] == '/'); q++)
            ;
        return q + 1 < end ? q + 2 : end;
    }
    if (*s == '\'' || *s == '"') {
        for (q = s + 1; q < end && *q != *s; q++)
            ;
        return q < end ? q + 1 : end;
    }
    if (*s == '$') {
        for (t = s + 1; t < end && word_char(*t) && !(*t >= '0' &&
                                                       *t <= '9'); t++)
            ;
        if (t < end && *t == '$') {
            size_t tl = (size_t)(t - s + 1);

            for (q = t + 1; q + tl <= end; q++) {
                if (memcmp(q, s, tl) == 0)
                    return q + tl;
            }
            return end;
        }
    }
    return s;
}

/* The length of the first statement of s (through its ';'), and its
 * first word in *w, *wn (none: *wn is 0). */
static size_t stmt_len(const char *s, const char *end, const char **w,
                       size_t *wn)
{
    const char *p = s, *q;
    bool create = false, first = true;
    int depth = 0;

    *w = NULL;
    *wn = 0;
    while (p < end) {
        q = skip_quoted(p, end);
        if (q != p) {
            p = q;
            continue;
        }
        if (*p == ';' && depth <= 0)
            return (size_t)(p + 1 - s);
        if (!word_char(*p)) {
            p++;
            continue;
        }
        for (q = p; q < end && word_char(*q); q++)
            ;
        if (first) {
            *w = p;
            *wn = (size_t)(q - p);
            create = is_word(p, *wn, "CREATE");
            first = false;
        } else if (create && (is_word(p, (size_t)(q - p), "BEGIN") ||
                              (depth > 0 &&
                               is_word(p, (size_t)(q - p), "CASE")))) {
            depth++;
        } else if (create && is_word(p, (size_t)(q - p), "END")) {
            depth--;
        }
        p = q;
    }
    return (size_t)(end - s);
}

/* Whether a statement starting with word w (and then rest) ends or
 * starts a transaction. */
static bool is_txn_control(const char *w, size_t n, const char *rest,
                           const char *end)
{
    const char *q;
    size_t m;

    if (is_word(w, n, "BEGIN") || is_word(w, n, "COMMIT") ||
        is_word(w, n, "END") || is_word(w, n, "ABORT"))
        return true;
    for (q = rest; q < end && !word_char(*q) && *q != ';'; q++)
        ;
    for (m = 0; q + m < end && word_char(q[m]); m++)
        ;
    if (is_word(w, n, "START"))
        return is_word(q, m, "TRANSACTION");
    if (is_word(w, n, "ROLLBACK"))
        return !is_word(q, m, "TO");
    return false;
}

/* Refuses a transaction control statement in text, which starts on line
 * `line` of the file. */
static int check_statements(parser *p, const char *text, size_t len,
                            unsigned line)
{
    const char *s = text, *end = text + len, *w, *c;
    size_t n, wn;

    while (s < end) {
        n = stmt_len(s, end, &w, &wn);
        if (wn > 0 && is_txn_control(w, wn, w + wn, s + n)) {
            for (c = text; c < w; c++)
                line += *c == '\n';
            buf_printf(p->err, "%s:%u: %.*s in a script: the runner runs "
                               "each part of a migration in a "
                               "transaction of its own; split the script "
                               "with -- +transaction or -- +no-transaction "
                               "instead (docs/MIGRATIONS.md, Parts)",
                       p->path, line, (int)wn, w);
            return -1;
        }
        s += n;
    }
    return 0;
}

/* The statements of text as a NULL-terminated list, kept in the store. */
static const char *const *statement_list(parser *p, const char *text,
                                         size_t len)
{
    const char *s = text, *end = text + len, *w;
    const char **list;
    size_t n, wn, k = 0, cap = 1;

    for (n = 0; n < len; n++)
        cap += text[n] == ';';
    list = keep(p->store, xmalloc((cap + 1) * sizeof *list));
    while (s < end && k < cap) {
        n = stmt_len(s, end, &w, &wn);
        if (wn > 0)
            list[k++] = keep(p->store, xstrndup(w, (size_t)(s + n - w)));
        s += n;
    }
    list[k] = NULL;
    return list;
}

/* Ends the part being collected (dropped when it holds no SQL). */
static int end_part(parser *p)
{
    const char **one;
    sc_migration_part *part;

    if (!has_sql(p->text.data, p->text.len)) {
        buf_reset(&p->text);
        return 0;
    }
    if (check_statements(p, p->text.data, p->text.len, p->part_line) != 0)
        return -1;
    if (p->nparts == p->pcap) {
        p->pcap = p->pcap ? p->pcap * 2 : 4;
        p->parts = mem_realloc(p->parts, p->pcap * sizeof *p->parts);
    }
    part = &p->parts[p->nparts++];
    part->transactional = p->part_tx && !p->loose;
    if (part->transactional) {
        one = keep(p->store, xmalloc(2 * sizeof *one));
        one[0] = keep(p->store, xstrndup(p->text.data, p->text.len));
        one[1] = NULL;
        part->sql = one;
    } else {
        part->sql = statement_list(p, p->text.data, p->text.len);
    }
    buf_reset(&p->text);
    return 0;
}

/* Ends the up or down section being collected. */
static int end_script(parser *p)
{
    bool up = p->state == IN_UP;
    const char **slot = up ? &p->out->up : &p->out->down;

    if (p->state != IN_UP && p->state != IN_DOWN &&
        p->state != IN_DOWN_HEAD)
        return 0;
    if (p->split || p->loose) {
        if (end_part(p) != 0)
            return -1;
        *slot = NULL;
        if (up) {
            p->out->ups = p->nparts ? keep(p->store, p->parts) : NULL;
            p->out->nup = p->nparts;
        } else {
            p->out->downs = p->nparts ? keep(p->store, p->parts) : NULL;
            p->out->ndown = p->nparts;
        }
        if (p->nparts == 0) {
            free(p->parts);
            *slot = "";
        }
        p->parts = NULL;
        p->nparts = p->pcap = 0;
        p->split = false;
        return 0;
    }
    if (check_statements(p, p->text.data, p->text.len, p->part_line) != 0)
        return -1;
    if (has_sql(p->text.data, p->text.len))
        *slot = keep(p->store, xstrndup(p->text.data, p->text.len));
    else
        *slot = "";
    buf_reset(&p->text);
    return 0;
}

/* "-- +transaction" or "-- +no-transaction": ends a part, starts one. */
static int start_part(parser *p, bool tx)
{
    if (p->state != IN_UP && p->state != IN_DOWN &&
        p->state != IN_DOWN_HEAD)
        return fail(p, p->line, "-- +transaction and -- +no-transaction "
                                "come after -- +up or -- +down");
    p->split = true;
    if (end_part(p) != 0)
        return -1;
    if (p->state == IN_DOWN_HEAD)
        p->state = IN_DOWN;
    p->part_tx = tx;
    p->part_line = p->line + 1;
    return 0;
}

static bool only_space(const char *s, const char *end)
{
    for (; s < end; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return false;
    }
    return true;
}

/* Reads a quoted reason ("...", with \" and \\) at s; NULL when s is
 * not one, or something follows it. */
static char *parse_reason(const char *s, const char *end)
{
    buf r;

    if (s >= end || *s != '"')
        return NULL;
    buf_init(&r);
    for (s++; s < end && *s != '"'; s++) {
        if (*s == '\\' && s + 1 < end)
            s++;
        buf_putc(&r, *s);
    }
    if (s >= end || !only_space(s + 1, end)) {
        buf_free(&r);
        return NULL;
    }
    return buf_steal(&r);
}

/* A new guard at the end of the up or the down script's list. */
static sc_migration_guard *push_guard(parser *p, bool down)
{
    sc_migration_guard **list = down ? &p->dguards : &p->guards;
    unsigned *n = down ? &p->out->ndown_guards : &p->out->nguards;
    unsigned *cap = down ? &p->dcap : &p->cap;
    sc_migration_guard *g;

    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        g = xmalloc(*cap * sizeof *g);
        if (*n > 0)
            memcpy(g, *list, *n * sizeof *g);
        free(*list);
        *list = g;
    }
    return &(*list)[(*n)++];
}

/* "-- +guard TABLE.COLUMN "REASON"": opens a guard. */
static int start_guard(parser *p, const char *s, const char *end)
{
    sc_migration_guard *g;
    const char *dot, *sp;
    char *reason;

    s += strspn(s, " \t");
    dot = memchr(s, '.', (size_t)(end - s));
    sp = dot != NULL ? dot + strcspn(dot, " \t\n") : NULL;
    reason = sp != NULL && sp < end && dot > s && sp > dot + 1
                 ? parse_reason(sp + strspn(sp, " \t"), end)
                 : NULL;
    if (reason == NULL)
        return fail(p, p->line, "expected -- +guard TABLE.COLUMN \"REASON\"");
    g = push_guard(p, p->state == IN_DOWN_HEAD);
    g->table = keep(p->store, xstrndup(s, (size_t)(dot - s)));
    g->column = keep(p->store, xstrndup(dot + 1, (size_t)(sp - dot - 1)));
    g->reason = keep(p->store, reason);
    g->sql = NULL;
    p->guard_line = p->line;
    p->guard_return = p->state;
    p->state = IN_GUARD;
    return 0;
}

/* Adds a line of a guard's query; the line ending with ';' ends it (the
 * ';' is dropped: the runner prepares the query as one statement). */
static void guard_line(parser *p, const char *s, size_t n)
{
    size_t t = n;
    sc_migration_guard *g = p->guard_return == IN_DOWN_HEAD
                                ? &p->dguards[p->out->ndown_guards - 1]
                                : &p->guards[p->out->nguards - 1];

    while (t > 0 && (s[t - 1] == ' ' || s[t - 1] == '\t' ||
                     s[t - 1] == '\r'))
        t--;
    if (t == 0 || s[t - 1] != ';') {
        buf_put(&p->text, s, n);
        buf_putc(&p->text, '\n');
        return;
    }
    buf_put(&p->text, s, t - 1);
    g->sql = keep(p->store, xstrndup(p->text.data, p->text.len));
    buf_reset(&p->text);
    p->state = p->guard_return;
}

/* Does the directive at s (after "-- +"). */
static int directive(parser *p, const char *s, const char *end)
{
    size_t n = strcspn(s, " \t\r\n");
    const char *rest = s + n;

    if (p->state == IN_GUARD)
        return fail(p, p->guard_line, "the guard's query does not end "
                                      "with ';' before the next directive");
    if (n == 12 && memcmp(s, "foreign-keys", n) == 0) {
        rest += strspn(rest, " \t");
        if (p->state != IN_HEAD && p->state != IN_DOWN_HEAD)
            return fail(p, p->line, "-- +foreign-keys must come before "
                                    "the statements of its script");
        if (end - rest < 3 || memcmp(rest, "off", 3) != 0 ||
            !only_space(rest + 3, end))
            return fail(p, p->line, "expected -- +foreign-keys off");
        if (p->state == IN_DOWN_HEAD)
            p->out->down_foreign_keys_off = true;
        else
            p->out->foreign_keys_off = true;
        return 0;
    }
    if (n == 5 && memcmp(s, "guard", n) == 0)
        return p->state == IN_HEAD || p->state == IN_DOWN_HEAD
                   ? start_guard(p, rest, end)
                   : fail(p, p->line, "-- +guard must come before the "
                                      "statements of its script");
    if (!only_space(rest, end))
        return fail(p, p->line, "unexpected text after the directive");
    if (n == 11 && memcmp(s, "transaction", n) == 0)
        return start_part(p, true);
    if (n == 14 && memcmp(s, "no-transaction", n) == 0)
        return start_part(p, false);
    if (n == 2 && memcmp(s, "up", n) == 0 && p->state == IN_HEAD) {
        p->state = IN_UP;
        p->part_tx = true;
        p->part_line = p->line + 1;
        return 0;
    }
    if (n == 4 && memcmp(s, "down", n) == 0 && p->state == IN_UP) {
        if (end_script(p) != 0)
            return -1;
        p->state = IN_DOWN_HEAD;
        p->part_tx = true;
        p->part_line = p->line + 1;
        return 0;
    }
    if ((n == 2 && memcmp(s, "up", n) == 0) ||
        (n == 4 && memcmp(s, "down", n) == 0))
        return fail(p, p->line, p->state == IN_HEAD
                                    ? "-- +down before -- +up"
                                    : "a second -- +up or -- +down");
    buf_printf(p->err, "%s:%u: unknown directive '-- +%.*s'", p->path,
               p->line, (int)n, s);
    return -1;
}

/* One line of the file, without its '\n'. */
static int parse_line(parser *p, const char *s, size_t n)
{
    if (n >= 4 && memcmp(s, "-- +", 4) == 0)
        return directive(p, s + 4, s + n);
    switch (p->state) {
    case IN_GUARD:
        guard_line(p, s, n);
        return 0;
    case IN_HEAD:
        return blank_or_comment(s, n)
                   ? 0
                   : fail(p, p->line, "SQL before -- +up: only directives "
                                      "and comments may come first");
    case IN_DOWN_HEAD:
        if (!blank_or_comment(s, n))
            p->state = IN_DOWN;
        buf_put(&p->text, s, n);
        buf_putc(&p->text, '\n');
        return 0;
    default:
        buf_put(&p->text, s, n);
        buf_putc(&p->text, '\n');
        return 0;
    }
}

/* Parses the .sql file at path (its text, len bytes) into *out. */
static int parse_sql(const char *path, sc_dialect d, const char *text,
                     size_t len, sc_migration_script *out,
                     struct migfile_store *store, buf *err)
{
    parser p;
    const char *s = text, *end = text + len, *nl;
    int rc = 0;

    memset(&p, 0, sizeof p);
    memset(out, 0, sizeof *out);
    p.path = path;
    p.store = store;
    p.out = out;
    p.err = err;
    p.loose = !sc__dialect_of(d)->transactional_ddl;
    buf_init(&p.text);
    for (p.line = 1; rc == 0 && s < end; p.line++, s = nl + 1) {
        nl = memchr(s, '\n', (size_t)(end - s));
        if (nl == NULL)
            nl = end;
        rc = parse_line(&p, s, (size_t)(nl - s));
    }
    if (rc == 0 && p.state == IN_GUARD)
        rc = fail(&p, p.guard_line, "the guard's query does not end with "
                                    "';'");
    if (rc == 0 && p.state == IN_HEAD) {
        buf_printf(err, "%s: no -- +up line", path);
        rc = -1;
    }
    if (rc == 0)
        rc = end_script(&p);
    free(p.parts);
    buf_free(&p.text);
    if (p.guards != NULL)
        out->guards = keep(store, p.guards);
    if (p.dguards != NULL)
        out->down_guards = keep(store, p.dguards);
    return rc;
}

/* ---------------------------------------------------------------------
 * Loading a directory.
 * ------------------------------------------------------------------- */

/* Reads dir/file, keeping its text in the store. */
static char *read_kept(const char *dir, const char *file, size_t *len,
                       struct migfile_store *store, buf *err)
{
    char *path = path_join(dir, file), *data = NULL;

    if (fs_read(path, &data, len) != 0)
        buf_printf(err, "cannot read %s: %s", path, strerror(errno));
    free(path);
    return data != NULL ? keep(store, data) : NULL;
}

/* The hex SHA-256 of one file's text, kept in the store. */
static const char *file_sum(const char *text, size_t len,
                            struct migfile_store *store)
{
    char hex[HEX_SIZE];

    data_hex(text, len, hex);
    return keep(store, xstrndup(hex, 64));
}

/* Reads the file of kind k of migration v when there is one: the script
 * and checksum of its dialect (none when it is missing), its text in
 * *text (NULL when missing). */
static int load_dialect(const char *dir, const listing *l, unsigned v,
                        int k, sc_migration *m, struct migfile_store *store,
                        const char **text, size_t *len, buf *err)
{
    const char *file = file_of(l, v, k);
    char *data, *path;

    *text = NULL;
    *len = 0;
    if (file == NULL)
        return 0;
    data = read_kept(dir, file, len, store, err);
    if (data == NULL)
        return -1;
    *text = data;
    m->checksums[k] = file_sum(data, *len, store);
    path = keep(store, path_join(dir, file));
    return parse_sql(path, (sc_dialect)k, data, *len, &m->scripts[k], store,
                     err);
}

/* Fills migration v (from 1) of listing l in dir. */
static int load_one(const char *dir, const listing *l, unsigned v,
                    sc_migration *m, struct migfile_store *store, buf *err)
{
    const char *schema = file_of(l, v, KIND_SCHEMA);
    const char *text[NKINDS];
    size_t len[NKINDS], namelen;
    char hex[HEX_SIZE];
    struct sha256_ctx c;
    int k, rc = 0;

    m->version = v;
    namelen = strlen(schema) - 5 - strlen(suffix_of(KIND_SCHEMA));
    m->name = keep(store, xstrndup(schema + 5, namelen));
    for (k = 1; rc == 0 && k < NKINDS; k++)
        rc = load_dialect(dir, l, v, k, m, store, &text[k], &len[k], err);
    if (rc != 0)
        return rc;
    /* the .sqlite.sql and .postgresql.sql files together: the checksum
     * of descriptor ABI 2, which old version tables hold
     * (docs/MIGRATIONS.md "Checksums") */
    sha256_init(&c);
    sha256_update(&c, len[SC_DIALECT_SQLITE],
                  (const uint8_t *)text[SC_DIALECT_SQLITE]);
    sha256_update(&c, len[SC_DIALECT_POSTGRESQL],
                  (const uint8_t *)text[SC_DIALECT_POSTGRESQL]);
    digest_hex(&c, hex);
    m->checksum = keep(store, xstrndup(hex, 64));
    return 0;
}

static int load(const char *dir, bool sealed, migfile_set *out, buf *err)
{
    listing l;
    unsigned v;
    int rc = list_dir(dir, &l, err);

    memset(out, 0, sizeof *out);
    if (rc > 0)
        buf_printf(err, "%s: no such directory", dir);
    if (rc != 0)
        return -1;
    out->store = xmalloc(sizeof *out->store);
    memset(out->store, 0, sizeof *out->store);
    rc = sealed ? verify_sum(dir, &l, NULL, err) : 0;
    if (rc == 0) {
        out->migs = keep(out->store, xmalloc(l.n * sizeof *out->migs));
        memset(out->migs, 0, l.n * sizeof *out->migs);
        out->n = l.n;
    }
    for (v = 1; rc == 0 && v <= l.n; v++)
        rc = load_one(dir, &l, v, &out->migs[v - 1], out->store, err);
    listing_free(&l);
    if (rc != 0) {
        migfile_free(out);
        return -1;
    }
    return 0;
}

int migfile_load(const char *dir, migfile_set *out, buf *err)
{
    return load(dir, true, out, err);
}

int migfile_load_unsealed(const char *dir, migfile_set *out, buf *err)
{
    return load(dir, false, out, err);
}

char *migfile_file(const char *dir, unsigned v, const char *suffix,
                   buf *err)
{
    listing l;
    char *path = NULL;
    int k, rc = list_dir(dir, &l, err);

    if (rc > 0)
        buf_printf(err, "%s: no such directory", dir);
    if (rc != 0)
        return NULL;
    for (k = 0; k < NKINDS && strcmp(suffix_of(k), suffix) != 0; k++)
        ;
    if (v == 0 || v > l.n || k == NKINDS)
        buf_printf(err, "%s: no migration %04u (the last is %04u)", dir, v,
                   l.n);
    else if (file_of(&l, v, k) == NULL)
        buf_printf(err, "%s: migration %04u has no file %s", dir, v, suffix);
    else
        path = path_join(dir, file_of(&l, v, k));
    listing_free(&l);
    return path;
}

void migfile_free(migfile_set *s)
{
    size_t i;

    if (s->store != NULL) {
        for (i = 0; i < s->store->n; i++)
            free(s->store->ptrs[i]);
        free(s->store->ptrs);
        free(s->store);
    }
    memset(s, 0, sizeof *s);
}

int migfile_head(const char *dir, char **snapshot, unsigned *next, buf *err)
{
    listing l;
    int rc = list_dir(dir, &l, err);

    *snapshot = NULL;
    *next = 1;
    if (rc > 0)
        return 0;
    if (rc < 0)
        return -1;
    if (l.n > 0)
        *snapshot = path_join(dir, file_of(&l, l.n, KIND_SCHEMA));
    *next = l.n + 1;
    listing_free(&l);
    return 0;
}
