#!/usr/bin/env bash
# Bad input to the ticket verbs: each gives one clear error line (and at most one hint), the
# documented exit status, and writes nothing.
. "$(dirname "$0")/lib.sh"

counts() { sql "SELECT (SELECT count(*) FROM customer) || ' ' || (SELECT count(*) FROM ticket) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)"; }
state() { sql "SELECT * FROM ticket ORDER BY id"; }

# Exit status $1 and exactly stderr $2 (the hint line, if any, included), stdout empty.
refused() {
    expect_status "$1"
    expect_out ""
    expect_err "$2"
}

svcmgr ticket add "Arve on vale" --customer "Jüri Tamm" --email juri@example.ee >/dev/null
svcmgr ticket add "Ekraan vilgub" --customer "Jüri Tamm" >/dev/null
svcmgr ticket resolve 2 >/dev/null
before=$(counts)
snapshot=$(state)

begin "an unknown id exits 1 naming it, for every verb"
for verb in "show" "update --priority high" "comment -m hi" "start" "wait --for customer" \
    "wait --for parts" "resolve" "close --satisfaction 4" "close --no-response" "reopen"; do
    # shellcheck disable=SC2086
    run svcmgr ticket $verb 99
    refused 1 "svcmgr: error: no ticket with id 99"
done
run svcmgr ticket show 9223372036854775807
refused 1 "svcmgr: error: no ticket with id 9223372036854775807"

begin "malformed ids exit 2 naming them, for every verb"
for bad in 0 010 1e3 12,5 -5 +5 0x10 " 7" abc 9223372036854775808 ""; do
    for verb in "show" "update --priority high" "comment -m hi" "start" "resolve" \
        "close --no-response" "reopen" "wait --for parts"; do
        # shellcheck disable=SC2086
        run svcmgr ticket $verb "$bad"
        refused 2 "svcmgr: error: invalid ticket id '$bad'"
    done
done

begin "an empty or blank title is refused"
run svcmgr ticket add "" --customer X
refused 2 "svcmgr: error: the title may not be empty"
run svcmgr ticket add "   " --customer X
refused 2 "svcmgr: error: the title may not be empty"
run svcmgr ticket update 1 --title ""
refused 2 "svcmgr: error: the title may not be empty"

begin "an empty customer or an address without @ is refused"
run svcmgr ticket add "T" --customer ""
refused 2 "svcmgr: error: the customer name may not be empty"
run svcmgr ticket add "T" --customer "X" --email example.com
refused 2 "svcmgr: error: invalid email address 'example.com'"

begin "invalid priority, category and channel name the value and list the choices"
run svcmgr ticket add T --customer X --priority critical
refused 2 "svcmgr: error: invalid priority 'critical'
hint: priorities: low, normal, high, urgent"
run svcmgr ticket add T --customer X --priority HIGH
refused 2 "svcmgr: error: invalid priority 'HIGH'
hint: priorities: low, normal, high, urgent"
run svcmgr ticket add T --customer X --category food
refused 2 "svcmgr: error: unknown category 'food'
hint: allowed: purchasing, billing, troubleshooting, returns, repair, website, other"
run svcmgr ticket add T --customer X --channel fax
refused 2 "svcmgr: error: unknown channel 'fax'
hint: allowed: phone, email, store, web, other"
run svcmgr ticket update 1 --priority urgent --category ""
refused 2 "svcmgr: error: unknown category ''
hint: allowed: purchasing, billing, troubleshooting, returns, repair, website, other"
run svcmgr ticket update 1 --priority extreme
refused 2 "svcmgr: error: invalid priority 'extreme'
hint: priorities: low, normal, high, urgent"

begin "an invalid status in a filter is refused naming the term"
run svcmgr ticket list status:done
refused 2 "svcmgr: error: invalid filter term 'status:done': expected active, new, open, in_progress, waiting_customer, waiting_parts, resolved or closed"

begin "invalid UTF-8 in any argument exits 2 naming the argument"
run svcmgr ticket add "$(printf 'bad \xff byte')" --customer X
refused 2 "svcmgr: error: argument 3 is not valid UTF-8"
run svcmgr ticket add T --customer "$(printf '\xc3\x28')"
refused 2 "svcmgr: error: argument 5 is not valid UTF-8"
run svcmgr ticket comment 1 -m "$(printf 'over\xc0\xaflong')"
refused 2 "svcmgr: error: argument 5 is not valid UTF-8"
run svcmgr ticket list "$(printf '\xed\xa0\x80')"
refused 2 "svcmgr: error: argument 3 is not valid UTF-8"

begin "invalid UTF-8 or an empty message read from standard input exits 65"
run_in "$(printf 'Opis \xff')" svcmgr ticket add T --customer X --description -
refused 65 "svcmgr: error: the description read from standard input is not valid UTF-8"
run_in "$(printf '\xfe')" svcmgr ticket comment 1 -m -
refused 65 "svcmgr: error: the message read from standard input is not valid UTF-8"
run_in "

" svcmgr ticket comment 1 -m -
refused 65 "svcmgr: error: the message read from standard input is empty"

begin "dates that do not exist are refused in filters"
for term in created.after:2023-02-29 created.before:2026-13-01 updated.before:2026-04-31 \
    created.after:2026-11-01T24:00 created.after:26-11-01 created.before:7 updated.after:tomorrow; do
    run svcmgr ticket list "$term"
    refused 2 "svcmgr: error: invalid filter term '$term': expected a date (2026-11-01), today, yesterday or an age such as 7d"
done

begin "a date or an age outside the years 0001 to 9999 is refused in filters"
for term in created.after:9277777777776m updated.before:9223372036854775s created.before:200000w; do
    run svcmgr ticket list "$term"
    refused 2 "svcmgr: error: invalid filter term '$term': expected an age that reaches back no further than the year 0001"
done
run svcmgr ticket list created.after:0000-12-31
refused 2 "svcmgr: error: invalid filter term 'created.after:0000-12-31': expected a date (2026-11-01), today, yesterday or an age such as 7d"
run svcmgr ticket list created.after:0001-01-01 --format tsv --columns id
expect_status 0

begin "numbers are parsed strictly: --limit, --minutes, --satisfaction"
for n in 1e3 12,5 010 9223372036854775808 -1 +1 0x10 1.0 " 1" ""; do
    run svcmgr ticket list --limit "$n"
    refused 2 "svcmgr: error: invalid value '$n' for --limit: expected a whole number such as 15"
    run svcmgr ticket comment 1 -m hi --minutes "$n"
    refused 2 "svcmgr: error: invalid value '$n' for --minutes: expected a whole number such as 15"
    run svcmgr ticket close 2 --satisfaction "$n"
    refused 2 "svcmgr: error: invalid value '$n' for --satisfaction: expected 1 to 5
hint: pass --no-response when the customer did not rate"
done

begin "a rating outside 1-5 is refused before any ticket is touched, even one that wraps"
for n in 0 6 4294967297 9223372036854775807; do
    run svcmgr ticket close 2 --satisfaction "$n"
    refused 2 "svcmgr: error: invalid value '$n' for --satisfaction: expected 1 to 5
hint: pass --no-response when the customer did not rate"
done
run svcmgr ticket close 2
refused 2 "svcmgr: error: close needs --satisfaction 1-5 or --no-response"
run svcmgr ticket close 2 --satisfaction 4 --no-response
expect_status 2
expect_err_contains "svcmgr: error: --satisfaction excludes --no-response"

begin "more than a year of minutes in one comment is refused"
run svcmgr ticket comment 1 -m hi --minutes 525601
refused 2 "svcmgr: error: invalid minutes 525601: expected 0 to 525600 (a year) per comment"

begin "conflicting or missing options are usage errors"
run svcmgr ticket update 1
refused 2 "svcmgr: error: nothing to update
hint: pass --title, --priority, --category or --assignee"
run svcmgr ticket comment 1 --reply --inbound -m hi
expect_status 2
expect_err_contains "svcmgr: error: --reply excludes --inbound"
run svcmgr ticket comment 1 -m "  "
refused 2 "svcmgr: error: the message may not be empty"
run svcmgr ticket resolve 1 --preventable --not-preventable
expect_status 2
expect_err_contains "svcmgr: error: --preventable excludes --not-preventable"
run svcmgr ticket wait 1 --for godot
refused 2 "svcmgr: error: --for: godot not in {customer,parts}
hint: see svcmgr --help"
run svcmgr ticket wait 1
expect_status 2
expect_err_contains "--for is required"

begin "a cause is a code: spaces and the reserved word none are refused"
for cause in "double charge" "$(printf 'a\tb')" none; do
    run svcmgr ticket resolve 1 --cause "$cause"
    refused 2 "svcmgr: error: invalid cause '$cause'
hint: a cause is a code without spaces, such as billing-double-charge"
done

begin "nothing above wrote a row or changed a ticket"
expect_eq "$(counts)" "$before" "row counts"
expect_eq "$(state)" "$snapshot" "tickets"

finish
