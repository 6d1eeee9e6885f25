#!/bin/bash
# crash-same.sh - the crash cases end with the same rows on SQLite,
# PostgreSQL and MariaDB.
#
#     crash-same.sh DATA_DIR TEST_CRASH WITH_PG WITH_MARIADB CASE...
#
# Each case of tests/unit/test-crash.c, having killed its step at every
# point it tries and run it again, writes the rows the database ends
# with to DATA_DIR/CASE.DIALECT (SCHEMAC_CRASH_DATA), one text for all
# three databases: every table by name with its columns, every row by
# its key.  This script compares the three files of each case with each
# other, as tests/xdb compares the answers of one program, and fails
# showing the difference.  The crash tests run before it in the same
# `meson test` (tests/unit/meson.build); a file missing, or older than
# TEST_CRASH, is made by running that case here, through WITH_PG or
# WITH_MARIADB for the servers; without a server that case is skipped
# (exit 77).  Under CI=true, where the crash tests have just run, such a
# file is a failure instead: its case failed, or did not run.
set -u
dir=$1 exe=$2 with_pg=$3 with_mariadb=$4
shift 4
dialects=(sqlite postgresql mariadb)
fails=0 skipped=0

# made CASE DIALECT: the data file of CASE on DIALECT is there, made by
# the current program; else runs the case to make it.
made() {
    local file=$dir/$1.$2 rc
    if [ -f "$file" ] && ! [ "$file" -ot "$exe" ]; then
        return 0
    fi
    # under CI the crash tests have just run: a file missing is one that
    # failed, and running it again would only cost minutes
    if [ "${CI:-}" = true ]; then
        echo "FAIL: crash-$1 on $2 left no data in $file" >&2
        fails=$((fails + 1))
        return 1
    fi
    mkdir -p "$dir"
    echo "crash-same: running crash-$1 on $2 for $file"
    case $2 in
    sqlite) CK_RUN_CASE=$1 SCHEMAC_CRASH_DATA=$dir SCHEMAC_TEST_URL= \
                "$exe" >"$dir/$1.$2.log" 2>&1 ;;
    postgresql) CK_RUN_CASE=$1 SCHEMAC_CRASH_DATA=$dir \
                    bash "$with_pg" "$exe" >"$dir/$1.$2.log" 2>&1 ;;
    mariadb) CK_RUN_CASE=$1 SCHEMAC_CRASH_DATA=$dir \
                 bash "$with_mariadb" "$exe" >"$dir/$1.$2.log" 2>&1 ;;
    esac
    rc=$?
    if [ $rc -eq 77 ]; then
        skipped=$((skipped + 1))
        return 1
    fi
    if [ $rc -ne 0 ] || ! [ -f "$file" ]; then
        echo "FAIL: crash-$1 on $2 failed (exit $rc):" >&2
        tail -n 20 "$dir/$1.$2.log" | sed 's/^/    /' >&2
        fails=$((fails + 1))
        return 1
    fi
}

for case in "$@"; do
    have=()
    for d in "${dialects[@]}"; do
        made "$case" "$d" && have+=("$d")
    done
    [ ${#have[@]} -gt 1 ] || continue
    first=${have[0]} same=true
    for d in "${have[@]:1}"; do
        if ! cmp -s "$dir/$case.$first" "$dir/$case.$d"; then
            echo "FAIL: crash-$case ends with other rows on $d than on" \
                 "$first:" >&2
            diff -u --label "$first" --label "$d" "$dir/$case.$first" \
                "$dir/$case.$d" | head -n 40 | sed 's/^/    /' >&2
            fails=$((fails + 1)) same=false
        fi
    done
    $same && echo "crash-$case: $(wc -l <"$dir/$case.$first") lines," \
         "the same on ${have[*]}"
done

if [ $fails -gt 0 ]; then
    echo "crash-same: $fails failed" >&2
    exit 1
fi
if [ $skipped -gt 0 ]; then
    echo "crash-same: $skipped runs skipped (no server)" >&2
    exit 77
fi
echo "crash-same: passed"
