#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <set>
#include <sys/stat.h>

namespace svcmgr {

namespace {

using Seconds = std::chrono::seconds;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
    for (const char c : s) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

// Digits only, at least one, no leading zero unless the number is 0, fits in int64.
std::optional<std::int64_t> parse_natural(std::string_view s) {
    if (s.empty() || !all_digits(s) || (s.size() > 1 && s.front() == '0')) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

// Exactly s.size() digits, leading zeros allowed (fields of a date such as "07").
std::optional<int> parse_fixed_digits(std::string_view s) {
    if (s.empty() || !all_digits(s)) {
        return std::nullopt;
    }
    int value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

struct DurationUnit {
    std::string_view suffix;
    std::int64_t milliseconds;
};

// "ms" comes before "m" and "s" so that the longest suffix wins.
constexpr std::array k_duration_units{
    DurationUnit{"ms", 1},
    DurationUnit{"s", 1000},
    DurationUnit{"m", 60 * 1000},
    DurationUnit{"h", 60 * 60 * 1000},
    DurationUnit{"d", 24 * 60 * 60 * 1000},
    DurationUnit{"w", 7 * 24 * 60 * 60 * 1000},
};

struct DisplayUnit {
    std::string_view suffix;
    std::int64_t seconds;
};

constexpr std::array k_display_units{
    DisplayUnit{"d", 24 * 60 * 60},
    DisplayUnit{"h", 60 * 60},
    DisplayUnit{"m", 60},
    DisplayUnit{"s", 1},
};

// Time zones go through the C library, which reads only the one zone file it needs (date's
// time zone database first scans all of /usr/share/zoneinfo, milliseconds on every run of a
// command-line tool). A TimeZone's handle is nullptr for UTC, k_process_zone for the zone of this
// process (TZ, else /etc/localtime), or an interned zone name.
const char k_process_zone_tag = 0;
const void* const k_process_zone = &k_process_zone_tag;

const std::string* interned_zone_name(std::string_view name) {
    static std::set<std::string, std::less<>> names;
    return &*names.emplace(name).first;
}

// Makes the C library use a named zone for the lifetime of the guard, then restores TZ.
class ZoneSwitch {
public:
    explicit ZoneSwitch(const void* zone) {
        if (zone == k_process_zone || zone == nullptr) {
            return;
        }
        if (const char* tz = std::getenv("TZ")) {
            m_saved = tz;
        }
        ::setenv("TZ", static_cast<const std::string*>(zone)->c_str(), 1);
        ::tzset();
        m_active = true;
    }
    ~ZoneSwitch() {
        if (!m_active) {
            return;
        }
        if (m_saved) {
            ::setenv("TZ", m_saved->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }
    ZoneSwitch(const ZoneSwitch&) = delete;
    ZoneSwitch& operator=(const ZoneSwitch&) = delete;

private:
    std::optional<std::string> m_saved;
    bool m_active = false;
};

// The UTC offset in force at `t` in the process zone.
std::int64_t process_offset(std::int64_t t) {
    const auto tt = static_cast<std::time_t>(t);
    std::tm tm{};
    ::localtime_r(&tt, &tm);
    return tm.tm_gmtoff;
}

// The earliest instant whose local time is `local`; for a local time skipped by a transition,
// the transition itself (the first instant after the gap), as date::choose::earliest does.
std::int64_t process_to_unix(std::int64_t local) {
    constexpr std::int64_t k_day = 86'400;
    const std::int64_t before = process_offset(local - k_day);
    const std::int64_t after = process_offset(local + k_day);
    std::optional<std::int64_t> best;
    for (const std::int64_t offset : {before, after}) {
        const std::int64_t t = local - offset;
        if (process_offset(t) == offset && (!best || t < *best)) {
            best = t;
        }
    }
    if (best) {
        return *best;
    }
    // In a gap: the transition lies between the two candidates; find its first second.
    std::int64_t lo = local - std::max(before, after);
    std::int64_t hi = local - std::min(before, after);
    const std::int64_t first_offset = process_offset(lo);
    while (hi - lo > 1) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        (process_offset(mid) == first_offset ? lo : hi) = mid;
    }
    return hi;
}

std::int64_t to_unix(const void* zone, date::local_seconds local) {
    if (zone == nullptr) {
        return local.time_since_epoch().count();
    }
    const ZoneSwitch in_zone(zone);
    return process_to_unix(local.time_since_epoch().count());
}

date::local_seconds to_local(const void* zone, std::int64_t unix_seconds) {
    if (zone == nullptr) {
        return date::local_seconds{Seconds{unix_seconds}};
    }
    const ZoneSwitch in_zone(zone);
    return date::local_seconds{Seconds{unix_seconds + process_offset(unix_seconds)}};
}

date::local_days local_day(int year, unsigned month, unsigned day) {
    return date::local_days{date::year{year} / date::month{month} / date::day{day}};
}

std::string format_fields(const date::year_month_day& ymd, Seconds time_of_day, bool with_seconds) {
    const auto total = time_of_day.count();
    const int year = static_cast<int>(ymd.year());
    const auto month = static_cast<unsigned>(ymd.month());
    const auto day = static_cast<unsigned>(ymd.day());
    if (with_seconds && year >= 0 && year <= 9999) {
        // Written by hand: exports format millions of these, and fmt's parsing of the format
        // string cost more than the rest of a row.
        std::string out = "0000-00-00T00:00:00Z";
        const auto put = [&](std::size_t at, std::size_t digits, long long value) {
            for (std::size_t i = 0; i < digits; ++i) {
                out[at + digits - 1 - i] = static_cast<char>('0' + value % 10);
                value /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, total / 3600);
        put(14, 2, total / 60 % 60);
        put(17, 2, total % 60);
        return out;
    }
    if (with_seconds) {
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, total / 3600,
                           total / 60 % 60, total % 60);
    }
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", year, month, day, total / 3600,
                       total / 60 % 60);
}

// "2026-11-22", "2026-11-22T14:00" or "2026-11-22T14:00:05" as local wall time.
std::optional<date::local_seconds> parse_local_date_time(std::string_view s) {
    if (s.size() != 10 && s.size() != 16 && s.size() != 19) {
        return std::nullopt;
    }
    if (s[4] != '-' || s[7] != '-') {
        return std::nullopt;
    }
    const auto year = parse_fixed_digits(s.substr(0, 4));
    const auto month = parse_fixed_digits(s.substr(5, 2));
    const auto day = parse_fixed_digits(s.substr(8, 2));
    if (!year || !month || !day || *year < 1) {
        return std::nullopt;
    }
    const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                   date::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    date::local_seconds local{date::local_days{ymd}};
    if (s.size() == 10) {
        return local;
    }
    if (s[10] != 'T' || s[13] != ':') {
        return std::nullopt;
    }
    const auto hour = parse_fixed_digits(s.substr(11, 2));
    const auto minute = parse_fixed_digits(s.substr(14, 2));
    if (!hour || !minute || *hour > 23 || *minute > 59) {
        return std::nullopt;
    }
    int second = 0;
    if (s.size() == 19) {
        const auto parsed = s[16] == ':' ? parse_fixed_digits(s.substr(17, 2)) : std::nullopt;
        if (!parsed || *parsed > 59) {
            return std::nullopt;
        }
        second = *parsed;
    }
    return local + std::chrono::hours{*hour} + std::chrono::minutes{*minute} + Seconds{second};
}

} // namespace

std::optional<std::int64_t> parse_count(std::string_view s) {
    return parse_natural(s);
}

std::optional<std::int64_t> parse_money(std::string_view s, bool allow_negative) {
    bool negative = false;
    if (allow_negative && !s.empty() && s.front() == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    const auto dot = s.find('.');
    const auto major = parse_natural(s.substr(0, dot));
    if (!major) {
        return std::nullopt;
    }
    std::int64_t minor = 0;
    if (dot != std::string_view::npos) {
        const auto fraction = s.substr(dot + 1);
        if (fraction.empty() || fraction.size() > 2 || !all_digits(fraction)) {
            return std::nullopt;
        }
        minor = (fraction[0] - '0') * 10;
        if (fraction.size() == 2) {
            minor += fraction[1] - '0';
        }
    }
    std::int64_t total = 0;
    if (__builtin_mul_overflow(*major, std::int64_t{100}, &total) ||
        __builtin_add_overflow(total, minor, &total)) {
        return std::nullopt;
    }
    return negative ? -total : total;
}

std::string format_money(std::int64_t minor_units) {
    std::string out;
    append_money(out, minor_units);
    return out;
}

void append_money(std::string& out, std::int64_t minor_units) {
    append_fixed(out, minor_units, 2);
}

std::string format_fixed(std::int64_t value, int decimals) {
    std::string out;
    append_fixed(out, value, decimals);
    return out;
}

void append_fixed(std::string& out, std::int64_t value, int decimals) {
    // Through unsigned so that the most negative value has a magnitude.
    auto magnitude = static_cast<std::uint64_t>(value);
    if (value < 0) {
        magnitude = 0 - magnitude;
        out += '-';
    }
    std::uint64_t scale = 1;
    for (int i = 0; i < decimals; ++i) {
        scale *= 10;
    }
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, magnitude / scale).ptr;
    out.append(text, end);
    out += '.';
    // The fraction's digits from the last, through constant divisors.
    auto fraction = magnitude % scale;
    const auto at = out.size();
    out.append(static_cast<std::size_t>(decimals), '0');
    for (auto i = static_cast<std::size_t>(decimals); i > 0; --i, fraction /= 10) {
        out[at + i - 1] = static_cast<char>('0' + fraction % 10);
    }
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
    for (const auto& unit : k_duration_units) {
        if (s.size() <= unit.suffix.size() || !s.ends_with(unit.suffix)) {
            continue;
        }
        const auto count = parse_natural(s.substr(0, s.size() - unit.suffix.size()));
        if (!count) {
            return std::nullopt;
        }
        std::int64_t milliseconds = 0;
        if (__builtin_mul_overflow(*count, unit.milliseconds, &milliseconds)) {
            return std::nullopt;
        }
        return std::chrono::milliseconds{milliseconds};
    }
    return std::nullopt;
}

std::string format_duration(std::int64_t seconds) {
    if (seconds == 0) {
        return "0s";
    }
    auto remaining = static_cast<std::uint64_t>(seconds);
    if (seconds < 0) {
        remaining = 0 - remaining;
    }
    std::string out = seconds < 0 ? "-" : "";
    for (std::size_t i = 0; i < k_display_units.size(); ++i) {
        const auto unit = static_cast<std::uint64_t>(k_display_units[i].seconds);
        if (remaining < unit) {
            continue;
        }
        out += fmt::format("{}{}", remaining / unit, k_display_units[i].suffix);
        if (i + 1 < k_display_units.size()) {
            const auto next = static_cast<std::uint64_t>(k_display_units[i + 1].seconds);
            const auto rest = remaining % unit / next;
            if (rest != 0) {
                out += fmt::format(" {}{}", rest, k_display_units[i + 1].suffix);
            }
        }
        break;
    }
    return out;
}

std::optional<std::int64_t> parse_percent(std::string_view s) {
    if (s.ends_with('%')) {
        s.remove_suffix(1);
    }
    const auto dot = s.find('.');
    const auto whole = parse_natural(s.substr(0, dot));
    if (!whole || *whole > 100) {
        return std::nullopt;
    }
    std::int64_t tenths = *whole * 10;
    if (dot != std::string_view::npos) {
        const auto fraction = s.substr(dot + 1);
        if (fraction.size() != 1 || !is_digit(fraction[0])) {
            return std::nullopt;
        }
        tenths += fraction[0] - '0';
    }
    if (tenths > 1000) {
        return std::nullopt;
    }
    return tenths;
}

TimeZone TimeZone::from_environment() {
    const char* variable = std::getenv("TZ");
    std::string_view name = variable == nullptr ? std::string_view{} : std::string_view{variable};
    if (name.starts_with(':')) {
        name.remove_prefix(1);
    }
    if (name == "UTC" || name == "Etc/UTC") {
        return utc();
    }
    // The C library falls back to UTC for a zone it cannot find, as svcmgr should.
    ::tzset();
    return TimeZone{k_process_zone};
}

TimeZone TimeZone::named(std::string_view name) {
    // An IANA name is a relative path of letters, digits, '_', '-', '+' under the zone directory.
    const bool plausible = !name.empty() && name.front() != '/' &&
                           name.find("..") == std::string_view::npos &&
                           std::all_of(name.begin(), name.end(), [](char c) {
                               return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                                      c == '/' || c == '_' || c == '-' || c == '+';
                           });
    const char* dir = std::getenv("TZDIR");
    const std::string path =
        fmt::format("{}/{}", dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo", name);
    struct stat st {};
    if (!plausible || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        throw Error(ErrorKind::usage, fmt::format("unknown time zone {}", name));
    }
    return TimeZone{interned_zone_name(name)};
}

TimeZone TimeZone::utc() {
    return TimeZone{nullptr};
}

std::int64_t TimeZone::local_midnight(int year, unsigned month, unsigned day) const {
    return to_unix(m_zone, date::local_seconds{local_day(year, month, day)});
}

std::int64_t TimeZone::local_time(int year, unsigned month, unsigned day, int hour,
                                  int minute) const {
    return to_unix(m_zone, date::local_seconds{local_day(year, month, day)} +
                               std::chrono::hours{hour} + std::chrono::minutes{minute});
}

std::string TimeZone::format_local(std::int64_t unix_seconds) const {
    const auto local = to_local(m_zone, unix_seconds);
    const auto day = date::floor<date::days>(local);
    return format_fields(date::year_month_day{day}, local - day, false);
}

std::int64_t TimeZone::start_of_day(std::int64_t unix_seconds) const {
    const auto local = to_local(m_zone, unix_seconds);
    return to_unix(m_zone, date::local_seconds{date::floor<date::days>(local)});
}

void TimeZone::to_unix_all(std::vector<std::int64_t>& local_seconds) const {
    if (m_zone == nullptr) {
        return;
    }
    const ZoneSwitch in_zone(m_zone);
    for (std::int64_t& t : local_seconds) {
        t = process_to_unix(t);
    }
}

std::int64_t TimeZone::local_seconds_of(std::int64_t unix_seconds) const {
    return to_local(m_zone, unix_seconds).time_since_epoch().count();
}

std::int64_t TimeZone::local_day_of(std::int64_t unix_seconds) const {
    return date::floor<date::days>(to_local(m_zone, unix_seconds)).time_since_epoch().count();
}

std::optional<std::int64_t> parse_time_point(std::string_view s, std::int64_t now,
                                             const TimeZone& tz) {
    if (s == "today") {
        return tz.start_of_day(now);
    }
    if (s == "yesterday") {
        const auto today = date::floor<date::days>(to_local(tz.zone(), now));
        return to_unix(tz.zone(), date::local_seconds{today - date::days{1}});
    }
    if (const auto local = parse_local_date_time(s)) {
        return to_unix(tz.zone(), *local);
    }
    if (const auto duration = parse_duration(s)) {
        // An age of millions of years is a typo; refused here, it would overflow the calendar
        // arithmetic that shows the time.
        constexpr std::int64_t k_year_1 = -62135596800; // 0001-01-01T00:00:00Z
        const std::int64_t age = duration->count() / 1000;
        std::int64_t reach = 0; // how far back the year 0001 is
        if (__builtin_sub_overflow(now, k_year_1, &reach) || reach < 0 || age > reach) {
            return std::nullopt;
        }
        return now - age;
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_utc_timestamp(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SSZ, checked by hand: an import reads millions of them.
    if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z') {
        return std::nullopt;
    }
    int fields[6] = {};
    constexpr std::size_t k_at[6] = {0, 5, 8, 11, 14, 17};
    for (std::size_t f = 0; f < 6; ++f) {
        const std::size_t width = f == 0 ? 4 : 2;
        for (std::size_t i = k_at[f]; i < k_at[f] + width; ++i) {
            const unsigned digit = static_cast<unsigned char>(s[i]) - unsigned{'0'};
            if (digit > 9) {
                return std::nullopt;
            }
            fields[f] = fields[f] * 10 + static_cast<int>(digit);
        }
    }
    const auto [year, month, day, hour, minute, second] = fields;
    if (year < 1 || hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                   date::day{static_cast<unsigned>(day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    const std::int64_t days = date::sys_days{ymd}.time_since_epoch().count();
    return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::string format_iso_utc(std::int64_t unix_seconds) {
    const date::sys_seconds time{Seconds{unix_seconds}};
    const auto day = date::floor<date::days>(time);
    return format_fields(date::year_month_day{day}, time - day, true);
}

void append_iso_utc(std::string& out, std::int64_t unix_seconds) {
    // Days to the civil date as in date::civil_from_days (H. Hinnant), without the calendar types:
    // this runs for every time cell of an export.
    constexpr std::int64_t k_day = 86400;
    std::int64_t days = unix_seconds / k_day;
    std::int64_t seconds = unix_seconds % k_day;
    if (seconds < 0) {
        seconds += k_day;
        --days;
    }
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
        out += format_iso_utc(unix_seconds);
        return;
    }
    char text[] = "0000-00-00T00:00:00Z";
    const auto put2 = [&](std::size_t at, std::int64_t value) {
        text[at] = static_cast<char>('0' + value / 10);
        text[at + 1] = static_cast<char>('0' + value % 10);
    };
    put2(0, year / 100);
    put2(2, year % 100);
    put2(5, month);
    put2(8, day);
    put2(11, seconds / 3600);
    put2(14, seconds / 60 % 60);
    put2(17, seconds % 60);
    out.append(text, sizeof text - 1);
}

} // namespace svcmgr
