/*
 * tmpl.c - fragment lookup and $var$ substitution for the template files.
 */
#include "tmpl.h"

#include "mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARS 32

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

/*
 * A fragment compiled once: pieces of literal text and references to its
 * variables, which are numbered in order of first use.  Emitting it then
 * costs one pass over the pieces, with no scanning of the text.
 */
typedef struct piece {
    const char *text; /* literal text, or NULL for a variable */
    size_t len;       /* literal: its length; variable: its number */
} piece;

typedef struct compiled {
    const char *file, *frag;
    piece *pieces;
    int npieces, cap;
    const char *names[MAX_VARS]; /* the variables, as written */
    size_t namelens[MAX_VARS];
    /* The argument name last matched to each variable: the emitters pass
     * the same string constants every time, so a pointer comparison
     * usually settles the match. */
    const char *seen[MAX_VARS];
    /* The variable the k-th argument named last time: the emitters pass
     * them in the same order every time, so the first guess is right. */
    int guess[MAX_VARS];
    int uses[MAX_VARS]; /* how many pieces name each variable */
    int nnames;
    size_t literal;     /* the bytes of literal text in all */
} compiled;

static void add_piece(compiled *c, const char *text, size_t len)
{
    piece *last = c->npieces ? &c->pieces[c->npieces - 1] : NULL;

    /* Adjacent literal text joins the piece before it. */
    if (text && last && last->text && last->text + last->len == text) {
        last->len += len;
        c->literal += len;
        return;
    }
    if (text && len == 0)
        return;
    if (text)
        c->literal += len;
    else
        c->uses[len]++;
    if (c->npieces == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->pieces = mem_realloc(c->pieces, sizeof *c->pieces * (size_t)c->cap);
    }
    c->pieces[c->npieces].text = text;
    c->pieces[c->npieces++].len = len;
}

/* The number of variable name (n bytes), added when new. */
static size_t var_number(compiled *c, const char *name, size_t n)
{
    int i;

    for (i = 0; i < c->nnames; i++)
        if (c->namelens[i] == n && memcmp(c->names[i], name, n) == 0)
            return (size_t)i;
    if (c->nnames == MAX_VARS)
        die("too many template variables in", c->frag);
    c->names[c->nnames] = name;
    c->namelens[c->nnames] = n;
    return (size_t)c->nnames++;
}

/* Splits the fragment text s (n bytes) into c's pieces: "@#" lines are
 * dropped, $$ is a dollar, $name$ a variable. */
static void compile(compiled *c, const char *s, size_t n)
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
            add_piece(c, s, (size_t)(d - s));
            s = d;
            continue;
        }
        /* Copy up to the dollar, but stop at a newline to honor @#. */
        v = memchr(s, '\n', (size_t)(d - s));
        if (v) {
            add_piece(c, s, (size_t)(v + 1 - s));
            s = v + 1;
            continue;
        }
        add_piece(c, s, (size_t)(d - s));
        s = d + 1;
        d = memchr(s, '$', (size_t)(end - s));
        if (!d)
            die("unclosed $ in template near", s);
        if (d == s)
            add_piece(c, "$", 1);
        else
            add_piece(c, NULL, var_number(c, s, (size_t)(d - s)));
        s = d + 1;
    }
}

/* Fragments compiled so far, by file and name: the emitters ask for the
 * same few thousands of times.  Open addressing, never more than half
 * full; fragments are never freed (the process is short-lived). */
#define NSLOTS 512

static size_t slot_hash(const char *file, const char *frag)
{
    size_t h = 5381;

    for (; *frag; frag++)
        h = h * 33 + (unsigned char)*frag;
    for (; *file; file++)
        h = h * 33 + (unsigned char)*file;
    return h;
}

static compiled *fragment(const char *file, const char *frag)
{
    static compiled *slots[NSLOTS];
    static int nused;
    size_t i = slot_hash(file, frag) & (NSLOTS - 1), len;
    compiled *c;
    const char *text;

    for (; slots[i]; i = (i + 1) & (NSLOTS - 1))
        if (strcmp(slots[i]->frag, frag) == 0 &&
            strcmp(slots[i]->file, file) == 0)
            return slots[i];
    if (2 * (nused + 1) > NSLOTS)
        die("too many template fragments, at", frag);
    text = find_fragment(find_file(file), frag, &len);
    c = mem_realloc(NULL, sizeof *c);
    memset(c, 0, sizeof *c);
    c->file = file;
    c->frag = frag;
    compile(c, text, len);
    nused++;
    return slots[i] = c;
}

/* The fragment for the constants file and frag: a direct-mapped cache by
 * address in front of the search by name. */
static compiled *fragment_at(const char *file, const char *frag)
{
    static struct {
        const char *file, *frag;
        compiled *c;
    } recent[256];
    size_t i = ((uintptr_t)frag >> 3 ^ (uintptr_t)frag >> 11) & 255;

    if (recent[i].frag != frag || recent[i].file != file) {
        recent[i].file = file;
        recent[i].frag = frag;
        recent[i].c = fragment(file, frag);
    }
    return recent[i].c;
}

void tmpl_emit(buf *out, const char *file, const char *frag, ...)
{
    compiled *c = fragment_at(file, frag);
    const char *vals[MAX_VARS], *name, *value;
    size_t lens[MAX_VARS], total;
    const piece *p, *end = c->pieces + c->npieces;
    char *dst;
    va_list ap;
    int i, k = 0;

    for (i = 0; i < c->nnames; i++)
        vals[i] = NULL;
    va_start(ap, frag);
    while ((name = va_arg(ap, const char *)) != NULL) {
        value = va_arg(ap, const char *);
        i = k < MAX_VARS ? c->guess[k] : 0;
        if (i >= c->nnames || c->seen[i] != name)
            for (i = 0; i < c->nnames && c->seen[i] != name; i++)
                ;
        if (i == c->nnames) {
            for (i = 0; i < c->nnames; i++)
                if (strncmp(c->names[i], name, c->namelens[i]) == 0 &&
                    name[c->namelens[i]] == '\0')
                    break;
            if (i < c->nnames)
                c->seen[i] = name;
        }
        if (k < MAX_VARS)
            c->guess[k++] = i;
        if (i < c->nnames && !vals[i]) {
            vals[i] = value;
            lens[i] = strlen(value);
        }
    }
    va_end(ap);
    total = c->literal;
    for (i = 0; i < c->nnames; i++) {
        if (!vals[i]) {
            char missing[64];

            snprintf(missing, sizeof missing, "%.*s", (int)c->namelens[i],
                     c->names[i]);
            die("no value for template variable", missing);
        }
        total += lens[i] * (size_t)c->uses[i];
    }
    if (out->len + total + 1 > out->cap)
        buf_reserve(out, total);
    dst = out->data + out->len;
    for (p = c->pieces; p < end; p++) {
        if (p->text) {
            memcpy(dst, p->text, p->len);
            dst += p->len;
        } else {
            memcpy(dst, vals[p->len], lens[p->len]);
            dst += lens[p->len];
        }
    }
    out->len += total;
    out->data[out->len] = '\0';
}
