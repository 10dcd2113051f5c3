// The datasets export and import know, in one table.

#include <svcmgr/exchange.hpp>

#include "customer/columns.hpp"
#include "inventory/queries.hpp"
#include "ticket/columns.hpp"

#include <fmt/format.h>

#include <array>

namespace svcmgr {

namespace {

std::vector<Column> ticket_dataset_columns() {
    std::vector<Column> columns;
    for (const auto& c : k_ticket_columns) {
        columns.push_back({std::string(c.name), c.type});
    }
    return columns;
}

std::string ticket_select() {
    std::vector<std::string_view> exprs;
    for (const auto& c : k_ticket_columns) {
        exprs.push_back(c.sql);
    }
    return fmt::format("SELECT {} FROM ticket t JOIN customer c ON c.id = t.customer_id "
                       "ORDER BY t.id",
                       fmt::join(exprs, ", "));
}

std::string customer_select() {
    return fmt::format("{} ORDER BY c.id", k_customer_select);
}

std::string part_dataset_select() {
    return fmt::format("{} ORDER BY p.sku", part_select());
}

std::string move_select() {
    return fmt::format("{} ORDER BY m.id", k_move_select);
}

// The ticket history (`ticket events export`), in order.
std::vector<Column> event_columns() {
    return {{"id", ColumnType::integer},      {"ticket_id", ColumnType::integer},
            {"at", ColumnType::time},         {"actor", ColumnType::text},
            {"kind", ColumnType::code},       {"field", ColumnType::code},
            {"old_value", ColumnType::text},  {"new_value", ColumnType::text},
            {"minutes", ColumnType::integer}, {"body", ColumnType::text}};
}

std::string event_select() {
    return "SELECT id, ticket_id, at, actor, kind, field, old_value, new_value, minutes, body "
           "FROM ticket_event ORDER BY id";
}

std::vector<Column> setting_columns() {
    return {{"key", ColumnType::code}, {"value", ColumnType::text}};
}

std::string setting_select() {
    return "SELECT key, value FROM setting ORDER BY key";
}

constexpr std::array<DatasetInfo, 6> k_datasets = {{
    {Dataset::tickets, "ticket", ticket_dataset_columns, ticket_select},
    {Dataset::customers, "customer", customer_columns, customer_select},
    {Dataset::parts, "inventory", part_table_columns, part_dataset_select},
    {Dataset::moves, "inventory moves", move_columns, move_select},
    {Dataset::events, "ticket events", event_columns, event_select},
    {Dataset::settings, "config", setting_columns, setting_select},
}};

static_assert(
    [] {
        for (std::size_t i = 0; i < k_datasets.size(); ++i) {
            if (k_datasets[i].dataset != static_cast<Dataset>(i)) {
                return false;
            }
        }
        return true;
    }(),
    "k_datasets lists the datasets in the order of Dataset");

} // namespace

std::span<const DatasetInfo> datasets() {
    return k_datasets;
}

const DatasetInfo& dataset_info(Dataset dataset) {
    return k_datasets[static_cast<std::size_t>(dataset)];
}

std::vector<Column> dataset_columns(Dataset dataset) {
    return dataset_info(dataset).columns();
}

} // namespace svcmgr
