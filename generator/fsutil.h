/*
 * fsutil.h - reading inputs and writing outputs safely.
 *
 * Outputs are written to a temporary file in the same directory and renamed
 * over the target, so a reader never sees half a file, and they are not
 * touched at all when their content would not change, so a build tool that
 * looks at modification times does no extra work.
 */
#ifndef SCHEMAC_FSUTIL_H
#define SCHEMAC_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Reads a whole file into *data (NUL-terminated, caller frees).  Returns 0,
 * or -1 with errno set. */
int fs_read(const char *path, char **data, size_t *len);

/* True when path exists and holds exactly data. */
bool fs_same(const char *path, const char *data, size_t len);

/*
 * Writes data to path atomically unless it already holds it.  Sets
 * *changed (may be NULL).  Returns 0, or -1 with errno set and nothing
 * changed on disk.
 */
int fs_write_if_changed(const char *path, const char *data, size_t len,
                        bool *changed);

/*
 * Writing a set of files, all or none: fs_stage() writes data to a
 * temporary file beside path unless path already holds it (returns 1, 0
 * when unchanged, -1 with errno set), and fs_commit() renames every staged
 * file over its target, in order, without allocating (returns 0, or -1
 * with errno set, *failed naming the file, and the rest unstaged).
 * fs_write_if_changed() is the set of one file.
 */
int fs_stage(const char *path, const char *data, size_t len);
int fs_commit(const char **failed);

/*
 * When a run cannot finish (out of memory: mem_fail() calls it), removes
 * the staged temporary files and every file this run created, newest
 * first.  fs_keep() forgets them instead, when the run is done.
 */
void fs_discard(void);
void fs_keep(void);

/* Creates dir and its missing parents (mode 0777 less the umask).
 * Returns 0, or -1 with errno set. */
int fs_mkdirs(const char *dir);

#endif /* SCHEMAC_FSUTIL_H */
