#!/usr/bin/env bash
# The lifecycle verbs with exactly the transitions of DESIGN.md section 4: every verb tried from
# every status. A valid move writes the status, its timestamps, one status event and one audit
# row; an invalid one exits 1 naming the current status and the allowed verbs, and writes nothing.
. "$(dirname "$0")/lib.sh"

at() { faketime -f "$1" "$SVCMGR" "${@:2}"; }
counts() { sql "SELECT (SELECT count(*) FROM ticket) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)"; }

# A new ticket brought to status $1 by the CLI; prints its id.
ticket_in() {
    local id
    id=$(svcmgr ticket add "Ticket in $1" --customer "Kalle Anka")
    case "$1" in
    new) ;;
    open) svcmgr ticket update "$id" --assignee ana ;;
    in_progress) svcmgr ticket start "$id" ;;
    waiting_customer) svcmgr ticket wait "$id" --for customer ;;
    waiting_parts) svcmgr ticket wait "$id" --for parts ;;
    resolved) svcmgr ticket resolve "$id" ;;
    closed) svcmgr ticket resolve "$id" && svcmgr ticket close "$id" --no-response ;;
    esac
    echo "$id"
}

allowed_from() {
    case "$1" in
    new | open) echo "start, wait --for customer, wait --for parts, resolve" ;;
    in_progress) echo "wait --for customer, wait --for parts, resolve" ;;
    waiting_customer | waiting_parts) echo "start, resolve" ;;
    resolved) echo "close, reopen" ;;
    closed) echo "reopen" ;;
    esac
}

# verb (as typed) | audit action | target status | statuses it is allowed from
table="start|start|in_progress|new open waiting_customer waiting_parts
wait --for customer|wait|waiting_customer|new open in_progress
wait --for parts|wait|waiting_parts|new open in_progress
resolve|resolve|resolved|new open in_progress waiting_customer waiting_parts
close --satisfaction 3|close|closed|resolved
close --no-response|close|closed|resolved
reopen|reopen|open|resolved closed"

begin "every verb from every status: exactly the moves of the table succeed"
while IFS='|' read -r verb action target from_list; do
    for from in new open in_progress waiting_customer waiting_parts resolved closed; do
        id=$(ticket_in "$from")
        before=$(counts)
        audit_before=$(sql "SELECT count(*) FROM audit")
        # shellcheck disable=SC2086
        run svcmgr ticket $verb "$id"
        case " $from_list " in
        *" $from "*)
            expect_status 0
            expect_out ""
            expect_err ""
            expect_eq "$(sql "SELECT status FROM ticket WHERE id = $id")" "$target" "$verb from $from"
            expect_eq "$(sql "SELECT old_value || '>' || new_value FROM ticket_event WHERE ticket_id = $id AND kind = 'status' ORDER BY id DESC LIMIT 1")" \
                "$from>$target" "status event of $verb from $from"
            expect_eq "$(sql "SELECT count(*) || ' ' || group_concat(action || ' ' || entity || ' ' || entity_id) FROM audit WHERE seq > $audit_before")" \
                "1 $action ticket $id" "audit of $verb from $from"
            expect_eq "$(sql "SELECT json_extract(change, '\$.before.status') || '>' || json_extract(change, '\$.after.status') FROM audit WHERE seq > $audit_before")" \
                "$from>$target" "audit change of $verb from $from"
            ;;
        *)
            expect_status 1
            expect_out ""
            expect_err "svcmgr: error: cannot move ticket $id from $from to $target (allowed: $(allowed_from "$from"))"
            expect_eq "$(counts)" "$before" "rows after $verb from $from"
            expect_eq "$(sql "SELECT status FROM ticket WHERE id = $id")" "$from" "status after $verb from $from"
            ;;
        esac
    done
done <<<"$table"

begin "a refused move leaves the ticket exactly as it was, updated_at included"
id=$(ticket_in closed)
row=$(sql "SELECT * FROM ticket WHERE id = $id")
run at "2030-01-01 00:00:00" ticket start "$id"
expect_status 1
expect_eq "$(sql "SELECT * FROM ticket WHERE id = $id")" "$row"

begin "resolve sets resolved_at, the cause and preventable yes, and records them"
id=$(at "2026-11-02 09:00:00" ticket add "Fakturan dras två gånger" --customer "Åsa Öberg")
run at "2026-11-02 10:00:00" ticket resolve "$id" --cause billing-double-charge --preventable
expect_status 0
expect_eq "$(sql "SELECT status, resolved_at, updated_at, closed_at IS NULL, cause, preventable FROM ticket WHERE id = $id")" \
    "resolved|1793613600|1793613600|1|billing-double-charge|1"
expect_eq "$(sql "SELECT group_concat(kind || ':' || field || ':' || coalesce(old_value, '') || ':' || new_value, ',') FROM ticket_event WHERE ticket_id = $id AND kind <> 'created'")" \
    "status:status:new:resolved,field:cause::billing-double-charge,field:preventable::yes"

begin "close --satisfaction sets closed_at and the rating; --no-response leaves it empty"
run at "2026-11-03 08:00:00" ticket close "$id" --satisfaction 5
expect_status 0
expect_eq "$(sql "SELECT status, resolved_at, closed_at, satisfaction FROM ticket WHERE id = $id")" \
    "closed|1793613600|1793692800|5"
id2=$(ticket_in resolved)
run at "2026-11-03 08:00:00" ticket close "$id2" --no-response
expect_status 0
expect_eq "$(sql "SELECT status, closed_at, satisfaction IS NULL FROM ticket WHERE id = $id2")" "closed|1793692800|1"
expect_eq "$(svcmgr ticket list --format tsv --columns id,closed_at,satisfaction | grep "^$id2	")" \
    "$id2	2026-11-03T08:00:00Z	" "closed_at set, satisfaction empty"

begin "reopen clears resolved_at, closed_at and satisfaction; the history keeps them"
run at "2026-11-04 08:00:00" ticket reopen "$id"
expect_status 0
expect_eq "$(sql "SELECT status, resolved_at IS NULL, closed_at IS NULL, satisfaction IS NULL, cause, preventable, updated_at FROM ticket WHERE id = $id")" \
    "open|1|1|1|billing-double-charge|1|1793779200"
expect_eq "$(sql "SELECT group_concat(at || ':' || old_value || '>' || new_value, ',') FROM ticket_event WHERE ticket_id = $id AND kind = 'status'")" \
    "1793613600:new>resolved,1793692800:resolved>closed,1793779200:closed>open"
expect_eq "$(sql "SELECT new_value FROM ticket_event WHERE ticket_id = $id AND field = 'satisfaction'")" "5"
expect_eq "$(sql "SELECT json_extract(change, '\$.before.satisfaction') || ' ' || json_extract(change, '\$.before.closed_at') || ' ' || coalesce(json_extract(change, '\$.after.satisfaction'), 'null') FROM audit WHERE action = 'reopen' AND entity_id = '$id'")" \
    "5 1793692800 null"

begin "resolving again with --not-preventable and a new cause records the old values"
run at "2026-11-05 08:00:00" ticket resolve "$id" --cause card-expired --not-preventable
expect_status 0
expect_eq "$(sql "SELECT status, resolved_at, cause, preventable FROM ticket WHERE id = $id")" \
    "resolved|1793865600|card-expired|0"
expect_eq "$(sql "SELECT group_concat(field || ':' || old_value || '>' || new_value, ',') FROM ticket_event WHERE ticket_id = $id AND kind = 'field' AND at = 1793865600")" \
    "cause:billing-double-charge>card-expired,preventable:yes>no"

begin "resolve without --cause keeps the earlier cause; a second close rates again"
svcmgr ticket close "$id" --satisfaction 2
svcmgr ticket reopen "$id"
svcmgr ticket resolve "$id"
expect_eq "$(sql "SELECT cause, preventable FROM ticket WHERE id = $id")" "card-expired|0"
svcmgr ticket close "$id" --satisfaction 4
expect_eq "$(sql "SELECT satisfaction FROM ticket WHERE id = $id")" "4"
expect_eq "$(sql "SELECT group_concat(new_value, ',') FROM ticket_event WHERE ticket_id = $id AND field = 'satisfaction'")" "5,2,4"

begin "a status change from waiting to in_progress via start is recorded with its time"
id=$(at "2026-11-10 09:00:00" ticket add "Ekraan vilgub" --customer "Jüri Tamm")
at "2026-11-10 10:00:00" ticket wait "$id" --for parts
at "2026-11-12 10:00:00" ticket start "$id"
expect_eq "$(sql "SELECT group_concat(at || ':' || new_value, ',') FROM ticket_event WHERE ticket_id = $id AND kind = 'status'")" \
    "1794304800:waiting_parts,1794477600:in_progress"
expect_eq "$(sql "SELECT updated_at FROM ticket WHERE id = $id")" "1794477600"

finish
