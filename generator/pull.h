/*
 * pull.h - schemac pull: a .schema written from a live database.
 */
#ifndef SCHEMAC_PULL_H
#define SCHEMAC_PULL_H

/* schemac pull --db URL [--name NAME] [-o FILE]; returns the exit
 * status. */
int pull_main(int argc, char **argv);

#endif /* SCHEMAC_PULL_H */
