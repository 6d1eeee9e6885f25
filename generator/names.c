/*
 * names.c - schema names to C names: identifiers from quoted names,
 * singular row types, safe fields.
 */
#include "names.h"

#include <string.h>

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Replaces the last `drop` bytes of name with `add`. */
static const char *respell(ast_ctx *ctx, const char *name, size_t n,
                           size_t drop, const char *add)
{
    size_t k = strlen(add);
    char *p = ast_alloc_chars(ctx, n - drop + k);

    memcpy(p, name, n - drop);
    memcpy(p + n - drop, add, k + 1);
    return p;
}

/*
 * A handful of rules covers the table names people write.  Words whose
 * plural ends in "s" without being a plural (status, address, analysis)
 * are left alone, and so is anything shorter than three letters.
 */
const char *names_singular(ast_ctx *ctx, const char *name)
{
    static const char *const keep[] = {
        "ss", "us", "is", "news", "series", "species", NULL,
    };
    size_t n = strlen(name);
    int i;

    if (n < 3 || !ends_with(name, n, "s"))
        return name;
    for (i = 0; keep[i]; i++)
        if (ends_with(name, n, keep[i]))
            return name;
    if (ends_with(name, n, "ies") && n > 4)
        return respell(ctx, name, n, 3, "y");
    if (ends_with(name, n, "sses") || ends_with(name, n, "xes") ||
        ends_with(name, n, "ches") || ends_with(name, n, "shes") ||
        ends_with(name, n, "zzes"))
        return respell(ctx, name, n, 2, "");
    return respell(ctx, name, n, 1, "");
}

static bool is_ident_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_';
}

const char *names_c_ident(ast_ctx *ctx, const char *name)
{
    size_t n = strlen(name), i, k = 0;
    char *p;

    if (ast_is_plain_name(name))
        return name;
    p = ast_alloc(ctx, n + 2);
    if (name[0] >= '0' && name[0] <= '9')
        p[k++] = '_';
    for (i = 0; i < n; i++) {
        if (is_ident_char(name[i]))
            p[k++] = name[i];
        else if (k == 0 || p[k - 1] != '_' || is_ident_char(name[i - 1]))
            p[k++] = '_'; /* one '_' for the whole run */
    }
    p[k] = '\0';
    return p;
}

const char *names_field(ast_ctx *ctx, const char *name)
{
    size_t n;
    char *p;

    if (!ast_is_c_keyword(name))
        return name;
    n = strlen(name);
    p = ast_alloc(ctx, n + 2);
    memcpy(p, name, n);
    p[n] = '_';
    return p;
}

/* toupper() in the C locale, the only one the generator runs in: ASCII
 * letters only, without a call per byte. */
static void upper_into(char *d, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        d[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - ('a' - 'A') : s[i]);
}

const char *names_upper(ast_ctx *ctx, const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = ast_alloc_chars(ctx, na + nb + 1);

    upper_into(p, a, na);
    p[na] = '_';
    upper_into(p + na + 1, b, nb);
    return p;
}
