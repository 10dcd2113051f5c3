#!/usr/bin/env bash
# Export of every dataset: fixed columns, --columns, the four machine formats, the csv options,
# and real readers (Python's csv and json modules, the sqlite3 shell's .import) reading it exactly.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

t1=$(svcmgr ticket add "Invoice charged twice" --customer "Åsa Öberg" --email asa@example.se \
    --category billing --priority high)
svcmgr ticket comment "$t1" --reply -m $'Refund sent\n"today", with a tab\there' --minutes 10
svcmgr ticket add "=HYPERLINK(\"x\")" --customer "Kärt Tamm" >/dev/null
svcmgr inventory add 00123 --name 'Näyttö 15"' --unit-cost 42.50 >/dev/null
svcmgr inventory receive 00123 10 --unit-cost 41.00 >/dev/null
svcmgr inventory consume 00123 1 --ticket "$t1"
svcmgr config set hourly_cost 30.00

begin "ticket export writes csv with every machine column by default"
run svcmgr ticket export
expect_status 0
expect_eq "$(head -1 "$T/out")" $'id,ref,title,status,priority,category,channel,customer_id,customer,email,assignee,created_at,updated_at,first_response_at,resolved_at,closed_at,cause,preventable,satisfaction,minutes,cost,description\r' "header"
expect_eq "$(wc -l <"$T/out")" "3" "lines"

begin "--columns chooses and orders the columns; a text cell starting with = is guarded"
run svcmgr ticket export --columns title,id,cost
expect_status 0
expect_out $'title,id,cost\r\nInvoice charged twice,1,46.00\r\n"\'=HYPERLINK(""x"")",2,0.00\r'

begin "an unknown or repeated column is a usage error naming it"
run svcmgr ticket export --columns id,bogus
expect_status 2
expect_err "svcmgr: error: unknown column 'bogus'
hint: columns: id,ref,title,status,priority,category,channel,customer_id,customer,email,assignee,created_at,updated_at,first_response_at,resolved_at,closed_at,cause,preventable,satisfaction,minutes,cost,description"
run svcmgr ticket export --columns id,id
expect_status 2
expect_err "svcmgr: error: column 'id' is given twice"

begin "--bom and --delimiter ';' shape the csv"
run svcmgr customer export --bom --delimiter ';' --columns id,name
expect_status 0
expect_out $'\xef\xbb\xbfid;name\r\n1;Åsa Öberg\r\n2;Kärt Tamm\r'
run svcmgr customer export --format tsv --bom
expect_status 2
expect_err "svcmgr: error: --bom and --delimiter apply to csv only"
run svcmgr customer export --delimiter :
expect_status 2
expect_err "svcmgr: error: invalid value ':' for --delimiter: expected , or ;"

begin "tsv has no header and escapes tabs and newlines"
run svcmgr ticket events export --format tsv --columns id,kind,body
expect_status 0
expect_eq "$(sed -n 2p "$T/out")" '2	reply	Refund sent\n"today", with a tab\there' "reply row"

begin "jsonl and json carry numbers, money as strings and null"
run svcmgr ticket export --format jsonl --columns id,cost,preventable,ref
expect_status 0
expect_out '{"id":1,"cost":"46.00","preventable":null,"ref":null}
{"id":2,"cost":"0.00","preventable":null,"ref":null}'
run svcmgr inventory moves export --format json --columns id,sku,qty
expect_out '[
{"id":1,"sku":"00123","qty":10},
{"id":2,"sku":"00123","qty":-1}
]'

begin "every dataset exports its own columns"
for c in "customer" "inventory" "inventory moves" "ticket events" "config"; do
    # shellcheck disable=SC2086
    run svcmgr $c export
    expect_status 0
done
run svcmgr inventory export --columns sku,name,on_hand,unit_cost,value
expect_out $'sku,name,on_hand,unit_cost,value\r\n00123,"Näyttö 15""",9,41.00,369.00\r'
run svcmgr inventory moves export
expect_eq "$(head -1 "$T/out")" $'id,at,sku,kind,qty,ticket_id,unit_cost,actor,note\r' "moves header"
run svcmgr ticket events export
expect_eq "$(head -1 "$T/out")" $'id,ticket_id,at,actor,kind,field,old_value,new_value,minutes,body\r' "events header"
run svcmgr config export
expect_out $'key,value\r\nhourly_cost,30.00\r'

begin "an empty table exports its header alone (csv) or nothing (jsonl)"
run svcmgr --db "$T/empty.db" ticket export
expect_out $'id,ref,title,status,priority,category,channel,customer_id,customer,email,assignee,created_at,updated_at,first_response_at,resolved_at,closed_at,cause,preventable,satisfaction,minutes,cost,description\r'
run svcmgr --db "$T/empty.db" ticket export --format jsonl
expect_out ""
run svcmgr --db "$T/empty.db" ticket export --format json
expect_out "[]"

begin "Python's csv module reads the export exactly (guard apostrophe aside)"
svcmgr ticket events export >"$T/events.csv"
$PY - "$T/events.csv" <<'PYEOF' >"$T/py.out" 2>&1 || fail "python: $(cat "$T/py.out")"
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
assert len(rows) == 4, rows
assert rows[1]["body"] == 'Refund sent\n"today", with a tab\there', repr(rows[1]["body"])
assert rows[1]["minutes"] == "10"
PYEOF

begin "Python's json module reads json and jsonl exactly"
svcmgr ticket export --format json >"$T/t.json"
svcmgr ticket export --format jsonl >"$T/t.jsonl"
$PY - "$T/t.json" "$T/t.jsonl" <<'PYEOF' >"$T/py.out" 2>&1 || fail "python: $(cat "$T/py.out")"
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert a == b, (a, b)
assert a[0]["customer"] == "Åsa Öberg" and a[1]["title"] == '=HYPERLINK("x")'
assert a[0]["cost"] == "46.00" and a[0]["minutes"] == 10
PYEOF

begin "the sqlite3 shell's .import --csv reads the export"
svcmgr ticket export --columns id,title,customer >"$T/t.csv"
sqlite3 "$T/shell.db" ".import --csv $T/t.csv t" 2>"$T/err" || fail "import failed"
expect_eq "$(sqlite3 "$T/shell.db" "SELECT id || '|' || title || '|' || customer FROM t ORDER BY id")" \
    "1|Invoice charged twice|Åsa Öberg
2|'=HYPERLINK(\"x\")|Kärt Tamm" "rows read by sqlite3"

begin "export never writes to the database"
before=$(sql "SELECT count(*) FROM audit")
svcmgr ticket export >/dev/null
expect_eq "$(sql "SELECT count(*) FROM audit")" "$before" "audit rows"

finish
