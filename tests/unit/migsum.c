/*
 * migsum.c - rewrites schemac.sum in the migrations directories named on
 * the command line, for the hand-written cases under
 * tests/data/migrations/ after one of their files changes on purpose:
 *
 *     build/tests/unit/migsum tests/data/migrations/basic ...
 */
#include "migfile.h"

int main(int argc, char **argv)
{
    int i, rc = 0;

    for (i = 1; i < argc; i++) {
        if (migfile_write_sum(argv[i]) != 0)
            rc = 1;
    }
    return rc;
}
