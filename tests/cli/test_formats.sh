#!/usr/bin/env bash
# The machine formats are contracts for scripts: documented column names, UTC ISO 8601 times, tsv
# escaping, the csv guard, json types, and the same bytes under cron (env -i) as interactively.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Stockholm
at() { faketime -f "$1" "$SVCMGR" "${@:2}" >/dev/null || echo "setup failed: $*" >&2; }

at '2026-11-22 12:53:03' config set hourly_cost 60
at '2026-11-22 12:53:03' ticket add $'Tab\there, back\\slash' --customer "Åsa Öberg" \
    --email asa@example.se --ref "00123" --category billing --channel phone --priority high \
    --assignee "Đurđa" --description $'line one\nline two\r\nend'
at '2026-11-22 13:00:00' ticket comment 1 --reply --message "On it" --minutes 30
at '2026-11-23 09:15:00' ticket resolve 1 --cause double_charge --preventable
at '2026-11-24 10:00:00' ticket close 1 --satisfaction 4
at '2026-11-24 11:00:00' ticket add "=SUM(A1:A9)" --customer "+Jüri" --description "@home"
at '2026-11-24 11:30:00' ticket add "-5 degrees" --customer "＝Wide" --description "'quoted"

all_columns="id,ref,title,status,priority,category,channel,customer_id,customer,email,assignee,created_at,updated_at,first_response_at,resolved_at,closed_at,cause,preventable,satisfaction,minutes,cost,description"

begin "csv header is the documented column list, in order"
run svcmgr ticket list --format csv --columns "$all_columns"
expect_status 0
expect_eq "$(head -1 "$T/out")" "$all_columns"$'\r' "header"

begin "csv parses with Python's csv module: RFC 4180, CRLF, UTF-8, times in UTC"
python3 - "$T/out" <<'EOF' || fail "csv check failed"
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.count(b"\r\n") >= 4 and not raw.startswith(b"\xef\xbb\xbf"), raw[:80]
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 3, rows
r = rows[0]
expected = {
    "id": "1", "ref": "00123", "title": "Tab\there, back\\slash", "status": "closed",
    "priority": "high", "category": "billing", "channel": "phone", "customer_id": "1",
    "customer": "Åsa Öberg", "email": "asa@example.se", "assignee": "Đurđa",
    "created_at": "2026-11-22T11:53:03Z", "updated_at": "2026-11-24T09:00:00Z",
    "first_response_at": "2026-11-22T12:00:00Z", "resolved_at": "2026-11-23T08:15:00Z",
    "closed_at": "2026-11-24T09:00:00Z", "cause": "double_charge", "preventable": "yes",
    "satisfaction": "4", "minutes": "30", "cost": "30.00",
    "description": "line one\nline two\r\nend",
}
for key, value in expected.items():
    assert r[key] == value, (key, r[key], value)
EOF

begin "csv guards text cells that a spreadsheet would run as formulas"
python3 - "$T/out" <<'EOF' || fail "csv guard check failed"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
by_id = {r["id"]: r for r in rows}
assert by_id["2"]["title"] == "'=SUM(A1:A9)", by_id["2"]["title"]
assert by_id["2"]["customer"] == "'+Jüri", by_id["2"]["customer"]
assert by_id["2"]["description"] == "'@home", by_id["2"]["description"]
assert by_id["3"]["title"] == "'-5 degrees", by_id["3"]["title"]
assert by_id["3"]["customer"] == "'＝Wide", by_id["3"]["customer"]
assert by_id["3"]["description"] == "''quoted", by_id["3"]["description"]
# ids, refs and numbers are never guarded
assert by_id["1"]["ref"] == "00123"
EOF

begin "tsv: no header, one line per record, escaped tab, newline, CR and backslash"
run svcmgr ticket list --format tsv --columns id,title,description,created_at,preventable,cost
expect_status 0
expect_out "$(printf '%s\n' \
    '1	Tab\there, back\\slash	line one\nline two\r\nend	2026-11-22T11:53:03Z	yes	30.00' \
    "2	=SUM(A1:A9)	@home	2026-11-24T10:00:00Z		0.00" \
    "3	-5 degrees	'quoted	2026-11-24T10:30:00Z		0.00")"
expect_eq "$(wc -l <"$T/out")" "3" "lines"

begin "json is an array of typed objects with every documented column"
run svcmgr ticket list --format json --columns "$all_columns"
expect_status 0
python3 - "$T/out" "$all_columns" <<'EOF' || fail "json check failed"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(rows, list) and len(rows) == 3
r = rows[0]
assert list(r.keys()) == sys.argv[2].split(","), list(r.keys())
assert r["id"] == 1 and r["customer_id"] == 1 and r["minutes"] == 30 and r["satisfaction"] == 4
assert r["preventable"] is True
assert r["cost"] == "30.00"             # money is a string: no float
assert r["ref"] == "00123"              # refs keep leading zeros
assert r["created_at"] == "2026-11-22T11:53:03Z"
assert r["title"] == "Tab\there, back\\slash"
assert r["description"] == "line one\nline two\r\nend"
n = rows[1]
assert n["preventable"] is None and n["satisfaction"] is None and n["closed_at"] is None
assert n["ref"] is None and n["assignee"] is None and n["email"] is None
assert n["title"] == "=SUM(A1:A9)"      # no csv guard outside csv
EOF

begin "jsonl is one object per line, the same objects as json"
run svcmgr ticket list --format json --columns "$all_columns"
cp "$T/out" "$T/all.json"
run svcmgr ticket list --format jsonl --columns "$all_columns"
expect_status 0
expect_eq "$(wc -l <"$T/out")" "3" "lines"
python3 - "$T/all.json" "$T/out" <<'EOF' || fail "jsonl differs from json"
import json, sys
array = json.load(open(sys.argv[1], encoding="utf-8"))
lines = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert array == lines
EOF

begin "an empty result: csv header only, empty tsv, [] in json, nothing in jsonl"
run svcmgr ticket list status:waiting_parts --format csv --columns id,title
expect_out $'id,title\r'
run svcmgr ticket list status:waiting_parts --format tsv
expect_out ""
run svcmgr ticket list status:waiting_parts --format json
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == []' "$T/out" || fail "json: $(out)"
run svcmgr ticket list status:waiting_parts --format jsonl
expect_out ""

begin "the table shows local time; machine formats do not depend on TZ"
run svcmgr ticket list --columns id,created_at
expect_out "$(printf 'id  created_at\n 1  2026-11-22 12:53\n 2  2026-11-24 11:00\n 3  2026-11-24 11:30')"
for format in csv tsv json jsonl; do
    a=$("$SVCMGR" ticket list --format "$format" --columns "$all_columns" | md5sum)
    b=$(TZ=Asia/Jakarta "$SVCMGR" ticket list --format "$format" --columns "$all_columns" | md5sum)
    expect_eq "$b" "$a" "$format under another TZ"
done

begin "machine formats are byte-identical under env -i (cron) and interactively"
for format in csv tsv json jsonl; do
    for cmd in "ticket list --columns $all_columns" "customer list" "customer show 1" "config list"; do
        # shellcheck disable=SC2086
        TERM=xterm LANG=sv_SE.UTF-8 "$SVCMGR" $cmd --format "$format" >"$T/interactive" 2>&1
        # shellcheck disable=SC2086
        env -i PATH=/usr/bin:/bin HOME="$HOME" TZ=UTC "$SVCMGR" --db "$DB" $cmd \
            --format "$format" >"$T/cron" 2>&1
        cmp -s "$T/interactive" "$T/cron" || fail "$cmd --format $format differs under env -i"
    done
done
# and on a terminal (script gives a pty, which turns LF into CRLF)
script -qec "env TERM=xterm $SVCMGR ticket list --format json --columns $all_columns" /dev/null |
    tr -d '\r' >"$T/tty"
"$SVCMGR" ticket list --format json --columns "$all_columns" | tr -d '\r' >"$T/pipe"
cmp -s "$T/tty" "$T/pipe" || fail "json on a terminal differs from json in a pipe"

begin "an unknown column exits 2"
run svcmgr ticket list --format csv --columns id,bogus
expect_status 2
expect_out ""
expect_err_contains "bogus"

finish
