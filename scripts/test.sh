#!/bin/bash
# test.sh - builds schemac twice and runs every test in both builds.
#
#     scripts/test.sh
#
# Installs the Debian packages that are missing (scripts/deps.sh), then
# configures and builds
#     build       the normal build
#     build-san   with AddressSanitizer and UndefinedBehaviorSanitizer
# and runs "meson test" in each (the second with --setup=sanitize).
# Under CI=true it builds, installs, uses and removes the Debian packages
# (tests/scripts/debian-package.sh, as root).
# Under CI=true, or when SCHEMAC_VALGRIND is set, it runs the tests of
# the suite "valgrind" once more under valgrind (--setup=valgrind).
# Under CI=true, or when SCHEMAC_FUZZ_SECONDS is set, it then fuzzes
# each target of fuzz/ for a minute (or that many seconds).
# Exits non-zero when anything fails.  Under CI=true a skipped test is a
# failure too.  Run from anywhere; the build directories are made at the
# root of the source tree and reused by later runs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/scripts/deps.sh"

# configure DIR [OPTIONS...]: sets up DIR, or reconfigures it in place.
configure() {
    local dir=$1
    shift
    if [ -f "$dir/meson-private/coredata.dat" ]; then
        meson setup --reconfigure "$dir" "$@"
    else
        meson setup "$dir" "$@"
    fi
}

# The JSON log of the last "meson test" run in each build directory.
log_normal=build/meson-logs/testlog.json
log_san=build-san/meson-logs/testlog-sanitize.json

# no_skips LOG: under CI=true, fails when the run of LOG skipped a test.
no_skips() {
    local log=$1
    if [ "${CI:-}" = true ] && grep -qs '"result": "SKIP"' "$log"; then
        echo "test.sh: tests were skipped under CI=true:" >&2
        grep '"result": "SKIP"' "$log" |
            sed 's/.*"name": "\([^"]*\)".*/    \1/' >&2
        return 1
    fi
}

# count LOG RESULT...: how many tests of the run of LOG ended with a RESULT.
count() {
    local log=$1 n=0 r
    shift
    [ -f "$log" ] || { echo 0; return; }
    for r in "$@"; do
        n=$((n + $(grep -c "\"result\": \"$r\"" "$log" || true)))
    done
    echo "$n"
}

configure build
configure build-san -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build
ninja -C build-san

status=0
rm -f "$log_normal" "$log_san"
meson test -C build --print-errorlogs || status=1
no_skips "$log_normal" || status=1
meson test -C build-san --setup=sanitize --print-errorlogs || status=1
no_skips "$log_san" || status=1
# Under CI=true, the Debian packages built, installed, used and removed.
[ "${CI:-}" != true ] || tests/scripts/debian-package.sh || status=1

# Under CI=true (or SCHEMAC_VALGRIND=1), memcheck over the tests of the
# suite "valgrind" in the normal build: a few minutes on two cores.
log_valgrind=build/meson-logs/testlog-valgrind.json
rm -f "$log_valgrind"
if [ "${CI:-}" = true ] || [ -n "${SCHEMAC_VALGRIND:-}" ]; then
    meson test -C build --setup=valgrind --suite valgrind \
        --print-errorlogs || status=1
    no_skips "$log_valgrind" || status=1
fi

# A bounded fuzzing run (fuzz/run.sh) in CI, or on request: a minute a
# target unless SCHEMAC_FUZZ_SECONDS says otherwise.  It counts as one
# more test in the closing line.
fuzzed=0
fuzz_failed=0
if [ "${CI:-}" = true ] || [ -n "${SCHEMAC_FUZZ_SECONDS:-}" ]; then
    fuzzed=1
    "$root/fuzz/run.sh" "${SCHEMAC_FUZZ_SECONDS:-60}" || {
        echo "test.sh: fuzzing found a crash" >&2
        fuzz_failed=1
        status=1
    }
fi

passed=0
failed=0
skipped=0
for log in "$log_normal" "$log_san" "$log_valgrind"; do
    passed=$((passed + $(count "$log" OK EXPECTEDFAIL)))
    failed=$((failed + $(count "$log" FAIL TIMEOUT ERROR UNEXPECTEDPASS)))
    skipped=$((skipped + $(count "$log" SKIP)))
done
passed=$((passed + fuzzed - fuzz_failed))
failed=$((failed + fuzz_failed))
if [ "$status" -ne 0 ]; then
    echo "test.sh: FAILED" >&2
else
    echo "test.sh: all tests passed in build and build-san"
fi
# The closing line, alone, last.
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
