// The SLA clocks in business time: the calendar in force at each instant of a ticket's history,
// the targets (hours, or business days), and the walks that find when a clock falls due.

#include "report/clocks.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

namespace svcmgr::report {

namespace {

constexpr std::array k_priorities = {Priority::low, Priority::normal, Priority::high,
                                     Priority::urgent};
constexpr std::int64_t k_day = 86'400;
constexpr std::int64_t k_forever = std::numeric_limits<std::int64_t>::max() / 4;

std::size_t index(Priority p) {
    return static_cast<std::size_t>(p);
}

// The priority h had at instant t: the last change at or before t, else what the first change
// says it was, else its priority now.
Priority priority_at(const TicketHistory& h, std::int64_t t) {
    const auto value = h.field_at("priority", t, std::string(to_string(h.priority)));
    return value ? parse_priority(*value).value_or(h.priority) : h.priority;
}

} // namespace

std::int64_t DueWindows::longest() const {
    std::int64_t longest = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        longest = std::max({longest, first_response[i], resolution[i]});
    }
    return longest;
}

SlaClocks::SlaClocks(Database& db) {
    check_sla_settings(db);
    std::map<std::string, BusinessTime*, std::less<>> loaded;
    for (const Priority p : k_priorities) {
        const auto name = to_string(p);
        m_first[index(p)] = setting_sla_target(db, fmt::format("sla.{}.first_response", name));
        m_resolution[index(p)] = setting_sla_target(db, fmt::format("sla.{}.resolution", name));
        const std::string calendar = get_setting(db, fmt::format("sla.{}.calendar", name));
        if (calendar == "none") {
            continue;
        }
        auto it = loaded.find(calendar);
        if (it == loaded.end()) {
            m_calendars.push_back(std::make_unique<BusinessTime>(load_calendar(db, calendar)));
            it = loaded.emplace(calendar, m_calendars.back().get()).first;
        }
        m_by_priority[index(p)] = it->second;
    }
    m_uniform = std::all_of(m_by_priority.begin(), m_by_priority.end(),
                            [&](BusinessTime* c) { return c == m_by_priority[0]; });
}

BusinessTime* SlaClocks::calendar_of(Priority p) const {
    return m_by_priority[index(p)];
}

BusinessTime& SlaClocks::every_day() {
    if (!m_every_day) {
        std::string zone = default_zone_name();
        try {
            TimeZone::named(zone);
        } catch (const Error&) {
            zone = "UTC"; // TZ in a POSIX form such as CET-1CEST, not a zone name
        }
        m_every_day = std::make_unique<BusinessTime>(
            CalendarDef{.name = "24x7",
                        .tz = zone,
                        .versions = {{-719'162, parse_hours("mon-sun 00:00-24:00")}},
                        .holidays = {}});
    }
    return *m_every_day;
}

std::vector<SlaClocks::Segment> SlaClocks::segments(const TicketHistory& h, std::int64_t a,
                                                    std::int64_t b) {
    if (m_uniform) {
        return {{a, b, m_by_priority[0]}};
    }
    std::vector<Segment> result;
    std::int64_t start = a;
    BusinessTime* calendar = calendar_of(priority_at(h, a));
    for (const auto& e : h.events) {
        if (e.kind != EventKind::field || e.field != "priority" || e.at <= a) {
            continue;
        }
        if (e.at >= b) {
            break;
        }
        BusinessTime* next =
            calendar_of(parse_priority(e.new_value.value_or("")).value_or(h.priority));
        if (next != calendar) {
            result.push_back({start, e.at, calendar});
            start = e.at;
            calendar = next;
        }
    }
    result.push_back({start, b, calendar});
    return result;
}

std::int64_t SlaClocks::business(const TicketHistory& h, std::int64_t a, std::int64_t b) {
    if (b <= a) {
        return 0;
    }
    std::int64_t total = 0;
    for (const Segment& s : segments(h, a, b)) {
        total += s.calendar != nullptr ? s.calendar->elapsed(s.start, s.end) : s.end - s.start;
    }
    return total;
}

std::int64_t SlaClocks::running(const TicketHistory& h, std::int64_t until) {
    std::int64_t total = 0;
    for (const auto& s : h.spells(until)) {
        if (clock_runs(s.status)) {
            total += business(h, s.start, s.end);
        }
    }
    return total;
}

std::optional<std::int64_t> SlaClocks::due_from(const TicketHistory& h, std::int64_t a,
                                                std::int64_t seconds) {
    std::int64_t remaining = seconds;
    for (const Segment& s : segments(h, a, k_forever)) {
        if (s.calendar == nullptr) {
            if (s.start + remaining <= s.end) {
                return s.start + remaining;
            }
            remaining -= s.end - s.start;
            continue;
        }
        const auto due = s.calendar->due(s.start, remaining);
        if (due && (*due < s.end || (*due == s.end && remaining > 0))) {
            return due;
        }
        if (s.end >= k_forever) {
            return std::nullopt; // the last calendar never gets there
        }
        remaining -= s.calendar->elapsed(s.start, s.end);
    }
    return std::nullopt;
}

std::int64_t SlaClocks::target(const TicketHistory& h, const SlaTarget& t) {
    if (t.business_days == 0) {
        return t.seconds;
    }
    BusinessTime* calendar = calendar_of(priority_at(h, h.created_at));
    BusinessTime& on = calendar != nullptr ? *calendar : every_day();
    const auto end = on.business_days_due(h.created_at, t.business_days);
    return end ? on.elapsed(h.created_at, *end) : k_forever;
}

std::int64_t SlaClocks::first_response_target(const TicketHistory& h) {
    return target(h, m_first[index(h.priority)]);
}

std::int64_t SlaClocks::resolution_target(const TicketHistory& h) {
    return target(h, m_resolution[index(h.priority)]);
}

std::optional<std::int64_t> SlaClocks::first_response_due(const TicketHistory& h,
                                                          std::int64_t target) {
    return due_from(h, h.created_at, target);
}

std::optional<std::int64_t> SlaClocks::first_response_late(const TicketHistory& h,
                                                           std::int64_t target) {
    const auto over = due_from(h, h.created_at, target + 1);
    return over ? std::optional<std::int64_t>(*over - 1) : std::nullopt;
}

std::optional<std::int64_t> SlaClocks::running_reaches(const TicketHistory& h, std::int64_t r,
                                                       std::int64_t until) {
    std::int64_t total = 0;
    for (const auto& s : h.spells(until)) {
        if (!clock_runs(s.status)) {
            continue;
        }
        const std::int64_t b = business(h, s.start, s.end);
        if (total + b >= r) {
            return due_from(h, s.start, r - total);
        }
        total += b;
    }
    return std::nullopt;
}

std::optional<std::int64_t> SlaClocks::resolution_due(const TicketHistory& h, std::int64_t target,
                                                      std::int64_t until) {
    return running_reaches(h, target, until);
}

std::optional<std::int64_t> SlaClocks::resolution_late(const TicketHistory& h, std::int64_t target,
                                                       std::int64_t until) {
    const auto over = running_reaches(h, target + 1, until);
    return over ? std::optional<std::int64_t>(*over - 1) : std::nullopt;
}

DueWindows SlaClocks::windows(std::int64_t since) {
    // A priority's clocks may have run on any calendar in use before (its priority changes),
    // so each window is the longest over all of them.
    std::vector<BusinessTime*> calendars(m_by_priority.begin(), m_by_priority.end());
    std::sort(calendars.begin(), calendars.end());
    calendars.erase(std::unique(calendars.begin(), calendars.end()), calendars.end());
    const auto span = [&](const SlaTarget& t) {
        std::int64_t longest = 0;
        for (BusinessTime* c : calendars) {
            std::int64_t wall = 0;
            if (t.business_days > 0) {
                // N business days run from day 0, so their business time is at most N + 1
                // days' worth: a clock resumed more than N + 2 business days back has run it.
                wall = c != nullptr ? c->span_before_days(since, t.business_days + 1)
                                    : (t.business_days + 2) * k_day;
            } else {
                wall = c != nullptr ? c->span_before(since, t.seconds) : t.seconds;
            }
            longest = std::max(longest, wall);
        }
        return longest;
    };
    DueWindows w;
    for (std::size_t i = 0; i < 4; ++i) {
        w.first_response[i] = span(m_first[i]);
        w.resolution[i] = span(m_resolution[i]);
    }
    return w;
}

} // namespace svcmgr::report
