#!/usr/bin/env bash
# Issue 2's speed targets, as ratios against the raw sqlite3 shell doing the same work:
#   add    one `svcmgr ticket add` vs sqlite3 inserting the same rows (ticket, event, audit) in one
#          transaction, at several database sizes (it must not grow with the size)
#   list   `svcmgr ticket list status:active --limit 50` vs the same SELECT in sqlite3
#   show   `svcmgr ticket show ID` vs the same two SELECTs in sqlite3
# usage: bench/tickets.sh [SVCMGR] [SIZES...]   (default sizes: 0 100000 1000000)
# Needs hyperfine and sqlite3. Results go to stdout as a markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
svcmgr=$(realpath "${1:-$here/../build/svcmgr}")
shift || true
sizes=("${@:-0 100000 1000000}")
work=${BENCH_DIR:-$(mktemp -d)}
runs=${BENCH_RUNS:-40}
export TZ=UTC SVCMGR_ACTOR=bench

mean_ms() { # mean of a hyperfine run, in ms
    python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['results'][0]['mean']*1000, 2))" "$1"
}

# Times two commands (svcmgr first, sqlite3 second) and prints "svcmgr_ms sqlite_ms ratio".
# Both start from a checkpointed database: the sqlite3 shell checkpoints when it closes, so
# without this the command timed first would read the WAL the other one left behind.
compare() {
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/a.json" "$1" >/dev/null
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/b.json" "$2" >/dev/null
    local a b
    a=$(mean_ms "$work/a.json")
    b=$(mean_ms "$work/b.json")
    echo "$a $b $(python3 -c "print(f'{$a / $b:.2f}')")"
}

cat >"$work/add.sql" <<'SQL'
BEGIN IMMEDIATE;
SELECT value FROM setting WHERE key = 'categories';
SELECT value FROM setting WHERE key = 'channels';
SELECT id FROM customer WHERE email = 'asa@example.se';
INSERT INTO ticket (title, customer_id, category, channel, priority, status, created_at, updated_at)
  VALUES ('Fakturan dras två gånger', 1, 'billing', 'phone', 'high', 'new', unixepoch(), unixepoch());
SELECT * FROM ticket WHERE id = last_insert_rowid();
INSERT INTO ticket_event (ticket_id, at, actor, kind) VALUES (last_insert_rowid(), unixepoch(), 'bench', 'created');
SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1;
INSERT INTO audit (at, actor, action, entity, entity_id, change, prev_hash, hash)
  VALUES (unixepoch(), 'bench', 'create', 'ticket', '1', '{"after":{},"before":null}', printf('%064d', 0), printf('%064d', 1));
COMMIT;
SQL

list_sql="SELECT t.id, t.status, t.priority, t.category, c.name, t.assignee, t.created_at, t.title FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE t.status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts') ORDER BY t.id LIMIT 50"

echo "| tickets | benchmark | svcmgr ms | sqlite3 ms | ratio |"
echo "|---:|---|---:|---:|---:|"
for n in ${sizes[*]}; do
    db="$work/bench-$n.db"
    rm -f "$db" "$db-wal" "$db-shm"
    "$svcmgr" --db "$db" config list >/dev/null
    [ "$n" -gt 0 ] && python3 "$here/tickets_gen.py" "$db" "$n"
    "$svcmgr" --db "$db" ticket add "first" --customer "Åsa Öberg" --email asa@example.se >/dev/null
    read -r a b r < <(compare \
        "$svcmgr --db $db ticket add 'Fakturan dras två gånger' --customer 'Åsa Öberg' --email asa@example.se --category billing --channel phone --priority high" \
        "sqlite3 $db -init $work/add.sql .quit")
    echo "| $n | ticket add | $a | $b | $r |"
    if [ "$n" -gt 0 ]; then
        read -r a b r < <(compare "$svcmgr --db $db ticket list status:active --limit 50" \
            "sqlite3 $db \"$list_sql\"")
        echo "| $n | ticket list status:active --limit 50 | $a | $b | $r |"
        id=$((n / 2))
        read -r a b r < <(compare "$svcmgr --db $db ticket show $id" \
            "sqlite3 $db \"SELECT t.*, c.name, c.email FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE t.id = $id; SELECT at, actor, kind, field, old_value, new_value, minutes, body FROM ticket_event WHERE ticket_id = $id ORDER BY at, id\"")
        echo "| $n | ticket show | $a | $b | $r |"
    fi
done
