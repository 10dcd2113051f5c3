#!/usr/bin/env bash
# svcmgr calendar holiday import: iCalendar files as Thunderbird, Google and Outlook write them
# (all-day and multi-day events, yearly rules, TZID and UTC times), idempotent on UID, all or
# nothing on a malformed file; and the public holidays of Sweden, Estonia, Croatia and England
# for 2026-2028 from an independent source (Debian's python3-holidays, written as .ics by
# python3-icalendar) checked day by day against calendar show.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3 # Debian's python, with python3-holidays and python3-icalendar
audit_rows() { sql 'SELECT count(*) FROM audit'; }
holidays() { sql "SELECT date || '|' || name || '|' || coalesce(uid, '') FROM calendar_holiday ORDER BY length(date), date"; }

svcmgr calendar add office --tz Europe/Stockholm --hours 'mon-fri 08:00-17:00'

# CRLF line ends, a folded line, a VTIMEZONE, and an alarm inside an event, as clients write.
printf '%s\r\n' \
    'BEGIN:VCALENDAR' 'VERSION:2.0' 'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN' \
    'BEGIN:VTIMEZONE' 'TZID:Europe/Stockholm' \
    'BEGIN:STANDARD' 'DTSTART:19701025T030000' 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU' \
    'TZOFFSETFROM:+0200' 'TZOFFSETTO:+0100' 'TZNAME:CET' 'END:STANDARD' \
    'BEGIN:DAYLIGHT' 'DTSTART:19700329T020000' 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU' \
    'TZOFFSETFROM:+0100' 'TZOFFSETTO:+0200' 'TZNAME:CEST' 'END:DAYLIGHT' 'END:VTIMEZONE' \
    'BEGIN:VEVENT' 'UID:julafton@example.se' 'SUMMARY:Julafton' \
    'DTSTART;VALUE=DATE:20261224' 'DTEND;VALUE=DATE:20261225' 'RRULE:FREQ=YEARLY' \
    'BEGIN:VALARM' 'ACTION:DISPLAY' 'TRIGGER:-PT15M' 'DESCRIPTION:x' 'END:VALARM' 'END:VEVENT' \
    'BEGIN:VEVENT' 'UID:jul-2027@example.se' 'SUMMARY:Julledighet' \
    'DTSTART;VALUE=DATE:20271227' 'DTEND;VALUE=DATE:20271230' 'END:VEVENT' \
    'BEGIN:VEVENT' 'UID:kick-off@example.se' 'SUMMARY:Kick-off i Sk' ' övde' \
    'DTSTART;TZID=Europe/Stockholm:20270115T090000' \
    'DTEND;TZID=Europe/Stockholm:20270115T170000' 'END:VEVENT' \
    'BEGIN:VEVENT' 'UID:inventering@example.se' 'SUMMARY:Inventering' \
    'DTSTART:20270531T230000Z' 'DTEND:20270601T150000Z' 'END:VEVENT' \
    'BEGIN:VEVENT' 'UID:midsommar@example.se' 'SUMMARY:Midsommarafton' \
    'DTSTART;VALUE=DATE:20260619' 'RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=19,20,21,22,23,24,25;BYDAY=FR' \
    'END:VEVENT' \
    'END:VCALENDAR' >"$T/office.ics"

begin "holiday import reads all-day, multi-day, yearly, TZID and UTC events"
run svcmgr calendar holiday import office office.ics
expect_status 0
expect_out ""
expect_err "imported 17 holidays from 5 events of office.ics"
expect_eq "$(sql "SELECT action || ' ' || entity || ':' || entity_id FROM audit ORDER BY seq DESC LIMIT 1")" \
    "import calendar:office" "audit"
expect_eq "$(holidays | head -7)" "12-24|Julafton|julafton@example.se
2026-06-19|Midsommarafton|midsommar@example.se
2027-01-15|Kick-off i Skövde|kick-off@example.se
2027-06-01|Inventering|inventering@example.se
2027-06-25|Midsommarafton|midsommar@example.se
2027-12-27|Julledighet|jul-2027@example.se
2027-12-28|Julledighet|jul-2027@example.se" "holidays"
# Midsommarafton: the Friday between June 19 and 25, each year up to ten years after this one.
expect_eq "$(sql "SELECT count(*) FROM calendar_holiday WHERE uid = 'midsommar@example.se'")" \
    "11" "midsommar dates"
expect_eq "$(sql "SELECT date FROM calendar_holiday WHERE uid = 'midsommar@example.se' AND date LIKE '2028%'")" \
    "2028-06-23" "midsommar 2028"

begin "a second import of the same file changes nothing and writes no audit row"
rows=$(audit_rows)
before=$(holidays)
run svcmgr calendar holiday import office office.ics
expect_status 0
expect_eq "$(holidays)" "$before" "holidays"
expect_eq "$(audit_rows)" "$rows" "audit rows"

begin "an event moved in a new export replaces its old dates"
sed 's/20271230/20271231/' "$T/office.ics" >"$T/moved.ics"
run svcmgr calendar holiday import office moved.ics
expect_status 0
expect_eq "$(sql "SELECT group_concat(date, ' ') FROM (SELECT date FROM calendar_holiday WHERE uid = 'jul-2027@example.se' ORDER BY date) AS d")" \
    "2027-12-27 2027-12-28 2027-12-29 2027-12-30" "Julledighet"

begin "a date that already has a holiday keeps it"
svcmgr calendar add shop --tz Europe/Stockholm --hours 'mon-sat 10:00-18:00'
svcmgr calendar holiday add shop 2027-12-28 --name Stängt
run svcmgr calendar holiday import shop office.ics
expect_status 0
expect_err "imported 16 holidays from 5 events of office.ics (1 dates kept the holiday they had)"
expect_eq "$(sql "SELECT h.name FROM calendar_holiday h JOIN calendar c ON c.id = h.calendar_id WHERE c.name = 'shop' AND date = '2027-12-28'")" \
    "Stängt" "kept"

begin "calendar export writes iCalendar that holiday import reads back, UIDs kept"
svcmgr calendar add tallinn --tz Europe/Tallinn --hours 'mon-fri 09:00-17:00'
svcmgr calendar holiday add tallinn --yearly 02-24 --name 'Iseseisvuspäev; vabariigi aastapäev'
svcmgr calendar holiday add tallinn 2027-06-23 --name Võidupüha
svcmgr calendar holiday add tallinn 2027-06-24 --name Jaanipäev
run faketime -f '2026-12-08 09:30:00' "$SVCMGR" calendar export tallinn
expect_status 0
expect_out "$(printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 'PRODID:-//svcmgr//calendar export//EN' \
    CALSCALE:GREGORIAN X-WR-CALNAME:tallinn X-WR-TIMEZONE:Europe/Tallinn \
    BEGIN:VEVENT UID:02-24@tallinn.svcmgr DTSTAMP:20261208T093000Z \
    'SUMMARY:Iseseisvuspäev\; vabariigi aastapäev' 'DTSTART;VALUE=DATE:20000224' \
    'DTEND;VALUE=DATE:20000225' RRULE:FREQ=YEARLY TRANSP:TRANSPARENT END:VEVENT \
    BEGIN:VEVENT UID:2027-06-23@tallinn.svcmgr DTSTAMP:20261208T093000Z SUMMARY:Võidupüha \
    'DTSTART;VALUE=DATE:20270623' 'DTEND;VALUE=DATE:20270624' TRANSP:TRANSPARENT END:VEVENT \
    BEGIN:VEVENT UID:2027-06-24@tallinn.svcmgr DTSTAMP:20261208T093000Z SUMMARY:Jaanipäev \
    'DTSTART;VALUE=DATE:20270624' 'DTEND;VALUE=DATE:20270625' TRANSP:TRANSPARENT END:VEVENT \
    END:VCALENDAR)"
svcmgr calendar export office >"$T/office-export.ics"
svcmgr calendar add copy --tz Europe/Stockholm --hours 'mon-fri 08:00-17:00'
run svcmgr calendar holiday import copy office-export.ics
expect_status 0
expect_eq "$(svcmgr calendar holiday list copy --format tsv)" \
    "$(svcmgr calendar holiday list office --format tsv)" "holidays after the round trip"

# ---- malformed files: 65 naming the line, nothing written -------------------------------------
refused() { # FILE-CONTENT-LINES... (printf'd with CRLF) ; EXPECTED via $expect
    begin "$1"
    local rows state
    rows=$(audit_rows)
    state=$(holidays)
    printf '%s\r\n' "${@:3}" >"$T/bad.ics"
    run svcmgr calendar holiday import office bad.ics
    expect_status 65
    expect_err "svcmgr: error: bad.ics:$2
hint: nothing was imported"
    expect_eq "$(audit_rows)" "$rows" "audit rows"
    expect_eq "$(holidays)" "$state" "holidays"
}
refused "a line that is not NAME:VALUE" "4: not an iCalendar content line NAME:VALUE: 'SUMMARY Julafton'" \
    BEGIN:VCALENDAR BEGIN:VEVENT UID:a 'SUMMARY Julafton' 'DTSTART;VALUE=DATE:20271224' END:VEVENT END:VCALENDAR
refused "an event never ended" "5: END:VCALENDAR inside VEVENT (line 2)" \
    BEGIN:VCALENDAR BEGIN:VEVENT UID:a 'DTSTART;VALUE=DATE:20271224' END:VCALENDAR
refused "a calendar never ended" "1: BEGIN:VCALENDAR is never ended" \
    BEGIN:VCALENDAR BEGIN:VEVENT UID:a 'DTSTART;VALUE=DATE:20271224' END:VEVENT
refused "END of the wrong component" "4: END:VTODO inside VEVENT (line 2)" \
    BEGIN:VCALENDAR BEGIN:VEVENT UID:a END:VTODO END:VCALENDAR
refused "an event without a UID" "2: an event without a UID (an import matches events on it)" \
    BEGIN:VCALENDAR BEGIN:VEVENT SUMMARY:x 'DTSTART;VALUE=DATE:20271224' END:VEVENT END:VCALENDAR
refused "an event without a start" "2: an event without a valid DTSTART" \
    BEGIN:VCALENDAR BEGIN:VEVENT UID:a SUMMARY:x END:VEVENT END:VCALENDAR
refused "not a calendar at all" "1: not an iCalendar content line NAME:VALUE: 'date,name'" \
    'date,name' '2027-12-24,Julafton'
refused "a file of another component" "1: an iCalendar file starts with BEGIN:VCALENDAR" \
    BEGIN:VCARD FN:Åsa END:VCARD

begin "a file that cannot be opened exits 66"
run svcmgr calendar holiday import office missing.ics
expect_status 66
expect_err "svcmgr: error: cannot open missing.ics: No such file or directory"

# ---- public holidays from an independent source -----------------------------------------------
if ! "$PY" -c 'import holidays, icalendar' 2>/dev/null; then
    skip_suite "python3-holidays and python3-icalendar are not installed"
fi
# Debian's python3-holidays (0.10) has no Indonesia: its holidays cannot be checked this way.
for country in SE:Europe/Stockholm EE:Europe/Tallinn HR:Europe/Zagreb England:Europe/London; do
    code=${country%%:*} zone=${country#*:}
    name=$(tr 'A-Z' 'a-z' <<<"$code")
    "$PY" "$SVCMGR_SOURCE_DIR/scripts/holidays-ics.py" "$code" 2026-2028 "$T/$name.ics" \
        "$T/$name.expected"
    begin "the public holidays of $code 2026-2028 import and show on their days"
    svcmgr calendar add "$name" --tz "$zone" --hours 'mon-sun 09:00-17:00'
    run svcmgr calendar holiday import "$name" "$name.ics"
    expect_status 0
    : >"$T/$name.shown"
    for from in 2026-01-01 2027-01-01 2028-01-01; do
        svcmgr calendar show "$name" --from "$from" --days 366 --format tsv |
            awk -F'\t' '$6 != "" && $1 < "2029" { print $1 "|" $6 }' >>"$T/$name.shown"
    done
    sort -u -o "$T/$name.shown" "$T/$name.shown"
    expect_eq "$(cat "$T/$name.shown")" "$(cat "$T/$name.expected")" "holidays shown"
    [ "$(wc -l <"$T/$name.expected")" -gt 20 ] || fail "only $(wc -l <"$T/$name.expected") holidays"
done

finish
