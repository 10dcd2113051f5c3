#!/usr/bin/env bash
# ticket comment: notes, replies (the first sets first_response_at and opens a new ticket),
# inbound messages from the customer, minutes that add up, and -m - from standard input.
. "$(dirname "$0")/lib.sh"

at() { faketime -f "$1" "$SVCMGR" "${@:2}"; }
counts() { sql "SELECT (SELECT count(*) FROM ticket) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)"; }
audits() { sql "SELECT count(*) FROM audit"; }

at "2026-11-02 09:00:00" ticket add "Ekraan vilgub" --customer "Jüri Tamm" >/dev/null
at "2026-11-02 09:00:00" ticket add "Printer" --customer "Kalle Anka" >/dev/null

begin "a note: recorded with its author and time, status unchanged, one audit row"
a=$(audits)
run at "2026-11-02 09:30:00" ticket comment 1 -m "Helistasin, ei vastanud"
expect_status 0
expect_out ""
expect_err ""
expect_eq "$(sql "SELECT kind || '|' || at || '|' || actor || '|' || body || '|' || coalesce(CAST(minutes AS TEXT), 'NULL') FROM ticket_event WHERE ticket_id = 1 AND kind = 'note'")" \
    "note|1793611800|tester|Helistasin, ei vastanud|NULL"
expect_eq "$(sql 'SELECT status, first_response_at IS NULL, minutes, updated_at FROM ticket WHERE id = 1')" "new|1|0|1793611800"
expect_eq "$(sql "SELECT count(*) || ' ' || action || ' ' || entity || ' ' || entity_id FROM audit WHERE seq > $a GROUP BY action, entity, entity_id, change")" "1 comment ticket 1"

begin "an inbound message from the customer: no first response, status unchanged"
run at "2026-11-02 09:45:00" ticket comment 1 --inbound -m "Kas te helistate?"
expect_status 0
expect_eq "$(sql "SELECT kind FROM ticket_event WHERE ticket_id = 1 ORDER BY id DESC LIMIT 1")" "inbound"
expect_eq "$(sql 'SELECT status, first_response_at IS NULL FROM ticket WHERE id = 1')" "new|1"

begin "the first reply sets first_response_at and moves new to open, in one audit row"
a=$(audits)
run at "2026-11-02 10:00:00" ticket comment 1 --reply -m "Vahetame ekraani" --minutes 10
expect_status 0
expect_eq "$(sql 'SELECT status, first_response_at, minutes FROM ticket WHERE id = 1')" "open|1793613600|10"
expect_eq "$(sql "SELECT group_concat(kind || ':' || coalesce(new_value, body), ',') FROM ticket_event WHERE ticket_id = 1 AND at = 1793613600")" \
    "reply:Vahetame ekraani,status:open"
expect_eq "$(sql "SELECT count(*) || ' ' || action || ' ' || json_extract(change, '\$.after.status') || ' ' || json_extract(change, '\$.after.first_response_at') FROM audit WHERE seq > $a GROUP BY action, entity, entity_id, change")" \
    "1 comment open 1793613600"

begin "later replies keep the first response time; minutes add up"
run at "2026-11-03 10:00:00" ticket comment 1 --reply -m "Ekraan on teel" --minutes 5
expect_status 0
run at "2026-11-03 11:00:00" ticket comment 1 -m "Sisemine märkus" --minutes 0
expect_status 0
run at "2026-11-03 12:00:00" ticket comment 1 --inbound -m "Aitäh" --minutes 525600
expect_status 0
expect_eq "$(sql 'SELECT status, first_response_at, minutes, updated_at FROM ticket WHERE id = 1')" "open|1793613600|525615|1793707200"
expect_eq "$(sql "SELECT group_concat(kind || ':' || coalesce(CAST(minutes AS TEXT), '-'), ',') FROM ticket_event WHERE ticket_id = 1 AND kind IN ('note', 'reply', 'inbound')")" \
    "note:-,inbound:-,reply:10,reply:5,note:-,inbound:525600"

begin "a reply to a ticket in progress sets the first response but keeps the status"
svcmgr ticket start 2
run at "2026-11-04 08:00:00" ticket comment 2 --reply -m "On it"
expect_status 0
expect_eq "$(sql 'SELECT status, first_response_at FROM ticket WHERE id = 2')" "in_progress|1793779200"

begin "comments are allowed on a closed ticket and leave it closed"
svcmgr ticket resolve 2
svcmgr ticket close 2 --satisfaction 3
run svcmgr ticket comment 2 --inbound -m "Still broken!"
expect_status 0
run svcmgr ticket comment 2 --reply -m "Reopening tomorrow"
expect_status 0
expect_eq "$(sql 'SELECT status, satisfaction, first_response_at FROM ticket WHERE id = 2')" "closed|3|1793779200"

begin "-m - reads the message from standard input, without the final newlines"
run_in "Rida üks
	rida kaks 100% \\ 'x'

" svcmgr ticket comment 1 -m -
expect_status 0
expect_eq "$(sql "SELECT body FROM ticket_event WHERE ticket_id = 1 ORDER BY id DESC LIMIT 1")" "Rida üks
	rida kaks 100% \\ 'x'"

begin "comment takes exactly one id and a message"
before=$(counts)
run svcmgr ticket comment 1 2 -m hi
expect_status 2
expect_out ""
expect_err_contains "svcmgr: error:"
run svcmgr ticket comment 1
expect_status 2
expect_err_contains "--message is required"
run svcmgr ticket comment 99 -m hi
expect_status 1
expect_err "svcmgr: error: no ticket with id 99"
run svcmgr ticket comment 1 -m hi --minutes 010
expect_status 2
expect_err "svcmgr: error: invalid value '010' for --minutes: expected a whole number such as 15"
expect_eq "$(counts)" "$before" "rows"

finish
