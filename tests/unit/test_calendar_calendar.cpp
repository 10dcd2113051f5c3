// The calendars kept with the data: adding, versions of the hours, holidays, removal, and the
// audit record of each change.

#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/settings.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace svcmgr;
using svcmgr::test::kind_of;

namespace {

const Stamp k_stamp{"lena", 1'796'601'600}; // 2026-12-07T00:00:00Z

std::int64_t count(Database& db, const char* table) {
    Statement st(db, std::string("SELECT count(*) FROM ") + table);
    st.step();
    return st.int64(0);
}

std::string last_audit(Database& db) {
    Statement st(db, "SELECT action || ' ' || entity || ':' || entity_id || ' ' || change "
                     "FROM audit ORDER BY seq DESC LIMIT 1");
    st.step();
    return st.text(0);
}

std::int64_t day(const char* date) {
    return *parse_local_date(date);
}

Value s(const char* text) {
    return std::string(text);
}

Value n(std::int64_t v) {
    return v;
}

} // namespace

TEST_CASE("a calendar is added with its zone and hours, and audited as calendar:NAME") {
    Database db = Database::open_memory();
    add_calendar(db, "office", "Europe/Stockholm", parse_hours("mon-fri 08:00-17:00"), k_stamp);
    CHECK(last_audit(db) ==
          R"(create calendar:office {"after":{"holidays":[],"hours":[{"from":"","hours":)"
          R"("mon-fri 08:00-17:00"}],"name":"office","tz":"Europe/Stockholm"},"before":null})");
    const CalendarDef def = load_calendar(db, "office");
    CHECK(def.tz == "Europe/Stockholm");
    REQUIRE(def.versions.size() == 1);
    CHECK(format_hours(def.versions[0].hours) == "mon-fri 08:00-17:00");
    CHECK(calendar_names(db) == std::vector<std::string>{"office"});
    const Table t = list_calendars(db, k_stamp.now);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0] == Row{s("office"), s("Europe/Stockholm"), s("mon-fri 08:00-17:00"), n(0)});
}

TEST_CASE("bad calendars are refused with their exit status, and nothing is written") {
    Database db = Database::open_memory();
    const WeeklyHours hours = parse_hours("mon-fri 08:00-17:00");
    add_calendar(db, "office", "Europe/Stockholm", hours, k_stamp);
    const std::int64_t audit = count(db, "audit");
    CHECK(kind_of([&] { add_calendar(db, "office", "UTC", hours, k_stamp); }) ==
          ErrorKind::refused);
    CHECK(kind_of([&] { add_calendar(db, "Office", "UTC", hours, k_stamp); }) == ErrorKind::usage);
    CHECK(kind_of([&] { add_calendar(db, "none", "UTC", hours, k_stamp); }) == ErrorKind::usage);
    CHECK(kind_of([&] { add_calendar(db, "shop", "Europe/Stokholm", hours, k_stamp); }) ==
          ErrorKind::config);
    CHECK(kind_of([&] { add_calendar(db, "shop", "../etc/passwd", hours, k_stamp); }) ==
          ErrorKind::config);
    CHECK(kind_of([&] { add_calendar(db, "shop", "UTC", WeeklyHours{}, k_stamp); }) ==
          ErrorKind::bad_data);
    CHECK(kind_of([&] { load_calendar(db, "shop"); }) == ErrorKind::refused);
    CHECK(count(db, "calendar") == 1);
    CHECK(count(db, "audit") == audit);
}

TEST_CASE("calendar show: the periods in local time, a holiday by its name") {
    Database db = Database::open_memory();
    add_calendar(db, "office", "Europe/Stockholm", parse_hours("mon-fri 08:00-12:00,13:00-17:00"),
                 k_stamp);
    add_holiday(db, "office", {.month = 12, .month_day = 24, .yearly = true, .name = "Julafton"},
                k_stamp);
    const Table t = calendar_periods(db, "office", day("2026-12-23"), 5);
    REQUIRE(t.rows.size() == 5);
    CHECK(t.rows[0] == Row{s("2026-12-23"), s("Wed"), s("08:00"), s("12:00"), n(4 * 3600), {}});
    CHECK(t.rows[1] == Row{s("2026-12-23"), s("Wed"), s("13:00"), s("17:00"), n(4 * 3600), {}});
    CHECK(t.rows[2] == Row{s("2026-12-24"), s("Thu"), {}, {}, n(0), s("Julafton")});
    CHECK(t.rows[3] == Row{s("2026-12-25"), s("Fri"), s("08:00"), s("12:00"), n(4 * 3600), {}});
    CHECK(t.rows[4] == Row{s("2026-12-25"), s("Fri"), s("13:00"), s("17:00"), n(4 * 3600), {}});
}

TEST_CASE("new hours start on their date; the days before keep theirs") {
    Database db = Database::open_memory();
    add_calendar(db, "office", "Europe/Stockholm", parse_hours("mon-fri 08:00-17:00"), k_stamp);
    set_calendar_hours(db, "office", parse_hours("mon-fri 08:00-16:00"), day("2027-06-01"),
                       k_stamp);
    const Table t = calendar_periods(db, "office", day("2027-05-31"), 2);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0] == Row{s("2027-05-31"), s("Mon"), s("08:00"), s("17:00"), n(9 * 3600), {}});
    CHECK(t.rows[1] == Row{s("2027-06-01"), s("Tue"), s("08:00"), s("16:00"), n(8 * 3600), {}});
    // The same date again replaces that version; 0001-01-01 replaces the first.
    set_calendar_hours(db, "office", parse_hours("mon-fri 09:00-16:00"), day("2027-06-01"),
                       k_stamp);
    set_calendar_hours(db, "office", parse_hours("mon-sat 08:00-17:00"), day("0001-01-01"),
                       k_stamp);
    const CalendarDef def = load_calendar(db, "office");
    REQUIRE(def.versions.size() == 2);
    CHECK(format_hours(def.versions[0].hours) == "mon-sat 08:00-17:00");
    CHECK(format_hours(def.versions[1].hours) == "mon-fri 09:00-16:00");
    // A version from a past date changes the days from then on only.
    set_calendar_hours(db, "office", parse_hours("mon-fri 10:00-15:00"), day("2026-12-01"),
                       k_stamp);
    CHECK(calendar_periods(db, "office", day("2026-11-30"), 1).rows[0][2] == s("08:00"));
    CHECK(calendar_periods(db, "office", day("2026-12-01"), 1).rows[0][2] == s("10:00"));
    CHECK(last_audit(db).rfind("hours calendar:office ", 0) == 0);
}

TEST_CASE("holidays: added once per date, listed yearly first, removed by date") {
    Database db = Database::open_memory();
    add_calendar(db, "office", "Europe/Tallinn", parse_hours("mon-fri 09:00-17:00"), k_stamp);
    add_holiday(db, "office", {.day = day("2027-06-24"), .name = "Jaanipäev"}, k_stamp);
    add_holiday(db, "office",
                {.month = 2, .month_day = 24, .yearly = true, .name = "Iseseisvuspäev"}, k_stamp);
    CHECK(kind_of([&] {
              add_holiday(db, "office", {.day = day("2027-06-24"), .name = "again"}, k_stamp);
          }) == ErrorKind::refused);
    CHECK(kind_of([&] { add_holiday(db, "office", {.day = day("2027-06-25")}, k_stamp); }) ==
          ErrorKind::usage);
    const Table t = list_holidays(db, "office");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0] == Row{s("02-24"), n(1), s("Iseseisvuspäev"), {}});
    CHECK(t.rows[1] == Row{s("2027-06-24"), n(0), s("Jaanipäev"), {}});
    remove_holiday(db, "office", "02-24", k_stamp);
    CHECK(kind_of([&] { remove_holiday(db, "office", "02-24", k_stamp); }) == ErrorKind::refused);
    CHECK(list_holidays(db, "office").rows.size() == 1);
}

TEST_CASE("a calendar in use by a setting cannot be removed") {
    Database db = Database::open_memory();
    add_calendar(db, "office", "Europe/Zagreb", parse_hours("mon-fri 08:00-16:00"), k_stamp);
    add_holiday(db, "office", {.month = 6, .month_day = 22, .yearly = true, .name = "Dan"},
                k_stamp);
    set_setting(db, "sla.urgent.calendar", "office", k_stamp);
    try {
        remove_calendar(db, "office", k_stamp);
        FAIL("removed");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::refused);
        CHECK(std::string(e.what()) == "calendar office is in use by the setting "
                                       "sla.urgent.calendar");
    }
    CHECK(count(db, "calendar") == 1);
    unset_setting(db, "sla.urgent.calendar", k_stamp);
    remove_calendar(db, "office", k_stamp);
    CHECK(count(db, "calendar") == 0);
    CHECK(count(db, "calendar_hours") == 0);
    CHECK(count(db, "calendar_holiday") == 0);
    CHECK(last_audit(db).rfind("delete calendar:office ", 0) == 0);
    CHECK(kind_of([&] { remove_calendar(db, "office", k_stamp); }) == ErrorKind::refused);
}
