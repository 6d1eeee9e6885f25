#!/bin/bash
# The runtime library exports only names that start with sc_: the dynamic
# symbols a shared library defines, and the external symbols the objects
# of a static library define (everything a program linking it could
# collide with).  In a shared library with symbol versions
# (runtime/libschemac.map) the public sc_ names are under SCHEMAC_1 and
# the private sc__ ones, which only the backend plugins call, under
# SCHEMAC_PRIVATE; a name under the wrong one fails too.
#
#     symbols.sh LIBRARY...       check each libschemac.so or .a
#     symbols.sh --self-test      check that a stray name is caught
#
# Each LIBRARY must be a file; one that exports another name fails the
# test, with the names listed.
set -u

# stray LIBRARY: prints the defined external names without the prefix.
# AddressSanitizer adds an indicator __odr_asan.NAME for each global
# variable NAME; it is judged by NAME.
stray() {
    local lib=$1
    case $lib in
    *.a)
        nm -g --defined-only "$lib" |
            awk 'NF == 3 && $2 ~ /^[A-Z]$/ { sub(/^__odr_asan\./, "", $3) }
                 NF == 3 && $2 ~ /^[A-Z]$/ && $3 !~ /^sc_/ { print $3 }'
        ;;
    *)
        # Version definitions (SCHEMAC_1) are absolute symbols, type A.
        nm -D --defined-only --with-symbol-versions "$lib" |
            awk 'NF == 3 && $2 ~ /^[B-Z]$/ {
                     name = $3; ver = ""
                     if (split($3, p, "@+") == 2) { name = p[1]; ver = p[2] }
                     if (name !~ /^sc_/) print name
                     else if (ver == "") next
                     else if (name ~ /^sc__/ && ver != "SCHEMAC_PRIVATE")
                         print name "@" ver " (private, not SCHEMAC_PRIVATE)"
                     else if (name !~ /^sc__/ && ver == "SCHEMAC_PRIVATE")
                         print name "@" ver " (public, under SCHEMAC_PRIVATE)"
                 }'
        ;;
    esac
}

# check LIBRARY: 0 when it exports only sc_ names and at least one.
check() {
    local lib=$1 bad count
    if [ ! -f "$lib" ]; then
        echo "symbols: $lib is not a file" >&2
        return 1
    fi
    case $lib in
    *.a) names=$(nm -g --defined-only "$lib") ;;
    *) names=$(nm -D --defined-only "$lib") ;;
    esac
    count=$(grep -c ' [B-Z] sc_' <<<"$names")
    private=$(grep -c ' [B-Z] sc__' <<<"$names")
    bad=$(stray "$lib" | sort -u)
    if [ -n "$bad" ]; then
        echo "symbols: $lib exports names without the sc_ prefix" \
             "or under the wrong version:" >&2
        sed 's/^/    /' <<<"$bad" >&2
        return 1
    fi
    if [ "$count" -eq 0 ]; then
        echo "symbols: $lib exports no sc_ name at all" >&2
        return 1
    fi
    echo "symbols: $lib exports $count names, all sc_," \
         "$((count - private)) public and $private private (sc__)"
}

if ! command -v nm >/dev/null 2>&1; then
    echo "symbols: nm (binutils) is missing" >&2
    exit 1
fi

# The check itself must be able to fail: a library exporting a stray name
# (and one hiding it) is built and checked.
if [ "${1:-}" = --self-test ]; then
    cc=${CC:-cc}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    cat >"$tmp/lib.c" <<'EOF'
int sc_fine(void) { return 1; }
int helper_oops(void) { return 2; }
static int kept_inside(void) { return 3; }
int sc_also_fine(void) { return kept_inside(); }
EOF
    "$cc" -fPIC -c "$tmp/lib.c" -o "$tmp/lib.o" &&
        "$cc" -shared "$tmp/lib.o" -o "$tmp/libstray.so" &&
        ar rcs "$tmp/libstray.a" "$tmp/lib.o" || exit 1
    status=0
    for lib in "$tmp/libstray.so" "$tmp/libstray.a"; do
        if check "$lib" 2>"$tmp/err"; then
            echo "symbols: the check passed $lib, which exports helper_oops" >&2
            status=1
        elif ! grep -q helper_oops "$tmp/err" ||
             grep -q kept_inside "$tmp/err"; then
            echo "symbols: the check did not name helper_oops alone:" >&2
            cat "$tmp/err" >&2
            status=1
        fi
    done
    [ "$status" -eq 0 ] && echo "symbols: the check catches a stray name"
    exit "$status"
fi

if [ $# -eq 0 ]; then
    echo "usage: symbols.sh LIBRARY... | --self-test" >&2
    exit 2
fi
status=0
for lib in "$@"; do
    check "$lib" || status=1
done
exit "$status"
