#!/bin/bash
# Runs a command against a PostgreSQL server through a PgBouncer of its
# own, in transaction pooling.
#
#     with-pgbouncer.sh COMMAND [ARGS...]
#
# with-pg.sh starts the server (or takes SCHEMAC_PG_URL) and runs this
# script's inner part, which starts a pooler in a temporary directory on
# 127.0.0.1 at a free port: pool_mode = transaction, two server
# connections for the test database (default_pool_size = 2), every
# client trusted.  The command runs with SCHEMAC_TEST_URL set to the
# pooler's URL and SCHEMAC_TEST_DIRECT_URL to the server's; the pooler is
# stopped and its directory removed afterwards.  It runs as the
# "postgres" user when started by root, as PgBouncer refuses root, and
# without the test's MALLOC_PERTURB_ and sanitizer settings.
#
# Without pgbouncer the command is skipped (exit 77), except under
# CI=true, where that is a failure.
set -eu
. "$(dirname "${BASH_SOURCE[0]}")/port.sh"

unavailable() {
    echo "with-pgbouncer: $1" >&2
    if [ "${CI:-}" = true ]; then
        exit 1
    fi
    exit 77
}

if [ "${1:-}" != --inner ]; then
    command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] ||
        unavailable "no pgbouncer installed (apt-get install pgbouncer)"
    exec bash "$(dirname "$0")/with-pg.sh" bash "$0" --inner "$@"
fi
shift

pgbouncer=$(command -v pgbouncer 2>/dev/null || echo /usr/sbin/pgbouncer)

# postgresql://USER[:PASSWORD]@HOST:PORT/DB[?...]
direct=$SCHEMAC_TEST_URL
rest=${direct#postgresql://}
rest=${rest%%\?*}
userinfo=${rest%%@*}
hostport=${rest#*@}
hostport=${hostport%%/*}
db=${rest#*/}
user=${userinfo%%:*}
password=
[ "$userinfo" = "$user" ] || password=${userinfo#*:}
host=${hostport%:*}
server_port=${hostport##*:}

tmp=$(mktemp -d /tmp/schemac-pgbouncer.XXXXXX)
chmod 755 "$tmp"
as_pooler() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}
cleanup() {
    if [ -s "$tmp/pgbouncer.pid" ]; then
        kill "$(cat "$tmp/pgbouncer.pid")" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            [ -e "$tmp/pgbouncer.pid" ] || break
            sleep 0.2
        done
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$tmp"
fi

# auth_type trust still wants each user listed in the auth file.
printf '"%s" "%s"\n' "$user" "$password" >"$tmp/users.txt"
chmod 644 "$tmp/users.txt"

started=
for attempt in 1 2 3 4 5 6 7 8; do
    port=$(random_port)
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue
    fi
    server_password=
    [ -z "$password" ] || server_password=" password=$password"
    cat >"$tmp/pgbouncer.ini" <<EOF
[databases]
$db = host=$host port=$server_port dbname=$db user=$user$server_password

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $tmp/users.txt
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
logfile = $tmp/pgbouncer.log
pidfile = $tmp/pgbouncer.pid
EOF
    chmod 644 "$tmp/pgbouncer.ini"
    if as_pooler env -u MALLOC_PERTURB_ -u ASAN_OPTIONS -u UBSAN_OPTIONS \
        -u LD_PRELOAD "$pgbouncer" -d -q "$tmp/pgbouncer.ini" \
        >>"$tmp/start.log" 2>&1; then
        for _ in $(seq 50); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                started=yes
                break
            fi
            sleep 0.1
        done
    fi
    [ -n "$started" ] && break
    if [ -s "$tmp/pgbouncer.pid" ]; then
        kill "$(cat "$tmp/pgbouncer.pid")" 2>/dev/null || true
        sleep 0.3
    fi
done
[ -n "$started" ] ||
    { cat "$tmp/start.log" "$tmp/pgbouncer.log" >&2 2>/dev/null;
      unavailable "pgbouncer did not start"; }

SCHEMAC_TEST_DIRECT_URL=$direct
SCHEMAC_TEST_URL="postgresql://$userinfo@127.0.0.1:$port/$db"
export SCHEMAC_TEST_URL SCHEMAC_TEST_DIRECT_URL
status=0
"$@" || status=$?
exit $status
