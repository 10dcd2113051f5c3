#pragma once

// SQL fragments shared by the inventory modules (parts.cpp, part_filter.cpp, advice.cpp).

#include <svcmgr/db.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/table.hpp>

#include "ticket/statuses.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// Units of part `p` reserved for active tickets. A reservation of a resolved or closed ticket
// no longer holds stock back (resolving does not release it; reopening brings it back).
inline constexpr std::string_view k_reserved_sql =
    joined<"(SELECT coalesce(sum(r.qty), 0) FROM ticket_part r JOIN ticket t ON t.id = r.ticket_id "
           "WHERE r.part_id = p.id AND r.state = 'reserved' AND t.status NOT IN ",
           k_inactive_status_list, ")">;

// Units of part `p` ordered from suppliers and not yet received.
inline constexpr std::string_view k_on_order_sql =
    "(SELECT coalesce(sum(o.qty - o.received_qty), 0) FROM stock_order o "
    "WHERE o.part_id = p.id AND o.received_qty < o.qty)";

// The SKUs of the parts that `inventory reorder` orders now, with its default window and service
// level (reorder_advice): `inventory list below:reorder`.
std::set<std::string> skus_to_order(Database& db, std::int64_t now, const TimeZone& tz);

// SELECT of the part columns (part_table_columns, in order) over `part p`.
std::string part_select();
// The machine columns of a part (DESIGN.md section 7), in order.
std::vector<Column> part_table_columns();
// The machine columns of a stock move, in order, and their SELECT over `stock_move m JOIN part p`.
std::vector<Column> move_columns();
extern const std::string_view k_move_select;

} // namespace svcmgr
