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
# BENCH_HISTORY_RUNS timed runs of each whole-history command (3; at 1M tickets one takes ~20 s).
# The data: bench/tickets_gen.py with 1000 tickets a day ending 2026-11-01T00:00Z, so SMALL
# tickets span SMALL/1000 days; hourly_cost 45.00. Needs hyperfine, sqlite3 and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
svcmgr=$(realpath "${1:-$here/../build/release/svcmgr}")
small=${2:-10000}
large=${3:-1000000}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
runs=${BENCH_RUNS:-10}
rounds=${BENCH_ROUNDS:-2}
warmup=2
per_day=1000
end=1793491200 # 2026-11-01T00:00:00Z
export TZ=UTC SVCMGR_ACTOR=bench
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 69; }

# Times each command in $rounds hyperfine calls of $runs runs (2 warm-ups each), the commands
# taking turns; prints the mean of each, in ms, on one line.
measure() {
    local r i
    for ((r = 0; r < rounds; r++)); do
        i=0
        for cmd in "$@"; do
            hyperfine -N --style none --warmup "$warmup" --runs "$runs" \
                --export-json "$work/t-$i-$r.json" "$cmd" >/dev/null 2>&1
            i=$((i + 1))
        done
    done
    python3 - "$work" "$#" "$rounds" <<'PY'
import json, sys
work, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
means = []
for i in range(n):
    t = [x for r in range(rounds)
         for x in json.load(open(f"{work}/t-{i}-{r}.json"))["results"][0]["times"]]
    means.append(f"{sum(t) / len(t) * 1000:.2f}")
print(*means)
PY
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
# Peak resident set size of a command, in MiB.
peak_rss() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ { printf "%.1f", $2 / 1024 }'
}

database() {
    local n=$1 db="$work/report-$1.db"
    if [ ! -s "$db" ]; then
        python3 "$here/tickets_gen.py" "$svcmgr" "$db" "$n" 42 $((n / per_day)) "$end"
        "$svcmgr" --db "$db" config set hourly_cost 45.00 >/dev/null
        sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    fi
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
