// The SLA clocks in business time: hand-worked tickets on a Stockholm calendar, with pauses,
// a priority raised to a 24x7 clock, business days and the DST change.

#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/settings.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"
#include "report/clocks.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace svcmgr;
using namespace svcmgr::report;
using svcmgr::test::kind_of;

namespace {

const Stamp k_stamp{"lena", 1'796'601'600};
constexpr std::int64_t k_hour = 3600;
constexpr std::int64_t k_never = 4'000'000'000;

std::int64_t utc(const char* iso) {
    return *parse_utc_timestamp(iso);
}

std::string iso(std::optional<std::int64_t> t) {
    return t ? format_iso_utc(*t) : "never";
}

// A database whose normal tickets run on a Stockholm office calendar and urgent ones 24x7.
Database office_db() {
    Database db = Database::open_memory();
    add_calendar(db, "office", "Europe/Stockholm", parse_hours("mon-fri 08:00-17:00"), k_stamp);
    for (const char* p : {"urgent", "high", "normal", "low"}) {
        set_setting(db, fmt::format("sla.{}.first_response", p), "2h", k_stamp);
        set_setting(db, fmt::format("sla.{}.resolution", p), "8h", k_stamp);
    }
    set_setting(db, "sla.urgent.resolution", "4h", k_stamp);
    set_setting(db, "sla.calendar", "office", k_stamp);
    set_setting(db, "sla.urgent.calendar", "none", k_stamp);
    return db;
}

TicketHistory ticket(std::int64_t created, Priority p = Priority::normal) {
    TicketHistory h;
    h.id = 1;
    h.created_at = created;
    h.priority = p;
    h.events.push_back(
        {.at = created, .kind = EventKind::created, .field = {}, .old_value = {}, .new_value = {}});
    return h;
}

void status(TicketHistory& h, std::int64_t at, const char* from, const char* to) {
    h.events.push_back({.at = at,
                        .kind = EventKind::status,
                        .field = "status",
                        .old_value = from,
                        .new_value = to});
    h.status = *parse_status(to);
}

} // namespace

TEST_CASE("clocks: opened on Friday at 16:00, 8 business hours are due on Monday at 15:00") {
    Database db = office_db();
    SlaClocks clocks(db);
    const TicketHistory h = ticket(utc("2026-12-04T15:00:00Z"));
    CHECK(clocks.resolution_target(h) == 8 * k_hour);
    CHECK(iso(clocks.resolution_due(h, 8 * k_hour, k_never)) == "2026-12-07T14:00:00Z");
    CHECK(iso(clocks.resolution_late(h, 8 * k_hour, k_never)) == "2026-12-07T14:00:00Z");
    CHECK(clocks.running(h, utc("2026-12-06T23:00:00Z")) == k_hour);
}

TEST_CASE("clocks: a target used up at the close of business is late when business resumes") {
    Database db = office_db();
    set_setting(db, "sla.normal.first_response", "9h", k_stamp);
    SlaClocks clocks(db);
    const TicketHistory h = ticket(utc("2026-12-07T07:00:00Z")); // Monday 08:00
    CHECK(iso(clocks.first_response_due(h, 9 * k_hour)) == "2026-12-07T16:00:00Z");
    CHECK(iso(clocks.first_response_late(h, 9 * k_hour)) == "2026-12-08T07:00:00Z");
}

TEST_CASE("clocks: opened out of hours and paused, the clock starts when it resumes") {
    Database db = office_db();
    SlaClocks clocks(db);
    // Saturday 10:00, waiting for the customer at once; resumed on Monday at 10:00.
    TicketHistory h = ticket(utc("2026-12-05T09:00:00Z"));
    status(h, utc("2026-12-05T09:00:00Z"), "new", "waiting_customer");
    status(h, utc("2026-12-07T09:00:00Z"), "waiting_customer", "open");
    CHECK(iso(clocks.resolution_due(h, 2 * k_hour, k_never)) == "2026-12-07T11:00:00Z");
    CHECK(clocks.running(h, utc("2026-12-07T10:00:00Z")) == k_hour);
    // The first-response clock never pauses, but counts from the next business instant.
    CHECK(iso(clocks.first_response_due(h, 2 * k_hour)) == "2026-12-07T09:00:00Z");
}

TEST_CASE("clocks: a priority raised mid-ticket moves the clock to the calendar then in force") {
    Database db = office_db();
    SlaClocks clocks(db);
    // Normal from Monday 16:00 local on the office calendar, urgent (24x7, 4h) from 17:30: one
    // office hour, then three hours round the clock, due at 20:30 local.
    TicketHistory raised = ticket(utc("2026-12-07T15:00:00Z"), Priority::urgent);
    raised.events.push_back({.at = utc("2026-12-07T16:30:00Z"),
                             .kind = EventKind::field,
                             .field = "priority",
                             .old_value = "normal",
                             .new_value = "urgent"});
    CHECK(clocks.resolution_target(raised) == 4 * k_hour);
    CHECK(clocks.business(raised, raised.created_at, utc("2026-12-07T16:30:00Z")) == k_hour);
    CHECK(clocks.business(raised, raised.created_at, utc("2026-12-07T17:30:00Z")) == 2 * k_hour);
    CHECK(iso(clocks.resolution_due(raised, 4 * k_hour, k_never)) == "2026-12-07T19:30:00Z");
    // Urgent throughout, it ran 24x7 from the start: due at 20:00 local.
    const TicketHistory urgent = ticket(utc("2026-12-07T15:00:00Z"), Priority::urgent);
    CHECK(iso(clocks.resolution_due(urgent, 4 * k_hour, k_never)) == "2026-12-07T19:00:00Z");
}

TEST_CASE("clocks: 3bd opened on a Friday is due at the end of business on Wednesday") {
    Database db = office_db();
    set_setting(db, "sla.normal.resolution", "3bd", k_stamp);
    SlaClocks clocks(db);
    const TicketHistory h = ticket(utc("2026-12-04T15:00:00Z"));
    CHECK(clocks.resolution_target(h) == 28 * k_hour);
    CHECK(iso(clocks.resolution_due(h, clocks.resolution_target(h), k_never)) ==
          "2026-12-09T16:00:00Z");
}

TEST_CASE("clocks: across the Stockholm DST change of 2027-03-28") {
    Database db = office_db();
    SlaClocks clocks(db);
    // Friday 12:00 CET (11:00Z): five hours on Friday, three on Monday, 11:00 CEST = 09:00Z.
    const TicketHistory h = ticket(utc("2027-03-26T11:00:00Z"));
    CHECK(iso(clocks.resolution_due(h, 8 * k_hour, k_never)) == "2027-03-29T09:00:00Z");
}

TEST_CASE("clocks: 24x7 when no calendar is set, as before calendars existed") {
    Database db = Database::open_memory();
    SlaClocks clocks(db);
    TicketHistory h = ticket(utc("2026-12-04T15:00:00Z"));
    status(h, utc("2026-12-04T16:00:00Z"), "new", "waiting_parts");
    status(h, utc("2026-12-05T16:00:00Z"), "waiting_parts", "in_progress");
    CHECK(clocks.resolution_target(h) == 3 * 86'400);
    CHECK(clocks.running(h, utc("2026-12-05T17:00:00Z")) == 2 * k_hour);
    // One hour on Friday, then 71 from Saturday 16:00.
    CHECK(iso(clocks.resolution_due(h, 3 * 86'400, k_never)) == "2026-12-08T15:00:00Z");
    CHECK(iso(clocks.first_response_due(h, 8 * k_hour)) == "2026-12-04T23:00:00Z");
}

TEST_CASE("clocks: settings with a day on a calendar clock stop a report with exit 78") {
    Database db = office_db();
    Statement(db, "UPDATE setting SET value = '3d' WHERE key = 'sla.normal.resolution'").run();
    CHECK(kind_of([&] { SlaClocks clocks(db); }) == ErrorKind::config);
}

TEST_CASE("clocks: on a calendar that is closed every day a clock is never due") {
    Database db = office_db();
    constexpr int k_days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; ++m) {
        for (int d = 1; d <= k_days_in[m - 1]; ++d) {
            add_holiday(db, "office",
                        {.month = m, .month_day = d, .yearly = true, .name = "closed"}, k_stamp);
        }
    }
    SlaClocks clocks(db);
    const TicketHistory h = ticket(utc("2026-12-04T15:00:00Z"));
    CHECK_FALSE(clocks.first_response_due(h, 2 * k_hour));
    CHECK_FALSE(clocks.resolution_due(h, 8 * k_hour, utc("2027-12-04T15:00:00Z")));
    CHECK(clocks.running(h, utc("2027-12-04T15:00:00Z")) == 0);
}
