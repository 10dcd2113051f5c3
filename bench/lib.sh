# Sourced by bench/report.sh, bench/inventory.sh and bench/tickets.sh: the set-up they share and
# their timing helpers. Before sourcing, a script sets `runs` and `rounds` defaults through
# BENCH_RUNS and BENCH_ROUNDS itself; the helpers read these variables when they run:
#   runs, rounds  timed runs per hyperfine call, calls per command
#   warmup        warm-up runs per call (3)
#   checkpoint    when non-empty, the database "$db" is checkpointed before every call
#   cpu           when non-empty, measure prints each command's mean CPU time after its wall time
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
export TZ=UTC SVCMGR_ACTOR=bench
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 69; }

# Times each command in $rounds hyperfine calls of $runs runs, the commands taking turns so that
# a change in the machine's load hits all of them. Prints, for each command, its mean wall-clock
# time (and with $cpu its mean CPU time, user + system: the machine's load moves it less, but it
# misses time spent waiting on fsync), in ms, all on one line.
measure() {
    local r i
    for ((r = 0; r < rounds; r++)); do
        i=0
        for cmd in "$@"; do
            if [ -n "${checkpoint:-}" ]; then
                sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
            fi
            hyperfine -N --style none --warmup "${warmup:-3}" --runs "$runs" \
                --export-json "$work/t-$i-$r.json" "$cmd" >/dev/null 2>&1
            i=$((i + 1))
        done
    done
    python3 - "$work" "$#" "$rounds" "${cpu:-}" <<'PY'
import json, sys
work, n, rounds, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
means = []
for i in range(n):
    res = [json.load(open(f"{work}/t-{i}-{r}.json"))["results"][0] for r in range(rounds)]
    t = [x for r in res for x in r["times"]]
    means.append(f"{sum(t) / len(t) * 1000:.2f}")
    if cpu:
        means.append(f"{sum(r['user'] + r['system'] for r in res) / rounds * 1000:.2f}")
print(*means)
PY
}

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
