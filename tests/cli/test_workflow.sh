#!/usr/bin/env bash
# The ticket workflow from the shell: add, list with filters, show, update, comment, every
# lifecycle verb, ids from stdin, and that a refused command writes nothing.
. "$(dirname "$0")/lib.sh"

at() { faketime -f "$1" "$SVCMGR" "${@:2}"; }
counts() { sql "SELECT (SELECT count(*) FROM ticket) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)"; }

begin "ticket add prints only the id and matches customers by email, then by name"
run at "2026-11-02 09:00:00" ticket add "Fakturan dras två gånger" --customer "Åsa Öberg" \
    --email asa@example.se --category billing --channel phone --priority high
expect_status 0
expect_out "1"
expect_err ""
at "2026-11-03 10:00:00" ticket add "Ny faktura" --customer "Å. Öberg" --email asa@example.se >/dev/null
at "2026-11-04 11:00:00" ticket add "Ekraan vilgub" --customer "Jüri Tamm" --category repair \
    --channel store >/dev/null
at "2026-11-05 12:00:00" ticket add "Arve on vale" --customer "Jüri Tamm" --category billing >/dev/null
expect_eq "$(sql 'SELECT group_concat(customer_id) FROM ticket')" "1,1,2,2"
expect_eq "$(sql 'SELECT count(*) FROM customer')" "2"

begin "a name shared by two customers needs --email"
svcmgr ticket add "Other Jüri" --customer "Jüri Tamm" --email juri2@example.ee >/dev/null
before=$(counts)
run svcmgr ticket add "Which one?" --customer "Jüri Tamm"
expect_status 1
expect_err "svcmgr: error: several customers are named 'Jüri Tamm'
hint: pass --email to say which one (svcmgr customer list shows them)"
expect_eq "$(counts)" "$before" "rows"

begin "--description - reads standard input; --ref is unique"
run_in "Narudžba 100% nije stigla
druga linija" svcmgr ticket add "Narudžba nije stigla" --customer "Đurđa Šimić" --ref WEB-7 \
    --description - --category purchasing --channel web --assignee marko
expect_status 0
expect_out "6"
expect_eq "$(sql "SELECT description FROM ticket WHERE id = 6")" "Narudžba 100% nije stigla
druga linija"
run svcmgr ticket add "Duplicate" --customer "Budi" --ref WEB-7
expect_status 1
expect_err "svcmgr: error: ref 'WEB-7' is already ticket 6"

begin "ticket list shows the default columns for people"
run svcmgr ticket list customer:juri2@example.ee
expect_status 0
expect_eq "$(head -1 "$T/out")" "id  status  priority  category  customer   assignee  created_at        title"

begin "filters: status, priority, category, channel, customer, assignee"
list() { svcmgr ticket list "$@" --format tsv --columns id | tr '\n' ' '; }
expect_eq "$(list priority:high)" "1 "
expect_eq "$(list priority.min:normal)" "1 2 3 4 5 6 "
expect_eq "$(list category:billing)" "1 4 "
expect_eq "$(list channel:store)" "3 "
expect_eq "$(list customer:1)" "1 2 "
expect_eq "$(list customer:asa@example.se)" "1 2 "
expect_eq "$(list "customer:Jüri Tamm")" "3 4 5 "
expect_eq "$(list assignee:marko)" "6 "
expect_eq "$(list assignee:none status:active)" "1 2 3 4 5 "
expect_eq "$(list ref:WEB-7)" "6 "
expect_eq "$(list customer:nobody@example.com)" ""

begin "filters: times and ages"
expect_eq "$(at '2026-11-06 00:00:00' ticket list created.after:2026-11-03 created.before:2026-11-05 --format tsv --columns id | tr '\n' ' ')" "2 3 "
expect_eq "$(at '2026-11-06 00:00:00' ticket list age.over:3d --format tsv --columns id | tr '\n' ' ')" "1 "
expect_eq "$(at '2026-11-06 00:00:00' ticket list created.before:2d --format tsv --columns id | tr '\n' ' ')" "1 2 "
expect_eq "$(at '2026-11-08 00:00:00' ticket list idle.over:4d --format tsv --columns id | tr '\n' ' ')" "1 2 "

begin "free words: case-insensitive beyond ASCII, literal % and _ and quotes"
expect_eq "$(list FAKTURA)" "1 2 "
expect_eq "$(list ÅSA)" ""
expect_eq "$(list NARUDŽBA)" "6 "
expect_eq "$(list '100%')" "6 "
expect_eq "$(list '10_%')" ""
expect_eq "$(list "'; DROP TABLE ticket; --")" ""
expect_eq "$(sql 'SELECT count(*) FROM ticket')" "6"

begin "SQL metacharacters are stored literally"
id=$(svcmgr ticket add "O'Neil said \"100%_done\"; DROP TABLE ticket;--" --customer "Mary O'Neil")
expect_eq "$(sql "SELECT title FROM ticket WHERE id = $id")" "O'Neil said \"100%_done\"; DROP TABLE ticket;--"
expect_eq "$(list '100%_done')" "$id "

begin "--sort, a reversed key, --limit and --columns"
expect_eq "$(svcmgr ticket list --sort -id --limit 2 --format tsv --columns id,priority | tr '\n\t' ' :')" "7:normal 6:normal "
expect_eq "$(svcmgr ticket list --sort -priority --limit 1 --format tsv --columns id)" "1"
run svcmgr ticket list --columns id,bogus
expect_status 2
expect_err_contains "svcmgr: error: unknown column 'bogus'"
run svcmgr ticket list --sort size
expect_status 2
expect_err_contains "svcmgr: error: unknown sort key 'size'"

begin "an unknown filter key or a malformed value exits 2 naming the term"
for term in colour:red status:bogus priority:critical priority.min:x category:food channel:fax \
    created.after:2023-02-29 created.before:2026-13-01 age.over:soon preventable:maybe; do
    run svcmgr ticket list "$term"
    expect_status 2
    expect_err_contains "'$term'"
    expect_out ""
done

begin "bad numbers for --limit are refused"
for n in 1e3 12,5 010 9223372036854775808 -1 0x10; do
    run svcmgr ticket list --limit "$n"
    expect_status 2
    expect_err_contains "invalid value '$n' for --limit"
done

begin "ticket show prints every field and the history; unknown ids exit 1"
run svcmgr ticket show 6
expect_status 0
grep -q '^ref  *WEB-7$' "$T/out" || fail "no ref line"
grep -q '^history$' "$T/out" || fail "no history"
run svcmgr ticket show 6 99
expect_status 1
expect_err "svcmgr: error: no ticket with id 99"
run svcmgr ticket show 1 6 --format tsv
expect_status 0
expect_eq "$(cut -f1,2 "$T/out" | tr '\n\t' ' :')" "1: 6:WEB-7 "

begin "ticket update changes fields, records history, assigning a new ticket opens it"
run svcmgr ticket update 3 --priority urgent --assignee "Đurđa" --title "Ekraan vilgub tugevalt"
expect_status 0
expect_out ""
expect_eq "$(sql 'SELECT priority, assignee, status, title FROM ticket WHERE id = 3')" "urgent|Đurđa|open|Ekraan vilgub tugevalt"
expect_eq "$(sql "SELECT group_concat(field || '=' || new_value, ',') FROM ticket_event WHERE ticket_id = 3 AND kind IN ('field', 'status')")" "title=Ekraan vilgub tugevalt,priority=urgent,assignee=Đurđa,status=open"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE entity = 'ticket' AND entity_id = '3'")" "2"
run svcmgr ticket update 3
expect_status 2
expect_err "svcmgr: error: nothing to update
hint: pass --title, --priority, --category or --assignee"

begin "ticket comment: a reply sets first_response_at once; minutes add up; -m - reads stdin"
run at "2026-11-06 08:00:00" ticket comment 4 --reply -m "Kontrollime" --minutes 10
expect_status 0
at "2026-11-06 09:00:00" ticket comment 4 --reply -m "Parandatud" --minutes 5 >/dev/null
run_in "Klient helistas uuesti" svcmgr ticket comment 4 --inbound -m -
expect_status 0
expect_eq "$(sql 'SELECT status, first_response_at, minutes FROM ticket WHERE id = 4')" "open|1793952000|15"
expect_eq "$(sql "SELECT group_concat(kind, ',') FROM ticket_event WHERE ticket_id = 4 AND kind IN ('reply', 'inbound')")" "reply,reply,inbound"
run svcmgr ticket comment 4 --reply --inbound -m x
expect_status 2
run svcmgr ticket comment 4 -m ""
expect_status 2
expect_err "svcmgr: error: the message may not be empty"

begin "the lifecycle: wait, start, resolve with a cause, close with a rating, reopen"
svcmgr ticket wait 4 --for parts
expect_eq "$(sql 'SELECT status FROM ticket WHERE id = 4')" "waiting_parts"
svcmgr ticket start 4
svcmgr ticket resolve 4 --cause billing-double-charge --preventable
expect_eq "$(sql 'SELECT status, cause, preventable, resolved_at IS NOT NULL FROM ticket WHERE id = 4')" "resolved|billing-double-charge|1|1"
svcmgr ticket close 4 --satisfaction 5
expect_eq "$(sql 'SELECT status, satisfaction, closed_at IS NOT NULL FROM ticket WHERE id = 4')" "closed|5|1"
svcmgr ticket reopen 4
expect_eq "$(sql 'SELECT status, resolved_at, closed_at, satisfaction FROM ticket WHERE id = 4')" "open|||"
expect_eq "$(sql "SELECT count(*) FROM ticket_event WHERE ticket_id = 4 AND field = 'satisfaction' AND new_value = '5'")" "1"

begin "an invalid transition exits 1 naming the status and the allowed verbs, writing nothing"
svcmgr ticket resolve 4 --not-preventable
svcmgr ticket close 4 --no-response
before=$(counts)
run svcmgr ticket wait 4 --for parts
expect_status 1
expect_err "svcmgr: error: cannot move ticket 4 from closed to waiting_parts (allowed: reopen)"
run svcmgr ticket start 4
expect_status 1
run svcmgr ticket close 2 --satisfaction 3
expect_status 1
expect_err "svcmgr: error: cannot move ticket 2 from new to closed (allowed: start, wait --for customer, wait --for parts, resolve)"
expect_eq "$(counts)" "$before" "rows"

begin "close needs a rating from 1 to 5 or --no-response"
svcmgr ticket resolve 2
before=$(counts)
for bad in 0 6 1e3 010 abc; do
    run svcmgr ticket close 2 --satisfaction "$bad"
    expect_status 2
done
run svcmgr ticket close 2
expect_status 2
expect_err "svcmgr: error: close needs --satisfaction 1-5 or --no-response"
run svcmgr ticket close 2 --satisfaction 4 --no-response
expect_status 2
expect_eq "$(counts)" "$before" "rows"

begin "ids from stdin: resolved tickets closed in one pipe"
svcmgr ticket resolve 1 3
svcmgr ticket list status:resolved --format tsv --columns id >"$T/ids"
expect_eq "$(tr '\n' ' ' <"$T/ids")" "1 2 3 "
run_in "$(cat "$T/ids")" svcmgr ticket close - --no-response
expect_status 0
expect_eq "$(svcmgr ticket list status:closed --format tsv --columns id | tr '\n' ' ')" "1 2 3 4 "

begin "several ids: each its own transaction, failures reported, status says one failed"
run svcmgr ticket start 5 99 6
expect_status 1
expect_err "svcmgr: error: no ticket with id 99"
expect_eq "$(sql 'SELECT status FROM ticket WHERE id IN (5, 6) ORDER BY id' | tr '\n' ' ')" "in_progress in_progress "

begin "malformed ids: exit 2 as arguments, 65 from stdin, nothing written"
before=$(counts)
for bad in abc 0 010 1e3 -5 9223372036854775808; do
    run svcmgr ticket start 7 "$bad"
    expect_status 2
    expect_err "svcmgr: error: invalid ticket id '$bad'"
done
run_in "7
x7
" svcmgr ticket start -
expect_status 65
expect_err "svcmgr: error: invalid ticket id 'x7' on line 2 of standard input"
expect_eq "$(counts)" "$before" "rows"

begin "invalid values in arguments exit 2 and write nothing"
before=$(counts)
run svcmgr ticket add "" --customer x
expect_status 2
expect_err "svcmgr: error: the title may not be empty"
run svcmgr ticket add t --customer x --priority critical
expect_status 2
expect_err_contains "invalid priority 'critical'"
run svcmgr ticket add t --customer x --category food
expect_status 2
expect_err "svcmgr: error: unknown category 'food'
hint: allowed: purchasing, billing, troubleshooting, returns, repair, website, other"
run svcmgr ticket add t --customer x --channel fax
expect_status 2
run svcmgr ticket add "$(printf 'bad \xff byte')" --customer x
expect_status 2
expect_err "svcmgr: error: argument 3 is not valid UTF-8"
run svcmgr ticket comment 7 -m hi --minutes 1e3
expect_status 2
run svcmgr ticket comment 7 -m hi --minutes 12,5
expect_status 2
run svcmgr ticket update 7 --priority low --category food
expect_status 2
expect_eq "$(counts)" "$before" "rows"

finish
