/*
 * registry.c - which database backends this build of libschemac has.
 * The URL schemes that lead to each dialect are the dialect table's
 * (dialect.h); a scheme leads to the backend built in for its dialect.
 * sc_open() asks here; a new backend is one more row in the list below
 * (under its own build option), with no change to the core.
 *
 * libpq's keyword form ("host=db dbname=app") has no scheme: a string
 * that starts with none and holds an '=' goes to PostgreSQL.
 */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "dialect.h"

static const sc_backend *const backends[] = {
    &sc__sqlite_backend,
    &sc__postgres_backend,
    &sc__mariadb_backend,
};

#define NBACKENDS (sizeof backends / sizeof backends[0])

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
    size_t i, n;

    const sc__dialect *d = sc__dialect_of_url(url);

    *be = NULL;
    for (i = 0; d != NULL && i < NBACKENDS; i++)
        if (backends[i]->dialect == d->id) {
            *be = backends[i];
            return SC_OK;
        }
    if (d != NULL) {
        snprintf(msg, size, "%s support is not available in this build",
                 d->name);
        return SC_CANTOPEN;
    }
    n = scheme_length(url);
    if (n == 0 && strchr(url, '=') != NULL) {
        *be = &sc__postgres_backend;
        return SC_OK;
    }
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
