// Import of the parts, keyed by SKU.

#include <svcmgr/inventory.hpp>

#include "exchange/import/importer.hpp"

#include <fmt/format.h>

#include <array>

namespace svcmgr {

namespace {

class PartImporter final : public TableImporter {
public:
    PartImporter(Database& db, RecordSource& source, const ImportOptions& options,
                 const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::parts, "part", "part",
                        {{"sku", "sku"},
                         {"name", "name"},
                         {"location", "location"},
                         {"supplier", "supplier"},
                         {"reorder_point", "reorder_point"},
                         {"order_rule", "order_rule"},
                         {"reorder_qty", "reorder_qty"},
                         {"max_qty", "max_qty"},
                         {"min_order", "min_order"},
                         {"pack_size", "pack_size"},
                         {"lead_time_days", "lead_time_days"},
                         {"unit_cost", "unit_cost"},
                         {"holding_rate", "holding_rate"},
                         {"created_at", "", false}},
                        Key::natural, "sku", true),
          m_audit(m_spool, db, "part", "part", "id"),
          m_id_of(db, "SELECT id FROM part WHERE sku = $1") {}

protected:
    std::vector<std::string_view> required() const override { return {"sku", "name"}; }
    std::vector<std::string_view> derived() const override {
        return {"on_hand", "reserved", "on_order", "value"};
    }

    std::optional<std::int64_t> positive(std::size_t c) const {
        const auto n = count(c);
        if (n && *n == 0) {
            bad(c, "must be above 0");
        }
        return n;
    }

    Prepared prepare() override {
        Prepared row;
        const std::string_view sku = raw(c_sku);
        if (sku.empty() || trim(sku).size() != sku.size()) {
            bad(c_sku, fmt::format("invalid SKU '{}': it may not be empty or start or end with a "
                                   "space",
                                   sku));
        }
        if (starts_with_csv_guard(sku)) {
            bad(c_sku, fmt::format("invalid SKU '{}': it may not start with = + - @ ' or a "
                                   "control character",
                                   sku));
        }
        row.natural = std::string(sku);
        static const std::array<std::string_view, 3> k_rules = {
            order_rule_name(OrderRule::fixed), order_rule_name(OrderRule::up_to_max),
            order_rule_name(OrderRule::eoq)};
        std::string rule = one_of(
            c_order_rule, code(c_order_rule), order_rule_name(OrderRule::fixed),
            [](std::string_view r) {
                const auto parsed = parse_order_rule(r);
                return parsed ? std::optional(order_rule_name(*parsed)) : std::nullopt;
            },
            {"order rule", "rules"}, k_rules);
        row.values = {*row.natural,
                      required_text(c_name),
                      to_value(text(c_location)),
                      to_value(text(c_supplier)),
                      to_value(count(c_reorder_point)),
                      rule,
                      to_value(positive(c_reorder_qty)),
                      to_value(positive(c_max_qty)),
                      to_value(positive(c_min_order)),
                      to_value(positive(c_pack_size)),
                      count(c_lead_time_days).value_or(0),
                      money(c_unit_cost).value_or(0),
                      to_value(percent(c_holding_rate)),
                      m_stamp.now};
        return row;
    }

    void written(const Value& key, const std::vector<Value>* /*state*/) override {
        m_audit.add(Value{*lookup(m_id_of, key)});
    }
    void finish() override { m_audit.flush(); }

private:
    const std::size_t c_sku = column("sku"), c_name = column("name"),
                      c_location = column("location"), c_supplier = column("supplier"),
                      c_reorder_point = column("reorder_point"),
                      c_order_rule = column("order_rule"), c_reorder_qty = column("reorder_qty"),
                      c_max_qty = column("max_qty"), c_min_order = column("min_order"),
                      c_pack_size = column("pack_size"),
                      c_lead_time_days = column("lead_time_days"),
                      c_unit_cost = column("unit_cost"), c_holding_rate = column("holding_rate");
    BatchAudit m_audit;
    Statement m_id_of;
};

} // namespace

std::unique_ptr<Importer> part_importer(Database& db, RecordSource& source,
                                        const ImportOptions& options, const Stamp& stamp) {
    return std::make_unique<PartImporter>(db, source, options, stamp);
}

} // namespace svcmgr
