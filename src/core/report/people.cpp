// report causes, customers and agents: who and what the contacts come from, and who handles them.

#include "db/sql.hpp"
#include "report/builders.hpp"
#include "report/history.hpp"
#include "report/percentiles.hpp"

#include <algorithm>
#include <map>

namespace svcmgr::report {

namespace {

constexpr std::string_view k_none = "(none)";

bool in_period(std::int64_t t, const ReportPeriod& p) {
    return t < p.until && (!p.since || t >= *p.since);
}

// Ratings of tickets closed in a period.
struct Csat {
    std::int64_t closed = 0, rated = 0, sum = 0, good = 0;

    void add(const TicketHistory& h, const ReportPeriod& p) {
        const auto closes = h.moves_to(Status::closed, p.since, p.until);
        if (closes.empty()) {
            return;
        }
        ++closed;
        if (const auto rating = h.field_at("satisfaction", closes.back(), h.satisfaction)) {
            const std::int64_t r = std::stoll(*rating);
            ++rated;
            sum += r;
            good += r >= 4 ? 1 : 0;
        }
    }
};

} // namespace

// ---- causes -------------------------------------------------------------------------------------

std::vector<Column> causes_columns() {
    using enum ColumnType;
    return {{"cause", code},
            {"preventable", boolean},
            {"tickets", integer},
            {"share", percent},
            {"cumulative_share", percent},
            {"cost", money},
            {"repeat_contacts", integer},
            {"chasers", integer}};
}

ReportResult causes_report(Database& db, const ReportOptions& options, std::int64_t /*now*/,
                           const TimeZone& /*tz*/) {
    const ReportPeriod& p = options.period;
    const ReportSettings settings = read_report_settings(db);
    PartsCosts parts(db, p.since, p.until);
    RepeatFinder repeats(db, settings.repeat_window);
    struct Demand {
        std::int64_t tickets = 0, cost = 0, repeats = 0, chasers = 0;
    };
    // Key: cause ("" for none) and preventable (1 yes, 0 no, -1 unknown).
    std::map<std::pair<std::string, int>, Demand> rows;
    for_each_ticket(db, p.since, p.until, [&](const TicketHistory& h) {
        const auto resolved = h.moves_to(Status::resolved, p.since, p.until);
        if (resolved.empty()) {
            return;
        }
        const std::int64_t at = resolved.back();
        const auto prev = h.field_at("preventable", at, h.preventable);
        const int flag = prev == std::string("yes") ? 1 : prev == std::string("no") ? 0 : -1;
        Demand& d = rows[{h.field_at("cause", at, h.cause).value_or(""), flag}];
        ++d.tickets;
        d.cost += labour_cost(h.minutes_in(std::nullopt, p.until), settings.hourly_cost) +
                  parts.of(h.id).before_until;
        d.repeats += repeats.charged_to(h.id, h.customer_id, h.created_at, p.until);
        d.chasers += chasers(h, std::nullopt, p.until);
    });

    std::vector<std::pair<std::pair<std::string, int>, Demand>> ordered(rows.begin(), rows.end());
    // Preventable first, then not preventable, then unknown; within each, the largest first.
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        const int ra = a.first.second == 1 ? 0 : a.first.second == 0 ? 1 : 2;
        const int rb = b.first.second == 1 ? 0 : b.first.second == 0 ? 1 : 2;
        if (ra != rb) {
            return ra < rb;
        }
        if (a.second.tickets != b.second.tickets) {
            return a.second.tickets > b.second.tickets;
        }
        if (a.second.cost != b.second.cost) {
            return a.second.cost > b.second.cost;
        }
        // (none) after the named causes.
        return std::pair(a.first.first.empty(), a.first.first) <
               std::pair(b.first.first.empty(), b.first.first);
    });
    std::int64_t total = 0, preventable = 0, preventable_cost = 0, cost = 0, repeat_total = 0,
                 chaser_total = 0;
    for (const auto& [key, d] : ordered) {
        total += d.tickets;
        cost += d.cost;
        repeat_total += d.repeats;
        chaser_total += d.chasers;
        if (key.second == 1) {
            preventable += d.tickets;
            preventable_cost += d.cost;
        }
    }
    ReportResult result;
    result.table.columns = causes_columns();
    std::int64_t running = 0;
    for (const auto& [key, d] : ordered) {
        running += d.tickets;
        result.table.rows.push_back({key.first.empty() ? std::string(k_none) : key.first,
                                     key.second < 0 ? Value{} : Value{std::int64_t{key.second}},
                                     d.tickets, percent(d.tickets, total), percent(running, total),
                                     d.cost, d.repeats, d.chasers});
    }
    result.metrics = {{"tickets", total},
                      {"preventable_tickets", preventable},
                      {"preventable_pct", percent(preventable, total)},
                      {"preventable_cost", preventable_cost},
                      {"cost", cost},
                      {"repeat_contacts", repeat_total},
                      {"chasers", chaser_total}};
    return result;
}

// ---- customers ----------------------------------------------------------------------------------

std::vector<Column> customers_columns() {
    using enum ColumnType;
    return {{"customer_id", integer}, {"customer", text},           {"email", text},
            {"tickets", integer},     {"repeat_contacts", integer}, {"chasers", integer},
            {"closed", integer},      {"rated", integer},           {"csat_avg", hundredths},
            {"csat_pct", percent}};
}

ReportResult customers_report(Database& db, const ReportOptions& options, std::int64_t /*now*/,
                              const TimeZone& /*tz*/) {
    const ReportPeriod& p = options.period;
    const ReportSettings settings = read_report_settings(db);
    RepeatFinder repeats(db, settings.repeat_window);
    struct Contacts {
        std::int64_t tickets = 0, repeats = 0, chasers = 0;
        Csat csat;
    };
    std::map<std::int64_t, Contacts> customers;
    for_each_ticket(db, p.since, p.until, [&](const TicketHistory& h) {
        Contacts c;
        if (in_period(h.created_at, p)) {
            c.tickets = 1;
            c.repeats = repeats.is_repeat(h.customer_id, h.created_at) ? 1 : 0;
        }
        c.chasers = chasers(h, p.since, p.until);
        c.csat.add(h, p);
        if (c.tickets == 0 && c.chasers == 0 && c.csat.closed == 0) {
            return;
        }
        Contacts& sum = customers[h.customer_id];
        sum.tickets += c.tickets;
        sum.repeats += c.repeats;
        sum.chasers += c.chasers;
        sum.csat.closed += c.csat.closed;
        sum.csat.rated += c.csat.rated;
        sum.csat.sum += c.csat.sum;
        sum.csat.good += c.csat.good;
    });
    std::vector<std::pair<std::int64_t, Contacts>> ordered(customers.begin(), customers.end());
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        return std::pair(-a.second.repeats, -a.second.tickets) <
               std::pair(-b.second.repeats, -b.second.tickets);
    });
    ReportResult result;
    result.table.columns = customers_columns();
    Statement who(db, "SELECT name, email FROM customer WHERE id = $1");
    std::int64_t opened = 0, repeat_total = 0;
    Csat all;
    for (const auto& [id, c] : ordered) {
        who.reset();
        who.bind(1, id);
        const bool found = who.step();
        result.table.rows.push_back(
            {id, found ? who.value(0) : Value{}, found ? who.value(1) : Value{}, c.tickets,
             c.repeats, c.chasers, c.csat.closed, c.csat.rated,
             hundredths_mean(c.csat.sum, c.csat.rated), percent(c.csat.good, c.csat.rated)});
        opened += c.tickets;
        repeat_total += c.repeats;
        all.rated += c.csat.rated;
        all.sum += c.csat.sum;
        all.good += c.csat.good;
    }
    result.metrics = {{"customers", static_cast<std::int64_t>(ordered.size())},
                      {"repeat_contacts", repeat_total},
                      {"repeat_pct", percent(repeat_total, opened)},
                      {"csat_avg", hundredths_mean(all.sum, all.rated)},
                      {"csat_pct", percent(all.good, all.rated)}};
    return result;
}

// ---- agents -------------------------------------------------------------------------------------

std::vector<Column> agents_columns() {
    using enum ColumnType;
    return {{"assignee", text},    {"handled", integer}, {"resolution_median", duration},
            {"closed", integer},   {"rated", integer},   {"csat_avg", hundredths},
            {"csat_pct", percent}, {"minutes", integer}};
}

ReportResult agents_report(Database& db, const ReportOptions& options, std::int64_t /*now*/,
                           const TimeZone& /*tz*/) {
    const ReportPeriod& p = options.period;
    // Resolution times go to Percentiles, one series per assignee inside the total's: over the
    // whole history they would not fit in memory that stays flat.
    Percentiles pct(db, {5});
    const std::size_t all_times = pct.add_series();
    struct Work {
        std::int64_t handled = 0, minutes = 0;
        std::size_t resolution = 0; // series
        Csat csat = {};
    };
    // Key: the assignee at the time ("" when none).
    std::map<std::string, Work> agents;
    const auto agent = [&](const std::string& name) -> Work& {
        auto it = agents.find(name);
        if (it == agents.end()) {
            it = agents.emplace(name, Work{.resolution = pct.add_series(all_times)}).first;
        }
        return it->second;
    };
    for_each_ticket(db, p.since, p.until, [&](const TicketHistory& h) {
        const auto who = [&](std::int64_t t) { return h.field_at("assignee", t, h.assignee); };
        if (const auto r = h.moves_to(Status::resolved, p.since, p.until); !r.empty()) {
            Work& w = agent(who(r.back()).value_or(""));
            ++w.handled;
            pct.add(w.resolution, h.running_time(r.back()));
        }
        if (const auto c = h.moves_to(Status::closed, p.since, p.until); !c.empty()) {
            agent(who(c.back()).value_or("")).csat.add(h, p);
        }
        for (const auto& e : h.events) {
            if (e.minutes > 0 && in_period(e.at, p)) {
                agent(who(e.at).value_or("")).minutes += e.minutes;
            }
        }
    });
    pct.finish();
    ReportResult result;
    result.table.columns = agents_columns();
    std::int64_t handled = 0, minutes = 0;
    Csat all;
    const auto add_row = [&](const std::string& name, const Work& w) {
        handled += w.handled;
        minutes += w.minutes;
        all.rated += w.csat.rated;
        all.sum += w.csat.sum;
        all.good += w.csat.good;
        result.table.rows.push_back({name.empty() ? std::string(k_none) : name, w.handled,
                                     optional_value(pct.get(w.resolution, 5)), w.csat.closed,
                                     w.csat.rated, hundredths_mean(w.csat.sum, w.csat.rated),
                                     percent(w.csat.good, w.csat.rated), w.minutes});
    };
    for (auto& [name, w] : agents) {
        if (!name.empty()) {
            add_row(name, w);
        }
    }
    if (auto none = agents.find(""); none != agents.end()) {
        add_row("", none->second);
    }
    result.metrics = {{"handled", handled},
                      {"resolution_median", optional_value(pct.get(all_times, 5))},
                      {"csat_avg", hundredths_mean(all.sum, all.rated)},
                      {"minutes", minutes}};
    return result;
}

} // namespace svcmgr::report
