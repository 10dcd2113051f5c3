#!/usr/bin/env bash
# Import: export -> import into an empty database -> export is byte-identical for every dataset
# (multiline text, quotes, tabs, leading zeros, five languages, text starting with = + - @ and
# their full-width forms); identity by ref else id; re-import is a no-op; --update, --dry-run,
# jsonl and standard input; one audit batch per entity, and audit verify still checks every row.
. "$(dirname "$0")/lib.sh"

datasets=("config" "customer" "ticket" "ticket events" "inventory" "inventory moves")
file_of() { echo "${1// /_}"; }

# Exports every dataset of database $1 into directory $2 (format $3, default csv).
export_all() {
    mkdir -p "$2"
    local d
    for d in "${datasets[@]}"; do
        # shellcheck disable=SC2086
        svcmgr --db "$1" --format "${3:-csv}" $d export >"$2/$(file_of "$d")" || fail "export $d"
    done
}
import_all() {
    local d
    for d in "${datasets[@]}"; do
        # shellcheck disable=SC2086
        svcmgr --db "$1" --format "${3:-csv}" -q $d import "$2/$(file_of "$d")" || fail "import $d"
    done
}

svcmgr config set categories purchasing,billing,repair,other
svcmgr config set hourly_cost 42.50
t1=$(svcmgr ticket add "Fakturan dubbeldebiterad – Åsa Öberg" --customer "Åsa Öberg" \
    --email asa@example.se --category billing --ref SE-0001 \
    --description $'Rad ett\nrad två med "citat", komma och\ttabb\r\nCRLF-rad')
t2=$(svcmgr ticket add "Arve on kaks korda esitatud: õun, ä, ö, ü, š, ž" --customer "Kärt Tamm" \
    --email kart@example.ee --priority urgent)
t3=$(svcmgr ticket add "=SUM(A1:A2)" --customer "Ivan Horvat – čćđšž" --assignee "+385 agent" \
    --description "@mention ＝ full-width")
t4=$(svcmgr ticket add --customer "Budi Santoso" --description "＋tambah ＠mention" -- "-minus first")
t5=$(svcmgr ticket add "'already quoted" --customer "John Smith" --description "'")
svcmgr ticket comment "$t1" --reply -m "Hej Åsa, återbetalning skickad." --minutes 15
svcmgr ticket comment "$t3" -m $'=cmd|\' /C calc\'!A0\nline two'
svcmgr ticket resolve "$t1" --cause billing-double-charge --preventable
svcmgr ticket close "$t1" --satisfaction 5
svcmgr ticket resolve "$t2" --not-preventable
svcmgr ticket close "$t2" --no-response
svcmgr inventory add 000042 --name "Näyttö 15\" (vaihto)" --unit-cost 12.05 --location "Hylly 7" \
    --supplier "Oy Osat Ab" --reorder-point 2 --lead-time 5d >/dev/null
svcmgr inventory add 0099 --name "Kabel, 2 m" --unit-cost 3 --order-rule eoq >/dev/null
svcmgr inventory receive 000042 5 --unit-cost 11.00 --note "first delivery" >/dev/null
svcmgr inventory receive 0099 20 >/dev/null
svcmgr inventory consume 000042 2 --ticket "$t3"
svcmgr inventory adjust 0099 --to 19 --reason "cycle count" >/dev/null
: "$t4" "$t5"

begin "export -> import into an empty database -> export is byte-identical (csv)"
export_all "$DB" "$T/a"
import_all "$T/b.db" "$T/a"
export_all "$T/b.db" "$T/b"
diff -r "$T/a" "$T/b" >"$T/diff" || fail "exports differ: $(head -20 "$T/diff")"

begin "the imported database passes audit verify and db check"
run svcmgr --db "$T/b.db" audit verify
expect_status 0
run svcmgr --db "$T/b.db" db check
expect_status 0

begin "tickets imported without their history pass db check"
run svcmgr --db "$T/c.db" ticket import "$T/a/ticket"
expect_status 0
run svcmgr --db "$T/c.db" db check
expect_status 0
expect_eq "$(sqlite3 "$T/c.db" "SELECT count(*) || '/' || (SELECT count(*) FROM ticket_event) FROM ticket")" \
    "5/0" "tickets/events"

begin "each import wrote one batch audit record per entity"
expect_eq "$(sqlite3 "$T/b.db" "SELECT entity || ':' || entity_id || ':' || action FROM audit ORDER BY seq" | tr '\n' ' ')" \
    "setting:*:import customer:*:import ticket:*:import ticket_event:*:import part:*:import part:*:import " "audit rows"

begin "the same round trip in jsonl"
export_all "$DB" "$T/ja" jsonl
import_all "$T/j.db" "$T/ja" jsonl
export_all "$T/j.db" "$T/jb" jsonl
diff -r "$T/ja" "$T/jb" >"$T/diff" || fail "exports differ: $(head -20 "$T/diff")"
export_all "$T/j.db" "$T/jc"
diff -r "$T/a" "$T/jc" >"$T/diff" || fail "csv of the jsonl import differs: $(head -20 "$T/diff")"

begin "re-importing identical rows is a no-op"
seq_before=$(sqlite3 "$T/b.db" "SELECT max(seq) FROM audit")
run svcmgr --db "$T/b.db" ticket import "$T/a/ticket"
expect_status 0
expect_err "imported 5 rows: 0 created, 0 updated, 5 unchanged"
expect_eq "$(sqlite3 "$T/b.db" "SELECT max(seq) FROM audit")" "$seq_before" "audit head"

begin "the same key with different cells is an error naming row and column, unless --update"
sed 's/,urgent,/,low,/' "$T/a/ticket" >"$T/changed.csv"
run svcmgr --db "$T/b.db" ticket import "$T/changed.csv"
expect_status 65
expect_err "svcmgr: error: row 3, column priority: ticket 2 exists already with a different priority
hint: pass --update to apply the file's cells"
expect_eq "$(sqlite3 "$T/b.db" "SELECT priority FROM ticket WHERE id = 2")" "urgent" "priority"
run svcmgr --db "$T/b.db" ticket import --update "$T/changed.csv"
expect_status 0
expect_err "imported 5 rows: 0 created, 1 updated, 4 unchanged"
expect_eq "$(sqlite3 "$T/b.db" "SELECT priority FROM ticket WHERE id = 2")" "low" "priority"
run svcmgr --db "$T/b.db" audit verify
expect_status 0

begin "a ref identifies a ticket; ids are kept when free, a new ref gets the next id"
printf 'ref,title,customer\r\nSE-0001,%s,Åsa Öberg\r\nX-9,New one,Åsa Öberg\r\n' \
    "Fakturan dubbeldebiterad – Åsa Öberg" >"$T/refs.csv"
run svcmgr --db "$T/b.db" ticket import --update "$T/refs.csv"
expect_status 0
expect_eq "$(sqlite3 "$T/b.db" "SELECT id FROM ticket WHERE ref = 'X-9'")" "6" "new id"
printf 'id,ref,title,customer\n40,Y-1,Kept id,Budi Santoso\n' >"$T/id.csv"
run svcmgr --db "$T/b.db" ticket import "$T/id.csv"
expect_status 0
expect_eq "$(sqlite3 "$T/b.db" "SELECT id FROM ticket WHERE ref = 'Y-1'")" "40" "kept id"
printf 'id,ref,title,customer\n40,Y-2,Clash,Budi Santoso\n' >"$T/clash.csv"
run svcmgr --db "$T/b.db" ticket import "$T/clash.csv"
expect_status 65
expect_err "svcmgr: error: row 2, column id: id 40 is held by another ticket"

begin "--dry-run checks every row and writes nothing"
before=$(sqlite3 "$T/b.db" "SELECT count(*) FROM ticket; SELECT count(*) FROM audit")
printf 'title,customer\nDry,Nobody New\n' >"$T/dry.csv"
run svcmgr --db "$T/b.db" ticket import --dry-run "$T/dry.csv"
expect_status 0
expect_err "checked 1 row: 1 created, 0 updated, 0 unchanged"
expect_eq "$(sqlite3 "$T/b.db" "SELECT count(*) FROM ticket; SELECT count(*) FROM audit")" "$before" "counts"
expect_eq "$(sqlite3 "$T/b.db" "SELECT count(*) FROM customer WHERE name = 'Nobody New'")" "0" "customer"

begin "a header alone imports zero rows; - reads standard input; BOM, CRLF and LF are accepted"
run_in $'\xef\xbb\xbfid,title,customer\r\n' svcmgr --db "$T/b.db" ticket import -
expect_status 0
expect_err "imported 0 rows: 0 created, 0 updated, 0 unchanged"
run_in $'title,customer\nLF row,Budi Santoso\n' svcmgr --db "$T/b.db" -q ticket import -
expect_status 0
expect_err ""
expect_eq "$(sqlite3 "$T/b.db" "SELECT count(*) FROM ticket WHERE title = 'LF row'")" "1" "LF row"

begin "the apostrophe guard is removed exactly once; codes keep leading zeros"
expect_eq "$(sqlite3 "$T/b.db" "SELECT title FROM ticket WHERE id = $t5")" "'already quoted" "title"
expect_eq "$(sqlite3 "$T/b.db" "SELECT description FROM ticket WHERE id = $t5")" "'" "description"
expect_eq "$(sqlite3 "$T/b.db" "SELECT title FROM ticket WHERE id = $t3")" "=SUM(A1:A2)" "formula text"
expect_eq "$(sqlite3 "$T/b.db" "SELECT group_concat(sku, ' ') FROM (SELECT sku FROM part ORDER BY sku)")" "000042 0099" "skus"
expect_eq "$(sqlite3 "$T/b.db" "SELECT on_hand FROM part WHERE sku = '000042'")" "3" "on_hand from the ledger"

begin "derived columns are ignored on import"
printf 'sku,name,on_hand,value\n7777,Derived,999,12.00\n' >"$T/derived.csv"
run svcmgr --db "$T/b.db" inventory import "$T/derived.csv"
expect_status 0
expect_eq "$(sqlite3 "$T/b.db" "SELECT on_hand FROM part WHERE sku = '7777'")" "0" "on_hand"

begin "the ledger is append-only: a known move with other cells is an error, --update is not offered"
sed 's/first delivery/changed/' "$T/a/inventory_moves" >"$T/moves.csv"
run svcmgr --db "$T/b.db" inventory moves import "$T/moves.csv"
expect_status 65
expect_err_contains "row 2, column note: move 1 exists already with a different note"
run svcmgr --db "$T/b.db" inventory moves import --update "$T/moves.csv"
expect_status 2

begin "config import sets settings and refuses other values of set keys"
run svcmgr --db "$T/c.db" config import "$T/a/config"
expect_status 0
expect_eq "$(svcmgr --db "$T/c.db" config get hourly_cost)" "42.50" "hourly_cost"
printf 'key,value\nhourly_cost,50\n' >"$T/cfg.csv"
run svcmgr --db "$T/c.db" config import "$T/cfg.csv"
expect_status 65
expect_err_contains "row 2, column value: setting 'hourly_cost' exists already with a different value"
run svcmgr --db "$T/c.db" config import --update "$T/cfg.csv"
expect_status 0
expect_eq "$(svcmgr --db "$T/c.db" config get hourly_cost)" "50.00" "hourly_cost"

begin "a 10 MB text field imports whole"
/usr/bin/python3 -c '
import sys
sys.stdout.write("title,customer,description\r\nBig,Budi Santoso,\"" + "ä\"\"x" * 2_500_000 + "\"\r\n")' >"$T/big.csv"
run svcmgr --db "$T/big.db" ticket import "$T/big.csv"
expect_status 0
expect_eq "$(sqlite3 "$T/big.db" "SELECT length(CAST(description AS BLOB)) FROM ticket")" "10000000" "length"

begin "rows of long text import in bounded memory"
# 40 rows of 2 MB each (80 MB): the writer holds a few of them at a time, not a batch of 64.
/usr/bin/python3 -c '
import sys
sys.stdout.write("title,customer,description\r\n")
for i in range(40):
    sys.stdout.write(f"Pitkä {i},Mari Maasikas,{chr(65 + i % 26) * 2_000_000}\r\n")' >"$T/long40.csv"
peak=$(/usr/bin/python3 -c '
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if done.returncode == 0 else -1)' \
    "$SVCMGR" --db "$T/long40.db" -q ticket import "$T/long40.csv")
expect_eq "$(sqlite3 "$T/long40.db" "SELECT count(*), sum(length(description)) FROM ticket")" \
    "40|80000000" "rows and text"
if [ -z "${SVCMGR_TEST_SANITIZED:-}" ]; then
    [ "$peak" -gt 0 ] && [ "$peak" -lt 61440 ] || fail "peak RSS ${peak} KB, expected under 60 MB"
fi
rm -f "$T/long40.csv" "$T/long40.db"

# Progress: on a terminal once a job passes 65,536 rows (or runs for a second), never on a pipe.
# The terminal's lines, the escape that clears a line removed.
tty_lines() { tr '\r' '\n' <"$T/tty" | sed 's/\x1b\[K//g'; }
/usr/bin/python3 -c '
import sys
sys.stdout.write("title,customer\r\n")
for i in range(65600):
    sys.stdout.write(f"Ticket {i},Customer {i % 50}\r\n")' >"$T/long.csv"

begin "a long import shows rows, rows/s and the time left on stderr when it is a terminal"
script -qec "$SVCMGR --db '$T/long.db' ticket import '$T/long.csv'" /dev/null >"$T/tty" 2>&1
tty_lines | grep -Eq '^imported [0-9]+ rows, [0-9]+ rows/s, [0-9]+%, [0-9]+:[0-9]{2} left$' ||
    fail "no progress line: $(tr '\r' '|' <"$T/tty")"
tty_lines | grep -qx 'imported 65600 rows: 65600 created, 0 updated, 0 unchanged' ||
    fail "no summary: $(tr '\r' '|' <"$T/tty")"

begin "a long export shows rows and rows/s on stderr when it is a terminal"
script -qec "$SVCMGR --db '$T/long.db' ticket export --columns id >/dev/null" /dev/null >"$T/tty" 2>&1
tty_lines | grep -Eq '^exported [0-9]+ rows, [0-9]+ rows/s$' ||
    fail "no progress line: $(tr '\r' '|' <"$T/tty")"

begin "import and export print no progress when stderr is not a terminal"
run svcmgr --db "$T/long2.db" ticket import "$T/long.csv"
expect_status 0
expect_err "imported 65600 rows: 65600 created, 0 updated, 0 unchanged"
run svcmgr --db "$T/long2.db" ticket export --columns id
expect_status 0
expect_err ""
expect_eq "$(wc -l <"$T/out")" "65601" "rows exported"

# 25,000 tickets, each of a new customer: a customer and a ticket record per 10,000 rows, the
# customer's first (it is created before its ticket), then the last of each. On PostgreSQL the
# records are written after the last row and the new customers (1.5 MB of COPY rows, past the
# 1 MB block held in memory) when the tickets are done: the same records in the same order.
begin "a long import's batch records come in the order they were made, and verify"
/usr/bin/python3 -c '
import sys
sys.stdout.write("title,customer_id,customer,email\r\n")
for i in range(25000):
    sys.stdout.write(f"Zahtjev {i},{100000 + i},Kupac {i} Horvatović,kupac{i}@example.hr\r\n")' >"$T/batches.csv"
seq_before=$(sql "SELECT max(seq) FROM audit")
run svcmgr -q ticket import "$T/batches.csv"
expect_status 0
expect_eq "$(sql "SELECT entity FROM audit WHERE seq > $seq_before ORDER BY seq" | tr '\n' ' ')" \
    "customer ticket customer ticket customer ticket " "batch records"
expect_eq "$(sql "SELECT count(*) FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE c.id >= 100000 AND c.email = 'kupac' || (c.id - 100000) || '@example.hr' AND t.title = 'Zahtjev ' || (c.id - 100000)")" \
    "25000" "tickets and their customers"
run svcmgr audit verify
expect_status 0

finish
