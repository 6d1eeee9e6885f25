# cluster.sh - a three-node Galera cluster on loopback ports, for the
# Galera test (tests/scripts/galera.sh) to source.
#
#     . tests/galera/cluster.sh
#     cluster_missing        prints what this machine lacks, or nothing
#     cluster_start DIR      installs and starts nodes 1, 2 and 3 in DIR
#     node_kill I            SIGKILL to node I's server
#     node_restart I         starts node I again after node_kill; it
#                            rejoins by IST (or SST)
#     node_client I ARGS...  the mariadb client as root on node I's socket
#     node_port I            the SQL port of node I (on 127.0.0.1)
#     cluster_stop           stops every node that runs
#
# Each node has its own data directory, made by mariadb-install-db, and
# four ports: SQL, group communication (base_port), IST and SST.  Node 1
# starts the cluster (--wsrep-new-cluster); 2 and 3 join it at once and take
# their first state from it by rsync SST.  The servers run as the
# "mysql" user when started by root.  Reads wait for every write
# certified before them (wsrep_sync_wait=1), so that whatever node a
# client asks, it sees what was committed anywhere.

. "$(dirname "${BASH_SOURCE[0]}")/../scripts/port.sh"
galera_provider=/usr/lib/galera/libgalera_smm.so
galera_server=
for f in /usr/sbin/mariadbd /usr/sbin/mysqld; do
    [ -x "$f" ] && { galera_server=$f; break; }
done

cluster_missing() {
    if [ -z "$galera_server" ]; then
        echo "no mariadbd (apt-get install mariadb-server)"
    elif ! command -v mariadb-install-db >/dev/null; then
        echo "no mariadb-install-db (apt-get install mariadb-server)"
    elif ! command -v mariadb >/dev/null; then
        echo "no mariadb client (apt-get install mariadb-client)"
    elif [ ! -f "$galera_provider" ]; then
        echo "no $galera_provider (apt-get install galera-4)"
    elif ! command -v rsync >/dev/null; then
        echo "no rsync for state transfers (apt-get install rsync)"
    fi
}

# The first of 12 consecutive free ports from a random base: 3 nodes x
# (SQL, group communication, IST, SST).
cluster_ports() {
    local base p ok
    for _ in $(seq 20); do
        base=$(random_port)
        ok=yes
        for p in $(seq "$base" $((base + 11))); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
                ok=
                break
            fi
        done
        [ -n "$ok" ] && { echo "$base"; return 0; }
    done
    return 1
}

node_port() { echo $((cluster_base + 4 * ($1 - 1))); }
node_gcomm() { echo $((cluster_base + 4 * ($1 - 1) + 1)); }

node_client() {
    local i=$1
    shift
    mariadb --no-defaults -uroot --socket="$cluster_dir/n$i/sock" "$@"
}

# The server's options for node I, one a line.
node_opts() {
    local i=$1 d=$cluster_dir/n$1 g provider
    g=$(node_gcomm "$i")
    provider="base_port=$g;gmcast.listen_addr=tcp://127.0.0.1:$g"
    provider="$provider;ist.recv_addr=127.0.0.1:$((g + 1));gcache.size=64M"
    provider="$provider;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S"
    [ "$(id -u)" -eq 0 ] && echo --user=mysql
    printf '%s\n' \
        "--datadir=$d/data" "--tmpdir=$d/tmp" --bind-address=127.0.0.1 \
        "--port=$(node_port "$i")" "--socket=$d/sock" "--pid-file=$d/pid" \
        --skip-name-resolve --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_bin --max-connections=100 \
        --innodb-log-file-size=16M --innodb-buffer-pool-size=32M \
        --innodb-doublewrite=0 --innodb-flush-log-at-trx-commit=2 \
        --innodb-lock-wait-timeout=10 \
        --binlog-format=ROW --innodb-autoinc-lock-mode=2 \
        --wsrep-on=ON "--wsrep-provider=$galera_provider" \
        --wsrep-cluster-name=schemac-test "--wsrep-node-name=n$i" \
        "--wsrep-cluster-address=gcomm://$cluster_peers" \
        "--wsrep-node-address=127.0.0.1:$g" \
        "--wsrep-provider-options=$provider" \
        --wsrep-sst-method=rsync \
        "--wsrep-sst-receive-address=127.0.0.1:$((g + 2))" \
        --wsrep-sync-wait=1 --wsrep-slave-threads=2
}

# Starts node I's server in the background; options may follow I.
node_start() {
    local i=$1 d=$cluster_dir/n$1 opts
    shift
    mapfile -t opts < <(node_opts "$i")
    # The servers are Debian's, not under test: they run without the
    # test's malloc perturbation and sanitizer settings, which Meson and
    # the sanitized build put in the environment.
    env -u MALLOC_PERTURB_ -u ASAN_OPTIONS -u UBSAN_OPTIONS -u LD_LIBRARY_PATH \
        "$galera_server" --no-defaults "${opts[@]}" "$@" \
        --log-error="$d/server.log" </dev/null >>"$d/stdout.log" 2>&1 &
    echo $! >"$d/server.pid"
}

# Waits until node I is synced with the cluster (wsrep_local_state 4),
# at most $2 seconds (default 120).
node_wait() {
    local i=$1 t=$((${2:-120} * 10)) pid s
    pid=$(cat "$cluster_dir/n$i/server.pid")
    for _ in $(seq "$t"); do
        s=$(node_client "$i" -N -B -e \
            "SHOW STATUS LIKE 'wsrep_local_state'" 2>/dev/null | cut -f2)
        [ "$s" = 4 ] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    echo "galera: node $i did not reach the synced state" >&2
    tail -n 40 "$cluster_dir/n$i/server.log" >&2
    return 1
}

# Starts node I (options may follow) and waits until it is synced, up to
# three times: a server that dies on its way up (Galera's group
# communication sometimes fails to start its threads on a loaded
# machine) is started again.
node_up() {
    local i=$1 pid
    for _ in 1 2 3; do
        node_start "$@"
        node_wait "$i" 120 && return 0
        pid=$(cat "$cluster_dir/n$i/server.pid")
        kill -0 "$pid" 2>/dev/null && return 1
        wait "$pid" 2>/dev/null || true
        echo "galera: node $i died on its way up; starting it again" >&2
        grep -E '\[ERROR\]|Assertion|got signal|terminate called' \
            "$cluster_dir/n$i/server.log" | tail -n 8 >&2
    done
    return 1
}

# Starts node I after a crash as a cluster's service manager does: the
# position its storage holds is recovered first (mariadbd --wsrep-recover),
# so that the node asks for the writes it missed (IST) rather than for a
# copy of everything (SST); then it is started and waited for.
node_restart() {
    local i=$1 d=$cluster_dir/n$1 opts pos
    mapfile -t opts < <(node_opts "$i")
    "$galera_server" --no-defaults "${opts[@]}" --wsrep-recover \
        --log-error="$d/recover.log" </dev/null >/dev/null 2>&1 || true
    pos=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' \
        "$d/recover.log" 2>/dev/null | tail -n 1)
    if [ -n "$pos" ]; then
        node_up "$i" --wsrep-start-position="$pos"
    else
        node_up "$i"
    fi
}

node_kill() {
    local pid
    pid=$(cat "$cluster_dir/n$1/server.pid")
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

node_stop() {
    local pid
    pid=$(cat "$cluster_dir/n$1/server.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}

cluster_start() {
    local i user_opt=()
    cluster_dir=$1
    cluster_base=$(cluster_ports) ||
        { echo "galera: no free ports" >&2; return 1; }
    cluster_peers=127.0.0.1:$(node_gcomm 1),127.0.0.1:$(node_gcomm 2)
    cluster_peers=$cluster_peers,127.0.0.1:$(node_gcomm 3)
    [ "$(id -u)" -eq 0 ] && user_opt=(--user=mysql)
    for i in 1 2 3; do
        # its own tmpdir, from the bootstrap of mariadb-install-db on: a
        # starting server deletes the "#sql" files there, which in a
        # shared /tmp are the temporary tables of the other nodes' bootstrap
        mkdir -p "$cluster_dir/n$i/tmp"
        [ "$(id -u)" -eq 0 ] && chown mysql "$cluster_dir/n$i" \
            "$cluster_dir/n$i/tmp"
        mariadb-install-db --no-defaults "${user_opt[@]}" \
            --datadir="$cluster_dir/n$i/data" \
            --tmpdir="$cluster_dir/n$i/tmp" \
            --auth-root-authentication-method=normal --skip-test-db \
            --skip-name-resolve >"$cluster_dir/n$i/install.log" 2>&1 &
    done
    for i in 1 2 3; do
        wait -n ||
            { cat "$cluster_dir"/n*/install.log >&2; return 1; }
    done
    node_up 1 --wsrep-new-cluster || return 1
    # The two join at once: the second's state transfer waits for a
    # donor, and may take the first once it is synced.
    node_start 2
    node_start 3
    node_wait 2 120 || node_up 2 || return 1
    node_wait 3 120 || node_up 3 || return 1
}

cluster_stop() {
    local i
    [ -n "${cluster_dir:-}" ] || return 0
    for i in 3 2 1; do
        node_stop "$i"
    done
}
