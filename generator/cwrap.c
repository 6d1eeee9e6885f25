/*
 * cwrap.c - folds the generated C into CWRAP_WIDTH columns (cwrap.h).
 *
 * A long line is folded in two steps: first at the commas of its lists
 * (and after the name of a #define), filling each line as far as it goes;
 * then each line still too wide has its string literals cut into
 * adjacent literals.  A line inside a macro gets its backslashes after
 * both.  Nothing here knows what a line means beyond brackets, strings
 * and comments, so the templates may say anything on one line.
 */
#include "cwrap.h"

#include "mem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64 /* brackets tracked for alignment */

/* Whether s[0..n) is wider than limit; a line no longer in bytes is not. */
static bool wider(const char *s, size_t n, size_t limit)
{
    return n > limit && cwrap_width(s, n) > limit;
}

size_t cwrap_width(const char *s, size_t n)
{
    size_t w = n, i = 0;
    uint64_t x;

    /* n less the continuation bytes (10xxxxxx), eight at a time */
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, s + i, 8);
        x = (x & ~(x << 1) & UINT64_C(0x8080808080808080)) >> 7;
        w -= (size_t)((x * UINT64_C(0x0101010101010101)) >> 56);
    }
    for (; i < n; i++)
        w -= ((unsigned char)s[i] & 0xC0) == 0x80;
    return w;
}

static size_t lead_of(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && s[i] == ' ')
        i++;
    return i;
}

static bool starts(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);

    return n >= k && memcmp(s, word, k) == 0;
}

/* Whether s[lead..n) is one comment and nothing else. */
static bool lone_comment(const char *s, size_t n, size_t lead)
{
    size_t i;

    if (n < lead + 4 || !starts(s + lead, n - lead, "/*") ||
        memcmp(s + n - 2, "*/", 2) != 0)
        return false;
    for (i = lead + 2; i + 2 < n; i++)
        if (s[i] == '*' && s[i + 1] == '/')
            return false;
    return true;
}

/* Whether s is code, then a comment at *at that ends the line; the code
 * holds no literal, so the comment is found by its opening. */
static bool trailing_comment(const char *s, size_t n, size_t lead,
                             size_t *at)
{
    size_t i;

    if (n < 4 || memcmp(s + n - 2, "*/", 2) != 0)
        return false;
    for (i = lead; i + 1 < n; i++) {
        if (s[i] == '"' || s[i] == '\'')
            return false;
        if (s[i] == '/' && s[i + 1] == '*')
            break;
    }
    if (i == lead || i + 1 >= n || !lone_comment(s + i, n - i, 0))
        return false;
    *at = i;
    return cwrap_width(s, i) <= CWRAP_WIDTH;
}

/* A lone comment as a block comment, its words filled line by line. */
static void fold_comment(buf *out, const char *s, size_t n, size_t lead)
{
    const char *p = s + lead + 2, *end = s + n - 2, *q;
    size_t col = lead + 2, w;
    bool words = false; /* a word on the current line */

    buf_pad(out, lead);
    buf_puts(out, "/*");
    while (end > p && end[-1] == ' ')
        end--;
    while (p < end) {
        while (p < end && *p == ' ')
            p++;
        for (q = p; q < end && *q != ' '; q++)
            ;
        w = cwrap_width(p, (size_t)(q - p));
        if (words && col + 1 + w > CWRAP_WIDTH) {
            buf_putc(out, '\n');
            buf_pad(out, lead);
            buf_puts(out, " *");
            col = lead + 2;
        }
        buf_putc(out, ' ');
        buf_put(out, p, (size_t)(q - p));
        col += 1 + w;
        words = true;
        p = q;
    }
    if (col + 3 > CWRAP_WIDTH) {
        buf_putc(out, '\n');
        buf_pad(out, lead);
    }
    buf_puts(out, " */");
}

/* What a byte is to the folding: kinds[c] of the ones that matter. */
enum { K_QUOTE = 1, K_SLASH = 2, K_OPEN = 4, K_CLOSE = 8 };

static unsigned char kinds[256];

static void init_kinds(void)
{
    kinds['"'] = kinds['\''] = K_QUOTE;
    kinds['/'] = K_SLASH;
    kinds['('] = kinds['['] = kinds['{'] = K_OPEN;
    kinds[')'] = kinds[']'] = kinds['}'] = K_CLOSE;
}

/* Whether one of the eight bytes at s is a quote, an apostrophe or a
 * slash: a zero byte of x ^ that byte, found without a test per byte. */
static bool quote_or_slash8(const char *s)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    const uint64_t highs = UINT64_C(0x8080808080808080);
    uint64_t x, a, b, c;

    memcpy(&x, s, 8);
    a = x ^ (ones * '"');
    b = x ^ (ones * '\'');
    c = x ^ (ones * '/');
    return (((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c)) &
           highs;
}

/* code[i] = whether s[i] is outside strings, characters and comments. */
static void mark_code(const char *s, size_t n, unsigned char *code)
{
    size_t i = 0, e;

    memset(code, 1, n);
    while (i < n) {
        while (i + 8 <= n && !quote_or_slash8(s + i))
            i += 8;
        if (i == n)
            break;
        if (!(kinds[(unsigned char)s[i]] & (K_QUOTE | K_SLASH))) {
            i++;
            continue;
        }
        if (s[i] == '"' || s[i] == '\'') {
            /* to the closing quote, past escaped characters */
            for (e = i + 1; e < n && s[e] != s[i]; e++)
                if (s[e] == '\\' && e + 1 < n)
                    e++;
            e = e < n ? e + 1 : n;
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            for (e = i + 2; e + 1 < n && !(s[e] == '*' && s[e + 1] == '/');
                 e++)
                ;
            e = e + 1 < n ? e + 2 : n;
        } else {
            i++;
            continue;
        }
        memset(code + i, 0, e - i);
        i = e;
    }
}

/* The space after the name of a #define (and its parameters), or 0. */
static size_t define_break(const char *s, size_t n, size_t lead)
{
    size_t i = lead + strlen("#define "), depth = 0;

    while (i < n && s[i] != ' ' && s[i] != '(')
        i++;
    if (i < n && s[i] == '(')
        for (; i < n; i++) {
            depth += s[i] == '(';
            if (s[i] == ')' && --depth == 0) {
                i++;
                break;
            }
        }
    return i < n && s[i] == ' ' ? i : 0;
}

/* Whether the line may break at the space s[i]: after a list's comma,
 * after the = of an initializer, or at def (a #define's name; 0: none). */
static bool may_break(const char *s, const unsigned char *code, size_t i,
                      size_t def)
{
    if (s[i] != ' ' || i < 2)
        return false;
    if (i == def)
        return true;
    return code[i - 1] &&
           (s[i - 1] == ',' || (s[i - 1] == '=' && s[i - 2] == ' '));
}

#define NONE ((size_t)-1)

/* Where the atom starting at i ends: at the space of the next place the
 * line may break, just past the bracket hang, or at n. */
static size_t atom_end(const char *s, size_t n, const unsigned char *code,
                       size_t i, size_t def, size_t hang)
{
    size_t k = i, stop = n;
    const char *sp;

    if (hang != NONE && hang + 1 > i && hang + 1 < n)
        stop = hang + 1;
    /* Only a space may break: from one to the next. */
    while (k < stop && (sp = memchr(s + k, ' ', stop - k)) != NULL) {
        k = (size_t)(sp - s);
        if (may_break(s, code, k, def))
            return k;
        k++;
    }
    return stop;
}

typedef struct layout {
    size_t col;
    size_t open[MAX_DEPTH]; /* the columns of the open brackets */
    size_t at[MAX_DEPTH];   /* and where they are in the line */
    size_t depth;
} layout;

/* *to = *from as far as its brackets go, all that is read of either. */
static void copy_layout(layout *to, const layout *from)
{
    to->col = from->col;
    to->depth = from->depth;
    memcpy(to->open, from->open, from->depth * sizeof *to->open);
    memcpy(to->at, from->at, from->depth * sizeof *to->at);
}

/* Appends the atom s[from..to), w columns wide, and moves l past it. */
static void put_atom(buf *out, layout *l, const char *s,
                     const unsigned char *code, size_t from, size_t to,
                     size_t w)
{
    size_t i, col = l->col, last = from; /* s[last] is at column col */

    buf_put(out, s + from, to - from);
    for (i = from; i < to; i++) {
        unsigned k = kinds[(unsigned char)s[i]] & (K_OPEN | K_CLOSE);

        if (!k || !code[i])
            continue;
        if (k == K_OPEN && l->depth < MAX_DEPTH) {
            col += cwrap_width(s + last, i - last);
            last = i;
            l->at[l->depth] = i;
            l->open[l->depth++] = col;
        } else if (k == K_CLOSE && l->depth > 0) {
            l->depth--;
        }
    }
    l->col += w;
}

/*
 * Step one: s folded at its lists' commas (and after a #define's name),
 * each list's lines aligned past its bracket; with hang (a bracket's
 * place in s), that list starts on a line of its own, indented by four.
 * Returns the bracket whose list did not fit aligned, or NONE.
 */
static size_t fold_lists(buf *out, const char *s, size_t n, size_t lead,
                         size_t limit, const unsigned char *code,
                         size_t hang)
{
    size_t def = starts(s + lead, n - lead, "#define ")
                     ? define_break(s, n, lead) : 0;
    size_t at, end, w, indent, failed = NONE, k;
    bool hung, named;
    layout l;
    /* The last place of the current line where it could have broken at
     * each depth, for a list that overflows inside a bracket opened after
     * it or after an = of its own: the line breaks there instead, at the
     * outer list's comma, as one writes {f(a, b),\n g(c, d)} rather than
     * cutting g's list, and {a, .x =\n 1} never. */
    static struct {
        bool set;
        size_t len, at;
        layout l; /* its brackets up to its depth only */
    } before[MAX_DEPTH + 1];
    size_t marked = 0; /* before[marked..] are all unset, on entry all */

    l.col = l.depth = 0;
    end = atom_end(s, n, code, 0, def, hang);
    put_atom(out, &l, s, code, 0, end, cwrap_width(s, end));
    while (end < n) {
        hung = hang != NONE && end == hang + 1;
        at = hung ? end : end + 1;
        named = def && end == def;
        if (named)
            while (at < n && s[at] == ' ')
                at++;
        end = atom_end(s, n, code, at, def, hang);
        w = cwrap_width(s + at, end - at);
        /* A #define too wide breaks after its name first. */
        if (!hung && !named && l.col + 1 + w <= limit) {
            before[l.depth].set = s[at - 2] == ',';
            before[l.depth].len = out->len;
            before[l.depth].at = at;
            copy_layout(&before[l.depth].l, &l);
            if (marked <= l.depth)
                marked = l.depth + 1;
            buf_putc(out, ' ');
            l.col++;
            put_atom(out, &l, s, code, at, end, w);
            continue;
        }
        /* after an =, the comma before it of the same list too */
        for (k = l.depth + (s[at - 2] == '='); !hung && !named && k-- > 0;)
            if (before[k].set && before[k].l.depth == k &&
                (k == 0 || before[k].l.at[k - 1] == l.at[k - 1])) {
                out->len = before[k].len;
                at = before[k].at;
                copy_layout(&l, &before[k].l);
                end = atom_end(s, n, code, at, def, hang);
                w = cwrap_width(s + at, end - at);
                break;
            }
        if (hung || named || s[at - 2] == '=')
            indent = lead + 4;
        else if (l.depth == 0)
            indent = lead;
        else if (l.at[l.depth - 1] == hang)
            indent = lead + 4;
        else
            indent = l.open[l.depth - 1] + 1;
        if (indent + w > limit && lead + 4 < indent && failed == NONE)
            failed = l.at[l.depth - 1];
        buf_putc(out, '\n');
        buf_pad(out, indent);
        l.col = indent;
        while (marked > 0)
            before[--marked].set = false;
        put_atom(out, &l, s, code, at, end, w);
    }
    while (marked > 0)
        before[--marked].set = false;
    return failed;
}

/* The bytes of the escape sequence at s[0] (a backslash). */
static size_t escape_len(const char *s, size_t n)
{
    size_t k = 1;

    if (n < 2)
        return n;
    if (s[1] >= '0' && s[1] <= '7') {
        while (k < n && k < 4 && s[k] >= '0' && s[k] <= '7')
            k++;
        return k;
    }
    if (s[1] == 'x') {
        for (k = 2; k < n && strchr("0123456789abcdefABCDEF", s[k]); k++)
            ;
        return k;
    }
    return 2;
}

/* The end (the closing quote) of the literal opened at s[i]. */
static size_t literal_end(const char *s, size_t n, size_t i)
{
    for (i++; i < n && s[i] != '"'; i++)
        if (s[i] == '\\')
            i++;
    return i < n ? i : n - 1;
}

/* Whether the eight bytes at s are ASCII and no backslash: a column
 * each, and none ends the literal (the literal's text is escaped, so
 * its quotes come after backslashes). */
static bool plain8(const char *s)
{
    uint64_t x, y;

    memcpy(&x, s, 8);
    y = x ^ UINT64_C(0x5c5c5c5c5c5c5c5c); /* a zero byte for a backslash */
    return !((x | ((y - UINT64_C(0x0101010101010101)) & ~y)) &
             UINT64_C(0x8080808080808080));
}

static buf piece; /* the text of a literal moved to its next line */

/* Step two: the literals of the line s cut so that it fits in limit. */
static void fold_literals(buf *out, const char *s, size_t n, size_t limit)
{
    size_t i = 0, col = 0, e, j, u, start, good, reserve, first, cut, k, sp;
    size_t at, room, stop;
    const char *rest;

    while (i < n) {
        if (s[i] == '\'' || (s[i] == '/' && i + 1 < n && s[i + 1] == '*')) {
            /* a character or a comment: copied whole */
            e = s[i] == '\'' ? i + 1 : i + 2;
            while (e < n && !(s[i] == '\'' ? s[e] == '\''
                                           : s[e - 1] == '*' && s[e] == '/'))
                e += s[i] == '\'' && s[e] == '\\' ? 2 : 1;
            e = e < n ? e + 1 : n;
            buf_put(out, s + i, e - i);
            col += cwrap_width(s + i, e - i);
            i = e;
            continue;
        }
        if (s[i] != '"') {
            buf_putc(out, s[i]);
            col += ((unsigned char)s[i] & 0xC0) != 0x80;
            i++;
            continue;
        }
        e = literal_end(s, n, i);
        rest = memchr(s + e + 1, '"', n - e - 1);
        reserve = rest ? 1 : cwrap_width(s + e, n - e);
        start = col;
        buf_putc(out, '"');
        col++;
        good = 0;
        first = out->len; /* where the current piece's text starts */
        for (j = i + 1; j < e; j += u) {
            /* The common case first: a run of plain ASCII (and of \" and
             * \\, a column a byte too) that fits, copied at once, good
             * after its last space. */
            room = col + 1 + reserve <= limit ? limit - reserve - col : 0;
            stop = room < e - j ? j + room : e;
            for (k = j; k + 8 <= stop && plain8(s + k); k += 8)
                ;
            while (k < stop && (unsigned char)s[k] < 0x80) {
                if (s[k] != '\\')
                    k++;
                else if (k + 2 <= stop && (s[k + 1] == '"' || s[k + 1] == '\\'))
                    k += 2;
                else
                    break;
            }
            if (k > j) {
                at = out->len;
                buf_put(out, s + j, k - j);
                for (sp = k; sp > j && s[sp - 1] != ' '; sp--)
                    ;
                if (sp > j)
                    good = at + (sp - j);
                col += k - j;
                u = k - j;
                continue;
            }
            u = s[j] == '\\' ? escape_len(s + j, e - j) : 1;
            if (col + u + reserve > limit && out->len > first) {
                cut = good > first ? good : out->len;
                buf_reset(&piece);
                buf_put(&piece, out->data + cut, out->len - cut);
                out->len = cut;
                buf_puts(out, "\"\n");
                buf_pad(out, start);
                buf_putc(out, '"');
                first = out->len;
                buf_put(out, piece.data, piece.len);
                col = start + 1 + cwrap_width(piece.data, piece.len);
                good = 0;
            }
            buf_put(out, s + j, u);
            col += ((unsigned char)s[j] & 0xC0) != 0x80 ? u : 0;
            if (s[j] == ' ' || (u == 2 && s[j + 1] == 'n'))
                good = out->len;
        }
        buf_putc(out, '"');
        col++;
        i = e + 1;
    }
}

/* A literal opened at column start is cut before what does not fit:
 * after the last space or \n of its current line (from byte first of
 * out on, nl: just past its last \n, or 0), or else where out ends, the
 * rest going to the next line under the first.  Returns the new line's
 * first byte of text. */
static size_t cut_literal(buf *out, size_t start, size_t first, size_t nl)
{
    size_t at = out->len;

    while (at > first && out->data[at - 1] != ' ')
        at--;
    if (nl > at)
        at = nl;
    if (at <= first)
        at = out->len;
    buf_reset(&piece);
    buf_put(&piece, out->data + at, out->len - at);
    out->len = at;
    buf_puts(out, "\"\n");
    buf_pad(out, start);
    buf_putc(out, '"');
    at = out->len;
    buf_put(out, piece.data, piece.len);
    return at;
}

/*
 * The literal is escaped and folded in one pass, as fold_literals() folds
 * the line that has it escaped: its escapes are ASCII, a byte of them a
 * column, so the columns are counted as the bytes are written.  A run of
 * plain text goes at once, as far as the line has room; an escape is
 * never cut.
 */
void cwrap_literal(buf *out, size_t lead, const char *s, size_t n,
                   const char *tail)
{
    size_t reserve = 1 + strlen(tail), limit = CWRAP_WIDTH;
    size_t i = 0, end, room, u, col, first, nl = 0;
    char esc[4];

    if (!piece.data)
        buf_init(&piece);
    buf_pad(out, lead);
    buf_putc(out, '"');
    col = lead + 1;
    first = out->len;
    while (i < n) {
        end = i + buf_c_plain(s + i, n - i);
        while (i < end) {
            room = col + 1 + reserve <= limit ? limit - reserve - col : 0;
            if (room == 0) {
                /* one byte past the room: the line is cut before it */
                if (out->len > first) {
                    first = cut_literal(out, lead, first, nl);
                    col = lead + 1 + (out->len - first);
                    nl = 0;
                }
                room = 1;
            }
            if (room > end - i)
                room = end - i;
            buf_put(out, s + i, room);
            col += room;
            i += room;
        }
        if (i == n)
            break;
        u = buf_c_escape(s, i, esc);
        if (col + u + reserve > limit && out->len > first) {
            first = cut_literal(out, lead, first, nl);
            col = lead + 1 + (out->len - first);
            nl = 0;
        }
        buf_put(out, esc, u);
        col += u;
        if (s[i] == '\n')
            nl = out->len;
        i++;
    }
    buf_putc(out, '"');
    buf_puts(out, tail);
}

static buf step; /* step one's lines, before step two */

/* The end of the line of b starting at i: its newline, or b's end. */
static size_t line_end(const buf *b, size_t i)
{
    const char *nl = memchr(b->data + i, '\n', b->len - i);

    return nl ? (size_t)(nl - b->data) : b->len;
}

static bool too_wide(const buf *b, size_t limit)
{
    size_t i, e;

    for (i = 0; i < b->len; i = e + 1) {
        e = line_end(b, i);
        if (wider(b->data + i, e - i, limit))
            return true;
    }
    return false;
}

/* The first bracket of s that opens a list, or NONE. */
static size_t first_open(const char *s, size_t n, const unsigned char *code)
{
    size_t i;

    for (i = 1; i + 1 < n; i++)
        if (code[i] && s[i] == '(' && s[i + 1] != ')' && s[i + 1] != '*' &&
            s[i - 1] != ' ')
            return i;
    return NONE;
}

/* Whether s[lead..n) is one string literal, and a ',' after it or
 * nothing: a line with no list of its own, as a long statement of the
 * DDL is. */
static bool lone_literal(const char *s, size_t n, size_t lead)
{
    size_t e;

    if (lead >= n || s[lead] != '"')
        return false;
    e = literal_end(s, n, lead);
    return s[e] == '"' && e > lead &&
           (e + 1 == n || (e + 2 == n && s[e + 1] == ','));
}

/* One line too wide, folded into out; macro: it belongs to a #define. */
static void fold_line(buf *out, const char *s, size_t n, bool macro)
{
    static unsigned char *code;
    static size_t code_cap;
    size_t lead = lead_of(s, n), limit = CWRAP_WIDTH, i, e, begin, hang, def;
    bool backslash = false;

    if (!macro && lone_comment(s, n, lead)) {
        fold_comment(out, s, n, lead);
        return;
    }
    if (!macro && trailing_comment(s, n, lead, &i)) {
        /* the comment goes above the code it is about */
        begin = out->len;
        buf_pad(out, lead);
        buf_put(out, s + i, n - i);
        if (out->len - begin > CWRAP_WIDTH) {
            buf_reset(&step);
            buf_put(&step, out->data + begin, out->len - begin);
            out->len = begin;
            fold_comment(out, step.data, step.len, lead);
        }
        buf_putc(out, '\n');
        for (e = i; e > lead && s[e - 1] == ' '; e--)
            ;
        buf_put(out, s, e);
        return;
    }
    if (macro) {
        limit -= 2;
        backslash = n > 0 && s[n - 1] == '\\';
        if (backslash)
            for (n--; n > 0 && s[n - 1] == ' '; n--)
                ;
    }
    if (macro && !backslash && starts(s + lead, n - lead, "#define ") &&
        (def = define_break(s, n, lead)) != 0) {
        /* The common case, as step one would fold it: the name, then
         * the body on one line of its own. */
        for (i = def; i < n && s[i] == ' '; i++)
            ;
        if (lead + 4 + cwrap_width(s + i, n - i) <= limit) {
            buf_put(out, s, def);
            buf_puts(out, " \\\n");
            buf_pad(out, lead + 4);
            buf_put(out, s + i, n - i);
            return;
        }
    }
    if (!macro && lone_literal(s, n, lead)) {
        /* step one has no list to fold: only the literal is cut */
        fold_literals(out, s, n, CWRAP_WIDTH);
        return;
    }
    if (n > code_cap) {
        code_cap = 2 * n;
        code = mem_realloc(code, code_cap);
    }
    mark_code(s, n, code);
    buf_reset(&step);
    hang = fold_lists(&step, s, n, lead, limit, code, NONE);
    if (hang == NONE && too_wide(&step, limit))
        hang = first_open(s, n, code);
    if (hang != NONE) {
        buf_reset(&step);
        fold_lists(&step, s, n, lead, limit, code, hang);
    }
    begin = out->len;
    for (i = 0; i < step.len; i = e + 1) {
        e = line_end(&step, i);
        if (i > 0)
            buf_putc(out, '\n');
        if (wider(step.data + i, e - i, limit))
            fold_literals(out, step.data + i, e - i, limit);
        else
            buf_put(out, step.data + i, e - i);
    }
    if (!macro)
        return;
    /* The backslashes, now that the lines are known. */
    buf_reset(&step);
    buf_put(&step, out->data + begin, out->len - begin);
    out->len = begin;
    for (i = 0; i < step.len; i = e) {
        e = line_end(&step, i);
        buf_put(out, step.data + i, e - i);
        if (e < step.len) {
            buf_puts(out, " \\\n");
            e++;
        }
    }
    if (backslash)
        buf_puts(out, " \\");
}

/*
 * Lines of one shape fold alike.  A line's shape is its bytes with every
 * letter, digit and underscore read as the one letter 'a': the folding
 * tells those bytes from the others but never one from another, save
 * after a backslash (an escape's digits) and in "#define".  So a line
 * with a backslash before its last byte has no shape, and whether it is
 * a #define, or in a macro, is part of its shape.  The first line of a
 * shape is folded, and what the folding did to it kept as a recipe: the
 * runs of its bytes kept, in order, and the bytes put between them
 * (spaces, newlines, backslashes and quotes).  A later line of that shape
 * follows the recipe, on its own bytes.  The generated code repeats a
 * few shapes once a table or a column, so most long lines cost the
 * reading of their shape.
 */
typedef struct recipe_op {
    uint32_t at;  /* a byte of the line, or with ADDED one of added */
    uint32_t len; /* how many */
} recipe_op;

#define ADDED UINT32_C(0x80000000)
#define NO_RECIPE ((size_t)-1) /* the folding did more than that */

typedef struct shape {
    uint64_t hash;
    size_t key, keylen; /* in shapes.keys */
    size_t op, nops;    /* in shapes.ops; nops == NO_RECIPE: none */
} shape;

static struct {
    buf keys;            /* every shape's key, one after another */
    buf added;           /* the bytes the recipes add */
    recipe_op *ops;      /* every recipe's steps */
    size_t nops, opcap;
    shape *all;
    size_t n, cap;
    uint32_t *slots;     /* 1 + the index in all, or 0: free */
    size_t nslots;
    unsigned char as[256]; /* what a byte reads as in a shape */
} shapes;

static void shapes_init(void)
{
    int c;

    for (c = 0; c < 256; c++)
        shapes.as[c] = (unsigned char)c;
    for (c = 'a'; c <= 'z'; c++)
        shapes.as[c] = shapes.as[c - 'a' + 'A'] = 'a';
    for (c = '0'; c <= '9'; c++)
        shapes.as[c] = 'a';
    shapes.as['_'] = 'a';
    buf_init(&shapes.keys);
    buf_init(&shapes.added);
    shapes.nslots = 256;
    shapes.slots = mem_calloc(shapes.nslots, sizeof *shapes.slots);
}

static void shapes_free(void)
{
    buf_free(&shapes.keys);
    buf_free(&shapes.added);
    free(shapes.ops);
    free(shapes.all);
    free(shapes.slots);
    memset(&shapes, 0, sizeof shapes);
}

static void shapes_grow(void)
{
    size_t i, k, n = shapes.nslots * 2;
    uint32_t *slots = mem_calloc(n, sizeof *slots);

    for (i = 0; i < shapes.n; i++) {
        for (k = shapes.all[i].hash & (n - 1); slots[k]; k = (k + 1) & (n - 1))
            ;
        slots[k] = (uint32_t)(i + 1);
    }
    free(shapes.slots);
    shapes.slots = slots;
    shapes.nslots = n;
}

static void add_op(uint32_t at, size_t len)
{
    recipe_op *last = shapes.nops ? &shapes.ops[shapes.nops - 1] : NULL;

    if (last && last->at + last->len == at &&
        (last->at & ADDED) == (at & ADDED)) {
        last->len += (uint32_t)len;
        return;
    }
    if (shapes.nops == shapes.opcap) {
        shapes.opcap = shapes.opcap ? 2 * shapes.opcap : 256;
        shapes.ops = mem_realloc(shapes.ops,
                                 shapes.opcap * sizeof *shapes.ops);
    }
    shapes.ops[shapes.nops].at = at;
    shapes.ops[shapes.nops++].len = (uint32_t)len;
}

/* Appends the recipe of sh to out, on the line s. */
static void follow(buf *out, const shape *sh, const char *s)
{
    const recipe_op *op = shapes.ops + sh->op, *end = op + sh->nops;

    for (; op < end; op++)
        if (op->at & ADDED)
            buf_put(out, shapes.added.data + (op->at & ~ADDED), op->len);
        else
            buf_put(out, s + op->at, op->len);
}

/* The recipe that makes f[0..m) of the line s[0..n): its bytes in order,
 * spaces dropped and bytes added; false if f is not that. */
static bool learn(shape *sh, const char *s, size_t n, const char *f,
                  size_t m)
{
    size_t i = 0, k = 0;

    sh->op = shapes.nops;
    while (k < m) {
        if (i < n && f[k] == s[i]) {
            add_op((uint32_t)i++, 1);
            k++;
        } else if (i < n && s[i] == ' ') {
            i++;
        } else if (f[k] == ' ' || f[k] == '\n' || f[k] == '\\' ||
                   f[k] == '"') {
            add_op(ADDED | (uint32_t)shapes.added.len, 1);
            buf_putc(&shapes.added, f[k++]);
        } else {
            break;
        }
    }
    while (i < n && s[i] == ' ')
        i++;
    sh->nops = shapes.nops - sh->op;
    if (k < m || i < n || shapes.added.len >= ADDED || n >= ADDED) {
        shapes.nops = sh->op;
        sh->nops = NO_RECIPE;
    }
    return sh->nops != NO_RECIPE;
}

/* One line too wide, folded into out as fold_line() folds it, by the
 * recipe of its shape where there is one. */
static void fold_shaped(buf *out, const char *s, size_t n, bool macro,
                        bool define)
{
    buf *key = &shapes.keys;
    size_t i, at = key->len, slot, begin;
    uint64_t h = n, x8;
    char *d;
    shape *sh;
    uint32_t x;

    if (n > 1 && memchr(s, '\\', n - 1)) {
        fold_line(out, s, n, macro);
        return;
    }
    buf_reserve(key, n + 8);
    d = key->data + at;
    d[0] = (char)(macro | define << 1);
    for (i = 0; i < n; i++)
        d[1 + i] = (char)shapes.as[(unsigned char)s[i]];
    memset(d + 1 + n, 0, 7);
    for (i = 0; i < n + 1; i += 8) {
        memcpy(&x8, d + i, 8);
        h = (h ^ x8) * UINT64_C(0x9e3779b97f4a7c15);
        h ^= h >> 29;
    }
    for (slot = h & (shapes.nslots - 1); (x = shapes.slots[slot]) != 0;
         slot = (slot + 1) & (shapes.nslots - 1)) {
        sh = &shapes.all[x - 1];
        if (sh->hash == h && sh->keylen == n + 1 &&
            memcmp(key->data + sh->key, key->data + at, n + 1) == 0) {
            if (sh->nops == NO_RECIPE)
                fold_line(out, s, n, macro);
            else
                follow(out, sh, s);
            return;
        }
    }
    /* A new shape: its key kept, its line folded and learnt. */
    key->len += n + 1;
    key->data[key->len] = '\0';
    if (shapes.n == shapes.cap) {
        shapes.cap = shapes.cap ? 2 * shapes.cap : 64;
        shapes.all = mem_realloc(shapes.all, shapes.cap * sizeof *shapes.all);
    }
    sh = &shapes.all[shapes.n];
    sh->hash = h;
    sh->key = at;
    sh->keylen = n + 1;
    shapes.slots[slot] = (uint32_t)++shapes.n;
    if (2 * shapes.n > shapes.nslots)
        shapes_grow();
    begin = out->len;
    fold_line(out, s, n, macro);
    learn(sh, s, n, out->data + begin, out->len - begin);
}

void cwrap_lines(buf *b, size_t from)
{
    size_t i, e, lead, copied = 0;
    bool macro, define, folded = false;
    buf out;

    if (!kinds['('])
        init_kinds();

    /* One pass: a line that fits costs the search for its end (and,
     * wider in bytes than in columns, a count of its characters); the
     * lines between two that do not are copied in one piece. */
    for (i = from; i < b->len; i = e + 1) {
        e = line_end(b, i);
        if (!wider(b->data + i, e - i, CWRAP_WIDTH))
            continue;
        if (!folded) {
            buf_init(&out);
            buf_reserve(&out, b->len + b->len / 8);
            shapes_init();
            folded = true;
        }
        buf_put(&out, b->data + copied, i - copied);
        lead = lead_of(b->data + i, e - i);
        /* In a macro: a #define, or the line before ends in a
         * backslash. */
        define = starts(b->data + i + lead, e - i - lead, "#define ");
        macro = (i >= from + 2 && b->data[i - 2] == '\\') || define;
        fold_shaped(&out, b->data + i, e - i, macro, define);
        copied = e; /* the newline goes with what follows */
    }
    if (!folded)
        return;
    shapes_free();
    buf_put(&out, b->data + copied, b->len - copied);
    buf_free(b);
    *b = out;
}
