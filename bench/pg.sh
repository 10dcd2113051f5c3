#!/usr/bin/env bash
# Issue 9's speed targets for PostgreSQL:
#   pg-add   one `svcmgr ticket add` against PostgreSQL over a Unix socket vs `psql` running the
#            same statements in one transaction (the writer lock, settings, customer lookup,
#            ticket, its first event, the audit row; bench/tickets.sh's add.sql in PostgreSQL's
#            dialect): the ratio must stay <= 1.3
#   sqlite   `ticket add` and `ticket list status:active --limit 50` on SQLite with this build vs
#            a build without PostgreSQL support (cmake -DSVCMGR_POSTGRES=OFF): within 5%
# usage: bench/pg.sh [SVCMGR [SVCMGR_WITHOUT_PG [N]]]   (N tickets for the SQLite part: 100000)
# Without SVCMGR_WITHOUT_PG only the first part runs. The server is a throwaway cluster
# (scripts/pg-cluster.sh: Unix socket only, fsync off, so both sides wait on no disk), or the one
# BENCH_PG_URI names (a database that may be emptied). Environment as bench/tickets.sh: BENCH_DIR,
# BENCH_RUNS (20), BENCH_ROUNDS (3). Needs hyperfine, psql, the PostgreSQL server binaries,
# sqlite3 and python3. Prints markdown tables.
source "$(dirname "$0")/lib.sh"
svcmgr=$(realpath "${1:-$here/../build/svcmgr}")
without=${2:+$(realpath "$2")}
n=${3:-100000}
runs=${BENCH_RUNS:-20}
rounds=${BENCH_ROUNDS:-3}
cpu=yes

# The client itself, not Debian's /usr/bin/psql (a Perl wrapper that costs more than the work).
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
psql=$bindir/psql
[ -x "$psql" ] || { echo "bench: needs psql (apt-get install postgresql)" >&2; exit 69; }
uri=${BENCH_PG_URI:-}
if [ -z "$uri" ]; then
    # Outside $work: the postgres user must reach the socket (a 0700 temporary directory of
    # root's is not reachable), and a socket path has at most 107 bytes.
    pgdir=$(mktemp -d /tmp/svcmgr-bench-pg.XXXXXX)
    trap 'bash "$here/../scripts/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1; rm -rf "$pgdir"' EXIT
    uri=$(bash "$here/../scripts/pg-cluster.sh" start "$pgdir" bench)
fi
"$psql" "$uri" -qAtX -v ON_ERROR_STOP=1 -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" \
    >/dev/null 2>&1 || true
"$svcmgr" --db "$uri" ticket add "first" --customer "Åsa Öberg" --email asa@example.se >/dev/null

# What `ticket add` runs on PostgreSQL, for a customer that exists (looked up by email): the
# statements of add.sql in bench/tickets.sh, with the writer lock every write takes.
cat >"$work/add-pg.sql" <<'SQL'
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT pg_advisory_xact_lock(1398164807);
SELECT key, value FROM setting;
SELECT id FROM customer WHERE email = 'asa@example.se';
INSERT INTO ticket (title, customer_id, category, channel, priority, status, created_at, updated_at)
  VALUES ('Fakturan dras två gånger', (SELECT id FROM customer WHERE email = 'asa@example.se'),
          'billing', 'phone', 'high', 'new', extract(epoch FROM now())::bigint,
          extract(epoch FROM now())::bigint);
INSERT INTO ticket_event (ticket_id, at, actor, kind)
  VALUES (current_setting('svcmgr.last_id')::bigint, extract(epoch FROM now())::bigint, 'bench',
          'created');
SELECT * FROM ticket WHERE id = (SELECT ticket_id FROM ticket_event
                                 WHERE id = current_setting('svcmgr.last_id')::bigint);
SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1;
INSERT INTO audit (seq, at, actor, action, entity, entity_id, change, prev_hash, hash)
  SELECT (SELECT coalesce(max(seq), 0) + 1 FROM audit), extract(epoch FROM now())::bigint,
         'bench', 'create', 'ticket', t.id,
         json_build_object('after', json_build_object('id', t.id, 'ref', t.ref,
           'title', t.title, 'description', t.description, 'customer_id', t.customer_id,
           'category', t.category, 'channel', t.channel, 'priority', t.priority,
           'status', t.status, 'assignee', t.assignee, 'created_at', t.created_at,
           'updated_at', t.updated_at, 'first_response_at', t.first_response_at,
           'resolved_at', t.resolved_at, 'closed_at', t.closed_at, 'cause', t.cause,
           'preventable', t.preventable, 'satisfaction', t.satisfaction, 'minutes', t.minutes),
           'before', NULL)::text,
         coalesce((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), repeat('0', 64)),
         lpad(t.id::text, 64, '0')
  FROM ticket t WHERE t.id = (SELECT max(id) FROM ticket);
COMMIT;
SQL

echo "| benchmark | svcmgr ms | psql ms | ratio | CPU ms svcmgr / psql | CPU ratio |"
echo "|---|---:|---:|---:|---:|---:|"
read -r a ac b bc < <(measure \
    "$svcmgr --db $uri ticket add 'Fakturan dras två gånger' --customer 'Åsa Öberg' --email asa@example.se --category billing --channel phone --priority high" \
    "$psql $uri -qAtX -v ON_ERROR_STOP=1 -o /dev/null -f $work/add-pg.sql")
echo "| ticket add, PostgreSQL over a Unix socket | $a | $b | $(ratio "$a" "$b") | $ac / $bc | $(ratio "$ac" "$bc") |"
count=$("$psql" "$uri" -qAtX -c "SELECT count(*) FROM ticket")
echo
echo "($count tickets in the PostgreSQL database afterwards)"

[ -n "$without" ] || exit 0
base="$work/gen-$n.db"
if [ ! -s "$base" ]; then
    python3 "$here/tickets_gen.py" "$svcmgr" "$base" "$n"
fi
db="$work/bench-pg-$n.db" # a copy: the add benchmark grows it
rm -f "$db" "$db-wal" "$db-shm"
cp "$base" "$db"
checkpoint=yes
echo
echo "| SQLite, $n tickets | with PostgreSQL ms | without ms | ratio | CPU ms with / without | CPU ratio |"
echo "|---|---:|---:|---:|---:|---:|"
add_args="ticket add 'Fakturan dras två gånger' --customer 'Åsa Öberg' --email asa@example.se --category billing --channel phone --priority high"
read -r a ac b bc < <(measure "$svcmgr --db $db $add_args" "$without --db $db $add_args")
echo "| ticket add | $a | $b | $(ratio "$a" "$b") | $ac / $bc | $(ratio "$ac" "$bc") |"
read -r a ac b bc < <(measure "$svcmgr --db $db ticket list status:active --limit 50" \
    "$without --db $db ticket list status:active --limit 50")
echo "| ticket list status:active --limit 50 | $a | $b | $(ratio "$a" "$b") | $ac / $bc | $(ratio "$ac" "$bc") |"
