#!/bin/bash
# Runs a command against a MariaDB server of its own.
#
#     with-mariadb.sh COMMAND [ARGS...]
#
# When SCHEMAC_MARIADB_URL is set, the command runs against that server.
# Otherwise this script makes a throwaway data directory in a temporary
# directory (mariadb-install-db from Debian's mariadb-server package),
# starts mariadbd on 127.0.0.1 at a free port, with its unix socket in
# that directory and no other network, creates a database and a user who
# must give a password, runs the command with SCHEMAC_TEST_URL set to
#
#     mariadb://schemac:PASSWORD@127.0.0.1:PORT/schemac_test
#
# and stops the server and removes the directory afterwards.
# SCHEMAC_TEST_AUTH_URL is the same URL (every MariaDB user here gives a
# password), and SCHEMAC_TEST_MARIADB_SOCKET the server's unix socket.
# The server runs as the "mysql" user when started by root.
# SCHEMAC_MARIADB_OPTS, when set, holds more server options, split at
# spaces and given after the script's own, which they override (as
# "--collation-server=utf8mb4_general_ci --default-time-zone=-08:00").
#
# The server is set up to start in about a second and to write little:
# small InnoDB log and buffer pool, no doublewrite, the log flushed once
# a second rather than at every commit.  Nothing of it outlives the run.
#
# Without a server (no package, no way to start one) the command is
# skipped (exit 77, Meson's "skipped"), except under CI=true, where that
# is a failure: CI must test MariaDB.
set -eu
. "$(dirname "${BASH_SOURCE[0]}")/port.sh"

# shellcheck disable=SC2206 # options are split at spaces
extra_opts=(${SCHEMAC_MARIADB_OPTS:-})

unavailable() {
    echo "with-mariadb: $1" >&2
    if [ "${CI:-}" = true ]; then
        exit 1
    fi
    exit 77
}

if [ -n "${SCHEMAC_MARIADB_URL:-}" ]; then
    SCHEMAC_TEST_URL=$SCHEMAC_MARIADB_URL \
        SCHEMAC_TEST_AUTH_URL=$SCHEMAC_MARIADB_URL "$@"
    exit $?
fi

server=
for f in /usr/sbin/mariadbd /usr/sbin/mysqld; do
    [ -x "$f" ] && { server=$f; break; }
done
[ -n "$server" ] && command -v mariadb-install-db >/dev/null &&
    command -v mariadb >/dev/null ||
    unavailable "no MariaDB server installed (apt-get install mariadb-server)"

tmp=$(mktemp -d /tmp/schemac-mariadb.XXXXXX)
chmod 755 "$tmp"
# A tmpdir of its own: a starting mariadbd deletes every "#sql" file in
# its tmpdir, which in a shared /tmp are the temporary tables (a
# cursor's rows) of the other servers running at the same time; the
# bootstrap server of mariadb-install-db is one of them.
mkdir "$tmp/tmp"
user_opt=()
if [ "$(id -u)" -eq 0 ]; then
    chown mysql "$tmp" "$tmp/tmp"
    user_opt=(--user=mysql)
fi
sock=$tmp/mysqld.sock
pid=

cleanup() {
    # a server restarted through server.sh has another pid
    if [ -s "$tmp/mysqld.pid" ]; then
        pid=$(cat "$tmp/mysqld.pid" 2>/dev/null || echo "$pid")
    fi
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# The server is not the program under test: it runs without the test's
# malloc and sanitizer settings.
server_env=(env -u MALLOC_PERTURB_ -u ASAN_OPTIONS -u UBSAN_OPTIONS
    -u LD_LIBRARY_PATH)

"${server_env[@]}" mariadb-install-db --no-defaults "${user_opt[@]}" \
    --datadir="$tmp/data" --tmpdir="$tmp/tmp" \
    --auth-root-authentication-method=normal --skip-test-db \
    --skip-name-resolve >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; unavailable "mariadb-install-db failed"; }

client() {
    mariadb --no-defaults -uroot --socket="$sock" "$@"
}

# Tests run in parallel, each with its own server: take a random port
# nobody listens on, and try another if the server still cannot bind it.
started=
for attempt in 1 2 3 4 5 6 7 8; do
    port=$(random_port)
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue
    fi
    server_args=(--no-defaults "${user_opt[@]}" \
        --datadir="$tmp/data" --tmpdir="$tmp/tmp" --bind-address=127.0.0.1 \
        --port="$port" --socket="$sock" \
        --pid-file="$tmp/mysqld.pid" --log-error="$tmp/server.log" \
        --skip-name-resolve --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_bin \
        --innodb-log-file-size=16M --innodb-buffer-pool-size=64M \
        --innodb-doublewrite=0 --innodb-flush-log-at-trx-commit=2 \
        --innodb-lock-wait-timeout=5 --max-connections=200 \
        --max-allowed-packet=64M "${extra_opts[@]}")
    "${server_env[@]}" "$server" "${server_args[@]}" </dev/null >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 300); do
        if client -e 'SELECT 1' >/dev/null 2>&1; then
            started=yes
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$started" ] && break
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
done
[ -n "$started" ] ||
    { cat "$tmp/server.log" >&2 2>/dev/null
      unavailable "the server did not start"; }

db=schemac_test
password="pw-$RANDOM-$RANDOM"
client <<EOF
CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'schemac'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER 'schemac'@'localhost' IDENTIFIED BY '$password';
GRANT ALL ON *.* TO 'schemac'@'127.0.0.1';
GRANT ALL ON *.* TO 'schemac'@'localhost';
EOF

# For tests that lose their server on purpose: SCHEMAC_TEST_MARIADB_SERVER
# names a script that stops ("stop", waiting for the shutdown) or starts
# ("start", waiting until it answers) this server again, on the same
# port, outside the test's malloc and sanitizer settings and in a session
# of its own (a test's process group is killed when the test ends).
{
    echo '#!/bin/bash'
    echo 'case "$1" in'
    printf 'stop) exec mariadb-admin --no-defaults -uroot --socket=%q shutdown ;;\n' "$sock"
    printf 'start) setsid'
    printf ' %q' "${server_env[@]}" "$server"
    printf ' %q' "${server_args[@]}"
    echo ' </dev/null >/dev/null 2>&1 &'
    echo '    for _ in $(seq 300); do'
    printf '        mariadb --no-defaults -uroot --socket=%q -e "SELECT 1" >/dev/null 2>&1 && exit 0\n' "$sock"
    echo '        sleep 0.1'
    echo '    done'
    echo '    exit 1 ;;'
    echo 'esac'
    echo 'exit 2'
} >"$tmp/server.sh"
chmod 755 "$tmp/server.sh"
SCHEMAC_TEST_MARIADB_SERVER=$tmp/server.sh
export SCHEMAC_TEST_MARIADB_SERVER

SCHEMAC_TEST_URL="mariadb://schemac:$password@127.0.0.1:$port/$db"
SCHEMAC_TEST_AUTH_URL=$SCHEMAC_TEST_URL
SCHEMAC_TEST_MARIADB_SOCKET=$sock
export SCHEMAC_TEST_URL SCHEMAC_TEST_AUTH_URL SCHEMAC_TEST_MARIADB_SOCKET
status=0
"$@" || status=$?
exit $status
