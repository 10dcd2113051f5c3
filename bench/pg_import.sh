#!/usr/bin/env bash
# Import speed into PostgreSQL (issue 9: 1M tickets at >= 100k rows/s with indexes):
#   svcmgr   `svcmgr ticket import tickets.csv` into a new database (COPY, every row validated,
#            customers created, batch audit records, one transaction)
#   psql     psql's `\copy` of the same customer and ticket rows (already in the table's text
#            form) into a new database with svcmgr's schema, in one transaction, loaded as svcmgr
#            loads empty tables (secondary indexes and the foreign key dropped, id triggers
#            disabled, all restored before COMMIT): the server's own cost of the same work; and
#            once more into the indexes row by row, the reference of earlier runs
# rows/s for each, the ratio svcmgr/psql, svcmgr's CPU time and peak RSS (/usr/bin/time).
# Usage: bash bench/pg_import.sh [SVCMGR] [N]    (N defaults to 1000000)
# The tickets come from bench/io.sh's files in BENCH_DIR (tickets.csv, else generated here).
# PG_URI names a server database to start from (postgresql:///DB?host=SOCKETDIR&user=postgres);
# without it a throwaway cluster is started in /tmp and stopped at the end.
set -eu
SVCMGR=$(realpath "${1:-build/release/svcmgr}")
N=${2:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${BENCH_DIR:-$(mktemp -d /var/tmp/svcmgr-pg.XXXXXX)}
mkdir -p "$DIR"
cd "$DIR"
export SVCMGR_ACTOR=bench TZ=UTC

if [ -z "${PG_URI:-}" ]; then
    cluster=$(mktemp -d /tmp/svcmgr-pgb.XXXXXX)
    PG_URI=$(bash "$HERE/../scripts/pg-cluster.sh" start "$cluster")
    trap 'bash "$HERE/../scripts/pg-cluster.sh" stop "$cluster"; rm -rf "$cluster"' EXIT
fi
host=$(printf '%s' "$PG_URI" | sed -E 's/.*[?&]host=([^&]*).*/\1/')
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
psql_() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$bindir/psql" -h "$host" -U postgres -qAt -v ON_ERROR_STOP=1 "$@"
    else
        "$bindir/psql" -h "$host" -U postgres -qAt -v ON_ERROR_STOP=1 "$@"
    fi
}
uri() { printf '%s' "$PG_URI" | sed -E "s|^(postgres(ql)?://[^/?]*)/?[^?]*|\1/$1|"; }
fresh() { # a new database with svcmgr's schema
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null
    "$SVCMGR" --db "$(uri "$1")" config list >/dev/null
}

if [ ! -s tickets.csv ] || [ "$(($(wc -l <tickets.csv) - 1))" -ne "$N" ]; then
    [ -s "gen-$N.db" ] || /usr/bin/python3 "$HERE/tickets_gen.py" "$SVCMGR" "gen-$N.db" "$N" >/dev/null
    "$SVCMGR" --db "gen-$N.db" ticket export >tickets.csv
fi

seconds() { /usr/bin/python3 -c 'import time; print(f"{time.time():.6f}")'; }
elapsed() { /usr/bin/python3 -c "print(f'{$2 - $1:.3f}')"; }
rate() { /usr/bin/python3 -c "print(f'{$N / $1:,.0f}')"; }

fresh svcmgr_bench
start=$(seconds)
/usr/bin/time -f '%U %S %M' -o svcmgr-time.txt "$SVCMGR" --db "$(uri svcmgr_bench)" -q ticket import tickets.csv
t_sv=$(elapsed "$start" "$(seconds)")
read -r user sys rss <svcmgr-time.txt

# The same rows as the server stores them, for psql's \copy (text format).
chmod 0777 "$DIR"
psql_ -d svcmgr_bench -c "\\copy customer TO '$DIR/customer.copy'" -c "\\copy ticket TO '$DIR/ticket.copy'"
# psql the way svcmgr loads empty tables: the secondary indexes and the foreign key dropped and
# the id triggers disabled first, all restored before COMMIT (the statements from the catalog).
fresh psql_bench
restore=$(psql_ -d psql_bench -c "
    SELECT string_agg(sql, E';\n' ORDER BY n) FROM (
      SELECT 1 AS n, pg_get_indexdef(i.indexrelid) AS sql FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname IN ('ticket', 'customer') AND NOT i.indisunique
      UNION ALL SELECT 2, 'ALTER TABLE ticket ADD CONSTRAINT ' || conname || ' ' ||
          pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'ticket'::regclass AND contype = 'f'
      UNION ALL SELECT 3, 'ALTER TABLE ticket ENABLE TRIGGER ticket_id; ALTER TABLE customer ENABLE TRIGGER customer_id') s")
drop=$(psql_ -d psql_bench -c "
    SELECT string_agg(sql, E';\n') FROM (
      SELECT 'DROP INDEX ' || c.relname AS sql FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname IN ('ticket', 'customer') AND NOT i.indisunique
      UNION ALL SELECT 'ALTER TABLE ticket DROP CONSTRAINT ' || conname FROM pg_constraint
        WHERE conrelid = 'ticket'::regclass AND contype = 'f'
      UNION ALL SELECT 'ALTER TABLE ticket DISABLE TRIGGER ticket_id; ALTER TABLE customer DISABLE TRIGGER customer_id') s")
start=$(seconds)
psql_ -d psql_bench -c "BEGIN" -c "$drop" -c "\\copy customer FROM '$DIR/customer.copy'" \
    -c "\\copy ticket FROM '$DIR/ticket.copy'" -c "$restore" -c "COMMIT"
t_pq=$(elapsed "$start" "$(seconds)")

# And row by row into the indexes, as before (the reference of earlier runs).
fresh psql_plain
start=$(seconds)
psql_ -d psql_plain -c "BEGIN" -c "\\copy customer FROM '$DIR/customer.copy'" \
    -c "\\copy ticket FROM '$DIR/ticket.copy'" -c "COMMIT"
t_pp=$(elapsed "$start" "$(seconds)")

printf 'pg import  svcmgr %7ss %10s rows/s (CPU %ss)   psql \\copy %7ss %10s rows/s   ratio %sx   peak RSS %s MB   load %s\n' \
    "$t_sv" "$(rate "$t_sv")" "$(/usr/bin/python3 -c "print(f'{$user + $sys:.1f}')")" \
    "$t_pq" "$(rate "$t_pq")" "$(/usr/bin/python3 -c "print(f'{$t_pq / $t_sv:.2f}')")" \
    "$((rss / 1024))" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'pg import  psql \\copy into the indexes row by row %7ss %10s rows/s\n' "$t_pp" "$(rate "$t_pp")"
psql_ -d postgres -c "DROP DATABASE psql_bench" -c "DROP DATABASE psql_plain" \
    -c "DROP DATABASE svcmgr_bench"
