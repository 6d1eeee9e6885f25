# lib.sh - shell functions shared by the install and recipe tests.
#
# Sourced, not run.  Callers set -eu first.  Every function either
# succeeds or stops the test with a message on stderr and exit status 1.
#
#   fail MESSAGE...             stop the test
#   say MESSAGE...              print one progress line
#   quietly LOG COMMAND...      run COMMAND with its output in LOG, shown
#                               only when COMMAND fails
#   need_tool NAME              stop (exit 77, skipped) when NAME is not on
#                               PATH; under CI=true a missing tool fails
#   make_tmp VAR                mktemp -d into VAR, removed on exit unless
#                               SCHEMAC_KEEP_TMP=1
#   install_schemac SRC PREFIX WORK
#                               configure SRC afresh in WORK/build with
#                               --prefix=PREFIX, build and install it; sets
#                               SCHEMAC_LIBDIR and SCHEMAC_PCDIR and puts
#                               the prefix first on PATH and
#                               PKG_CONFIG_PATH

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

say() {
    echo "--- $*"
}

quietly() {
    _log=$1
    shift
    if ! "$@" >"$_log" 2>&1; then
        cat "$_log" >&2
        fail "command failed: $*"
    fi
}

need_tool() {
    if command -v "$1" >/dev/null 2>&1; then
        return 0
    fi
    if [ "${CI:-}" = true ]; then
        fail "$1 is not installed (scripts/test.sh installs it)"
    fi
    echo "SKIP: $1 is not installed" >&2
    exit 77
}

# Removes the directories made by make_tmp; the EXIT trap calls it.
_tmp_dirs=
_cleanup_tmp() {
    if [ "${SCHEMAC_KEEP_TMP:-0}" = 1 ]; then
        [ -z "$_tmp_dirs" ] || echo "kept:$_tmp_dirs" >&2
        return 0
    fi
    for _d in $_tmp_dirs; do
        rm -rf "$_d"
    done
}
trap _cleanup_tmp EXIT

make_tmp() {
    _dir=$(mktemp -d "${TMPDIR:-/tmp}/schemac-test.XXXXXX")
    _tmp_dirs="$_tmp_dirs $_dir"
    eval "$1=\$_dir"
}

install_schemac() {
    _src=$1
    _prefix=$2
    _work=$3

    need_tool meson
    need_tool ninja
    need_tool pkg-config
    [ -f "$_src/meson.build" ] || fail "$_src is not the schemac source tree"
    say "configure, build and install $_src into $_prefix"
    quietly "$_work/setup.log" meson setup "$_work/build" "$_src" \
        --prefix="$_prefix" -Dtests=false -Dexamples=false
    quietly "$_work/build.log" ninja -C "$_work/build"
    quietly "$_work/install.log" meson install -C "$_work/build" --no-rebuild

    # Debian's Meson installs libraries into lib/<multiarch triplet>.
    SCHEMAC_PCDIR=$(find "$_prefix" -name schemac.pc -path '*/pkgconfig/*' |
                    head -n 1)
    [ -n "$SCHEMAC_PCDIR" ] || fail "no schemac.pc under $_prefix"
    SCHEMAC_PCDIR=$(dirname "$SCHEMAC_PCDIR")
    # shellcheck disable=SC2034 # for the callers
    SCHEMAC_LIBDIR=$(dirname "$SCHEMAC_PCDIR")
    PKG_CONFIG_PATH=$SCHEMAC_PCDIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
    PATH=$_prefix/bin:$PATH
    export PKG_CONFIG_PATH PATH

    _pcprefix=$(pkg-config --variable=prefix schemac)
    [ "$_pcprefix" = "$_prefix" ] ||
        fail "pkg-config finds schemac in $_pcprefix, not in $_prefix"
    [ "$(command -v schemac)" = "$_prefix/bin/schemac" ] ||
        fail "schemac on PATH is $(command -v schemac), not the installed one"
}
