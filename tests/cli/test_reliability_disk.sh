#!/usr/bin/env bash
# Reliability on a full disk and with bad database files (issue 8). A full disk is simulated with
# RLIMIT_FSIZE and SIGXFSZ ignored, so writes past the limit fail with EFBIG as they would with
# ENOSPC: svcmgr must exit 74, leave the database intact and keep every earlier change.
# (Directories, CSV files, truncated and corrupt databases, other programs' databases, newer
# schemas and zero-byte files are in test_database.sh.)
. "$(dirname "$0")/lib.sh"

# full_disk BYTES CMD...: runs CMD with files limited to BYTES. stdout and stderr go through pipes,
# so the limit applies to the database files only.
full_disk() {
    local limit="$1"
    shift
    python3 -c '
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
os.execv(sys.argv[2], sys.argv[2:])
' "$limit" "$@"
}
# run_full BYTES ARGS...: `run svcmgr ARGS` on a disk that holds BYTES per file.
run_full() {
    local limit="$1"
    shift
    full_disk "$limit" "$SVCMGR" "$@" </dev/null 2> >(cat >"$T/err") | cat >"$T/out"
    rc=${PIPESTATUS[0]}
    wait # for the stderr pipe
}

# Everything a user could lose, in one string.
state() {
    sql "SELECT id, title, status, customer_id, description FROM ticket ORDER BY id;
         SELECT ticket_id, kind, body FROM ticket_event ORDER BY id;
         SELECT key, value FROM setting ORDER BY key;
         SELECT seq, hash FROM audit ORDER BY seq"
}
# The database is sound and holds exactly the state $1.
expect_intact() {
    expect_eq "$(sql 'PRAGMA integrity_check')" "ok" "integrity_check"
    [ "$(state)" = "$1" ] || fail "the database changed"
    local e
    e=$("$SVCMGR" audit verify -q 2>&1) || fail "audit verify: $e"
    e=$("$SVCMGR" db check -q 2>&1) || fail "db check: $e"
}
# Moves everything in the -wal into the database and empties the -wal, so the next write has
# to grow files from nothing.
checkpoint() { sql 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null; }

for i in $(seq 1 30); do
    "$SVCMGR" ticket add "Ticket $i: näyttö rikki" --customer "Asiakas $i" \
        --description "$(printf 'Kuvaus %d. %.0s' "$i" $(seq 1 100))" >/dev/null
done
"$SVCMGR" ticket comment 1 --reply -m "Tilattu uusi näyttö" >/dev/null
"$SVCMGR" config set hourly_cost 48.00 >/dev/null
big=$(head -c 100000 /dev/zero | tr '\0' 'x')

begin "a write that fills the disk exits 74 and changes nothing"
checkpoint
before=$(state)
run_full 65536 ticket add "Too big" --customer "Uusi asiakas" --description "$big"
expect_status 74
expect_out ""
expect_err "svcmgr: error: database $DB: disk I/O error"
expect_intact "$before"
expect_eq "$(sql "SELECT count(*) FROM customer WHERE name = 'Uusi asiakas'")" "0" "new customer"

begin "a comment read from standard input that fills the disk: 74, nothing written"
checkpoint
printf '%s' "$big" >"$T/message"
full_disk 65536 "$SVCMGR" ticket comment 2 -m - <"$T/message" 2> >(cat >"$T/err") | cat >"$T/out"
rc=${PIPESTATUS[0]}
wait
expect_status 74
expect_err "svcmgr: error: database $DB: disk I/O error"
expect_intact "$before"

begin "once there is room again the same write succeeds"
run svcmgr ticket add "Too big" --customer "Uusi asiakas" --description "$big"
expect_status 0
expect_out "31"
expect_eq "$(sql 'SELECT length(description) FROM ticket WHERE id = 31')" "100000" "description"
run svcmgr audit verify -q
expect_status 0

begin "a batch that fills the disk stops with 74; each ticket is changed wholly or not at all"
checkpoint
before_audit=$(sql 'SELECT count(*) FROM audit')
before_events=$(sql "SELECT count(*) FROM ticket_event WHERE kind = 'status'")
run_full 150000 ticket start $(seq 1 30)
expect_status 74
expect_err_contains "svcmgr: error: database $DB: disk I/O error"
expect_eq "$(sql 'PRAGMA integrity_check')" "ok" "integrity_check"
started=$(sql "SELECT count(*) FROM ticket WHERE status = 'in_progress'")
[ "$started" -lt 30 ] || fail "all 30 started on a full disk"
# The started ones are the first ids, each with its event and audit row; the rest untouched.
expect_eq "$(sql "SELECT group_concat(id) FROM ticket WHERE status = 'in_progress'")" \
    "$(sql "SELECT group_concat(id) FROM ticket WHERE id <= $started")" "started ids"
expect_eq "$(sql "SELECT count(*) FROM ticket_event WHERE kind = 'status'")" "$((before_events + started))" "status events"
expect_eq "$(sql 'SELECT count(*) FROM audit')" "$((before_audit + started))" "audit rows"
e=$("$SVCMGR" audit verify -q 2>&1) || fail "audit verify: $e"
e=$("$SVCMGR" db check -q 2>&1) || fail "db check: $e"

begin "a setting on a full disk: 74, the old value kept"
checkpoint
big_wal_filler=$(head -c 60000 /dev/zero | tr '\0' 'y')
before=$(state)
run_full 40000 ticket comment 3 -m "$big_wal_filler"
expect_status 74
run_full 40000 config get hourly_cost
expect_status 0
expect_out "48.00"
expect_intact "$before"

# The first run on a new database, on a disk that fills at various points of the creation: 74,
# and whatever is left is a database the next run initialises or uses.
for limit in 4096 20000 40000 70000; do
    begin "creating a new database on a disk full at $limit bytes exits 74 and leaves a usable file"
    N="$T/new.$limit.db"
    run_full "$limit" --db "$N" ticket add "Ensimmäinen" --customer "Ni Luh"
    expect_status 74
    expect_out ""
    expect_err_contains "svcmgr: error: "
    expect_err_contains "disk I/O error"
    run svcmgr --db "$N" ticket list --format tsv --columns title
    expect_status 0
    expect_out ""
    run svcmgr --db "$N" ticket add "Toinen" --customer "Ni Luh"
    expect_status 0
    expect_out "1"
    run svcmgr --db "$N" audit verify -q
    expect_status 0
    expect_eq "$(sqlite3 "$N" 'PRAGMA integrity_check')" "ok" "integrity_check"
    expect_eq "$(stat -c %a "$N")" "600" "mode"
done

begin "a backup that fills the disk exits 74, leaves no partial copy, and the database intact"
checkpoint
before=$(state)
run_full 100000 db backup "$T/backup.db"
expect_status 74
expect_out ""
expect_err "svcmgr: error: cannot write backup $T/backup.db: disk I/O error"
[ -e "$T/backup.db" ] && fail "a partial backup was left"
expect_intact "$before"

begin "a report --output on a full disk exits 74 and leaves the old report, no partial file"
mkdir "$T/reports"
printf 'yesterday\n' >"$T/reports/summary.csv"
# Another connection keeps the -shm as it is, so reading the database needs no new file space.
hold_open
# (Not run_full: its wait would wait for the holder too.)
full_disk 200 "$SVCMGR" report summary --format csv --output "$T/reports/summary.csv" \
    >"$T/out" 2>"$T/err" </dev/null
rc=$?
release_hold
expect_status 74
expect_err "svcmgr: error: cannot write the report to '$T/reports/summary.csv': File too large"
expect_eq "$(ls -A "$T/reports")" "summary.csv" "files"
expect_eq "$(cat "$T/reports/summary.csv")" "yesterday" "the old report"

begin "a list appended to a file on a full disk exits 74"
head -c 40000 /dev/zero >"$T/list.csv"
full_disk 40100 "$SVCMGR" ticket list --format csv >>"$T/list.csv" 2> >(cat >"$T/err")
rc=$?
wait
expect_status 74
expect_err "svcmgr: error: write error: File too large"

# Bad database files that test_database.sh does not cover.
begin "a database cut inside its header exits 66 and is left as it was"
head -c 50 "$DB" >"$T/short.db"
sum=$(md5sum <"$T/short.db")
run svcmgr --db "$T/short.db" ticket add "x" --customer "y"
expect_status 66
expect_err "svcmgr: error: cannot open database $T/short.db: database disk image is malformed"
expect_eq "$(md5sum <"$T/short.db")" "$sum" "checksum"
expect_eq "$(ls "$T"/short.db*)" "$T/short.db" "files"

begin "random bytes exit 66 and are left as they were"
head -c 8192 /dev/urandom >"$T/random.db"
sum=$(md5sum <"$T/random.db")
run svcmgr --db "$T/random.db" ticket add "x" --customer "y"
expect_status 66
expect_err "svcmgr: error: cannot open database $T/random.db: file is not a database"
expect_eq "$(md5sum <"$T/random.db")" "$sum" "checksum"

begin "a damaged page inside the ticket table: reads and writes exit 66, nothing written"
cp "$DB" "$T/damaged.db"
sqlite3 "$T/damaged.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
page=$(sqlite3 "$T/damaged.db" "SELECT max(pageno) FROM dbstat WHERE name = 'ticket'" 2>/dev/null)
if [ -z "$page" ]; then
    # Without the dbstat table, damage the page before the last.
    page=$(($(stat -c %s "$T/damaged.db") / 4096 - 1))
fi
python3 -c '
import sys
path, page = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek((page - 1) * 4096)
    f.write(b"\xff" * 4096)
' "$T/damaged.db" "$page"
sum=$(md5sum <"$T/damaged.db")
run svcmgr --db "$T/damaged.db" ticket list --format tsv
expect_status 66
expect_err_contains "database disk image is malformed"
run svcmgr --db "$T/damaged.db" ticket add "x" --customer "y"
expect_status 66
expect_err "svcmgr: error: database $T/damaged.db: database disk image is malformed"
expect_eq "$(md5sum <"$T/damaged.db")" "$sum" "checksum"
[ -s "$T/damaged.db-wal" ] && fail "wrote to the -wal of a damaged database"
# RECIPES.md suggests db check report corruption with 4; today it exits 66 like any command.
run svcmgr --db "$T/damaged.db" db check
[ "$rc" -eq 4 ] || [ "$rc" -eq 66 ] || fail "db check exited $rc, expected 4 or 66"
[ -s "$T/err" ] || fail "db check said nothing"

begin "a garbage -wal next to a good database is ignored: no data lost, writes work"
cp "$DB" "$T/wal.db"
sqlite3 "$T/wal.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
head -c 20000 /dev/urandom >"$T/wal.db-wal"
count=$(sql 'SELECT count(*) FROM ticket')
run svcmgr --db "$T/wal.db" ticket list --format tsv --columns id
expect_status 0
expect_eq "$(wc -l <"$T/out")" "$count" "tickets"
run svcmgr --db "$T/wal.db" ticket add "After the garbage" --customer "Åsa"
expect_status 0
expect_out "$((count + 1))"
run svcmgr --db "$T/wal.db" audit verify -q
expect_status 0

begin "a FIFO as --db: refused at once with 66, no hang, nothing created beside it"
mkfifo "$T/fifo.db"
run timeout 10 "$SVCMGR" --db "$T/fifo.db" ticket list
[ "$rc" -ne 124 ] || fail "svcmgr hung on a FIFO"
expect_status 66
expect_err "svcmgr: error: $T/fifo.db is a FIFO, not a database"
expect_eq "$(ls "$T"/fifo.db*)" "$T/fifo.db" "files"

begin "an error message to a full stderr still exits with the documented status"
"$SVCMGR" frobnicate 2>/dev/full
rc=$?
expect_status 2
"$SVCMGR" ticket list --format csv >/dev/full 2>/dev/full
rc=$?
expect_status 74

finish
