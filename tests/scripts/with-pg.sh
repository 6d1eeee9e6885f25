#!/bin/bash
# Runs a command against a PostgreSQL server of its own.
#
#     with-pg.sh COMMAND [ARGS...]
#
# When SCHEMAC_PG_URL is set, the command runs against that server.
# Otherwise this script creates a throwaway cluster in a temporary
# directory (initdb from Debian's postgresql package), starts it on
# 127.0.0.1 at a free port, runs the command with SCHEMAC_TEST_URL set to
# a fresh database, and stops and removes the cluster afterwards.  It also
# sets SCHEMAC_TEST_AUTH_URL: the same database as a role that must give
# the password in that URL.  The server runs as the "postgres" user when
# started by root, as PostgreSQL refuses to run as root.
#
# Without a server (no package, no way to start one) the command is
# skipped (exit 77, Meson's "skipped"), except under CI=true, where that
# is a failure: CI must test PostgreSQL.
set -eu
. "$(dirname "${BASH_SOURCE[0]}")/port.sh"

unavailable() {
    echo "with-pg: $1" >&2
    if [ "${CI:-}" = true ]; then
        exit 1
    fi
    exit 77
}

if [ -n "${SCHEMAC_PG_URL:-}" ]; then
    SCHEMAC_TEST_URL=$SCHEMAC_PG_URL "$@"
    exit $?
fi

bindir=
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && bindir=$d
done
[ -n "$bindir" ] || unavailable "no PostgreSQL server installed (apt-get install postgresql)"

tmp=$(mktemp -d /tmp/schemac-pg.XXXXXX)
chmod 755 "$tmp"
as_server() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}
cleanup() {
    as_server "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop \
        >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$tmp"
fi

as_server "$bindir/initdb" -D "$tmp/data" -U postgres -A trust \
    -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 ||
    { cat "$tmp/initdb.log" >&2; unavailable "initdb failed"; }

# One role must give a password, so that tests can see a wrong one
# refused (every other connection is trusted).
sed -i '1i host all schemac_auth 127.0.0.1/32 scram-sha-256' \
    "$tmp/data/pg_hba.conf"

# Tests run in parallel, each with its own server: take a random port
# nobody listens on, and try another if the server still cannot bind it.
started=
for attempt in 1 2 3 4 5 6 7 8; do
    port=$(random_port)
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue
    fi
    if as_server "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
        -o "-h 127.0.0.1 -p $port -k $tmp -F" start >/dev/null 2>&1; then
        started=yes
        break
    fi
done
[ -n "$started" ] ||
    { cat "$tmp/server.log" >&2; unavailable "the server did not start"; }

db=schemac_test
as_server "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"

auth_password="pw-$RANDOM-$RANDOM"
as_server "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d "$db" \
    -c "CREATE ROLE schemac_auth LOGIN PASSWORD '$auth_password'" >/dev/null

# For tests that lose their server on purpose: SCHEMAC_TEST_PG_SERVER
# names a script that stops ("stop", a fast shutdown) or starts
# ("start") this server again, on the same port.
run_as=
if [ "$(id -u)" -eq 0 ]; then
    run_as="runuser -u postgres --"
fi
cat >"$tmp/server.sh" <<EOF
#!/bin/sh
case "\$1" in
stop) exec $run_as "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop ;;
start) exec $run_as "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" \\
    -w -o "-h 127.0.0.1 -p $port -k $tmp -F" start ;;
esac
exit 2
EOF
chmod 755 "$tmp/server.sh"
SCHEMAC_TEST_PG_SERVER=$tmp/server.sh
export SCHEMAC_TEST_PG_SERVER

SCHEMAC_TEST_URL="postgresql://postgres@127.0.0.1:$port/$db"
auth_user="schemac_auth:$auth_password"
SCHEMAC_TEST_AUTH_URL="postgresql://$auth_user@127.0.0.1:$port/$db"
export SCHEMAC_TEST_URL SCHEMAC_TEST_AUTH_URL
status=0
"$@" || status=$?
exit $status
