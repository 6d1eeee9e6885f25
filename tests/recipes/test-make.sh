#!/bin/bash
# test-make.sh - the Makefile recipe (tests/recipes/make) against an
# installed schemac.
#
#     tests/recipes/test-make.sh [SOURCE_ROOT]
#
# Installs a fresh copy of the project under a temporary prefix, builds the
# recipe with make, runs its program, and checks the incremental
# behaviour: make -q reports up to date after a build; touching the schema
# reruns schemac but recompiles nothing; changing it recompiles.
set -eu
# Meson points LD_LIBRARY_PATH at the build tree's libraries for tests
# whose programs link them, and SCHEMAC_BACKEND_PATH at its backend
# plugins; this test is about the installed copy.
unset LD_LIBRARY_PATH SCHEMAC_BACKEND_PATH

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/install/lib.sh
. "$here/../install/lib.sh"

src=${1:-${SCHEMAC_SOURCE_ROOT:-$here/../..}}
src=$(cd "$src" && pwd)

need_tool make
need_tool cc
tmp=
make_tmp tmp
install_schemac "$src" "$tmp/prefix" "$tmp"

proj=$tmp/todo
cp -R "$here/make" "$proj"
# The prefix is not in the loader's path: record it in the program.
mk() {
    make -C "$proj" --no-print-directory \
        CFLAGS="-std=c99 -Wall -Wextra -Wpedantic -Werror -O2" \
        LDFLAGS="-Wl,-rpath,$SCHEMAC_LIBDIR" "$@"
}

say "build the recipe"
mk >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; fail "make failed"; }
cat "$tmp/build.log"
[ -s "$proj/todo_db.d" ] || fail "schemac wrote no depfile"
out=$("$proj/todo")
echo "$out"
case $out in
*"(table \"tasks\", 3 columns)"*) ;;
*) fail "unexpected output from the recipe's program" ;;
esac

say "make -q: up to date after a build"
mk -q todo || fail "make -q says the build is out of date"
mk >"$tmp/again.log" 2>&1
if grep -q 'schemac\|cc ' "$tmp/again.log"; then
    cat "$tmp/again.log" >&2
    fail "a second make did work"
fi

say "touching the schema reruns schemac only"
obj_before=$(stat -c %y "$proj/todo_db.o")
exe_before=$(stat -c %y "$proj/todo")
sleep 1
touch "$proj/todo.schema"
mk -q todo && fail "make -q missed the touched schema"
mk >"$tmp/touch.log" 2>&1 || { cat "$tmp/touch.log" >&2; fail "make failed"; }
cat "$tmp/touch.log"
grep -q 'schemac generate' "$tmp/touch.log" ||
    fail "touching the schema did not rerun schemac"
[ "$(stat -c %y "$proj/todo_db.o")" = "$obj_before" ] ||
    fail "touching the schema recompiled todo_db.c"
[ "$(stat -c %y "$proj/todo")" = "$exe_before" ] ||
    fail "touching the schema relinked the program"

say "changing the schema regenerates, recompiles and relinks"
sleep 1
sed 's|^\( *note .*\)$|\1\n    done    bool         not null default false;|' \
    "$here/make/todo.schema" >"$proj/todo.schema"
grep -q 'done' "$proj/todo.schema" || fail "could not edit the schema copy"
mk >"$tmp/change.log" 2>&1 || {
    cat "$tmp/change.log" >&2
    fail "make failed"
}
cat "$tmp/change.log"
out=$("$proj/todo")
echo "$out"
case $out in
*"(table \"tasks\", 4 columns)"*) ;;
*) fail "the program was not rebuilt from the changed schema" ;;
esac
mk -q todo || fail "make -q says the build is out of date after a rebuild"

say "make clean removes the generated files"
mk clean >/dev/null
for f in todo_db.h todo_db.c todo_db.d todo; do
    [ ! -e "$proj/$f" ] || fail "make clean left $f"
done

say "make recipe passed"
