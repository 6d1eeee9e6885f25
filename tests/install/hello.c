/*
 * hello.c - the program of the install test.  It is compiled against the
 * installed schemac.h and libschemac together with the code that the
 * installed schemac generated from hello.schema, then run: it stores a row
 * in each table of an in-memory database, reads the rows back and checks
 * every field.  Exit status 0 when all is well.
 */
#include "hello_db.h"

#include <stdio.h>
#include <string.h>

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "hello: FAILED: %s\n", what);
        failures++;
    }
}

/* Prints the message of a failed call and returns 1, or returns 0. */
static int failed(sc_db *db, int rc, const char *call)
{
    if (rc == SC_OK)
        return 0;
    fprintf(stderr, "hello: %s: %s (%s)\n", call, sc_errstr(rc),
            db ? sc_errmsg(db) : "no handle");
    return 1;
}

static int run(sc_db *db, sc_arena *arena)
{
    hello_author author = HELLO_AUTHOR_INIT;
    hello_greeting greeting = HELLO_GREETING_INIT;
    hello_greeting got, missing;
    hello_author who;
    int rc;

    if (failed(db, hello_create_all(db), "hello_create_all"))
        return 1;

    author.name = "Ada";
    if (failed(db, hello_authors_insert(db, &author), "hello_authors_insert"))
        return 1;
    expect(author.author_id > 0, "insert fills in the author's key");

    greeting.author_id = author.author_id;
    greeting.stars = 5;
    greeting.has_stars = true;
    if (failed(db, hello_greetings_insert(db, &greeting),
               "hello_greetings_insert"))
        return 1;
    expect(greeting.greeting_id > 0, "insert fills in the greeting's key");
    expect(greeting.body != NULL && strcmp(greeting.body, "hello, world") == 0,
           "insert writes the default body back");

    memset(&got, 0, sizeof got);
    rc = hello_greetings_get(db, arena, greeting.greeting_id, &got);
    if (failed(db, rc, "hello_greetings_get"))
        return 1;
    expect(got.greeting_id == greeting.greeting_id, "greeting_id round-trips");
    expect(got.author_id == author.author_id, "author_id round-trips");
    expect(got.body != NULL && strcmp(got.body, "hello, world") == 0,
           "body round-trips");
    expect(got.has_stars && got.stars == 5, "stars round-trips");

    memset(&who, 0, sizeof who);
    rc = hello_authors_get(db, arena, got.author_id, &who);
    if (failed(db, rc, "hello_authors_get"))
        return 1;
    expect(who.name != NULL && strcmp(who.name, "Ada") == 0,
           "name round-trips");

    rc = hello_greetings_get(db, arena, greeting.greeting_id + 1, &missing);
    expect(rc == SC_NOTFOUND, "a missing key gives SC_NOTFOUND");

    if (failures == 0)
        printf("%s says \"%s\" (%d stars) with libschemac %s\n", who.name,
               got.body, (int)got.stars, SC_VERSION);
    return failures != 0;
}

int main(void)
{
    sc_db *db = NULL;
    sc_arena *arena;
    int rc, status;

    rc = sc_open("sqlite::memory:", &db);
    if (failed(db, rc, "sc_open")) {
        sc_close(db);
        return 1;
    }
    arena = sc_arena_new();
    if (!arena) {
        fputs("hello: out of memory\n", stderr);
        sc_close(db);
        return 1;
    }
    status = run(db, arena);
    sc_arena_free(arena);
    sc_close(db);
    return status;
}
