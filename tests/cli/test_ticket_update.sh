#!/usr/bin/env bash
# ticket update: each field, its history and one audit row per changed ticket; assigning a new
# ticket opens it; an update that changes nothing writes nothing.
. "$(dirname "$0")/lib.sh"

at() { faketime -f "$1" "$SVCMGR" "${@:2}"; }
counts() { sql "SELECT (SELECT count(*) FROM ticket) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)"; }
events() { sql "SELECT group_concat(kind || ':' || field || ':' || coalesce(old_value, '') || '>' || coalesce(new_value, ''), ',') FROM ticket_event WHERE ticket_id = $1 AND kind IN ('field', 'status')"; }
audits() { sql "SELECT count(*) FROM audit"; }

for i in 1 2 3 4; do
    at "2026-11-02 09:00:00" ticket add "Ticket $i" --customer "Kalle Anka" >/dev/null
done

begin "--title changes the title, records old and new, one audit row"
a=$(audits)
run at "2026-11-02 10:00:00" ticket update 1 --title "Fakturan dras två gånger; 100%_'x'"
expect_status 0
expect_out ""
expect_err ""
expect_eq "$(sql 'SELECT title, updated_at, status FROM ticket WHERE id = 1')" "Fakturan dras två gånger; 100%_'x'|1793613600|new"
expect_eq "$(events 1)" "field:title:Ticket 1>Fakturan dras två gånger; 100%_'x'"
expect_eq "$(sql "SELECT count(*) || ' ' || action || ' ' || entity || ' ' || entity_id || ' ' || json_extract(change, '\$.before.title') || ' > ' || json_extract(change, '\$.after.title') FROM audit WHERE seq > $a GROUP BY action, entity, entity_id, change")" \
    "1 update ticket 1 Ticket 1 > Fakturan dras två gånger; 100%_'x'"

begin "--priority and --category"
run svcmgr ticket update 1 --priority urgent --category billing
expect_status 0
expect_eq "$(sql 'SELECT priority, category FROM ticket WHERE id = 1')" "urgent|billing"
expect_eq "$(events 1)" "field:title:Ticket 1>Fakturan dras två gånger; 100%_'x',field:priority:normal>urgent,field:category:other>billing"

begin "--assignee on a new ticket assigns it and moves it to open, in one audit row"
a=$(audits)
run at "2026-11-02 11:00:00" ticket update 2 --assignee "Đurđa"
expect_status 0
expect_eq "$(sql 'SELECT assignee, status, updated_at FROM ticket WHERE id = 2')" "Đurđa|open|1793617200"
expect_eq "$(events 2)" "field:assignee:>Đurđa,status:status:new>open"
expect_eq "$(sql "SELECT count(*) || ' ' || action || ' ' || json_extract(change, '\$.before.status') || '>' || json_extract(change, '\$.after.status') FROM audit WHERE seq > $a GROUP BY action, entity, entity_id, change")" \
    "1 update new>open"

begin "reassigning an open ticket keeps it open"
run svcmgr ticket update 2 --assignee marko
expect_eq "$(sql 'SELECT assignee, status FROM ticket WHERE id = 2')" "marko|open"
expect_eq "$(events 2)" "field:assignee:>Đurđa,status:status:new>open,field:assignee:Đurđa>marko"

begin "--assignee on a ticket in another status leaves the status alone"
svcmgr ticket wait 3 --for parts
run svcmgr ticket update 3 --assignee lena
expect_eq "$(sql 'SELECT assignee, status FROM ticket WHERE id = 3')" "lena|waiting_parts"
svcmgr ticket resolve 3
svcmgr ticket close 3 --no-response
run svcmgr ticket update 3 --priority low --title "Closed but corrected"
expect_status 0
expect_eq "$(sql 'SELECT priority, title, status FROM ticket WHERE id = 3')" "low|Closed but corrected|closed"

begin "--assignee '' unassigns; a new ticket unassigned stays new"
run svcmgr ticket update 2 --assignee ""
expect_status 0
expect_eq "$(sql 'SELECT assignee IS NULL, status FROM ticket WHERE id = 2')" "1|open"
run svcmgr ticket update 4 --assignee ""
expect_status 0
expect_eq "$(sql 'SELECT assignee IS NULL, status FROM ticket WHERE id = 4')" "1|new"

begin "an update that changes nothing writes nothing"
before=$(counts)
row=$(sql 'SELECT * FROM ticket WHERE id = 1')
run at "2026-12-01 00:00:00" ticket update 1 --priority urgent --category billing
expect_status 0
expect_eq "$(counts)" "$before" "rows"
expect_eq "$(sql 'SELECT * FROM ticket WHERE id = 1')" "$row" "ticket"

begin "several ids and ids from stdin; each is its own change"
a=$(audits)
run svcmgr ticket update 1 4 --priority high
expect_status 0
expect_eq "$(sql 'SELECT group_concat(priority) FROM ticket WHERE id IN (1, 4)')" "high,high"
expect_eq "$(sql "SELECT group_concat(entity_id) FROM audit WHERE seq > $a")" "1,4"
run_in "4
1
" svcmgr ticket update - --category repair
expect_status 0
expect_eq "$(sql 'SELECT group_concat(category) FROM ticket WHERE id IN (1, 4)')" "repair,repair"

begin "an unknown id among several: reported, exit 1, the others updated"
run svcmgr ticket update 1 99 4 --title "Renamed"
expect_status 1
expect_out ""
expect_err "svcmgr: error: no ticket with id 99"
expect_eq "$(sql "SELECT count(*) FROM ticket WHERE title = 'Renamed'")" "2"

begin "a bad value is refused before any ticket changes"
before=$(counts)
run svcmgr ticket update 1 4 --category food
expect_status 2
expect_err "svcmgr: error: unknown category 'food'
hint: allowed: purchasing, billing, troubleshooting, returns, repair, website, other"
run svcmgr ticket update 1 4 --title " "
expect_status 2
expect_err "svcmgr: error: the title may not be empty"
run svcmgr ticket update 1 4 --priority low --category food
expect_status 2
expect_eq "$(counts)" "$before" "rows"

finish
