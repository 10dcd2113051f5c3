#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <random>
#include <string>

using namespace svcmgr;

namespace {

std::int64_t utc(const char* iso) {
    const auto t = parse_utc_timestamp(iso);
    REQUIRE(t);
    return *t;
}

std::string iso(std::optional<std::int64_t> t) {
    return t ? format_iso_utc(*t) : "never";
}

CalendarDef calendar(const char* tz, const char* hours) {
    return {.name = "test", .tz = tz, .versions = {{-719'162, parse_hours(hours)}}, .holidays = {}};
}

Holiday yearly(int month, int day, const char* name) {
    return {.month = month, .month_day = day, .yearly = true, .name = name};
}

constexpr std::int64_t k_hour = 3600;

} // namespace

TEST_CASE("business time: a ticket opened on Friday at 16:00 with 8 hours is due Monday 15:00") {
    // Stockholm in December is UTC+1: Friday 2026-12-04 16:00 is 15:00Z.
    BusinessTime t(calendar("Europe/Stockholm", "mon-fri 08:00-17:00"));
    CHECK(iso(t.due(utc("2026-12-04T15:00:00Z"), 8 * k_hour)) == "2026-12-07T14:00:00Z");
    // The weekend counts nothing.
    CHECK(t.elapsed(utc("2026-12-04T16:00:00Z"), utc("2026-12-07T07:00:00Z")) == 0);
    CHECK(t.elapsed(utc("2026-12-04T15:00:00Z"), utc("2026-12-07T14:00:00Z")) == 8 * k_hour);
}

TEST_CASE("business time: the lunch break does not count") {
    BusinessTime t(calendar("Europe/Stockholm", "mon-fri 08:00-12:00,13:00-17:00"));
    // Monday 2026-12-07 11:00 local, 2 hours: 11-12 and 13-14.
    CHECK(iso(t.due(utc("2026-12-07T10:00:00Z"), 2 * k_hour)) == "2026-12-07T13:00:00Z");
    CHECK(t.elapsed(utc("2026-12-07T10:00:00Z"), utc("2026-12-07T13:00:00Z")) == 2 * k_hour);
}

TEST_CASE("business time: a holiday is not a working day, one-time or yearly") {
    CalendarDef def = calendar("Europe/Stockholm", "mon-fri 08:00-17:00");
    def.holidays.push_back(yearly(12, 24, "Julafton"));
    def.holidays.push_back({.day = *parse_local_date("2026-12-25"), .name = "Juldagen"});
    BusinessTime t(def);
    // Wednesday 2026-12-23 16:00 local, 2 hours: 16-17, then Thursday and Friday are holidays.
    CHECK(iso(t.due(utc("2026-12-23T15:00:00Z"), 2 * k_hour)) == "2026-12-28T08:00:00Z");
    // The yearly one again in 2027 (a Friday).
    CHECK(t.elapsed(utc("2027-12-23T23:00:00Z"), utc("2027-12-24T23:00:00Z")) == 0);
}

TEST_CASE("business time: DST days keep their local hours") {
    BusinessTime day(calendar("Europe/Stockholm", "mon-sun 08:00-17:00"));
    // 2027-03-28 and 2027-10-31: 08:00-17:00 is still 9 hours.
    CHECK(day.elapsed(utc("2027-03-27T23:00:00Z"), utc("2027-03-28T22:00:00Z")) == 9 * k_hour);
    CHECK(day.elapsed(utc("2027-10-30T22:00:00Z"), utc("2027-10-31T23:00:00Z")) == 9 * k_hour);
    CHECK(iso(day.due(utc("2027-03-28T00:00:00Z"), 0)) == "2027-03-28T06:00:00Z");
    // A range across 02:00-03:00: one hour shorter in spring, one longer in autumn.
    BusinessTime night(calendar("Europe/Stockholm", "sun 01:00-04:00"));
    CHECK(night.elapsed(utc("2027-03-27T00:00:00Z"), utc("2027-03-29T00:00:00Z")) == 2 * k_hour);
    CHECK(night.elapsed(utc("2027-10-30T00:00:00Z"), utc("2027-11-01T00:00:00Z")) == 4 * k_hour);
    const auto spring = night.periods(utc("2027-03-27T00:00:00Z"), utc("2027-03-29T00:00:00Z"));
    REQUIRE(spring.size() == 1);
    CHECK(iso(spring[0].start) == "2027-03-28T00:00:00Z");
    CHECK(iso(spring[0].end) == "2027-03-28T02:00:00Z");
}

TEST_CASE("business time: opened out of hours, the clock starts at the next business instant") {
    BusinessTime t(calendar("Europe/Stockholm", "mon-fri 08:00-17:00"));
    // Saturday 2026-12-05 10:00 local, 1 hour: Monday 09:00.
    CHECK(iso(t.due(utc("2026-12-05T09:00:00Z"), k_hour)) == "2026-12-07T08:00:00Z");
    CHECK(iso(t.due(utc("2026-12-05T09:00:00Z"), 0)) == "2026-12-07T07:00:00Z");
    // A target used up at the close of business falls due at that close.
    CHECK(iso(t.due(utc("2026-12-07T07:00:00Z"), 9 * k_hour)) == "2026-12-07T16:00:00Z");
}

TEST_CASE("business time: 3bd opened on a Friday is due at the end of Wednesday") {
    BusinessTime t(calendar("Europe/Stockholm", "mon-fri 08:00-17:00"));
    CHECK(iso(t.business_days_due(utc("2026-12-04T15:00:00Z"), 3)) == "2026-12-09T16:00:00Z");
    // Day 0 is the start's day whatever the hour: just after midnight, or on a Saturday.
    CHECK(iso(t.business_days_due(utc("2026-12-03T23:30:00Z"), 1)) == "2026-12-07T16:00:00Z");
    CHECK(iso(t.business_days_due(utc("2026-12-05T09:00:00Z"), 1)) == "2026-12-07T16:00:00Z");
}

TEST_CASE("business time: the hours in force at each instant, when they change") {
    CalendarDef def = calendar("Europe/Stockholm", "mon-fri 08:00-17:00");
    def.versions.push_back({*parse_local_date("2027-06-01"), parse_hours("mon-fri 08:00-16:00")});
    BusinessTime t(def);
    // Monday 2027-05-31 15:00 local (UTC+2), 4 hours: 15-17 on the old hours, 08-10 on the new.
    CHECK(iso(t.due(utc("2027-05-31T13:00:00Z"), 4 * k_hour)) == "2027-06-01T08:00:00Z");
    // The old days keep their hours.
    CHECK(t.elapsed(utc("2027-05-24T00:00:00Z"), utc("2027-05-25T00:00:00Z")) == 9 * k_hour);
    CHECK(t.elapsed(utc("2027-06-07T00:00:00Z"), utc("2027-06-08T00:00:00Z")) == 8 * k_hour);
}

TEST_CASE("business time: a range may end at 24:00 and the next day's start it continues") {
    BusinessTime t(calendar("UTC", "fri 20:00-24:00; sat 00:00-02:00"));
    CHECK(iso(t.due(utc("2026-12-04T23:00:00Z"), 2 * k_hour)) == "2026-12-05T01:00:00Z");
    CHECK(t.elapsed(utc("2026-12-04T00:00:00Z"), utc("2026-12-06T00:00:00Z")) == 6 * k_hour);
}

TEST_CASE("business time: the same instant in Sydney and in Honolulu") {
    // 2026-12-07T00:00Z is Monday 11:00 in Sydney (UTC+11) and Sunday 14:00 in Honolulu (UTC-10).
    BusinessTime sydney(calendar("Australia/Sydney", "mon-fri 09:00-17:00"));
    BusinessTime honolulu(calendar("Pacific/Honolulu", "mon-fri 09:00-17:00"));
    const std::int64_t at = utc("2026-12-07T00:00:00Z");
    CHECK(iso(sydney.due(at, 4 * k_hour)) == "2026-12-07T04:00:00Z");
    CHECK(iso(honolulu.due(at, 4 * k_hour)) == "2026-12-07T23:00:00Z");
    // The next 24 hours: Monday 11-17 and Tuesday 09-11 in Sydney; Monday 09-14 in Honolulu.
    CHECK(sydney.elapsed(at, at + 24 * k_hour) == 8 * k_hour);
    CHECK(honolulu.elapsed(at, at + 24 * k_hour) == 5 * k_hour);
}

TEST_CASE("business time: a span of years costs what a span of a day does") {
    BusinessTime t(calendar("Europe/Stockholm", "mon-fri 08:00-17:00"));
    const std::int64_t start = utc("2024-01-01T00:00:00Z");
    // 2024-01-01 to 2027-01-01: 784 weekdays of 9 hours.
    CHECK(t.elapsed(start, utc("2027-01-01T00:00:00Z")) == 784 * 9 * k_hour);
    CHECK(iso(t.due(start, 784 * 9 * k_hour)) == "2026-12-31T16:00:00Z");
    CHECK(t.span_before(utc("2026-12-07T14:00:00Z"), 8 * k_hour) == 3 * 24 * k_hour - 3600);
}

TEST_CASE("business time: a calendar whose every day is a holiday is never due") {
    CalendarDef def = calendar("UTC", "mon-sun 08:00-09:00");
    BusinessTime open(def);
    CHECK(iso(open.due(utc("2026-12-07T00:00:00Z"), k_hour)) == "2026-12-07T09:00:00Z");
    constexpr int k_days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; ++m) {
        for (int d = 1; d <= k_days_in[m - 1]; ++d) {
            def.holidays.push_back(yearly(m, d, "closed"));
        }
    }
    BusinessTime closed(def);
    CHECK_FALSE(closed.due(utc("2026-12-07T00:00:00Z"), k_hour));
    CHECK_FALSE(closed.business_days_due(utc("2026-12-07T00:00:00Z"), 1));
    CHECK(closed.elapsed(utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z")) == 0);
}

TEST_CASE("business time property: additive over a split span; due inverts elapsed") {
    std::mt19937_64 rng(20261207);
    const char* zones[] = {"Europe/Stockholm", "Europe/Tallinn", "Asia/Jakarta", "Australia/Sydney",
                           "Pacific/Honolulu"};
    const char* days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int round = 0; round < 40; ++round) {
        // A random calendar: each day off or with one or two ranges on the quarter hour.
        std::string hours;
        for (const char* day : days) {
            if (rng() % 3 == 0) {
                continue;
            }
            const int a = static_cast<int>(rng() % 40) * 15;
            const int b = a + 15 + static_cast<int>(rng() % 24) * 15;
            const int c = b + 15 + static_cast<int>(rng() % 20) * 15;
            const int d = std::min(1440, c + 15 + static_cast<int>(rng() % 30) * 15);
            std::string ranges =
                fmt::format("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60);
            if (d > c && rng() % 2 == 0) {
                ranges += fmt::format(",{:02}:{:02}-{:02}:{:02}", c / 60, c % 60, d / 60, d % 60);
            }
            hours += fmt::format("{}{} {}", hours.empty() ? "" : "; ", day, ranges);
        }
        if (hours.empty()) {
            hours = "wed 10:00-11:00";
        }
        CalendarDef def = calendar(zones[round % 5], hours.c_str());
        def.holidays.push_back(
            yearly(static_cast<int>(rng() % 12) + 1, static_cast<int>(rng() % 28) + 1, "random"));
        BusinessTime t(def);
        const std::int64_t base = utc("2026-01-01T00:00:00Z");
        for (int i = 0; i < 50; ++i) {
            const std::int64_t a = base + static_cast<std::int64_t>(rng() % (3 * 365 * 86'400));
            const std::int64_t b = a + static_cast<std::int64_t>(rng() % (40 * 86'400));
            const std::int64_t c = b + static_cast<std::int64_t>(rng() % (40 * 86'400));
            CHECK(t.elapsed(a, c) == t.elapsed(a, b) + t.elapsed(b, c));
            const std::int64_t e = t.elapsed(a, b);
            const auto d = t.due(a, e);
            REQUIRE(d);
            // The first instant with that much business time behind it: at or before b, and b
            // itself when b is a business instant.
            CHECK(t.elapsed(a, *d) == e);
            CHECK(*d <= std::max(b, *t.due(a, 0)));
            if (e > 0) {
                CHECK(t.elapsed(a, *d - 1) < e);
            }
            const auto around = t.periods(b, b + 1);
            if (!around.empty() && around.front().start < b) {
                CHECK(*d == b);
            }
        }
    }
}

TEST_CASE("hours: the syntax people type, and what is refused") {
    CHECK(format_hours(parse_hours("mon-fri 08:00-12:00,13:00-17:00; sat 10:00-14:00")) ==
          "mon-fri 08:00-12:00,13:00-17:00; sat 10:00-14:00");
    CHECK(format_hours(parse_hours("mon,tue,wed 09:00-10:00;thu-fri 09:00-10:00")) ==
          "mon-fri 09:00-10:00");
    CHECK(format_hours(parse_hours("sun 22:00-24:00; mon 08:00-12:00,12:00-13:00")) ==
          "mon 08:00-13:00; sun 22:00-24:00");
    const auto refused = [](const char* text, const char* message) {
        try {
            parse_hours(text);
            FAIL("accepted ", text);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::bad_data);
            CHECK(std::string(e.what()) == message);
        }
    };
    refused("", "invalid hours '': no business hours at all");
    refused("mon-fri", "invalid hours 'mon-fri': expected days and ranges, such as "
                       "'mon-fri 08:00-17:00'");
    refused("mon-fry 08:00-17:00", "invalid hours 'mon-fry 08:00-17:00': unknown day 'fry' "
                                   "(mon, tue, wed, thu, fri, sat, sun)");
    refused("fri-mon 08:00-17:00", "invalid hours 'fri-mon 08:00-17:00': 'fri-mon' runs "
                                   "backwards (days run mon to sun)");
    refused("mon 8:00-17:00", "invalid hours 'mon 8:00-17:00': '8:00' is not a time HH:MM");
    refused("mon 24:00-24:00", "invalid hours 'mon 24:00-24:00': '24:00' is not a time of day "
                               "(24:00 only as an end)");
    refused("mon 17:00-08:00", "invalid hours 'mon 17:00-08:00': '17:00-08:00' ends before it "
                               "starts");
    refused("mon-fri 08:00-17:00; mon 16:00-18:00",
            "invalid hours 'mon-fri 08:00-17:00; mon 16:00-18:00': on mon 16:00-18:00 overlaps "
            "08:00-17:00");
}

TEST_CASE("local dates: real calendar dates only") {
    CHECK(parse_local_date("2026-12-24") == 20'811);
    CHECK(format_local_date(20'811) == "2026-12-24");
    CHECK(format_local_date(-719'162) == "0001-01-01");
    CHECK_FALSE(parse_local_date("2027-02-29"));
    CHECK_FALSE(parse_local_date("2026-13-01"));
    CHECK_FALSE(parse_local_date("0000-01-01"));
    CHECK_FALSE(parse_local_date("2026-1-01"));
}

TEST_CASE("business time: the span back over N business days for the candidates of a period") {
    BusinessTime t(calendar("Europe/Stockholm", "mon-fri 08:00-17:00"));
    // Back from Wednesday 2026-12-09 12:00 local: Wed (1), Tue (2), Mon (3), Fri (4) -> the
    // start of Friday 2026-12-04, 00:00 local (2026-12-03T23:00Z).
    const std::int64_t end = utc("2026-12-09T11:00:00Z");
    CHECK(t.span_before_days(end, 3) == end - utc("2026-12-03T23:00:00Z"));
    // From Monday 07:00 local, before business: Fri (1), Thu (2).
    const std::int64_t monday = utc("2026-12-07T06:00:00Z");
    CHECK(t.span_before_days(monday, 1) == monday - utc("2026-12-02T23:00:00Z"));
}
