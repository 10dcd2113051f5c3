#pragma once

#include <svcmgr/db.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/table.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// Reports (DESIGN.md section 7, "Definitions"): every number follows those definitions, status
// history comes from the ticket_event rows, so a past period's numbers never change when a ticket
// is reopened later.

// A half-open period [since, until) in Unix seconds; since empty = the beginning of the data.
struct ReportPeriod {
    std::optional<std::int64_t> since = {};
    std::int64_t until = 0;
};

struct ReportOptions {
    ReportPeriod period = {};
    bool detail = false;            // backlog: list the oldest tickets instead of the matrix
    std::int64_t within = 4 * 3600; // sla: also list tickets due within this many seconds
};

// A number a report offers to --fail-on, typed like a column (integer, percent, hundredths,
// money or duration).
struct Metric {
    std::string name;
    ColumnType type = ColumnType::integer;
};

struct ReportResult {
    Table table;
    std::vector<std::pair<std::string, Value>> metrics; // one value (or NULL) per declared metric
};

enum class ReportUses { period = 1, detail = 2, within = 4 };

// One row of the table of reports: adding a report is adding a definition.
struct ReportDefinition {
    std::string_view name;
    std::string_view description;
    std::vector<Column> columns;        // what the report prints
    std::vector<Column> detail_columns; // with --detail (empty: no --detail)
    std::vector<Metric> metrics;        // what --fail-on may test
    int uses = 0;                       // ReportUses bits: which options apply
    std::function<ReportResult(Database&, const ReportOptions&, std::int64_t now,
                               const TimeZone& tz)>
        run;
};

// Every report, in documentation order.
const std::vector<ReportDefinition>& report_definitions();
// nullptr when there is no report of that name.
const ReportDefinition* find_report(std::string_view name);

// Runs a report. `now` is the clock read once by the caller. A period that report_period would
// refuse is refused the same way (Error(usage)), its times shown in UTC.
ReportResult run_report(Database& db, const ReportDefinition& report, const ReportOptions& options,
                        std::int64_t now, const TimeZone& tz);

// report, description, metrics: what `report list` prints.
Table list_reports();

// The period of --month "2026-11": the local midnights that start November and December.
// Throws Error(usage) naming the value when it is not YYYY-MM.
ReportPeriod month_period(std::string_view month, const TimeZone& tz);

// A report's period options as written on the command line; empty = not given.
struct PeriodArgs {
    std::string since = {}; // a point in time (parse_time_point), inclusive
    std::string until = {}; // exclusive
    std::string month = {}; // YYYY-MM, a whole local month
};

// The period those options mean, and every rule about periods: --since and --until are read in
// `tz`, --month is not combined with either, without --until the period ends at `now` (that
// second included), and --since is before --until. Throws Error(usage) naming the option and the
// value as written.
ReportPeriod report_period(const PeriodArgs& args, std::int64_t now, const TimeZone& tz);

// A --fail-on expression: METRIC OP VALUE with OP one of > < >= <= =, the value written the way
// the metric is typed (12, 95.5, 4.25, 12.50, 4h or seconds).
enum class Comparison { greater, less, greater_equal, less_equal, equal };
struct Threshold {
    std::string metric;
    Comparison op = Comparison::greater;
    std::int64_t value = 0; // in the metric's unit (tenths of a percent, hundredths, cents, s)
    std::string text;       // as written
};

// Throws Error(usage) for a malformed expression or a metric the report does not offer.
Threshold parse_threshold(const ReportDefinition& report, std::string_view expr);

// The metric's value when the threshold is crossed; nullopt when not (an empty metric never
// crosses).
std::optional<std::string> crossed(const ReportDefinition& report, const Threshold& threshold,
                                   const ReportResult& result);

} // namespace svcmgr
