#!/usr/bin/env bash
# audit verify over N audit rows against sha256sum over the same bytes (issue: linear in the rows,
# within 2x of sha256sum). usage: bench/audit.sh [SVCMGR] [N...]   (default: 100000 1000000)
#
# "The same bytes": every audit row as verify reads it, its nine columns as text the way the
# sqlite3 shell prints them (seq|at|actor|action|entity|entity_id|change|prev_hash|hash, one row
# a line). verify also reads and hashes every ticket and customer row; those bytes are not counted.
# BENCH_DIR keeps the generated databases for the next run; BENCH_RUNS (5) sets the runs per
# command, of which the best wall-clock and the best CPU time (user + system) are shown.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
svcmgr=${1:-$here/../build/svcmgr}
shift || true
sizes=("${@:-100000 1000000}")
runs=${BENCH_RUNS:-5}
if [ -n "${BENCH_DIR:-}" ]; then
    work=$BENCH_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

best_of() { # "WALL_MS CPU_MS": the best of $runs runs of "$@"
    local wall=999999999 cpu=999999999 e u s w c
    for _ in $(seq "$runs"); do
        /usr/bin/time -o "$work/time" -f '%e %U %S' "$@" >/dev/null
        read -r e u s <"$work/time"
        w=$(python3 -c "print(round($e * 1000))")
        c=$(python3 -c "print(round(($u + $s) * 1000))")
        [ "$w" -lt "$wall" ] && wall=$w
        [ "$c" -lt "$cpu" ] && cpu=$c
    done
    echo "$wall $cpu"
}

ratio() { python3 -c "print(f'{$1 / max($2, 1):.2f}')"; }

printf '%-9s %11s %9s %9s %9s %9s %10s %9s %10s\n' rows bytes verify_ms sha_ms ratio \
    verify_cpu sha_cpu cpu_ratio cpu_us/row
for n in ${sizes[*]}; do
    db="$work/audit-$n.db"
    if [ ! -s "$db" ]; then
        rm -f "$db" "$db-wal" "$db-shm"
        "$svcmgr" --db "$db" config list >/dev/null
        python3 "$here/audit_gen.py" "$db" "$n"
    fi
    sqlite3 "$db" "SELECT seq, at, actor, action, entity, entity_id, change, prev_hash, hash FROM audit" \
        >"$work/bytes"
    bytes=$(stat -c %s "$work/bytes")
    rows=$(sqlite3 "$db" 'SELECT count(*) FROM audit')
    "$svcmgr" --db "$db" audit verify -q
    sha256sum "$work/bytes" >/dev/null # both from the page cache
    read -r vw vc < <(best_of "$svcmgr" --db "$db" audit verify -q)
    read -r sw sc < <(best_of sha256sum "$work/bytes")
    printf '%-9s %11s %9s %9s %9s %9s %10s %9s %10s\n' "$rows" "$bytes" "$vw" "$sw" \
        "$(ratio "$vw" "$sw")" "$vc" "$sc" "$(ratio "$vc" "$sc")" \
        "$(python3 -c "print(f'{$vc * 1000 / $rows:.2f}')")"
done
