/*
 * main.c - a program built from todo.schema by a build recipe: it stores
 * a task in an in-memory database and reads it back.
 */
#include "todo_db.h"

#include <stdio.h>

int main(void)
{
    sc_db *db = NULL;
    sc_arena *arena = NULL;
    todo_task task = TODO_TASK_INIT;
    todo_task got;
    int rc;

    rc = sc_open("sqlite::memory:", &db);
    if (rc == SC_OK)
        rc = todo_create_all(db);
    task.title = "write the build recipes";
    if (rc == SC_OK)
        rc = todo_tasks_insert(db, &task);
    arena = sc_arena_new();
    if (rc == SC_OK && !arena)
        rc = SC_NOMEM;
    if (rc == SC_OK)
        rc = todo_tasks_get(db, arena, task.task_id, &got);
    if (rc != SC_OK) {
        fprintf(stderr, "todo: %s\n", db ? sc_errmsg(db) : sc_errstr(rc));
        sc_arena_free(arena);
        sc_close(db);
        return 1;
    }
    /* The column count shows which version of the schema was compiled. */
    printf("task %lld: %s (table \"%s\", %u columns)\n",
           (long long)got.task_id, got.title, todo_tasks_table.name,
           todo_tasks_table.ncols);
    sc_arena_free(arena);
    sc_close(db);
    return 0;
}
