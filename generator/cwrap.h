/*
 * cwrap.h - the one line-wrapping writer of the generated C.
 *
 * The templates and the emitter write each declaration, call and string
 * literal on one logical line and never count columns; cwrap_lines()
 * then folds every line wider than CWRAP_WIDTH the way the code would be
 * written by hand.
 */
#ifndef SCHEMAC_CWRAP_H
#define SCHEMAC_CWRAP_H

#include "buf.h"

/* The last column a generated line may fill. */
#define CWRAP_WIDTH 79

/* The columns s[0..n) takes: UTF-8 characters, not bytes. */
size_t cwrap_width(const char *s, size_t n);

/*
 * Folds the lines of b from byte `from` on so that none is wider than
 * CWRAP_WIDTH where it can be folded:
 *   - after the comma of a list, the next line aligned just past the
 *     innermost open parenthesis, bracket or brace (a prototype's
 *     parameters under its first one), or under the line's own indent
 *     when no bracket is open on it;
 *   - a #define after its name, the body indented by four, every line
 *     but the last ending in a backslash;
 *   - a string literal into adjacent literals, each line's under the
 *     first, cut after a space or a \n where there is one;
 *   - a comment alone on its line into a block comment of lines
 *     starting " * ".
 * Lines that fit are left as they are, so folding twice changes nothing.
 */
void cwrap_lines(buf *b, size_t from);

/* Appends lead spaces, the n bytes of s as a C string literal, and tail
 * (",", or ""), folded as cwrap_lines() would fold that line: for the
 * emitter's long literals, which it has as text and so need not write
 * out only to have them read back. */
void cwrap_literal(buf *out, size_t lead, const char *s, size_t n,
                   const char *tail);

#endif /* SCHEMAC_CWRAP_H */
