#pragma once

// What the inventory modules (parts, ledger, orders, needs) share: a part's stock as its writes
// need it, lookups that refuse what is missing, and the small rules every write applies.

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>
#include <svcmgr/ticket.hpp>

#include "audit/log.hpp"
#include "db/sql.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace svcmgr {

struct Part {
    std::int64_t id = 0;
    std::int64_t on_hand = 0;
    std::int64_t unit_cost = 0;
    std::int64_t reserved = 0; // for active tickets (k_reserved_sql)
    std::optional<std::string> supplier;
};

std::optional<Part> find_part(Database& db, std::string_view sku);
// Throws Error(refused) "no part with SKU '...'".
Part require_part(Database& db, std::string_view sku);
// The status of a ticket; throws Error(refused) "no ticket with id N".
Status require_ticket(Database& db, std::int64_t ticket_id);
// Throws Error(usage) unless `qty` is above 0.
void require_quantity(std::int64_t qty);

// The audit state of a part row.
Json part_state(Database& db, std::int64_t id);

// Empty text is NULL: svcmgr never stores ''.
std::optional<std::string> non_empty(const std::optional<std::string>& s);

// The first `n` columns of the current row.
Row read_row(const Statement& st, int n);

// Half-up rounding of a non-negative quotient.
std::int64_t divide_half_up(std::int64_t numerator, std::int64_t denominator);

// Fills the oldest open orders of a part first with `qty` units received (orders.cpp).
void fill_orders(Database& db, std::int64_t part_id, std::int64_t qty);

// The tickets a delivery serves: their needs of a part, oldest first, while `available` lasts
// (needs.cpp).
struct ServedNeeds {
    Table table;                                              // ticket_id, qty, status, title
    std::vector<std::pair<std::int64_t, std::int64_t>> needs; // ticket_part id, ticket id
};
ServedNeeds needs_served(Database& db, std::int64_t part_id, std::int64_t available);
// Reserves the served needs, and moves each ticket waiting for parts that needs nothing more
// back by the lifecycle's start verb, with its audit row (needs.cpp).
void release_needs(Database& db, const ServedNeeds& served, const Stamp& stamp);

} // namespace svcmgr
