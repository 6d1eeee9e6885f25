/*
 * pycon.c - the walk-through of the talk "SQLAlchemy and Alembic", in C.
 *
 * The talk builds a users / programs / enrollments schema with SQLAlchemy
 * and shows each statement it sends (echo=True).  This program does the
 * same steps with the code schemac generates from pycon.schema, and echoes
 * every statement with its values through the runtime's trace hook.
 *
 *     pycon [URL]        (default: sqlite::memory:)
 *
 * It checks what it reads back and exits 1 on any surprise, so it is a
 * test as well as a demonstration.
 */
#include "pycon_db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sc_db *db;
static sc_arena *arena;

/* The talk's echo: the statement, then its parameters. */
static void echo(void *ctx, const sc_trace_event *ev)
{
    (void)ctx;
    printf("    [sql] %s\n    [sql] %s\n", ev->sql, ev->params);
}

static void section(const char *title)
{
    printf("\n### %s\n\n", title);
}

/* Stops the walk-through when a call does not return what it should. */
static void expect(int rc, int want, const char *what)
{
    if (rc == want)
        return;
    fprintf(stderr, "pycon: %s: expected %s, got %s: %s\n", what,
            sc_errstr(want), sc_errstr(rc), sc_errmsg(db));
    exit(EXIT_FAILURE);
}

static void print_user(const pycon_user *u)
{
    printf("<User('%" PRId64 "', '%s, %s')>\n", u->user_id, u->user_name,
           u->user_email);
}

static pycon_user new_user(const char *name, const char *email)
{
    pycon_user u = PYCON_USER_INIT;

    u.user_name = name;
    u.user_email = email;
    return u;
}

static void show_user(int64_t id)
{
    pycon_user u;

    expect(pycon_users_get(db, arena, id, &u), SC_OK, "get user");
    print_user(&u);
}

static void adding(void)
{
    pycon_user u = new_user("최영선", "yeongseon.choe@pycon.kr");
    pycon_user more[2];
    pycon_user bulk[2];

    section("Adding objects: session.add(user); session.commit()");
    expect(sc_begin(db), SC_OK, "begin");
    expect(pycon_users_insert(db, &u), SC_OK, "insert");
    expect(sc_commit(db), SC_OK, "commit");
    print_user(&u);

    section("session.add_all([...]); session.commit()");
    more[0] = new_user("배준현", "junhyun.bae@pycon.kr");
    more[1] = new_user("김준기", "joongi.kim@pycon.kr");
    expect(sc_begin(db), SC_OK, "begin");
    expect(pycon_users_insert(db, &more[0]), SC_OK, "insert");
    expect(pycon_users_insert(db, &more[1]), SC_OK, "insert");
    expect(sc_commit(db), SC_OK, "commit");

    section("session.bulk_save_objects([user1, user2])");
    bulk[0] = new_user("강대성", "daesung.kang@pycon.kr");
    bulk[1] = new_user("한성준", "sungjun.han@pycon.kr");
    expect(pycon_users_insert_many(db, bulk, 2), SC_OK, "insert_many");
    printf("ids %" PRId64 " and %" PRId64 " were assigned\n",
           bulk[0].user_id, bulk[1].user_id);
}

static void updating(void)
{
    pycon_user u;

    section("Updating objects: user.user_name = 'Yeongseon Choe'");
    expect(pycon_users_get(db, arena, 1, &u), SC_OK, "get");
    print_user(&u);
    u.user_name = "Yeongseon Choe";
    expect(pycon_users_update(db, &u), SC_OK, "update");
    show_user(1);
    if (u.has_joined_at == false || u.joined_at <= 0) {
        fprintf(stderr, "pycon: joined_at was not filled by default now\n");
        exit(EXIT_FAILURE);
    }
}

static void rolling_back(void)
{
    pycon_user u = new_user("김태환", "taehwan.kim@pycon.kr");
    pycon_user gone;

    section("Rolling back: session.add(user); session.rollback()");
    expect(sc_begin(db), SC_OK, "begin");
    expect(pycon_users_insert(db, &u), SC_OK, "insert");
    printf("inserted as %" PRId64 " inside the transaction\n", u.user_id);
    expect(sc_rollback(db), SC_OK, "rollback");
    expect(pycon_users_get(db, arena, u.user_id, &gone), SC_NOTFOUND,
           "get after rollback");
    printf("after the rollback, user %" PRId64 " is not there: %s\n",
           u.user_id, sc_errstr(SC_NOTFOUND));
}

static void print_users(const pycon_user_list *l)
{
    size_t i;

    for (i = 0; i < l->len; i++)
        print_user(&l->items[i]);
}

/* Runs q with all(), prints the rows, checks how many came, frees q. */
static void show_all(pycon_users_query *q, size_t want, const char *what)
{
    pycon_user_list l;

    expect(pycon_users_all(q, arena, &l), SC_OK, what);
    print_users(&l);
    if (l.len != want) {
        fprintf(stderr, "pycon: %s: %zu rows, expected %zu\n", what, l.len,
                want);
        exit(EXIT_FAILURE);
    }
    pycon_users_query_free(q);
}

static pycon_users_query *users(void)
{
    pycon_users_query *q = pycon_users_select(db);

    if (!q) {
        fprintf(stderr, "pycon: out of memory\n");
        exit(EXIT_FAILURE);
    }
    return q;
}

/* users() in key order: a query without an order returns its rows in
 * whatever order the database finds them, which after an update is
 * another on PostgreSQL than on SQLite and MariaDB. */
static pycon_users_query *users_by_id(void)
{
    pycon_users_query *q = users();

    pycon_users_order_by(q, USER_ID, SC_ASC);
    return q;
}

static void querying(void)
{
    static const char *const names[] = {"최영선"};
    pycon_user dup = new_user("배준현", "another@pycon.kr");
    pycon_users_query *q;
    pycon_user u;
    int64_t n;

    section("Querying: for user in session.query(User)");
    show_all(users_by_id(), 5, "all users");

    section("order_by(User.user_email)");
    q = users();
    pycon_users_order_by(q, USER_EMAIL, SC_ASC);
    show_all(q, 5, "order by email");

    section("order_by(desc(User.user_email))");
    q = users();
    pycon_users_order_by(q, USER_EMAIL, SC_DESC);
    show_all(q, 5, "order by email desc");

    section("filter_by(user_name='Yeongseon Choe').first(), renamed back");
    q = users();
    pycon_users_where(q, USER_NAME, EQ, "Yeongseon Choe");
    expect(pycon_users_first(q, arena, &u), SC_OK, "first");
    pycon_users_query_free(q);
    u.user_name = "최영선";
    expect(pycon_users_update(db, &u), SC_OK, "update");

    section("filter(User.user_name == '최영선')");
    q = users();
    pycon_users_where(q, USER_NAME, EQ, "최영선");
    show_all(q, 1, "==");

    section("filter(User.user_name != '최영선')");
    q = users_by_id();
    pycon_users_where(q, USER_NAME, NE, "최영선");
    show_all(q, 4, "!=");

    section("filter(User.user_name.like('최%'))");
    q = users();
    pycon_users_where(q, USER_NAME, LIKE, "최%");
    show_all(q, 1, "like");

    section("filter(User.user_name.in_(['최영선']))");
    q = users();
    pycon_users_where_in(q, USER_NAME, names, 1);
    show_all(q, 1, "in");

    section("filter(~User.user_name.in_(['최영선']))");
    q = users_by_id();
    pycon_users_where_not_in(q, USER_NAME, names, 1);
    show_all(q, 4, "not in");

    section("filter(User.karma == None): karma is the nullable column here");
    q = users_by_id();
    pycon_users_where_null(q, KARMA);
    show_all(q, 5, "is null");

    section("filter(User.karma != None)");
    q = users();
    pycon_users_where_not_null(q, KARMA);
    show_all(q, 0, "is not null");

    section("filter(User.user_name.like('%영%')).one()");
    q = users();
    pycon_users_where(q, USER_NAME, LIKE, "%영%");
    expect(pycon_users_one(q, arena, &u), SC_OK, "one");
    print_user(&u);
    pycon_users_query_free(q);

    section("filter(User.user_name.like('%준%')).one()");
    q = users();
    pycon_users_where(q, USER_NAME, LIKE, "%준%");
    expect(pycon_users_one(q, arena, &u), SC_MULTIPLE, "one of several");
    printf("MultipleResultsFound: %s\n", sc_errmsg(db));
    pycon_users_query_free(q);

    section("filter(User.user_name.like('%성%')).count()");
    q = users();
    pycon_users_where(q, USER_NAME, LIKE, "%성%");
    show_all(q, 2, "like");
    q = users();
    pycon_users_where(q, USER_NAME, LIKE, "%성%");
    expect(pycon_users_count(q, &n), SC_OK, "count");
    printf("%" PRId64 "\n", n);
    pycon_users_query_free(q);
    if (n != 2)
        expect(SC_ERROR, SC_OK, "count of '%성%'");

    section("A unique constraint: a second user named 배준현");
    expect(pycon_users_insert(db, &dup), SC_CONSTRAINT, "duplicate insert");
    printf("refused: %s (table %s, column %s)\n", sc_errmsg(db),
           sc_errtable(db), sc_errcolumn(db));
}

static void deleting(void)
{
    pycon_users_query *q = users();
    pycon_user u;

    section("Deleting: filter(User.user_name == '최영선').first(); delete");
    pycon_users_where(q, USER_NAME, EQ, "최영선");
    expect(pycon_users_first(q, arena, &u), SC_OK, "first");
    pycon_users_query_free(q);
    expect(pycon_users_delete(db, u.user_id), SC_OK, "delete");
    show_all(users_by_id(), 4, "after the delete");
}

static void programs(void)
{
    static const char *const names[] = {
        "SQLAlchemy and Alembic",
        "얼렁뚱땅 파이썬 대소동",
        "Meet aiotools: asyncio Idiom Library",
        "PHP에서 Django로 갈아타기",
        "파이썬을 통한 주식투자 보조시스템 만들기",
        "니름: 쉬운 SOA 단위 테스트",
    };
    pycon_program p[6];
    pycon_program got;
    size_t i;

    section("Programs: session.add_all([Program(...), ...])");
    for (i = 0; i < 6; i++) {
        pycon_program init = PYCON_PROGRAM_INIT;

        p[i] = init;
        p[i].program_name = names[i];
    }
    p[0].level = PYCON_LEVEL_INTERMEDIATE;
    expect(pycon_programs_insert_many(db, p, 6), SC_OK, "insert programs");
    for (i = 1; i <= 6; i++) {
        expect(pycon_programs_get(db, arena, (int64_t)i, &got), SC_OK, "get");
        printf("<Program('%" PRId64 "', '%s')> level %s\n", got.program_id,
               got.program_name,
               got.level == PYCON_LEVEL_BEGINNER ? "beginner"
                                                 : "intermediate");
    }
}

static void enrollments(void)
{
    pycon_program_enrollment e[3];
    pycon_program_enrollment got;
    int64_t user_ids[3] = {2, 3, 4};
    int i;

    section("Enrollments: ProgramEnrollment(1, 2), (1, 3), (1, 4)");
    for (i = 0; i < 3; i++) {
        pycon_program_enrollment init = PYCON_PROGRAM_ENROLLMENT_INIT;

        e[i] = init;
        e[i].program_id = 1;
        e[i].user_id = user_ids[i];
    }
    expect(sc_begin(db), SC_OK, "begin");
    for (i = 0; i < 3; i++)
        expect(pycon_program_enrollments_insert(db, &e[i]), SC_OK, "enroll");
    expect(sc_commit(db), SC_OK, "commit");
    for (i = 1; i <= 3; i++) {
        expect(pycon_program_enrollments_get(db, arena, i, &got), SC_OK,
               "get enrollment");
        printf("<ProgramEnrollment('%" PRId64 "', '%" PRId64 "', '%" PRId64
               "')>\n", got.program_enrollment_id, got.program_id,
               got.user_id);
    }

    section("Joins: query(User).join(ProgramEnrollment)"
            ".filter(ProgramEnrollment.program_id == 1)");
    {
        pycon_users_query *q = users();
        pycon_program_enrollments_join *j =
            pycon_users_join_program_enrollments(q);
        int64_t n;

        pycon_program_enrollments_where(j, PROGRAM_ID, EQ, 1);
        pycon_users_order_by(q, USER_ID, SC_ASC);
        show_all(q, 3, "join");
        q = users();
        j = pycon_users_join_program_enrollments(q);
        pycon_program_enrollments_where(j, PROGRAM_ID, EQ, 1);
        expect(pycon_users_count(q, &n), SC_OK, "join count");
        printf("%" PRId64 "\n", n);
        pycon_users_query_free(q);
    }

    section("Navigation: the enrollments of user 3, the user of each");
    {
        pycon_user u;
        pycon_user owner;
        pycon_program_enrollment_list l;
        size_t k;

        expect(pycon_users_get(db, arena, 3, &u), SC_OK, "get");
        expect(pycon_users_get_program_enrollments(db, arena, &u, &l), SC_OK,
               "enrollments of a user");
        for (k = 0; k < l.len; k++) {
            expect(pycon_program_enrollments_get_user(db, arena, &l.items[k],
                                                      &owner),
                   SC_OK, "user of an enrollment");
            printf("enrollment %" PRId64 " in program %" PRId64 " belongs to ",
                   l.items[k].program_enrollment_id, l.items[k].program_id);
            print_user(&owner);
        }
    }

    section("A foreign key: enrolling user 99, who does not exist");
    e[0].user_id = 99;
    expect(pycon_program_enrollments_insert(db, &e[0]), SC_CONSTRAINT,
           "enroll a missing user");
    printf("refused: %s\n", sc_errmsg(db));

    section("on delete cascade: deleting user 4 takes enrollment 3 along");
    expect(pycon_users_delete(db, 4), SC_OK, "delete user 4");
    expect(pycon_program_enrollments_get(db, arena, 3, &got), SC_NOTFOUND,
           "cascaded enrollment");
    printf("enrollment 3 is gone with its user\n");
}

int main(int argc, char **argv)
{
    const char *url = argc > 1 ? argv[1] : "sqlite::memory:";
    int rc;

    section("Connecting: create_engine(..., echo=True)");
    rc = sc_open(url, &db);
    if (rc != SC_OK) {
        fprintf(stderr, "pycon: cannot open %s: %s\n", url,
                db ? sc_errmsg(db) : sc_errstr(rc));
        sc_close(db);
        return EXIT_FAILURE;
    }
    sc_trace(db, echo, NULL);
    arena = sc_arena_new();
    if (!arena) {
        sc_close(db);
        return EXIT_FAILURE;
    }

    section("Creating a schema: Base.metadata.create_all(engine)");
    expect(pycon_create_all(db), SC_OK, "create_all");

    adding();
    updating();
    rolling_back();
    querying();
    deleting();
    programs();
    enrollments();

    sc_arena_free(arena);
    sc_close(db);
    printf("\ndone\n");
    return EXIT_SUCCESS;
}
