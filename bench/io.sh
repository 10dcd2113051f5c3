#!/usr/bin/env bash
# Import and export speed and memory against the sqlite3 shell (issue 6):
#   export   `svcmgr ticket export` (csv)            vs `sqlite3 -csv DB 'SELECT * FROM ticket'`
#            (wall and CPU ratios; with BENCH_PG=URI also the export from PostgreSQL, after the
#            generated customers and tickets are copied there with psql \copy if it lacks them)
#   import   `svcmgr ticket import` into an empty db vs `.import --csv` into the same schema
#   import+  the same into a database that already holds N tickets
# rows/s for each, the ratio svcmgr/sqlite3, and svcmgr's peak RSS (/usr/bin/time -v).
# Usage: bash bench/io.sh [SVCMGR] [N]      (N defaults to 1000000; BENCH_DIR keeps files)
set -eu
SVCMGR=$(realpath "${1:-build/release/svcmgr}")
N=${2:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${BENCH_DIR:-$(mktemp -d /var/tmp/svcmgr-io.XXXXXX)}
mkdir -p "$DIR"
cd "$DIR"
export SVCMGR_ACTOR=bench TZ=UTC

[ -s "gen-$N.db" ] || /usr/bin/python3 "$HERE/tickets_gen.py" "$SVCMGR" "gen-$N.db" "$N" >/dev/null

seconds() { /usr/bin/python3 -c 'import sys,time; print(f"{time.time():.6f}")'; }
# Runs a command, prints its wall seconds; stdout to $OUT (default /dev/null).
timed() {
    local start end
    start=$(seconds)
    "$@" >"${OUT:-/dev/null}"
    end=$(seconds)
    /usr/bin/python3 -c "print(f'{$end - $start:.3f}')"
}
peak_rss() { # KB
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'
}
rate() { /usr/bin/python3 -c "print(f'{$N / $1:,.0f}')"; }
ratio() { /usr/bin/python3 -c "print(f'{$2 / $1:.2f}')"; }
report() { printf '%-8s svcmgr %6ss %10s rows/s   sqlite3 %6ss %10s rows/s   ratio %sx   peak RSS %s MB\n' \
    "$1" "$2" "$(rate "$2")" "$3" "$(rate "$3")" "$(ratio "$2" "$3")" "$(($4 / 1024))"; }

# Export.
cpu() { # user + system seconds
    /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f", $1 + $2}'
}
sync
t_sv=$(OUT=tickets.csv timed "$SVCMGR" --db "gen-$N.db" ticket export)
t_sq=$(OUT=shell.csv timed sqlite3 -csv "gen-$N.db" "SELECT * FROM ticket")
rss=$(peak_rss "$SVCMGR" --db "gen-$N.db" ticket export)
report export "$t_sv" "$t_sq" "$rss"
c_sv=$(cpu "$SVCMGR" --db "gen-$N.db" ticket export)
c_sq=$(cpu sqlite3 -csv "gen-$N.db" "SELECT * FROM ticket")
printf '%-8s CPU svcmgr %6ss   sqlite3 %6ss   ratio %sx\n' export "$c_sv" "$c_sq" "$(ratio "$c_sv" "$c_sq")"
if [ -n "${BENCH_PG:-}" ]; then
    pg() { psql "$BENCH_PG" -qAtX -v ON_ERROR_STOP=1 "$@"; }
    "$SVCMGR" --db "$BENCH_PG" config list >/dev/null
    if [ "$(pg -c 'SELECT count(*) FROM ticket')" != "$N" ]; then
        pg -c 'TRUNCATE ticket_event, ticket_part, stock_move, ticket, customer CASCADE'
        sqlite3 -csv "gen-$N.db" "SELECT * FROM customer ORDER BY id" |
            pg -c '\copy customer FROM STDIN WITH (FORMAT csv)'
        sqlite3 -csv "gen-$N.db" "SELECT * FROM ticket ORDER BY id" |
            pg -c '\copy ticket FROM STDIN WITH (FORMAT csv)'
        pg -c 'VACUUM ANALYZE customer' -c 'VACUUM ANALYZE ticket'
    fi
    t_pg=$(OUT=tickets-pg.csv timed "$SVCMGR" --db "$BENCH_PG" ticket export)
    cmp -s tickets-pg.csv tickets.csv || echo "export: PostgreSQL's export differs from SQLite's" >&2
    rss=$(peak_rss "$SVCMGR" --db "$BENCH_PG" ticket export)
    c_pg=$(cpu "$SVCMGR" --db "$BENCH_PG" ticket export)
    printf '%-8s svcmgr on PostgreSQL %6ss %10s rows/s   CPU %ss   ratio to sqlite3 -csv %sx   peak RSS %s MB\n' \
        export-pg "$t_pg" "$(rate "$t_pg")" "$c_pg" "$(ratio "$t_pg" "$t_sq")" "$((rss / 1024))"
fi

# The shell's rows get distinct refs: its .import would store '' in the unique ref column.
/usr/bin/python3 - <<'PY'
import csv
with open("shell.csv", newline="", encoding="utf-8") as f, \
     open("shell-refs.csv", "w", newline="", encoding="utf-8") as out:
    w = csv.writer(out, lineterminator="\n")
    for row in csv.reader(f):
        row[1] = "R" + row[0]; w.writerow(row)
PY

# Import into an empty database with svcmgr's schema and indexes.
fresh() { rm -f "$1" "$1-wal" "$1-shm"; "$SVCMGR" --db "$1" config list >/dev/null; }
fresh empty.db
t_sv=$(timed "$SVCMGR" --db empty.db -q ticket import tickets.csv)
# The shell's .import stores an empty cell as '' (which svcmgr's CHECKs refuse), so it gets the
# same columns and the same indexes without the CHECK constraints.
shell_schema() {
    rm -f "$1" "$1-wal" "$1-shm"
    sqlite3 "$1" "PRAGMA journal_mode=WAL;
CREATE TABLE ticket (id INTEGER PRIMARY KEY, ref TEXT UNIQUE, title TEXT NOT NULL,
  description TEXT, customer_id INTEGER NOT NULL, category TEXT NOT NULL, channel TEXT NOT NULL,
  priority TEXT NOT NULL, status TEXT NOT NULL, assignee TEXT, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, first_response_at INTEGER, resolved_at INTEGER,
  closed_at INTEGER, cause TEXT, preventable INTEGER, satisfaction INTEGER,
  minutes INTEGER NOT NULL DEFAULT 0);
CREATE INDEX ticket_status ON ticket (status);
CREATE INDEX ticket_customer ON ticket (customer_id, created_at);
CREATE INDEX ticket_created ON ticket (created_at);
CREATE INDEX ticket_active ON ticket (status, category, channel, created_at)
  WHERE status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts');" >/dev/null
}
shell_schema shell.db
t_sq=$(timed sqlite3 shell.db ".import --csv shell-refs.csv ticket")
fresh empty.db
rss=$(peak_rss "$SVCMGR" --db empty.db -q ticket import tickets.csv)
report import "$t_sv" "$t_sq" "$rss"

# Import N more tickets into a database that holds N: ids shifted by N, refs cleared.
/usr/bin/python3 - "$N" <<'PY'
import csv, sys
n = int(sys.argv[1])
with open("tickets.csv", newline="", encoding="utf-8") as f, \
     open("more.csv", "w", newline="", encoding="utf-8") as out:
    r = csv.reader(f); w = csv.writer(out, lineterminator="\r\n")
    header = next(r); w.writerow(header)
    i, ref = header.index("id"), header.index("ref")
    for row in r:
        row[i] = str(int(row[i]) + n); row[ref] = ""; w.writerow(row)
with open("shell-refs.csv", newline="", encoding="utf-8") as f, \
     open("shell-more.csv", "w", newline="", encoding="utf-8") as out:
    r = csv.reader(f); w = csv.writer(out, lineterminator="\n")
    for row in r:
        row[0] = str(int(row[0]) + n); row[1] = "M" + row[0]; w.writerow(row)
PY
# A copy without the WAL a previous run left: SQLite would replay it onto the copy.
copy_db() { rm -f "$2" "$2-wal" "$2-shm"; cp "$1" "$2"; }
copy_db "gen-$N.db" full.db
t_sv=$(timed "$SVCMGR" --db full.db -q ticket import more.csv)
shell_schema full-shell.db
sqlite3 full-shell.db ".import --csv shell-refs.csv ticket"
t_sq=$(timed sqlite3 full-shell.db ".import --csv shell-more.csv ticket")
copy_db "gen-$N.db" full.db
rss=$(peak_rss "$SVCMGR" --db full.db -q ticket import more.csv)
report import+ "$t_sv" "$t_sq" "$rss"
echo "files in $DIR"
