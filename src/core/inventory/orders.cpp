// Orders from suppliers: recording them, listing the open ones, and filling them on receipt.

#include <svcmgr/inventory.hpp>

#include "inventory/shared.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace svcmgr {

void fill_orders(Database& db, std::int64_t part_id, std::int64_t qty) {
    std::int64_t left = qty;
    Statement orders(db, "SELECT id, qty - received_qty FROM stock_order "
                         "WHERE part_id = $1 AND received_qty < qty ORDER BY ordered_at, id");
    orders.bind(1, part_id);
    std::vector<std::pair<std::int64_t, std::int64_t>> fills;
    while (left > 0 && orders.step()) {
        const std::int64_t take = std::min(left, orders.int64(1));
        fills.emplace_back(orders.int64(0), take);
        left -= take;
    }
    for (const auto& [order_id, take] : fills) {
        Statement fill(db, "UPDATE stock_order SET received_qty = received_qty + $2 WHERE id = $1");
        fill.bind_all(order_id, take).run();
    }
}

std::int64_t order_part(Database& db, std::string_view sku, const NewOrder& order,
                        const Stamp& stamp) {
    require_quantity(order.qty);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    Statement st(db, "INSERT INTO stock_order (part_id, qty, supplier, ordered_at, expected_at) "
                     "VALUES ($1, $2, $3, $4, $5)");
    st.bind_all(part.id, order.qty,
                non_empty(order.supplier) ? non_empty(order.supplier) : part.supplier, stamp.now,
                order.expected_at)
        .run();
    const std::int64_t id = last_insert_id(db);
    append_audit(db, stamp, "order", "part", std::to_string(part.id), part_state(db, part.id),
                 part_state(db, part.id));
    tx.commit();
    return id;
}

Table open_orders(Database& db) {
    Table table;
    table.columns = {{"id", ColumnType::integer},      {"sku", ColumnType::code},
                     {"qty", ColumnType::integer},     {"received", ColumnType::integer},
                     {"supplier", ColumnType::text},   {"ordered_at", ColumnType::time},
                     {"expected_at", ColumnType::time}};
    Statement st(db, "SELECT o.id, p.sku, o.qty, o.received_qty, o.supplier, o.ordered_at, "
                     "o.expected_at FROM stock_order o JOIN part p ON p.id = o.part_id "
                     "WHERE o.received_qty < o.qty ORDER BY o.ordered_at, o.id");
    while (st.step()) {
        table.rows.push_back(read_row(st, 7));
    }
    return table;
}

} // namespace svcmgr
