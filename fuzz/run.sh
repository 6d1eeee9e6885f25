#!/bin/bash
# run.sh - a bounded fuzzing run of every target, for CI and by hand.
#
#     fuzz/run.sh [SECONDS_PER_TARGET]      (default 60)
#
# Configures and builds build-fuzz (clang, -Dfuzz=true), then runs each
# target for the given time over a temporary copy of its seed corpus in
# fuzz/corpus/, so the committed corpus never grows by itself.  Prints per
# target the executions and the corpus size at the end.  Exits non-zero
# when a target crashes, leaks, times out or runs out of memory; the input
# that did it is kept in build-fuzz/fuzz/crashes/ (copy it into the
# target's corpus with a crash- prefix once it is fixed).
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
crashes=$build/fuzz/crashes
cd "$root"

if [ -f "$build/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$build" >/dev/null
else
    CC=clang meson setup "$build" -Dfuzz=true -Dtests=false \
        -Dexamples=false >/dev/null
fi
ninja -C "$build" fuzz/fuzz_parse fuzz/fuzz_generate fuzz/fuzz_diff \
    >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$crashes"

# summary LOG: "N executions, K inputs" from libFuzzer's last status line
# ("#N DONE cov: ... corp: K/SIZE ..." after a clean run; the last "#N NEW"
# or "#N pulse" line before a crash).
summary() {
    sed -n 's/^#\([0-9]*\)[[:space:]].* corp: \([0-9]*\)\/.*/\1 \2/p' \
        "$1" | tail -1 |
        { read -r execs corp && echo "$execs executions, $corp inputs" ||
              echo "no summary"; }
}

# fuzz TARGET: runs one target; returns libFuzzer's status.
fuzz() {
    local target=$1 corpus=$work/$1 log=$work/$1.log rc=0

    cp -r "fuzz/corpus/$target" "$corpus"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" \
        -dict=fuzz/schema.dict -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/$target-" \
        >"$log" 2>&1 || rc=$?
    printf 'fuzz_%-9s %s\n' "$target" "$(summary "$log")"
    if [ "$rc" -ne 0 ]; then
        echo "run.sh: fuzz_$target failed (status $rc); its log:" >&2
        grep -v '^#[0-9]' "$log" | tail -60 >&2
        for f in "$crashes/$target"-*; do
            [ -e "$f" ] && echo "    saved: $f" >&2
        done
    fi
    return "$rc"
}

status=0
for target in parse generate diff; do
    fuzz "$target" || status=1
done
exit "$status"
