#!/bin/bash
# fmt.sh - schemac fmt: the golden layouts, the command's modes, and every
# schema of the repository that compiles formatted without a change of
# meaning.
#
#     fmt.sh SOURCE_ROOT SCHEMAC
#
# For each tests/golden/fmt/CASE: fmt --stdout of input.schema is
# expected.schema byte for byte; --check fails on the input and passes on
# the expected text; rewriting a copy gives the expected text, and a
# second run leaves the file alone (same inode, same time).  Then every
# .schema under the tree that `schemac sql` accepts: fmt succeeds, is
# idempotent, and the formatted file gives the same DDL.
# The examples are formatted.  A file with errors and the usage errors are
# refused with the right status, the file untouched.
set -euo pipefail

root=$1
schemac=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

ok() {
    checks=$((checks + 1))
}

# stamp FILE: inode and modification time, to see a file left alone.
stamp() {
    stat -c '%i %Y.%y' "$1"
}

for dir in "$root"/tests/golden/fmt/*/; do
    case=$(basename "$dir")
    if "$schemac" fmt --stdout "$dir/input.schema" >"$tmp/out" &&
        cmp -s "$tmp/out" "$dir/expected.schema"; then ok; else
        fail "$case: fmt --stdout differs from expected.schema"
        diff -u "$dir/expected.schema" "$tmp/out" >&2 || true
    fi
    if "$schemac" fmt --check "$dir/expected.schema" 2>"$tmp/err"; then ok
    else fail "$case: --check refuses expected.schema"; fi
    if cmp -s "$dir/input.schema" "$dir/expected.schema"; then
        continue
    fi
    cp "$dir/input.schema" "$tmp/$case.schema"
    if "$schemac" fmt --check "$tmp/$case.schema" 2>"$tmp/err"; then
        fail "$case: --check passes an unformatted file"
    elif grep -q "not formatted" "$tmp/err" &&
        cmp -s "$tmp/$case.schema" "$dir/input.schema"; then ok; else
        fail "$case: --check did not name the file or changed it"
    fi
    "$schemac" fmt "$tmp/$case.schema"
    if cmp -s "$tmp/$case.schema" "$dir/expected.schema"; then ok; else
        fail "$case: the rewritten file differs from expected.schema"
    fi
    before=$(stamp "$tmp/$case.schema")
    sleep 0.01
    "$schemac" fmt "$tmp/$case.schema"
    if [ "$(stamp "$tmp/$case.schema")" = "$before" ]; then ok; else
        fail "$case: a formatted file was written again"
    fi
done

# Every schema of the tree that compiles: same DDL, same C, idempotent.
n=0
while IFS= read -r f; do
    "$schemac" sql "$f" >/dev/null 2>&1 || continue
    n=$((n + 1))
    name=$(sed -n 's/^ *schema *\([A-Za-z0-9_]*\).*/\1/p' "$f" | head -1)
    mkdir -p "$tmp/a" "$tmp/b"
    cp "$f" "$tmp/a/$name.schema"
    if ! "$schemac" fmt --stdout "$f" >"$tmp/b/$name.schema" 2>"$tmp/err"
    then
        fail "${f#"$root"/}: $(head -1 "$tmp/err")"
        continue
    fi
    "$schemac" fmt --stdout "$tmp/b/$name.schema" >"$tmp/again"
    cmp -s "$tmp/again" "$tmp/b/$name.schema" ||
        fail "${f#"$root"/}: a second fmt changes the text"
    # fmt compares the DDL of both dialects and the generated C itself
    # before it answers; the DDL of sql's default dialect (SQLite, or the
    # one database of a schema for one) is compared here too, from outside.
    "$schemac" sql "$tmp/a/$name.schema" >"$tmp/a.sql"
    "$schemac" sql "$tmp/b/$name.schema" >"$tmp/b.sql"
    if cmp -s "$tmp/a.sql" "$tmp/b.sql"; then ok; else
        fail "${f#"$root"/}: the DDL changed"
    fi
    rm -rf "$tmp/a" "$tmp/b"
done < <(find "$root/examples" "$root/tests" "$root/bench" -name '*.schema' |
         LC_ALL=C sort)
[ "$n" -ge 50 ] || fail "only $n schemas of the tree compiled"

# The examples are kept formatted.
for f in "$root"/examples/*/*.schema; do
    if "$schemac" fmt --check "$f"; then ok; else
        fail "${f#"$root"/}: not formatted"
    fi
done

# A schema with an error: reported with a caret, the file untouched.
printf 'schema s;\ntable t { id int64 primary key; x nosuch; }\n' \
    >"$tmp/bad.schema"
cp "$tmp/bad.schema" "$tmp/bad.orig"
if "$schemac" fmt "$tmp/bad.schema" 2>"$tmp/err"; then
    fail "a schema with an error was formatted"
elif grep -q 'bad.schema:2:[0-9]*: error:' "$tmp/err" &&
    grep -q '\^' "$tmp/err" && cmp -s "$tmp/bad.schema" "$tmp/bad.orig"
then ok; else
    fail "a schema with an error: no located message, or the file changed"
fi

# Usage errors: status 2.
for args in "" "--check --stdout x.schema" "--frobnicate x.schema"; do
    status=0
    # shellcheck disable=SC2086
    "$schemac" fmt $args >/dev/null 2>&1 || status=$?
    if [ "$status" -eq 2 ]; then ok; else
        fail "fmt $args: exit $status, expected 2"
    fi
done

echo "fmt: $checks checks passed over $n schemas, $fails failed"
[ "$fails" -eq 0 ]
