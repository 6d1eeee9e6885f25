/*
 * loader.c - the backend plugins of the shared library.  libschemac.so
 * holds the core and the SQLite backend; the PostgreSQL and MariaDB
 * backends are schemac-postgresql.so and schemac-mariadb.so, each linking
 * its driver, loaded with dlopen() on the first sc_open() of a URL of
 * theirs (registry.c asks) and kept for the life of the process.  A
 * program that uses SQLite alone never maps libpq or libmariadb.
 *
 * A plugin is looked for, the first directory that holds the file
 * winning:
 *
 *   1. $SCHEMAC_BACKEND_PATH, when set and not empty: that directory
 *      alone (ignored in set-user-ID programs)
 *   2. DIR/schemac/ABI, DIR being the directory of the libschemac.so
 *      loaded (dladdr()): an install moved elsewhere as a whole
 *   3. DIR itself: the build tree, or a program that ships its libraries
 *      in one directory
 *   4. SC_PLUGIN_DIR, the install's $libdir/schemac/ABI
 *
 * A file found that does not load (a driver library missing, another
 * build's plugin) fails the open with dlerror()'s words or the
 * mismatch, and no later directory is tried: a broken install is said,
 * not hidden.  Nothing here allocates through sc__malloc(): dlopen()
 * allocates for itself.
 */
#define _GNU_SOURCE /* dladdr(), secure_getenv() */

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "dialect.h"

#if !defined(SC_PLUGIN_ABI) || !defined(SC_PLUGIN_DIR) ||                 \
    !defined(SC_PLUGIN_SUBDIR)
#error "loader.c is built by runtime/meson.build, which names the plugin dir"
#endif

#define PATH_SIZE 4096
#define MAX_DIRS  4
#define MAX_PLUGINS 4

/* The plugins loaded so far, by file name; under lock. */
static struct {
    const char *file;
    const sc_backend *backend;
} loaded[MAX_PLUGINS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The directories to look in, in order (see above); returns how many.
 * dir[] receives up to MAX_DIRS strings of PATH_SIZE bytes. */
static int search_dirs(char dir[][PATH_SIZE])
{
    Dl_info info;
    const char *env = secure_getenv("SCHEMAC_BACKEND_PATH");
    const char *slash;
    int n = 0;

    if (env != NULL && env[0] != '\0') {
        snprintf(dir[n++], PATH_SIZE, "%s", env);
        return n;
    }
    if (dladdr(&lock, &info) != 0 && info.dli_fname != NULL &&
        (slash = strrchr(info.dli_fname, '/')) != NULL) {
        int len = (int)(slash - info.dli_fname);

        snprintf(dir[n++], PATH_SIZE, "%.*s/%s", len, info.dli_fname,
                 SC_PLUGIN_SUBDIR);
        snprintf(dir[n++], PATH_SIZE, "%.*s", len, info.dli_fname);
    }
    if (n == 0 || strcmp(dir[0], SC_PLUGIN_DIR) != 0)
        snprintf(dir[n++], PATH_SIZE, "%s", SC_PLUGIN_DIR);
    return n;
}

/* Opens path and takes its backend for dialect.  Returns SC_OK or
 * SC_CANTOPEN with msg saying why, naming path. */
static int open_plugin(const char *path, sc_dialect dialect,
                       const sc_backend **be, char *msg, size_t size)
{
    const sc__plugin *p;
    sc__plugin_entry_fn *entry;
    void *sym;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

    if (h == NULL) {
        snprintf(msg, size, "cannot load the backend plugin %s: %s", path,
                 dlerror());
        return SC_CANTOPEN;
    }
    sym = dlsym(h, SC__PLUGIN_ENTRY);
    if (sym == NULL) {
        snprintf(msg, size, "%s is not a schemac backend plugin: %s", path,
                 dlerror());
        goto refused;
    }
    /* POSIX makes a function's address from dlsym()'s object pointer. */
    memcpy(&entry, &sym, sizeof entry);
    p = entry();
    if (p->abi != SC_PLUGIN_ABI || strcmp(p->version, SC_VERSION) != 0 ||
        p->backend_size != sizeof(sc_backend)) {
        snprintf(msg, size,
                 "the backend plugin %s is from schemac %s (ABI %d), "
                 "not from this libschemac's build (%s, ABI %d)",
                 path, p->version, p->abi, SC_VERSION, SC_PLUGIN_ABI);
        goto refused;
    }
    if (p->backend->dialect != dialect) {
        snprintf(msg, size, "the backend plugin %s is for another database",
                 path);
        goto refused;
    }
    *be = p->backend;
    return SC_OK;

refused:
    dlclose(h);
    return SC_CANTOPEN;
}

/* Looks for file in the directories and loads the first found. */
static int find_plugin(const char *file, sc_dialect dialect,
                       const sc_backend **be, char *msg, size_t size)
{
    char dir[MAX_DIRS][PATH_SIZE];
    char path[PATH_SIZE + 64];
    int i, n = search_dirs(dir);
    size_t len;

    for (i = 0; i < n; i++) {
        int len = snprintf(path, sizeof path, "%s/%s", dir[i], file);

        if (len > 0 && (size_t)len < sizeof path && access(path, F_OK) == 0)
            return open_plugin(path, dialect, be, msg, size);
    }
    snprintf(msg, size, "cannot load the %s backend: no %s in ",
             sc__dialect_of(dialect)->name, file);
    for (i = 0; i < n; i++) {
        len = strlen(msg);
        snprintf(msg + len, size - len, "%s%s", i > 0 ? ", " : "", dir[i]);
    }
    len = strlen(msg);
    snprintf(msg + len, size - len, " (SCHEMAC_BACKEND_PATH names "
                                    "the directory to look in)");
    return SC_CANTOPEN;
}

int sc__plugin_load(const char *file, sc_dialect dialect,
                    const sc_backend **be, char *msg, size_t size)
{
    int i, rc = SC_OK;

    *be = NULL;
    pthread_mutex_lock(&lock);
    for (i = 0; i < MAX_PLUGINS && loaded[i].file != NULL; i++)
        if (strcmp(loaded[i].file, file) == 0) {
            *be = loaded[i].backend;
            break;
        }
    if (*be == NULL) {
        /* A failure is not kept: the next open looks again, so that a
         * plugin installed meanwhile is found. */
        rc = find_plugin(file, dialect, be, msg, size);
        if (rc == SC_OK && i < MAX_PLUGINS) {
            loaded[i].file = file;
            loaded[i].backend = *be;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}
