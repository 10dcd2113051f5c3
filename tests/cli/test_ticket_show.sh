#!/usr/bin/env bash
# ticket show ID...: every field and the event history for people; the ticket columns for
# scripts; several ids; an unknown id is reported and the others still shown.
. "$(dirname "$0")/lib.sh"

at() { faketime -f "$1" "$SVCMGR" "${@:2}"; }

at "2026-11-02 09:00:00" ticket add "Fakturan dras två gånger" --customer "Åsa Öberg" \
    --email asa@example.se --ref INV-1 --category billing --channel phone --priority high \
    --description "Två
rader" >/dev/null
at "2026-11-02 10:00:00" ticket comment 1 --reply -m "Vi tittar" --minutes 15
at "2026-11-02 11:00:00" ticket update 1 --assignee lena --priority urgent
at "2026-11-02 12:00:00" ticket resolve 1 --cause billing-double-charge --preventable
at "2026-11-03 12:00:00" --actor "Jüri" ticket close 1 --satisfaction 5
at "2026-11-04 08:00:00" ticket add "Ekraan vilgub" --customer "Jüri Tamm" >/dev/null
counts=$(sql "SELECT (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)")

begin "ticket show prints every field, then the history in order"
run svcmgr ticket show 1
expect_status 0
expect_err ""
expect_out "id                 1
ref                INV-1
title              Fakturan dras två gånger
status             closed
priority           urgent
category           billing
channel            phone
customer_id        1
customer           Åsa Öberg
email              asa@example.se
assignee           lena
created_at         2026-11-02 09:00
updated_at         2026-11-03 12:00
first_response_at  2026-11-02 10:00
resolved_at        2026-11-02 12:00
closed_at          2026-11-03 12:00
cause              billing-double-charge
preventable        yes
satisfaction       5
minutes            15
cost               0.00
description        Två
                   rader

history
at                actor   kind     field         old_value  new_value              minutes  body
2026-11-02 09:00  tester  created                                                           Två rader
2026-11-02 10:00  tester  reply                                                         15  Vi tittar
2026-11-02 10:00  tester  status   status        new        open
2026-11-02 11:00  tester  field    priority      high       urgent
2026-11-02 11:00  tester  field    assignee                 lena
2026-11-02 12:00  tester  status   status        open       resolved
2026-11-02 12:00  tester  field    cause                    billing-double-charge
2026-11-02 12:00  tester  field    preventable              yes
2026-11-03 12:00  Jüri    status   status        resolved   closed
2026-11-03 12:00  Jüri    field    satisfaction             5"

begin "times are shown in TZ for people and in UTC for scripts"
run env TZ=Europe/Tallinn "$SVCMGR" ticket show 2
expect_eq "$(grep '^created_at' "$T/out")" "created_at         2026-11-04 10:00"
run env TZ=Europe/Tallinn "$SVCMGR" ticket show 2 --format json
expect_out '[
{"id":2,"ref":null,"title":"Ekraan vilgub","status":"new","priority":"normal","category":"other","channel":"other","customer_id":2,"customer":"Jüri Tamm","email":null,"assignee":null,"created_at":"2026-11-04T08:00:00Z","updated_at":"2026-11-04T08:00:00Z","first_response_at":null,"resolved_at":null,"closed_at":null,"cause":null,"preventable":null,"satisfaction":null,"minutes":0,"cost":"0.00","description":null}
]'

begin "several ids: one block each for people, one row each for scripts"
run svcmgr ticket show 2 1
expect_status 0
expect_eq "$(grep -c '^history$' "$T/out")" "2"
expect_eq "$(grep '^id ' "$T/out" | tr -s ' ' | tr '\n' ';')" "id 2;id 1;"
run svcmgr ticket show 2 1 --format tsv
expect_status 0
expect_out "2		Ekraan vilgub	new	normal	other	other	2	Jüri Tamm			2026-11-04T08:00:00Z	2026-11-04T08:00:00Z							0	0.00	
1	INV-1	Fakturan dras två gånger	closed	urgent	billing	phone	1	Åsa Öberg	asa@example.se	lena	2026-11-02T09:00:00Z	2026-11-03T12:00:00Z	2026-11-02T10:00:00Z	2026-11-02T12:00:00Z	2026-11-03T12:00:00Z	billing-double-charge	yes	5	15	0.00	Två\\nrader"
run svcmgr ticket show 1 2 --format csv
expect_eq "$(head -1 "$T/out")" "$(printf 'id,ref,title,status,priority,category,channel,customer_id,customer,email,assignee,created_at,updated_at,first_response_at,resolved_at,closed_at,cause,preventable,satisfaction,minutes,cost,description\r')"
expect_eq "$(wc -l <"$T/out")" "4" "csv lines (the description holds a newline)"

begin "ids from standard input"
run_in "2
1
" svcmgr ticket show - --format tsv
expect_status 0
expect_eq "$(cut -f1 "$T/out" | tr '\n' ' ')" "2 1 "

begin "an unknown id exits 1 naming it; the others are still shown"
run svcmgr ticket show 2 99 1 --format tsv
expect_status 1
expect_err "svcmgr: error: no ticket with id 99"
expect_eq "$(cut -f1 "$T/out" | tr '\n' ' ')" "2 1 "
run svcmgr ticket show 99
expect_status 1
expect_out ""
expect_err "svcmgr: error: no ticket with id 99"
run svcmgr ticket show 98 99 --format json
expect_status 1
expect_out ""
expect_err "svcmgr: error: no ticket with id 98
svcmgr: error: no ticket with id 99"

begin "ticket show needs an id and refuses a malformed one"
run svcmgr ticket show
expect_status 2
expect_out ""
expect_err_contains "svcmgr: error: id is required"
run svcmgr ticket show 1x
expect_status 2
expect_err "svcmgr: error: invalid ticket id '1x'"

begin "showing writes nothing"
expect_eq "$(sql "SELECT (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)")" "$counts"

finish
