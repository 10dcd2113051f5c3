#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: Unix socket only, no TCP, everything in DIR.
#
#   scripts/pg-cluster.sh start DIR [DBNAME]   initdb + pg_ctl start, create DBNAME (svcmgr);
#                                              prints the URI to use as --db / SVCMGR_TEST_DB
#   scripts/pg-cluster.sh stop DIR             stops it (DIR is left for the caller to remove)
#
# As root, the server runs as the postgres user (initdb refuses root); otherwise as the caller.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR [DBNAME] | stop DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
action=$1
dir=$(realpath -m "$2")
dbname=${3:-svcmgr}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "$0: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    exit 69
fi

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case $action in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    chmod 0755 "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    # Local connections only; a role "pwuser" must log in with a password (for tests of a
    # refused login).
    printf 'local all pwuser scram-sha-256\nlocal all all trust\n' >"$dir/data/pg_hba.conf"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off" start
    as_owner "$bindir/psql" -h "$dir" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE pwuser LOGIN PASSWORD 'not-this-one'" \
        -c "CREATE DATABASE \"$dbname\"" >/dev/null
    echo "postgresql:///$dbname?host=$dir&user=postgres"
    ;;
stop)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -w -s -m fast stop
    ;;
*)
    usage
    ;;
esac
