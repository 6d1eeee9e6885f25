# port.sh - sourced by the scripts that start private servers.
#
# random_port prints a random TCP port for a server to listen on, below
# Linux's ephemeral range (ip_local_port_range, 32768 on by default): a
# port in that range may be taken at any moment by the local end of some
# other test's client connection, and a server that cannot bind it dies.
# The caller still checks that nobody listens there and tries again.
random_port() {
    echo $((10000 + RANDOM % 20000))
}
