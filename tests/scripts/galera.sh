#!/bin/bash
# galera.sh - the generated code on a three-node Galera cluster.
#
#     galera.sh SOURCE_ROOT SCHEMAC BUILD_ROOT
#
# Starts a cluster on loopback ports (tests/galera/cluster.sh), creates
# the tables of tests/galera/galera.schema with schemac's migration
# runner through node 1, and runs tests/galera/writers.c: writers on all
# three nodes at once, each on its own connection, conflicting at
# certification on shared rows (SC_BUSY, retried).  Node 3 is killed
# (SIGKILL) in the middle of the workload and started again; it rejoins
# by IST, and its writers move to the other nodes and come back.  At the
# end every key a writer committed is on every node, once, and no other;
# the three nodes' dumps are equal; the counters add up to the entries.
# Then migration 0002 applied through node 2 is seen on all three.
#
# ROWS entries are written before the kill, as many while node 3 is
# down and as many after it rejoined: SCHEMAC_GALERA_ROWS, default 1000,
# 300 under CI=true.  The full run is
#
#     SCHEMAC_GALERA_ROWS=10000 meson test -C build galera
#
# Without MariaDB, galera-4 or rsync the test is skipped (77), except
# under CI=true, where that is a failure.
set -eu

src=$1
schemac=$2
build=$3
if [ "${CI:-}" = true ]; then
    rows=${SCHEMAC_GALERA_ROWS:-300}
else
    rows=${SCHEMAC_GALERA_ROWS:-1000}
fi
writers=6

. "$src/tests/galera/cluster.sh"

why=$(cluster_missing)
if [ -n "$why" ]; then
    echo "galera: $why" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi

tmp=$(mktemp -d /tmp/schemac-galera.XXXXXX)
chmod 755 "$tmp"
wpid=
cleanup() {
    [ -n "$wpid" ] && kill "$wpid" 2>/dev/null
    cluster_stop
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

fails=0
fail() {
    echo "FAIL: $1" >&2
    fails=$((fails + 1))
}
step() { echo "galera: $(date +%T) $*"; }

sql() { # NODE SQL: rows one a line, columns separated by tabs
    node_client "$1" -N -B gal -e "$2"
}

step "starting three nodes"
cluster_start "$tmp/cluster"
password="pw-$RANDOM-$RANDOM"
node_client 1 <<EOF
CREATE DATABASE gal CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'schemac'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL ON *.* TO 'schemac'@'127.0.0.1';
EOF
url() { echo "mariadb://schemac:$password@127.0.0.1:$(node_port "$1")/gal"; }

step "building the writers"
mkdir "$tmp/gen" "$tmp/out"
"$schemac" generate "$src/tests/galera/galera.schema" -o "$tmp/gen" >/dev/null
cflags=(${SCHEMAC_TEST_CFLAGS:-} -I "$src/runtime" -I "$build/runtime")
cc "${cflags[@]}" -std=c99 -Wall -Wextra -Wpedantic -Werror \
    -c "$tmp/gen/gal_db.c" -o "$tmp/gal_db.o"
cc "${cflags[@]}" -std=c11 -Wall -Wextra -Wpedantic -Werror -I "$tmp/gen" \
    "$src/tests/galera/writers.c" "$tmp/gal_db.o" \
    "$build/runtime/libschemac.a" \
    ${SCHEMAC_RUNTIME_LIBS:?set by tests/meson.build} \
    -o "$tmp/writers"

migrations=$src/tests/galera/migrations
step "migration 0001 through node 1"
"$schemac" migrate up --to 1 --db "$(url 1)" --dir "$migrations"
for i in 2 3; do
    t=$(sql "$i" "SELECT COUNT(*) FROM information_schema.tables
                  WHERE table_schema = 'gal' AND table_name IN
                  ('entries', 'counters')")
    [ "$t" = 2 ] || fail "node $i has $t of the tables of migration 0001"
done
sql 2 "INSERT INTO counters (counter_id) VALUES (1), (2), (3), (4)"

count() { sql 1 "SELECT COUNT(*) FROM entries"; }
wait_count() { # waits until node 1 holds $1 entries
    while [ "$(count)" -lt "$1" ]; do
        kill -0 "$wpid" 2>/dev/null || return 1
        sleep 0.2
    done
}

step "$writers writers, $rows entries before the kill"
"$tmp/writers" "$(url 1)" "$(url 2)" "$(url 3)" "$writers" "$tmp/out" \
    >"$tmp/writers.log" 2>&1 &
wpid=$!
wait_count "$rows" || fail "the writers stopped before the kill"
step "killing node 3 at $(count) entries"
node_kill 3
wait_count $(($(count) + rows)) ||
    fail "the writers stopped while node 3 was down"
step "starting node 3 again at $(count) entries"
log3=$tmp/cluster/n3/server.log
before=$(wc -l <"$log3")
node_restart 3 || fail "node 3 did not rejoin"
transfer=
if tail -n +$((before + 1)) "$log3" | grep -q 'WSREP: IST received'; then
    transfer=IST
elif tail -n +$((before + 1)) "$log3" | grep -q 'WSREP: SST received'; then
    transfer=SST
fi
[ -n "$transfer" ] || fail "node 3 rejoined without a state transfer"
step "node 3 synced by $transfer at $(count) entries"
via3=$(sql 1 "SELECT COUNT(*) FROM entries WHERE node = 3")
target=$(($(count) + rows))
wait_count "$target" || fail "the writers stopped after node 3 rejoined"
touch "$tmp/out/STOP"
status=0
wait "$wpid" || status=$?
wpid=
sed 's/^/    /' "$tmp/writers.log"
[ "$status" -eq 0 ] || fail "the writers failed (exit $status)"

total() { # the sum over the writers' lines of the number after word $1
    sed -n "s/.* $1 \([0-9]*\).*/\1/p" "$tmp/writers.log" |
        awk '{ s += $1 } END { print s + 0 }'
}
[ "$(total busy)" -gt 0 ] ||
    fail "no certification conflict came back as SC_BUSY"
[ "$(total failed)" -gt 0 ] || fail "no writer saw node 3 go"
returned=$(sed -n 's/^writer [0-9]* node 3: .* returns \([0-9]*\).*/\1/p' \
    "$tmp/writers.log" | awk '{ s += $1 } END { print s + 0 }')
[ "$returned" -gt 0 ] || fail "no writer of node 3 went back to it"
[ "$(sql 1 "SELECT COUNT(*) FROM entries WHERE node = 3")" -gt "$via3" ] ||
    fail "nothing was written through node 3 after it rejoined"
step "busy $(total busy), failed $(total failed)," \
    "resolved $(total resolved), back to node 3 $returned"

# What the writers committed, against what each node holds.
cat "$tmp/out"/w*.keys | sort -n >"$tmp/committed"
[ -z "$(uniq -d "$tmp/committed")" ] || fail "a key was committed twice"
n=$(wc -l <"$tmp/committed")
[ "$n" -ge $((3 * rows)) ] || fail "only $n entries committed"
for i in 1 2 3; do
    sql "$i" "SELECT entry_id FROM entries ORDER BY entry_id" \
        >"$tmp/keys$i"
    cmp -s "$tmp/committed" "$tmp/keys$i" || {
        fail "node $i: its entries are not the committed ones"
        diff "$tmp/committed" "$tmp/keys$i" | head -n 10 >&2
    }
    { sql "$i" "SELECT * FROM entries ORDER BY entry_id"
      sql "$i" "SELECT * FROM counters ORDER BY counter_id"; } \
        >"$tmp/dump$i"
    s=$(sql "$i" "SELECT SUM(n) FROM counters")
    [ "$s" = "$n" ] || fail "node $i: the counters add up to $s, not $n"
done
cmp -s "$tmp/dump1" "$tmp/dump2" || fail "nodes 1 and 2 differ"
cmp -s "$tmp/dump1" "$tmp/dump3" || fail "nodes 1 and 3 differ"
step "$n entries on every node"

step "migration 0002 through node 2"
"$schemac" migrate up --db "$(url 2)" --dir "$migrations"
for i in 1 2 3; do
    v=$(sql "$i" "SELECT GROUP_CONCAT(version ORDER BY version)
                  FROM schemac_migrations")
    [ "$v" = 1,2 ] || fail "node $i: versions $v recorded, not 1,2"
    c=$(sql "$i" "SELECT COUNT(*) FROM information_schema.columns
                  WHERE table_schema = 'gal' AND table_name = 'counters'
                  AND column_name = 'label'")
    [ "$c" = 1 ] || fail "node $i: counters.label is missing"
    x=$(sql "$i" "SELECT COUNT(DISTINCT index_name)
                  FROM information_schema.statistics
                  WHERE table_schema = 'gal' AND table_name = 'entries'
                  AND index_name = 'ix_entries_writer_seq'")
    [ "$x" = 1 ] || fail "node $i: ix_entries_writer_seq is missing"
done

if [ "$fails" -gt 0 ]; then
    echo "galera: $fails failure(s)" >&2
    exit 1
fi
step "ok"
