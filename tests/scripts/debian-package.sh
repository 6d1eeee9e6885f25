#!/bin/bash
# debian-package.sh - the Debian packages built from a clean copy of the
# tree, installed, and used by the build recipes.
#
#     tests/scripts/debian-package.sh [SOURCE_ROOT]
#
# Copies the tree (the files git knows, or all but the build directories
# when it is not a git checkout) into a temporary directory, builds the
# packages there with dpkg-buildpackage (tests off: scripts/test.sh runs
# them), installs schemac, libschemac1 and libschemac-dev with apt-get,
# builds the recipe projects of tests/recipes (make, CMake, Meson)
# against the installed packages, runs their programs, and removes the
# packages again, on success or failure.  It installs packages: run it as
# root on a machine of its own (scripts/test.sh does under CI=true).
set -eu
unset LD_LIBRARY_PATH PKG_CONFIG_PATH

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
packages=(schemac libschemac1 libschemac-dev)

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

say "Debian packages passed in $(($(date +%s) - start)) s"
