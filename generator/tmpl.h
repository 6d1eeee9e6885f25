/*
 * tmpl.h - the shapes of the emitted code, kept in templates/NAME.tmpl.
 *
 * A template file is a list of fragments.  A line "@@ name" starts the
 * fragment called name; it runs to the next "@@" line.  Lines starting
 * with "@#" are comments for the reader of the template and are dropped.
 * Inside a fragment, $var$ is replaced by the value given for var, and $$
 * is a single dollar sign.  The emitters decide which fragments to write
 * and in what order (loops over tables and columns live in C); the
 * fragments hold all the text.
 */
#ifndef SCHEMAC_TMPL_H
#define SCHEMAC_TMPL_H

#include "buf.h"

typedef struct tmpl_file {
    const char *name; /* base name of the .tmpl file: "c_header" */
    const char *text;
} tmpl_file;

/* Defined by the build (templates.c). */
extern const tmpl_file tmpl_files[];

/*
 * Appends fragment `frag` of template file `file` to out, substituting the
 * variables given as NULL-terminated name, value pairs.  A missing fragment
 * or variable is a bug in the generator and aborts with a message.  file,
 * frag and the variable names must be string constants: the fragment is
 * compiled once and remembers them.
 */
void tmpl_emit(buf *out, const char *file, const char *frag, ...);

#endif /* SCHEMAC_TMPL_H */
