#pragma once

// The machine columns of a ticket and their SQL, shared by `ticket list`, `ticket show` and
// `ticket export` (ticket_query.cpp, export.cpp).

#include <svcmgr/table.hpp>

#include <array>
#include <string_view>

namespace svcmgr {

struct TicketColumn {
    std::string_view name;
    ColumnType type;
    std::string_view sql; // over `ticket t JOIN customer c`; $1 is the hourly cost in cents
};

// The machine columns of a ticket (DESIGN.md section 7), in order.
inline constexpr std::array<TicketColumn, 22> k_ticket_columns = {{
    {"id", ColumnType::integer, "t.id"},
    {"ref", ColumnType::code, "t.ref"},
    {"title", ColumnType::text, "t.title"},
    {"status", ColumnType::code, "t.status"},
    {"priority", ColumnType::code, "t.priority"},
    {"category", ColumnType::code, "t.category"},
    {"channel", ColumnType::code, "t.channel"},
    {"customer_id", ColumnType::integer, "t.customer_id"},
    {"customer", ColumnType::text, "c.name"},
    {"email", ColumnType::text, "c.email"},
    {"assignee", ColumnType::text, "t.assignee"},
    {"created_at", ColumnType::time, "t.created_at"},
    {"updated_at", ColumnType::time, "t.updated_at"},
    {"first_response_at", ColumnType::time, "t.first_response_at"},
    {"resolved_at", ColumnType::time, "t.resolved_at"},
    {"closed_at", ColumnType::time, "t.closed_at"},
    {"cause", ColumnType::code, "t.cause"},
    {"preventable", ColumnType::boolean, "t.preventable"},
    {"satisfaction", ColumnType::integer, "t.satisfaction"},
    {"minutes", ColumnType::integer, "t.minutes"},
    // Cost of service: labour rounded half-up to the cent, plus the parts consumed (less those
    // returned) at the moving-average cost when consumed.
    {"cost", ColumnType::money,
     "(t.minutes * $1 + 30) / 60 + coalesce((SELECT -sum(m.qty * m.unit_cost) FROM stock_move m "
     "WHERE m.ticket_id = t.id AND m.kind IN ('consume', 'return')), 0)"},
    {"description", ColumnType::text, "t.description"},
}};

} // namespace svcmgr
