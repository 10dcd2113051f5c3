#pragma once

// The reports themselves; report.cpp lists them in its table of definitions.

#include <svcmgr/report.hpp>

namespace svcmgr::report {

using Builder = ReportResult(Database& db, const ReportOptions& options, std::int64_t now,
                             const TimeZone& tz);

std::vector<Column> summary_columns();
Builder summary_report;

std::vector<Column> backlog_columns();
std::vector<Column> backlog_detail_columns();
Builder backlog_report;

std::vector<Column> sla_columns();
Builder sla_report;

std::vector<Column> causes_columns();
Builder causes_report;

std::vector<Column> customers_columns();
Builder customers_report;

std::vector<Column> agents_columns();
Builder agents_report;

std::vector<Column> inventory_columns();
Builder inventory_report;

} // namespace svcmgr::report
