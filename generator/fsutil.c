/*
 * fsutil.c - whole-file reads and atomic, change-only writes.
 */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
            q = realloc(p, cap + 1);
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
    char *tmp;
    size_t n = strlen(path);
    int fd, saved;
    mode_t mask;

    if (changed)
        *changed = false;
    if (fs_same(path, data, len))
        return 0;
    tmp = malloc(n + 16);
    if (!tmp) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0)
        goto fail;
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
    free(tmp);
    if (changed)
        *changed = true;
    return 0;
fail:
    saved = errno;
    free(tmp);
    errno = saved;
    return -1;
}

int fs_mkdirs(const char *dir)
{
    char *p = strdup(dir), *s;
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
