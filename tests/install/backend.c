/*
 * backend.c - a probe of the install test: opens the URL it is given and
 * prints the outcome, "ok" or the error code's name and the message, so
 * that the test can tell a plugin that did not load from a driver that
 * refused the connection.  Exit status 0 when the open went as the
 * second argument ("ok" or "refused") says.
 */
#include <stdio.h>
#include <string.h>

#include "schemac.h"

int main(int argc, char **argv)
{
    sc_db *db = NULL;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: backend URL ok|refused\n");
        return 2;
    }
    rc = sc_open(argv[1], &db);
    printf("%s: %s\n", sc_errstr(rc), rc == SC_OK ? "ok" : sc_errmsg(db));
    sc_close(db);
    return (rc == SC_OK) == (strcmp(argv[2], "ok") == 0) ? 0 : 1;
}
