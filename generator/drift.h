/*
 * drift.h - schemac check: compares a live database's structure with
 * what a schema creates on it, and reports every difference.
 */
#ifndef SCHEMAC_DRIFT_H
#define SCHEMAC_DRIFT_H

/* argv holds the arguments after "check": FILE.schema --db URL.  Returns
 * the exit status: 0 no drift, 1 drift or a user error (a bad schema, a
 * database that cannot be opened or read), 2 a usage error. */
int drift_main(int argc, char **argv);

#endif /* SCHEMAC_DRIFT_H */
