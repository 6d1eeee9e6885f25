/*
 * registry.c - which database backends this build of libschemac has.
 * The URL schemes that lead to each dialect are the dialect table's
 * (dialect.h); a scheme leads to the backend of its dialect.  sc_open()
 * asks here; a new backend is one more row in the list below (under its
 * own build option), with no change to the core.
 *
 * The static library has every backend built in.  The shared one
 * (built with SC_BACKEND_PLUGINS) has SQLite's and loads the others
 * from their plugins on first use (loader.c), so that a program that
 * never opens a PostgreSQL or MariaDB URL never maps their drivers.
 *
 * libpq's keyword form ("host=db dbname=app") has no scheme: a string
 * that starts with none and holds an '=' goes to PostgreSQL.
 */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "dialect.h"

/* A backend built in (backend) or in a plugin (plugin, its file name). */
typedef struct backend_row {
    sc_dialect dialect;
    const sc_backend *backend;
    const char *plugin;
} backend_row;

static const backend_row backends[] = {
    {SC_DIALECT_SQLITE, &sc__sqlite_backend, NULL},
#ifdef SC_BACKEND_PLUGINS
    {SC_DIALECT_POSTGRESQL, NULL, "schemac-postgresql.so"},
    {SC_DIALECT_MARIADB, NULL, "schemac-mariadb.so"},
#else
    {SC_DIALECT_POSTGRESQL, &sc__postgres_backend, NULL},
    {SC_DIALECT_MARIADB, &sc__mariadb_backend, NULL},
#endif
};

#define NBACKENDS (sizeof backends / sizeof backends[0])

/* The backend of row r, loaded from its plugin when it is one. */
static int row_backend(const backend_row *r, const sc_backend **be,
                       char *msg, size_t size)
{
#ifdef SC_BACKEND_PLUGINS
    if (r->backend == NULL)
        return sc__plugin_load(r->plugin, r->dialect, be, msg, size);
#else
    (void)msg;
    (void)size;
#endif
    *be = r->backend;
    return SC_OK;
}

/* The row of dialect d, or NULL when this build has no backend for it. */
static const backend_row *row_of(sc_dialect d)
{
    size_t i;

    for (i = 0; i < NBACKENDS; i++)
        if (backends[i].dialect == d)
            return &backends[i];
    return NULL;
}

/* Whether c may appear in a URL scheme at position n (RFC 3986). */
static int scheme_char(char c, size_t n)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return n > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' ||
                     c == '.');
}

/* The length of url's scheme ("mysql" in "mysql://..."), or 0 when it
 * does not start with one, so that nothing past it is ever repeated. */
static size_t scheme_length(const char *url)
{
    size_t n = 0;

    while (n < 32 && scheme_char(url[n], n))
        n++;
    return url[n] == ':' ? n : 0;
}

int sc__backend_find(const char *url, const sc_backend **be, char *msg,
                     size_t size)
{
    size_t n;
    const backend_row *r;

    const sc__dialect *d = sc__dialect_of_url(url);

    *be = NULL;
    if (d != NULL) {
        r = row_of(d->id);
        if (r != NULL)
            return row_backend(r, be, msg, size);
        snprintf(msg, size, "%s support is not available in this build",
                 d->name);
        return SC_CANTOPEN;
    }
    n = scheme_length(url);
    if (n == 0 && strchr(url, '=') != NULL)
        return row_backend(row_of(SC_DIALECT_POSTGRESQL), be, msg, size);
    if (n > 0)
        snprintf(msg, size, "unknown database URL scheme \"%.*s\": ",
                 (int)n, url);
    else
        snprintf(msg, size, "not a database URL: ");
    n = strlen(msg);
    snprintf(msg + n, size > n ? size - n : 0, "%s",
             "expected sqlite:PATH, sqlite::memory:, "
             "postgresql://[user[:password]@]host[:port]/dbname, "
             "\"host=... dbname=...\" or "
             "mariadb://[user[:password]@]host[:port]/dbname");
    return SC_MISUSE;
}
