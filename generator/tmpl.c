/*
 * tmpl.c - fragment lookup and $var$ substitution for the template files.
 */
#include "tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARS 32

typedef struct var {
    const char *name;
    size_t len;
    const char *value;
} var;

static void die(const char *what, const char *name)
{
    fprintf(stderr, "schemac: internal error: %s \"%s\"\n", what, name);
    abort();
}

static const char *find_file(const char *file)
{
    const tmpl_file *f;

    for (f = tmpl_files; f->name; f++)
        if (strcmp(f->name, file) == 0)
            return f->text;
    die("no template file", file);
    return NULL;
}

/* The text of fragment name: from after its "@@ name" line to the next
 * "@@" line or the end.  Sets *len. */
static const char *find_fragment(const char *text, const char *name,
                                 size_t *len)
{
    size_t n = strlen(name);
    const char *p = text, *start, *end;

    for (;;) {
        if (strncmp(p, "@@ ", 3) == 0 && strncmp(p + 3, name, n) == 0 &&
            (p[3 + n] == '\n' || p[3 + n] == ' '))
            break;
        p = strchr(p, '\n');
        if (!p)
            die("no template fragment", name);
        p++;
    }
    start = strchr(p, '\n');
    start = start ? start + 1 : p + strlen(p);
    for (end = start; *end; ) {
        if (strncmp(end, "@@", 2) == 0)
            break;
        end = strchr(end, '\n');
        end = end ? end + 1 : start + strlen(start);
    }
    *len = (size_t)(end - start);
    return start;
}

static const char *lookup(const var *vars, int nvars, const char *name,
                          size_t len)
{
    int i;

    for (i = 0; i < nvars; i++)
        if (vars[i].len == len && memcmp(vars[i].name, name, len) == 0)
            return vars[i].value;
    return NULL;
}

static void substitute(buf *out, const char *s, size_t n, const var *vars,
                       int nvars)
{
    const char *end = s + n, *d, *v;

    while (s < end) {
        if (strncmp(s, "@#", 2) == 0) { /* template comment line */
            d = memchr(s, '\n', (size_t)(end - s));
            s = d ? d + 1 : end;
            continue;
        }
        d = memchr(s, '$', (size_t)(end - s));
        if (!d) {
            d = memchr(s, '\n', (size_t)(end - s));
            d = d ? d + 1 : end;
            buf_put(out, s, (size_t)(d - s));
            s = d;
            continue;
        }
        /* Copy up to the dollar, but stop at a newline to honor @#. */
        v = memchr(s, '\n', (size_t)(d - s));
        if (v) {
            buf_put(out, s, (size_t)(v + 1 - s));
            s = v + 1;
            continue;
        }
        buf_put(out, s, (size_t)(d - s));
        s = d + 1;
        d = memchr(s, '$', (size_t)(end - s));
        if (!d)
            die("unclosed $ in template near", s);
        if (d == s) {
            buf_putc(out, '$');
        } else {
            v = lookup(vars, nvars, s, (size_t)(d - s));
            if (!v) {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(d - s), s);
                die("no value for template variable", name);
            }
            buf_puts(out, v);
        }
        s = d + 1;
    }
}

/* Fragments found so far: the emitters ask for the same few thousands of
 * times, and a lookup scans the template text. */
typedef struct cached {
    const char *file, *frag;
    const char *text;
    size_t len;
} cached;

static const char *fragment(const char *file, const char *frag, size_t *len)
{
    static cached cache[256];
    static int ncache;
    int i;

    for (i = 0; i < ncache; i++)
        if (strcmp(cache[i].frag, frag) == 0 &&
            strcmp(cache[i].file, file) == 0) {
            *len = cache[i].len;
            return cache[i].text;
        }
    if (ncache == 256)
        return find_fragment(find_file(file), frag, len);
    cache[ncache].file = file;
    cache[ncache].frag = frag;
    cache[ncache].text = find_fragment(find_file(file), frag, len);
    cache[ncache].len = *len;
    return cache[ncache++].text;
}

void tmpl_emit(buf *out, const char *file, const char *frag, ...)
{
    var vars[MAX_VARS];
    int nvars = 0;
    const char *text, *name;
    size_t len;
    va_list ap;

    va_start(ap, frag);
    while ((name = va_arg(ap, const char *)) != NULL) {
        if (nvars == MAX_VARS)
            die("too many template variables for", frag);
        vars[nvars].name = name;
        vars[nvars].len = strlen(name);
        vars[nvars].value = va_arg(ap, const char *);
        nvars++;
    }
    va_end(ap);
    text = fragment(file, frag, &len);
    substitute(out, text, len, vars, nvars);
}
