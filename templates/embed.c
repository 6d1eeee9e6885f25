/*
 * embed.c - turns template files into a C source the generator links in.
 *
 *     embed-templates OUT.c NAME.tmpl...
 *
 * Each NAME.tmpl becomes `const char tmpl_NAME[]`, written as a list of
 * byte values rather than a string literal so that no compiler limit on
 * literal length applies, plus a table tmpl_files[] the generator searches
 * by name.  Only the build runs this program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file's base name without directory or extension, as a C name. */
static void base_name(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    size_t i = 0;

    b = b ? b + 1 : path;
    for (; *b && *b != '.' && i + 1 < cap; b++)
        out[i++] = (*b == '-') ? '_' : *b;
    out[i] = '\0';
}

static int embed_one(FILE *out, const char *path, const char *name)
{
    FILE *in = fopen(path, "rb");
    int c, n = 0;

    if (!in) {
        perror(path);
        return -1;
    }
    fprintf(out, "static const char tmpl_%s[] = {", name);
    while ((c = getc(in)) != EOF)
        fprintf(out, "%s%d,", n++ % 16 ? " " : "\n    ", c);
    fprintf(out, "\n    0\n};\n\n");
    fclose(in);
    return 0;
}

int main(int argc, char **argv)
{
    char names[64][64];
    FILE *out;
    int i;

    if (argc < 3 || argc - 2 > 64) {
        fprintf(stderr, "usage: %s OUT.c FILE.tmpl...\n", argv[0]);
        return 2;
    }
    out = fopen(argv[1], "wb");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    fprintf(out, "/* Templates of the emitted code, embedded by the "
                 "build. */\n#include \"tmpl.h\"\n\n");
    for (i = 2; i < argc; i++) {
        base_name(argv[i], names[i - 2], sizeof names[0]);
        if (embed_one(out, argv[i], names[i - 2]) != 0)
            return 1;
    }
    fprintf(out, "const tmpl_file tmpl_files[] = {\n");
    for (i = 0; i < argc - 2; i++)
        fprintf(out, "    {\"%s\", tmpl_%s},\n", names[i], names[i]);
    fprintf(out, "    {NULL, NULL}\n};\n");
    return fclose(out) == 0 ? 0 : 1;
}
