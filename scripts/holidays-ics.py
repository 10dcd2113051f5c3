#!/usr/bin/python3
# Public holidays from an independent source, as an iCalendar file: Debian's python3-holidays
# for the country and years, written by python3-icalendar as all-day events, one per date
# (UID DATE@COUNTRY.holidays). With a third argument, also "DATE|NAME" lines for a test to
# compare with. Used by tests/cli/test_calendar_ics.sh and bench/calendar.sh.
# usage: scripts/holidays-ics.py SE|EE|HR|England YEARS OUT.ics [EXPECTED]   (YEARS: 2026-2028)
import datetime
import sys

import holidays
import icalendar

code, span, ics = sys.argv[1:4]
first, _, last = span.partition("-")
years = list(range(int(first), int(last or first) + 1))
if code == "SE":
    days = holidays.Sweden(years=years, include_sundays=False)  # not every Sunday
elif code == "England":
    days = holidays.England(years=years)
else:
    days = holidays.CountryHoliday(code, years=years)
cal = icalendar.Calendar()
cal.add("prodid", "-//python3-holidays//svcmgr//")
cal.add("version", "2.0")
for day, title in sorted(days.items()):
    ev = icalendar.Event()
    ev.add("uid", f"{day.isoformat()}@{code.lower()}.holidays")
    ev.add("summary", title)
    ev.add("dtstart", day)
    ev.add("dtend", day + datetime.timedelta(days=1))
    cal.add_component(ev)
with open(ics, "wb") as out:
    out.write(cal.to_ical())
if len(sys.argv) > 4:
    with open(sys.argv[4], "w", encoding="utf-8") as out:
        for day, title in sorted(days.items()):
            out.write(f"{day.isoformat()}|{title}\n")
