// Weekly business hours as people type them, and local dates.

#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/text.hpp>

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace svcmgr {

namespace {

constexpr std::array<std::string_view, 7> k_day_names = {"mon", "tue", "wed", "thu",
                                                         "fri", "sat", "sun"};
constexpr int k_minutes_per_day = 24 * 60;

[[noreturn]] void bad_hours(std::string_view part, std::string_view why) {
    throw Error(ErrorKind::bad_data, fmt::format("invalid hours '{}': {}", part, why),
                "write them as 'mon-fri 08:00-12:00,13:00-17:00; sat 10:00-14:00'");
}

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = s.find(separator, start);
        parts.push_back(trim(s.substr(start, at - start)));
        if (at == std::string_view::npos) {
            return parts;
        }
        start = at + 1;
    }
}

int day_index(std::string_view name, std::string_view group) {
    const auto* it = std::find(k_day_names.begin(), k_day_names.end(), name);
    if (it == k_day_names.end()) {
        bad_hours(group, fmt::format("unknown day '{}' (mon, tue, wed, thu, fri, sat, sun)", name));
    }
    return static_cast<int>(it - k_day_names.begin());
}

// "mon-fri,sun" -> the weekdays it names.
std::vector<int> parse_days(std::string_view days, std::string_view group) {
    std::vector<int> result;
    for (const std::string_view item : split(days, ',')) {
        const std::size_t dash = item.find('-');
        if (dash == std::string_view::npos) {
            result.push_back(day_index(item, group));
            continue;
        }
        const int first = day_index(item.substr(0, dash), group);
        const int last = day_index(item.substr(dash + 1), group);
        if (last < first) {
            bad_hours(group, fmt::format("'{}' runs backwards (days run mon to sun)", item));
        }
        for (int d = first; d <= last; ++d) {
            result.push_back(d);
        }
    }
    return result;
}

// "08:30" -> 510; "24:00" only as an end.
int parse_clock(std::string_view s, bool end, std::string_view group) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.size() != 5 || !digit(s[0]) || !digit(s[1]) || s[2] != ':' || !digit(s[3]) ||
        !digit(s[4])) {
        bad_hours(group, fmt::format("'{}' is not a time HH:MM", s));
    }
    const int h = (s[0] - '0') * 10 + (s[1] - '0');
    const int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h == 24 && m == 0 && end) {
        return k_minutes_per_day;
    }
    if (h > 23 || m > 59) {
        bad_hours(group, fmt::format("'{}' is not a time of day (24:00 only as an end)", s));
    }
    return h * 60 + m;
}

std::string format_clock(int minutes) {
    return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::string format_ranges(const std::vector<HoursRange>& ranges) {
    std::vector<std::string> parts;
    parts.reserve(ranges.size());
    for (const auto& r : ranges) {
        parts.push_back(format_clock(r.start) + "-" + format_clock(r.end));
    }
    return fmt::format("{}", fmt::join(parts, ","));
}

} // namespace

bool WeeklyHours::empty() const {
    return std::all_of(days.begin(), days.end(), [](const auto& d) { return d.empty(); });
}

WeeklyHours parse_hours(std::string_view text) {
    WeeklyHours hours;
    if (trim(text).empty()) {
        bad_hours(text, "no business hours at all");
    }
    for (const std::string_view group : split(text, ';')) {
        const std::size_t space = group.find(' ');
        if (group.empty() || space == std::string_view::npos) {
            bad_hours(group, "expected days and ranges, such as 'mon-fri 08:00-17:00'");
        }
        const std::vector<int> days = parse_days(group.substr(0, space), group);
        std::vector<HoursRange> ranges;
        for (const std::string_view range : split(trim(group.substr(space + 1)), ',')) {
            const std::size_t dash = range.find('-');
            if (dash == std::string_view::npos) {
                bad_hours(group, fmt::format("'{}' is not a range HH:MM-HH:MM", range));
            }
            const int start = parse_clock(range.substr(0, dash), false, group);
            const int end = parse_clock(range.substr(dash + 1), true, group);
            if (end <= start) {
                bad_hours(group, fmt::format("'{}' ends before it starts", range));
            }
            ranges.push_back({start, end});
        }
        for (const int d : days) {
            auto& day = hours.days[static_cast<std::size_t>(d)];
            day.insert(day.end(), ranges.begin(), ranges.end());
        }
    }
    for (std::size_t d = 0; d < hours.days.size(); ++d) {
        auto& day = hours.days[d];
        std::sort(day.begin(), day.end(),
                  [](const HoursRange& a, const HoursRange& b) { return a.start < b.start; });
        std::vector<HoursRange> joined;
        for (const auto& r : day) {
            if (!joined.empty() && r.start < joined.back().end) {
                bad_hours(text, fmt::format("on {} {} overlaps {}", k_day_names[d],
                                            format_ranges({r}), format_ranges({joined.back()})));
            }
            if (!joined.empty() && r.start == joined.back().end) {
                joined.back().end = r.end;
            } else {
                joined.push_back(r);
            }
        }
        day = std::move(joined);
    }
    return hours;
}

std::string format_hours(const WeeklyHours& hours) {
    std::vector<std::string> groups;
    std::size_t d = 0;
    while (d < hours.days.size()) {
        std::size_t last = d;
        while (last + 1 < hours.days.size() && hours.days[last + 1] == hours.days[d]) {
            ++last;
        }
        if (!hours.days[d].empty()) {
            const std::string days = last == d
                                         ? std::string(k_day_names[d])
                                         : fmt::format("{}-{}", k_day_names[d], k_day_names[last]);
            groups.push_back(days + " " + format_ranges(hours.days[d]));
        }
        d = last + 1;
    }
    return fmt::format("{}", fmt::join(groups, "; "));
}

std::optional<std::int64_t> parse_local_date(std::string_view s) {
    const auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') {
                return std::nullopt;
            }
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
        return std::nullopt;
    }
    const auto y = digits(0, 4);
    const auto m = digits(5, 2);
    const auto d = digits(8, 2);
    if (!y || !m || !d || *y == 0) {
        return std::nullopt;
    }
    const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                                   date::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return date::sys_days{ymd}.time_since_epoch().count();
}

std::string format_local_date(std::int64_t day) {
    const date::year_month_day ymd{date::sys_days{date::days{day}}};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

} // namespace svcmgr

namespace svcmgr {

std::optional<Holiday> parse_holiday_date(std::string_view s) {
    if (s.size() == 10) {
        const auto day = parse_local_date(s);
        return day ? std::optional<Holiday>(Holiday{.day = *day}) : std::nullopt;
    }
    // MM-DD, checked as a day of the leap year 2000 so that 02-29 is one.
    if (s.size() != 5 || !parse_local_date(fmt::format("2000-{}", s))) {
        return std::nullopt;
    }
    return Holiday{.month = (s[0] - '0') * 10 + (s[1] - '0'),
                   .month_day = (s[3] - '0') * 10 + (s[4] - '0'),
                   .yearly = true};
}

std::string format_holiday_date(const Holiday& h) {
    return h.yearly ? fmt::format("{:02}-{:02}", h.month, h.month_day) : format_local_date(h.day);
}

} // namespace svcmgr
