#!/bin/sh
# The generated header of every golden case is usable from C++17: a C++
# file that includes it and makes one row of every table from its _INIT
# macro compiles with
#     g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror
# (and clang++ when present).  The C++ form of a macro lists every field
# in order, so a field given the wrong value of another type fails here.
#
#     compile-cxx.sh SOURCE_ROOT SCHEMAC
set -eu
src=$1
schemac=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

compilers=""
for cxx in g++ clang++; do
    if command -v "$cxx" >/dev/null 2>&1; then
        compilers="$compilers $cxx"
    fi
done
if [ -z "$compilers" ]; then
    echo "compile-cxx: no C++ compiler, skipped" >&2
    exit 77
fi

n=0
for dir in "$src"/tests/golden/gen/*/ "$src"/examples/pycon/; do
    name=$(basename "$dir")
    schema=$(ls "$dir"*.schema | head -n 1)
    mkdir -p "$tmp/$name"
    "$schemac" generate "$schema" -o "$tmp/$name"
    header=$(cd "$tmp/$name" && ls *_db.h)
    # Each "A TYPE with the schema's defaults" comment names the type of
    # the _INIT macro defined after it.
    awk -v h="$header" '
        BEGIN { printf "#include \"%s\"\n\nint rows(void);\nint rows(void)\n{\n    int n = 0;\n", h }
        /^\/\* A [A-Za-z0-9_]+ with the schema/ { type = $3 }
        /^#define [A-Za-z0-9_]+_INIT/ && type != "" && !seen[$2]++ {
            printf "    {\n        %s row = %s;\n        %s zero = %s();\n", type, $2, type, type
            printf "        n += sizeof row == sizeof zero;\n    }\n"
            type = ""
        }
        END { printf "    return n;\n}\n" }' "$tmp/$name/$header" \
        >"$tmp/$name/use.cpp"
    for cxx in $compilers; do
        "$cxx" -std=c++17 -Wall -Wextra -Wpedantic -Werror \
            -I "$src/runtime" -I "$tmp/$name" -c "$tmp/$name/use.cpp" \
            -o "$tmp/$name/$cxx.o"
        n=$((n + 1))
    done
done
echo "compile-cxx: $n C++17 compilations clean"
