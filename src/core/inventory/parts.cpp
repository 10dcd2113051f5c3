// Parts: their fields, their columns, and reading one part and its ledger.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/text.hpp>

#include "inventory/queries.hpp"
#include "inventory/shared.hpp"

#include <fmt/format.h>

#include <array>

namespace svcmgr {

namespace {

constexpr std::array<std::string_view, 3> k_rule_names = {"fixed", "up_to_max", "eoq"};

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

} // namespace

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

Status require_ticket(Database& db, std::int64_t ticket_id) {
    Statement st(db, "SELECT status FROM ticket WHERE id = $1");
    st.bind(1, ticket_id);
    if (!st.step()) {
        throw Error(ErrorKind::refused, fmt::format("no ticket with id {}", ticket_id));
    }
    return parse_status(st.text(0)).value_or(Status::new_);
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

std::optional<std::string> non_empty(const std::optional<std::string>& s) {
    if (!s || trim(*s).empty()) {
        return std::nullopt;
    }
    return s;
}

Row read_row(const Statement& st, int n) {
    Row row;
    for (int i = 0; i < n; ++i) {
        row.push_back(st.value(i));
    }
    return row;
}

std::int64_t divide_half_up(std::int64_t numerator, std::int64_t denominator) {
    return (2 * numerator + denominator) / (2 * denominator);
}

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
