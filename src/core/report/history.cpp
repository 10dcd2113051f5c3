// Ticket histories for the reports: loading them through the indexes, and the clocks of DESIGN.md
// section 7 computed from the status events.

#include "report/history.hpp"
#include "report/clocks.hpp"
#include "report/percentiles.hpp"

#include <svcmgr/settings.hpp>

#include "db/sql.hpp"
#include "ticket/statuses.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace svcmgr::report {

namespace {

EventKind parse_kind(std::string_view kind) {
    static constexpr std::array<std::pair<std::string_view, EventKind>, 6> k_kinds = {{
        {"created", EventKind::created},
        {"note", EventKind::note},
        {"reply", EventKind::reply},
        {"inbound", EventKind::inbound},
        {"status", EventKind::status},
        {"field", EventKind::field},
    }};
    for (const auto& [name, k] : k_kinds) {
        if (name == kind) {
            return k;
        }
    }
    return EventKind::note;
}

// The ids a period's report must look at: tickets with an event or a stock move since $1, and
// the active tickets whose clock may fall due in the period without an event in it: created
// less than their first-response window before $1, or running and created or moved less than
// their resolution window before it ($4..$7 and $8..$11: the windows of low, normal, high and
// urgent, DueWindows; $3 the earliest of those instants, $1 when none). Those are found from the
// events of that window (CROSS JOIN keeps them the outer loop), so a longer history costs nothing.
std::string candidates_cte() {
    return fmt::format(
        "WITH c(id) AS (SELECT ticket_id FROM ticket_event WHERE at >= $1 "
        "UNION SELECT ticket_id FROM stock_move WHERE at >= $1 AND ticket_id IS NOT NULL "
        "UNION SELECT e.ticket_id FROM ticket_event e CROSS JOIN ticket t WHERE t.id = e.ticket_id "
        "AND e.at >= $3 AND e.at < $1 AND e.kind IN ('created', 'status') "
        "AND t.status IN {} AND ((e.kind = 'created' AND e.at >= $1 - CAST(CASE t.priority "
        "WHEN 'low' THEN $4 WHEN 'normal' THEN $5 WHEN 'high' THEN $6 ELSE $7 END AS BIGINT)) "
        "OR (t.status IN ('new', 'open', 'in_progress') AND e.at >= $1 - CAST(CASE t.priority "
        "WHEN 'low' THEN $8 WHEN 'normal' THEN $9 WHEN 'high' THEN $10 ELSE $11 END AS BIGINT)))) ",
        k_active_status_sql);
}

constexpr std::string_view k_ticket_columns =
    "t.id, t.customer_id, t.created_at, t.title, t.category, t.channel, t.priority, t.status, "
    "t.assignee, t.cause, CASE t.preventable WHEN 1 THEN 'yes' WHEN 0 THEN 'no' END, "
    "CAST(t.satisfaction AS TEXT)";
constexpr std::string_view k_event_columns =
    "e.ticket_id, e.at, e.kind, e.field, e.old_value, e.new_value, e.minutes";

// Walks the tickets and the events of two statements ordered by ticket id, as one history per
// ticket. The statements read the ids first (`c CROSS JOIN ...`): without statistics SQLite would
// rather walk every event in ticket order than sort the few it needs. The join condition is in
// WHERE, not ON: `CROSS JOIN ... WHERE` is standard SQL, which PostgreSQL plans as any inner
// join, while SQLite keeps the left table of a CROSS JOIN the outer loop.
void merge_histories(Statement& tickets, Statement& events,
                     const std::function<void(const TicketHistory&)>& visit) {
    bool have_event = events.step();
    TicketHistory h;
    while (tickets.step()) {
        h.id = tickets.int64(0);
        h.customer_id = tickets.int64(1);
        h.created_at = tickets.int64(2);
        h.title = tickets.text(3);
        h.category = tickets.text(4);
        h.channel = tickets.text(5);
        h.priority = parse_priority(tickets.text(6)).value_or(Priority::normal);
        h.status = parse_status(tickets.text(7)).value_or(Status::new_);
        h.assignee = tickets.optional_text(8);
        h.cause = tickets.optional_text(9);
        h.preventable = tickets.optional_text(10);
        h.satisfaction = tickets.optional_text(11);
        h.events.clear();
        while (have_event && events.int64(0) < h.id) {
            have_event = events.step();
        }
        while (have_event && events.int64(0) == h.id) {
            h.events.push_back({.at = events.int64(1),
                                .kind = parse_kind(events.text(2)),
                                .field = events.optional_text(3).value_or(""),
                                .old_value = events.optional_text(4),
                                .new_value = events.optional_text(5),
                                .minutes = events.optional_int64(6).value_or(0)});
            have_event = events.step();
        }
        visit(h);
    }
}

} // namespace

bool is_active(Status s) {
    return is_active_status(s);
}

bool clock_runs(Status s) {
    return s == Status::new_ || s == Status::open || s == Status::in_progress;
}

Status TicketHistory::status_before(std::int64_t t) const {
    Status s = Status::new_;
    for (const auto& e : events) {
        if (e.at >= t) {
            break;
        }
        if (e.kind == EventKind::status && e.new_value) {
            s = parse_status(*e.new_value).value_or(s);
        }
    }
    return s;
}

std::vector<Spell> TicketHistory::spells(std::int64_t until) const {
    std::vector<Spell> result;
    Spell current{created_at, created_at, Status::new_};
    for (const auto& e : events) {
        if (e.at >= until) {
            break;
        }
        if (e.kind != EventKind::status || !e.new_value) {
            continue;
        }
        current.end = std::max(e.at, current.start);
        if (current.end > current.start) {
            result.push_back(current);
        }
        current = {current.end, current.end, parse_status(*e.new_value).value_or(current.status)};
    }
    current.end = std::max(until, current.start);
    if (current.end > current.start) {
        result.push_back(current);
    }
    return result;
}

std::int64_t TicketHistory::running_time(std::int64_t until) const {
    std::int64_t total = 0;
    for (const auto& s : spells(until)) {
        if (clock_runs(s.status)) {
            total += s.end - s.start;
        }
    }
    return total;
}

std::optional<std::int64_t> TicketHistory::first_response_stop(std::int64_t until) const {
    for (const auto& e : events) {
        if (e.at >= until) {
            break;
        }
        if (e.kind == EventKind::reply ||
            (e.kind == EventKind::status && e.new_value == std::string("resolved"))) {
            return e.at;
        }
    }
    return std::nullopt;
}

std::vector<std::int64_t> TicketHistory::moves_to(Status to, std::optional<std::int64_t> since,
                                                  std::int64_t until) const {
    std::vector<std::int64_t> result;
    const std::string_view name = to_string(to);
    for (const auto& e : events) {
        if (e.at >= until) {
            break;
        }
        if (e.kind == EventKind::status && e.new_value == name && (!since || e.at >= *since)) {
            result.push_back(e.at);
        }
    }
    return result;
}

std::optional<std::string>
TicketHistory::field_at(std::string_view field, std::int64_t t,
                        const std::optional<std::string>& current) const {
    const HistoryEvent* last = nullptr;
    for (const auto& e : events) {
        if (e.kind != EventKind::field || e.field != field) {
            continue;
        }
        if (e.at > t) {
            return last != nullptr ? last->new_value : e.old_value;
        }
        last = &e;
    }
    return last != nullptr ? last->new_value : current;
}

std::int64_t TicketHistory::minutes_in(std::optional<std::int64_t> since,
                                       std::int64_t until) const {
    std::int64_t total = 0;
    for (const auto& e : events) {
        if (e.at < until && (!since || e.at >= *since)) {
            total += e.minutes;
        }
    }
    return total;
}

std::int64_t TicketHistory::time_in(Status wanted, std::optional<std::int64_t> since,
                                    std::int64_t until) const {
    std::int64_t total = 0;
    for (const auto& s : spells(until)) {
        if (s.status == wanted) {
            const std::int64_t start = since ? std::max(s.start, *since) : s.start;
            total += std::max<std::int64_t>(0, s.end - start);
        }
    }
    return total;
}

void for_each_ticket(Database& db, std::optional<std::int64_t> since, std::int64_t until,
                     const std::function<void(const TicketHistory&)>& visit,
                     const DueWindows* due) {
    std::string ticket_sql;
    std::string event_sql;
    if (since) {
        ticket_sql = fmt::format("{}SELECT {} FROM c CROSS JOIN ticket t WHERE t.id = c.id "
                                 "AND t.created_at < $2 ORDER BY t.id",
                                 candidates_cte(), k_ticket_columns);
        event_sql =
            fmt::format("{}SELECT {} FROM c CROSS JOIN ticket_event e WHERE e.ticket_id = c.id "
                        "ORDER BY e.ticket_id, e.at, e.id",
                        candidates_cte(), k_event_columns);
    } else {
        ticket_sql = fmt::format("SELECT {} FROM ticket t WHERE t.created_at < $2 ORDER BY t.id",
                                 k_ticket_columns);
        event_sql = fmt::format("SELECT {} FROM ticket_event e ORDER BY e.ticket_id, e.at, e.id",
                                k_event_columns);
    }
    Statement tickets(db, ticket_sql);
    Statement events(db, event_sql);
    for (Statement* st : {&tickets, &events}) {
        st->bind(1, since).bind(2, until);
        if (since) {
            st->bind(3, due != nullptr ? *since - due->longest() : *since);
        }
        if (due != nullptr) {
            for (std::size_t i = 0; i < 4; ++i) {
                const int n = static_cast<int>(i);
                st->bind(4 + n, due->first_response[i]).bind(8 + n, due->resolution[i]);
            }
        }
    }
    merge_histories(tickets, events, visit);
}

void for_each_active_ticket(Database& db, std::int64_t at,
                            const std::function<void(const TicketHistory&)>& visit) {
    // Tickets with events at or after `at` may have been active then whatever they are now.
    const std::string ids = fmt::format("WITH c(id) AS (SELECT id FROM ticket WHERE status IN {} "
                                        "UNION SELECT ticket_id FROM ticket_event WHERE at >= $1) ",
                                        k_active_status_sql);
    Statement tickets(db, fmt::format("{}SELECT {} FROM c CROSS JOIN ticket t WHERE t.id = c.id "
                                      "AND t.created_at < $1 ORDER BY t.id",
                                      ids, k_ticket_columns));
    tickets.bind(1, at);
    Statement events(db, fmt::format("{}SELECT {} FROM c CROSS JOIN ticket_event e "
                                     "WHERE e.ticket_id = c.id ORDER BY e.ticket_id, e.at, e.id",
                                     ids, k_event_columns));
    events.bind(1, at);
    merge_histories(tickets, events, visit);
}

std::vector<ActiveCount> count_active(Database& db, std::int64_t until) {
    Statement st(db, fmt::format("SELECT status, category, channel, count(*) FROM ticket "
                                 "WHERE status IN {} AND created_at < $1 GROUP BY 1, 2, 3",
                                 k_active_status_sql));
    st.bind(1, until);
    std::vector<ActiveCount> counts;
    while (st.step()) {
        counts.push_back(
            {parse_status(st.text(0)).value_or(Status::new_), st.text(1), st.text(2), st.int64(3)});
    }
    return counts;
}

std::int64_t chasers(const TicketHistory& h, std::optional<std::int64_t> since,
                     std::int64_t until) {
    std::int64_t n = 0;
    Status status = Status::new_;
    for (const auto& e : h.events) {
        if (e.at >= until) {
            break;
        }
        if (e.kind == EventKind::status && e.new_value) {
            status = parse_status(*e.new_value).value_or(status);
        } else if (e.kind == EventKind::inbound && is_active(status) &&
                   (!since || e.at >= *since)) {
            ++n;
        }
    }
    return n;
}

namespace {

std::string parts_sql(bool since) {
    constexpr std::string_view k_sums =
        "SELECT m.ticket_id, coalesce(-sum(CASE WHEN (CAST($1 AS BIGINT) IS NULL OR m.at >= $1) "
        "THEN "
        "m.qty * m.unit_cost END), 0), -sum(m.qty * m.unit_cost) ";
    return since ? fmt::format("{}{}FROM c CROSS JOIN stock_move m WHERE m.ticket_id = c.id "
                               "AND m.kind IN ('consume', 'return') AND m.at < $2 "
                               "GROUP BY m.ticket_id ORDER BY m.ticket_id",
                               candidates_cte(), k_sums)
                 : fmt::format("{}FROM stock_move m WHERE m.ticket_id IS NOT NULL "
                               "AND m.kind IN ('consume', 'return') AND m.at < $2 "
                               "GROUP BY m.ticket_id ORDER BY m.ticket_id",
                               k_sums);
}

} // namespace

PartsCosts::PartsCosts(Database& db, std::optional<std::int64_t> since, std::int64_t until)
    : m_st(db, parts_sql(since.has_value())) {
    m_st.bind(1, since).bind(2, until);
    if (since) {
        m_st.bind(3, since);
    }
    m_have = m_st.step();
}

PartsCost PartsCosts::of(std::int64_t id) {
    while (m_have && m_st.int64(0) < id) {
        m_have = m_st.step();
    }
    if (m_have && m_st.int64(0) == id) {
        return {m_st.int64(1), m_st.int64(2)};
    }
    return {};
}

RepeatFinder::RepeatFinder(Database& db, std::int64_t window)
    : m_window(window),
      m_previous(db, "SELECT 1 FROM ticket WHERE customer_id = $1 AND created_at >= $2 "
                     "AND created_at < $3 LIMIT 1"),
      m_charged(db, "SELECT count(*) FROM ticket t2 WHERE t2.customer_id = $1 "
                    "AND t2.created_at > $2 AND t2.created_at <= $2 + $3 AND t2.created_at < $4 "
                    "AND NOT EXISTS (SELECT 1 FROM ticket t3 WHERE t3.customer_id = $1 "
                    "AND t3.created_at > $2 AND t3.created_at < t2.created_at) "
                    "AND NOT EXISTS (SELECT 1 FROM ticket t4 WHERE t4.customer_id = $1 "
                    "AND t4.created_at = $2 AND t4.id > $5)") {}

bool RepeatFinder::is_repeat(std::int64_t customer_id, std::int64_t created_at) {
    m_previous.reset();
    m_previous.bind_all(customer_id, created_at - m_window, created_at);
    return m_previous.step();
}

std::int64_t RepeatFinder::charged_to(std::int64_t id, std::int64_t customer_id,
                                      std::int64_t created_at, std::int64_t until) {
    m_charged.reset();
    m_charged.bind_all(customer_id, created_at, m_window, until, id);
    m_charged.step();
    return m_charged.int64(0);
}

ReportSettings read_report_settings(Database& db) {
    ReportSettings s;
    s.hourly_cost = setting_money(db, "hourly_cost");
    s.repeat_window = setting_seconds(db, "repeat_window");
    return s;
}

std::int64_t labour_cost(std::int64_t minutes, std::int64_t hourly_cost) {
    return (minutes * hourly_cost + 30) / 60;
}

std::optional<std::int64_t> percentile(std::vector<std::int64_t>& values, int tenths) {
    if (values.empty()) {
        return std::nullopt;
    }
    std::sort(values.begin(), values.end());
    const PercentileRank r = percentile_rank(static_cast<std::int64_t>(values.size()), tenths);
    const auto lower = static_cast<std::size_t>(r.lower);
    return interpolate(values[lower], r.fraction == 0 ? 0 : values[lower + 1], r.fraction);
}

Value percent(std::int64_t num, std::int64_t den) {
    if (den == 0) {
        return {};
    }
    return (num * 2000 + den) / (2 * den);
}

Value hundredths_mean(std::int64_t sum, std::int64_t n) {
    if (n == 0) {
        return {};
    }
    return (sum * 200 + n) / (2 * n);
}

Value optional_value(const std::optional<std::int64_t>& v) {
    return v ? Value{*v} : Value{};
}

} // namespace svcmgr::report
