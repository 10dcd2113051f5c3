#!/usr/bin/env bash
# Verbs over several ids and `-` (ids from standard input, one per line): each id is its own
# transaction, failures are reported per id, and the exit status says whether any failed.
. "$(dirname "$0")/lib.sh"

counts() { sql "SELECT (SELECT count(*) FROM ticket) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)"; }
statuses() { sql "SELECT group_concat(id || ':' || status, ' ') FROM (SELECT id, status FROM ticket ORDER BY id) AS t"; }

for i in 1 2 3 4 5 6; do
    svcmgr ticket add "Ticket $i" --customer "Kalle Anka" >/dev/null
done

begin "the pipe of the documentation: list resolved tickets as tsv ids and close them"
svcmgr ticket resolve 2 4 5
audit_before=$(sql "SELECT count(*) FROM audit")
svcmgr ticket list status:resolved --format tsv --columns id | svcmgr ticket close - --no-response
expect_eq "$?" "0" "exit status of the pipe"
expect_eq "$(statuses)" "1:new 2:closed 3:new 4:closed 5:closed 6:new"
expect_eq "$(sql "SELECT group_concat(action || ' ' || entity_id, ',') FROM audit WHERE seq > $audit_before")" \
    "close 2,close 4,close 5"
expect_eq "$(sql "SELECT count(*) FROM ticket WHERE id IN (2, 4, 5) AND closed_at IS NOT NULL AND satisfaction IS NULL")" "3"

begin "several ids as arguments, and - mixed with arguments"
run svcmgr ticket start 1 3
expect_status 0
expect_eq "$(statuses)" "1:in_progress 2:closed 3:in_progress 4:closed 5:closed 6:new"
run_in "4
5" svcmgr ticket reopen 2 -
expect_status 0
expect_eq "$(statuses)" "1:in_progress 2:open 3:in_progress 4:open 5:open 6:new"

begin "blank lines, surrounding spaces and CRLF line ends are accepted"
run_in "$(printf '1\r\n\n  3  \n\n')" svcmgr ticket wait - --for customer
expect_status 0
expect_out ""
expect_err ""
expect_eq "$(statuses)" "1:waiting_customer 2:open 3:waiting_customer 4:open 5:open 6:new"

begin "an empty standard input does nothing and succeeds"
before=$(counts)
run_in "" svcmgr ticket resolve -
expect_status 0
expect_out ""
expect_err ""
expect_eq "$(counts)" "$before" "rows"

begin "a refused id is reported, the others succeed, the exit status is 1"
run_in "1
6
99
3" svcmgr ticket close - --satisfaction 5
expect_status 1
expect_out ""
expect_err "svcmgr: error: cannot move ticket 1 from waiting_customer to closed (allowed: start, resolve)
svcmgr: error: cannot move ticket 6 from new to closed (allowed: start, wait --for customer, wait --for parts, resolve)
svcmgr: error: no ticket with id 99
svcmgr: error: cannot move ticket 3 from waiting_customer to closed (allowed: start, resolve)"
run_in "1
6
99
3" svcmgr ticket resolve - --cause cable-loose
expect_status 1
expect_err "svcmgr: error: no ticket with id 99"
expect_eq "$(statuses)" "1:resolved 2:open 3:resolved 4:open 5:open 6:resolved"
expect_eq "$(sql "SELECT count(*) FROM ticket WHERE cause = 'cable-loose'")" "3"

begin "each id is its own transaction: the ones before and after a failure are kept"
audit_before=$(sql "SELECT count(*) FROM audit")
run svcmgr ticket close 1 2 6 --satisfaction 4
expect_status 1
expect_err "svcmgr: error: cannot move ticket 2 from open to closed (allowed: start, wait --for customer, wait --for parts, resolve)"
expect_eq "$(sql "SELECT group_concat(entity_id, ',') FROM audit WHERE seq > $audit_before")" "1,6"
expect_eq "$(sql "SELECT group_concat(id || ':' || satisfaction, ' ') FROM ticket WHERE satisfaction IS NOT NULL")" "1:4 6:4"

begin "the same id twice: the second move is refused, the first kept"
run svcmgr ticket reopen 6 6
expect_status 1
expect_err "svcmgr: error: cannot move ticket 6 from open to open (allowed: start, wait --for customer, wait --for parts, resolve)"
expect_eq "$(sql 'SELECT status FROM ticket WHERE id = 6')" "open"

begin "a malformed line of standard input exits 65 naming it, before any ticket is touched"
before=$(counts)
run_in "2
4 5
5" svcmgr ticket start -
expect_status 65
expect_out ""
expect_err "svcmgr: error: invalid ticket id '4 5' on line 2 of standard input"
run_in "$(printf '2\t2026-11-02\n')" svcmgr ticket start -
expect_status 65
expect_err "svcmgr: error: invalid ticket id '2	2026-11-02' on line 1 of standard input"
for bad in 0 010 1e3 -4 9223372036854775808 id; do
    run_in "2
$bad" svcmgr ticket start -
    expect_status 65
    expect_err "svcmgr: error: invalid ticket id '$bad' on line 2 of standard input"
done
expect_eq "$(counts)" "$before" "rows"
expect_eq "$(sql 'SELECT status FROM ticket WHERE id = 2')" "open"

begin "a bad option value stops before reading ids or touching tickets"
before=$(counts)
run_in "2
4" svcmgr ticket close - --satisfaction 9
expect_status 2
expect_err "svcmgr: error: invalid value '9' for --satisfaction: expected 1 to 5
hint: pass --no-response when the customer did not rate"
run_in "2
4" svcmgr ticket update - --priority asap
expect_status 2
expect_eq "$(counts)" "$before" "rows"

begin "a csv with a header is not a list of ids"
before=$(counts)
svcmgr ticket list status:open --format csv --columns id >"$T/ids.csv"
run_in "$(cat "$T/ids.csv")" svcmgr ticket start -
expect_status 65
expect_err_contains "svcmgr: error: invalid ticket id 'id"
expect_err_contains "on line 1 of standard input"
expect_eq "$(counts)" "$before" "rows"

finish
