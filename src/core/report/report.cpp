// The table of reports, and what cron needs around them: periods and --fail-on thresholds.

#include <svcmgr/error.hpp>
#include <svcmgr/report.hpp>

#include "report/builders.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace svcmgr {

namespace {

constexpr int k_period = static_cast<int>(ReportUses::period);
constexpr int k_detail = static_cast<int>(ReportUses::detail);
constexpr int k_within = static_cast<int>(ReportUses::within);

// Every column but the first `skip` of a report, as metrics.
std::vector<Metric> columns_as_metrics(const std::vector<Column>& columns, std::size_t skip) {
    std::vector<Metric> metrics;
    for (std::size_t i = skip; i < columns.size(); ++i) {
        metrics.push_back({columns[i].name, columns[i].type});
    }
    return metrics;
}

std::vector<ReportDefinition> make_definitions() {
    using enum ColumnType;
    return {
        {"summary",
         "Tickets opened, resolved and closed by category and channel, backlog, response and "
         "resolution times, SLA, CSAT, preventable share, chasers and cost",
         report::summary_columns(),
         {},
         columns_as_metrics(report::summary_columns(), 2),
         k_period,
         report::summary_report},
        {"backlog",
         "Active tickets by status and age; --detail lists the oldest",
         report::backlog_columns(),
         report::backlog_detail_columns(),
         {{"backlog", integer},
          {"backlog_over_7d", integer},
          {"backlog_over_30d", integer},
          {"oldest_age", duration}},
         k_detail,
         report::backlog_report},
        {"sla",
         "Active tickets that breached, or will breach within --within, a target",
         report::sla_columns(),
         {},
         {{"sla_breaches", integer}, {"sla_due_soon", integer}},
         k_within,
         report::sla_report},
        {"causes",
         "Tickets resolved by (cause, preventable), preventable first: share, Pareto, cost, "
         "repeat contacts and chasers",
         report::causes_columns(),
         {},
         {{"tickets", integer},
          {"preventable_tickets", integer},
          {"preventable_pct", percent},
          {"preventable_cost", money},
          {"cost", money},
          {"repeat_contacts", integer},
          {"chasers", integer}},
         k_period,
         report::causes_report},
        {"customers",
         "Tickets, repeat contacts, chasers and CSAT per customer",
         report::customers_columns(),
         {},
         {{"customers", integer},
          {"repeat_contacts", integer},
          {"repeat_pct", percent},
          {"csat_avg", hundredths},
          {"csat_pct", percent}},
         k_period,
         report::customers_report},
        {"agents",
         "Per assignee: tickets handled, median resolution time, CSAT and minutes",
         report::agents_columns(),
         {},
         {{"handled", integer},
          {"resolution_median", duration},
          {"csat_avg", hundredths},
          {"minutes", integer}},
         k_period,
         report::agents_report},
        {"inventory",
         "Stock-outs, parts below reorder point, tickets waiting on parts and the time lost, "
         "overstock, value and yearly holding cost",
         report::inventory_columns(),
         {},
         {{"stockouts", integer},
          {"below_reorder", integer},
          {"tickets_waiting_parts", integer},
          {"parts_wait_time", duration},
          {"excess_value", money},
          {"total_value", money},
          {"holding_cost", money}},
         k_period,
         report::inventory_report},
    };
}

// Digits with at most `decimals` decimals after a dot, scaled: ("95.5", 1) -> 955.
std::optional<std::int64_t> parse_scaled(std::string_view s, int decimals) {
    const auto dot = s.find('.');
    const std::string_view whole = s.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
    if (whole.empty() || (dot != std::string_view::npos && fraction.empty()) ||
        fraction.size() > static_cast<std::size_t>(decimals)) {
        return std::nullopt;
    }
    const auto n = parse_count(whole);
    if (!n) {
        return std::nullopt;
    }
    std::int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) {
        scale *= 10;
    }
    std::int64_t part = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(decimals); ++i) {
        const char c = i < fraction.size() ? fraction[i] : '0';
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        part = part * 10 + (c - '0');
    }
    if (*n > INT64_MAX / scale - 1) {
        return std::nullopt;
    }
    return *n * scale + part;
}

std::optional<std::int64_t> parse_metric_value(ColumnType type, std::string_view s) {
    switch (type) {
    case ColumnType::percent:
        return parse_scaled(s, 1);
    case ColumnType::hundredths:
        return parse_scaled(s, 2);
    case ColumnType::money:
        return parse_money(s);
    case ColumnType::duration: {
        if (const auto n = parse_count(s)) {
            return n;
        }
        const auto d = parse_duration(s);
        if (!d || d->count() % 1000 != 0) {
            return std::nullopt;
        }
        return d->count() / 1000;
    }
    default:
        return parse_count(s);
    }
}

std::string_view example(ColumnType type) {
    switch (type) {
    case ColumnType::percent:
        return "a percentage such as 95 or 95.5";
    case ColumnType::hundredths:
        return "a number with up to two decimals such as 4 or 4.25";
    case ColumnType::money:
        return "an amount such as 12 or 12.50";
    case ColumnType::duration:
        return "a duration such as 4h, 90m or seconds";
    default:
        return "a whole number such as 0";
    }
}

std::string shown(ColumnType type, std::int64_t v) {
    switch (type) {
    case ColumnType::percent:
        return format_fixed(v, 1);
    case ColumnType::hundredths:
        return format_fixed(v, 2);
    case ColumnType::money:
        return format_money(v);
    case ColumnType::duration:
        return fmt::format("{}s", v);
    default:
        return std::to_string(v);
    }
}

// The one rule between --since and --until, with the values shown as `since` and `until`.
void check_not_empty(const ReportPeriod& p, std::string_view since, std::string_view until) {
    if (p.since && *p.since >= p.until) {
        throw Error(ErrorKind::usage,
                    fmt::format("--since {} is not before --until {}", since, until),
                    "the period is half-open: --since inclusive, --until exclusive");
    }
}

std::int64_t time_option(std::string_view option, const std::string& value, std::int64_t now,
                         const TimeZone& tz) {
    const auto t = parse_time_point(value, now, tz);
    if (!t) {
        throw Error(ErrorKind::usage, fmt::format("invalid time '{}' for {}", value, option),
                    "a date (2026-11-01), 2026-11-01T14:00, today, yesterday or an age such as 7d");
    }
    return *t;
}

} // namespace

const std::vector<ReportDefinition>& report_definitions() {
    static const std::vector<ReportDefinition> k_definitions = make_definitions();
    return k_definitions;
}

const ReportDefinition* find_report(std::string_view name) {
    for (const auto& def : report_definitions()) {
        if (def.name == name) {
            return &def;
        }
    }
    return nullptr;
}

ReportResult run_report(Database& db, const ReportDefinition& report, const ReportOptions& options,
                        std::int64_t now, const TimeZone& tz) {
    const ReportPeriod& p = options.period;
    if (p.since) {
        check_not_empty(p, format_iso_utc(*p.since), format_iso_utc(p.until));
    }
    return report.run(db, options, now, tz);
}

Table list_reports() {
    Table t;
    t.columns = {{"report", ColumnType::code},
                 {"metrics", ColumnType::text},
                 {"description", ColumnType::text}};
    for (const auto& def : report_definitions()) {
        std::vector<std::string> names;
        for (const auto& m : def.metrics) {
            names.push_back(m.name);
        }
        t.rows.push_back({std::string(def.name), fmt::format("{}", fmt::join(names, ",")),
                          std::string(def.description)});
    }
    return t;
}

ReportPeriod month_period(std::string_view month, const TimeZone& tz) {
    int year = 0;
    unsigned m = 0;
    const bool shape =
        month.size() == 7 && month[4] == '-' &&
        std::all_of(month.begin(), month.begin() + 4,
                    [](char c) { return c >= '0' && c <= '9'; }) &&
        std::all_of(month.begin() + 5, month.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (shape) {
        std::from_chars(month.data(), month.data() + 4, year);
        std::from_chars(month.data() + 5, month.data() + 7, m);
    }
    if (!shape || m < 1 || m > 12 || year < 1970) {
        throw Error(ErrorKind::usage,
                    fmt::format("invalid month '{}': expected YYYY-MM such as 2026-11", month));
    }
    const int next_year = m == 12 ? year + 1 : year;
    const unsigned next_month = m == 12 ? 1 : m + 1;
    return {tz.local_midnight(year, m, 1), tz.local_midnight(next_year, next_month, 1)};
}

ReportPeriod report_period(const PeriodArgs& args, std::int64_t now, const TimeZone& tz) {
    ReportPeriod p;
    p.until = now + 1;
    if (!args.month.empty()) {
        if (!args.since.empty() || !args.until.empty()) {
            throw Error(ErrorKind::usage, "--month cannot be combined with --since or --until");
        }
        p = month_period(args.month, tz);
    }
    if (!args.since.empty()) {
        p.since = time_option("--since", args.since, now, tz);
    }
    if (!args.until.empty()) {
        p.until = time_option("--until", args.until, now, tz);
    }
    check_not_empty(p, args.since, args.until.empty() ? std::string_view("now") : args.until);
    return p;
}

Threshold parse_threshold(const ReportDefinition& report, std::string_view expr) {
    static constexpr std::array<std::pair<std::string_view, Comparison>, 5> k_ops = {{
        {">=", Comparison::greater_equal},
        {"<=", Comparison::less_equal},
        {">", Comparison::greater},
        {"<", Comparison::less},
        {"=", Comparison::equal},
    }};
    const auto at = expr.find_first_of("<>=");
    if (at == std::string_view::npos || at == 0) {
        throw Error(ErrorKind::usage, fmt::format("invalid --fail-on '{}'", expr),
                    "write METRIC>VALUE, such as 'sla_breaches>0' (quoted: the shell reads >)");
    }
    Threshold t;
    t.text = std::string(expr);
    t.metric = std::string(expr.substr(0, at));
    std::string_view rest = expr.substr(at);
    bool found = false;
    for (const auto& [symbol, op] : k_ops) {
        if (rest.substr(0, symbol.size()) == symbol) {
            t.op = op;
            rest.remove_prefix(symbol.size());
            found = true;
            break;
        }
    }
    const auto metric = std::find_if(report.metrics.begin(), report.metrics.end(),
                                     [&](const Metric& m) { return m.name == t.metric; });
    if (metric == report.metrics.end()) {
        std::vector<std::string> names;
        for (const auto& m : report.metrics) {
            names.push_back(m.name);
        }
        throw Error(ErrorKind::usage,
                    fmt::format("unknown metric '{}' for report {}", t.metric, report.name),
                    fmt::format("metrics: {}", fmt::join(names, ", ")));
    }
    const auto value = found ? parse_metric_value(metric->type, rest) : std::nullopt;
    if (!value) {
        throw Error(ErrorKind::usage,
                    fmt::format("invalid --fail-on '{}': expected {} after the comparison", expr,
                                example(metric->type)));
    }
    t.value = *value;
    return t;
}

std::optional<std::string> crossed(const ReportDefinition& report, const Threshold& threshold,
                                   const ReportResult& result) {
    for (const auto& [name, value] : result.metrics) {
        if (name != threshold.metric) {
            continue;
        }
        const auto* v = std::get_if<std::int64_t>(&value);
        if (v == nullptr) {
            return std::nullopt;
        }
        bool hit = false;
        switch (threshold.op) {
        case Comparison::greater:
            hit = *v > threshold.value;
            break;
        case Comparison::less:
            hit = *v < threshold.value;
            break;
        case Comparison::greater_equal:
            hit = *v >= threshold.value;
            break;
        case Comparison::less_equal:
            hit = *v <= threshold.value;
            break;
        case Comparison::equal:
            hit = *v == threshold.value;
            break;
        }
        if (!hit) {
            return std::nullopt;
        }
        for (const auto& m : report.metrics) {
            if (m.name == name) {
                return shown(m.type, *v);
            }
        }
        return std::to_string(*v);
    }
    return std::nullopt;
}

} // namespace svcmgr
