#!/usr/bin/env bash
# The audit trail: every change recorded, hash-chained, and tampering behind svcmgr's back caught.
# Runs on SQLite and on PostgreSQL (SVCMGR_TEST_DB): the tampering goes through lib.sh's sql,
# which runs the same SQL with sqlite3 or psql, and the expected outputs are the same.
# SQLite-only: the db backup cases (db backup copies a SQLite file; a server is backed up with
# pg_dump).
. "$(dirname "$0")/lib.sh"

seed() {
    svcmgr ticket add "Fakturan dras två gånger" --customer "Åsa Öberg" --email asa@example.se \
        --category billing >/dev/null
    svcmgr ticket add "Ekraan vilgub" --customer "Jüri Tamm" --category repair >/dev/null
    svcmgr ticket comment 1 --reply -m "Återbetalning skickad" >/dev/null
    svcmgr ticket resolve 1 --cause billing-double-charge --preventable >/dev/null
    svcmgr config set hourly_cost 42.50 >/dev/null
}

fresh() {
    reset_db
    seed
}

# Tampering needs the triggers out of the way first, as an attacker would do.
drop_triggers() {
    if on_postgres; then
        sql "DROP TRIGGER audit_no_update ON audit; DROP TRIGGER audit_no_delete ON audit;"
    else
        sql "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
    fi
}

# The hash of audit row $1 (from audit log --format jsonl) with its actor set to $2, as svcmgr
# would compute it.
rehash_with_actor() {
    svcmgr audit log --format jsonl | python3 -c '
import calendar, hashlib, json, sys, time
seq, actor = int(sys.argv[1]), sys.argv[2]
for line in sys.stdin:
    r = json.loads(line)
    if r["seq"] != seq:
        continue
    at = calendar.timegm(time.strptime(r["at"], "%Y-%m-%dT%H:%M:%SZ"))
    row = {"seq": seq, "at": at, "actor": actor, "action": r["action"], "entity": r["entity"],
           "entity_id": r["entity_id"], "change": r["change"]}
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    print(hashlib.sha256((r["prev_hash"] + text).encode()).hexdigest())
' "$1" "$2"
}

fresh

begin "every change wrote one audit row"
expect_eq "$(sql "SELECT group_concat(action || ' ' || entity || ':' || entity_id, ', ')
    FROM (SELECT * FROM audit ORDER BY seq) AS a")" \
    "create customer:1, create ticket:1, create customer:2, create ticket:2, comment ticket:1, resolve ticket:1, set setting:hourly_cost"

begin "audit verify passes on an untouched database"
run svcmgr audit verify
expect_status 0
expect_out ""
expect_err "ok: 7 audit rows, 5 records match"

begin "audit head prints SEQ HASH of the newest row"
run svcmgr audit head
expect_status 0
expect_eq "$(out)" "7 $(sql 'SELECT hash FROM audit WHERE seq = 7')"

begin "the chain can be verified by an independent script (JCS, genesis of 64 zeros)"
svcmgr audit log --format jsonl >"$T/log.jsonl"
cat >"$T/verify.py" <<'PY'
import hashlib, json, sys
prev = "0" * 64
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    assert r["prev_hash"] == prev, r["seq"]
    import calendar, time
    at = calendar.timegm(time.strptime(r["at"], "%Y-%m-%dT%H:%M:%SZ"))
    row = {"seq": r["seq"], "at": at, "actor": r["actor"], "action": r["action"],
           "entity": r["entity"], "entity_id": r["entity_id"], "change": r["change"]}
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert json.dumps(json.loads(r["change"]), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False) == r["change"], r["seq"]
    h = hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
    assert h == r["hash"], (r["seq"], h, r["hash"])
    prev = h
print("verified")
PY
run python3 "$T/verify.py" "$T/log.jsonl"
expect_status 0
expect_out "verified"

begin "audit log filters by entity, actor and action"
run svcmgr audit log --entity ticket:1 --format tsv
expect_eq "$(cut -f1,4 "$T/out" | tr '\t\n' ' ,')" "2 create,5 comment,6 resolve,"
run svcmgr --actor someone-else audit log --actor tester --action set --format csv
expect_eq "$(cut -d, -f1,3,4,5,6 "$T/out" | tr '\n' '|')" \
    "seq,actor,action,entity,entity_id|7,tester,set,setting,hourly_cost|"

begin "audit log rejects a malformed entity with exit 2"
run svcmgr audit log --entity ticket
expect_status 2
expect_err "svcmgr: error: invalid entity 'ticket': expected KIND:ID such as ticket:42"

begin "the triggers refuse UPDATE and DELETE on the audit table"
run sql "UPDATE audit SET actor = 'x' WHERE seq = 1"
expect_err_contains "the audit trail is append-only"
run sql "DELETE FROM audit WHERE seq = 1"
expect_err_contains "the audit trail is append-only"
expect_eq "$(sql 'SELECT count(*) FROM audit')" "7"

begin "attack: a raw UPDATE of a ticket is caught and named"
sql "UPDATE ticket SET status = 'closed' WHERE id = 2"
run svcmgr audit verify
expect_status 4
expect_out "ticket 2 differs from its last audit record (row 4): it was changed outside svcmgr"
expect_err "svcmgr: error: audit verification failed: 1 problem"

begin "attack: a ticket inserted or deleted behind svcmgr's back is caught"
fresh
sql "INSERT INTO ticket (title, customer_id, category, channel, priority, status, created_at, updated_at) VALUES ('forged', 1, 'other', 'other', 'low', 'new', 0, 0)"
sql "DELETE FROM ticket_event WHERE ticket_id = 2; DELETE FROM ticket WHERE id = 2"
run svcmgr audit verify
expect_status 4
expect_out "ticket 3 has no audit record: it was added outside svcmgr
ticket 2 was deleted outside svcmgr (last audit record: row 4)"

begin "attack: a deleted audit row is named"
fresh
drop_triggers
sql "DELETE FROM audit WHERE seq = 3"
run svcmgr audit verify
expect_status 4
expect_out "audit rows 3 to 3 are missing
customer 2 has no audit record: it was added outside svcmgr"

begin "attack: an edited audit row with its own hash recomputed breaks the next link"
fresh
drop_triggers
sql "UPDATE audit SET actor = 'somebody-else', hash = '$(rehash_with_actor 5 somebody-else)'
    WHERE seq = 5"
run svcmgr audit verify
expect_status 4
expect_out "audit row 6 does not follow row 5: its prev_hash is not that row's hash"

begin "attack: an edited audit row without a new hash is named"
fresh
drop_triggers
sql "UPDATE audit SET actor = 'somebody-else' WHERE seq = 2"
run svcmgr audit verify
expect_status 4
expect_out "audit row 2 was altered: its hash does not match its contents"

begin "attack: a forged row with a correct-looking hash but the wrong predecessor"
fresh
prev=$(sql "SELECT hash FROM audit WHERE seq = 5") # not the newest
change='{"after":null,"before":null}'
forged=$(python3 -c '
import hashlib, json, sys
row = {"seq": 8, "at": 0, "actor": "mallory", "action": "update", "entity": "ticket",
       "entity_id": "2", "change": sys.argv[2]}
text = json.dumps(row, sort_keys=True, separators=(",", ":"))
print(hashlib.sha256((sys.argv[1] + text).encode()).hexdigest())
' "$prev" "$change")
sql "INSERT INTO audit VALUES (8, 0, 'mallory', 'update', 'ticket', '2', '$change', '$prev', '$forged')"
run svcmgr audit verify
expect_status 4
expect_err_contains "svcmgr: error: audit verification failed"
expect_eq "$(head -1 "$T/out")" "audit row 8 does not follow row 7: its prev_hash is not that row's hash"

begin "attack: truncating the newest rows is caught with --expect-head"
fresh
head=$(svcmgr audit head | tr ' ' :)
svcmgr ticket start 2 >/dev/null
run svcmgr audit verify --expect-head "$head"
expect_status 0
drop_triggers
sql "DELETE FROM audit WHERE seq >= 7; UPDATE ticket SET status = 'new', updated_at = created_at WHERE id = 2"
sql "DELETE FROM setting"
run svcmgr audit verify
expect_status 0
run svcmgr audit verify --expect-head "$head"
expect_status 4
expect_out "audit row 7 is missing: the trail was truncated (its newest row is 6)"

begin "--expect-head with a wrong hash is caught; a malformed one is a usage error"
fresh
run svcmgr audit verify --expect-head "7:$(printf '0%.0s' $(seq 64))"
expect_status 4
run svcmgr audit verify --expect-head "7:xyz"
expect_status 2
expect_err "svcmgr: error: invalid --expect-head '7:xyz': expected SEQ:HASH"

begin "db check passes on a sound database and names broken invariants"
fresh
run svcmgr db check
expect_status 0
expect_out ""
expect_err "ok"
sql "UPDATE ticket SET status = 'closed' WHERE id = 2"
run svcmgr db check
expect_status 4
expect_out "ticket 2 is closed without resolved_at and closed_at"
expect_err "svcmgr: error: database check failed: 1 problem"

begin "db check names a dropped table, index or trigger and exits 4"
fresh
sql "DROP TABLE ticket_part"
run svcmgr db check
expect_status 4
expect_out "schema: table ticket_part is missing"
expect_err "svcmgr: error: database check failed: 1 problem"
fresh
sql "DROP TABLE stock_order; DROP INDEX ticket_status"
drop_triggers
run svcmgr db check
expect_status 4
expect_out "schema: table stock_order is missing
schema: index ticket_status is missing
schema: trigger audit_no_delete is missing
schema: trigger audit_no_update is missing"
expect_err "svcmgr: error: database check failed: 4 problems"
fresh
sql "DROP TABLE ticket_event"
run svcmgr db check
expect_status 4
# Its indexes went with it; the checks that read it cannot run, and are not attempted.
expect_out "schema: table ticket_event is missing"
expect_err "svcmgr: error: database check failed: 1 problem"

if ! on_postgres; then
    begin "db backup writes a checked 0600 copy and refuses to overwrite"
    fresh
    umask 022
    run svcmgr db backup "$T/backup.db"
    expect_status 0
    expect_eq "$(stat -c %a "$T/backup.db")" "600" "backup mode"
    expect_eq "$(svcmgr --db "$T/backup.db" audit head)" "$(svcmgr audit head)"
    run svcmgr --db "$T/backup.db" audit verify -q
    expect_status 0
    run svcmgr db backup "$T/backup.db"
    expect_status 1
    expect_err "svcmgr: error: cannot create backup $T/backup.db: File exists"

    begin "db backup is consistent while other processes write"
    fresh
    for w in 1 2; do
        (for i in $(seq 1 15); do svcmgr ticket add "parallel $w.$i" --customer "Budi Santoso" >/dev/null; done) &
    done
    sleep 0.05
    run svcmgr db backup "$T/live.db"
    wait
    expect_status 0
    run svcmgr --db "$T/live.db" audit verify -q
    expect_status 0
    run svcmgr --db "$T/live.db" db check -q
    expect_status 0
    run svcmgr audit verify -q
    expect_status 0
fi

begin "audit verify shows no progress for a short trail, even on a terminal"
fresh
script -qec "$SVCMGR audit verify" /dev/null >"$T/tty" 2>&1
expect_eq "$(tr -d '\r' <"$T/tty")" "ok: 7 audit rows, 5 records match" "terminal output"

# Progress starts beyond 65,536 rows: bench/audit_gen.py writes a valid chain of 5 customers and
# 65,532 tickets without going through svcmgr for each.
# On PostgreSQL its rows are then copied, table by table, into the suite's database.
long="$T/long.db"
svcmgr --db "$long" config list >/dev/null
python3 "${SVCMGR_SOURCE_DIR:?}/bench/audit_gen.py" "$long" 65532
if on_postgres; then
    reset_db
    svcmgr config list >/dev/null
    for table in customer ticket ticket_event audit; do
        columns=$(sqlite3 "$long" "SELECT group_concat(name, ', ') FROM pragma_table_info('$table')")
        sqlite3 -csv "$long" "SELECT $columns FROM $table" |
            psql "$DB" -qX -v ON_ERROR_STOP=1 -c "\\copy $table ($columns) FROM STDIN CSV" ||
            echo "cannot copy table $table to $DB" >&2
    done
    long=$DB
fi

begin "audit verify shows progress on stderr for a long trail when stderr is a terminal"
script -qec "$SVCMGR --db '$long' audit verify" /dev/null >"$T/tty" 2>&1
expect_eq "$(sed 's/\r$//' "$T/tty" | tr '\r' '|')" \
    "|verifying audit rows: 65536/65537|verifying audit rows: 65537/65537
ok: 65537 audit rows, 65537 records match" "terminal output"
script -qec "$SVCMGR --db '$long' audit verify 2>'$T/tty-err'" /dev/null >"$T/tty" 2>&1
expect_eq "$(tr -d '\r' <"$T/tty")" "" "stdout on a terminal"
expect_eq "$(cat "$T/tty-err")" "ok: 65537 audit rows, 65537 records match" \
    "stderr redirected to a file"

begin "audit verify prints only its result when stderr is not a terminal"
run svcmgr --db "$long" audit verify
expect_status 0
expect_out ""
expect_err "ok: 65537 audit rows, 65537 records match"

finish
