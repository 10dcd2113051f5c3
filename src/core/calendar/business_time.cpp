// Business time on a calendar: the periods of each local day converted to UTC for that day, and
// sums over them read from prefix totals.

#include <svcmgr/calendar.hpp>

#include <date/date.h>

#include <algorithm>
#include <unordered_set>

namespace svcmgr {

namespace {

constexpr std::int64_t k_day = 86'400;
// How far a question walks through a calendar before it calls the time never reached: a calendar
// always has business hours, but a holiday list could cover every day.
constexpr int k_search_years = 50;
constexpr int k_first_year = 1;
constexpr int k_last_year = 9999;

std::int64_t first_day_of(int year) {
    return date::sys_days{date::year{year} / date::January / 1}.time_since_epoch().count();
}

int utc_year(std::int64_t t) {
    const auto day = date::floor<date::days>(date::sys_seconds{std::chrono::seconds{t}});
    return static_cast<int>(date::year_month_day{day}.year());
}

const WeeklyHours& hours_on(const std::vector<HoursVersion>& versions, std::int64_t day) {
    // The last version starting on or before the day; before the first, the first.
    const auto it =
        std::upper_bound(versions.begin(), versions.end(), day,
                         [](std::int64_t d, const HoursVersion& v) { return d < v.from; });
    return it == versions.begin() ? versions.front().hours : std::prev(it)->hours;
}

} // namespace

BusinessTime::BusinessTime(CalendarDef def)
    : m_def(std::move(def)),
      m_zone(m_def.tz.empty() ? TimeZone::utc() : TimeZone::named(m_def.tz)) {
    std::sort(m_def.versions.begin(), m_def.versions.end(),
              [](const HoursVersion& a, const HoursVersion& b) { return a.from < b.from; });
    if (m_def.versions.empty()) {
        m_def.versions.push_back({});
    }
}

void BusinessTime::cover_years(int first, int last) {
    first = std::max(first, k_first_year);
    last = std::min(last, k_last_year);
    if (m_first_year <= m_last_year) {
        first = std::min(first, m_first_year);
        last = std::max(last, m_last_year);
        if (first == m_first_year && last == m_last_year) {
            return;
        }
    }
    std::unordered_set<std::int64_t> one_time;
    std::unordered_set<int> yearly;
    for (const auto& h : m_def.holidays) {
        if (h.yearly) {
            yearly.insert(h.month * 100 + h.month_day);
        } else {
            one_time.insert(h.day);
        }
    }
    // Every range of every working day as local wall times, converted to UTC in one batch.
    std::vector<BusinessPeriod> periods;
    std::vector<std::int64_t> bounds;
    const std::int64_t end_day = first_day_of(last + 1);
    for (std::int64_t day = first_day_of(first); day < end_day; ++day) {
        const date::sys_days sd{date::days{day}};
        const date::year_month_day ymd{sd};
        const auto md = static_cast<int>(static_cast<unsigned>(ymd.month()) * 100 +
                                         static_cast<unsigned>(ymd.day()));
        if (one_time.contains(day) || yearly.contains(md)) {
            continue;
        }
        const unsigned weekday = date::weekday{sd}.iso_encoding() - 1; // 0 = Monday
        for (const auto& r : hours_on(m_def.versions, day).days[weekday]) {
            periods.push_back({0, 0, day});
            bounds.push_back(day * k_day + r.start * 60);
            bounds.push_back(day * k_day + r.end * 60);
        }
    }
    m_midnights.clear();
    for (std::int64_t day = first_day_of(first); day < end_day; ++day) {
        m_midnights.push_back(day * k_day);
    }
    m_zone.to_unix_all(bounds);
    m_zone.to_unix_all(m_midnights);
    m_periods.clear();
    for (std::size_t i = 0; i < periods.size(); ++i) {
        const std::int64_t start = bounds[2 * i];
        const std::int64_t end = bounds[2 * i + 1];
        if (end > start) { // a range inside the hour that a change to summer time skips is empty
            m_periods.push_back({start, end, periods[i].day});
        }
    }
    m_prefix.assign(m_periods.size() + 1, 0);
    for (std::size_t i = 0; i < m_periods.size(); ++i) {
        m_prefix[i + 1] = m_prefix[i] + (m_periods[i].end - m_periods[i].start);
    }
    m_first_year = first;
    m_last_year = last;
}

void BusinessTime::cover(std::int64_t a, std::int64_t b) {
    // A local day lies within a day of its UTC date: two days of margin cover every period that
    // may overlap [a, b).
    const int first = utc_year(a - 2 * k_day);
    const int last = utc_year(b + 2 * k_day);
    if (m_first_year > m_last_year || first < m_first_year || last > m_last_year) {
        cover_years(first, last);
    }
}

std::size_t BusinessTime::first_ending_after(std::int64_t t) const {
    return static_cast<std::size_t>(
        std::upper_bound(m_periods.begin(), m_periods.end(), t,
                         [](std::int64_t v, const BusinessPeriod& p) { return v < p.end; }) -
        m_periods.begin());
}

std::int64_t BusinessTime::before(std::int64_t t) const {
    const std::size_t i = first_ending_after(t);
    if (i == m_periods.size()) {
        return m_prefix.back();
    }
    return m_prefix[i] + std::max<std::int64_t>(0, t - m_periods[i].start);
}

std::int64_t BusinessTime::elapsed(std::int64_t a, std::int64_t b) {
    if (b <= a) {
        return 0;
    }
    cover(a, b);
    return before(b) - before(a);
}

std::optional<std::int64_t> BusinessTime::due(std::int64_t start, std::int64_t seconds) {
    cover(start, start);
    for (int years = 0; years <= k_search_years; ++years) {
        const std::int64_t wanted = before(start) + seconds;
        // The first period whose end brings the total to `wanted` (for 0: the first that ends
        // after start).
        const auto it =
            seconds == 0
                ? m_prefix.begin() + static_cast<std::ptrdiff_t>(first_ending_after(start) + 1)
                : std::lower_bound(m_prefix.begin() + 1, m_prefix.end(), wanted);
        if (it < m_prefix.end()) {
            const auto i = static_cast<std::size_t>(it - m_prefix.begin()) - 1;
            return std::max(start, m_periods[i].start + (wanted - m_prefix[i]));
        }
        if (m_last_year >= k_last_year) {
            break;
        }
        cover_years(m_first_year, m_last_year + 1);
    }
    return std::nullopt;
}

std::optional<std::int64_t> BusinessTime::business_days_due(std::int64_t start, int n) {
    if (n <= 0) {
        return due(start, 0);
    }
    cover(start, start);
    const std::int64_t day0 = local_day(start);
    for (int years = 0; years <= k_search_years; ++years) {
        auto it =
            std::upper_bound(m_periods.begin(), m_periods.end(), day0,
                             [](std::int64_t d, const BusinessPeriod& p) { return d < p.day; });
        int counted = 0;
        while (it != m_periods.end()) {
            const std::int64_t day = it->day;
            auto last = it;
            while (std::next(last) != m_periods.end() && std::next(last)->day == day) {
                ++last;
            }
            if (++counted == n) {
                return last->end;
            }
            it = std::next(last);
        }
        if (m_last_year >= k_last_year) {
            break;
        }
        cover_years(m_first_year, m_last_year + 1);
    }
    return std::nullopt;
}

std::int64_t BusinessTime::local_day(std::int64_t t) const {
    const auto it = std::upper_bound(m_midnights.begin(), m_midnights.end(), t);
    return first_day_of(m_first_year) + (it - m_midnights.begin()) - 1;
}

std::int64_t BusinessTime::span_before(std::int64_t end, std::int64_t seconds) {
    if (seconds <= 0) {
        return 0;
    }
    cover(end, end);
    for (int years = 0; years <= k_search_years; ++years) {
        const std::int64_t wanted = before(end) - seconds;
        if (wanted >= 0 && !m_periods.empty()) {
            // The last instant a with before(a) = wanted: inside the period holding it.
            const auto it = std::upper_bound(m_prefix.begin(), m_prefix.end(), wanted);
            const auto i = static_cast<std::size_t>(it - m_prefix.begin()) - 1;
            const std::int64_t a =
                m_periods[std::min(i, m_periods.size() - 1)].start + (wanted - m_prefix[i]);
            return end - std::min(a, end);
        }
        if (m_first_year <= k_first_year) {
            break;
        }
        cover_years(m_first_year - 1, m_last_year);
    }
    return end - first_day_of(m_first_year) * k_day;
}

std::int64_t BusinessTime::span_before_days(std::int64_t end, int n) {
    cover(end, end);
    for (int years = 0; years <= k_search_years; ++years) {
        // Back from the last period starting before `end`, through n + 1 distinct business days.
        auto it =
            std::lower_bound(m_periods.begin(), m_periods.end(), end,
                             [](const BusinessPeriod& p, std::int64_t t) { return p.start < t; });
        int counted = 0;
        std::int64_t day = 0;
        while (it != m_periods.begin()) {
            --it;
            if (counted == 0 || it->day != day) {
                day = it->day;
                if (++counted == n + 1) {
                    const std::int64_t midnight =
                        m_midnights[static_cast<std::size_t>(day - first_day_of(m_first_year))];
                    return end - std::min(midnight, end);
                }
            }
        }
        if (m_first_year <= k_first_year) {
            break;
        }
        cover_years(m_first_year - 1, m_last_year);
    }
    return end - first_day_of(m_first_year) * k_day;
}

std::vector<BusinessPeriod> BusinessTime::periods(std::int64_t a, std::int64_t b) {
    cover(a, b);
    std::vector<BusinessPeriod> result;
    for (std::size_t i = first_ending_after(a); i < m_periods.size() && m_periods[i].start < b;
         ++i) {
        result.push_back(m_periods[i]);
    }
    return result;
}

} // namespace svcmgr
