#!/usr/bin/env bash
# Issue 3's speed targets, as ratios against the raw sqlite3 shell doing the same work:
#   consume  one `svcmgr inventory consume SKU 1 --ticket ID` vs the sqlite3 shell running the
#            same statements in one BEGIN IMMEDIATE transaction (part and reservation lookups,
#            the ledger row, on_hand, the audit row), at each ledger size: the ratio must stay
#            <= 1.2 and the time must not grow with the ledger
#   reorder  `svcmgr inventory reorder --format tsv` over 10k parts vs one hand-written SQL query
#            computing the same advice (daily usage per local day, its sample deviation, safety
#            stock, reorder point, position, fixed/up-to-max/EOQ quantity, minimum and pack) in
#            sqlite3: the ratio must stay <= 1.5 and svcmgr under 1 s at 5M ledger rows
# usage: bench/inventory.sh [SVCMGR] [LEDGER_ROWS...]   (default: 0 1000000 5000000)
# Environment: BENCH_DIR keeps the generated databases between runs (default: a fresh temporary
# directory), BENCH_RUNS timed runs per hyperfine call (20), BENCH_ROUNDS calls per command (3).
# Needs hyperfine and sqlite3 (3.35 or later, for sqrt and ceil). Prints a markdown table.
source "$(dirname "$0")/lib.sh"
svcmgr=$(realpath "${1:-$here/../build/svcmgr}")
shift || true
sizes=("${@:-0 1000000 5000000}")
runs=${BENCH_RUNS:-20}
rounds=${BENCH_ROUNDS:-3}
checkpoint=yes # every call starts from a checkpointed database
parts=10000


# A database with $parts parts (a third each fixed, up-to-max and EOQ; lead times 1-14 days;
# packs and minimum orders on some), 1000 tickets, and $1 ledger rows spread evenly over the two
# years before now: per part every tenth move a receipt of 20, else a consumption of 1 (every
# 25th a return of 1); then a cycle count. on_hand is the ledger's sum.
generate() {
    local db=$1 rows=$2 now
    now=$(date +%s)
    "$svcmgr" --db "$db" inventory list >/dev/null
    sqlite3 "$db" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
INSERT INTO customer (name, created_at) VALUES ('Korjaamo Oy', $now - 800 * 86400);
INSERT INTO ticket (title, customer_id, category, channel, priority, status, created_at, updated_at)
  SELECT 'Korjaus ' || value, 1, 'repair', 'store', 'normal', 'in_progress',
         $now - 800 * 86400, $now - 800 * 86400
  FROM generate_series(1, 1000);
INSERT INTO part (sku, name, location, supplier, unit_cost, order_rule, reorder_qty, max_qty,
                  min_order, pack_size, lead_time_days, created_at)
  SELECT printf('%06d', value), 'Varaosa ' || value, 'H' || (value % 40), 'Toimittaja ' || (value % 25),
         100 + (value * 37) % 9900,
         CASE value % 3 WHEN 0 THEN 'fixed' WHEN 1 THEN 'up_to_max' ELSE 'eoq' END,
         10 + value % 20, 40 + value % 60,
         CASE WHEN value % 7 = 0 THEN 25 END, CASE WHEN value % 5 = 0 THEN 6 END,
         1 + value % 14, $now - 800 * 86400
  FROM generate_series(1, $parts);
INSERT INTO stock_move (part_id, at, kind, qty, ticket_id, unit_cost, actor)
  SELECT 1 + value % $parts,
         $now - 730 * 86400 + (value * 730 * 86400) / max($rows, 1),
         CASE WHEN (value / $parts) % 10 = 0 THEN 'receive'
              WHEN (value / $parts) % 25 = 3 THEN 'return' ELSE 'consume' END,
         CASE WHEN (value / $parts) % 10 = 0 THEN 20
              WHEN (value / $parts) % 25 = 3 THEN 1 ELSE -1 END,
         CASE WHEN (value / $parts) % 10 = 0 THEN NULL ELSE 1 + value % 1000 END,
         100 + ((1 + value % $parts) * 37) % 9900, 'gen'
  FROM generate_series(1, $rows);
-- A cycle count yesterday brings each part to (id mod 30) units, so that positions spread
-- around their reorder points.
INSERT INTO stock_move (part_id, at, kind, qty, unit_cost, actor, note)
  SELECT p.id, $now - 86400, 'adjust', p.id % 30 - coalesce(sum(m.qty), 0), p.unit_cost, 'gen',
         'cycle count'
  FROM part p LEFT JOIN stock_move m ON m.part_id = p.id
  GROUP BY p.id HAVING p.id % 30 - coalesce(sum(m.qty), 0) <> 0;
UPDATE part SET on_hand = id % 30;
COMMIT;
ANALYZE;
SQL
    # Stock for the consume benchmark, through svcmgr so that its audit state is current.
    "$svcmgr" --db "$db" inventory receive 004711 1000000 --unit-cost 12.50 >/dev/null
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null # the copies take the main file only
}

# What `inventory consume 004711 1 --ticket 42` runs.
cat >"$work/consume.sql" <<'SQL'
BEGIN IMMEDIATE;
SELECT key, value FROM setting;
SELECT p.id, p.on_hand, p.unit_cost, p.supplier,
  (SELECT coalesce(sum(r.qty), 0) FROM ticket_part r JOIN ticket t ON t.id = r.ticket_id
   WHERE r.part_id = p.id AND r.state = 'reserved' AND t.status NOT IN ('resolved', 'closed'))
FROM part p WHERE p.sku = '004711';
SELECT status FROM ticket WHERE id = 42;
SELECT coalesce(sum(qty), 0) FROM ticket_part WHERE part_id = 4711 AND ticket_id = 42 AND state = 'reserved';
SELECT * FROM part WHERE id = 4711;
INSERT INTO stock_move (part_id, at, kind, qty, ticket_id, unit_cost, actor)
  VALUES (4711, unixepoch(), 'consume', -1, 42, (SELECT unit_cost FROM part WHERE id = 4711), 'bench');
UPDATE part SET on_hand = on_hand - 1 WHERE id = 4711;
SELECT id, qty FROM ticket_part WHERE part_id = 4711 AND ticket_id = 42 AND state = 'reserved' ORDER BY id;
SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1;
INSERT INTO audit (seq, at, actor, action, entity, entity_id, change, prev_hash, hash)
  SELECT (SELECT coalesce(max(seq), 0) + 1 FROM audit), unixepoch(), 'bench', 'consume', 'part', p.id,
         json_object('after', json_object('id', p.id, 'sku', p.sku, 'name', p.name,
           'location', p.location, 'supplier', p.supplier, 'unit_cost', p.unit_cost,
           'on_hand', p.on_hand, 'reorder_point', p.reorder_point, 'order_rule', p.order_rule,
           'reorder_qty', p.reorder_qty, 'max_qty', p.max_qty, 'min_order', p.min_order,
           'pack_size', p.pack_size, 'lead_time_days', p.lead_time_days,
           'holding_rate', p.holding_rate, 'created_at', p.created_at),
           'before', json_object('id', p.id, 'sku', p.sku, 'name', p.name,
           'location', p.location, 'supplier', p.supplier, 'unit_cost', p.unit_cost,
           'on_hand', p.on_hand + 1, 'reorder_point', p.reorder_point, 'order_rule', p.order_rule,
           'reorder_qty', p.reorder_qty, 'max_qty', p.max_qty, 'min_order', p.min_order,
           'pack_size', p.pack_size, 'lead_time_days', p.lead_time_days,
           'holding_rate', p.holding_rate, 'created_at', p.created_at)),
         coalesce((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), printf('%064d', 0)),
         printf('%064d', p.on_hand)
  FROM part p WHERE p.id = 4711;
COMMIT;
SQL

# The same advice as `inventory reorder` (window 90 local days, today included, UTC; service
# level 95%: z = 1.6448536269514722; order cost 25.00; holding rate 25%), in one query.
reorder_sql() {
    local today
    today=$(($(date +%s) / 86400 * 86400))
    cat <<SQL
WITH
days AS (SELECT 90 AS n, $today - 89 * 86400 AS start, $today + 86400 AS stop),
daily AS (
  SELECT m.part_id, (m.at - (SELECT start FROM days)) / 86400 AS d, max(0, -sum(m.qty)) AS x
  FROM stock_move m
  WHERE m.kind IN ('consume', 'return') AND m.at >= (SELECT start FROM days)
    AND m.at < (SELECT stop FROM days)
  GROUP BY m.part_id, d),
use AS (SELECT part_id, sum(x) AS s, sum(x * x) AS ss FROM daily GROUP BY part_id),
facts AS (
  SELECT p.*, coalesce(u.s, 0) AS s, coalesce(u.ss, 0) AS ss,
    max(1, min((SELECT n FROM days),
      (SELECT stop FROM days) / 86400 - (SELECT min(at) FROM stock_move f WHERE f.part_id = p.id) / 86400)) AS n,
    p.on_hand
      - (SELECT coalesce(sum(r.qty), 0) FROM ticket_part r JOIN ticket t ON t.id = r.ticket_id
         WHERE r.part_id = p.id AND r.state = 'reserved' AND t.status NOT IN ('resolved', 'closed'))
      + (SELECT coalesce(sum(o.qty - o.received_qty), 0) FROM stock_order o
         WHERE o.part_id = p.id AND o.received_qty < o.qty) AS position,
    (SELECT coalesce(sum(r.qty), 0) FROM ticket_part r JOIN ticket t ON t.id = r.ticket_id
     WHERE r.part_id = p.id AND r.state = 'needed' AND t.status NOT IN ('resolved', 'closed'))
      AS needed
  FROM part p LEFT JOIN use u ON u.part_id = p.id),
stats AS (
  SELECT *, 1.0 * s / n AS usage,
    CASE WHEN n > 1 THEN sqrt(max(0, (n * ss - s * s) * 1.0 / (n * (n - 1.0)))) ELSE 0 END AS sigma
  FROM facts),
rop AS (
  SELECT *, 1.6448536269514722 * sigma * sqrt(lead_time_days) AS safety,
    coalesce(reorder_point, CAST(
      ceil(usage * lead_time_days + 1.6448536269514722 * sigma * sqrt(lead_time_days) - 1e-9)
      AS INTEGER)) AS rp,
    coalesce(holding_rate, 250) AS rate
  FROM stats),
qty AS (
  SELECT *, max(0, CASE
    WHEN order_rule = 'up_to_max' AND max_qty IS NOT NULL THEN max_qty - position
    WHEN order_rule = 'eoq' AND unit_cost * rate > 0
      THEN max(1, CAST(round(sqrt(2.0 * usage * 365 * 2500 / (unit_cost * rate / 1000.0))) AS INTEGER))
    ELSE coalesce(reorder_qty, 1) END) AS q0
  FROM rop),
final AS (
  SELECT *, CASE WHEN q1 > 0 AND pack_size > 1 THEN (q1 + pack_size - 1) / pack_size * pack_size ELSE q1 END AS q
  FROM (SELECT *, CASE WHEN q0 > 0 AND min_order > q0 THEN min_order ELSE q0 END AS q1 FROM qty))
SELECT sku, name, printf('%.2f', usage), printf('%.2f', sigma),
  CASE WHEN usage > 0 THEN printf('%.2f', on_hand / usage) END, lead_time_days,
  printf('%.2f', safety), position, rp, q, printf('%.2f', q * unit_cost / 100.0)
FROM final
WHERE NOT (usage = 0 AND reorder_point IS NULL AND needed = 0) AND position <= rp AND q > 0
ORDER BY sku;
SQL
}

echo "| ledger rows | benchmark | svcmgr ms | sqlite3 ms | ratio |"
echo "|---:|---|---:|---:|---:|"
for n in ${sizes[*]}; do
    base="$work/gen-$n.db"
    if [ ! -s "$base" ]; then
        generate "$base" "$n"
    fi
    db="$work/bench-$n.db" # a copy per size: the consume benchmark grows it
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$base" "$db"
    read -r a b c < <(measure \
        "$svcmgr --db $db inventory consume 004711 1 --ticket 42" \
        "sqlite3 $db '.read $work/consume.sql'" \
        "sqlite3 $db -init $work/consume.sql .quit")
    echo "| $n | inventory consume (vs sqlite3 closing normally) | $a | $b | $(ratio "$a" "$b") |"
    echo "| $n | inventory consume (vs sqlite3 exiting without its checkpoint) | $a | $c | $(ratio "$a" "$c") |"
    reorder_sql >"$work/reorder.sql"
    # Both sides must give the same advice before their speed means anything.
    "$svcmgr" --db "$db" inventory reorder --format tsv >"$work/reorder-svcmgr.tsv"
    sqlite3 -tabs "$db" ".read $work/reorder.sql" >"$work/reorder-sqlite.tsv"
    if ! cmp -s "$work/reorder-svcmgr.tsv" "$work/reorder-sqlite.tsv"; then
        echo "bench: svcmgr and the SQL disagree at $n rows: diff $work/reorder-svcmgr.tsv $work/reorder-sqlite.tsv" >&2
    fi
    read -r a b < <(measure \
        "$svcmgr --db $db inventory reorder --format tsv" \
        "sqlite3 -tabs $db '.read $work/reorder.sql'")
    echo "| $n | inventory reorder, $parts parts ($(wc -l <"$work/reorder-svcmgr.tsv") to order) | $a | $b | $(ratio "$a" "$b") |"
done
