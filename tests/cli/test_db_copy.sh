#!/usr/bin/env bash
# svcmgr db copy: a SQLite database holding every entity (multilingual, multiline and quoted
# text; a ticket through its whole lifecycle with parts consumed; settings changed) copied to
# PostgreSQL and from there into a new SQLite file, with every export, every raw row and the audit
# trail byte-identical, and audit verify and db check passing on each target. Then the refusals:
# a target with data, the source itself, a password, a bad scheme, an unreachable server, and a
# copy that fails half-way leaving nothing behind. Against SQLite alone (no SVCMGR_TEST_DB) the
# middle copy is a SQLite file.
. "$(dirname "$0")/lib.sh"

SRC="$T/source.db"
BACK="$T/back.db"
if on_postgres; then
    MID="$DB" # the suite's own fresh database on the server
else
    MID="$T/middle.db"
fi
s() { "$SVCMGR" --db "$SRC" "$@" || echo "svcmgr $* exited $?" >>"$T/fixture-failures"; }

# ---- a database with every entity -------------------------------------------------------------

{
s config set hourly_cost 42.50
s config set sla.high.resolution 8h
s config set categories "purchasing,billing,repair,reklamation,garantii,other"
s customer list >/dev/null
t1=$(s ticket add "Fakturan dubbeldebiterad: \"Åsa\" säger 'två gånger'" --customer "Åsa Öberg" \
    --email asa@example.se --category billing --channel phone --priority high \
    --description $'Rad ett\nRad två: åäö ÅÄÖ\n\t"citat" och \'apostrof\'')
t2=$(s ticket add "Ruuter ei tööta – õhtul jälle" --customer "Jüri Õunapuu" \
    --email juri@example.ee --category repair --channel email --ref EE-2026-001)
t3=$(s ticket add "Pogrešna veličina: čćžšđ ČĆŽŠĐ" --customer "Ana Kovačević" --category reklamation)
t4=$(s ticket add "Pesanan belum sampai, mohon dicek" --customer "Budi Santoso" \
    --email budi@example.id --channel web --priority low)
t5=$(s ticket add "=SUM(A1) looks like a formula, -and so does this" --customer "O'Brien, Pat" \
    --priority urgent --assignee "Zoë")
s inventory add 00123 --name "Näyttö 15\" (ÅÄÖ)" --unit-cost 42.50 --lead-time 5d --reorder-point 2
s inventory add HR-7 --name "Kabel, crni – 2 m" --location "Hylla 3" --supplier "Tartu Osa OÜ" \
    --unit-cost 3.10 --order-rule eoq --holding-rate 20%
s inventory receive 00123 10 --unit-cost 41.00 --note $'Leverans 1\nrad två'
s inventory receive HR-7 25 --unit-cost 3.00
s ticket start "$t1"
s ticket comment "$t1" --reply -m $'Hej Åsa,\n\nåterbetalning skickad i dag.\n/"Support"' --minutes 10
s ticket comment "$t1" --inbound -m "Tack! Det funkar."
s ticket need "$t2" 00123
s inventory consume 00123 1 --ticket "$t2"
s inventory consume HR-7 3 --ticket "$t2"
s inventory return HR-7 1 --ticket "$t2"
s ticket start "$t2"
s ticket comment "$t2" -m "Märkus: kliendil on vana mudel" --minutes 25
s ticket resolve "$t2" --cause hardware-fault --not-preventable
s ticket close "$t2" --satisfaction 5
s ticket reopen "$t2"
s ticket resolve "$t2" --cause hardware-fault --preventable
s ticket close "$t2" --no-response
s ticket resolve "$t1" --cause billing-double-charge --preventable
s ticket update "$t3" --title "Pogrešna veličina (ponovno)" --priority high --assignee "Ivana"
s ticket wait "$t3" --for customer
s ticket comment "$t4" --reply -m "Mohon maaf, paket Anda sedang dikirim."
s inventory adjust HR-7 --to 20 --reason "Inventering: två saknas"
s inventory order HR-7 40 --supplier "Tartu Osa OÜ" --expected 2030-01-15
s ticket need "$t5" HR-7
s inventory add ZZ-0 --name "Emolevy (ei varastossa)"
s ticket need "$t4" ZZ-0
s config unset sla.high.resolution
s config set repeat_window 14d
} >/dev/null 2>"$T/fixture.err"

begin "the source database has every entity"
[ -e "$T/fixture-failures" ] && fail "$(cat "$T/fixture-failures")"
for table in setting customer ticket ticket_event part stock_move stock_order ticket_part audit; do
    n=$(sqlite3 "$SRC" "SELECT count(*) FROM $table")
    [ "$n" -gt 0 ] || fail "table $table is empty"
done

# Every export and listing of DB into directory DIR, at one fixed time (ages in reports).
dump() {
    local db=$1 dir=$2
    mkdir -p "$dir"
    local -a views=(
        "ticket export" "ticket events export" "customer export" "inventory export"
        "inventory moves export" "config export" "ticket list status:all" "inventory orders"
        "config list" "report backlog --detail" "inventory reorder"
    )
    local view
    for view in "${views[@]}"; do
        # shellcheck disable=SC2086
        faketime -f '2030-06-01 12:00:00' "$SVCMGR" --db "$db" --format csv $view \
            >"$dir/${view// /_}.csv" 2>&1
    done
    "$SVCMGR" --db "$db" --format jsonl audit log >"$dir/audit.jsonl" 2>&1
    "$SVCMGR" --db "$db" audit head >"$dir/head" 2>&1
    for id in "$t1" "$t2" "$t3" "$t4" "$t5"; do
        "$SVCMGR" --db "$db" ticket show "$id" >"$dir/ticket-$id" 2>&1
    done
    "$SVCMGR" --db "$db" inventory show HR-7 >"$dir/part-HR-7" 2>&1
}

# Every row of every table, as text, ordered by key: sqlite3 for a file, psql for a server.
raw_rows() {
    local db=$1 table key
    for table in setting:key customer:id ticket:id ticket_event:id part:id stock_move:id \
        stock_order:id ticket_part:id audit:seq; do
        key=${table#*:} table=${table%:*}
        echo "== $table"
        case $db in
        postgres*://*) psql "$db" -qAtX -F '|' -v ON_ERROR_STOP=1 -c "SELECT * FROM $table ORDER BY $key" ;;
        *) sqlite3 -batch "$db" "SELECT * FROM $table ORDER BY $key" ;;
        esac
    done
}

# `audit verify` and `db check` pass on DB, and it is the source, view for view and row for row.
expect_same_as_source() {
    local db=$1 name=$2 f
    run svcmgr --db "$db" audit verify -q
    expect_status 0
    expect_err ""
    run svcmgr --db "$db" db check
    expect_status 0
    expect_out ""
    expect_err "ok"
    dump "$db" "$T/$name"
    for f in "$T/source"/*; do
        cmp -s "$f" "$T/$name/${f##*/}" ||
            fail "$(basename "$f") differs: $(diff "$f" "$T/$name/${f##*/}" | head -5)"
    done
    raw_rows "$db" >"$T/$name.rows"
    cmp -s "$T/source.rows" "$T/$name.rows" ||
        fail "raw rows differ: $(diff "$T/source.rows" "$T/$name.rows" | head -6)"
}

dump "$SRC" "$T/source"
raw_rows "$SRC" >"$T/source.rows"
head_line=$(cat "$T/source/head")
rows=$(sqlite3 "$SRC" "SELECT (SELECT count(*) FROM setting) + (SELECT count(*) FROM customer)
    + (SELECT count(*) FROM ticket) + (SELECT count(*) FROM ticket_event) + (SELECT count(*) FROM part)
    + (SELECT count(*) FROM stock_move) + (SELECT count(*) FROM stock_order)
    + (SELECT count(*) FROM ticket_part) + (SELECT count(*) FROM audit)")
begin "the source's views are not empty"
[ -n "$head_line" ] || fail "no audit head"
grep -q 'Åsa' "$T/source/ticket_export.csv" || fail "ticket export lacks Åsa"

# ---- the round trip ---------------------------------------------------------------------------

begin "db copy writes the whole source into a new database and names its audit head"
run svcmgr --db "$SRC" db copy --to "$MID"
expect_status 0
expect_out ""
expect_err "copied $rows rows to $MID, audit head ${head_line/ /:}"

begin "the first copy is the source: every export, listing and row; audit verify and db check pass"
expect_same_as_source "$MID" middle

begin "a second copy, from there into a new SQLite file, is the source too"
run svcmgr --db "$MID" db copy --to "$BACK" -q
expect_status 0
expect_out ""
expect_err ""
expect_same_as_source "$BACK" back
expect_eq "$(stat -c %a "$BACK")" "600" "mode of the new file"
[ -e "$BACK-wal" ] && [ -s "$BACK-wal" ] && fail "the new file left a WAL with data beside it"

begin "the audit trail is copied byte for byte, canonical text and hashes included"
audit_rows() { sed -n '/^== audit$/,$p' "$1"; }
[ "$(audit_rows "$T/source.rows" | wc -l)" -gt 20 ] || fail "few audit rows: $(audit_rows "$T/source.rows" | wc -l)"
for copy in middle back; do
    [ "$(audit_rows "$T/$copy.rows")" = "$(audit_rows "$T/source.rows")" ] || fail "$copy: audit rows differ"
    cmp -s "$T/source/audit.jsonl" "$T/$copy/audit.jsonl" || fail "$copy: audit log differs"
done

begin "the copy goes on where the source left off: the next ids and the audit chain"
run svcmgr --db "$BACK" ticket add "Nytt ärende efter flytten" --customer "Åsa Öberg" --email asa@example.se
expect_status 0
expect_out "$((t5 + 1))"
run svcmgr --db "$MID" ticket add "Uus pilet pärast kolimist" --customer "Jüri Õunapuu" --email juri@example.ee
expect_status 0
expect_out "$((t5 + 1))"
run svcmgr --db "$MID" audit verify -q
expect_status 0

# ---- refusals ---------------------------------------------------------------------------------

begin "a target that holds data is refused with exit status 1, and nothing is written to it"
raw_rows "$BACK" >"$T/before.rows"
run svcmgr --db "$SRC" db copy --to "$BACK"
expect_status 1
expect_out ""
expect_err "svcmgr: error: database $BACK already holds data (table setting is not empty)
hint: db copy writes only into a new file or an empty database"
raw_rows "$BACK" >"$T/after.rows"
cmp -s "$T/before.rows" "$T/after.rows" || fail "the target changed"

begin "a target with only a customer in it is refused too"
"$SVCMGR" --db "$T/one.db" ticket add "Only one" --customer "Ana" >/dev/null
run svcmgr --db "$SRC" db copy --to "$T/one.db"
expect_status 1
expect_err "svcmgr: error: database $T/one.db already holds data (table customer is not empty)
hint: db copy writes only into a new file or an empty database"
expect_eq "$(sqlite3 "$T/one.db" 'SELECT count(*) FROM ticket')" "1" "tickets in the target"

begin "a server database that holds data is refused, and nothing is written to it"
raw_rows "$MID" >"$T/before.rows"
run svcmgr --db "$SRC" db copy --to "$MID"
expect_status 1
expect_err "svcmgr: error: database $MID already holds data (table setting is not empty)
hint: db copy writes only into a new file or an empty database"
raw_rows "$MID" >"$T/after.rows"
cmp -s "$T/before.rows" "$T/after.rows" || fail "the target changed"

begin "an empty svcmgr database is a valid target"
"$SVCMGR" --db "$T/empty.db" ticket list >/dev/null
run svcmgr --db "$SRC" db copy --to "$T/empty.db" -q
expect_status 0
expect_eq "$(svcmgr --db "$T/empty.db" audit head)" "$head_line" "audit head"

begin "the source itself is refused with exit status 2, by any name of its file"
ln -s "$SRC" "$T/alias.db"
for to in "$SRC" "$T/alias.db" "$T/./source.db"; do
    run svcmgr --db "$SRC" db copy --to "$to"
    expect_status 2
    expect_err "svcmgr: error: cannot copy database $SRC onto itself
hint: pass --to a new file or an empty database"
done
expect_eq "$(svcmgr --db "$SRC" audit head)" "$head_line" "audit head of the source"

if on_postgres; then
    begin "a server database copied onto itself is refused with exit status 2"
    run svcmgr --db "$MID" db copy --to "$MID"
    expect_status 2
    expect_err "svcmgr: error: cannot copy database $MID onto itself
hint: pass --to a new file or an empty database"
fi

begin "a password in --to is refused before anything is opened, and never echoed"
run svcmgr --db "$T/not-opened.db" db copy --to "postgresql://agent:s3cr3t-pw@db.example/support"
expect_status 2
expect_err "svcmgr: error: a password in the database connection string postgresql://agent:***@db.example/support is refused
hint: put it in ~/.pgpass or a service file (~/.pg_service.conf), not on a command line"
[ -e "$T/not-opened.db" ] && fail "the source was created"
run svcmgr --db "$SRC" db copy --to "service=support password='s3cr3t pw'"
expect_status 2
expect_err_contains "service=support password=*** is refused"
grep -q s3cr3t "$T/err" && fail "the password was echoed"

begin "another scheme:// in --to is refused, not taken for a file name"
run svcmgr --db "$SRC" db copy --to "ftp://files.example/svc.db"
expect_status 2
expect_err "svcmgr: error: unsupported database URI ftp://files.example/svc.db
hint: pass a file path for SQLite, or a postgresql:// URI"
[ -e "ftp:" ] && fail "created a file"

begin "an unreachable server exits 75 naming the host"
run svcmgr --db "$SRC" db copy --to "postgresql:///svcmgr?host=$T/no-server"
expect_status 75
expect_err_contains "svcmgr: error: cannot reach the PostgreSQL server at $T/no-server"
expect_err_contains "hint: the server may be down or unreachable; try again"

begin "--to is required"
run svcmgr --db "$SRC" db copy
expect_status 2
expect_out ""
expect_err "svcmgr: error: --to is required
hint: see svcmgr --help"

begin "a target in a missing directory exits 66 and creates nothing"
run svcmgr --db "$SRC" db copy --to "$T/no-such-dir/copy.db"
expect_status 66
expect_err_contains "cannot create database $T/no-such-dir/copy.db"
[ -e "$T/no-such-dir" ] && fail "created the directory"

# A file-size limit with SIGXFSZ ignored makes writes past it fail as a full disk would; the
# source (grown by an import) is larger than the limit, the schema of a new file smaller.
begin "a copy that fails half-way (a full disk) exits 74 and leaves no file behind"
{
    echo "title,customer,description"
    desc=$(printf 'Rad %.0s' $(seq 1 30))
    for i in $(seq 1 4500); do
        printf 'Ärende %s,Kund %s,%s %s\n' "$i" "$((i % 50))" "$desc" "$i"
    done
} >"$T/big.csv"
"$SVCMGR" --db "$T/big.db" ticket import "$T/big.csv" -q || fail "cannot import big.csv"
python3 -c '
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200000, 200000))
os.execv(sys.argv[1], sys.argv[1:])
' "$SVCMGR" --db "$T/big.db" db copy --to "$T/full.db" >"$T/out" 2>"$T/err" </dev/null
rc=$?
expect_status 74
expect_err_contains "svcmgr: error: database $T/full.db: disk I/O error"
for f in "$T/full.db" "$T/full.db-wal" "$T/full.db-shm" "$T/full.db-journal"; do
    [ -e "$f" ] && fail "left $f behind"
done

begin "tables larger than a page of reads copy whole"
run svcmgr --db "$T/big.db" db copy --to "$T/big-copy.db" -q
expect_status 0
"$SVCMGR" --db "$T/big.db" ticket export >"$T/big.csv.want"
"$SVCMGR" --db "$T/big-copy.db" ticket export >"$T/big.csv.got"
expect_eq "$(wc -l <"$T/big.csv.got")" 4501 "exported lines"
cmp -s "$T/big.csv.want" "$T/big.csv.got" || fail "the ticket export differs"

if on_postgres; then
    # Two more databases on the server, dropped at the end.
    pg_db() {
        psql "$SVCMGR_TEST_DB" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE ${PG_TEST_DB}_$1" >/dev/null
        printf '%s' "$SVCMGR_TEST_DB" | sed -E "s|^(postgres(ql)?://[^/?]*)/?[^?]*|\1/${PG_TEST_DB}_$1|"
    }
    BIG=$(pg_db big)
    PG2=$(pg_db copy)

    begin "a server database copies into another on the same server"
    run svcmgr --db "$MID" db copy --to "$PG2" -q
    expect_status 0
    run svcmgr --db "$PG2" audit verify -q
    expect_status 0
    run svcmgr --db "$PG2" db check -q
    expect_status 0
    for view in "ticket export" "ticket events export" "inventory moves export" "config export"; do
        # shellcheck disable=SC2086
        "$SVCMGR" --db "$MID" $view >"$T/want.csv"
        # shellcheck disable=SC2086
        "$SVCMGR" --db "$PG2" $view >"$T/got.csv"
        cmp -s "$T/want.csv" "$T/got.csv" || fail "$view differs"
    done
    raw_rows "$MID" >"$T/mid-now.rows"
    raw_rows "$PG2" >"$T/pg2.rows"
    cmp -s "$T/mid-now.rows" "$T/pg2.rows" || fail "raw rows differ"

    begin "tables larger than a page copy whole to a server and back"
    run svcmgr --db "$T/big.db" db copy --to "$BIG" -q
    expect_status 0
    run svcmgr --db "$BIG" db copy --to "$T/big-back.db" -q
    expect_status 0
    "$SVCMGR" --db "$BIG" ticket export >"$T/big.csv.pg"
    "$SVCMGR" --db "$T/big-back.db" ticket export >"$T/big.csv.back"
    cmp -s "$T/big.csv.want" "$T/big.csv.pg" || fail "the server's ticket export differs"
    cmp -s "$T/big.csv.want" "$T/big.csv.back" || fail "the ticket export of the copy back differs"
    expect_eq "$(svcmgr --db "$T/big-back.db" audit head)" "$(svcmgr --db "$T/big.db" audit head)" \
        "audit head"

    for name in big copy; do
        psql "$SVCMGR_TEST_DB" -qAtX -c "DROP DATABASE IF EXISTS ${PG_TEST_DB}_$name" >/dev/null 2>&1
    done
fi

finish
