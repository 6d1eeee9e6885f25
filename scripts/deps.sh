#!/bin/bash
# deps.sh - the Debian 12 packages schemac needs to build and test.
#
#     scripts/deps.sh --list      print the package names, one a line
#     scripts/deps.sh --missing   print those that are not installed
#     scripts/deps.sh             install the missing ones with apt-get
#                                 (as root, or through sudo); does nothing
#                                 when all are installed
set -euo pipefail

packages=(
    build-essential     # gcc, make, libc headers
    clang               # the second compiler of the install test
    libclang-rt-14-dev  # clang's sanitizer runtimes
    meson
    ninja-build
    cmake               # the CMake recipe (tests/recipes/test-cmake.sh)
    pkg-config
    bison
    flex
    libsqlite3-dev
    sqlite3
    zlib1g-dev          # named by sqlite3.pc for static linking
    check               # the unit test framework
    libpq-dev           # the PostgreSQL backend of the runtime
    libmariadb-dev      # the MariaDB backend of the runtime
    nettle-dev          # SHA-256 of the migration checksums
    postgresql          # the server the PostgreSQL tests start for themselves
    mariadb-server      # the server the MariaDB tests start for themselves
    pgbouncer           # the pooler of the prepare=off test (opts-pgbouncer)
    galera-4            # the replication library of the Galera cluster tests
    python3-mysqldb     # Python's MariaDB driver, for the benchmarks
    valgrind            # the valgrind test setup (meson test --setup=valgrind)
    python3-django      # tests/data/adopt: databases made by Django's migrate
    python3-sqlalchemy  # ... and by SQLAlchemy's create_all
    python3-psycopg2    # both of them on PostgreSQL
    locales             # de_DE and tr_TR for tests/xdb (localedef)
    rsync               # the state transfers of the Galera cluster tests
    debhelper           # the Debian packages (debian/, dpkg-buildpackage)
    dpkg-dev
)

missing() {
    local p
    for p in "${packages[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || echo "$p"
    done
}

case ${1:-} in
--list)
    printf '%s\n' "${packages[@]}"
    exit 0
    ;;
--missing)
    missing
    exit 0
    ;;
"") ;;
*)
    echo "usage: $0 [--list | --missing]" >&2
    exit 2
    ;;
esac

mapfile -t need < <(missing)
if [ "${#need[@]}" -eq 0 ]; then
    exit 0
fi
echo "installing: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "$0: not root and no sudo; install these first: ${need[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${need[@]}"
