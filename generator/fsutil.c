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
 * What fs_discard() removes when a run ends half-way: the temporary file
 * being written, and the files this run created (not those it replaced,
 * whose old content is gone).  Plain globals: a run writes one file at a
 * time, and fs_discard() is called from mem_fail() with no context.
 */
static char *pending;
static char **created;
static size_t ncreated;

void fs_discard(void)
{
    size_t i;

    if (pending != NULL)
        unlink(pending);
    for (i = ncreated; i > 0; i--)
        unlink(created[i - 1]);
    fs_keep();
}

void fs_keep(void)
{
    size_t i;

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
    size_t n = 0, cap = 0, got;
    int saved;

    if (!f)
        return -1;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
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

bool fs_same(const char *path, const char *data, size_t len)
{
    char *old;
    size_t n;
    bool same;

    if (fs_read(path, &old, &n) != 0)
        return false;
    same = n == len && memcmp(old, data, len) == 0;
    free(old);
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

int fs_write_if_changed(const char *path, const char *data, size_t len,
                        bool *changed)
{
    char *tmp, *copy = NULL;
    size_t n = strlen(path);
    int fd, saved;
    mode_t mask;
    struct stat st;

    if (changed)
        *changed = false;
    if (fs_same(path, data, len))
        return 0;
    /* Every allocation before the rename, so that running out of memory
     * cannot come between a file's rename and its record. */
    if (stat(path, &st) != 0) {
        copy = mem_strdup(path);
        created = mem_realloc(created, (ncreated + 1) * sizeof *created);
    }
    tmp = mem_alloc(n + 16);
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0)
        goto fail;
    pending = tmp;
    /* mkstemp makes 0600; generated sources are ordinary files. */
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, data, len) != 0 ||
        fsync(fd) != 0) {
        saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        goto fail;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        saved = errno;
        unlink(tmp);
        errno = saved;
        goto fail;
    }
    pending = NULL;
    free(tmp);
    if (copy != NULL)
        created[ncreated++] = copy;
    if (changed)
        *changed = true;
    return 0;
fail:
    saved = errno;
    pending = NULL;
    free(tmp);
    free(copy);
    errno = saved;
    return -1;
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
