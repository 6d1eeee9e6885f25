/*
 * fsutil.c - whole-file reads and atomic, change-only writes.
 */
#include "fsutil.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The files of the run: those staged (written to a temporary file, not
 * yet renamed) and those this run created (not those it replaced, whose
 * old content is gone), for fs_discard() to remove when the run cannot
 * finish.  Plain globals: fs_discard() is called from mem_fail(), which
 * has no context to pass.
 */
typedef struct staged {
    char *tmp;
    char *path; /* a copy, kept in created[] when the file is new */
    bool is_new;
} staged;

static staged *pending;
static size_t npending;
static char **created;
static size_t ncreated;

static void forget_pending(size_t from)
{
    size_t i;

    for (i = from; i < npending; i++) {
        if (pending[i].tmp != NULL)
            unlink(pending[i].tmp);
        free(pending[i].tmp);
        free(pending[i].path);
    }
    npending = from;
}

void fs_discard(void)
{
    size_t i;

    forget_pending(0);
    for (i = ncreated; i > 0; i--)
        unlink(created[i - 1]);
    fs_keep();
}

void fs_keep(void)
{
    size_t i;

    forget_pending(0);
    free(pending);
    pending = NULL;
    for (i = 0; i < ncreated; i++)
        free(created[i]);
    free(created);
    created = NULL;
    ncreated = 0;
}

int fs_read(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL, *q;
    size_t n = 0, cap = 0, got, want = 0;
    struct stat st;
    int saved;

    if (!f)
        return -1;
    /* A regular file's size is known: one allocation, with room to see
     * the end (or a file that grew meanwhile). */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        want = (size_t)st.st_size + 4096;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : want ? want : 8192;
            q = mem_realloc(p, cap + 1);
            if (!q) {
                errno = ENOMEM;
                goto fail;
            }
            p = q;
        }
        got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        goto fail;
    fclose(f);
    p[n] = '\0';
    *data = p;
    *len = n;
    return 0;
fail:
    saved = errno;
    free(p);
    fclose(f);
    errno = saved;
    return -1;
}

/*
 * Compares the file with data a piece at a time: a file of another size
 * is not read at all, and a large generated file costs no more memory
 * than one piece.
 */
bool fs_same(const char *path, const char *data, size_t len)
{
    char piece[65536];
    struct stat st;
    size_t off = 0;
    ssize_t got;
    bool same = false;
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return false;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (unsigned long long)st.st_size != (unsigned long long)len)
        goto done;
    for (;;) {
        got = read(fd, piece, sizeof piece);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if ((size_t)got > len - off ||
            memcmp(piece, data + off, (size_t)got) != 0)
            goto done;
        off += (size_t)got;
    }
    same = got == 0 && off == len;
done:
    close(fd);
    return same;
}

static int write_all(int fd, const char *data, size_t len)
{
    ssize_t w;

    while (len > 0) {
        w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int fs_stage(const char *path, const char *data, size_t len)
{
    size_t n = strlen(path);
    char *tmp;
    staged *sf;
    struct stat st;
    mode_t mask;
    int fd, saved;

    if (fs_same(path, data, len))
        return 0;
    /* Every allocation here, so that fs_commit() needs none; the entry
     * counts from the start, so that mem_fail() frees what it holds. */
    pending = mem_realloc(pending, (npending + 1) * sizeof *pending);
    sf = &pending[npending++];
    sf->tmp = NULL;
    sf->path = NULL;
    sf->is_new = stat(path, &st) != 0;
    if (sf->is_new)
        created = mem_realloc(created, (ncreated + npending) * sizeof *created);
    sf->path = mem_strdup(path);
    tmp = mem_alloc(n + 16);
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        saved = errno;
        free(tmp);
        forget_pending(npending - 1);
        errno = saved;
        return -1;
    }
    sf->tmp = tmp;
    /* mkstemp makes 0600; generated sources are ordinary files. */
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, data, len) != 0 ||
        fsync(fd) != 0 || close(fd) != 0) {
        saved = errno;
        close(fd);
        forget_pending(npending - 1);
        errno = saved;
        return -1;
    }
    return 1;
}

int fs_commit(const char **failed)
{
    static char failed_path[4096];
    size_t i;
    int saved;

    for (i = 0; i < npending; i++) {
        if (rename(pending[i].tmp, pending[i].path) != 0) {
            saved = errno;
            snprintf(failed_path, sizeof failed_path, "%s", pending[i].path);
            *failed = failed_path;
            forget_pending(i);
            errno = saved;
            return -1;
        }
        free(pending[i].tmp);
        if (pending[i].is_new)
            created[ncreated++] = pending[i].path;
        else
            free(pending[i].path);
    }
    npending = 0;
    return 0;
}

int fs_write_if_changed(const char *path, const char *data, size_t len,
                        bool *changed)
{
    const char *failed;
    int rc = fs_stage(path, data, len);

    if (changed)
        *changed = rc > 0;
    if (rc <= 0)
        return rc;
    return fs_commit(&failed);
}

int fs_mkdirs(const char *dir)
{
    char *p = mem_strdup(dir), *s;
    struct stat st;
    int rc = 0;

    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    for (s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;

        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
            rc = (errno = ENOTDIR, -1);
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return rc;
}
