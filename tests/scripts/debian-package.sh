#!/bin/bash
# debian-package.sh - the Debian packages built from a clean copy of the
# tree, installed, and used by the build recipes.
#
#     tests/scripts/debian-package.sh [SOURCE_ROOT]
#
# Copies the tree (the files git knows, or all but the build directories
# when it is not a git checkout) into a temporary directory, builds the
# packages there with dpkg-buildpackage (tests off: scripts/test.sh runs
# them), checks the packages' dependencies (the shared library's on no
# driver but SQLite, each backend plugin's on its driver), installs
# schemac, libschemac1, its two plugin packages and libschemac-dev with
# apt-get, builds the recipe projects of tests/recipes (make, CMake,
# Meson) against the installed packages, runs their programs, opens a
# PostgreSQL and a MariaDB URL through the plugins, and removes the
# packages again, on success or failure.  It installs packages: run it as
# root on a machine of its own (scripts/test.sh does under CI=true).
set -eu
unset LD_LIBRARY_PATH PKG_CONFIG_PATH SCHEMAC_BACKEND_PATH

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/install/lib.sh
. "$here/../install/lib.sh"

src=${1:-${SCHEMAC_SOURCE_ROOT:-$here/../..}}
src=$(cd "$src" && pwd)
recipes=$src/tests/recipes
start=$(date +%s)

[ "$(id -u)" -eq 0 ] || fail "installs packages: run it as root"
for t in dpkg-buildpackage apt-get make cmake meson ninja; do
    need_tool "$t"
done
tmp=
make_tmp tmp
packages=(schemac libschemac1 libschemac1-postgresql libschemac1-mariadb
          libschemac-dev)

say "copy the tree"
tree=$tmp/schemac
mkdir "$tree"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Committed and uncommitted files alike; a deleted one is skipped.
    git -C "$src" ls-files -z --cached --others --exclude-standard |
        tar -C "$src" --null -T - --ignore-failed-read -cf - 2>/dev/null |
        tar -C "$tree" -xf -
else
    tar -C "$src" --exclude='./build*' --exclude='./obj-*' -cf - . |
        tar -C "$tree" -xf -
fi
[ -x "$tree/debian/rules" ] || fail "no debian/rules in the copy"

say "dpkg-buildpackage"
t0=$(date +%s)
(cd "$tree" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
    dpkg-buildpackage -us -uc -b -Pnocheck) >"$tmp/package.log" 2>&1 || {
    tail -n 60 "$tmp/package.log" >&2
    fail "dpkg-buildpackage failed"
}
echo "built in $(($(date +%s) - t0)) s:"
debs=()
for p in "${packages[@]}"; do
    f=$(find "$tmp" -maxdepth 1 -name "${p}_*.deb")
    [ -n "$f" ] || fail "dpkg-buildpackage made no package $p"
    debs+=("$f")
    echo "    $(basename "$f")"
done

say "the packages' dependencies"
# depends PACKAGE: the Depends field of its .deb.
depends() {
    dpkg-deb -f "$(find "$tmp" -maxdepth 1 -name "${1}_*.deb")" Depends
}
d=$(depends libschemac1)
echo "    libschemac1: $d"
case $d in
*libpq*|*libmariadb*) fail "libschemac1 depends on a driver other than SQLite's" ;;
*libsqlite3*) ;;
*) fail "libschemac1 does not depend on libsqlite3" ;;
esac
version=$(dpkg-parsechangelog -l "$tree/debian/changelog" -S Version)
for p in postgresql:libpq5 mariadb:libmariadb3; do
    d=$(depends "libschemac1-${p%%:*}")
    echo "    libschemac1-${p%%:*}: $d"
    case $d in *"${p#*:}"*) ;; *) fail "libschemac1-${p%%:*} needs ${p#*:}" ;; esac
    case $d in
    *"libschemac1 (= $version)"*) ;;
    *) fail "libschemac1-${p%%:*} does not need libschemac1 (= $version)" ;;
    esac
done

# Removes the packages on exit, after the temporary directory's removal
# has been set up by make_tmp.
remove_packages() {
    DEBIAN_FRONTEND=noninteractive apt-get purge -y "${packages[@]}" \
        >"$tmp/purge.log" 2>&1 || cat "$tmp/purge.log" >&2
    _cleanup_tmp
}
trap remove_packages EXIT

say "install the packages"
quietly "$tmp/install.log" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${debs[@]}"
[ "$(command -v schemac)" = /usr/bin/schemac ] ||
    fail "schemac on PATH is $(command -v schemac), not /usr/bin/schemac"
dpkg -L libschemac-dev | grep -q '/cmake/schemac/schemacConfig\.cmake$' ||
    fail "libschemac-dev holds no CMake package"
[ "$(pkg-config --variable=prefix schemac)" = /usr ] ||
    fail "pkg-config finds schemac outside /usr"

# check_program PROGRAM: runs, and its shared libschemac is the package's.
check_program() {
    _out=$("$1")
    echo "    $_out"
    case $_out in
    *"(table \"tasks\", 3 columns)"*) ;;
    *) fail "unexpected output from $1" ;;
    esac
    _lib=$(ldd "$1" | sed -n 's/.*libschemac\.so\.[0-9]* => \([^ ]*\).*/\1/p')
    [ -n "$_lib" ] || fail "$1 does not link libschemac.so"
    dpkg -S "$(readlink -f "$_lib")" | grep -q '^libschemac1:' ||
        fail "$1 links $_lib, which is not libschemac1's"
}

say "the make recipe"
cp -R "$recipes/make" "$tmp/make"
quietly "$tmp/make.log" make -C "$tmp/make" \
    CFLAGS="-std=c99 -Wall -Wextra -Wpedantic -Werror -O2"
check_program "$tmp/make/todo"

say "the CMake recipe"
quietly "$tmp/cmake.log" cmake -S "$recipes/cmake" -B "$tmp/cmake" \
    -DCMAKE_C_FLAGS="-O2 -Werror"
quietly "$tmp/cmake-build.log" cmake --build "$tmp/cmake"
check_program "$tmp/cmake/todo"

say "the Meson recipe"
quietly "$tmp/meson.log" meson setup "$tmp/meson" "$recipes/meson"
quietly "$tmp/meson-build.log" ninja -C "$tmp/meson"
check_program "$tmp/meson/todo"

say "the backend plugins"
probe=$tmp/backend
# shellcheck disable=SC2046 # flags are word lists
gcc -std=c99 -Wall -Werror -o "$probe" "$src/tests/install/backend.c" \
    $(pkg-config --cflags --libs schemac)
for url in postgresql://127.0.0.1:1/none mariadb://127.0.0.1:1/none; do
    # Nothing listens on port 1: the driver, loaded, refuses.
    out=$("$probe" "$url" refused) || fail "$url: $out"
    echo "    $out"
    case $out in
    *plugin*|*"cannot load"*) fail "$url: the plugin did not load" ;;
    esac
done

say "Debian packages passed in $(($(date +%s) - start)) s"
