#pragma once

#include <svcmgr/db.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/table.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// The repair-parts inventory (DESIGN.md sections 3 and 5). The ledger (stock_move) is the truth;
// part.on_hand is its sum, kept in the same transaction by every function here.

enum class OrderRule { fixed, up_to_max, eoq };

// The fields of a part that people set. Absent fields keep their value on update.
struct PartFields {
    std::optional<std::string> name = {};
    std::optional<std::string> location = {};
    std::optional<std::string> supplier = {};
    std::optional<std::int64_t> unit_cost = {}; // minor units
    std::optional<std::int64_t> reorder_point = {};
    std::optional<OrderRule> order_rule = {};
    std::optional<std::int64_t> reorder_qty = {};
    std::optional<std::int64_t> max_qty = {};
    std::optional<std::int64_t> min_order = {};
    std::optional<std::int64_t> pack_size = {};
    std::optional<std::int64_t> lead_time_days = {};
    std::optional<std::int64_t> holding_rate = {}; // tenths of a percent
};

std::optional<OrderRule> parse_order_rule(std::string_view s); // fixed, up-to-max, eoq
// The stored name of a rule: fixed, up_to_max, eoq.
std::string_view order_rule_name(OrderRule rule);

// Creates a part. The SKU is kept exactly as typed; a duplicate, an empty one or one that
// starts with a CSV guard character (= + - @ tab CR LF, their full-width forms, ') is refused.
void add_part(Database& db, std::string_view sku, const PartFields& fields, const Stamp& stamp);
void update_part(Database& db, std::string_view sku, const PartFields& fields, const Stamp& stamp);

// The machine columns of a part (DESIGN.md section 7).
std::vector<std::string> part_columns();

// Terms: below:reorder (the parts reorder_advice orders, with its defaults: at `now`, in days
// of `tz`), stock:N, location:L, supplier:S and free words (SKU and name).
Table list_parts(Database& db, const std::vector<std::string>& terms, std::int64_t now,
                 const TimeZone& tz);

struct PartDetail {
    Table part;  // one row, the part columns
    Table moves; // the most recent ledger moves, newest first
};
std::optional<PartDetail> show_part(Database& db, std::string_view sku);

// The ledger of a part since a time (oldest first): id, at, sku, kind, qty, ticket_id,
// unit_cost, actor, note.
Table part_history(Database& db, std::string_view sku, std::optional<std::int64_t> since);

struct Receipt {
    std::int64_t qty = 0;
    std::optional<std::int64_t> unit_cost = {}; // default: the current average cost
    std::optional<std::string> note = {};
    bool release = false; // reserve for the waiting tickets and move them back to in_progress
};

// Receives stock: fills the oldest open orders first and updates the moving-average cost
// (rounded half-up). Returns the tickets waiting for this part that the delivery can serve
// (ticket_id, qty, status, title), oldest need first; with `release`, those are served.
Table receive_part(Database& db, std::string_view sku, const Receipt& receipt, const Stamp& stamp);

// Takes parts out of stock for a ticket; refused (Error refused) when more than is available
// to that ticket (on hand less what other tickets have reserved). Uses the ticket's reservation
// first.
void consume_part(Database& db, std::string_view sku, std::int64_t qty, std::int64_t ticket_id,
                  const Stamp& stamp);

// Puts parts a ticket consumed back into stock at the average cost the ticket paid for them
// (rounded half-up, never more than it was charged), which the moving-average cost takes in
// like a receipt. Refused when the ticket holds fewer than `qty`.
void return_part(Database& db, std::string_view sku, std::int64_t qty, std::int64_t ticket_id,
                 const Stamp& stamp);

// A cycle count: records the difference to `count` with a reason. Nothing when equal.
void adjust_part(Database& db, std::string_view sku, std::int64_t count, std::string_view reason,
                 const Stamp& stamp);

struct NewOrder {
    std::int64_t qty = 0;
    std::optional<std::string> supplier = {}; // default: the part's supplier
    std::optional<std::int64_t> expected_at = {};
};
// Records parts ordered from a supplier; returns the order's id.
std::int64_t order_part(Database& db, std::string_view sku, const NewOrder& order,
                        const Stamp& stamp);

// Open orders: id, sku, qty, received, supplier, ordered_at, expected_at.
Table open_orders(Database& db);

// `ticket need`: a repair needs QTY of a part. In stock: reserved for the ticket. Out of stock:
// recorded as needed, and an active ticket not yet waiting moves to waiting_parts.
enum class NeedOutcome { reserved, waiting };
NeedOutcome need_part(Database& db, std::int64_t ticket_id, std::string_view sku, std::int64_t qty,
                      const Stamp& stamp);

// ---- balance: reorder advice and valuation (DESIGN.md section 7, "Definitions") ----------------

struct AdviceOptions {
    std::int64_t window_days = 90; // usage window: the last N local days, today included
    std::optional<std::int64_t> service_level = {}; // tenths of a percent; default: the setting
};

// The options of `inventory reorder` and `inventory value` as typed: `window` in whole days above
// 0 (90d, 4w), `service_level` a percentage above 0 and below 100 (95%; empty: the setting).
// Throws Error(usage) naming the option and the value outside those limits.
AdviceOptions parse_advice_options(std::string_view window, std::string_view service_level);

// Parts to order now: sku, name, usage_per_day, usage_sigma, days_of_cover, lead_time_days,
// safety_stock, position, reorder_point, order_qty, order_cost.
Table reorder_advice(Database& db, const AdviceOptions& options, std::int64_t now,
                     const TimeZone& tz);

enum class TotalRow { no, yes };
struct ValueOptions {
    AdviceOptions usage = {};
    // yes: a last row named "total" (sku empty) with the sums and the total days of cover.
    TotalRow total = TotalRow::no;
};

// Every part: sku, name, on_hand, unit_cost, value, holding_rate, holding_cost (yearly),
// usage_per_day, days_of_cover, dead, excess_qty, excess_value, excess_holding_cost; then the
// total row when options.total asks for it.
Table inventory_value(Database& db, const ValueOptions& options, std::int64_t now,
                      const TimeZone& tz);

// Φ⁻¹(p), the standard normal quantile, for 0 < p < 1 (1.6449 at 0.95).
double inverse_normal(double p);

// SKUs, for completion.
std::vector<std::string> part_skus(Database& db, std::int64_t limit);

} // namespace svcmgr
