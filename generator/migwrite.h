/*
 * migwrite.h - the commands that write migrations: migrate init and diff.
 */
#ifndef SCHEMAC_MIGWRITE_H
#define SCHEMAC_MIGWRITE_H

#include <stdbool.h>

/* argv holds the arguments after "migrate init" or "migrate diff".
 * Returns the exit status: 0, 1 (user error), 2 (usage). */
int migwrite_main(bool init, int argc, char **argv);

/* argv[0] is "new", "show" or "rebase"; the exit status as above. */
int migwrite_verb(int argc, char **argv);

#endif /* SCHEMAC_MIGWRITE_H */
