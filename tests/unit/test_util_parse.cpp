#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

using namespace svcmgr;
using std::chrono::milliseconds;

namespace {

constexpr std::int64_t k_hour = 3600;
constexpr std::int64_t k_day = 24 * k_hour;

// 2026-11-22T11:53:03Z
constexpr std::int64_t k_now = 1795348383;

// Sets TZ for the lifetime of the object and restores the previous value.
class ScopedTz {
public:
    explicit ScopedTz(const char* value) {
        if (const char* old = std::getenv("TZ")) {
            m_old = old;
        }
        if (value == nullptr) {
            unsetenv("TZ");
        } else {
            setenv("TZ", value, 1);
        }
    }
    ~ScopedTz() {
        if (m_old) {
            setenv("TZ", m_old->c_str(), 1);
        } else {
            unsetenv("TZ");
        }
    }
    ScopedTz(const ScopedTz&) = delete;
    ScopedTz& operator=(const ScopedTz&) = delete;

private:
    std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("parse_count accepts plain decimal digits") {
    CHECK(parse_count("0") == 0);
    CHECK(parse_count("7") == 7);
    CHECK(parse_count("1234") == 1234);
    CHECK(parse_count("9223372036854775807") == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("parse_count rejects a leading zero") {
    CHECK(parse_count("010") == std::nullopt);
    CHECK(parse_count("00") == std::nullopt);
}

TEST_CASE("parse_count rejects hex, exponents and separators") {
    CHECK(parse_count("0x10") == std::nullopt);
    CHECK(parse_count("1e3") == std::nullopt);
    CHECK(parse_count("12,5") == std::nullopt);
    CHECK(parse_count("12.5") == std::nullopt);
    CHECK(parse_count("1_000") == std::nullopt);
}

TEST_CASE("parse_count rejects signs") {
    CHECK(parse_count("+1") == std::nullopt);
    CHECK(parse_count("-1") == std::nullopt);
    CHECK(parse_count("-0") == std::nullopt);
}

TEST_CASE("parse_count rejects empty input and whitespace") {
    CHECK(parse_count("") == std::nullopt);
    CHECK(parse_count(" 1") == std::nullopt);
    CHECK(parse_count("1 ") == std::nullopt);
}

TEST_CASE("parse_count rejects overflow of int64") {
    CHECK(parse_count("9223372036854775808") == std::nullopt);
    CHECK(parse_count("99999999999999999999999") == std::nullopt);
}

TEST_CASE("parse_money accepts whole units and one or two decimals") {
    CHECK(parse_money("12") == 1200);
    CHECK(parse_money("12.5") == 1250);
    CHECK(parse_money("12.50") == 1250);
    CHECK(parse_money("12.05") == 1205);
    CHECK(parse_money("0") == 0);
    CHECK(parse_money("0.50") == 50);
    CHECK(parse_money("0.05") == 5);
}

TEST_CASE("parse_money rejects malformed amounts") {
    CHECK(parse_money("") == std::nullopt);
    CHECK(parse_money("012") == std::nullopt);
    CHECK(parse_money("12.") == std::nullopt);
    CHECK(parse_money(".5") == std::nullopt);
    CHECK(parse_money("12.505") == std::nullopt);
    CHECK(parse_money("12,50") == std::nullopt);
    CHECK(parse_money("1,200.00") == std::nullopt);
    CHECK(parse_money("1e3") == std::nullopt);
    CHECK(parse_money("+12") == std::nullopt);
    CHECK(parse_money("12.5.0") == std::nullopt);
    CHECK(parse_money(" 12") == std::nullopt);
    CHECK(parse_money("92233720368547758.08") == std::nullopt);
}

TEST_CASE("parse_money rejects a minus sign unless negative amounts are allowed") {
    CHECK(parse_money("-5") == std::nullopt);
    CHECK(parse_money("-5", true) == -500);
    CHECK(parse_money("-0.05", true) == -5);
    CHECK(parse_money("5", true) == 500);
    CHECK(parse_money("--5", true) == std::nullopt);
    CHECK(parse_money("-", true) == std::nullopt);
}

TEST_CASE("format_money writes two minor digits") {
    CHECK(format_money(1250) == "12.50");
    CHECK(format_money(0) == "0.00");
    CHECK(format_money(5) == "0.05");
    CHECK(format_money(-5) == "-0.05");
    CHECK(format_money(-1250) == "-12.50");
    CHECK(format_money(std::numeric_limits<std::int64_t>::min()) == "-92233720368547758.08");
}

TEST_CASE("parse_duration accepts every unit") {
    CHECK(parse_duration("500ms") == milliseconds{500});
    CHECK(parse_duration("30s") == milliseconds{30'000});
    CHECK(parse_duration("90m") == milliseconds{90 * 60'000});
    CHECK(parse_duration("4h") == milliseconds{4 * 3'600'000});
    CHECK(parse_duration("2d") == milliseconds{2 * 86'400'000});
    CHECK(parse_duration("2w") == milliseconds{14 * 86'400'000LL});
    CHECK(parse_duration("0s") == milliseconds{0});
}

TEST_CASE("parse_duration rejects a missing or unknown unit") {
    CHECK(parse_duration("") == std::nullopt);
    CHECK(parse_duration("5") == std::nullopt);
    CHECK(parse_duration("s") == std::nullopt);
    CHECK(parse_duration("ms") == std::nullopt);
    CHECK(parse_duration("5y") == std::nullopt);
    CHECK(parse_duration("5 m") == std::nullopt);
    CHECK(parse_duration("5M") == std::nullopt);
    CHECK(parse_duration("5h30m") == std::nullopt);
}

TEST_CASE("parse_duration rejects signs, decimals and leading zeros") {
    CHECK(parse_duration("-5m") == std::nullopt);
    CHECK(parse_duration("+5m") == std::nullopt);
    CHECK(parse_duration("1.5h") == std::nullopt);
    CHECK(parse_duration("05m") == std::nullopt);
}

TEST_CASE("parse_duration rejects overflow") {
    CHECK(parse_duration("9223372036854775807ms") == milliseconds{9223372036854775807LL});
    CHECK(parse_duration("9223372036854776s") == std::nullopt);
    CHECK(parse_duration("9223372036854775808ms") == std::nullopt);
}

TEST_CASE("format_duration shows the largest two units") {
    CHECK(format_duration(0) == "0s");
    CHECK(format_duration(45) == "45s");
    CHECK(format_duration(12 * 60) == "12m");
    CHECK(format_duration(12 * 60 + 5) == "12m 5s");
    CHECK(format_duration(3 * k_hour + 20 * 60) == "3h 20m");
    CHECK(format_duration(3 * k_hour + 20 * 60 + 59) == "3h 20m");
    CHECK(format_duration(2 * k_day + 4 * k_hour) == "2d 4h");
    CHECK(format_duration(14 * k_day) == "14d");
}

TEST_CASE("format_duration omits a zero second unit") {
    CHECK(format_duration(k_day + 30) == "1d");
    CHECK(format_duration(k_hour + 5) == "1h");
}

TEST_CASE("format_duration prefixes negative durations with a minus") {
    CHECK(format_duration(-90) == "-1m 30s");
}

TEST_CASE("format_fixed writes tenths with one decimal and the sign before the whole part") {
    CHECK(format_fixed(0, 1) == "0.0");
    CHECK(format_fixed(5, 1) == "0.5");
    CHECK(format_fixed(-5, 1) == "-0.5");
    CHECK(format_fixed(-15, 1) == "-1.5");
    CHECK(format_fixed(12345, 1) == "1234.5");
}

TEST_CASE("format_fixed writes hundredths as money does") {
    CHECK(format_fixed(47, 2) == "0.47");
    CHECK(format_fixed(-5, 2) == "-0.05");
    CHECK(format_fixed(1250, 2) == format_money(1250));
}

TEST_CASE("parse_percent returns tenths of a percent") {
    CHECK(parse_percent("25%") == 250);
    CHECK(parse_percent("25") == 250);
    CHECK(parse_percent("12.5%") == 125);
    CHECK(parse_percent("0") == 0);
    CHECK(parse_percent("100%") == 1000);
    CHECK(parse_percent("100.0") == 1000);
}

TEST_CASE("parse_percent rejects values outside 0..100 and malformed input") {
    CHECK(parse_percent("100.1") == std::nullopt);
    CHECK(parse_percent("101") == std::nullopt);
    CHECK(parse_percent("-1") == std::nullopt);
    CHECK(parse_percent("") == std::nullopt);
    CHECK(parse_percent("%") == std::nullopt);
    CHECK(parse_percent("12.55") == std::nullopt);
    CHECK(parse_percent("12.") == std::nullopt);
    CHECK(parse_percent("012") == std::nullopt);
    CHECK(parse_percent("25%%") == std::nullopt);
    CHECK(parse_percent("12,5") == std::nullopt);
}

TEST_CASE("format_iso_utc writes UTC with a Z") {
    CHECK(format_iso_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(format_iso_utc(k_now) == "2026-11-22T11:53:03Z");
    CHECK(format_iso_utc(-1) == "1969-12-31T23:59:59Z");
}

TEST_CASE("TimeZone::named throws a usage error for an unknown zone") {
    try {
        (void)TimeZone::named("Mars/Olympus");
        FAIL("no exception");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::usage);
        CHECK(std::string(error.what()) == "unknown time zone Mars/Olympus");
    }
}

namespace {

// The zone from TZ must agree with the named zone everywhere, transitions included.
void check_same_zone(const TimeZone& env, const TimeZone& named) {
    // Around the 2026 transitions of Europe/Stockholm and across a few years.
    for (std::int64_t t = 1'774'738'800 - 7'200; t < 1'774'738'800 + 7'200; t += 900) {
        CHECK(env.format_local(t) == named.format_local(t));
        CHECK(env.start_of_day(t) == named.start_of_day(t));
    }
    for (int day = 20; day <= 31; ++day) {
        CHECK(env.local_midnight(2026, 3, static_cast<unsigned>(day)) ==
              named.local_midnight(2026, 3, static_cast<unsigned>(day)));
        CHECK(env.local_midnight(2026, 10, static_cast<unsigned>(day)) ==
              named.local_midnight(2026, 10, static_cast<unsigned>(day)));
    }
    for (int hour = 0; hour < 24; ++hour) {
        for (int minute : {0, 30}) {
            CAPTURE(hour);
            CAPTURE(minute);
            CHECK(env.local_time(2026, 3, 29, hour, minute) ==
                  named.local_time(2026, 3, 29, hour, minute));
            CHECK(env.local_time(2026, 10, 25, hour, minute) ==
                  named.local_time(2026, 10, 25, hour, minute));
        }
    }
}

} // namespace

TEST_CASE("TimeZone::from_environment reads TZ and ignores a leading colon") {
    {
        const ScopedTz tz{":Europe/Stockholm"};
        check_same_zone(TimeZone::from_environment(), TimeZone::named("Europe/Stockholm"));
    }
    {
        const ScopedTz tz{"Asia/Jakarta"};
        check_same_zone(TimeZone::from_environment(), TimeZone::named("Asia/Jakarta"));
    }
    {
        const ScopedTz tz{"America/New_York"};
        check_same_zone(TimeZone::from_environment(), TimeZone::named("America/New_York"));
    }
}

TEST_CASE("TimeZone::from_environment falls back to UTC for an unknown TZ") {
    const ScopedTz tz{"Nowhere/Special"};
    check_same_zone(TimeZone::from_environment(), TimeZone::utc());
}

TEST_CASE("TimeZone local midnight in UTC and Stockholm") {
    CHECK(TimeZone::utc().local_midnight(2026, 11, 22) == 1795305600);
    CHECK(TimeZone::named("Europe/Stockholm").local_midnight(2026, 11, 22) == 1795302000);
}

TEST_CASE("TimeZone the spring-forward day in Stockholm has 23 hours") {
    const auto tz = TimeZone::named("Europe/Stockholm");
    const auto start = tz.local_midnight(2026, 3, 29);
    CHECK(start == 1774738800);
    CHECK(tz.local_midnight(2026, 3, 30) - start == 23 * k_hour);
}

TEST_CASE("TimeZone the fall-back day in Stockholm has 25 hours") {
    const auto tz = TimeZone::named("Europe/Stockholm");
    const auto start = tz.local_midnight(2026, 10, 25);
    CHECK(start == 1792879200);
    CHECK(tz.local_midnight(2026, 10, 26) - start == 25 * k_hour);
}

TEST_CASE("TimeZone local_time takes the instant after a DST gap") {
    const auto tz = TimeZone::named("Europe/Stockholm");
    // 02:30 does not exist on 2026-03-29; the clocks jump from 02:00 to 03:00.
    CHECK(tz.local_time(2026, 3, 29, 2, 30) == 1774746000);
    CHECK(tz.local_time(2026, 3, 29, 3, 0) == 1774746000);
    CHECK(tz.format_local(1774746000) == "2026-03-29 03:00");
}

TEST_CASE("TimeZone local_time takes the earliest instant when ambiguous") {
    const auto tz = TimeZone::named("Europe/Stockholm");
    // 02:30 happens twice on 2026-10-25; the first is still summer time.
    CHECK(tz.local_time(2026, 10, 25, 2, 30) == 1792888200);
}

TEST_CASE("TimeZone format_local and start_of_day") {
    const auto tz = TimeZone::named("Europe/Stockholm");
    CHECK(tz.format_local(k_now) == "2026-11-22 12:53");
    CHECK(TimeZone::utc().format_local(k_now) == "2026-11-22 11:53");
    CHECK(tz.start_of_day(k_now) == 1795302000);
    CHECK(tz.start_of_day(1795302000) == 1795302000);
    CHECK(tz.start_of_day(1795302000 - 1) == 1795302000 - k_day);
    // 23:30 UTC on 2026-11-21 is already 2026-11-22 in Stockholm.
    CHECK(tz.start_of_day(1795305600 - 1800) == 1795302000);
    CHECK(TimeZone::utc().start_of_day(k_now) == 1795305600);
}

TEST_CASE("parse_time_point accepts a date as local midnight") {
    const auto tz = TimeZone::named("Europe/Stockholm");
    CHECK(parse_time_point("2026-11-22", k_now, tz) == 1795302000);
    CHECK(parse_time_point("2026-11-22", k_now, TimeZone::utc()) == 1795305600);
    CHECK(parse_time_point("2024-02-29", k_now, TimeZone::utc()) == 1709164800);
}

TEST_CASE("parse_time_point accepts a local date and time with optional seconds") {
    const auto tz = TimeZone::named("Europe/Stockholm");
    CHECK(parse_time_point("2026-11-22T14:00", k_now, tz) == 1795352400);
    CHECK(parse_time_point("2026-11-22T14:00:30", k_now, tz) == 1795352430);
    CHECK(parse_time_point("2026-11-22T11:53:03", k_now, TimeZone::utc()) == k_now);
}

TEST_CASE("parse_time_point accepts today and yesterday as local midnights") {
    const auto tz = TimeZone::named("Europe/Stockholm");
    CHECK(parse_time_point("today", k_now, tz) == 1795302000);
    CHECK(parse_time_point("yesterday", k_now, tz) == 1795302000 - k_day);
    // The day after the fall-back day: yesterday is 25 hours before today.
    const auto monday = tz.local_time(2026, 10, 26, 9, 0);
    CHECK(parse_time_point("yesterday", monday, tz) == 1792879200);
    CHECK(parse_time_point("today", monday, tz) == 1792969200);
}

TEST_CASE("parse_time_point accepts a duration meaning that long before now") {
    const auto tz = TimeZone::utc();
    CHECK(parse_time_point("7d", k_now, tz) == k_now - 7 * k_day);
    CHECK(parse_time_point("12h", k_now, tz) == k_now - 12 * k_hour);
    CHECK(parse_time_point("2w", k_now, tz) == k_now - 14 * k_day);
    CHECK(parse_time_point("90m", k_now, tz) == k_now - 90 * 60);
}

TEST_CASE("parse_time_point rejects impossible dates") {
    const auto tz = TimeZone::utc();
    CHECK(parse_time_point("2023-02-29", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-13-01", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-00-10", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-04-31", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-11-22T24:00", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-11-22T14:60", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-11-22T14:00:60", k_now, tz) == std::nullopt);
}

TEST_CASE("parse_time_point refuses times outside the years 0001 to 9999") {
    const auto tz = TimeZone::utc();
    constexpr std::int64_t k_year_1 = -62135596800; // 0001-01-01T00:00:00Z
    CHECK(parse_time_point("9277777777776m", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("9223372036854775s", k_now, tz) == std::nullopt);
    CHECK(parse_time_point(std::to_string(k_now - k_year_1 + 1) + "s", k_now, tz) == std::nullopt);
    CHECK(parse_time_point(std::to_string(k_now - k_year_1) + "s", k_now, tz) == k_year_1);
    CHECK(parse_time_point("0000-01-01", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("0000-12-31T23:59", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("0001-01-01", k_now, tz) == k_year_1);
    CHECK(parse_time_point("9999-12-31T23:59:59", k_now, tz) == 253402300799);
    CHECK(format_iso_utc(k_year_1) == "0001-01-01T00:00:00Z");
}

TEST_CASE("parse_time_point rejects other forms") {
    const auto tz = TimeZone::utc();
    CHECK(parse_time_point("", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-1-22", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("26-11-22", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026/11/22", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-11-22 14:00", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-11-22T14", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-11-22T14:00Z", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("2026-11-22T+4:00", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("+026-11-22", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("Today", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("7", k_now, tz) == std::nullopt);
    CHECK(parse_time_point("-7d", k_now, tz) == std::nullopt);
}

TEST_CASE("parse_utc_timestamp reads the machine time format strictly") {
    CHECK(parse_utc_timestamp("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_utc_timestamp("2024-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_utc_timestamp("2023-02-29T00:00:00Z"));
    CHECK_FALSE(parse_utc_timestamp("2026-11-22 11:53:03"));
    CHECK_FALSE(parse_utc_timestamp("2026-11-22T24:00:00Z"));
    CHECK_FALSE(parse_utc_timestamp("2026-11-22T11:53:03+01:00"));
    CHECK(parse_utc_timestamp("2026-11-22T11:53:03Z") == 1795348383);
    CHECK(parse_utc_timestamp("0001-01-01T00:00:00Z") == -62135596800);
    CHECK(parse_utc_timestamp("9999-12-31T23:59:59Z") == 253402300799);
    CHECK_FALSE(parse_utc_timestamp("0000-01-01T00:00:00Z"));
    CHECK_FALSE(parse_utc_timestamp("2026-13-01T00:00:00Z"));
    CHECK_FALSE(parse_utc_timestamp("2026-04-31T00:00:00Z"));
    CHECK_FALSE(parse_utc_timestamp("2026-11-22T11:60:00Z"));
    CHECK_FALSE(parse_utc_timestamp("2026-11-22T11:53:60Z"));
    CHECK_FALSE(parse_utc_timestamp("2026-11-2xT11:53:03Z"));
    CHECK_FALSE(parse_utc_timestamp("2026-11-22T11:53:03z"));
    CHECK_FALSE(parse_utc_timestamp("2026-11-22T11:53:03Z "));
}
