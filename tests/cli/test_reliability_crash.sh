#!/usr/bin/env bash
# Reliability under crashes (issue 8): svcmgr killed with SIGKILL at a random moment of a write
# leaves a sound database, and the killed command either happened completely or not at all:
# ticket writes, settings, stock consumed and received (a delivery that releases waiting tickets),
# the first command on a new database, and imports of thousands of tickets and ledger moves (one
# transaction each: after a kill the tables hold all of the file's rows or none of them).
#
# Each round starts one command, kills it after a random delay (0 to about its usual run time,
# measured for the imports on this machine and build), and checks the database: integrity_check,
# foreign keys, `audit verify`, `db check` and on_hand against the ledger. Rounds continue until
# at least MIN_KILLS commands, MIN_IMPORT_KILLS of them imports, were really killed (status 137):
# a round whose command finished first is still checked, but does not count. SVCMGR_TEST_SCALE
# (percent, set by CTest for the sanitizer build) asks for fewer kills and smaller imports
# (2000 tickets and 3000 moves at 100). RELIABILITY_SEED
# reproduces a run; the seed is printed.
#
# On tmpfs when there is one: SIGKILL ends a process, not the machine, so fsync is not under
# test here, and tmpfs keeps the suite fast.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm
. "$(dirname "$0")/lib.sh"

MIN_KILLS=${RELIABILITY_KILLS:-$(scaled 30)} || exit 1
MIN_IMPORT_KILLS=$(scaled 10) || exit 1
MAX_ROUNDS=$((MIN_KILLS * 4))
IMPORT_TICKETS=$(scaled 2000) || exit 1 # rows per ticket import
IMPORT_MOVES=$(scaled 3000) || exit 1   # rows per moves import (a multiple of 3)
seed=${RELIABILITY_SEED:-$(($(date +%s) % 32768))}
RANDOM=$seed
echo "crash: RELIABILITY_SEED=$seed" >&2

# kill_after MAX_US CMD...: runs CMD, kills it with SIGKILL after 0..MAX_US microseconds, and
# sets $rc to its status (137 when the kill landed). A python timer, since sleep(1) alone takes
# about as long as a small svcmgr command. Standard input comes from $T/in. When CMD ends first,
# its run time in microseconds goes to $T/took.
kill_after() {
    local delay=$((RANDOM * 32768 + RANDOM))
    delay=$((delay % ($1 + 1)))
    shift
    python3 - "$T" "$delay" "$@" <<'PY'
import signal, subprocess, sys, time
t, delay, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
with open(t + "/in") as i, open(t + "/out", "w") as o, open(t + "/err", "w") as e:
    start = time.monotonic()
    child = subprocess.Popen(argv, stdin=i, stdout=o, stderr=e)
    try:
        status = child.wait(timeout=delay / 1e6)
        with open(t + "/took", "w") as f:
            f.write(str(int((time.monotonic() - start) * 1e6)))
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        status = child.wait()
sys.exit(128 - status if status < 0 else status)
PY
    rc=$?
}

# The database is sound: SQLite's own checks, the audit chain and svcmgr's invariants.
check_sound() {
    expect_eq "$(sql 'PRAGMA integrity_check')" "ok" "integrity_check"
    expect_eq "$(sql 'PRAGMA foreign_key_check')" "" "foreign_key_check"
    local e
    e=$("$SVCMGR" audit verify -q 2>&1) || fail "audit verify: $e"
    e=$("$SVCMGR" db check -q 2>&1) || fail "db check: $e"
    expect_eq "$(sql 'SELECT count(*) FROM part p WHERE on_hand <>
        (SELECT coalesce(sum(qty), 0) FROM stock_move m WHERE m.part_id = p.id)')" "0" \
        "parts whose on_hand differs from the ledger"
}

# one_of ACTUAL WHAT ALLOWED...: ACTUAL is one of the allowed values.
one_of() {
    local actual="$1" what="$2" a
    shift 2
    for a in "$@"; do [ "$actual" = "$a" ] && return 0; done
    fail "$what was '$actual', expected one of: $*"
}

# all_or_nothing ACTUAL FULL NONE WHAT: after exit 0 ACTUAL is FULL; after a kill FULL or NONE.
all_or_nothing() {
    if [ "$rc" -eq 0 ]; then
        expect_eq "$1" "$2" "$4 after success"
    else
        one_of "$1" "$4 after status $rc" "$3" "$2"
    fi
}

# per_ticket_all_or_nothing IDS SQL_DONE SQL_HALF: verbs over several ids change each ticket in
# its own transaction (svcmgr-ticket(1)), in order. So each ticket is wholly changed (SQL_DONE
# true) or wholly untouched (SQL_HALF false too), the changed ones come first, and exit 0 means
# all of them. SQL_DONE and SQL_HALF are conditions on the ticket t.
per_ticket_all_or_nothing() {
    local in_list="${1% }"
    in_list=${in_list// /,}
    local flags
    flags=$(sql "SELECT group_concat(CASE WHEN $2 THEN 'Y' WHEN $3 THEN 'h' ELSE 'n' END, '')
        FROM (SELECT * FROM ticket t WHERE t.id IN ($in_list) ORDER BY t.id) t")
    [[ "$flags" =~ ^Y*n*$ ]] || fail "per ticket (Y done, n untouched, h half done): $flags"
    if [ "$rc" -eq 0 ]; then
        [[ "$flags" =~ ^Y*$ ]] || fail "exit 0 but not every ticket changed: $flags"
    fi
}

: >"$T/in"
"$SVCMGR" ticket list >/dev/null
"$SVCMGR" inventory add SCREEN --name 'Näyttö 15"' --unit-cost 10.00 >/dev/null
"$SVCMGR" inventory receive SCREEN 100000 --unit-cost 10.00 >/dev/null
"$SVCMGR" inventory add BULK --name 'Ruuvi M3' --unit-cost 0.05 >/dev/null
bulk_ticket=$("$SVCMGR" ticket add "Uses screws" --customer "Batch")

# make_batch N: creates N tickets for customer "Batch" and prints their ids on one line.
make_batch() {
    local i
    for i in $(seq 1 "$1"); do "$SVCMGR" ticket add "Batch ticket $i" --customer "Batch"; done | tr '\n' ' '
}

# Round kinds. Each one sets up, kills, and checks that the command was all or nothing.
round_add() { # a new ticket with a new customer: customer, ticket, events and audit rows together
    local r="$1" audit0 events0
    audit0=$(sql 'SELECT count(*) FROM audit')
    events0=$(sql 'SELECT count(*) FROM ticket_event')
    kill_after 4000 "$SVCMGR" ticket add "Crash $r" --customer "Crash customer $r" \
        --description "Round $r: $(printf 'ä%.0s' $(seq 1 200))"
    local state
    state=$(sql "SELECT (SELECT count(*) FROM ticket WHERE title = 'Crash $r') || '/' ||
        (SELECT count(*) FROM customer WHERE name = 'Crash customer $r') || '/' ||
        ((SELECT count(*) FROM ticket_event) - $events0) || '/' ||
        ((SELECT count(*) FROM audit) - $audit0)")
    all_or_nothing "$state" "1/1/1/2" "0/0/0/0" "tickets/customers/events/audit rows"
    if [ "$rc" -eq 0 ]; then
        expect_eq "$(cat "$T/out")" "$(sql "SELECT id FROM ticket WHERE title = 'Crash $r'")" "printed id"
    fi
}

# Conditions on ticket t: its status event and its audit record for ACTION exist.
has_event() { echo "EXISTS (SELECT 1 FROM ticket_event e WHERE e.ticket_id = t.id AND e.kind = 'status' AND e.new_value = '$1')"; }
has_audit() { echo "EXISTS (SELECT 1 FROM audit a WHERE a.entity = 'ticket' AND a.entity_id = CAST(t.id AS TEXT) AND a.action = '$1')"; }

round_start() { # one command starting 40 tickets, each in its own transaction
    local ids
    ids=$(make_batch 40)
    # shellcheck disable=SC2086
    kill_after 12000 "$SVCMGR" ticket start $ids
    per_ticket_all_or_nothing "$ids" \
        "t.status = 'in_progress' AND $(has_event in_progress) AND $(has_audit start)" \
        "t.status = 'in_progress' OR $(has_event in_progress) OR $(has_audit start)"
}

round_close() { # one command closing 40 resolved tickets, ids from standard input
    local ids
    ids=$(make_batch 40)
    # shellcheck disable=SC2086
    "$SVCMGR" ticket resolve $ids --cause hardware
    # shellcheck disable=SC2086
    printf '%s\n' $ids >"$T/in"
    kill_after 12000 "$SVCMGR" ticket close - --satisfaction 5
    : >"$T/in"
    per_ticket_all_or_nothing "$ids" \
        "t.status = 'closed' AND t.satisfaction = 5 AND t.closed_at IS NOT NULL
         AND $(has_event closed) AND $(has_audit close)" \
        "t.status = 'closed' OR t.satisfaction IS NOT NULL OR t.closed_at IS NOT NULL
         OR $(has_event closed) OR $(has_audit close)"
}

round_setting() {
    local r="$1" before
    before=$(sql "SELECT count(*) FROM audit WHERE entity = 'setting'")
    kill_after 3500 "$SVCMGR" config set hourly_cost "$r.50"
    local state
    state=$(sql "SELECT (SELECT count(*) FROM setting WHERE key = 'hourly_cost' AND value LIKE '$r.5%')
        || '/' || ((SELECT count(*) FROM audit WHERE entity = 'setting') - $before)")
    all_or_nothing "$state" "1/1" "0/0" "setting/audit rows"
}

round_consume() { # a stock move: on_hand, the ledger and the audit trail together
    local id before
    id=$("$SVCMGR" ticket add "Needs a screen" --customer "Batch")
    "$SVCMGR" ticket start "$id"
    before=$(sql "SELECT on_hand || ',' || (SELECT count(*) FROM stock_move) || ',' ||
        (SELECT count(*) FROM audit) FROM part WHERE sku = 'SCREEN'")
    kill_after 4000 "$SVCMGR" inventory consume SCREEN 3 --ticket "$id"
    local on_hand0=${before%%,*} rest=${before#*,}
    local moves0=${rest%%,*} audit0=${rest#*,} state
    state=$(sql "SELECT ($on_hand0 - on_hand) || '/' || ((SELECT count(*) FROM stock_move) - $moves0)
        || '/' || ((SELECT count(*) FROM audit) - $audit0) FROM part WHERE sku = 'SCREEN'")
    all_or_nothing "$state" "3/1/1" "0/0/0" "stock drop/moves/audit rows"
}

round_receive() { # a delivery that releases 3 waiting tickets: one transaction for all of it
    local r="$1" ids="" i id sku="PANEL$1" state
    "$SVCMGR" inventory add "$sku" --name "Paneeli $r" --unit-cost 5.00 >/dev/null
    for i in 1 2 3; do
        id=$("$SVCMGR" ticket add "Waits for $sku ($i)" --customer "Batch")
        "$SVCMGR" ticket need "$id" "$sku" 2 >/dev/null 2>&1
        ids+="$id,"
    done
    ids=${ids%,}
    local audit0
    audit0=$(sql 'SELECT count(*) FROM audit')
    kill_after 5000 "$SVCMGR" inventory receive "$sku" 6 --unit-cost 7.00 --release
    # on_hand / unit cost / moves / tickets in progress / reservations / audit rows
    state=$(sql "SELECT p.on_hand || '/' || p.unit_cost || '/' ||
        (SELECT count(*) FROM stock_move m WHERE m.part_id = p.id) || '/' ||
        (SELECT count(*) FROM ticket WHERE id IN ($ids) AND status = 'in_progress') || '/' ||
        (SELECT count(*) FROM ticket_part tp WHERE tp.part_id = p.id AND tp.state = 'reserved') || '/' ||
        ((SELECT count(*) FROM audit) - $audit0) FROM part p WHERE p.sku = '$sku'")
    all_or_nothing "$state" "6/700/1/3/3/4" "0/500/0/0/0/0" \
        "on_hand/unit cost/moves/tickets in progress/reservations/audit rows"
}

round_new_database() { # the first command on a new database: a kill may leave a zero-byte file
    local r="$1" db="$T/fresh.$1.db"
    kill_after 4500 "$SVCMGR" --db "$db" ticket add "First $r" --customer "Ni Luh"
    local first=$rc
    if [ -e "$db" ]; then
        run svcmgr --db "$db" ticket list --format tsv --columns title
        expect_status 0
        if [ "$first" -eq 0 ]; then expect_out "First $r"; else one_of "$(out)" "titles" "" "First $r"; fi
        run svcmgr --db "$db" ticket add "Second $r" --customer "Ni Luh"
        expect_status 0
        run svcmgr --db "$db" audit verify -q
        expect_status 0
        expect_eq "$(sqlite3 "$db" 'PRAGMA integrity_check')" "ok" "integrity_check of $db"
    else
        [ "$first" -ne 0 ] || fail "exit 0 without a database"
    fi
    rc=$first
}

# Imports. Each round imports a new file (titles and customers named after the round), so a
# completed import adds exactly the file's rows. The first import of each kind runs to the end
# and sets what a completed one adds and how long it takes; later ones are killed within that time.
# Each KIND (tickets, moves) has KIND_file R, writing its file, and KIND_state R, the counts that
# a completed import changes.
#
# tickets_file R: IMPORT_TICKETS tickets for 10 new customers, in $T/import.csv, with ids from
# the next free one; and their creation events in $T/events.csv, imported (not killed) after a
# completed ticket import, as a move from another system would carry its history.
tickets_file() {
    local first
    first=$(($(sql 'SELECT coalesce(max(id), 0) FROM ticket') + 1))
    awk -v r="$1" -v n="$IMPORT_TICKETS" -v f="$first" 'BEGIN {
        print "id,title,customer,priority,category,created_at,description"
        for (i = 1; i <= n; i++)
            printf "%d,Imported %d.%d,Import %d customer %d,%s,repair,2026-03-01T10:00:00Z,\"Round %d, row %d: ei käynnisty\nenää\"\n",
                f + i - 1, r, i, r, i % 10, (i % 3 ? "normal" : "high"), r, i
    }' >"$T/import.csv"
    awk -v n="$IMPORT_TICKETS" -v f="$first" 'BEGIN {
        print "ticket_id,at,actor,kind"
        for (i = 0; i < n; i++) printf "%d,2026-03-01T10:00:00Z,importer,created\n", f + i
    }' >"$T/events.csv"
}
# moves_file R: IMPORT_MOVES ledger moves of BULK (receive 5, consume 2 for a ticket, adjust -1:
# +2 on hand per three rows), in $T/import.csv.
moves_file() {
    awk -v r="$1" -v n="$IMPORT_MOVES" -v t="$bulk_ticket" 'BEGIN {
        print "at,sku,kind,qty,ticket_id,unit_cost,actor,note"
        for (i = 1; i <= n; i++) {
            k = i % 3
            printf "2026-03-%02dT%02d:%02d:00Z,BULK,%s,%d,%s,0.05,importer,round %d row %d\n",
                1 + i % 28, i % 24, i % 60, (k == 1 ? "receive" : k == 2 ? "consume" : "adjust"),
                (k == 1 ? 5 : k == 2 ? -2 : -1), (k == 2 ? t : ""), r, i
        }
    }' >"$T/import.csv"
}
tickets_state() {
    sql "SELECT (SELECT count(*) FROM ticket WHERE title LIKE 'Imported $1.%') || '/' ||
        (SELECT count(*) FROM customer WHERE name LIKE 'Import $1 customer %') || '/' ||
        (SELECT count(*) FROM ticket) || '/' || (SELECT count(*) FROM audit)"
}
moves_state() {
    sql "SELECT (SELECT count(*) FROM stock_move WHERE note LIKE 'round $1 row %') || '/' ||
        (SELECT count(*) FROM stock_move) || '/' ||
        (SELECT on_hand FROM part WHERE sku = 'BULK') || '/' || (SELECT count(*) FROM audit)"
}
# Per kind: the verb, what KIND_state counts, and what a completed import adds to its counts
# other than the audit rows (at least one).
declare -A import_verb=([tickets]="ticket import" [moves]="inventory moves import")
declare -A import_what=([tickets]="tickets of the file/customers of the file/tickets/audit rows"
    [moves]="moves of the file/moves/on hand/audit rows")
declare -A import_adds=([tickets]="$IMPORT_TICKETS/10/$IMPORT_TICKETS"
    [moves]="$IMPORT_MOVES/$IMPORT_MOVES/$((IMPORT_MOVES * 2 / 3))")

# state_op OP STATE DELTAS: STATE's /-separated fields plus or minus (OP + or -) DELTAS'.
state_op() {
    local IFS=/ a b out="" i sign=1
    [ "$1" = - ] && sign=-1
    read -ra a <<<"$2"
    read -ra b <<<"$3"
    for i in "${!a[@]}"; do out+="$((a[i] + sign * b[i]))/"; done
    echo "${out%/}"
}

# round_import KIND R: imports KIND_file R, killed unless it is the first of its kind.
declare -A import_us=() import_delta=()
round_import() {
    local kind="$1" r="$2" before after verb
    read -ra verb <<<"${import_verb[$kind]}"
    "${kind}_file" "$r"
    before=$("${kind}_state" "$r")
    if [ -z "${import_us[$kind]:-}" ]; then # the first one of its kind: no kill
        local t0=${EPOCHREALTIME/./}
        run svcmgr -q "${verb[@]}" "$T/import.csv"
        import_us[$kind]=$((${EPOCHREALTIME/./} - t0))
        expect_status 0
        echo "crash: a $kind import takes $((import_us[$kind] / 1000)) ms" >&2
    else
        rm -f "$T/took"
        kill_after "${import_us[$kind]}" "$SVCMGR" -q "${verb[@]}" "$T/import.csv"
        # Finished before the kill: the machine is faster now, kill within this run time next.
        [ -s "$T/took" ] && import_us[$kind]=$(cat "$T/took")
    fi
    after=$("${kind}_state" "$r")
    if [ -z "${import_delta[$kind]:-}" ]; then
        import_delta[$kind]=$(state_op - "$after" "$before")
        [[ "${import_delta[$kind]}" =~ ^${import_adds[$kind]}/[1-9][0-9]*$ ]] ||
            fail "a completed $kind import added ${import_delta[$kind]} (${import_what[$kind]})"
    fi
    all_or_nothing "$after" "$(state_op + "$before" "${import_delta[$kind]}")" "$before" \
        "${import_what[$kind]}"
    if [ "$kind" = tickets ] && [ "${after%%/*}" = "$IMPORT_TICKETS" ]; then
        local killed=$rc
        run svcmgr -q ticket events import "$T/events.csv"
        expect_status 0
        rc=$killed
    fi
    rm -f "$T/import.csv" "$T/events.csv"
}

kinds=(add import_tickets start setting import_moves close new_database import_tickets consume
    receive import_moves)

kills=0
import_kills=0
rounds=0
declare -A kinds_killed=()
while [ "$kills" -lt "$MIN_KILLS" ] || [ "$import_kills" -lt "$MIN_IMPORT_KILLS" ]; do
    [ "$rounds" -lt "$MAX_ROUNDS" ] || break
    rounds=$((rounds + 1))
    kind=${kinds[$((rounds % ${#kinds[@]}))]}
    begin "round $rounds: kill -9 during $kind leaves a sound database and an all-or-nothing write"
    case "$kind" in
    import_*) round_import "${kind#import_}" "$rounds" ;;
    *) "round_$kind" "$rounds" ;;
    esac
    case "$rc" in
    137)
        kills=$((kills + 1))
        kinds_killed[$kind]=$((${kinds_killed[$kind]:-0} + 1))
        [[ "$kind" == import_* ]] && import_kills=$((import_kills + 1))
        ;;
    0) ;;
    *) fail "the command exited $rc: $(head -c 300 "$T/err")" ;;
    esac
    check_sound
done

begin "at least $MIN_KILLS commands were killed while running, $MIN_IMPORT_KILLS of them imports"
echo "crash: $kills kills in $rounds rounds (by kind: $(for k in "${!kinds_killed[@]}"; do printf '%s=%s ' "$k" "${kinds_killed[$k]}"; done))" >&2
[ "$kills" -ge "$MIN_KILLS" ] || fail "only $kills of $rounds rounds killed the command"
[ "$import_kills" -ge "$MIN_IMPORT_KILLS" ] || fail "only $import_kills kills landed during an import"

begin "after all the kills the database still takes writes and verifies"
run svcmgr ticket add "After the crashes" --customer "Åsa Öberg"
expect_status 0
run svcmgr audit verify
expect_status 0
run svcmgr db check
expect_status 0
expect_out ""
expect_err "ok"

finish
