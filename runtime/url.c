/*
 * url.c - what the backends that take a scheme://user:password@host/...
 * URL share: the URL with its password hidden, for messages, and
 * percent-decoding of its parts.
 */
#include <stdbool.h>
#include <string.h>

#include "internal.h"

/* Copies the query part of a URL, "a=b&password=x", hiding passwords. */
static void redact_query(sc__buf *b, const char *q)
{
    const char *eq;
    size_t n;

    while (*q != '\0') {
        n = strcspn(q, "&#");
        eq = memchr(q, '=', n);
        if (eq != NULL && (size_t)(eq - q) == 8 &&
            strncmp(q, "password", 8) == 0) {
            sc__buf_puts(b, "password=" SC__REDACTED);
        } else {
            sc__buf_putn(b, q, n);
        }
        q += n;
        if (*q == '#') {
            sc__buf_puts(b, q);
            return;
        }
        if (*q == '&')
            sc__buf_putn(b, q++, 1);
    }
}

void sc__redact_url(sc__buf *b, const char *url)
{
    const char *auth = strstr(url, "://");
    const char *at = NULL, *colon, *q;
    size_t n, i;

    if (auth == NULL) {
        sc__buf_puts(b, url);
        return;
    }
    auth += 3;
    n = strcspn(auth, "/?#");
    for (i = 0; i < n; i++)
        if (auth[i] == '@')
            at = auth + i;
    sc__buf_putn(b, url, (size_t)(auth - url));
    colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon != NULL) {
        sc__buf_putn(b, auth, (size_t)(colon - auth) + 1);
        sc__buf_puts(b, SC__REDACTED);
        auth = at;
    }
    q = strchr(auth, '?');
    if (q == NULL) {
        sc__buf_puts(b, auth);
        return;
    }
    sc__buf_putn(b, auth, (size_t)(q - auth) + 1);
    redact_query(b, q + 1);
}

char *sc__url_decode(const char *s, size_t n, bool *bad, bool *oom)
{
    char *out = sc__malloc(n + 1);
    size_t i, k = 0;
    int hi, lo;

    if (out == NULL) {
        *oom = true;
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[k++] = s[i];
            continue;
        }
        hi = i + 1 < n ? sc__hex_value(s[i + 1]) : -1;
        lo = i + 2 < n ? sc__hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            *bad = true;
            break;
        }
        out[k++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[k] = '\0';
    return out;
}
