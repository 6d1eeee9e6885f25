/*
 * order.c - the creation order of a schema's tables (see order.h).
 *
 * The references form a graph whose nodes are the tables, an edge going
 * from a table to each table its foreign keys name.  Tarjan's algorithm,
 * written with an explicit stack so that a chain of a hundred thousand
 * tables needs no deep recursion, finds the cycles (the strongly
 * connected components); inside one, an edge that points at the same
 * table or one declared later is set aside (after_tables).  What is left
 * has no cycle: an edge between components follows their order, and an
 * edge inside one points at a table declared earlier.  Kahn's algorithm
 * then lists the tables, taking among those whose parents are all listed
 * the one declared first (a binary heap on the declaration index).
 */
#include "order.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* The graph: the edges of table v are edge[first[v]] .. edge[first[v+1]]. */
typedef struct graph {
    int n;
    int *first;
    int *to;          /* the referenced table's index, or -1: unknown */
    ast_ref **ref;
} graph;

static int ref_target(const ast_ref *r, int n)
{
    if (!r->target || r->target->index < 0 || r->target->index >= n)
        return -1;
    return r->target->index;
}

/* Stores the foreign keys of t in out (when not NULL), in the order of
 * the DDL; returns their count. */
static int table_refs(ast_table *t, ast_ref **out)
{
    ast_column *c;
    ast_item *it;
    int k = 0;

    for (c = t->columns; c; c = c->next)
        if (c->ref) {
            if (out)
                out[k] = c->ref;
            k++;
        }
    for (it = t->items; it; it = it->next)
        if (it->kind == AST_ITEM_FOREIGN_KEY && it->ref) {
            if (out)
                out[k] = it->ref;
            k++;
        }
    return k;
}

static void graph_build(graph *g, ast_table **tabs, int n)
{
    int v, e, m = 0;

    g->n = n;
    g->first = mem_calloc((size_t)n + 1, sizeof *g->first);
    for (v = 0; v < n; v++) {
        g->first[v] = m;
        m += table_refs(tabs[v], NULL);
    }
    g->first[n] = m;
    g->to = mem_calloc((size_t)m + 1, sizeof *g->to);
    g->ref = mem_calloc((size_t)m + 1, sizeof *g->ref);
    for (v = 0; v < n; v++)
        table_refs(tabs[v], g->ref + g->first[v]);
    for (e = 0; e < m; e++) {
        g->ref[e]->after_tables = false;
        g->to[e] = ref_target(g->ref[e], n);
    }
}

static void graph_free(graph *g)
{
    free(g->first);
    free(g->to);
    free(g->ref);
}

/* Tarjan's strongly connected components: comp[v] for every table. */
static void components(const graph *g, int *comp)
{
    int n = g->n, v, w, top = 0, depth = 0, counter = 0, ncomp = 0;
    int *num = mem_calloc((size_t)n + 1, sizeof *num);
    int *low = mem_calloc((size_t)n + 1, sizeof *low);
    int *stack = mem_calloc((size_t)n + 1, sizeof *stack);
    int *call = mem_calloc((size_t)n + 1, sizeof *call);   /* the node */
    int *edge = mem_calloc((size_t)n + 1, sizeof *edge);   /* next edge */
    char *on = mem_calloc((size_t)n + 1, 1);

    for (v = 0; v < n; v++) {
        if (num[v])
            continue;
        call[depth] = v;
        edge[depth++] = g->first[v];
        num[v] = low[v] = ++counter;
        stack[top++] = v;
        on[v] = 1;
        while (depth > 0) {
            int u = call[depth - 1];

            if (edge[depth - 1] < g->first[u + 1]) {
                w = g->to[edge[depth - 1]++];
                if (w < 0)
                    continue;
                if (!num[w]) {
                    call[depth] = w;
                    edge[depth++] = g->first[w];
                    num[w] = low[w] = ++counter;
                    stack[top++] = w;
                    on[w] = 1;
                } else if (on[w] && num[w] < low[u])
                    low[u] = num[w];
                continue;
            }
            /* u is done: close its component, then return to its caller. */
            if (low[u] == num[u]) {
                do {
                    w = stack[--top];
                    on[w] = 0;
                    comp[w] = ncomp;
                } while (w != u);
                ncomp++;
            }
            if (--depth > 0 && low[u] < low[call[depth - 1]])
                low[call[depth - 1]] = low[u];
        }
    }
    free(num);
    free(low);
    free(stack);
    free(call);
    free(edge);
    free(on);
}

/* A binary min-heap of table indexes. */
typedef struct heap {
    int *v;
    int n;
} heap;

static void heap_push(heap *h, int x)
{
    int i = h->n++;

    while (i > 0 && h->v[(i - 1) / 2] > x) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = x;
}

static int heap_pop(heap *h)
{
    int top = h->v[0], x = h->v[--h->n], i = 0, c;

    for (;;) {
        c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->v[c + 1] < h->v[c])
            c++;
        if (h->v[c] >= x)
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n > 0)
        h->v[i] = x;
    return top;
}

/* Whether edge e orders its tables (it is known and not set aside). */
static bool orders(const graph *g, int e)
{
    return g->to[e] >= 0 && !g->ref[e]->after_tables;
}

/* Kahn's algorithm over the edges that order: out[k] for k < n. */
static void kahn(const graph *g, ast_table **tabs, ast_table **out)
{
    int n = g->n, m = g->first[n], v, e, k = 0;
    int *waiting = mem_calloc((size_t)n + 1, sizeof *waiting);
    int *rfirst = mem_calloc((size_t)n + 2, sizeof *rfirst);
    int *rfrom = mem_calloc((size_t)m + 1, sizeof *rfrom);
    heap h = {mem_calloc((size_t)n + 1, sizeof *h.v), 0};

    /* The reverse edges, grouped by the referenced table. */
    for (e = 0; e < m; e++)
        if (orders(g, e))
            rfirst[g->to[e] + 2]++;
    for (v = 0; v < n; v++)
        rfirst[v + 2] += rfirst[v + 1];
    for (v = 0; v < n; v++)
        for (e = g->first[v]; e < g->first[v + 1]; e++)
            if (orders(g, e)) {
                rfrom[rfirst[g->to[e] + 1]++] = v;
                waiting[v]++;
            }
    for (v = 0; v < n; v++)
        if (waiting[v] == 0)
            heap_push(&h, v);
    while (h.n > 0) {
        v = heap_pop(&h);
        out[k++] = tabs[v];
        for (e = rfirst[v]; e < rfirst[v + 1]; e++)
            if (--waiting[rfrom[e]] == 0)
                heap_push(&h, rfrom[e]);
    }
    free(waiting);
    free(rfirst);
    free(rfrom);
    free(h.v);
}

void order_tables(ast_ctx *ctx)
{
    ast_schema *s = ctx->schema;
    ast_table *t, **tabs;
    graph g;
    int n = 0, v, e, *comp;

    if (!s)
        return;
    for (t = s->tables; t; t = t->next)
        n++;
    tabs = mem_calloc((size_t)n + 1, sizeof *tabs);
    n = 0;
    for (t = s->tables; t; t = t->next)
        tabs[n++] = t;
    graph_build(&g, tabs, n);
    comp = mem_calloc((size_t)n + 1, sizeof *comp);
    components(&g, comp);
    for (v = 0; v < n; v++)
        for (e = g.first[v]; e < g.first[v + 1]; e++)
            if (g.to[e] >= v && comp[g.to[e]] == comp[v])
                g.ref[e]->after_tables = true;
    s->creation_order = ast_alloc(ctx, sizeof *s->creation_order *
                                           ((size_t)n + 1));
    kahn(&g, tabs, s->creation_order);
    free(comp);
    free(tabs);
    graph_free(&g);
}

bool order_has_after_tables(const ast_table *t)
{
    const ast_column *c;
    const ast_item *it;

    for (c = t->columns; c; c = c->next)
        if (c->ref && c->ref->after_tables)
            return true;
    for (it = t->items; it; it = it->next)
        if (it->kind == AST_ITEM_FOREIGN_KEY && it->ref &&
            it->ref->after_tables)
            return true;
    return false;
}
