#pragma once

// The SLA clocks on the working calendars (man svcmgr-report, "Definitions"): each priority's
// clocks run on sla.P.calendar, else sla.calendar (none: 24x7), and count business time there.
// Which calendar is in force at an instant follows the priority the ticket had then, read from
// its history as everything else is; the targets follow its priority now. Nothing is stored:
// a change of priority, of the settings or of a calendar recomputes from the history.

#include <svcmgr/calendar.hpp>
#include <svcmgr/settings.hpp>

#include "report/history.hpp"

#include <array>
#include <memory>

namespace svcmgr::report {

// How far before a period's start a clock may have started and still fall due in it, per
// priority (index: Priority), as wall-clock seconds.
struct DueWindows {
    std::array<std::int64_t, 4> first_response{};
    std::array<std::int64_t, 4> resolution{};
    std::int64_t longest() const;
};

class SlaClocks {
public:
    // Reads the settings and the calendars they name. Throws Error(config) for a target in days
    // on a calendar clock (check_sla_settings).
    explicit SlaClocks(Database& db);

    // The targets of ticket h's clocks as business seconds on its priority now: a target of N
    // business days is the business time from the ticket's creation to the end of business on
    // the Nth business day after the day it was created (on the calendar in force then).
    std::int64_t first_response_target(const TicketHistory& h);
    std::int64_t resolution_target(const TicketHistory& h);

    // Business seconds in [a, b) of ticket h.
    std::int64_t business(const TicketHistory& h, std::int64_t a, std::int64_t b);
    // Business seconds the resolution clock ran before `until` (in new, open and in_progress).
    std::int64_t running(const TicketHistory& h, std::int64_t until);

    // The first instant at which the first-response clock, which never pauses, has run
    // `target` (due), and the last instant at which it has run no more than that (on time
    // until then; late after it).
    std::optional<std::int64_t> first_response_due(const TicketHistory& h, std::int64_t target);
    std::optional<std::int64_t> first_response_late(const TicketHistory& h, std::int64_t target);
    // The same for the resolution clock, when before `until` (its running spells end there).
    std::optional<std::int64_t> resolution_due(const TicketHistory& h, std::int64_t target,
                                               std::int64_t until);
    std::optional<std::int64_t> resolution_late(const TicketHistory& h, std::int64_t target,
                                                std::int64_t until);
    // The first instant at or after `a` at which h's clocks have run `seconds` more.
    std::optional<std::int64_t> due_from(const TicketHistory& h, std::int64_t a,
                                         std::int64_t seconds);

    // The windows of for_each_ticket's candidates for a period starting at `since`.
    DueWindows windows(std::int64_t since);

private:
    struct Segment {
        std::int64_t start = 0;
        std::int64_t end = 0;
        BusinessTime* calendar = nullptr; // nullptr: 24x7
    };
    // [a, b) cut where the calendar in force changes with h's priority.
    std::vector<Segment> segments(const TicketHistory& h, std::int64_t a, std::int64_t b);
    BusinessTime* calendar_of(Priority p) const;
    std::int64_t target(const TicketHistory& h, const SlaTarget& t);
    // The walk over the running spells: the first instant the clock has run `r` seconds.
    std::optional<std::int64_t> running_reaches(const TicketHistory& h, std::int64_t r,
                                                std::int64_t until);
    BusinessTime& every_day(); // 24x7 for business days: every local day, 00:00-24:00

    std::vector<std::unique_ptr<BusinessTime>> m_calendars;
    std::array<BusinessTime*, 4> m_by_priority{};
    bool m_uniform = true; // every priority on the same calendar
    std::array<SlaTarget, 4> m_first{};
    std::array<SlaTarget, 4> m_resolution{};
    std::unique_ptr<BusinessTime> m_every_day;
};

} // namespace svcmgr::report
