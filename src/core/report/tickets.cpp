// report summary, backlog and sla: the flow of tickets, what is open, and what is late.

#include "db/sql.hpp"
#include "report/builders.hpp"
#include "report/clocks.hpp"
#include "report/history.hpp"
#include "report/percentiles.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace svcmgr::report {

namespace {

constexpr std::int64_t k_day = 86'400;
constexpr std::string_view k_all = "(all)";

bool in_period(std::int64_t t, const ReportPeriod& p) {
    return t < p.until && (!p.since || t >= *p.since);
}

// The counts behind one row of report summary.
struct Flow {
    std::int64_t opened = 0, resolved = 0, closed = 0, backlog = 0;
    // One ticket's times; a group's go to its series in Percentiles.
    std::optional<std::int64_t> first_response, resolution;
    std::optional<std::int64_t> first_response_business, resolution_business;
    std::int64_t first_in = 0, first_ok = 0, resolution_in = 0, resolution_ok = 0, breaches = 0;
    std::int64_t rated = 0, rating_sum = 0, rated_good = 0;
    std::int64_t preventable = 0, not_preventable = 0, preventable_unknown = 0;
    std::int64_t repeats = 0, chasers = 0, cost = 0;

    void add(const Flow& o) {
        opened += o.opened;
        resolved += o.resolved;
        closed += o.closed;
        backlog += o.backlog;
        first_in += o.first_in;
        first_ok += o.first_ok;
        resolution_in += o.resolution_in;
        resolution_ok += o.resolution_ok;
        breaches += o.breaches;
        rated += o.rated;
        rating_sum += o.rating_sum;
        rated_good += o.rated_good;
        preventable += o.preventable;
        not_preventable += o.not_preventable;
        preventable_unknown += o.preventable_unknown;
        repeats += o.repeats;
        chasers += o.chasers;
        cost += o.cost;
    }
    bool empty() const {
        return opened == 0 && resolved == 0 && closed == 0 && backlog == 0 && first_in == 0 &&
               resolution_in == 0 && chasers == 0 && cost == 0;
    }
};

// One ticket's part of the summary of a period. A clock falls due in the period only up to now:
// a period that ends in the future counts no ticket late that is not late yet. Compliance is in
// business time (report/clocks.hpp); the times a report prints are elapsed time.
Flow ticket_flow(const TicketHistory& h, const ReportPeriod& p, std::int64_t now,
                 const ReportSettings& settings, SlaClocks& clocks, std::int64_t parts,
                 RepeatFinder& repeats) {
    Flow f;
    const std::int64_t u = p.until;
    const std::int64_t horizon = std::min(u, now + 1);
    const bool active_at_end = is_active(h.status_before(u));
    if (in_period(h.created_at, p)) {
        ++f.opened;
        if (repeats.is_repeat(h.customer_id, h.created_at)) {
            ++f.repeats;
        }
    }
    f.backlog = active_at_end ? 1 : 0;

    // First response: never pauses; an active ticket without one that fell due is a breach.
    const std::int64_t first_target = clocks.first_response_target(h);
    bool breached = false;
    if (const auto stop = h.first_response_stop(u)) {
        if (in_period(*stop, p)) {
            const std::int64_t business = clocks.business(h, h.created_at, *stop);
            f.first_response = *stop - h.created_at;
            f.first_response_business = business;
            ++f.first_in;
            if (business <= first_target) {
                ++f.first_ok;
            } else {
                breached = true;
            }
        }
    } else if (const auto late = clocks.first_response_late(h, first_target);
               late && in_period(*late, p) && *late < horizon) {
        ++f.first_in;
        breached = true;
    }

    // Resolution: runs in new, open and in_progress only.
    const std::int64_t target = clocks.resolution_target(h);
    const auto resolved = h.moves_to(Status::resolved, p.since, u);
    const auto due = active_at_end ? clocks.resolution_late(h, target, horizon) : std::nullopt;
    const bool fell_due = due && in_period(*due, p);
    if (!resolved.empty()) {
        ++f.resolved;
        const std::int64_t at = resolved.back();
        const std::int64_t business = clocks.running(h, at);
        f.resolution = h.running_time(at);
        f.resolution_business = business;
        if (business > target) {
            breached = true;
        }
        const auto preventable = h.field_at("preventable", at, h.preventable);
        if (preventable == std::string("yes")) {
            ++f.preventable;
        } else if (preventable == std::string("no")) {
            ++f.not_preventable;
        } else {
            ++f.preventable_unknown;
        }
        if (!fell_due && business <= target) {
            ++f.resolution_ok;
        }
    }
    if (!resolved.empty() || fell_due) {
        ++f.resolution_in;
        if (fell_due) {
            breached = true;
        }
    }
    f.breaches = breached ? 1 : 0;

    // CSAT: the last close in the period, with the rating it recorded.
    if (const auto closed = h.moves_to(Status::closed, p.since, u); !closed.empty()) {
        ++f.closed;
        if (const auto rating = h.field_at("satisfaction", closed.back(), h.satisfaction)) {
            const std::int64_t r = std::stoll(*rating);
            ++f.rated;
            f.rating_sum += r;
            f.rated_good += r >= 4 ? 1 : 0;
        }
    }
    f.chasers = chasers(h, p.since, u);
    f.cost = labour_cost(h.minutes_in(p.since, u), settings.hourly_cost) + parts;
    return f;
}

// The series of a group's (or the total's) first-response and resolution times.
struct TimeSeries {
    std::size_t first_response = 0, resolution = 0;
    std::size_t first_response_business = 0, resolution_business = 0;
};

Row flow_row(std::string category, std::string channel, const Flow& f, const TimeSeries& times,
             const Percentiles& pct) {
    return {std::move(category),
            std::move(channel),
            f.opened,
            f.resolved,
            f.closed,
            f.backlog,
            optional_value(pct.get(times.first_response, 5)),
            optional_value(pct.get(times.first_response, 9)),
            optional_value(pct.get(times.resolution, 5)),
            optional_value(pct.get(times.resolution, 9)),
            optional_value(pct.get(times.first_response_business, 5)),
            optional_value(pct.get(times.resolution_business, 5)),
            percent(f.first_ok, f.first_in),
            percent(f.resolution_ok, f.resolution_in),
            f.breaches,
            hundredths_mean(f.rating_sum, f.rated),
            percent(f.rated_good, f.rated),
            percent(f.rated, f.closed),
            f.preventable,
            f.not_preventable,
            f.preventable_unknown,
            percent(f.preventable, f.resolved),
            f.repeats,
            f.chasers,
            f.cost};
}

} // namespace

std::vector<Column> summary_columns() {
    using enum ColumnType;
    return {{"category", code},
            {"channel", code},
            {"opened", integer},
            {"resolved", integer},
            {"closed", integer},
            {"backlog", integer},
            {"first_response_median", duration},
            {"first_response_p90", duration},
            {"resolution_median", duration},
            {"resolution_p90", duration},
            {"first_response_business_median", duration},
            {"resolution_business_median", duration},
            {"sla_first_response_pct", percent},
            {"sla_resolution_pct", percent},
            {"sla_breaches", integer},
            {"csat_avg", hundredths},
            {"csat_pct", percent},
            {"csat_response_rate", percent},
            {"preventable", integer},
            {"not_preventable", integer},
            {"preventable_unknown", integer},
            {"preventable_pct", percent},
            {"repeat_contacts", integer},
            {"chasers", integer},
            {"cost", money}};
}

ReportResult summary_report(Database& db, const ReportOptions& options, std::int64_t now,
                            const TimeZone& /*tz*/) {
    const ReportPeriod& p = options.period;
    const ReportSettings settings = read_report_settings(db);
    SlaClocks clocks(db);
    const DueWindows windows = p.since ? clocks.windows(*p.since) : DueWindows{};
    PartsCosts parts(db, p.since, p.until);
    RepeatFinder repeats(db, settings.repeat_window);
    // Exact percentiles over the whole history would need every ticket's times in memory: they
    // go to Percentiles, a series per group and clock inside the total's.
    Percentiles pct(db, {5, 9});
    const TimeSeries all_times{pct.add_series(), pct.add_series(), pct.add_series(),
                               pct.add_series()};
    struct Group {
        Flow flow;
        TimeSeries times;
    };
    using Key = std::pair<std::string, std::string>;
    std::map<Key, Group> groups;
    const auto group = [&](const Key& key) -> Group& {
        auto it = groups.find(key);
        if (it == groups.end()) {
            it = groups
                     .emplace(key, Group{{},
                                         {pct.add_series(all_times.first_response),
                                          pct.add_series(all_times.resolution),
                                          pct.add_series(all_times.first_response_business),
                                          pct.add_series(all_times.resolution_business)}})
                     .first;
        }
        return it->second;
    };
    // Over a period, the active tickets that did not change in it count for the backlog only:
    // they are counted in SQL, less the ones visited.
    std::map<Key, std::int64_t> unchanged;
    if (p.since) {
        for (const auto& a : count_active(db, p.until)) {
            unchanged[{a.category, a.channel}] += a.count;
        }
    }
    for_each_ticket(
        db, p.since, p.until,
        [&](const TicketHistory& h) {
            if (p.since && is_active(h.status)) {
                --unchanged[{h.category, h.channel}];
            }
            const Flow f =
                ticket_flow(h, p, now, settings, clocks, parts.of(h.id).in_period, repeats);
            if (f.empty()) {
                return;
            }
            Group& g = group({h.category, h.channel});
            g.flow.add(f);
            if (f.first_response) {
                pct.add(g.times.first_response, *f.first_response);
            }
            if (f.resolution) {
                pct.add(g.times.resolution, *f.resolution);
            }
            if (f.first_response_business) {
                pct.add(g.times.first_response_business, *f.first_response_business);
            }
            if (f.resolution_business) {
                pct.add(g.times.resolution_business, *f.resolution_business);
            }
        },
        &windows);
    for (const auto& [key, n] : unchanged) {
        if (n > 0) {
            group(key).flow.backlog += n;
        }
    }
    pct.finish();
    ReportResult result;
    result.table.columns = summary_columns();
    Flow total;
    for (const auto& [key, g] : groups) {
        result.table.rows.push_back(flow_row(key.first, key.second, g.flow, g.times, pct));
        total.add(g.flow);
    }
    result.table.rows.push_back(
        flow_row(std::string(k_all), std::string(k_all), total, all_times, pct));
    const Row& last = result.table.rows.back();
    for (std::size_t i = 2; i < last.size(); ++i) {
        result.metrics.emplace_back(result.table.columns[i].name, last[i]);
    }
    return result;
}

// ---- backlog ------------------------------------------------------------------------------------

namespace {

constexpr const auto& k_active = k_active_statuses;
constexpr std::array<std::int64_t, 4> k_bucket_limits = {k_day, 3 * k_day, 7 * k_day, 30 * k_day};
constexpr std::size_t k_detail_rows = 20;

std::size_t bucket(std::int64_t age) {
    std::size_t b = 0;
    while (b < k_bucket_limits.size() && age >= k_bucket_limits[b]) {
        ++b;
    }
    return b;
}

struct Open {
    std::int64_t id = 0, created_at = 0, customer_id = 0;
    Status status = Status::new_;
    Priority priority = Priority::normal;
    std::string category, title;
    std::optional<std::string> assignee;
};

std::string customer_name(Statement& st, std::int64_t id) {
    st.reset();
    st.bind(1, id);
    return st.step() ? st.text(0) : std::string();
}

} // namespace

std::vector<Column> backlog_columns() {
    using enum ColumnType;
    return {{"status", code},       {"age_lt_1d", integer},  {"age_1d_3d", integer},
            {"age_3d_7d", integer}, {"age_7d_30d", integer}, {"age_gt_30d", integer},
            {"total", integer},     {"oldest_age", duration}};
}

std::vector<Column> backlog_detail_columns() {
    using enum ColumnType;
    return {{"id", integer},      {"status", code},   {"priority", code},
            {"category", code},   {"customer", text}, {"assignee", text},
            {"created_at", time}, {"age", duration},  {"title", text}};
}

ReportResult backlog_report(Database& db, const ReportOptions& options, std::int64_t now,
                            const TimeZone& /*tz*/) {
    // A snapshot now: every event up to this second counts.
    const std::int64_t instant = now + 1;
    std::array<std::array<std::int64_t, 5>, 5> counts{};
    std::array<std::int64_t, 5> oldest{};
    std::array<bool, 5> any{};
    std::vector<Open> open;
    for_each_active_ticket(db, instant, [&](const TicketHistory& h) {
        const Status s = h.status_before(instant);
        if (!is_active(s)) {
            return;
        }
        const auto row = static_cast<std::size_t>(std::find(k_active.begin(), k_active.end(), s) -
                                                  k_active.begin());
        const std::int64_t age = std::max<std::int64_t>(0, now - h.created_at);
        ++counts[row][bucket(age)];
        oldest[row] = std::max(oldest[row], age);
        any[row] = true;
        if (options.detail) {
            open.push_back({h.id, h.created_at, h.customer_id, s, h.priority, h.category, h.title,
                            h.assignee});
        }
    });
    ReportResult result;
    std::array<std::int64_t, 5> sums{};
    std::int64_t all_oldest = 0;
    bool all_any = false;
    Table& t = result.table;
    t.columns = backlog_columns();
    for (std::size_t r = 0; r <= k_active.size(); ++r) {
        const bool total_row = r == k_active.size();
        const auto& c = total_row ? sums : counts[r];
        Row row{std::string(total_row ? k_all : to_string(k_active[r]))};
        std::int64_t total = 0;
        for (std::size_t b = 0; b < c.size(); ++b) {
            row.emplace_back(c[b]);
            total += c[b];
            if (!total_row) {
                sums[b] += c[b];
            }
        }
        row.emplace_back(total);
        if (!total_row) {
            all_oldest = std::max(all_oldest, oldest[r]);
            all_any = all_any || any[r];
        }
        const bool has = total_row ? all_any : any[r];
        row.push_back(has ? Value{total_row ? all_oldest : oldest[r]} : Value{});
        t.rows.push_back(std::move(row));
    }
    const Row& last = t.rows.back();
    result.metrics = {
        {"backlog", last[6]},
        {"backlog_over_7d", std::get<std::int64_t>(last[4]) + std::get<std::int64_t>(last[5])},
        {"backlog_over_30d", last[5]},
        {"oldest_age", last[7]}};
    if (options.detail) {
        std::sort(open.begin(), open.end(), [](const Open& a, const Open& b) {
            return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
        });
        open.resize(std::min(open.size(), k_detail_rows));
        Statement name(db, "SELECT name FROM customer WHERE id = $1");
        Table detail;
        detail.columns = backlog_detail_columns();
        for (const auto& o : open) {
            detail.rows.push_back({o.id, std::string(to_string(o.status)),
                                   std::string(to_string(o.priority)), o.category,
                                   customer_name(name, o.customer_id),
                                   o.assignee ? Value{*o.assignee} : Value{}, o.created_at,
                                   std::max<std::int64_t>(0, now - o.created_at), o.title});
        }
        result.table = std::move(detail);
    }
    return result;
}

// ---- sla ----------------------------------------------------------------------------------------

std::vector<Column> sla_columns() {
    using enum ColumnType;
    return {{"id", integer},       {"clock", code},      {"priority", code},    {"status", code},
            {"assignee", text},    {"target", duration}, {"elapsed", duration}, {"due_at", time},
            {"overdue", duration}, {"title", text}};
}

ReportResult sla_report(Database& db, const ReportOptions& options, std::int64_t now,
                        const TimeZone& /*tz*/) {
    const std::int64_t instant = now + 1;
    SlaClocks clocks(db);
    struct Late {
        std::int64_t due_at = 0;
        Row row;
    };
    std::vector<Late> late;
    std::int64_t breached_tickets = 0;
    std::int64_t due_soon_tickets = 0;
    for_each_active_ticket(db, instant, [&](const TicketHistory& h) {
        const Status s = h.status_before(instant);
        if (!is_active(s)) {
            return;
        }
        bool breached = false;
        bool due_soon = false;
        const auto add = [&](std::string_view clock, std::int64_t target, std::int64_t elapsed,
                             std::int64_t due_at) {
            const bool over = elapsed > target;
            breached = breached || over;
            due_soon = due_soon || !over;
            late.push_back(
                {due_at,
                 {h.id, std::string(clock), std::string(to_string(h.priority)),
                  std::string(to_string(s)), h.assignee ? Value{*h.assignee} : Value{}, target,
                  elapsed, due_at, over ? Value{elapsed - target} : Value{}, h.title}});
        };
        // Targets and elapsed times in business time; --within in wall-clock time.
        const std::int64_t first_target = clocks.first_response_target(h);
        if (!h.first_response_stop(instant)) {
            const auto due = clocks.first_response_due(h, first_target);
            if (due && *due <= now + options.within) {
                add("first_response", first_target, clocks.business(h, h.created_at, now), *due);
            }
        }
        const std::int64_t target = clocks.resolution_target(h);
        const std::int64_t elapsed = clocks.running(h, now);
        if (elapsed > target) {
            add("resolution", target, elapsed, clocks.resolution_due(h, target, now).value_or(now));
        } else if (clock_runs(s)) {
            if (const auto due = clocks.due_from(h, now, target - elapsed);
                due && *due <= now + options.within) {
                add("resolution", target, elapsed, *due);
            }
        }
        breached_tickets += breached ? 1 : 0;
        due_soon_tickets += !breached && due_soon ? 1 : 0;
    });
    std::stable_sort(late.begin(), late.end(),
                     [](const Late& a, const Late& b) { return a.due_at < b.due_at; });
    ReportResult result;
    result.table.columns = sla_columns();
    for (auto& l : late) {
        result.table.rows.push_back(std::move(l.row));
    }
    result.metrics = {{"sla_breaches", breached_tickets}, {"sla_due_soon", due_soon_tickets}};
    return result;
}

} // namespace svcmgr::report
