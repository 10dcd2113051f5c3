// libFuzzer target: the strict parsers of include/svcmgr/parse.hpp. None may crash, and what they
// accept must be exactly the documented form: a count prints back as its own input, money
// round-trips through format_money, a percentage stays within 0..100 %, a duration is not
// negative, and a point in time lies within the years 0001..9999 and formats as ISO 8601.

#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

constexpr std::int64_t k_now = 1795392000; // 2026-11-22T00:00:00Z

[[noreturn]] void die(const char* what, std::string_view input) {
    std::fprintf(stderr, "fuzz_parse: %s: '%.*s'\n", what, static_cast<int>(input.size()),
                 input.data());
    std::abort();
}

bool all_digits(std::string_view s) {
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return !s.empty();
}

void check_count(std::string_view s) {
    const auto n = svcmgr::parse_count(s);
    if (n && (*n < 0 || std::to_string(*n) != s)) {
        die("parse_count accepted a non-canonical count", s);
    }
}

void check_money(std::string_view s, bool allow_negative) {
    const auto minor = svcmgr::parse_money(s, allow_negative);
    if (!minor) {
        return;
    }
    if (!allow_negative && *minor < 0) {
        die("parse_money gave a negative amount", s);
    }
    const std::string_view digits = s.starts_with('-') ? s.substr(1) : s;
    const std::size_t dot = digits.find('.');
    const std::string_view whole = digits.substr(0, dot);
    if (!all_digits(whole)) {
        die("parse_money accepted a non-decimal amount", s);
    }
    if (dot != std::string_view::npos) {
        const std::string_view cents = digits.substr(dot + 1);
        if (cents.empty() || cents.size() > 2 || !all_digits(cents)) {
            die("parse_money accepted a bad fraction", s);
        }
    }
    const std::string formatted = svcmgr::format_money(*minor);
    if (svcmgr::parse_money(formatted, true) != minor) {
        die("format_money does not parse back", s);
    }
}

void check_duration(std::string_view s) {
    const auto d = svcmgr::parse_duration(s);
    if (d && d->count() < 0) {
        die("parse_duration gave a negative duration", s);
    }
    if (d) {
        (void)svcmgr::format_duration(d->count() / 1000);
    }
}

void check_percent(std::string_view s) {
    const auto p = svcmgr::parse_percent(s);
    if (p && (*p < 0 || *p > 1000)) {
        die("parse_percent out of 0..100 %", s);
    }
}

void check_time_point(std::string_view s, const svcmgr::TimeZone& tz) {
    const auto t = svcmgr::parse_time_point(s, k_now, tz);
    // A local date within 0001..9999 may lie up to a day outside those years in UTC.
    constexpr std::int64_t k_year_1 = -62135596800;    // 0001-01-01T00:00:00Z
    constexpr std::int64_t k_year_9999 = 253402300799; // 9999-12-31T23:59:59Z
    constexpr std::int64_t k_day = 86400;
    if (t && (*t < k_year_1 - k_day || *t > k_year_9999 + k_day)) {
        die("parse_time_point accepted a time outside the years 0001..9999", s);
    }
    if (t) {
        const std::string iso = svcmgr::format_iso_utc(*t);
        if (iso.size() < 20 || iso.back() != 'Z') {
            die("parse_time_point gave a time format_iso_utc cannot show", s);
        }
        (void)tz.format_local(*t);
        (void)tz.start_of_day(*t);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view s(reinterpret_cast<const char*>(data), size);
    static const svcmgr::TimeZone utc = svcmgr::TimeZone::utc();
    static const svcmgr::TimeZone stockholm = [] {
        try {
            return svcmgr::TimeZone::named("Europe/Stockholm");
        } catch (const svcmgr::Error&) {
            return svcmgr::TimeZone::utc(); // no tzdata: UTC only
        }
    }();
    check_count(s);
    check_money(s, false);
    check_money(s, true);
    check_duration(s);
    check_percent(s);
    check_time_point(s, utc);
    check_time_point(s, stockholm);
    try {
        (void)svcmgr::TimeZone::named(s);
    } catch (const svcmgr::Error& e) {
        if (e.kind() != svcmgr::ErrorKind::usage) {
            die("TimeZone::named threw a non-usage error", s);
        }
    }
    return 0;
}
