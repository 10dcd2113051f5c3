// The ledger: every change of stock is one stock_move, and part.on_hand stays its sum.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/text.hpp>

#include "inventory/shared.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace svcmgr {

namespace {

// Appends one ledger move and keeps on_hand equal to the ledger's sum.
void add_move(Database& db, const Part& part, std::string_view kind, std::int64_t qty,
              std::optional<std::int64_t> ticket_id, std::int64_t unit_cost,
              const std::optional<std::string>& note, const Stamp& stamp) {
    Statement move(db, "INSERT INTO stock_move (part_id, at, kind, qty, ticket_id, unit_cost, "
                       "actor, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    move.bind_all(part.id, stamp.now, kind, qty, ticket_id, unit_cost, stamp.actor, note).run();
    Statement update(db, "UPDATE part SET on_hand = on_hand + $2 WHERE id = $1");
    update.bind_all(part.id, qty).run();
}

} // namespace

Table receive_part(Database& db, std::string_view sku, const Receipt& receipt, const Stamp& stamp) {
    require_quantity(receipt.qty);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    const Json before = part_state(db, part.id);
    const std::int64_t cost = receipt.unit_cost.value_or(part.unit_cost);

    fill_orders(db, part.id, receipt.qty);

    const std::int64_t average = divide_half_up(part.on_hand * part.unit_cost + receipt.qty * cost,
                                                part.on_hand + receipt.qty);
    add_move(db, part, "receive", receipt.qty, std::nullopt, cost, non_empty(receipt.note), stamp);
    Statement avg(db, "UPDATE part SET unit_cost = $2 WHERE id = $1");
    avg.bind_all(part.id, average).run();

    // Tickets waiting for this part that the stock on hand can now serve, oldest need first.
    ServedNeeds served = needs_served(db, part.id, part.on_hand + receipt.qty - part.reserved);
    append_audit(db, stamp, "receive", "part", std::to_string(part.id), before,
                 part_state(db, part.id));

    if (receipt.release) {
        release_needs(db, served, stamp);
    }
    tx.commit();
    return std::move(served.table);
}

void consume_part(Database& db, std::string_view sku, std::int64_t qty, std::int64_t ticket_id,
                  const Stamp& stamp) {
    require_quantity(qty);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    require_ticket(db, ticket_id);
    Statement mine(db, "SELECT coalesce(sum(qty), 0) FROM ticket_part WHERE part_id = $1 "
                       "AND ticket_id = $2 AND state = 'reserved'");
    mine.bind_all(part.id, ticket_id);
    mine.step();
    const std::int64_t reserved_here = mine.int64(0);
    const std::int64_t available = part.on_hand - part.reserved + reserved_here;
    if (qty > available) {
        throw Error(ErrorKind::refused,
                    fmt::format("not enough '{}' in stock: {} available to ticket {}, {} asked",
                                sku, available, ticket_id, qty));
    }
    const Json before = part_state(db, part.id);
    add_move(db, part, "consume", -qty, ticket_id, part.unit_cost, std::nullopt, stamp);
    // Use the ticket's own reservation first.
    std::int64_t from_reservation = std::min(qty, reserved_here);
    Statement rows(db, "SELECT id, qty FROM ticket_part WHERE part_id = $1 AND ticket_id = $2 "
                       "AND state = 'reserved' ORDER BY id");
    rows.bind_all(part.id, ticket_id);
    std::vector<std::pair<std::int64_t, std::int64_t>> reservations;
    while (rows.step()) {
        reservations.emplace_back(rows.int64(0), rows.int64(1));
    }
    for (const auto& [id, reserved] : reservations) {
        if (from_reservation == 0) {
            break;
        }
        const std::int64_t take = std::min(reserved, from_reservation);
        from_reservation -= take;
        Statement st(db, take == reserved ? "DELETE FROM ticket_part WHERE id = $1"
                                          : "UPDATE ticket_part SET qty = qty - $2 WHERE id = $1");
        st.bind_all(id, take).run();
    }
    append_audit(db, stamp, "consume", "part", std::to_string(part.id), before,
                 part_state(db, part.id));
    tx.commit();
}

void return_part(Database& db, std::string_view sku, std::int64_t qty, std::int64_t ticket_id,
                 const Stamp& stamp) {
    require_quantity(qty);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    require_ticket(db, ticket_id);
    Statement used(db, "SELECT coalesce(-sum(qty), 0), coalesce(-sum(qty * unit_cost), 0) "
                       "FROM stock_move WHERE part_id = $1 "
                       "AND ticket_id = $2 AND kind IN ('consume', 'return')");
    used.bind_all(part.id, ticket_id);
    used.step();
    const std::int64_t held = used.int64(0);
    if (qty > held) {
        throw Error(ErrorKind::refused, fmt::format("ticket {} has {} of '{}' to return, not {}",
                                                    ticket_id, held, sku, qty));
    }
    // Back at the average cost the ticket paid (half-up, but never more than it was charged),
    // so its cost of service drops by what it paid for these units, and the stock's value grows by
    // the same amount: the moving average takes it in like a receipt.
    const std::int64_t charged = used.int64(1);
    const std::int64_t cost = std::min(divide_half_up(charged, held), charged / qty);
    const Json before = part_state(db, part.id);
    add_move(db, part, "return", qty, ticket_id, cost, std::nullopt, stamp);
    Statement avg(db, "UPDATE part SET unit_cost = $2 WHERE id = $1");
    avg.bind_all(part.id,
                 divide_half_up(part.on_hand * part.unit_cost + qty * cost, part.on_hand + qty))
        .run();
    append_audit(db, stamp, "return", "part", std::to_string(part.id), before,
                 part_state(db, part.id));
    tx.commit();
}

void adjust_part(Database& db, std::string_view sku, std::int64_t count, std::string_view reason,
                 const Stamp& stamp) {
    if (trim(reason).empty()) {
        throw Error(ErrorKind::usage, "an adjustment needs --reason");
    }
    if (!is_valid_utf8(reason)) {
        throw Error(ErrorKind::usage, "the reason is not valid UTF-8");
    }
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    if (count == part.on_hand) {
        return;
    }
    const Json before = part_state(db, part.id);
    add_move(db, part, "adjust", count - part.on_hand, std::nullopt, part.unit_cost,
             std::string(reason), stamp);
    append_audit(db, stamp, "adjust", "part", std::to_string(part.id), before,
                 part_state(db, part.id));
    tx.commit();
}

} // namespace svcmgr
