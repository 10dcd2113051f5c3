#!/usr/bin/env bash
# The PostgreSQL backend's own contract: which --db values name a server (other schemes are
# refused: test_database.sh), secrets kept out of command lines and messages, the exit statuses
# of an unreachable server and a refused login, and that the SQLite path never loads libpq.
# Starts a throwaway cluster (scripts/pg-cluster.sh) in the suite's directory; skips only when
# the PostgreSQL server binaries are not installed.
. "$(dirname "$0")/lib.sh"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    skip_suite "PostgreSQL server binaries missing (scripts/install-deps.sh installs postgresql)"
fi
SRC=${SVCMGR_SOURCE_DIR:-$(dirname "$0")/../..}
PGDIR="$T/pg"
URI=$(bash "$SRC/scripts/pg-cluster.sh" start "$PGDIR" suite) || {
    echo "cannot start a PostgreSQL cluster in $PGDIR" >&2
    exit 1
}
trap 'bash "$SRC/scripts/pg-cluster.sh" stop "$PGDIR" >/dev/null 2>&1' EXIT
unset SVCMGR_DB

begin "the binary does not link libpq"
ldd "$SVCMGR" | grep -q libpq && fail "ldd lists libpq: $(ldd "$SVCMGR" | grep libpq)"

begin "a run on SQLite does not load libpq"
LD_DEBUG=libs "$SVCMGR" --db "$T/plain.db" ticket list >/dev/null 2>"$T/ld.log"
grep -q 'libpq' "$T/ld.log" && fail "libpq was loaded for a SQLite database"

begin "a run on PostgreSQL loads libpq"
LD_DEBUG=libs "$SVCMGR" --db "$URI" ticket list >/dev/null 2>"$T/ld.log"
grep -q 'libpq.so.5' "$T/ld.log" || fail "libpq.so.5 was not loaded"

begin "a password in a URI is refused and never echoed"
run svcmgr --db "postgresql://agent:s3cr3t-pw@db.example/support" ticket list
expect_status 2
expect_err_contains "a password in the database connection string postgresql://agent:***@db.example/support is refused"
expect_err_contains "hint: put it in ~/.pgpass or a service file"
grep -q 's3cr3t-pw' "$T/err" && fail "the password was echoed"

begin "a password= parameter is refused, from SVCMGR_DB too"
SVCMGR_DB="postgres:///support?host=/run/pg&password=s3cr3t-pw" run svcmgr ticket list
expect_status 2
expect_err_contains "postgres:///support?host=/run/pg&password=*** is refused"
grep -q 's3cr3t-pw' "$T/err" && fail "the password was echoed"

begin "a password beside a service name is refused"
run svcmgr --db "service=support password='s3cr3t pw'" ticket list
expect_status 2
expect_err_contains "service=support password=*** is refused"
grep -q 's3cr3t' "$T/err" && fail "the password was echoed"

begin "an unreachable server exits 75 naming the host"
run svcmgr --db "postgresql:///svcmgr?host=$T/no-server" ticket list
expect_status 75
expect_err_contains "cannot reach the PostgreSQL server at $T/no-server"
expect_err_contains "hint: the server may be down or unreachable; try again"

begin "a refused login exits 77"
printf '*:*:*:pwuser:wrong-password\n' >"$T/pgpass"
chmod 0600 "$T/pgpass"
PGPASSFILE="$T/pgpass" run svcmgr --db "$(printf '%s' "$URI" | sed 's/user=postgres/user=pwuser/')" ticket list
expect_status 77
expect_err_contains "cannot log in to database"
expect_err_contains "password authentication failed"

begin "a database that does not exist exits 66"
run svcmgr --db "$(printf '%s' "$URI" | sed 's|///suite|///no_such_db|')" ticket list
expect_status 66
expect_err_contains 'database "no_such_db" does not exist'

begin "the same commands work on the server, with an intact audit chain"
run svcmgr --db "$URI" ticket add "Fakturan dubbeldebiterad: Åsa" --customer "Åsa Öberg" \
    --email asa@example.se
expect_status 0
expect_out "1"
run svcmgr --db "$URI" --format tsv ticket list ÅSA --columns id,title,customer
expect_out $'1\tFakturan dubbeldebiterad: Åsa\tÅsa Öberg'
run svcmgr --db "$URI" audit verify
expect_status 0
run svcmgr --db "$URI" db check
expect_status 0
expect_out ""
expect_err "ok"

begin "two processes migrating one new database at once both succeed"
psql "$URI" -qAtX -c "CREATE DATABASE race" >/dev/null
RACE=$(printf '%s' "$URI" | sed 's|///suite|///race|')
svcmgr --db "$RACE" ticket add "First" --customer "Jüri Tamm" >"$T/a.out" 2>"$T/a.err" &
svcmgr --db "$RACE" ticket add "Second" --customer "Jüri Tamm" >"$T/b.out" 2>"$T/b.err" &
wait %1
rc_a=$?
wait %2
rc_b=$?
expect_eq "$rc_a/$rc_b" "0/0" "exit statuses"
expect_eq "$(sort "$T/a.out" "$T/b.out" | tr '\n' ' ')" "1 2 " "ids"
expect_eq "$(psql "$RACE" -qAtX -c 'SELECT version FROM svcmgr_schema')" "5" "schema version"
run svcmgr --db "$RACE" audit verify
expect_status 0

begin "the audit trail refuses UPDATE and DELETE on the server too"
run psql "$URI" -qAtX -c "UPDATE audit SET actor = 'x'"
expect_status 1
expect_err_contains "the audit trail is append-only"
run psql "$URI" -qAtX -c "DELETE FROM audit"
expect_status 1
expect_err_contains "the audit trail is append-only"

# Before finish removes the directory the server runs in.
bash "$SRC/scripts/pg-cluster.sh" stop "$PGDIR" >/dev/null 2>&1
trap - EXIT
finish
