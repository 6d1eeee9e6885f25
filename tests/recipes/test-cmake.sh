#!/bin/bash
# test-cmake.sh - the CMake recipe (tests/recipes/cmake) against an
# installed schemac.
#
#     tests/recipes/test-cmake.sh [SOURCE_ROOT]
#
# Installs a fresh copy of the project under a temporary prefix, then
# configures the recipe with -DCMAKE_PREFIX_PATH=PREFIX, with the Ninja
# and the Makefile generators: find_package(schemac) gives the imported
# targets, schemac_generate() the generated code.  Builds it with -Werror,
# runs its program and checks the incremental behaviour: a second build
# runs no command; touching the schema reruns schemac and nothing else;
# changing it recompiles.  Last, the program is linked with
# schemac::schemac_static and runs without the shared library.
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

need_tool cmake
need_tool ninja
need_tool make
tmp=
make_tmp tmp
prefix=$tmp/prefix
install_schemac "$src" "$prefix" "$tmp"

# The recipe is copied: the test touches and edits its schema.
proj=$tmp/todo
cp -R "$here/cmake" "$proj"

# configure BUILD GENERATOR [OPTIONS...]
configure() {
    _build=$1
    _gen=$2
    shift 2
    quietly "$tmp/configure.log" cmake -S "$proj" -B "$_build" -G "$_gen" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="-O2 -Werror" "$@"
}

# build BUILD LOG: builds, with every command shown in LOG.
build() {
    if ! cmake --build "$1" --verbose >"$2" 2>&1; then
        cat "$2" >&2
        fail "cmake --build $1 failed"
    fi
}

# run_todo BUILD NCOLS: the program runs and was built from the schema
# with NCOLS columns.
run_todo() {
    _out=$("$1/todo")
    echo "$_out"
    case $_out in
    *"(table \"tasks\", $2 columns)"*) ;;
    *) fail "unexpected output from the recipe's program in $1" ;;
    esac
}

# ran LOG: whether the build of LOG ran schemac, compiled or linked.
ran_schemac() { grep -q 'schemac generate' "$1"; }
compiled() { grep -q -- ' -c ' "$1"; }
linked() { grep -q -- ' -o todo\( \|$\)' "$1"; }

# no_work BUILD WHEN: a build of BUILD runs no command.
no_work() {
    build "$1" "$tmp/again.log"
    if ran_schemac "$tmp/again.log" || compiled "$tmp/again.log" ||
        linked "$tmp/again.log"; then
        cat "$tmp/again.log" >&2
        fail "$2: a second build did work"
    fi
}

for gen in Ninja "Unix Makefiles"; do
    cp "$here/cmake/todo.schema" "$proj/todo.schema"
    bdir=$tmp/build-${gen%% *}
    say "$gen: configure and build the recipe"
    configure "$bdir" "$gen"
    build "$bdir" "$tmp/build.log"
    ran_schemac "$tmp/build.log" || fail "the build did not run schemac"
    grep -q -- '-Werror' "$tmp/build.log" || fail "the build was not -Werror"
    run_todo "$bdir" 3
    # CMake rewrites schemac's depfile for the build tool: for Ninja into
    # CMakeFiles/d/, for make into the target's compiler_depend.make.
    grep -q 'todo\.schema' "$bdir/schemac/todo_db.d" ||
        fail "schemac wrote no depfile"
    find "$bdir/CMakeFiles" \( -path '*/CMakeFiles/d/*.d' -o \
                              -name compiler_depend.make \) \
        -exec grep -l 'todo\.schema' {} + | grep -q . ||
        fail "CMake passed on no dependencies from schemac's depfile"

    say "$gen: a second build runs no command"
    no_work "$bdir" "after the first build"

    say "$gen: touching the schema reruns schemac only"
    exe_before=$(stat -c %y "$bdir/todo")
    sleep 1
    touch "$proj/todo.schema"
    build "$bdir" "$tmp/touch.log"
    ran_schemac "$tmp/touch.log" || {
        cat "$tmp/touch.log" >&2
        fail "touching the schema did not rerun schemac"
    }
    if compiled "$tmp/touch.log" || linked "$tmp/touch.log"; then
        cat "$tmp/touch.log" >&2
        fail "touching the schema recompiled or relinked"
    fi
    [ "$(stat -c %y "$bdir/todo")" = "$exe_before" ] ||
        fail "touching the schema relinked the program"

    say "$gen: changing the schema regenerates, recompiles and relinks"
    sleep 1
    sed 's|^\( *note .*\)$|\1\n    done    bool         not null default false;|' \
        "$here/cmake/todo.schema" >"$proj/todo.schema"
    grep -q 'done' "$proj/todo.schema" || fail "could not edit the schema copy"
    build "$bdir" "$tmp/change.log"
    compiled "$tmp/change.log" || fail "the changed schema recompiled nothing"
    run_todo "$bdir" 4
    no_work "$bdir" "after changing the schema"
done

say "link schemac::schemac_static"
cp "$here/cmake/todo.schema" "$proj/todo.schema"
configure "$tmp/build-static" Ninja -DTODO_STATIC=ON
build "$tmp/build-static" "$tmp/static.log"
run_todo "$tmp/build-static" 3
if ldd "$tmp/build-static/todo" | grep -q libschemac; then
    ldd "$tmp/build-static/todo" >&2
    fail "the program linked with schemac::schemac_static needs libschemac.so"
fi

say "cmake recipe passed"
