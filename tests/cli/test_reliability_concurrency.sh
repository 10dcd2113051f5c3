#!/usr/bin/env bash
# Reliability under concurrent use (issue 8): many processes writing at once lose nothing, never
# see "database is locked", and a writer that cannot get the lock in time exits 75 having written
# nothing.
#
# On PostgreSQL (SVCMGR_TEST_DB) every process writes through its own connection, and the lock
# holders hold the server's writer lock (pg_advisory_xact_lock) or lock svcmgr_schema, which
# every run reads when it connects, instead of SQLite's file locks; the expected results are the
# same. SQLite-only: its integrity_check and foreign_key_check of the file.
#
# The database lives on tmpfs when there is one: these cases are about locking, not about fsync,
# and the disk's fsync latency would otherwise dominate the wall time.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm
. "$(dirname "$0")/lib.sh"

# 8 processes x 25 cycles of 8 writes on one ticket = 200 writes per process. SVCMGR_TEST_SCALE
# (percent, set by CTest for the sanitizer build) runs fewer cycles, never fewer processes.
WORKERS=${RELIABILITY_WORKERS:-8}
CYCLES=$(scaled 25) || exit 1
HURRIED=$(scaled 40) || exit 1 # adds per process with a 1 ms busy timeout

# op LOG CMD...: runs one svcmgr command; any failure is appended to LOG with its status and stderr.
op() {
    local log="$1"
    shift
    local e s
    e=$("$SVCMGR" "$@" 2>&1 >"$log.out")
    s=$?
    if [ "$s" -ne 0 ] || [ -n "$e" ]; then
        printf 'status %d: svcmgr %s: %s\n' "$s" "$*" "$e" >>"$log"
    fi
    return "$s"
}

# One worker: CYCLES tickets, each taken through 8 writes from creation to closure.
worker() {
    local w="$1" log="$T/worker.$1.log" c id
    : >"$log"
    for c in $(seq 1 "$CYCLES"); do
        op "$log" ticket add "Worker $w ticket $c" --customer "Customer $w" --priority high || continue
        id=$(cat "$log.out")
        echo "$id" >>"$T/worker.$w.ids"
        op "$log" ticket comment "$id" --inbound -m "Still broken ($w.$c)"
        op "$log" ticket start "$id"
        op "$log" inventory consume SCREEN 2 --ticket "$id"
        op "$log" inventory receive SCREEN 1 --unit-cost 10.00 --note "w$w c$c"
        op "$log" ticket comment "$id" --reply -m "Fixed ($w.$c)" --minutes 5
        op "$log" ticket resolve "$id" --cause hardware --not-preventable
        op "$log" ticket close "$id" --satisfaction 4
    done
}

# The (all) row of `report summary` as "opened closed".
summary_totals() {
    awk -F '\t' '$1 == "(all)" && $2 == "(all)" { print $3, $5 }' "$1"
}

# The reader: lists, reports and verifies while the workers run, until $T/stop appears. The
# number of tickets a list shows, and those the summary report counts opened and closed, may
# only grow.
reader() {
    local log="$T/reader.log" last=0 n rounds=0 totals opened closed last_opened=0 last_closed=0
    : >"$log"
    while [ ! -e "$T/stop" ]; do
        if op "$log" ticket list --format tsv --columns id,status; then
            n=$(wc -l <"$log.out")
            [ "$n" -ge "$last" ] || echo "ticket list went from $last to $n rows" >>"$log"
            last=$n
        fi
        op "$log" audit verify -q
        op "$log" inventory list --format tsv
        if op "$log" report summary --format tsv; then
            totals=$(summary_totals "$log.out")
            opened=${totals% *} closed=${totals#* }
            if [ -z "$totals" ] || [ "$opened" -lt "$last_opened" ] || [ "$closed" -lt "$last_closed" ]; then
                echo "report summary went from $last_opened/$last_closed to '$totals'" >>"$log"
            fi
            last_opened=${opened:-0} last_closed=${closed:-0}
        fi
        op "$log" report inventory --format tsv
        rounds=$((rounds + 1))
    done
    echo "$rounds" >"$T/reader.rounds"
}

"$SVCMGR" ticket list >/dev/null # creates the database
"$SVCMGR" inventory add SCREEN --name 'Näyttö 15"' --unit-cost 10.00 >/dev/null
"$SVCMGR" inventory receive SCREEN 1000 --unit-cost 10.00 >/dev/null
audit_before=$(sql 'SELECT count(*) FROM audit')

begin "$WORKERS processes x $((CYCLES * 8)) mixed writes and a reader of lists and reports: every command succeeds"
start=$(date +%s)
reader &
reader_pid=$!
pids=()
for w in $(seq 1 "$WORKERS"); do
    worker "$w" &
    pids+=($!)
done
wait "${pids[@]}"
touch "$T/stop"
wait "$reader_pid"
elapsed=$(($(date +%s) - start))
for w in $(seq 1 "$WORKERS"); do
    [ -s "$T/worker.$w.log" ] && fail "worker $w: $(head -c 600 "$T/worker.$w.log")"
done
[ -s "$T/reader.log" ] && fail "reader: $(head -c 600 "$T/reader.log")"
cat "$T"/worker.*.log "$T/reader.log" | grep -qi 'locked' && fail "someone saw 'database is locked'"
[ "$(cat "$T/reader.rounds")" -ge 1 ] || fail "the reader never ran"
echo "concurrency: $((WORKERS * CYCLES * 8)) writes and $(cat "$T/reader.rounds") reader rounds in ${elapsed}s" >&2

total=$((WORKERS * CYCLES))
begin "no write was lost: the exact ticket count, each ticket closed once with its history"
expect_eq "$(sql 'SELECT count(*) FROM ticket')" "$total" "tickets"
expect_eq "$(cat "$T"/worker.*.ids | sort -n | uniq | wc -l)" "$total" "distinct ids printed"
expect_eq "$(cat "$T"/worker.*.ids | sort -n | tr '\n' ' ')" "$(seq -s ' ' 1 "$total") " "ids"
expect_eq "$(sql "SELECT count(*) FROM ticket WHERE status = 'closed' AND satisfaction = 4
    AND resolved_at IS NOT NULL AND closed_at IS NOT NULL AND cause = 'hardware'")" "$total" "closed tickets"
expect_eq "$(sql 'SELECT count(DISTINCT title) FROM ticket')" "$total" "distinct titles"
expect_eq "$(sql 'SELECT count(*) FROM customer')" "$WORKERS" "customers"
expect_eq "$(sql "SELECT count(*) FROM ticket_event WHERE kind = 'inbound'")" "$total" "inbound messages"
expect_eq "$(sql "SELECT count(*) FROM ticket_event WHERE kind = 'reply'")" "$total" "replies"
expect_eq "$(sql "SELECT sum(minutes) FROM ticket_event")" "$((total * 5))" "minutes"
# Every ticket went new -> in_progress -> resolved -> closed, in that order.
status_n() {
    echo "(SELECT new_value FROM ticket_event e WHERE e.ticket_id = t.id AND e.kind = 'status'
        ORDER BY e.id LIMIT 1 OFFSET $1)"
}
expect_eq "$(sql "SELECT count(*) FROM ticket t WHERE $(status_n 0) = 'in_progress'
    AND $(status_n 1) = 'resolved' AND $(status_n 2) = 'closed' AND $(status_n 3) IS NULL")" \
    "$total" "status paths"
# Each worker's tickets were created in its own order.
for w in $(seq 1 "$WORKERS"); do
    got=$(sql "SELECT group_concat(title, '|') FROM (SELECT title FROM ticket
        WHERE title LIKE 'Worker $w ticket %' ORDER BY id) AS w")
    want=$(for c in $(seq 1 "$CYCLES"); do printf 'Worker %d ticket %d|' "$w" "$c"; done)
    expect_eq "$got" "${want%|}" "worker $w's titles in order"
done

begin "the summary report afterwards counts every ticket opened and closed"
run svcmgr report summary --format tsv
expect_status 0
expect_eq "$(summary_totals "$T/out")" "$total $total" "opened and closed"

begin "stock: on_hand equals the ledger and every move is there"
expect_eq "$(sql "SELECT on_hand FROM part WHERE sku = 'SCREEN'")" "$((1000 - total))" "on_hand"
expect_eq "$(sql "SELECT sum(qty) FROM stock_move m JOIN part p ON p.id = m.part_id
    WHERE p.sku = 'SCREEN'")" "$((1000 - total))" "ledger sum"
expect_eq "$(sql "SELECT count(*) FROM part p WHERE on_hand <>
    (SELECT coalesce(sum(qty), 0) FROM stock_move m WHERE m.part_id = p.id)")" "0" \
    "parts whose on_hand differs from the ledger"
expect_eq "$(sql "SELECT count(*) FROM stock_move WHERE kind = 'consume' AND qty = -2")" "$total" "consumptions"
expect_eq "$(sql "SELECT count(*) FROM stock_move WHERE kind = 'receive'")" "$((total + 1))" "receipts"
expect_eq "$(sql "SELECT count(DISTINCT ticket_id) FROM stock_move WHERE kind = 'consume'")" "$total" "tickets with parts"

begin "the audit trail has one record per write, and verifies"
# Per ticket: create, 2 comments, start, resolve, close, and 2 stock moves.
expect_eq "$(sql "SELECT count(*) FROM audit WHERE seq > $audit_before AND entity = 'ticket'")" \
    "$((total * 6))" "ticket audit rows"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE seq > $audit_before AND entity = 'part'")" \
    "$((total * 2))" "part audit rows"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE seq > $audit_before")" \
    "$((total * 8 + WORKERS))" "audit rows"
run svcmgr audit verify
expect_status 0
expect_out ""
expect_eq "$(sed -E 's/[0-9]+/N/g' "$T/err")" "ok: N audit rows, N records match" "stderr"
run svcmgr db check
expect_status 0
expect_out ""
expect_err "ok"
if ! on_postgres; then
    expect_eq "$(sql 'PRAGMA integrity_check')" "ok" "integrity_check"
    expect_eq "$(sql 'PRAGMA foreign_key_check')" "" "foreign_key_check"
fi

begin "processes racing for the last parts: exactly the stock is consumed, never below zero"
"$SVCMGR" inventory add LAST --name "Last parts" --unit-cost 5.00 >/dev/null
"$SVCMGR" inventory receive LAST 10 --unit-cost 5.00 >/dev/null
race_ticket=$("$SVCMGR" ticket add "Race for parts" --customer "Customer 1")
for w in 1 2 3 4; do
    (
        for i in 1 2 3 4 5; do
            "$SVCMGR" inventory consume LAST 1 --ticket "$race_ticket" >/dev/null 2>"$T/race.$w.$i.err"
            echo "$?" >>"$T/race-status.$w"
        done
    ) &
done
wait
expect_eq "$(cat "$T"/race-status.* | sort | uniq -c | awk '{ print $2 ":" $1 }' | tr '\n' ' ')" "0:10 1:10 " \
    "exit statuses"
expect_eq "$(cat "$T"/race.*.err | sort | uniq -c | sed 's/^ *//')" \
    "10 svcmgr: error: not enough 'LAST' in stock: 0 available to ticket $race_ticket, 1 asked" \
    "refusals"
expect_eq "$(sql "SELECT on_hand FROM part WHERE sku = 'LAST'")" "0" "on_hand"
expect_eq "$(sql "SELECT sum(qty) FROM stock_move m JOIN part p ON p.id = m.part_id
    WHERE p.sku = 'LAST'")" "0" "ledger sum"
expect_eq "$(sql "SELECT count(*) FROM stock_move m JOIN part p ON p.id = m.part_id
    WHERE p.sku = 'LAST' AND m.kind = 'consume'")" "10" "consumptions"
run svcmgr audit verify -q
expect_status 0


ids=$(for i in 1 2 3 4 5; do "$SVCMGR" ticket add "Blocked $i" --customer "Customer 1"; done | tr '\n' ' ')
# shellcheck disable=SC2086
"$SVCMGR" ticket start $ids
snapshot() {
    sql "SELECT count(*) FROM audit; SELECT count(*) FROM ticket_event;
         SELECT group_concat(id || status, ',') FROM (SELECT * FROM ticket ORDER BY id) AS t;
         SELECT coalesce(sum(on_hand), 0) FROM part;
         SELECT count(*) FROM stock_move"
}

begin "a multi-ticket write blocked past --busy-timeout exits 75 and changes none of them"
before=$(snapshot)
hold_write_lock
# shellcheck disable=SC2086
run svcmgr --busy-timeout 300ms ticket resolve $ids --cause hardware
release_hold
expect_status 75
expect_out ""
expect_err "svcmgr: error: database $DB: busy past the timeout
hint: another svcmgr is writing; try again, or raise --busy-timeout"
expect_eq "$(snapshot)" "$before" "database state"

begin "ids from standard input, blocked past the timeout: 75 and nothing written"
hold_write_lock
run_in "$(echo "$ids" | tr ' ' '\n')" svcmgr --busy-timeout 200ms ticket wait - --for customer
release_hold
expect_status 75
expect_eq "$(snapshot)" "$before" "database state"

begin "a blocked stock move exits 75: on_hand and the ledger unchanged"
hold_write_lock
run svcmgr --busy-timeout 200ms inventory consume SCREEN 1 --ticket "${ids%% *}"
release_hold
expect_status 75
run svcmgr --busy-timeout 200ms inventory receive SCREEN 3 --unit-cost 11.00
expect_status 0
expect_eq "$(sql "SELECT on_hand FROM part WHERE sku = 'SCREEN'")" "$((1000 - total + 3))" "on_hand"
hold_write_lock
run svcmgr --busy-timeout 200ms inventory receive SCREEN 3 --unit-cost 11.00
release_hold
expect_status 75
expect_eq "$(sql "SELECT on_hand FROM part WHERE sku = 'SCREEN'")" "$((1000 - total + 3))" "on_hand"
expect_eq "$(sql "SELECT count(*) FROM stock_move WHERE qty = 3")" "1" "receipts of 3"

begin "busy while opening (another process holds the database exclusively): the same 75"
before=$(snapshot)
hold_exclusive
run svcmgr --busy-timeout 200ms ticket list
expect_status 75
expect_out ""
expect_err "svcmgr: error: database $DB: busy past the timeout
hint: another svcmgr is writing; try again, or raise --busy-timeout"
run svcmgr --busy-timeout 200ms ticket add "Never written" --customer "Customer 1"
expect_status 75
expect_err "svcmgr: error: database $DB: busy past the timeout
hint: another svcmgr is writing; try again, or raise --busy-timeout"
release_hold
expect_eq "$(snapshot)" "$before" "database state"

# Under real contention with a 1 ms timeout some writes give up: each one either fully happened
# (status 0, its id printed, its row there) or did not happen at all (status 75, no row).
begin "with a tiny --busy-timeout every write is all or nothing: 0 with its row, or 75 without"
tickets_before=$(sql 'SELECT count(*) FROM ticket')
audit_rows_before=$(sql 'SELECT count(*) FROM audit')
for w in 1 2 3 4; do
    (
        for i in $(seq 1 "$HURRIED"); do
            "$SVCMGR" --busy-timeout 1ms ticket add "Hurried $w.$i" --customer "Customer $w" \
                >"$T/h.$w.$i.out" 2>"$T/h.$w.$i.err"
            echo "$w.$i $?" >>"$T/hurried.$w"
        done
    ) &
done
wait
ok=0
busy=0
while read -r key status; do
    case "$status" in
    0)
        ok=$((ok + 1))
        id=$(cat "$T/h.$key.out")
        expect_eq "$(sql "SELECT title FROM ticket WHERE id = '$id'")" "Hurried $key" "ticket $id"
        ;;
    75)
        busy=$((busy + 1))
        expect_eq "$(cat "$T/h.$key.out")" "" "stdout of a busy add"
        # Busy while opening (reading the schema) or while writing: the same message.
        expect_eq "$(cat "$T/h.$key.err")" "svcmgr: error: database $DB: busy past the timeout
hint: another svcmgr is writing; try again, or raise --busy-timeout" "stderr of a busy add"
        expect_eq "$(sql "SELECT count(*) FROM ticket WHERE title = 'Hurried $key'")" "0" "rows of $key"
        ;;
    *) fail "ticket add $key exited $status: $(cat "$T/h.$key.err")" ;;
    esac
done < <(cat "$T"/hurried.*)
expect_eq "$((ok + busy))" "$((4 * HURRIED))" "commands"
expect_eq "$(sql 'SELECT count(*) FROM ticket')" "$((tickets_before + ok))" "tickets"
expect_eq "$(sql 'SELECT count(*) FROM audit')" "$((audit_rows_before + ok))" "audit rows"
echo "hurried adds: $ok committed, $busy gave up with 75" >&2
run svcmgr audit verify -q
expect_status 0
run svcmgr db check -q
expect_status 0

finish
