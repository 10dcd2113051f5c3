#!/usr/bin/env bash
# Bad input to import: each is an error naming the row and the column, exit 65, and nothing
# written (checked with sqlite3). An empty file is an error; a header alone is zero rows.
. "$(dirname "$0")/lib.sh"

svcmgr ticket add "Existing" --customer "Åsa Öberg" >/dev/null
svcmgr inventory add 00123 --name "Part" >/dev/null
state() { sql "SELECT count(*) FROM ticket; SELECT count(*) FROM customer; SELECT count(*) FROM audit; SELECT count(*) FROM stock_move; SELECT group_concat(on_hand) FROM part"; }
initial=$(state)

# bad NAME PRINTF-INPUT EXPECTED-STDERR [VERB...]
bad() {
    local name=$1 input=$2 expected=$3
    shift 3
    begin "$name"
    # shellcheck disable=SC2059
    printf "$input" >"$T/in.csv"
    if [ $# -eq 0 ]; then set -- ticket; fi
    run svcmgr "$@" import "$T/in.csv"
    expect_status 65
    expect_out ""
    expect_err "$expected"
    expect_eq "$(state)" "$initial" "database state"
}

bad "an empty file" '' \
    "svcmgr: error: the input is empty: expected a header line naming the columns"
bad "an unterminated quote" 'title,customer\nok,Åsa Öberg\n"never closed,x\n' \
    "svcmgr: error: row 3, column title: unterminated quoted field (the input ends inside it)"
bad "a stray quote inside an unquoted field" 'title,customer\nab"c,x\n' \
    "svcmgr: error: row 2, column title: stray quote: quote a field that contains quotes, doubling them"
bad "text after a closing quote" 'title,customer\n"ab"c,x\n' \
    "svcmgr: error: row 2, column title: stray quote: a quoted field must end at a delimiter or the end of the row"
bad "a row with fewer fields" 'title,customer,email\nok,x\n' \
    "svcmgr: error: row 2, column email: missing: the row has 2 of the header's 3 fields"
bad "a row with more fields" 'title,customer\nok,x,y\n' \
    "svcmgr: error: row 2, column 3: the row has more fields than the header's 2"
bad "a duplicate header column" 'title,customer,title\n' \
    "svcmgr: error: row 1, column title: the header names this column twice"
bad "a missing header column" 'customer,email\nx,y@example.com\n' \
    "svcmgr: error: row 1, column title: missing from the header"
bad "an unknown header column" 'title,customer,colour\n' \
    "svcmgr: error: row 1, column colour: unknown column
hint: columns: id,ref,title,status,priority,category,channel,customer_id,customer,email,assignee,created_at,updated_at,first_response_at,resolved_at,closed_at,cause,preventable,satisfaction,minutes,cost,description"
bad "a NUL byte" 'title,customer\nok,Åsa Öberg\na\0b,x\n' \
    "svcmgr: error: row 3, column title: a NUL byte is not allowed"
bad "invalid UTF-8" 'title,customer\nok,\xc3\n' \
    "svcmgr: error: row 2, column customer: not valid UTF-8"
bad "a bare carriage return" 'title,customer\r\nok,x\rnext,y\r\n' \
    "svcmgr: error: row 2, column customer: a carriage return outside quotes must end the row (CRLF)"
bad "a status outside the lifecycle" 'title,customer,status\nfirst,x,new\nsecond,x,done\n' \
    "svcmgr: error: row 3, column status: unknown status 'done' (statuses: new, open, in_progress, waiting_customer, waiting_parts, resolved, closed)"
bad "an unknown priority" 'title,customer,priority\nok,x,asap\n' \
    "svcmgr: error: row 2, column priority: unknown priority 'asap' (priorities: low, normal, high, urgent)"
bad "a category outside the list" 'title,customer,category\nok,x,gossip\n' \
    "svcmgr: error: row 2, column category: unknown category 'gossip' (allowed: purchasing, billing, troubleshooting, returns, repair, website, other)"
bad "an impossible date" 'title,customer,created_at\nok,x,2026-02-29T10:00:00Z\n' \
    "svcmgr: error: row 2, column created_at: invalid time '2026-02-29T10:00:00Z': expected UTC such as 2026-11-22T11:53:03Z"
bad "a number with a leading zero" 'title,customer,minutes\nok,x,010\n' \
    "svcmgr: error: row 2, column minutes: invalid number '010': expected a whole number such as 12"
bad "a satisfaction outside 1-5" 'title,customer,satisfaction\nok,x,6\n' \
    "svcmgr: error: row 2, column satisfaction: invalid satisfaction 6: expected 1 to 5"
bad "an empty required cell" 'title,customer\n,x\n' \
    "svcmgr: error: row 2, column title: may not be empty"
bad "a reference to an unknown part" 'at,sku,kind,qty,unit_cost,actor\n2026-01-01T00:00:00Z,00123,receive,5,1.00,me\n2026-01-01T00:00:00Z,999,receive,5,1.00,me\n' \
    "svcmgr: error: row 3, column sku: unknown part '999'
hint: import the parts first" inventory moves
bad "money in another form" 'at,sku,kind,qty,unit_cost,actor\n2026-01-01T00:00:00Z,00123,receive,5,1.5e2,me\n' \
    "svcmgr: error: row 2, column unit_cost: invalid amount '1.5e2': expected a sum such as 12.50" inventory moves
bad "a move below zero stock" 'at,sku,kind,qty,unit_cost,actor\n2026-01-01T00:00:00Z,00123,receive,2,1.00,me\n2026-01-02T00:00:00Z,00123,adjust,-3,1.00,me\n' \
    "svcmgr: error: row 3, column qty: '00123' has 2 on hand: a move of -3 would take it below zero" inventory moves
bad "an event of an unknown ticket" 'ticket_id,at,actor,kind\n77,2026-01-01T00:00:00Z,me,note\n' \
    "svcmgr: error: row 2, column ticket_id: no ticket with id 77
hint: import the tickets first" ticket events
bad "a SKU a spreadsheet would take for a formula" 'sku,name\n=1+1,x\n' \
    "svcmgr: error: row 2, column sku: invalid SKU '=1+1': it may not start with = + - @ ' or a control character" inventory
bad "an unknown setting" 'key,value\nfavourite_colour,blue\n' \
    "svcmgr: error: row 2, column key: unknown setting favourite_colour" config
bad "a bad jsonl line" '{"title":"a","customer":"x"}\n{"title":"b"\n' \
    "svcmgr: error: row 2: not a JSON object" --format jsonl ticket
bad "a jsonl line without a key of the first" '{"title":"a","customer":"x"}\n{"title":"b"}\n' \
    "svcmgr: error: row 2, column customer: missing (every line needs the keys of the first)" --format jsonl ticket

begin "a header alone is zero rows, exit 0"
printf 'title,customer\r\n' >"$T/in.csv"
run svcmgr ticket import "$T/in.csv"
expect_status 0
expect_err "imported 0 rows: 0 created, 0 updated, 0 unchanged"
expect_eq "$(state)" "$initial" "database state"

begin "a missing file exits 66"
run svcmgr ticket import "$T/nope.csv"
expect_status 66
expect_err "svcmgr: error: cannot open $T/nope.csv: No such file or directory"

# Into empty tables the import drops the secondary indexes (on PostgreSQL also the foreign keys,
# and disables the id triggers) and restores them at the end: a bad row, after some good ones,
# leaves every one of them in place.
schema_objects() {
    if on_postgres; then
        sql "SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = current_schema()
             UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid)
               FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
             UNION ALL SELECT 'trigger ' || tgname || ' ' || tgenabled::text FROM pg_trigger
               WHERE NOT tgisinternal ORDER BY 1"
    else
        sql "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema
             WHERE type IN ('index', 'trigger') ORDER BY 1"
    fi
}
reset_db
svcmgr config list >/dev/null
objects=$(schema_objects)
begin "a bad row into empty tables leaves their indexes, keys and triggers"
printf 'id,title,customer,email,status\n5,Kvitto saknas,Åsa Öberg,asa@example.se,open\n' >"$T/in.csv"
printf '6,Arve puudu,Jüri Tamm,juri@example.ee,new\n7,Tagihan,Budi Santoso,,done\n' >>"$T/in.csv"
run svcmgr ticket import "$T/in.csv"
expect_status 65
expect_err "svcmgr: error: row 4, column status: unknown status 'done' (statuses: new, open, in_progress, waiting_customer, waiting_parts, resolved, closed)"
expect_eq "$(schema_objects)" "$objects" "indexes, constraints and triggers"
expect_eq "$(sql 'SELECT count(*) FROM ticket; SELECT count(*) FROM customer')" "0
0" "rows"

begin "a good import into empty tables restores them too"
printf 'id,title,customer,email\n5,Kvitto saknas,Åsa Öberg,asa@example.se\n' >"$T/in.csv"
run svcmgr -q ticket import "$T/in.csv"
expect_status 0
expect_eq "$(schema_objects)" "$objects" "indexes, constraints and triggers"
# New rows get the next ids again (on PostgreSQL from the id trigger).
expect_eq "$(svcmgr ticket add 'Arve puudu' --customer 'Jüri Tamm')" "6" "the next ticket's id"
expect_eq "$(sql 'SELECT max(id) FROM customer')" "2" "the next customer's id"
run svcmgr db check
expect_status 0

begin "import reads csv or jsonl only"
run svcmgr --format tsv ticket import "$T/in.csv"
expect_status 2
expect_err "svcmgr: error: import reads csv or jsonl
hint: pass --format csv (the default) or --format jsonl"

finish
