#pragma once

// The machine columns of a customer and their SELECT, shared by `customer list` and
// `customer export` (customer.cpp, export.cpp).

#include <svcmgr/table.hpp>

#include "ticket/statuses.hpp"

#include <string_view>
#include <vector>

namespace svcmgr {

// The customer columns in order: id, ref, name, email, phone, created_at, tickets, open_tickets.
inline constexpr std::string_view k_customer_select =
    joined<"SELECT c.id, c.ref, c.name, c.email, c.phone, c.created_at, "
           "(SELECT count(*) FROM ticket t WHERE t.customer_id = c.id), "
           "(SELECT count(*) FROM ticket t WHERE t.customer_id = c.id AND t.status NOT IN ",
           k_inactive_status_list, ") FROM customer c">;

inline std::vector<Column> customer_columns() {
    return {{"id", ColumnType::integer},      {"ref", ColumnType::code},
            {"name", ColumnType::text},       {"email", ColumnType::text},
            {"phone", ColumnType::text},      {"created_at", ColumnType::time},
            {"tickets", ColumnType::integer}, {"open_tickets", ColumnType::integer}};
}

} // namespace svcmgr
