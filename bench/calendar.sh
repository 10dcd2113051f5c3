#!/usr/bin/env bash
# Issue 19's speed targets for the SLA clocks on a working calendar:
#   summary  `report summary` of one day and of the whole history, and `report sla`, over N
#            tickets with a Stockholm calendar (mon-fri 08:00-17:00, 08:00-16:00 from 2026-06-01,
#            the Swedish public holidays of 2024-2026 from python3-holidays as .ics) against the
#            same reports with `sla.calendar none`, in the same run: within 1.2x
#   add      `ticket add` with the calendar set against without (the clocks are not computed
#            when a ticket is written: unchanged)
# usage: bench/calendar.sh [SVCMGR] [N]   (default: 1000000)
# The data: bench/report.sh's database of N tickets (1000 a day ending 2026-11-01), copied twice,
# with the same targets in both (hours and business days, as a calendar needs): urgent 1h/4h,
# high 4h/8h, normal 8h/3bd, low 24h/5bd. Needs hyperfine, sqlite3, python3 and Debian's
# python3-holidays and python3-icalendar.
source "$(dirname "$0")/lib.sh"
svcmgr=$(realpath "${1:-$here/../build/release/svcmgr}")
n=${2:-1000000}
runs=${BENCH_RUNS:-10}
rounds=${BENCH_ROUNDS:-2}
warmup=2

# report.sh makes and keeps the database of N tickets in the same BENCH_DIR.
source_db="$work/report-$n.db"
if [ ! -s "$source_db" ]; then
    bash "$here/report.sh" "$svcmgr" 1000 "$n" >/dev/null
fi

/usr/bin/python3 "$here/../scripts/holidays-ics.py" SE 2024-2026 "$work/sweden.ics"

setup() { # DB CALENDAR
    local db=$1
    cp "$source_db" "$db"
    rm -f "$db-wal" "$db-shm"
    local s=("$svcmgr" --db "$db" -q)
    "${s[@]}" calendar add stockholm --tz Europe/Stockholm --hours 'mon-fri 08:00-17:00'
    "${s[@]}" calendar hours stockholm --hours 'mon-fri 08:00-16:00' --from 2026-06-01
    "${s[@]}" calendar holiday import stockholm "$work/sweden.ics"
    "${s[@]}" config set sla.high.resolution 8h
    "${s[@]}" config set sla.normal.resolution 3bd
    "${s[@]}" config set sla.low.resolution 5bd
    "${s[@]}" config set sla.calendar "$2"
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
}
none_db="$work/calendar-none-$n.db"
cal_db="$work/calendar-stockholm-$n.db"
setup "$none_db" none
setup "$cal_db" stockholm

day=(--since 2026-10-31 --until 2026-11-01 --format tsv)
echo "| tickets | benchmark | stockholm ms | none ms | ratio |"
echo "|---:|---|---:|---:|---:|"
row() { # NAME ARGS...
    local name=$1
    shift
    read -r with without < <(measure "$svcmgr --db $cal_db $*" "$svcmgr --db $none_db $*")
    echo "| $n | $name | $with | $without | $(ratio "$with" "$without") |"
}
row "report summary of one day" report summary "${day[*]}"
row "report sla --within 4h" report sla --format tsv
runs=${BENCH_HISTORY_RUNS:-3} rounds=1 warmup=1 row "whole-history report summary" \
    report summary --format tsv
row "ticket add" ticket add Bench --customer Bench

# A clock that has run for a year costs what one that has run for a day: 10k active tickets
# created one day, or one year, before the report's day, on the Stockholm calendar; `report sla`
# (every active ticket's clocks) and `report summary` of the whole history.
aged() { # DB AGE_DAYS
    local db=$1 age=$2
    rm -f "$db" "$db-wal" "$db-shm"
    "$svcmgr" --db "$db" -q calendar add stockholm --tz Europe/Stockholm --hours 'mon-fri 08:00-17:00'
    "$svcmgr" --db "$db" -q calendar holiday import stockholm "$work/sweden.ics"
    for p in high normal low; do "$svcmgr" --db "$db" -q config set "sla.$p.resolution" 40h; done
    "$svcmgr" --db "$db" -q config set sla.calendar stockholm
    local now=1793491200 # 2026-11-01T00:00:00Z
    sqlite3 "$db" >/dev/null <<SQL
BEGIN;
INSERT INTO customer (id, name, created_at) VALUES (1, 'Åsa Öberg', $now - 400 * 86400);
INSERT INTO ticket (id, title, customer_id, category, channel, priority, status, created_at,
                    updated_at)
  SELECT value, 'Ärende ' || value, 1, 'repair', 'email', 'normal', 'open',
         $now - $age * 86400 + value * 7, $now - $age * 86400 + value * 7
  FROM generate_series(1, 10000);
INSERT INTO ticket_event (ticket_id, at, actor, kind)
  SELECT id, created_at, 'bench', 'created' FROM ticket;
INSERT INTO ticket_event (ticket_id, at, actor, kind, field, old_value, new_value)
  SELECT id, created_at + 600, 'bench', 'status', 'status', 'new', 'open' FROM ticket;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}
aged "$work/calendar-day.db" 1
aged "$work/calendar-year.db" 365
echo
echo "| tickets | benchmark | clocks run a year, ms | clocks run a day, ms | ratio |"
echo "|---:|---|---:|---:|---:|"
for args in "report sla --format tsv" "report summary --format tsv"; do
    read -r year day < <(measure "$svcmgr --db $work/calendar-year.db $args" \
        "$svcmgr --db $work/calendar-day.db $args")
    echo "| 10000 | $args | $year | $day | $(ratio "$year" "$day") |"
done
