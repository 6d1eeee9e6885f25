/*
 * migrun.h - the commands that apply a migrations directory to a
 * database: schemac migrate up, down, status and history.
 */
#ifndef SCHEMAC_MIGRUN_H
#define SCHEMAC_MIGRUN_H

/* Runs "migrate SUBCOMMAND ARGS..."; argv[0] is the subcommand ("up",
 * "down", "status", "history").  Returns the exit status: 0 success, 1 a
 * user error (a bad directory, a failed migration), 2 a usage error. */
int migrun_main(int argc, char **argv);

#endif /* SCHEMAC_MIGRUN_H */
