#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/text.hpp>

#include "audit/log.hpp"
#include "inventory/queries.hpp"
#include "db/sql.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace svcmgr {

namespace {

constexpr std::array<std::string_view, 3> k_rule_names = {"fixed", "up_to_max", "eoq"};

struct Part {
    std::int64_t id = 0;
    std::int64_t on_hand = 0;
    std::int64_t unit_cost = 0;
    std::int64_t reserved = 0;
    std::optional<std::string> supplier;
};

std::optional<Part> find_part(Database& db, std::string_view sku) {
    Statement st(db, fmt::format("SELECT p.id, p.on_hand, p.unit_cost, p.supplier, {} "
                                 "FROM part p WHERE p.sku = $1",
                                 k_reserved_sql));
    st.bind(1, sku);
    if (!st.step()) {
        return std::nullopt;
    }
    return Part{st.int64(0), st.int64(1), st.int64(2), st.int64(4), st.optional_text(3)};
}

Part require_part(Database& db, std::string_view sku) {
    auto part = find_part(db, sku);
    if (!part) {
        throw Error(ErrorKind::refused, fmt::format("no part with SKU '{}'", sku));
    }
    return *part;
}

std::string require_ticket_status(Database& db, std::int64_t ticket_id) {
    Statement st(db, "SELECT status FROM ticket WHERE id = $1");
    st.bind(1, ticket_id);
    if (!st.step()) {
        throw Error(ErrorKind::refused, fmt::format("no ticket with id {}", ticket_id));
    }
    return st.text(0);
}

void require_quantity(std::int64_t qty) {
    if (qty <= 0) {
        throw Error(ErrorKind::usage, fmt::format("invalid quantity {}: expected a whole number "
                                                  "above 0",
                                                  qty));
    }
}

Json part_state(Database& db, std::int64_t id) {
    return row_state(db, "part", "id", id);
}

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

// Half-up rounding of a non-negative quotient.
std::int64_t divide_half_up(std::int64_t numerator, std::int64_t denominator) {
    return (2 * numerator + denominator) / (2 * denominator);
}

void set_ticket_status(Database& db, std::int64_t ticket_id, std::string_view from,
                       std::string_view to, const Stamp& stamp) {
    Statement st(db, "UPDATE ticket SET status = $2, updated_at = $3 WHERE id = $1");
    st.bind_all(ticket_id, to, stamp.now).run();
    Statement event(db, "INSERT INTO ticket_event (ticket_id, at, actor, kind, field, old_value, "
                        "new_value) VALUES ($1, $2, $3, 'status', 'status', $4, $5)");
    event.bind_all(ticket_id, stamp.now, stamp.actor, from, to).run();
}

std::optional<std::string> non_empty(const std::optional<std::string>& s) {
    if (!s || trim(*s).empty()) {
        return std::nullopt;
    }
    return s;
}

void validate_fields(const PartFields& f) {
    for (const auto* text : {&f.name, &f.location, &f.supplier}) {
        if (*text && !is_valid_utf8(**text)) {
            throw Error(ErrorKind::usage, "a part field is not valid UTF-8");
        }
    }
    if (f.name && trim(*f.name).empty()) {
        throw Error(ErrorKind::usage, "the part name may not be empty");
    }
    for (const auto& [name, value] :
         {std::pair{"--reorder-qty", f.reorder_qty}, std::pair{"--max", f.max_qty},
          std::pair{"--min-order", f.min_order}, std::pair{"--pack", f.pack_size}}) {
        if (value && *value <= 0) {
            throw Error(ErrorKind::usage, fmt::format("{} must be above 0, not {}", name, *value));
        }
    }
    if (f.holding_rate && *f.holding_rate > 1000) {
        throw Error(ErrorKind::usage, "the holding rate must be from 0% to 100%");
    }
}

// Binds the settable fields as $2..$13 (the order of the part table).
void bind_fields(Statement& st, const PartFields& f) {
    st.bind(2, non_empty(f.name))
        .bind(3, non_empty(f.location))
        .bind(4, non_empty(f.supplier))
        .bind(5, f.unit_cost)
        .bind(6, f.reorder_point)
        .bind(7, f.order_rule
                     ? std::optional<std::string>(std::string(order_rule_name(*f.order_rule)))
                     : std::nullopt)
        .bind(8, f.reorder_qty)
        .bind(9, f.max_qty)
        .bind(10, f.min_order)
        .bind(11, f.pack_size)
        .bind(12, f.lead_time_days)
        .bind(13, f.holding_rate);
}

Row read_row(const Statement& st, int n) {
    Row row;
    for (int i = 0; i < n; ++i) {
        row.push_back(st.value(i));
    }
    return row;
}

} // namespace

std::string part_select() {
    return fmt::format(
        "SELECT p.sku, p.name, p.location, p.supplier, p.on_hand, {}, {}, "
        "p.reorder_point, p.order_rule, p.reorder_qty, p.max_qty, p.min_order, p.pack_size, "
        "p.lead_time_days, p.unit_cost, p.holding_rate, p.on_hand * p.unit_cost "
        "FROM part p",
        k_reserved_sql, k_on_order_sql);
}

std::vector<Column> part_table_columns() {
    return {{"sku", ColumnType::code},          {"name", ColumnType::text},
            {"location", ColumnType::text},     {"supplier", ColumnType::text},
            {"on_hand", ColumnType::integer},   {"reserved", ColumnType::integer},
            {"on_order", ColumnType::integer},  {"reorder_point", ColumnType::integer},
            {"order_rule", ColumnType::code},   {"reorder_qty", ColumnType::integer},
            {"max_qty", ColumnType::integer},   {"min_order", ColumnType::integer},
            {"pack_size", ColumnType::integer}, {"lead_time_days", ColumnType::integer},
            {"unit_cost", ColumnType::money},   {"holding_rate", ColumnType::percent},
            {"value", ColumnType::money}};
}

std::vector<Column> move_columns() {
    return {{"id", ColumnType::integer},      {"at", ColumnType::time},
            {"sku", ColumnType::code},        {"kind", ColumnType::code},
            {"qty", ColumnType::integer},     {"ticket_id", ColumnType::integer},
            {"unit_cost", ColumnType::money}, {"actor", ColumnType::text},
            {"note", ColumnType::text}};
}

const std::string_view k_move_select =
    "SELECT m.id, m.at, p.sku, m.kind, m.qty, m.ticket_id, m.unit_cost, m.actor, m.note "
    "FROM stock_move m JOIN part p ON p.id = m.part_id";

std::string_view order_rule_name(OrderRule rule) {
    return k_rule_names[static_cast<std::size_t>(rule)];
}

std::optional<OrderRule> parse_order_rule(std::string_view s) {
    if (s == "fixed") {
        return OrderRule::fixed;
    }
    if (s == "up-to-max" || s == "up_to_max") {
        return OrderRule::up_to_max;
    }
    if (s == "eoq") {
        return OrderRule::eoq;
    }
    return std::nullopt;
}

std::vector<std::string> part_columns() {
    std::vector<std::string> names;
    for (const auto& c : part_table_columns()) {
        names.push_back(c.name);
    }
    return names;
}

void add_part(Database& db, std::string_view sku, const PartFields& fields, const Stamp& stamp) {
    if (sku.empty() || trim(sku).size() != sku.size()) {
        throw Error(ErrorKind::usage,
                    fmt::format("invalid SKU '{}': it may not be empty or start or end with a "
                                "space",
                                sku));
    }
    if (!is_valid_utf8(sku)) {
        throw Error(ErrorKind::usage, "the SKU is not valid UTF-8");
    }
    if (starts_with_csv_guard(sku)) {
        throw Error(ErrorKind::usage,
                    fmt::format("invalid SKU '{}': it may not start with = + - @ ' or a control "
                                "character, which spreadsheets take for a formula",
                                sku));
    }
    if (!fields.name) {
        throw Error(ErrorKind::usage, "a part needs --name");
    }
    validate_fields(fields);
    WriteTransaction tx(db);
    if (find_part(db, sku)) {
        throw Error(ErrorKind::refused, fmt::format("a part with SKU '{}' already exists", sku));
    }
    Statement st(db, "INSERT INTO part (sku, name, location, supplier, unit_cost, reorder_point, "
                     "order_rule, reorder_qty, max_qty, min_order, pack_size, lead_time_days, "
                     "holding_rate, created_at) VALUES ($1, $2, $3, $4, coalesce($5, 0), $6, "
                     "coalesce($7, 'fixed'), $8, $9, $10, $11, coalesce($12, 0), $13, $14)");
    st.bind(1, sku);
    bind_fields(st, fields);
    st.bind(14, stamp.now).run();
    const std::int64_t id = last_insert_id(db);
    append_audit(db, stamp, "create", "part", std::to_string(id), nullptr, part_state(db, id));
    tx.commit();
}

void update_part(Database& db, std::string_view sku, const PartFields& fields, const Stamp& stamp) {
    validate_fields(fields);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    const Json before = part_state(db, part.id);
    Statement st(db, "UPDATE part SET name = coalesce($2, name), "
                     "location = coalesce($3, location), supplier = coalesce($4, supplier), "
                     "unit_cost = coalesce($5, unit_cost), "
                     "reorder_point = coalesce($6, reorder_point), "
                     "order_rule = coalesce($7, order_rule), "
                     "reorder_qty = coalesce($8, reorder_qty), max_qty = coalesce($9, max_qty), "
                     "min_order = coalesce($10, min_order), pack_size = coalesce($11, pack_size), "
                     "lead_time_days = coalesce($12, lead_time_days), "
                     "holding_rate = coalesce($13, holding_rate) WHERE id = $1");
    st.bind(1, part.id);
    bind_fields(st, fields);
    st.run();
    const Json after = part_state(db, part.id);
    if (after != before) {
        append_audit(db, stamp, "update", "part", std::to_string(part.id), before, after);
    }
    tx.commit();
}

Table list_parts(Database& db, const std::vector<std::string>& terms, std::int64_t now,
                 const TimeZone& tz) {
    std::vector<std::string> where;
    std::optional<std::set<std::string>> to_order; // below:reorder
    std::vector<Value> params;
    const auto param = [&](Value v) {
        params.push_back(std::move(v));
        return fmt::format("${}", params.size());
    };
    for (const std::string& term : terms) {
        const auto colon = term.find(':');
        const std::string_view key = std::string_view(term).substr(0, colon);
        const std::string_view value = colon == std::string::npos
                                           ? std::string_view{}
                                           : std::string_view(term).substr(colon + 1);
        if (colon == std::string::npos) {
            where.push_back(fmt::format("instr(svc_fold(p.sku || '\n' || p.name), {}) > 0",
                                        param(fold_case(term))));
        } else if (key == "below" && value == "reorder") {
            if (!to_order) {
                to_order = skus_to_order(db, now, tz);
            }
        } else if (key == "stock") {
            const auto n = parse_count(value);
            if (!n) {
                throw Error(ErrorKind::usage, fmt::format("invalid filter term '{}': expected "
                                                          "stock:N",
                                                          term));
            }
            where.push_back(fmt::format("p.on_hand = {}", param(*n)));
        } else if (key == "location" && !value.empty()) {
            where.push_back(fmt::format("p.location = {}", param(std::string(value))));
        } else if (key == "supplier" && !value.empty()) {
            where.push_back(fmt::format("p.supplier = {}", param(std::string(value))));
        } else {
            throw Error(ErrorKind::usage, fmt::format("invalid filter term '{}'", term),
                        "terms: below:reorder, stock:N, location:L, supplier:S, or words");
        }
    }
    Table table;
    table.columns = part_table_columns();
    Statement st(
        db, fmt::format("{} WHERE {} ORDER BY p.sku", part_select(),
                        where.empty() ? "1 = 1" : fmt::format("{}", fmt::join(where, " AND "))));
    for (std::size_t i = 0; i < params.size(); ++i) {
        st.bind(static_cast<int>(i) + 1, params[i]);
    }
    while (st.step()) {
        if (!to_order || to_order->contains(st.text(0))) {
            table.rows.push_back(read_row(st, 17));
        }
    }
    return table;
}

std::optional<PartDetail> show_part(Database& db, std::string_view sku) {
    PartDetail detail;
    detail.part.columns = part_table_columns();
    Statement st(db, fmt::format("{} WHERE p.sku = $1", part_select()));
    st.bind(1, sku);
    if (!st.step()) {
        return std::nullopt;
    }
    detail.part.rows.push_back(read_row(st, 17));
    detail.moves.columns = move_columns();
    Statement moves(db,
                    fmt::format("{} WHERE p.sku = $1 ORDER BY m.id DESC LIMIT 20", k_move_select));
    moves.bind(1, sku);
    while (moves.step()) {
        detail.moves.rows.push_back(read_row(moves, 9));
    }
    return detail;
}

Table part_history(Database& db, std::string_view sku, std::optional<std::int64_t> since) {
    require_part(db, sku);
    Table table;
    table.columns = move_columns();
    Statement st(
        db, fmt::format(
                "{} WHERE p.sku = $1 AND (CAST($2 AS BIGINT) IS NULL OR m.at >= $2) ORDER BY m.id",
                k_move_select));
    st.bind_all(sku, since);
    while (st.step()) {
        table.rows.push_back(read_row(st, 9));
    }
    return table;
}

Table receive_part(Database& db, std::string_view sku, const Receipt& receipt, const Stamp& stamp) {
    require_quantity(receipt.qty);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    const Json before = part_state(db, part.id);
    const std::int64_t cost = receipt.unit_cost.value_or(part.unit_cost);

    // Fill the oldest open orders first.
    std::int64_t left = receipt.qty;
    Statement orders(db, "SELECT id, qty - received_qty FROM stock_order "
                         "WHERE part_id = $1 AND received_qty < qty ORDER BY ordered_at, id");
    orders.bind(1, part.id);
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

    const std::int64_t average = divide_half_up(part.on_hand * part.unit_cost + receipt.qty * cost,
                                                part.on_hand + receipt.qty);
    add_move(db, part, "receive", receipt.qty, std::nullopt, cost, non_empty(receipt.note), stamp);
    Statement avg(db, "UPDATE part SET unit_cost = $2 WHERE id = $1");
    avg.bind_all(part.id, average).run();

    // Tickets waiting for this part that the stock on hand can now serve, oldest need first.
    Table unblocked;
    unblocked.columns = {{"ticket_id", ColumnType::integer},
                         {"qty", ColumnType::integer},
                         {"status", ColumnType::code},
                         {"title", ColumnType::text}};
    std::int64_t available = part.on_hand + receipt.qty - part.reserved;
    std::vector<std::pair<std::int64_t, std::int64_t>> served; // ticket_part id, ticket id
    Statement needs(db, "SELECT r.id, r.ticket_id, r.qty, t.status, t.title FROM ticket_part r "
                        "JOIN ticket t ON t.id = r.ticket_id "
                        "WHERE r.part_id = $1 AND r.state = 'needed' ORDER BY r.id");
    needs.bind(1, part.id);
    while (needs.step()) {
        const std::int64_t qty = needs.int64(2);
        if (qty > available) {
            break;
        }
        available -= qty;
        served.emplace_back(needs.int64(0), needs.int64(1));
        unblocked.rows.push_back({needs.int64(1), qty, needs.text(3), needs.text(4)});
    }
    append_audit(db, stamp, "receive", "part", std::to_string(part.id), before,
                 part_state(db, part.id));

    if (receipt.release) {
        for (const auto& [need_id, ticket_id] : served) {
            Statement reserve(db, "UPDATE ticket_part SET state = 'reserved' WHERE id = $1");
            reserve.bind(1, need_id).run();
            Statement still(db, "SELECT count(*) FROM ticket_part WHERE ticket_id = $1 "
                                "AND state = 'needed'");
            still.bind(1, ticket_id);
            still.step();
            const std::string status = require_ticket_status(db, ticket_id);
            if (still.int64(0) == 0 && status == "waiting_parts") {
                const Json ticket_before = row_state(db, "ticket", "id", ticket_id);
                set_ticket_status(db, ticket_id, status, "in_progress", stamp);
                append_audit(db, stamp, "release", "ticket", std::to_string(ticket_id),
                             ticket_before, row_state(db, "ticket", "id", ticket_id));
            }
        }
    }
    tx.commit();
    return unblocked;
}

void consume_part(Database& db, std::string_view sku, std::int64_t qty, std::int64_t ticket_id,
                  const Stamp& stamp) {
    require_quantity(qty);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    require_ticket_status(db, ticket_id);
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
    require_ticket_status(db, ticket_id);
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

NeedOutcome need_part(Database& db, std::int64_t ticket_id, std::string_view sku, std::int64_t qty,
                      const Stamp& stamp) {
    require_quantity(qty);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    const std::string status = require_ticket_status(db, ticket_id);
    if (status == "resolved" || status == "closed") {
        throw Error(
            ErrorKind::refused,
            fmt::format("ticket {} is {}: reopen it before it needs parts", ticket_id, status));
    }
    const bool in_stock = part.on_hand - part.reserved >= qty;
    const Json before = row_state(db, "ticket", "id", ticket_id);
    Statement st(db, "INSERT INTO ticket_part (ticket_id, part_id, qty, state, at) "
                     "VALUES ($1, $2, $3, $4, $5)");
    st.bind_all(ticket_id, part.id, qty, in_stock ? "reserved" : "needed", stamp.now).run();
    Statement note(db, "INSERT INTO ticket_event (ticket_id, at, actor, kind, body) "
                       "VALUES ($1, $2, $3, 'note', $4)");
    note.bind_all(
            ticket_id, stamp.now, stamp.actor,
            fmt::format("needs {} x {} ({})", qty, sku, in_stock ? "reserved" : "out of stock"))
        .run();
    if (!in_stock && (status == "new" || status == "open" || status == "in_progress")) {
        set_ticket_status(db, ticket_id, status, "waiting_parts", stamp);
    }
    Statement touch(db, "UPDATE ticket SET updated_at = $2 WHERE id = $1");
    touch.bind_all(ticket_id, stamp.now).run();
    append_audit(db, stamp, "need", "ticket", std::to_string(ticket_id), before,
                 row_state(db, "ticket", "id", ticket_id));
    tx.commit();
    return in_stock ? NeedOutcome::reserved : NeedOutcome::waiting;
}

std::vector<std::string> part_skus(Database& db, std::int64_t limit) {
    Statement st(db, "SELECT sku FROM part ORDER BY sku LIMIT $1");
    st.bind(1, limit);
    std::vector<std::string> skus;
    while (st.step()) {
        skus.push_back(st.text(0));
    }
    return skus;
}

} // namespace svcmgr
