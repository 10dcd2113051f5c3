#!/usr/bin/env bash
# ticket list: every filter key of DESIGN.md section 7 against a hand-built set of tickets with
# known times, free words (case-insensitive beyond ASCII, wildcards and quotes literal), --sort,
# --limit, --columns, and the errors for unknown keys and malformed values.
. "$(dirname "$0")/lib.sh"

at() { faketime -f "$1" "$SVCMGR" "${@:2}"; }
NOW="2026-11-10 12:00:00"
# Ids listed at $NOW, on one line.
ids() { at "$NOW" ticket list "$@" --format tsv --columns id | tr '\n' ' ' | sed 's/ $//'; }

# The tickets (created_at; later changes):
#  1 2026-11-01 09:00 billing/phone/high, jüri; reply 11-02 (open); resolved 11-04 preventable
#  2 2026-11-03 09:00 repair/store/urgent; waits for parts 11-04
#  3 2026-11-05 09:00 purchasing/web/low, ref WEB-7; started 11-06
#  4 2026-11-07 09:00 website/email/normal; resolved 11-08 not preventable; closed 11-09
#  5 2026-11-08 09:00 other/other/normal; waits for the customer 11-08 10:00
#  6 2026-11-09 09:00 returns/phone/high; new
#  7 2026-11-09 12:00 other/other/normal; assigned to marko at once (open)
at "2026-11-01 09:00:00" ticket add "Fakturan dras två gånger" --customer "Åsa Öberg" \
    --email asa@example.se --category billing --channel phone --priority high --assignee jüri >/dev/null
at "2026-11-02 09:00:00" ticket comment 1 --reply -m "Vi tittar på det"
at "2026-11-04 09:00:00" ticket resolve 1 --cause billing-double-charge --preventable
at "2026-11-03 09:00:00" ticket add "Ekraan vilgub" --customer "Jüri Tamm" --email juri@example.ee \
    --category repair --channel store --priority urgent >/dev/null
at "2026-11-04 00:00:00" ticket wait 2 --for parts
at "2026-11-05 09:00:00" ticket add "Pesanan belum tiba" --customer "Budi Santoso" --ref WEB-7 \
    --category purchasing --channel web --priority low --description "Nomor pesanan 100% hilang" >/dev/null
at "2026-11-06 09:00:00" ticket start 3
at "2026-11-07 09:00:00" ticket add "Discount 100_percent" --customer "Mary O'Neil" \
    --email mary@example.com --category website --channel email \
    --description "code 'x'; DROP TABLE ticket;--" >/dev/null
at "2026-11-08 09:00:00" ticket resolve 4 --cause user-error --not-preventable
at "2026-11-09 09:00:00" ticket close 4 --satisfaction 4
at "2026-11-08 09:00:00" ticket add "hej åsa" --customer "Å. Öberg" --email asa@example.se >/dev/null
at "2026-11-08 10:00:00" ticket wait 5 --for customer
at "2026-11-09 09:00:00" ticket add "Računi za ŠTAMPAČ" --customer "Đurđa Šimić" --category returns \
    --channel phone --priority high >/dev/null
at "2026-11-09 12:00:00" ticket add "Order missing" --customer "Budi Santoso" >/dev/null
at "2026-11-09 12:00:00" ticket update 7 --assignee marko
reads_before=$(sql "SELECT (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)")

begin "the data set is as the comment says"
expect_eq "$(sql "SELECT group_concat(id || ':' || status, ' ') FROM (SELECT id, status FROM ticket ORDER BY id) AS t")" \
    "1:resolved 2:waiting_parts 3:in_progress 4:closed 5:waiting_customer 6:new 7:open"

begin "no terms list every ticket by id"
expect_eq "$(ids)" "1 2 3 4 5 6 7"

begin "status: a single status, or active for the five active ones"
expect_eq "$(ids status:active)" "2 3 5 6 7"
expect_eq "$(ids status:new)" "6"
expect_eq "$(ids status:open)" "7"
expect_eq "$(ids status:in_progress)" "3"
expect_eq "$(ids status:waiting_customer)" "5"
expect_eq "$(ids status:waiting_parts)" "2"
expect_eq "$(ids status:resolved)" "1"
expect_eq "$(ids status:closed)" "4"

begin "priority: exact, and priority.min: at least"
expect_eq "$(ids priority:high)" "1 6"
expect_eq "$(ids priority:low)" "3"
expect_eq "$(ids priority.min:high)" "1 2 6"
expect_eq "$(ids priority.min:urgent)" "2"
expect_eq "$(ids priority.min:normal)" "1 2 4 5 6 7"
expect_eq "$(ids priority.min:low)" "1 2 3 4 5 6 7"

begin "category and channel"
expect_eq "$(ids category:billing)" "1"
expect_eq "$(ids category:other)" "5 7"
expect_eq "$(ids category:troubleshooting)" ""
expect_eq "$(ids channel:phone)" "1 6"
expect_eq "$(ids channel:web)" "3"

begin "customer: by id, by email, by exact name"
expect_eq "$(ids customer:1)" "1 5"
expect_eq "$(ids customer:asa@example.se)" "1 5"
expect_eq "$(ids "customer:Budi Santoso")" "3 7"
expect_eq "$(ids "customer:Mary O'Neil")" "4"
expect_eq "$(ids "customer:Đurđa Šimić")" "6"
expect_eq "$(ids "customer:budi santoso")" ""
expect_eq "$(ids customer:99)" ""
expect_eq "$(ids customer:nobody@example.com)" ""

begin "assignee: a name, or none for unassigned tickets"
expect_eq "$(ids assignee:jüri)" "1"
expect_eq "$(ids assignee:marko)" "7"
expect_eq "$(ids assignee:none)" "2 3 4 5 6"
expect_eq "$(ids assignee:none status:active)" "2 3 5 6"

begin "created.after and created.before: dates (local days, half-open) and ages"
expect_eq "$(ids created.after:2026-11-05)" "3 4 5 6 7"
expect_eq "$(ids created.before:2026-11-05)" "1 2"
expect_eq "$(ids created.after:2026-11-03 created.before:2026-11-08)" "2 3 4"
expect_eq "$(ids created.after:2026-11-09T12:00)" "7"
expect_eq "$(ids created.before:7d)" "1 2"
expect_eq "$(ids created.after:7d)" "3 4 5 6 7"
expect_eq "$(ids created.after:yesterday)" "6 7"
expect_eq "$(ids created.after:today)" ""
expect_eq "$(ids created.before:2w)" ""

begin "created dates are local days in TZ"
# Ticket 7 was created 2026-11-09 12:00 UTC, 2026-11-10 02:00 at UTC+14; ticket 6 at 09:00 UTC,
# 2026-11-08 23:00 in Honolulu (UTC-10).
expect_eq "$(ids created.after:2026-11-10)" ""
expect_eq "$(TZ=Pacific/Kiritimati ids created.after:2026-11-10)" "7"
expect_eq "$(ids created.before:2026-11-09)" "1 2 3 4 5"
expect_eq "$(TZ=Pacific/Honolulu ids created.before:2026-11-09)" "1 2 3 4 5 6"

begin "updated.before and updated.after"
expect_eq "$(ids updated.before:2026-11-06)" "1 2"
expect_eq "$(ids updated.before:5d)" "1 2"
expect_eq "$(ids updated.before:7d)" ""
expect_eq "$(ids updated.after:2026-11-08)" "4 5 6 7"

begin "age.over, age.under and idle.over count back from now"
expect_eq "$(ids age.over:3d)" "1 2 3 4"
expect_eq "$(ids age.over:8d)" "1"
expect_eq "$(ids age.over:216h)" "1"
expect_eq "$(ids age.under:2d)" "6 7"
expect_eq "$(ids idle.over:5d)" "1 2"
expect_eq "$(ids idle.over:2d)" "1 2 3 5"
expect_eq "$(ids status:active idle.over:2d)" "2 3 5"
expect_eq "$(ids idle.over:1w)" ""

begin "cause and preventable"
expect_eq "$(ids cause:billing-double-charge)" "1"
expect_eq "$(ids cause:user-error)" "4"
expect_eq "$(ids cause:none)" "2 3 5 6 7"
expect_eq "$(ids cause:unknown-code)" ""
expect_eq "$(ids preventable:yes)" "1"
expect_eq "$(ids preventable:no)" "4"
expect_eq "$(ids preventable:unknown)" "2 3 5 6 7"

begin "ref"
expect_eq "$(ids ref:WEB-7)" "3"
expect_eq "$(ids ref:web-7)" ""

begin "free words: case-insensitive and Unicode-aware, in title and description, ANDed"
expect_eq "$(ids FAKTURAN)" "1"
expect_eq "$(ids ÅSA)" "5"
expect_eq "$(ids åsa)" "5"
expect_eq "$(ids "$(printf 'A\xcc\x8aSA')")" "5" # Å decomposed (A + combining ring)
expect_eq "$(ids štampač)" "6"
expect_eq "$(ids RAČUNI)" "6"
expect_eq "$(ids HILANG)" "3"
expect_eq "$(ids pesanan hilang)" "3"
expect_eq "$(ids pesanan missing)" ""
expect_eq "$(ids " vilgub ")" "2"
expect_eq "$(ids status:active ekraan)" "2"
expect_eq "$(ids status:closed ekraan)" ""

begin "free words: % and _ are literal, quotes and SQL are just text"
expect_eq "$(ids 100%)" "3"
expect_eq "$(ids %)" "3"
expect_eq "$(ids 100_)" "4"
expect_eq "$(ids _)" "4"
expect_eq "$(ids 1_0)" ""
expect_eq "$(ids "'x';")" "4"
expect_eq "$(ids "drop table")" "4"
expect_eq "$(ids "' OR 1=1 --")" ""
expect_eq "$(ids '"')" ""
expect_eq "$(sql 'SELECT count(*) FROM ticket')" "7"

begin "--sort by every key, ascending and reversed with -"
sorted() { ids --sort "$1"; }
expect_eq "$(sorted id)" "1 2 3 4 5 6 7"
expect_eq "$(sorted -id)" "7 6 5 4 3 2 1"
expect_eq "$(sorted created)" "1 2 3 4 5 6 7"
expect_eq "$(sorted -created)" "7 6 5 4 3 2 1"
expect_eq "$(sorted updated)" "2 1 3 5 4 6 7"
expect_eq "$(sorted -updated)" "7 6 4 5 3 1 2"
expect_eq "$(sorted priority)" "3 4 5 7 1 6 2"
expect_eq "$(sorted -priority)" "2 6 1 7 5 4 3"
expect_eq "$(sorted status)" "6 7 3 5 2 1 4"
expect_eq "$(sorted -status)" "4 1 2 5 3 7 6"
expect_eq "$(sorted customer)" "3 7 2 4 1 5 6"
expect_eq "$(sorted assignee)" "1 7 2 3 4 5 6"
expect_eq "$(sorted -assignee)" "7 1 6 5 4 3 2"
expect_eq "$(sorted title)" "4 2 1 7 3 6 5"
expect_eq "$(sorted ref)" "3 1 2 4 5 6 7"

begin "--limit takes the first N after filtering and sorting"
expect_eq "$(ids --limit 2)" "1 2"
expect_eq "$(ids --sort -priority --limit 3)" "2 6 1"
expect_eq "$(ids status:active --sort -created --limit 2)" "7 6"
expect_eq "$(ids --limit 100)" "1 2 3 4 5 6 7"
expect_eq "$(ids --limit 0)" ""

begin "--columns chooses and orders machine columns"
run at "$NOW" ticket list customer:1 --format csv --columns title,id,email,customer_id,preventable,cause,resolved_at
expect_status 0
expect_out "$(printf 'title,id,email,customer_id,preventable,cause,resolved_at\r\nFakturan dras två gånger,1,asa@example.se,1,yes,billing-double-charge,2026-11-04T09:00:00Z\r\nhej åsa,5,asa@example.se,1,,,\r')"
run at "$NOW" ticket list status:closed --format tsv --columns id,status,satisfaction,closed_at,first_response_at,minutes,cost
expect_out "4	closed	4	2026-11-09T09:00:00Z		0	0.00"

begin "the default columns, for people"
run at "$NOW" ticket list status:waiting_parts status:active
expect_status 0
expect_out "id  status         priority  category  customer   assignee  created_at        title
 2  waiting_parts  urgent    repair    Jüri Tamm            2026-11-03 09:00  Ekraan vilgub"

begin "an empty result prints nothing in tsv and a bare header in csv"
run at "$NOW" ticket list status:new priority:low --format tsv
expect_status 0
expect_out ""
run at "$NOW" ticket list status:new priority:low --format csv --columns id,title
expect_out "$(printf 'id,title\r')"

begin "an unknown key exits 2 naming the term and listing the keys"
run at "$NOW" ticket list status:active colour:red
expect_status 2
expect_out ""
expect_err "svcmgr: error: unknown filter key 'colour' in 'colour:red'
hint: known keys: status, priority, priority.min, category, channel, customer, assignee, ref, created.after, created.before, updated.after, updated.before, age.over, age.under, idle.over, cause, preventable"
run at "$NOW" ticket list ":x"
expect_status 2
expect_err_contains "svcmgr: error: unknown filter key '' in ':x'"
run at "$NOW" ticket list "Status:active"
expect_status 2
expect_err_contains "svcmgr: error: unknown filter key 'Status' in 'Status:active'"

begin "a malformed value exits 2 naming the term and what was expected"
check_term() {
    run at "$NOW" ticket list "$1"
    expect_status 2
    expect_out ""
    expect_err "svcmgr: error: invalid filter term '$1': expected $2"
}
check_term status:Active "active, new, open, in_progress, waiting_customer, waiting_parts, resolved or closed"
check_term status:waiting "active, new, open, in_progress, waiting_customer, waiting_parts, resolved or closed"
check_term priority:critical "low, normal, high or urgent"
check_term priority.min:High "low, normal, high or urgent"
check_term category:food "one of purchasing, billing, troubleshooting, returns, repair, website, other"
check_term channel:fax "one of phone, email, store, web, other"
check_term created.after:2023-02-29 "a date (2026-11-01), today, yesterday or an age such as 7d"
check_term created.before:2026-13-01 "a date (2026-11-01), today, yesterday or an age such as 7d"
check_term updated.before:7 "a date (2026-11-01), today, yesterday or an age such as 7d"
check_term updated.after:7x "a date (2026-11-01), today, yesterday or an age such as 7d"
check_term age.over:3 "a duration such as 3d or 12h"
check_term age.over:-3d "a duration such as 3d or 12h"
check_term age.under:1e3d "a duration such as 3d or 12h"
check_term idle.over:week "a duration such as 3d or 12h"
check_term preventable:maybe "yes, no or unknown"
check_term preventable:YES "yes, no or unknown"
for key in status priority priority.min category channel customer assignee ref created.after \
    created.before updated.after updated.before age.over age.under idle.over cause preventable; do
    check_term "$key:" "a value after the colon"
done

begin "the first bad term is named even after good ones"
run at "$NOW" ticket list status:active priority:high age.over:soon preventable:maybe
expect_status 2
expect_err "svcmgr: error: invalid filter term 'age.over:soon': expected a duration such as 3d or 12h"

begin "unknown sort keys and columns exit 2 with the allowed names"
run at "$NOW" ticket list --sort size
expect_status 2
expect_out ""
expect_err "svcmgr: error: unknown sort key 'size'
hint: sort keys: id, created, updated, priority, status, customer, assignee, title, ref (a leading - reverses)"
run at "$NOW" ticket list --sort -
expect_status 2
expect_err_contains "svcmgr: error: unknown sort key '-'"
run at "$NOW" ticket list --sort "t.id; DROP TABLE ticket"
expect_status 2
expect_err_contains "svcmgr: error: unknown sort key 't.id; DROP TABLE ticket'"
run at "$NOW" ticket list --columns id,bogus
expect_status 2
expect_out ""
expect_err "svcmgr: error: unknown column 'bogus'
hint: columns: id,ref,title,status,priority,category,channel,customer_id,customer,email,assignee,created_at,updated_at,first_response_at,resolved_at,closed_at,cause,preventable,satisfaction,minutes,cost,description"
run at "$NOW" ticket list --columns ""
expect_status 2
expect_err_contains "svcmgr: error: unknown column ''"
run at "$NOW" ticket list --columns "id,,title"
expect_status 2
expect_err_contains "svcmgr: error: unknown column ''"

begin "listing writes nothing"
expect_eq "$(sql "SELECT (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)")" "$reads_before"

finish
