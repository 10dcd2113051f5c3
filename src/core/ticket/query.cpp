#include <svcmgr/error.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"
#include "ticket/columns.hpp"
#include "ticket/filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace svcmgr {

namespace {

constexpr std::array<std::string_view, 8> k_default_columns = {
    "id", "status", "priority", "category", "customer", "assignee", "created_at", "title"};

struct SortKey {
    std::string_view name;
    std::string_view sql;
};

constexpr std::array<SortKey, 9> k_sort_keys = {{
    {"id", "t.id"},
    {"created", "t.created_at"},
    {"updated", "t.updated_at"},
    {"priority", "CASE t.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 "
                 "ELSE 3 END"},
    {"status", "CASE t.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'in_progress' THEN 2 "
               "WHEN 'waiting_customer' THEN 3 WHEN 'waiting_parts' THEN 4 "
               "WHEN 'resolved' THEN 5 ELSE 6 END"},
    {"customer", "c.name"},
    {"assignee", "t.assignee"},
    {"title", "t.title"},
    {"ref", "t.ref"},
}};

const TicketColumn& column_named(std::string_view name) {
    const auto* it = std::find_if(k_ticket_columns.begin(), k_ticket_columns.end(),
                                  [&](const TicketColumn& c) { return c.name == name; });
    if (it == k_ticket_columns.end()) {
        throw Error(ErrorKind::usage, fmt::format("unknown column '{}'", name),
                    fmt::format("columns: {}", fmt::join(ticket_columns(), ",")));
    }
    return *it;
}

std::string order_by(std::string_view sort) {
    const bool descending = !sort.empty() && sort.front() == '-';
    const std::string_view name = descending ? sort.substr(1) : sort;
    const auto* it = std::find_if(k_sort_keys.begin(), k_sort_keys.end(),
                                  [&](const SortKey& k) { return k.name == name; });
    if (it == k_sort_keys.end()) {
        throw Error(ErrorKind::usage, fmt::format("unknown sort key '{}'", sort),
                    fmt::format("sort keys: {} (a leading - reverses)",
                                fmt::join(ticket_sort_keys(), ", ")));
    }
    const char* direction = descending ? " DESC" : "";
    if (name == "id") {
        return fmt::format("t.id{}", direction);
    }
    return fmt::format("{}{} NULLS LAST, t.id{}", it->sql, direction, direction);
}

Table select_tickets(Database& db, const std::vector<const TicketColumn*>& columns,
                     const std::string& where, const std::vector<Value>& params,
                     const std::string& order, std::optional<std::int64_t> limit) {
    std::vector<std::string> exprs;
    Table table;
    for (const auto* c : columns) {
        exprs.emplace_back(c->sql);
        table.columns.push_back({std::string(c->name), c->type});
    }
    const int limit_param = static_cast<int>(params.size()) + 2;
    // With a limit, choose the ids first: without planner statistics SQLite would otherwise
    // fetch and join every matching ticket before sorting (75 ms -> 3 ms for 50 of 1M tickets).
    const std::string matching =
        limit ? fmt::format("t.id IN (SELECT t.id FROM ticket t LEFT JOIN customer c ON c.id = "
                            "t.customer_id WHERE {} ORDER BY {} LIMIT ${})",
                            where, order, limit_param)
              : where;
    const std::string sql =
        fmt::format("SELECT {} FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE {} "
                    "ORDER BY {}",
                    fmt::join(exprs, ", "), matching, order);
    Statement st(db, sql);
    st.bind(1, setting_money(db, "hourly_cost"));
    for (std::size_t i = 0; i < params.size(); ++i) {
        st.bind(static_cast<int>(i) + 2, params[i]);
    }
    if (limit) {
        st.bind(limit_param, *limit);
    }
    const int n = static_cast<int>(columns.size());
    while (st.step()) {
        Row row;
        row.reserve(columns.size());
        for (int i = 0; i < n; ++i) {
            row.push_back(st.value(i));
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

} // namespace

std::vector<std::string> ticket_columns() {
    std::vector<std::string> names;
    for (const auto& c : k_ticket_columns) {
        names.emplace_back(c.name);
    }
    return names;
}

std::vector<std::string> default_list_columns() {
    return {k_default_columns.begin(), k_default_columns.end()};
}

std::vector<std::string> ticket_sort_keys() {
    std::vector<std::string> names;
    for (const auto& k : k_sort_keys) {
        names.emplace_back(k.name);
    }
    return names;
}

std::vector<std::string> ticket_filter_keys() {
    return filter_keys();
}

Table list_tickets(Database& db, const TicketQuery& query, std::int64_t now, const TimeZone& tz) {
    std::vector<const TicketColumn*> columns;
    for (const auto& name : query.columns.empty() ? default_list_columns() : query.columns) {
        columns.push_back(&column_named(name));
    }
    const std::string order = order_by(query.sort);
    const FilterContext context{.now = now,
                                .tz = &tz,
                                .categories = setting_list(db, "categories"),
                                .channels = setting_list(db, "channels")};
    const SqlCondition where = compile_ticket_filter(query.terms, context, 2);
    return select_tickets(db, columns, where.sql, where.params, order, query.limit);
}

std::optional<TicketDetail> show_ticket(Database& db, std::int64_t id) {
    std::vector<const TicketColumn*> columns;
    for (const auto& c : k_ticket_columns) {
        columns.push_back(&c);
    }
    TicketDetail detail;
    detail.ticket = select_tickets(db, columns, "t.id = $2", {id}, "t.id", std::nullopt);
    if (detail.ticket.rows.empty()) {
        return std::nullopt;
    }
    detail.events.columns = {{"at", ColumnType::time},         {"actor", ColumnType::text},
                             {"kind", ColumnType::code},       {"field", ColumnType::code},
                             {"old_value", ColumnType::text},  {"new_value", ColumnType::text},
                             {"minutes", ColumnType::integer}, {"body", ColumnType::text}};
    Statement st(db, "SELECT at, actor, kind, field, old_value, new_value, minutes, body "
                     "FROM ticket_event WHERE ticket_id = $1 ORDER BY at, id");
    st.bind(1, id);
    while (st.step()) {
        Row row;
        for (int i = 0; i < 8; ++i) {
            row.push_back(st.value(i));
        }
        detail.events.rows.push_back(std::move(row));
    }
    return detail;
}

} // namespace svcmgr
