#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// Strict parsers for values typed by people. Each returns std::nullopt for anything that is not
// exactly the documented form; callers turn that into an Error naming the value.

// A non-negative decimal integer: digits only, no sign, no leading zero ("0" itself is fine),
// no exponent, no separators, no overflow of int64.
std::optional<std::int64_t> parse_count(std::string_view s);

// Money in major units with a dot: "12", "12.5", "12.50" -> 1250 minor units (two minor digits).
// No sign, exponent, thousands separator or comma. Negative only when allow_negative.
std::optional<std::int64_t> parse_money(std::string_view s, bool allow_negative = false);

// 1250 -> "12.50", -5 -> "-0.05".
std::string format_money(std::int64_t minor_units);
// The same text appended to `out`.
void append_money(std::string& out, std::int64_t minor_units);

// A fixed-point number with `decimals` digits after the dot (1 to 18): (955, 1) -> "95.5",
// (-5, 1) -> "-0.5", (0, 1) -> "0.0", (47, 2) -> "0.47". Money is the two-decimal case.
std::string format_fixed(std::int64_t value, int decimals);
// The same text appended to `out`.
void append_fixed(std::string& out, std::int64_t value, int decimals);

// A duration: a positive integer and a unit, "500ms", "30s", "90m", "4h", "2d", "2w".
// "0s" is allowed. Returns milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);

// Seconds as people read them: "45s", "12m", "3h 20m", "2d 4h" (largest two units, zero parts
// omitted).
std::string format_duration(std::int64_t seconds);

// Percent: "25%", "25", "12.5%" -> tenths of a percent (250, 250, 125); 0..100 only.
std::optional<std::int64_t> parse_percent(std::string_view s);

// A time zone: the IANA name in TZ (a leading ':' is ignored), else the system's zone, else UTC.
// Opaque: a handle that only the parse module interprets.
class TimeZone {
public:
    // The zone named by the TZ environment variable, or the system's.
    static TimeZone from_environment();
    // A named IANA zone ("Europe/Stockholm"); throws Error(usage) when unknown.
    static TimeZone named(std::string_view name);
    static TimeZone utc();

    // Unix seconds of the local midnight that starts the day y-m-d.
    std::int64_t local_midnight(int year, unsigned month, unsigned day) const;
    // Unix seconds of the local wall time y-m-d h:m (earliest instant when ambiguous,
    // the instant after the gap when nonexistent).
    std::int64_t local_time(int year, unsigned month, unsigned day, int hour, int minute) const;
    // The local calendar date and time of a Unix time, "2026-11-22 14:05".
    std::string format_local(std::int64_t unix_seconds) const;
    // Unix seconds of the local midnight starting the day that contains t.
    std::int64_t start_of_day(std::int64_t unix_seconds) const;
    // local_time for many wall times at once, each given as seconds since 1970-01-01T00:00 local
    // time and replaced by its Unix time (one switch of the C library's zone for all of them).
    void to_unix_all(std::vector<std::int64_t>& local_seconds) const;
    // The local wall time of a Unix time, as seconds since 1970-01-01T00:00 local time.
    std::int64_t local_seconds_of(std::int64_t unix_seconds) const;
    // The local date of a Unix time, as days since 1970-01-01.
    std::int64_t local_day_of(std::int64_t unix_seconds) const;

    const void* zone() const { return m_zone; }

private:
    explicit TimeZone(const void* zone) : m_zone(zone) {}
    const void* m_zone; // nullptr for UTC; otherwise interpreted by src/core/util/parse.cpp
};

// A point in time as DESIGN.md section 7 accepts it: "2026-11-22" (local midnight),
// "2026-11-22T14:00", "today", "yesterday" (local midnights), or "7d", "12h", "2w", "90m"
// meaning that long before now. Rejects impossible dates (2023-02-29, 2026-13-01), the year
// 0000, and ages that reach back before 0001-01-01T00:00:00Z ("9277777777776m").
std::optional<std::int64_t> parse_time_point(std::string_view s, std::int64_t now,
                                             const TimeZone& tz);

// The machine time format every export writes, "2026-11-22T11:53:03Z" (exactly that layout, UTC,
// a real calendar date, 00:00:00 to 23:59:59), as Unix seconds.
std::optional<std::int64_t> parse_utc_timestamp(std::string_view s);

// Unix seconds as UTC ISO 8601: "2026-11-22T11:53:03Z".
std::string format_iso_utc(std::int64_t unix_seconds);
// The same text appended to `out` (exports write millions: no string of its own each).
void append_iso_utc(std::string& out, std::int64_t unix_seconds);

} // namespace svcmgr
