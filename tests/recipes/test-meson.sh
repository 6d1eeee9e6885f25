#!/bin/bash
# test-meson.sh - the Meson recipe (tests/recipes/meson) against an
# installed schemac.
#
#     tests/recipes/test-meson.sh [SOURCE_ROOT]
#
# Installs a fresh copy of the project under a temporary prefix, then
# configures and builds the recipe, which finds schemac with find_program()
# and libschemac with dependency(), and runs its program.  Checks the
# incremental behaviour: a second ninja has nothing to do; touching the
# schema reruns schemac and nothing else; changing it recompiles.
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

tmp=
make_tmp tmp
install_schemac "$src" "$tmp/prefix" "$tmp"

# The recipe is copied: the test touches and edits its schema.
proj=$tmp/todo
build=$tmp/todo-build
cp -R "$here/meson" "$proj"

say "configure and build the recipe"
quietly "$tmp/todo-setup.log" meson setup "$build" "$proj"
quietly "$tmp/todo-build.log" ninja -C "$build"
# Ninja reads the depfile into its own log and deletes it.
ninja -C "$build" -t deps todo_db.h | grep -q 'todo\.schema' ||
    fail "ninja recorded no dependencies from schemac's depfile"
out=$("$build/todo")
echo "$out"
case $out in
*"(table \"tasks\", 3 columns)"*) ;;
*) fail "unexpected output from the recipe's program" ;;
esac

no_work() {
    ninja -C "$build" -n >"$tmp/dry.log" 2>&1 || {
        cat "$tmp/dry.log" >&2
        fail "ninja -n failed"
    }
    grep -q 'no work to do' "$tmp/dry.log" || {
        cat "$tmp/dry.log" >&2
        fail "$1: ninja still has work to do"
    }
}

say "nothing to do after a build"
no_work "after the first build"

say "touching the schema reruns schemac only"
exe_before=$(stat -c %y "$build/todo")
sleep 1
touch "$proj/todo.schema"
ninja -C "$build" -v >"$tmp/touch.log" 2>&1 || {
    cat "$tmp/touch.log" >&2
    fail "ninja failed after touching the schema"
}
grep -q 'schemac generate' "$tmp/touch.log" || {
    cat "$tmp/touch.log" >&2
    fail "touching the schema did not rerun schemac"
}
if grep -q ' -c ' "$tmp/touch.log"; then
    cat "$tmp/touch.log" >&2
    fail "touching the schema recompiled unchanged code"
fi
[ "$(stat -c %y "$build/todo")" = "$exe_before" ] ||
    fail "touching the schema relinked the program"
no_work "after touching the schema"

say "changing the schema regenerates, recompiles and relinks"
sed 's|^\( *note .*\)$|\1\n    done    bool         not null default false;|' \
    "$here/meson/todo.schema" >"$proj/todo.schema"
grep -q 'done' "$proj/todo.schema" || fail "could not edit the schema copy"
quietly "$tmp/change.log" ninja -C "$build"
out=$("$build/todo")
echo "$out"
case $out in
*"(table \"tasks\", 4 columns)"*) ;;
*) fail "the program was not rebuilt from the changed schema" ;;
esac
no_work "after changing the schema"

say "meson recipe passed"
