#!/usr/bin/env bash
# svcmgr calendar: add, list, show, hours, holidays, remove; the exact periods calendar show
# prints, every bad input with its exit status and nothing written, and the SLA clocks of
# report sla and report summary on a calendar (the Friday 16:00 ticket of man svcmgr-report).
. "$(dirname "$0")/lib.sh"

clock() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
at() { faketime -f "$(clock "$1")" "$SVCMGR" "${@:2}" >/dev/null || echo "setup failed: $*" >&2; }
h=3600
audit_rows() { sql 'SELECT count(*) FROM audit'; }
state() { sql "SELECT count(*) FROM calendar"; sql "SELECT count(*) FROM calendar_hours"; \
    sql "SELECT count(*) FROM calendar_holiday"; sql "SELECT key || '=' || value FROM setting"; }

begin "calendar add prints nothing and writes one audit row as calendar:NAME"
run svcmgr calendar add office --tz Europe/Stockholm --hours 'mon-fri 08:00-12:00,13:00-17:00'
expect_status 0
expect_out ""
expect_err ""
expect_eq "$(sql "SELECT action || ' ' || entity || ':' || entity_id FROM audit")" \
    "create calendar:office" "audit"
run svcmgr audit log --entity calendar:office --format tsv
expect_eq "$(cut -f4-6 "$T/out")" $'create\tcalendar\toffice' "audit log --entity"

begin "a calendar gets the zone of TZ without --tz"
TZ=Asia/Jakarta run svcmgr calendar add jakarta --hours 'mon-fri 09:00-17:00; sat 09:00-12:00'
expect_status 0
run svcmgr calendar list --format tsv
expect_out $'jakarta\tAsia/Jakarta\tmon-fri 09:00-17:00; sat 09:00-12:00\t0
office\tEurope/Stockholm\tmon-fri 08:00-12:00,13:00-17:00\t0'

begin "holidays: one-time and yearly, listed yearly first"
run svcmgr calendar holiday add office --yearly 12-24 --name Julafton
expect_status 0
expect_out ""
svcmgr calendar holiday add office --yearly 12-25 --name Juldagen
svcmgr calendar holiday add office --yearly 12-26 --name 'Annandag jul'
svcmgr calendar holiday add office 2027-01-06 --name 'Trettondedag jul'
run svcmgr calendar holiday list office --format csv
expect_out "$(printf '%s\r\n' 'date,yearly,name,uid' '12-24,yes,Julafton,' '12-25,yes,Juldagen,' \
    '12-26,yes,Annandag jul,' '2027-01-06,no,Trettondedag jul,')"

begin "calendar show prints the business periods in local time, holidays by name"
run svcmgr calendar show office --from 2026-12-21 --days 7
expect_status 0
expect_out "$(cat <<'OUT'
date        weekday  start  end    hours  holiday
2026-12-21  Mon      08:00  12:00     4h
2026-12-21  Mon      13:00  17:00     4h
2026-12-22  Tue      08:00  12:00     4h
2026-12-22  Tue      13:00  17:00     4h
2026-12-23  Wed      08:00  12:00     4h
2026-12-23  Wed      13:00  17:00     4h
2026-12-24  Thu                       0s  Julafton
2026-12-25  Fri                       0s  Juldagen
2026-12-26  Sat                       0s  Annandag jul
OUT
)"

begin "calendar show across the spring DST change: a night range an hour short"
svcmgr calendar add night --tz Europe/Stockholm --hours 'sun 01:00-04:00'
run svcmgr calendar show night --from 2027-03-21 --days 14 --format tsv
expect_out $'2027-03-21\tSun\t01:00\t04:00\t10800\t
2027-03-28\tSun\t01:00\t04:00\t7200\t'

begin "calendar hours --from starts new hours on that date; the days before keep theirs"
run svcmgr calendar hours office --hours 'mon-fri 08:00-16:00' --from 2027-06-01
expect_status 0
run svcmgr calendar show office --from 2027-05-31 --days 2 --format csv
expect_out "$(printf '%s\r\n' 'date,weekday,start,end,hours,holiday' \
    '2027-05-31,Mon,08:00,12:00,14400,' '2027-05-31,Mon,13:00,17:00,14400,' \
    '2027-06-01,Tue,08:00,16:00,28800,')"

begin "holiday remove by date; a yearly one by MM-DD"
run svcmgr calendar holiday remove office 12-26
expect_status 0
expect_eq "$(sql "SELECT count(*) FROM calendar_holiday")" "3" "holidays"

# ---- bad input: the documented exit status, one line, nothing written -------------------------
refused() { # STATUS MESSAGE ARGS...
    local status=$1 message=$2
    shift 2
    begin "calendar $* is refused with $status"
    local rows_before state_before
    rows_before=$(audit_rows)
    state_before=$(state)
    run svcmgr calendar "$@"
    expect_status "$status"
    expect_out ""
    [ "$(head -1 "$T/err")" = "svcmgr: error: $message" ] ||
        fail "stderr was '$(cat "$T/err")', expected 'svcmgr: error: $message'"
    expect_eq "$(audit_rows)" "$rows_before" "audit rows"
    expect_eq "$(state)" "$state_before" "calendars and settings"
}
refused 65 "invalid hours 'mon-fri 8-17': '8' is not a time HH:MM" \
    add shop --tz UTC --hours 'mon-fri 8-17'
refused 65 "invalid hours 'mon-fri 08:00-17:00; fri 16:00-18:00': on fri 16:00-18:00 overlaps 08:00-17:00" \
    add shop --tz UTC --hours 'mon-fri 08:00-17:00; fri 16:00-18:00'
refused 65 "invalid hours '': no business hours at all" add shop --tz UTC --hours ''
refused 65 "invalid hours 'mon-fri 17:00-09:00': '17:00-09:00' ends before it starts" \
    hours office --hours 'mon-fri 17:00-09:00'
refused 78 "unknown time zone Europe/Stokholm" add shop --tz Europe/Stokholm --hours 'mon 09:00-10:00'
refused 1 "calendar office already exists" add office --tz UTC --hours 'mon 09:00-10:00'
refused 2 "invalid calendar name 'Shop'" add Shop --tz UTC --hours 'mon 09:00-10:00'
refused 1 "no calendar named shop" show shop
refused 1 "no calendar named shop" holiday add shop --yearly 05-01 --name 'Första maj'
refused 1 "calendar office already has a holiday on 12-24 (Julafton)" \
    holiday add office --yearly 12-24 --name again
refused 1 "calendar office has no holiday on 2027-05-01" holiday remove office 2027-05-01
refused 2 "invalid holiday date '2027-02-29'" holiday add office 2027-02-29 --name x
refused 2 "invalid yearly date '13-01'" holiday add office --yearly 13-01 --name x
refused 2 "give the holiday's date, or --yearly MM-DD, not both" \
    holiday add office 2027-05-01 --yearly 05-01 --name x
refused 2 "invalid --from date '2027-13-01'" hours office --hours 'mon 09:00-10:00' --from 2027-13-01
refused 2 "invalid holiday date '24-12'" holiday remove office 24-12

begin "calendar hours without --from starts the new hours today, in the local date of TZ"
# 2027-08-01T20:00Z, which in Auckland (UTC+12) is already 2027-08-02 08:00 (faketime reads the
# time in TZ).
run env TZ=Pacific/Auckland faketime -f '2027-08-02 08:00:00' "$SVCMGR" calendar hours night \
    --hours 'sun 02:00-05:00'
expect_status 0
expect_eq "$(sql "SELECT from_day FROM calendar_hours h JOIN calendar c ON c.id = h.calendar_id \
    WHERE c.name = 'night' ORDER BY from_day DESC LIMIT 1")" "21032" "from_day of 2027-08-02"

begin "calendar show --days outside 1 to 366 is a usage error"
run svcmgr calendar show office --days 0
expect_status 2

# ---- the SLA clocks on the calendar -----------------------------------------------------------
begin "a settings import that puts a day target on a calendar clock exits 78, writing nothing"
rows_before=$(audit_rows)
printf 'key,value\nsla.calendar,office\n' >"$T/settings.csv"
run svcmgr config import settings.csv
expect_status 78
expect_err_contains "sla.high.resolution is 1d, but the high clocks run on calendar office"
expect_eq "$(sql "SELECT count(*) FROM setting WHERE key LIKE 'sla.%'")" "0" "sla settings"
expect_eq "$(audit_rows)" "$rows_before" "audit rows"

begin "a day target on a calendar clock is refused with 78 and a hint"
run svcmgr config set sla.calendar office
expect_status 78
expect_err "svcmgr: error: sla.high.resolution is 1d, but the high clocks run on calendar office: a day there is ambiguous
hint: give sla.high.resolution in hours or business days, such as 24h or 1bd"
expect_eq "$(sql "SELECT count(*) FROM setting WHERE key = 'sla.calendar'")" "0" "stored"

begin "config set sla.calendar names a calendar that exists"
run svcmgr config set sla.calendar shop
expect_status 1
expect_err "svcmgr: error: sla.calendar names calendar shop, which does not exist
hint: svcmgr calendar list shows the calendars"

for p in high normal low; do svcmgr config set "sla.$p.resolution" 8h; done
svcmgr config set sla.normal.first_response 2h
svcmgr config set sla.calendar office
svcmgr config set sla.urgent.calendar none

begin "a calendar in use by a setting cannot be removed"
run svcmgr calendar remove office
expect_status 1
expect_err "svcmgr: error: calendar office is in use by the setting sla.calendar
hint: svcmgr config set sla.calendar with another calendar or none first"

# Friday 2026-12-04 16:00 in Stockholm (15:00Z), normal, on 08-12 and 13-17: its first response
# (2h) is due on Monday at 09:00 (08:00Z). Asked on Monday at 10:00 local (09:00Z), the first
# response is 1h late; the resolution has run 1h + 2h (08-10), and its 5 more hours run 10-12
# and 13-16: due at 16:00 (15:00Z).
fri=1796396400 # 2026-12-04T15:00:00Z
at "$fri" ticket add "Skärmen är trasig" --customer "Åsa Öberg" --category repair
begin "report sla counts business time: the Friday 16:00 ticket"
run env TZ=Europe/Stockholm faketime -f "$(TZ=Europe/Stockholm date -d @$((fri + 66 * h)) '+%Y-%m-%d %H:%M:%S')" \
    "$SVCMGR" report sla --within 8h --format tsv
expect_status 0
expect_out "$(printf '%s\n' \
    $'1\tfirst_response\tnormal\tnew\t\t7200\t10800\t2026-12-07T08:00:00Z\t3600\tSkärmen är trasig' \
    $'1\tresolution\tnormal\tnew\t\t28800\t10800\t2026-12-07T15:00:00Z\t\tSkärmen är trasig')"

begin "report summary: SLA on business time, business medians beside the elapsed ones"
at $((fri + 67 * h)) ticket comment 1 --reply -m "Vi byter skärmen"
at $((fri + 68 * h)) ticket resolve 1 --cause screen
run env TZ=Europe/Stockholm faketime -f "2026-12-08 12:00:00" "$SVCMGR" report summary \
    --since 2026-12-07 --until 2026-12-08 --format csv
expect_status 0
# First response: 2d 19h elapsed (241200 s), 4h of business (16-17 Friday, 08-11 Monday): late.
# Resolution: 2d 20h elapsed, 5 business hours: within 8h.
expect_eq "$(cut -d, -f7,9,11,12,13,14,15 "$T/out" | tail -1)" \
    '241200,244800,14400,18000,0.0,100.0,1' "medians, business medians, compliance, breaches"

begin "urgent tickets on none run 24x7"
at "$fri" ticket add "Kassan är nere" --customer "Åsa Öberg" --category repair --priority urgent
run env faketime -f "$(clock $((fri + 2 * h)))" "$SVCMGR" report sla --within 2h --format tsv
expect_eq "$(cut -f1,2,6,7,8 "$T/out" | grep -v '^1	')" \
    $'2\tfirst_response\t3600\t7200\t2026-12-04T16:00:00Z\n2\tresolution\t14400\t7200\t2026-12-04T19:00:00Z' "urgent"

begin "removing the setting frees the calendar"
svcmgr config set sla.calendar none
svcmgr config unset sla.urgent.calendar
run svcmgr calendar remove jakarta
expect_status 0
run svcmgr calendar list --format tsv
expect_eq "$(cut -f1 "$T/out" | tr '\n' ' ')" "night office " "calendars"

finish
