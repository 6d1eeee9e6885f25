#!/bin/sh
# seed.sh - rebuilds the seed corpora in fuzz/corpus/ from the schemas the
# repository already holds, so the fuzzers start from inputs that reach
# deep into the grammar, the checker and the emitters.
#
#     fuzz/seed.sh
#
#     corpus/parse/     every schema: the example, the generate cases and
#                       the error cases
#     corpus/generate/  the schemas that compile clean, the untidy
#                       inputs of the fmt cases among them
#     corpus/diff/      each migrate case as old.schema, NUL, new.schema
#                       (the format fuzz_diff.c splits), and each clean
#                       schema after an empty old part (migrate init)
#
# Crash inputs added to a corpus by hand (named crash-*) are kept.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/fuzz/corpus
golden=$root/tests/golden

# fresh DIR: empties DIR of the seeds this script made, keeping crash-*.
fresh() {
    mkdir -p "$1"
    find "$1" -type f ! -name 'crash-*' -delete
}

fresh "$corpus/parse"
fresh "$corpus/generate"
fresh "$corpus/diff"

for f in "$root"/examples/*/*.schema "$golden"/gen/*/*.schema; do
    name=$(basename "$f" .schema)
    cp "$f" "$corpus/parse/$name.schema"
    cp "$f" "$corpus/generate/$name.schema"
    { printf '\0'; cat "$f"; } >"$corpus/diff/init-$name"
done
for dir in "$golden"/fmt/*/; do
    name=fmt-$(basename "$dir")
    cp "$dir/input.schema" "$corpus/parse/$name.schema"
    cp "$dir/input.schema" "$corpus/generate/$name.schema"
done
for f in "$golden"/errors/*.schema; do
    cp "$f" "$corpus/parse/error-$(basename "$f")"
done
for dir in "$golden"/migrate/*/; do
    name=$(basename "$dir")
    { cat "$dir/old.schema"; printf '\0'; cat "$dir/new.schema"; } \
        >"$corpus/diff/$name"
    cp "$dir/new.schema" "$corpus/generate/migrate-$name.schema"
done
echo "seed.sh: $(ls "$corpus/parse" | wc -l) parse," \
     "$(ls "$corpus/generate" | wc -l) generate," \
     "$(ls "$corpus/diff" | wc -l) diff seeds"
