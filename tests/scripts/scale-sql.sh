#!/bin/sh
# A schema of many tables goes through the compiler in time linear in its
# size: COUNT tables (100000 in a normal build), each with a comment, a
# foreign key to the one before, a unique column, an enum column and a
# named index, must give COUNT CREATE TABLE statements from schemac sql,
# and the same schema with its first table repeated at the end must be
# refused with the duplicate named.  Its times are shown by
# bench/scale.py, not asserted here.  A lookup that scans every table per
# name would take hours here and fail by timeout; the memory bound (when
# the build is not instrumented) fails a run that keeps too much.
#
#     scale-sql.sh SCHEMAC COUNT MEMORY_KB
#
# MEMORY_KB 0 sets no bound (sanitizers reserve huge address ranges).
set -eu
schemac=$1
count=$2
memory=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

awk -v n="$count" 'BEGIN {
    print "// A schema of " n " tables."
    print "schema huge;"
    print ""
    print "enum mood { calm, busy }"
    for (k = 1; k <= n; k++) {
        printf "\n// Table %d.\ntable t%06d {\n", k, k
        printf "    id     int64 primary key;\n"
        if (k > 1)
            printf "    up_id  int64 references t%06d(id);\n", k - 1
        printf "    name   varchar(40) not null unique; // trailing\n"
        printf "    mood   mood not null default calm;\n"
        printf "    index ix%06d (name, mood);\n}\n", k
    }
}' > "$tmp/huge.schema"

if [ "$memory" -gt 0 ]; then
    ulimit -v "$memory"
fi

"$schemac" sql "$tmp/huge.schema" --dialect sqlite > "$tmp/huge.sql"
tables=$(grep -c '^CREATE TABLE' "$tmp/huge.sql")
if [ "$tables" -ne "$count" ]; then
    echo "scale-sql: $tables CREATE TABLE statements, not $count" >&2
    exit 1
fi

# The checker still finds a duplicate declared last.
printf '\ntable t000001 {\n    id int64 primary key;\n}\n' >> "$tmp/huge.schema"
if "$schemac" sql "$tmp/huge.schema" > /dev/null 2> "$tmp/err"; then
    echo "scale-sql: a duplicate table was accepted" >&2
    exit 1
fi
if ! grep -q 'error: duplicate table "t000001"' "$tmp/err"; then
    echo "scale-sql: no duplicate-table error:" >&2
    head -5 "$tmp/err" >&2
    exit 1
fi
echo "scale-sql: $count tables"
