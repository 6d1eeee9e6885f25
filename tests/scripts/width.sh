#!/bin/sh
# Every line schemac generates fits in 80 columns, for every schema under
# tests/golden and tests/data that compiles, and folding is stable: the
# same schema generated twice gives the same bytes.
#
#     width.sh SOURCE_ROOT SCHEMAC
set -eu
src=$1
schemac=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
bad=0
for schema in $(find "$src/tests/golden" "$src/tests/data" -name '*.schema' |
                LC_ALL=C sort); do
    out="$tmp/out"
    rm -rf "$out" "$out.2"
    # schemas that are meant to be refused make no code
    "$schemac" generate "$schema" -o "$out" >/dev/null 2>&1 || continue
    "$schemac" generate "$schema" -o "$out.2" >/dev/null 2>&1
    for f in "$out"/*.h "$out"/*.c; do
        cmp "$f" "$out.2/$(basename "$f")"
        # columns are characters: count UTF-8 lead bytes only
        wide=$(LC_ALL=C.UTF-8 awk 'length($0) > 80 {
                   printf "%s:%d: %d columns\n", FILENAME, FNR, length($0) }' "$f")
        if [ -n "$wide" ]; then
            echo "width: $schema:" >&2
            echo "$wide" | sed "s|$out/||" | head -n 5 >&2
            bad=$((bad + 1))
        fi
    done
    n=$((n + 1))
done
if [ "$n" -lt 10 ]; then
    echo "width: only $n schemas generated code" >&2
    exit 1
fi
if [ "$bad" -ne 0 ]; then
    echo "width: $bad generated files have lines over 80 columns" >&2
    exit 1
fi
echo "width: the code of $n schemas fits in 80 columns"
