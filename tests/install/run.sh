#!/bin/bash
# run.sh - the install test.
#
#     tests/install/run.sh [SOURCE_ROOT [BUILD_ROOT]]
#
# Configures a fresh copy of the project with --prefix in a temporary
# directory, installs it, checks that every installed file is there, and
# then uses only the installed pieces: the installed schemac compiles
# hello.schema, and hello.c plus the generated code are built with gcc and
# clang against the installed header and library (found by pkg-config),
# linked shared and static, and run.
#
# The roots default to $SCHEMAC_SOURCE_ROOT and $SCHEMAC_BUILD_ROOT (set by
# meson test) or to the tree this script is in.  Set SCHEMAC_KEEP_TMP=1 to
# keep the temporary directory.
set -eu
# Meson points LD_LIBRARY_PATH at the build tree's libraries for tests
# whose programs link them, and SCHEMAC_BACKEND_PATH at the build tree's
# backend plugins; this test is about the installed copy.
unset LD_LIBRARY_PATH SCHEMAC_BACKEND_PATH

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/install/lib.sh
. "$here/lib.sh"

src=${1:-${SCHEMAC_SOURCE_ROOT:-$here/../..}}
src=$(cd "$src" && pwd)
build=${2:-${SCHEMAC_BUILD_ROOT:-}}

need_tool gcc
tmp=
make_tmp tmp
prefix=$tmp/prefix
install_schemac "$src" "$prefix" "$tmp"

say "installed files"
libdir=$SCHEMAC_LIBDIR
for f in "$prefix/bin/schemac" \
         "$prefix/include/schemac.h" \
         "$libdir/libschemac.so" \
         "$libdir/libschemac.a" \
         "$libdir/schemac/1/schemac-postgresql.so" \
         "$libdir/schemac/1/schemac-mariadb.so" \
         "$SCHEMAC_PCDIR/schemac.pc" \
         "$prefix/share/man/man1/schemac.1"; do
    [ -s "$f" ] || fail "not installed: ${f#"$prefix"/}"
    echo "ok ${f#"$prefix"/}"
done
[ -x "$prefix/bin/schemac" ] || fail "bin/schemac is not executable"
head -n 20 "$prefix/share/man/man1/schemac.1" | grep -q '^\.TH SCHEMAC 1' ||
    fail "share/man/man1/schemac.1 has no .TH SCHEMAC 1 line"

say "installed schemac and pkg-config agree on the version"
version=$(pkg-config --modversion schemac)
"$prefix/bin/schemac" --version | grep -qxF "schemac $version" ||
    fail "schemac --version does not say $version"
if [ -n "$build" ] && [ -x "$build/generator/schemac" ]; then
    "$build/generator/schemac" --version | grep -qxF "schemac $version" ||
        fail "the build tree's schemac is not version $version"
fi
pkg-config --static --libs schemac | grep -q -- -lsqlite3 ||
    fail "pkg-config --static --libs schemac does not bring in sqlite3"

say "the shared library exports only sc_ names"
bash "$here/../scripts/symbols.sh" "$libdir/libschemac.so" ||
    fail "libschemac.so exports names without the sc_ prefix"

say "the installed schemac compiles hello.schema"
gen=$tmp/gen
mkdir "$gen"
(cd "$tmp" && schemac generate "$here/hello.schema" -o "$gen")
if [ ! -s "$gen/hello_db.h" ] || [ ! -s "$gen/hello_db.c" ]; then
    fail "schemac generate did not write hello_db.h and hello_db.c"
fi
schemac sql "$here/hello.schema" --dialect sqlite >"$tmp/hello.sql"
grep -qi 'create table' "$tmp/hello.sql" ||
    fail "schemac sql printed no CREATE TABLE"
if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 :memory: <"$tmp/hello.sql" ||
        fail "sqlite3 rejects the DDL of schemac sql"
fi

cflags=$(pkg-config --cflags schemac)
libs=$(pkg-config --libs schemac)
# Static libschemac, shared everything else (libc, sqlite3, libpq,
# libmariadb): the libraries it needs are its private requirements, linked
# shared, since Debian ships no static libpq with its own dependencies.
static_libs="$(pkg-config --libs-only-L schemac) -Wl,-Bstatic -lschemac"
static_libs="$static_libs -Wl,-Bdynamic"
static_libs="$static_libs $(pkg-config --libs sqlite3 libpq libmariadb)"
warn="-std=c99 -Wall -Wextra -Wpedantic -Werror"

compilers=gcc
if command -v clang >/dev/null 2>&1; then
    compilers="gcc clang"
elif [ "${CI:-}" = true ]; then
    fail "clang is not installed (scripts/test.sh installs it)"
else
    echo "note: clang is not installed, building with gcc only" >&2
fi

for cc in $compilers; do
    say "$cc: hello linked against the shared libschemac"
    exe=$tmp/hello-$cc-shared
    # shellcheck disable=SC2086 # flags are word lists
    "$cc" $warn $cflags -I"$gen" -o "$exe" "$here/hello.c" \
        "$gen/hello_db.c" -Wl,-rpath,"$libdir" $libs
    found=$(ldd "$exe" | awk '$1 ~ /^libschemac\.so/ { print $3 }')
    case $found in
    "$libdir"/*) ;;
    *) fail "$exe loads libschemac from '$found', not from $libdir" ;;
    esac
    (cd "$tmp" && "$exe") || fail "$exe failed"
    if ldd "$exe" | grep -E 'libpq|libmariadb'; then
        fail "$exe, on SQLite, links a PostgreSQL or MariaDB driver"
    fi

    say "$cc: hello linked against the static libschemac"
    exe=$tmp/hello-$cc-static
    # shellcheck disable=SC2086
    "$cc" $warn $cflags -I"$gen" -o "$exe" "$here/hello.c" \
        "$gen/hello_db.c" $static_libs
    if ldd "$exe" | grep -q libschemac; then
        fail "$exe still loads libschemac.so"
    fi
    (cd "$tmp" && "$exe") || fail "$exe failed"
done

# probe URL: the backend probe, linked shared, must reach the driver of
# URL, which refuses the connection (nothing listens on port 1): the
# plugin loaded, from the directory that the install compiled in.
say "the backend plugins load from $libdir/schemac/1"
probe=$tmp/backend
# shellcheck disable=SC2086
gcc $warn $cflags -o "$probe" "$here/backend.c" -Wl,-rpath,"$libdir" $libs
probe() {
    _out=$("$@" refused) || fail "$*: $_out"
    echo "    $_out"
    case $_out in
    *plugin*|*"cannot load"*) fail "$*: the plugin did not load" ;;
    esac
}
probe "$probe" postgresql://127.0.0.1:1/none
probe "$probe" mariadb://127.0.0.1:1/none
out=$(SCHEMAC_BACKEND_PATH=$tmp "$probe" postgresql://127.0.0.1:1/none \
      refused) || fail "$out"
case $out in
*"no schemac-postgresql.so in $tmp"*) echo "    $out" ;;
*) fail "SCHEMAC_BACKEND_PATH=$tmp: $out" ;;
esac

# A relocated install: the whole prefix moved, the library found by
# LD_LIBRARY_PATH, its plugins beside it (dladdr) where the install's
# directory is gone.
say "a moved install finds its plugins beside the library"
moved=$tmp/moved
mv "$prefix" "$moved"
movedlib=$moved/${libdir#"$prefix"/}
LD_LIBRARY_PATH=$movedlib probe "$probe" postgresql://127.0.0.1:1/none
LD_LIBRARY_PATH=$movedlib probe "$probe" mariadb://127.0.0.1:1/none
mv "$moved" "$prefix"

if command -v g++ >/dev/null 2>&1; then
    say "g++: the generated header is usable from C++"
    # shellcheck disable=SC2086
    g++ -fsyntax-only -Wall -Wextra -Werror $cflags -I"$gen" -x c++ \
        "$gen/hello_db.h"
fi

say "install test passed"
