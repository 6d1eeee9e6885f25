#!/bin/bash
# test-checked-in.sh - the checked-in-header workflow, with the build
# tree's schemac ($SCHEMAC_BIN).
#
#     tests/recipes/test-checked-in.sh [SCHEMAC]
#
# A project that commits NAME_db.h and NAME_db.c runs
# "schemac generate FILE.schema -o DIR --check" in its CI: exit 0 when the
# files in DIR are what schemac would write, 1 (with a message) when they
# are stale or missing.  Also checks that generate leaves files alone when
# their content would not change, and that --check writes nothing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/install/lib.sh
. "$here/../install/lib.sh"

schemac=${1:-${SCHEMAC_BIN:-}}
[ -n "$schemac" ] || fail "usage: $0 SCHEMAC (or set SCHEMAC_BIN)"
[ -x "$schemac" ] || fail "$schemac is not an executable"

tmp=
make_tmp tmp
cp "$here/make/todo.schema" "$tmp/todo.schema"
gen=$tmp/gen
mkdir "$gen"

# check_status WANT WHAT: runs generate --check, wants exit status WANT.
check_status() {
    set +e
    "$schemac" generate "$tmp/todo.schema" -o "$gen" --check \
        >"$tmp/check.out" 2>"$tmp/check.err"
    status=$?
    set -e
    if [ "$status" != "$1" ]; then
        cat "$tmp/check.out" "$tmp/check.err" >&2
        fail "$2: --check exited $status, not $1"
    fi
    if [ "$1" != 0 ] && [ ! -s "$tmp/check.err" ]; then
        fail "$2: --check failed without a message"
    fi
    [ ! -s "$tmp/check.err" ] || sed 's/^/    /' "$tmp/check.err"
}

# stamp: the inode, size and nanosecond mtime of both outputs.
stamp() {
    stat -c '%n %i %s %y' "$gen/todo_db.h" "$gen/todo_db.c"
}

say "generate, then --check on up-to-date files"
"$schemac" generate "$tmp/todo.schema" -o "$gen"
if [ ! -s "$gen/todo_db.h" ] || [ ! -s "$gen/todo_db.c" ]; then
    fail "generate did not write todo_db.h and todo_db.c"
fi
check_status 0 "up-to-date files"

say "generate again: same content, files untouched"
before=$(stamp)
sleep 1
"$schemac" generate "$tmp/todo.schema" -o "$gen"
[ "$(stamp)" = "$before" ] || {
    printf 'before:\n%s\nafter:\n%s\n' "$before" "$(stamp)" >&2
    fail "generate rewrote files whose content did not change"
}
ls "$gen" >"$tmp/ls.out"
[ "$(wc -l <"$tmp/ls.out")" -eq 2 ] || {
    cat "$tmp/ls.out" >&2
    fail "generate left other files in the output directory"
}

say "--check on stale files"
cp "$gen/todo_db.h" "$tmp/saved.h"
cp "$gen/todo_db.c" "$tmp/saved.c"
cat >>"$tmp/todo.schema" <<'SCHEMA'

// Added after the files were generated.
table tags {
    tag_id int64       primary key autoincrement;
    label  varchar(16) not null unique;
}
SCHEMA
before=$(stamp)
check_status 1 "stale files"
[ "$(stamp)" = "$before" ] || fail "--check changed the files"
if ! cmp -s "$gen/todo_db.h" "$tmp/saved.h" ||
   ! cmp -s "$gen/todo_db.c" "$tmp/saved.c"; then
    fail "--check changed the content of the files"
fi

say "generate after a change rewrites, then --check passes"
"$schemac" generate "$tmp/todo.schema" -o "$gen"
grep -q 'tags' "$gen/todo_db.h" || fail "the new table is not in todo_db.h"
check_status 0 "regenerated files"

say "--check on a stale file edited by hand"
echo '/* edited */' >>"$gen/todo_db.c"
check_status 1 "an edited file"
"$schemac" generate "$tmp/todo.schema" -o "$gen"
check_status 0 "files restored by generate"

say "--check on missing files"
rm "$gen/todo_db.c"
check_status 1 "a missing todo_db.c"
[ ! -e "$gen/todo_db.c" ] || fail "--check created todo_db.c"
rm "$gen/todo_db.h"
check_status 1 "both files missing"
rmdir "$gen"
check_status 1 "a missing directory"
[ ! -e "$gen" ] || fail "--check created the output directory"

say "--depfile names the outputs and the schema"
mkdir "$gen"
"$schemac" generate "$tmp/todo.schema" -o "$gen" --depfile "$tmp/todo.d"
if ! grep -q "todo_db\.h .*todo_db\.c: .*todo\.schema" "$tmp/todo.d"; then
    cat "$tmp/todo.d" >&2
    fail "the depfile does not say: outputs: schema"
fi

say "usage errors exit 2"
set +e
"$schemac" generate "$tmp/todo.schema" --check >/dev/null 2>&1
status=$?
set -e
[ "$status" = 2 ] || fail "generate without -o exited $status, not 2"

say "checked-in workflow passed"
