#!/bin/sh
# The generated code of every golden case compiles with
#     -std=c99 -Wall -Wextra -Wpedantic -Werror
# under gcc and clang, and schemac writes it byte-identically twice.
#
#     compile-generated.sh SOURCE_ROOT SCHEMAC
set -eu
src=$1
schemac=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

compilers=""
for cc in gcc clang; do
    if command -v "$cc" >/dev/null 2>&1; then
        compilers="$compilers $cc"
    elif [ "${CI:-}" = true ]; then
        echo "compile-generated: $cc is missing" >&2
        exit 1
    else
        echo "compile-generated: $cc is missing, skipped" >&2
    fi
done

n=0
for dir in "$src"/tests/golden/gen/*/ "$src"/examples/pycon/; do
    name=$(basename "$dir")
    schema=$(ls "$dir"*.schema | head -n 1)
    mkdir -p "$tmp/$name/a" "$tmp/$name/b"
    "$schemac" generate "$schema" -o "$tmp/$name/a"
    "$schemac" generate "$schema" -o "$tmp/$name/b"
    for f in "$tmp/$name/a"/*; do
        cmp "$f" "$tmp/$name/b/$(basename "$f")"
    done
    for cc in $compilers; do
        for c in "$tmp/$name/a"/*.c; do
            "$cc" -std=c99 -Wall -Wextra -Wpedantic -Werror \
                -I "$src/runtime" -c "$c" -o "$tmp/$name/$cc.o"
            n=$((n + 1))
        done
    done
done
echo "compile-generated: $n compilations clean, outputs byte-identical"
