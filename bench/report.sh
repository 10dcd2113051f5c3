#!/usr/bin/env bash
# Issue 4's speed targets for `svcmgr report summary`:
#   day      `report summary` of one day (the last of the data, as `--since 1d` would be the
#            morning after) at SMALL and LARGE tickets with the same number of tickets per day:
#            the time must stay about the same however long the history is (index use, no scans)
#   history  the whole-history `report summary --format tsv` against report_summary.sql, one
#            hand-written query for the same numbers, in the sqlite3 shell: ratio within 1.5x
#   memory   peak RSS (/usr/bin/time -v) of both as the data grows
# usage: bench/report.sh [SVCMGR] [SMALL LARGE]   (default: 10000 1000000)
# Environment: BENCH_DIR keeps the generated databases between runs (default: a fresh temporary
# directory), BENCH_RUNS timed runs per hyperfine call (10), BENCH_ROUNDS calls per command (2),
# BENCH_HISTORY_RUNS timed runs of each whole-history command (3; at 1M tickets one takes ~20 s),
# BENCH_MOVES_PER_TICKET ledger rows per ticket (5: 5M stock moves at 1M tickets).
# The data: bench/tickets_gen.py with 1000 tickets a day ending 2026-11-01T00:00Z, so SMALL
# tickets span SMALL/1000 days; hourly_cost 45.00; the ledger below. Needs hyperfine, sqlite3
# (3.35 or later, for generate_series) and python3.
source "$(dirname "$0")/lib.sh"
svcmgr=$(realpath "${1:-$here/../build/release/svcmgr}")
small=${2:-10000}
large=${3:-1000000}
runs=${BENCH_RUNS:-10}
rounds=${BENCH_ROUNDS:-2}
warmup=2
per_day=1000
per_ticket=${BENCH_MOVES_PER_TICKET:-5}
parts=10000
end=1793491200 # 2026-11-01T00:00:00Z

# Peak resident set size of a command, in MiB.
peak_rss() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ { printf "%.1f", $2 / 1024 }'
}

# The ledger of database $1 with $2 tickets, made once: $parts parts and $per_ticket stock moves
# per ticket in the order they happened, the k-th of a ticket k hours after its creation; every
# tenth move a receipt of 20 (no ticket), every 25th a return of 1, the others a consumption of 1,
# at the part's cost.
ledger() {
    local db=$1 n=$2
    [ "$(sqlite3 "$db" 'SELECT count(*) FROM stock_move')" -eq 0 ] || return 0
    sqlite3 "$db" >/dev/null <<SQL
BEGIN;
INSERT INTO part (sku, name, unit_cost, created_at)
  SELECT printf('%06d', value), 'Varaosa ' || value, 100 + (value * 37) % 9900,
         $end - ($n / $per_day + 1) * 86400
  FROM generate_series(1, $parts);
INSERT INTO stock_move (part_id, at, kind, qty, ticket_id, unit_cost, actor)
  SELECT p, (SELECT created_at FROM ticket WHERE id = t) + 3600 * (1 + value % $per_ticket), k,
         CASE k WHEN 'receive' THEN 20 WHEN 'return' THEN 1 ELSE -1 END,
         CASE WHEN k <> 'receive' THEN t END, 100 + (p * 37) % 9900, 'gen'
  FROM (SELECT value, 1 + value % $parts AS p, 1 + value / $per_ticket AS t,
               CASE WHEN value % 10 = 0 THEN 'receive' WHEN value % 25 = 3 THEN 'return'
                    ELSE 'consume' END AS k
        FROM generate_series(0, $n * $per_ticket - 1));
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}

database() {
    local n=$1 db="$work/report-$1.db"
    if [ ! -s "$db" ]; then
        python3 "$here/tickets_gen.py" "$svcmgr" "$db" "$n" 42 $((n / per_day)) "$end"
        "$svcmgr" --db "$db" config set hourly_cost 45.00 >/dev/null
        sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    fi
    ledger "$db" "$n"
    printf '%s' "$db"
}

small_db=$(database "$small")
large_db=$(database "$large")
day=(--since 2026-10-31 --until 2026-11-01 --format tsv)
query() {
    sed -e "s/:NOW/$(date +%s)/g" -e 's/:HOURLY/4500/g' -e 's/:WINDOW/2592000/g' \
        "$here/report_summary.sql" >"$work/summary.sql"
}
query

echo "| tickets | benchmark | svcmgr ms | reference ms | ratio | peak RSS MiB svcmgr / reference |"
echo "|---:|---|---:|---:|---:|---|"
read -r day_small day_large < <(measure \
    "$svcmgr --db $small_db report summary ${day[*]}" \
    "$svcmgr --db $large_db report summary ${day[*]}")
echo "| $small / $large | summary of one day ($per_day tickets a day), $large vs $small | $day_large | $day_small | $(ratio "$day_large" "$day_small") | $(peak_rss "$svcmgr" --db "$large_db" report summary "${day[@]}") / $(peak_rss "$svcmgr" --db "$small_db" report summary "${day[@]}") |"
for n in "$small" "$large"; do
    db="$work/report-$n.db"
    "$svcmgr" --db "$db" report summary --format tsv >"$work/svcmgr.tsv"
    sqlite3 -batch -tabs "$db" ".read $work/summary.sql" >"$work/sqlite3.tsv"
    if ! cmp -s "$work/svcmgr.tsv" "$work/sqlite3.tsv"; then
        echo "bench: report summary and report_summary.sql differ at $n tickets:" >&2
        diff "$work/svcmgr.tsv" "$work/sqlite3.tsv" | head -8 >&2
        exit 1
    fi
    read -r ms_svcmgr ms_sqlite < <(runs=${BENCH_HISTORY_RUNS:-3} rounds=1 warmup=1 measure \
        "$svcmgr --db $db report summary --format tsv" \
        "sqlite3 -batch -tabs $db \".read $work/summary.sql\"")
    echo "| $n | whole-history summary vs report_summary.sql | $ms_svcmgr | $ms_sqlite | $(ratio "$ms_svcmgr" "$ms_sqlite") | $(peak_rss "$svcmgr" --db "$db" report summary --format tsv) / $(peak_rss sqlite3 -batch -tabs "$db" ".read $work/summary.sql") |"
done
