#pragma once

// Working calendars: weekly business hours in an IANA time zone, versioned by the local date they
// start on, and holidays. The SLA clocks count business time on them (man svcmgr-calendar).

#include <svcmgr/db.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/table.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// One range of business hours on a day: [start, end) in minutes after local midnight, end at
// most 1440 (24:00).
struct HoursRange {
    int start = 0;
    int end = 0;
    friend bool operator==(const HoursRange&, const HoursRange&) = default;
};

// Business hours of a week: for each weekday (0 = Monday) its ranges, sorted, not overlapping.
struct WeeklyHours {
    std::array<std::vector<HoursRange>, 7> days;
    bool empty() const;
    friend bool operator==(const WeeklyHours&, const WeeklyHours&) = default;
};

// "mon-fri 08:00-12:00,13:00-17:00; sat 10:00-14:00": groups of days (names, a-b spans, commas)
// with their ranges, separated by ';'. Ranges that touch are joined. Throws Error(bad_data)
// naming the part that is wrong: bad syntax, an empty or backwards range, overlapping ranges, a
// day given twice with overlapping ranges, or no business hours at all.
WeeklyHours parse_hours(std::string_view text);
// The canonical text: days with the same ranges grouped ("mon-fri 08:00-17:00; sat 10:00-14:00").
std::string format_hours(const WeeklyHours& hours);

// A local date, "2026-12-24": days since 1970-01-01.
std::optional<std::int64_t> parse_local_date(std::string_view s);
std::string format_local_date(std::int64_t day);

// The hours in force from local date `from` (days since 1970-01-01) until the next version.
struct HoursVersion {
    std::int64_t from = 0;
    WeeklyHours hours;
};

// A holiday: a date, or a month and day every year.
struct Holiday {
    std::int64_t day = 0; // one-time: days since 1970-01-01
    int month = 0;        // yearly: 1..12 and 1..31 (Feb 29 only in leap years)
    int month_day = 0;
    bool yearly = false;
    std::string name = {};
    std::optional<std::string> uid = {}; // from an iCalendar file: what a second import matches on
};

// A holiday's date as it is typed and stored: "2026-12-24" once, or "12-24" every year (02-29
// allowed). nullopt for anything else; the name and uid are left empty.
std::optional<Holiday> parse_holiday_date(std::string_view s);
std::string format_holiday_date(const Holiday& h);

struct CalendarDef {
    std::string name = {};
    std::string tz = {};
    std::vector<HoursVersion> versions = {}; // by `from`, the first from the beginning of time
    std::vector<Holiday> holidays = {};
};

// A stretch of business time, [start, end) in Unix seconds, and the local day it belongs to.
struct BusinessPeriod {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::int64_t day = 0;
};

// Business time on one calendar. Periods are built a local year at a time, as far as a question
// needs them, each range converted to UTC for its own date (which is what keeps DST right); sums
// are read from prefix totals, so a question costs O(log periods) however long the span.
class BusinessTime {
public:
    explicit BusinessTime(CalendarDef def);

    // Business seconds in [a, b) (0 when b <= a).
    std::int64_t elapsed(std::int64_t a, std::int64_t b);
    // The first instant t >= start with elapsed(start, t) = seconds; for 0, the first business
    // instant at or after start. nullopt when the calendar has no business time for 50 years.
    std::optional<std::int64_t> due(std::int64_t start, std::int64_t seconds);
    // The end of business on the nth business day after the local day of `start` (day 0).
    std::optional<std::int64_t> business_days_due(std::int64_t start, int n);
    // A wall-clock span w such that any clock running before end - w has reached `seconds` of
    // business time by `end` (for reading only the tickets that may fall due in a period).
    std::int64_t span_before(std::int64_t end, std::int64_t seconds);
    // The same for n business days: back to the start of the local day of the (n + 1)th
    // business day before `end`.
    std::int64_t span_before_days(std::int64_t end, int n);
    // The periods that overlap [a, b), whole.
    std::vector<BusinessPeriod> periods(std::int64_t a, std::int64_t b);

    const CalendarDef& def() const { return m_def; }
    const TimeZone& zone() const { return m_zone; }

private:
    void cover_years(int first, int last);
    void cover(std::int64_t a, std::int64_t b);
    std::size_t first_ending_after(std::int64_t t) const;
    std::int64_t before(std::int64_t t) const;    // business seconds before t in the covered years
    std::int64_t local_day(std::int64_t t) const; // t's local day; t must be covered

    CalendarDef m_def;
    TimeZone m_zone;
    int m_first_year = 0; // covered local years [m_first_year, m_last_year]; none when first > last
    int m_last_year = -1;
    std::vector<BusinessPeriod> m_periods;
    std::vector<std::int64_t> m_prefix;    // business seconds in the periods before index i
    std::vector<std::int64_t> m_midnights; // the UTC instant each covered local day starts
};

// ---- the calendars kept with the data ----------------------------------------------------------

// A calendar name: 1 to 64 of a-z 0-9 - _, and not "none" (which means 24x7 in the settings).
bool is_calendar_name(std::string_view name);

// The zone a calendar gets without --tz: TZ (without a leading ':'), else the system's zone
// (/etc/localtime), else UTC.
std::string default_zone_name();

// Adds a calendar. Throws Error(refused) when the name is taken, Error(usage) for a bad name,
// Error(config) for an unknown zone, Error(bad_data) for bad hours.
void add_calendar(Database& db, std::string_view name, std::string_view tz,
                  const WeeklyHours& hours, const Stamp& stamp);
// The calendar, with its versions and holidays. Throws Error(refused) when there is none.
CalendarDef load_calendar(Database& db, std::string_view name);
// Every calendar's name, in name order.
std::vector<std::string> calendar_names(Database& db);
// name, tz, hours (in force today), holidays: one row per calendar.
Table list_calendars(Database& db, std::int64_t now);
// Starts a version of the hours from local date `from` (replacing one that starts that day).
void set_calendar_hours(Database& db, std::string_view name, const WeeklyHours& hours,
                        std::int64_t from, const Stamp& stamp);
// Adds a holiday; refused when the calendar already has one on that date.
void add_holiday(Database& db, std::string_view name, const Holiday& holiday, const Stamp& stamp);
// Removes the holiday on `date` ("2026-12-24", or "12-24" for a yearly one); refused when none.
void remove_holiday(Database& db, std::string_view name, std::string_view date, const Stamp& stamp);
// date, yearly, name, uid: the calendar's holidays, yearly ones first by month and day.
Table list_holidays(Database& db, std::string_view name);
// What an iCalendar import did: events read, holidays written, dates that already had a holiday
// (kept as they were).
struct IcsImport {
    std::int64_t events = 0;
    std::int64_t holidays = 0;
    std::int64_t kept = 0;
};
// Imports the holidays of an iCalendar file's text (named `source` in messages): all-day events
// (of one or several days), yearly rules (a plain one becomes yearly holidays, any other is
// written out for ten years), TZID and UTC times (the local dates they cover in the calendar's
// zone). Idempotent on UID: importing a file again replaces what it wrote before. All or
// nothing: a malformed file is Error(bad_data) naming its line, and nothing is written.
IcsImport import_holidays(Database& db, std::string_view name, std::string_view text,
                          std::string_view source, const Stamp& stamp);
// The calendar's holidays as an iCalendar file (what holiday import reads back, by UID): one
// all-day event per holiday, or per run of days of one imported event; yearly ones repeat from
// 2000 with RRULE:FREQ=YEARLY. DTSTAMP is `now`.
std::string export_holidays_ics(Database& db, std::string_view name, std::int64_t now);
// Removes the calendar; refused while a setting (sla.calendar, sla.P.calendar) names it.
void remove_calendar(Database& db, std::string_view name, const Stamp& stamp);
// date, weekday, start, end, hours: the business periods of `days` local days from `from`, in the
// calendar's local time (a holiday's day shows its name and no times).
Table calendar_periods(Database& db, std::string_view name, std::int64_t from, int days);

} // namespace svcmgr
