/*
 * test-strbuf.c - the growable string and the string table shared by the
 * runtime and the generator (runtime/strbuf.c, runtime/hash.c): a zeroed
 * buffer takes the runtime's memory, through the allocator of
 * sc_open_opts and the allocation-failure hook, and after a failure
 * appends nothing more; the generator's buffer always has a string; the
 * table keeps what it is given through growth and removals in any
 * order, and refuses nothing but a lack of memory, which leaves it as it
 * was.  (The generator's tables, symtab.h, are tested in test-parse.)
 */
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "internal.h"

/* ---- the buffer ------------------------------------------------------ */

START_TEST(test_zeroed_appends)
{
    sc__buf b = {0};
    char big[1000];

    ck_assert_ptr_null(b.s);
    sc__buf_puts(&b, "SELECT ");
    sc__buf_ident(&b, "a\"b");
    sc__buf_putc(&b, ' ');
    sc__buf_put_int(&b, -42);
    sc__buf_putc(&b, ' ');
    sc__buf_put_int(&b, LLONG_MIN);
    sc__buf_pad(&b, 2);
    sc__buf_printf(&b, "%s=%d", "x", 7);
    ck_assert_str_eq(b.s, "SELECT \"a\"\"b\" -42 -9223372036854775808  x=7");
    ck_assert_uint_eq(b.len, strlen(b.s));
    /* longer than the room left: formatted again after growing */
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sc__buf_reset(&b);
    ck_assert_str_eq(b.s, "");
    sc__buf_printf(&b, "<%s>", big);
    ck_assert_uint_eq(b.len, sizeof big + 1);
    ck_assert_int_eq(b.s[0], '<');
    ck_assert_int_eq(b.s[b.len - 1], '>');
    ck_assert(!b.failed);
    sc__buf_free(&b);
    ck_assert_ptr_null(b.s);
    ck_assert_uint_eq(b.len, 0);
}
END_TEST

static int grown;

static void *count_malloc(void *ctx, size_t n)
{
    (void)ctx;
    grown++;
    return malloc(n);
}

static void *count_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    grown++;
    return realloc(p, n);
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

/* The runtime's buffers take the allocator the caller installed. */
START_TEST(test_runtime_allocator)
{
    static const sc_allocator a = {count_malloc, count_realloc, count_free,
                                   NULL};
    sc__buf b = {0};
    int k;

    grown = 0;
    ck_assert_int_eq(sc__alloc_install(&a), SC_OK);
    for (k = 0; k < 100; k++)
        sc__buf_puts(&b, "0123456789");
    ck_assert_uint_eq(b.len, 1000);
    ck_assert_int_ge(grown, 2);
    sc__buf_free(&b);
    ck_assert_int_eq(sc__alloc_install(NULL), SC_OK);
}
END_TEST

/* A failed allocation leaves the text as it was and every later append,
 * however short, a no-op. */
START_TEST(test_runtime_failure)
{
    sc__buf b = {0};

    sc__buf_puts(&b, "kept");
    sc__alloc_fail_at(1);
    sc__buf_pad(&b, 4096);
    sc__alloc_fail_at(-1);
    ck_assert(b.failed);
    sc__buf_putc(&b, 'x');
    sc__buf_puts(&b, "y");
    sc__buf_printf(&b, "%d", 1);
    ck_assert_uint_eq(b.len, 4);
    ck_assert_str_eq(b.s, "kept");
    sc__buf_free(&b);
    ck_assert(!b.failed);
}
END_TEST

/* The generator's buffer is a string from buf_init on, and grows by its
 * own memory, never failing. */
START_TEST(test_generator_buffer)
{
    buf b;
    char *s;
    int k;

    buf_init(&b);
    ck_assert_ptr_nonnull(b.data);
    ck_assert_str_eq(b.data, "");
    for (k = 0; k < 10000; k++)
        buf_put(&b, "abc", 3);
    buf_put_c_escaped(&b, "\"\n", 2);
    ck_assert_uint_eq(b.len, 30004);
    ck_assert_str_eq(b.data + 30000, "\\\"\\n");
    ck_assert(!b.failed);
    s = buf_steal(&b);
    ck_assert_ptr_null(b.data);
    buf_puts(&b, "again");
    ck_assert_str_eq(b.data, "again");
    free(s);
    buf_free(&b);
}
END_TEST

/* ---- the table ------------------------------------------------------- */

#define NKEYS 2000

static char keys[NKEYS][16];

static void make_keys(void)
{
    int i;

    for (i = 0; i < NKEYS; i++)
        snprintf(keys[i], sizeof keys[i], "SELECT %d", i);
}

/* Every key of [0, NKEYS) that is in t is found with its value, every
 * other one is not. */
static void expect_keys(const sc__table *t, const bool *in)
{
    int i;

    for (i = 0; i < NKEYS; i++) {
        if (in[i])
            ck_assert_ptr_eq(sc__table_get(t, keys[i]), keys[i]);
        else
            ck_assert_ptr_null(sc__table_get(t, keys[i]));
    }
}

START_TEST(test_table_put_remove)
{
    static bool in[NKEYS];
    sc__table t;
    void *old;
    int i, k;

    make_keys();
    sc__table_init(&t, false, NULL);
    ck_assert_ptr_null(sc__table_get(&t, keys[0]));
    ck_assert(!sc__table_remove(&t, keys[0]));
    for (i = 0; i < NKEYS; i++) {
        ck_assert_int_eq(sc__table_put(&t, keys[i], keys[i], &old), 0);
        ck_assert_ptr_null(old);
        in[i] = true;
    }
    ck_assert_uint_eq(t.n, NKEYS);
    ck_assert_int_eq(sc__table_put(&t, "SELECT 7", keys[8], &old), 0);
    ck_assert_ptr_eq(old, keys[7]);
    ck_assert_ptr_eq(sc__table_get(&t, "SELECT 7"), keys[7]);
    /* removals in a scattered order, each leaving the rest found */
    for (k = 0; k < NKEYS; k += 3) {
        i = (k * 7919) % NKEYS;
        ck_assert(sc__table_remove(&t, keys[i]) == in[i]);
        in[i] = false;
    }
    expect_keys(&t, in);
    for (i = 0; i < NKEYS; i += 2) {
        ck_assert_int_eq(sc__table_put(&t, keys[i], keys[i], &old), 0);
        ck_assert_ptr_eq(old, in[i] ? keys[i] : NULL);
        in[i] = true;
    }
    expect_keys(&t, in);
    sc__table_free(&t);
    ck_assert_ptr_null(sc__table_get(&t, keys[2]));
}
END_TEST

START_TEST(test_table_fold_and_failure)
{
    sc__table t;
    void *old;
    int i, rc = 0;

    make_keys();
    sc__table_init(&t, true, NULL);
    ck_assert_int_eq(sc__table_put(&t, "Users", keys[0], &old), 0);
    ck_assert_ptr_eq(sc__table_get(&t, "USERS"), keys[0]);
    ck_assert(sc__table_remove(&t, "users"));
    ck_assert_ptr_null(sc__table_get(&t, "Users"));
    /* growing fails: the key is not put, the others stay */
    for (i = 0; i < 32; i++)
        ck_assert_int_eq(sc__table_put(&t, keys[i], keys[i], &old), 0);
    sc__alloc_fail_at(1);
    rc = sc__table_put(&t, keys[32], keys[32], &old);
    sc__alloc_fail_at(-1);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_null(sc__table_get(&t, keys[32]));
    for (i = 0; i < 32; i++)
        ck_assert_ptr_eq(sc__table_get(&t, keys[i]), keys[i]);
    sc__table_free(&t);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("strbuf");
    TCase *tc = tcase_create("buffer");

    tcase_add_test(tc, test_zeroed_appends);
    tcase_add_test(tc, test_runtime_allocator);
    tcase_add_test(tc, test_runtime_failure);
    tcase_add_test(tc, test_generator_buffer);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_test(tc, test_table_put_remove);
    tcase_add_test(tc, test_table_fold_and_failure);
    suite_add_tcase(s, tc);
    return s;
}
