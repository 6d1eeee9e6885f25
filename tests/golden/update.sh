#!/bin/sh
# Refreshes the expected outputs under tests/golden from the current
# schemac, on purpose: review `git diff tests/golden` before committing.
#
#     tests/golden/update.sh [PATH/TO/schemac]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
schemac=$(cd "$(dirname "${1:-build/generator/schemac}")" && pwd)/$(basename "${1:-build/generator/schemac}")

cd "$here/errors"
for f in *.schema; do
    name=${f%.schema}
    if "$schemac" sql "$f" >/dev/null 2>"$name.err"; then
        echo "update.sh: $f compiled without errors" >&2
        exit 1
    fi
done

for dir in "$here"/gen/*/; do
    case=$(basename "$dir")
    cd "$dir"
    "$schemac" generate "$case.schema" -o .
    "$schemac" sql "$case.schema" --dialect sqlite -o "$case.sqlite.sql"
    "$schemac" sql "$case.schema" --dialect postgresql \
        -o "$case.postgresql.sql"
    # a schema MariaDB cannot hold: its first refusal, as the golden test
    # has it
    if ! "$schemac" sql "$case.schema" --dialect mariadb \
        -o "$case.mariadb.sql" 2>"$case.mariadb.err"; then
        sed -n -e '1s/^[^:]*:[0-9]*:[0-9]*: error: no DDL for mariadb: /-- no DDL for mariadb: /p' \
            "$case.mariadb.err" >"$case.mariadb.sql"
    fi
    rm -f "$case.mariadb.err"
done
for dir in "$here"/fmt/*/; do
    "$schemac" fmt --stdout "$dir/input.schema" >"$dir/expected.schema"
done
# The migration cases are refreshed by the golden test itself.
build=$(dirname "$(dirname "$schemac")")
if [ -x "$build/tests/unit/test-golden" ]; then
    SCHEMAC_UPDATE_GOLDEN=1 CK_RUN_CASE=migrate "$build/tests/unit/test-golden" \
        >/dev/null || true
fi

echo "update.sh: refreshed $(ls "$here"/errors/*.err | wc -l) error cases," \
     "$(ls -d "$here"/gen/*/ | wc -l) generated cases" \
     "and $(ls -d "$here"/fmt/*/ | wc -l) fmt cases"
