#!/usr/bin/env bash
# Issue 2's speed targets, as ratios against the raw sqlite3 shell doing the same work:
#   add    one `svcmgr ticket add` vs the sqlite3 shell running the same statements in one
#          transaction (settings, customer lookup, ticket, its first event, the audit row), at
#          each database size: the ratio must stay <= 1.2 and must not grow with the size
#   list   `svcmgr ticket list status:active --limit 50` vs the same SELECT (same columns, join,
#          order, limit, times formatted, aligned columns) in sqlite3
#   show   `svcmgr ticket show ID` vs the same two SELECTs in sqlite3
# usage: bench/tickets.sh [SVCMGR] [SIZES...]   (default sizes: 0 100000 1000000)
# Environment: BENCH_DIR keeps the generated databases between runs (default: a fresh temporary
# directory), BENCH_RUNS timed runs per hyperfine call (20), BENCH_ROUNDS calls per command (3).
# Needs hyperfine, sqlite3 and python3. Prints a markdown table.
source "$(dirname "$0")/lib.sh"
svcmgr=$(realpath "${1:-$here/../build/svcmgr}")
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(0 100000 1000000)
runs=${BENCH_RUNS:-20}
rounds=${BENCH_ROUNDS:-3}
checkpoint=yes # every call starts from a checkpointed database
cpu=yes


# What `ticket add` runs, for a customer that exists (looked up by email).
cat >"$work/add.sql" <<'SQL'
BEGIN IMMEDIATE;
SELECT key, value FROM setting;
SELECT id FROM customer WHERE email = 'asa@example.se';
INSERT INTO ticket (title, customer_id, category, channel, priority, status, created_at, updated_at)
  VALUES ('Fakturan dras två gånger', (SELECT id FROM customer WHERE email = 'asa@example.se'),
          'billing', 'phone', 'high', 'new', unixepoch(), unixepoch());
INSERT INTO ticket_event (ticket_id, at, actor, kind)
  VALUES (last_insert_rowid(), unixepoch(), 'bench', 'created');
SELECT * FROM ticket WHERE id = (SELECT ticket_id FROM ticket_event WHERE id = last_insert_rowid());
SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1;
INSERT INTO audit (seq, at, actor, action, entity, entity_id, change, prev_hash, hash)
  SELECT (SELECT coalesce(max(seq), 0) + 1 FROM audit), unixepoch(), 'bench', 'create', 'ticket', t.id,
         json_object('after', json_object('id', t.id, 'ref', t.ref, 'title', t.title,
           'description', t.description, 'customer_id', t.customer_id, 'category', t.category,
           'channel', t.channel, 'priority', t.priority, 'status', t.status,
           'assignee', t.assignee, 'created_at', t.created_at, 'updated_at', t.updated_at,
           'first_response_at', t.first_response_at, 'resolved_at', t.resolved_at,
           'closed_at', t.closed_at, 'cause', t.cause, 'preventable', t.preventable,
           'satisfaction', t.satisfaction, 'minutes', t.minutes), 'before', NULL),
         coalesce((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), printf('%064d', 0)),
         printf('%064d', t.id)
  FROM ticket t WHERE t.id = (SELECT max(id) FROM ticket);
COMMIT;
SQL

hm="'%Y-%m-%d %H:%M', "
list_sql="SELECT t.id, t.status, t.priority, t.category, c.name AS customer, t.assignee,
  strftime($hm t.created_at, 'unixepoch') AS created_at, t.title
FROM ticket t JOIN customer c ON c.id = t.customer_id
WHERE t.status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts')
ORDER BY t.id LIMIT 50"
show_sql() {
    cat <<SQL
SELECT t.id, t.ref, t.title, t.status, t.priority, t.category, t.channel, t.customer_id,
  c.name AS customer, c.email, t.assignee, strftime($hm t.created_at, 'unixepoch') AS created_at,
  strftime($hm t.updated_at, 'unixepoch') AS updated_at,
  strftime($hm t.first_response_at, 'unixepoch') AS first_response_at,
  strftime($hm t.resolved_at, 'unixepoch') AS resolved_at,
  strftime($hm t.closed_at, 'unixepoch') AS closed_at, t.cause, t.preventable, t.satisfaction,
  t.minutes, printf('%.2f', (t.minutes * (SELECT value FROM setting WHERE key = 'hourly_cost') * 100 + 30) / 60 / 100.0) AS cost,
  t.description
FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE t.id = $1
SQL
}
events_sql="SELECT strftime($hm at, 'unixepoch') AS at, actor, kind, field, old_value, new_value,
  minutes, body FROM ticket_event WHERE ticket_id = \$1 ORDER BY at, id"

echo "| tickets | benchmark | svcmgr ms | sqlite3 ms | ratio | CPU ms svcmgr / sqlite3 | CPU ratio |"
echo "|---:|---|---:|---:|---:|---:|---:|"
row() { # size, name, svcmgr wall, svcmgr cpu, sqlite3 wall, sqlite3 cpu
    echo "| $1 | $2 | $3 | $5 | $(ratio "$3" "$5") | $4 / $6 | $(ratio "$4" "$6") |"
}
for n in "${sizes[@]}"; do
    base="$work/gen-$n.db"
    if [ ! -s "$base" ]; then
        python3 "$here/tickets_gen.py" "$svcmgr" "$base" "$n"
    fi
    db="$work/bench-$n.db" # a copy per size: the add benchmark grows it
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$base" "$db"
    "$svcmgr" --db "$db" ticket add "first" --customer "Åsa Öberg" --email asa@example.se >/dev/null
    read -r a ac b bc c cc < <(measure \
        "$svcmgr --db $db ticket add 'Fakturan dras två gånger' --customer 'Åsa Öberg' --email asa@example.se --category billing --channel phone --priority high" \
        "sqlite3 $db '.read $work/add.sql'" \
        "sqlite3 $db -init $work/add.sql .quit")
    row "$n" "ticket add (vs sqlite3 closing normally)" "$a" "$ac" "$b" "$bc"
    row "$n" "ticket add (vs sqlite3 exiting without its checkpoint)" "$a" "$ac" "$c" "$cc"
    if [ "$n" -gt 0 ]; then
        read -r a ac b bc < <(measure "$svcmgr --db $db ticket list status:active --limit 50" \
            "sqlite3 -column -header $db \"SELECT key, value FROM setting\" \"$list_sql\"")
        row "$n" "ticket list status:active --limit 50" "$a" "$ac" "$b" "$bc"
        id=$((n / 2))
        read -r a ac b bc < <(measure "$svcmgr --db $db ticket show $id" \
            "sqlite3 -header $db \".mode line\" \"$(show_sql $id)\" \".mode column\" \"${events_sql//\$1/$id}\"")
        row "$n" "ticket show" "$a" "$ac" "$b" "$bc"
    fi
done
