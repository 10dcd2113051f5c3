#pragma once

// The history of tickets as the reports read it: each ticket with its events, and the clocks of
// DESIGN.md section 7 ("Definitions") computed from the status events alone.

#include <svcmgr/db.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace svcmgr::report {

enum class EventKind { created, note, reply, inbound, status, field };

struct HistoryEvent {
    std::int64_t at = 0;
    EventKind kind = EventKind::note;
    std::string field;
    std::optional<std::string> old_value;
    std::optional<std::string> new_value;
    std::int64_t minutes = 0;
};

// A stretch of time a ticket spent in one status: [start, end).
struct Spell {
    std::int64_t start = 0;
    std::int64_t end = 0;
    Status status = Status::new_;
};

bool is_active(Status s);
bool clock_runs(Status s); // the resolution clock runs in new, open and in_progress

struct TicketHistory {
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    std::int64_t created_at = 0;
    std::string title;
    std::string category;
    std::string channel;
    Priority priority = Priority::normal;
    Status status = Status::new_; // now
    std::optional<std::string> assignee;
    std::optional<std::string> cause;
    std::optional<std::string> preventable;  // "yes", "no" or empty, as the events write it
    std::optional<std::string> satisfaction; // "1".."5"
    std::vector<HistoryEvent> events;        // in the order they happened

    // The status after every event before t (an event at t belongs to [t, ...)).
    Status status_before(std::int64_t t) const;
    // The spells from creation up to `until`, the last one cut at `until`.
    std::vector<Spell> spells(std::int64_t until) const;
    // Seconds the resolution clock ran in [created_at, until).
    std::int64_t running_time(std::int64_t until) const;
    // When the first-response clock stopped (first reply, or first resolution without a reply),
    // if before `until`.
    std::optional<std::int64_t> first_response_stop(std::int64_t until) const;
    // Times of status events moving to `to`, in [since, until).
    std::vector<std::int64_t> moves_to(Status to, std::optional<std::int64_t> since,
                                       std::int64_t until) const;
    // A field's value just after the events at t: the last change at or before t, else what the
    // first later change says it was, else the current value.
    std::optional<std::string> field_at(std::string_view field, std::int64_t t,
                                        const std::optional<std::string>& current) const;
    // Minutes logged in [since, until).
    std::int64_t minutes_in(std::optional<std::int64_t> since, std::int64_t until) const;
    // Seconds spent in `status` within [since, until).
    std::int64_t time_in(Status s, std::optional<std::int64_t> since, std::int64_t until) const;
};

struct DueWindows;

// Calls `visit` for every ticket created before `until` that has an event or a stock move at or
// after `since`, in id order, with its whole history. With the windows of `due`
// (report/clocks.hpp), also the active tickets whose clock may fall due in the period without an
// event in it (created less than a first-response window before `since`, or running and moved less
// than a resolution window before it). Without `since`, every ticket created before `until`. Reads
// through the indexes: a short recent period touches only recent tickets; the active tickets that
// did not change are left to count_active.
void for_each_ticket(Database& db, std::optional<std::int64_t> since, std::int64_t until,
                     const std::function<void(const TicketHistory&)>& visit,
                     const DueWindows* due = nullptr);

// Calls `visit`, in id order and with its whole history, for every ticket created before `at`
// that may have been active just before it: the active ones, and those with an event since.
void for_each_active_ticket(Database& db, std::int64_t at,
                            const std::function<void(const TicketHistory&)>& visit);

// Active tickets created before `until`, counted by status, category and channel. A ticket that
// for_each_ticket does not visit has not changed since before the period: it is in the status it
// is in now all through the period.
struct ActiveCount {
    Status status = Status::new_;
    std::string category;
    std::string channel;
    std::int64_t count = 0;
};
std::vector<ActiveCount> count_active(Database& db, std::int64_t until);

// Inbound messages on the ticket while it was active, in [since, until): chasers.
std::int64_t chasers(const TicketHistory& h, std::optional<std::int64_t> since, std::int64_t until);

// Cost of the parts tickets consumed less what they returned (at the cost charged), per ticket:
// within [since, until) and before until.
struct PartsCost {
    std::int64_t in_period = 0;
    std::int64_t before_until = 0;
};
// The parts costs of for_each_ticket's tickets with the same arguments, read in ticket order
// beside it, so that no ticket's sums are kept past its visit.
class PartsCosts {
public:
    PartsCosts(Database& db, std::optional<std::int64_t> since, std::int64_t until);
    // The costs of ticket `id` (zero without parts); ids must come in increasing order.
    PartsCost of(std::int64_t id);

private:
    Statement m_st;
    bool m_have = false;
};

// Repeat contacts (DESIGN.md: the same customer opened another ticket in [t - window, t)).
class RepeatFinder {
public:
    RepeatFinder(Database& db, std::int64_t window);
    // Whether a ticket the customer opened at `created_at` is a repeat contact.
    bool is_repeat(std::int64_t customer_id, std::int64_t created_at);
    // How many of the customer's later tickets, opened before `until`, are repeats charged to
    // ticket `id` (the customer's latest ticket before them).
    std::int64_t charged_to(std::int64_t id, std::int64_t customer_id, std::int64_t created_at,
                            std::int64_t until);

private:
    std::int64_t m_window;
    Statement m_previous;
    Statement m_charged;
};

// Settings a report needs, read once (the SLA clocks' in report/clocks.hpp).
struct ReportSettings {
    std::int64_t hourly_cost = 0;   // minor units
    std::int64_t repeat_window = 0; // seconds
};
ReportSettings read_report_settings(Database& db);

// Labour cost of `minutes`: minutes x hourly_cost / 60 rounded half-up to the minor unit.
std::int64_t labour_cost(std::int64_t minutes, std::int64_t hourly_cost);

// Excel PERCENTILE.INC of `values` (sorted in place) at `tenths`/10, rounded half-up to whole
// seconds; nullopt when empty.
std::optional<std::int64_t> percentile(std::vector<std::int64_t>& values, int tenths);

// num/den as tenths of a percent rounded half-up; nullopt when den is 0.
Value percent(std::int64_t num, std::int64_t den);
// sum/n in hundredths rounded half-up; NULL when n is 0.
Value hundredths_mean(std::int64_t sum, std::int64_t n);
Value optional_value(const std::optional<std::int64_t>& v);

} // namespace svcmgr::report
