#!/bin/bash
# migrate diff and check grow with the schema, not with its square: each
# runs on a schema of COUNT tables and on one of 4 * COUNT, and the
# larger may take at most LIMIT times the CPU of the smaller (linear work
# takes 4 to 6 times, one lookup that scans every table per table 16).
# The CPU time (user plus system, the least of three runs) of one
# command against another on the same machine, not a time in seconds,
# is what is compared, so a slow or busy machine does not fail it.
# scale-sql puts 100000 tables through schemac sql; the same count
# through migrate diff and check (and SQLite's own CREATE TABLE, which
# grows with the schema) would take minutes.
#
# Each table has a foreign key to the one before, a unique column and an
# index; the changed schema adds a column to every tenth table, and the
# diff must add exactly those, and check must find no drift in a
# database made from the changed schema's DDL.
#
#     scale-migrate.sh SCHEMAC COUNT [LIMIT]
set -eu
schemac=$1
count=$2
limit=${3:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

schema() { # N CHANGED
    awk -v n="$1" -v changed="$2" 'BEGIN {
        print "schema wide;"
        for (k = 1; k <= n; k++) {
            printf "\ntable t%06d {\n", k
            printf "    id     int64 primary key;\n"
            if (k > 1)
                printf "    up_id  int64 references t%06d(id);\n", k - 1
            printf "    name   varchar(40) not null unique;\n"
            if (changed && k % 10 == 0)
                printf "    note   text;\n"
            printf "    index ix%06d (name);\n}\n", k
        }
    }'
}

# The CPU milliseconds of one run of the command, its output discarded.
cpu_ms() {
    local TIMEFORMAT='%3U %3S' t
    t=$({ time "$@" > /dev/null 2>&1; } 2>&1) || {
        echo "scale-migrate: failed: $*" >&2
        "$@" >&2 || true
        exit 1
    }
    echo "$t" | awk '{ printf "%d\n", ($1 + $2) * 1000 }'
}

# The least of three runs.
least_ms() {
    local best='' k ms
    for k in 1 2 3; do
        ms=$(cpu_ms "$@")
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then
            best=$ms
        fi
    done
    echo "$best"
}

measure() { # N: prints "DIFF_MS CHECK_MS"
    local n=$1 d="$tmp/$1" k diff_ms check_ms adds
    mkdir -p "$d"
    schema "$n" 0 > "$d/a.schema"
    schema "$n" 1 > "$d/b.schema"
    "$schemac" migrate init "$d/a.schema" --dir "$d/init" > /dev/null
    # migrate diff writes into its directory: a fresh copy for each run
    for k in 1 2 3 4; do
        cp -r "$d/init" "$d/m$k"
    done
    "$schemac" migrate diff "$d/b.schema" --dir "$d/m4" --name more \
        > /dev/null 2>&1
    adds=$(grep -c 'ADD COLUMN "note"' "$d/m4/0002_more.sqlite.sql" || true)
    if [ "$adds" -ne $((n / 10)) ]; then
        echo "scale-migrate: $n tables: $adds columns added, not $((n / 10))" >&2
        exit 1
    fi
    diff_ms=''
    for k in 1 2 3; do
        ms=$(cpu_ms "$schemac" migrate diff "$d/b.schema" --dir "$d/m$k" \
             --name more)
        if [ -z "$diff_ms" ] || [ "$ms" -lt "$diff_ms" ]; then
            diff_ms=$ms
        fi
    done
    {
        echo "PRAGMA journal_mode = OFF;"
        echo "BEGIN;"
        "$schemac" sql "$d/b.schema" --dialect sqlite
        echo "COMMIT;"
    } | sqlite3 "$d/b.db" > /dev/null
    if ! "$schemac" check "$d/b.schema" --db "sqlite:$d/b.db" \
        > "$d/check.out"; then
        echo "scale-migrate: $n tables: drift reported:" >&2
        head -5 "$d/check.out" >&2
        exit 1
    fi
    check_ms=$(least_ms "$schemac" check "$d/b.schema" --db "sqlite:$d/b.db")
    echo "$diff_ms $check_ms"
}

read -r diff_small check_small <<< "$(measure "$count")"
read -r diff_large check_large <<< "$(measure $((4 * count)))"
echo "scale-migrate: migrate diff ${diff_small} ms for $count tables," \
     "${diff_large} ms for $((4 * count))"
echo "scale-migrate: check ${check_small} ms for $count tables," \
     "${check_large} ms for $((4 * count))"
status=0
# 10 ms of slack for the smaller run's start, which dominates a tiny one
if [ "$diff_large" -gt $((limit * (diff_small + 10))) ]; then
    echo "scale-migrate: migrate diff grew more than $limit times" >&2
    status=1
fi
if [ "$check_large" -gt $((limit * (check_small + 10))) ]; then
    echo "scale-migrate: check grew more than $limit times" >&2
    status=1
fi
exit $status
