// Import of the inventory ledger: each move also changes its part's stock.

#include "exchange/import/importer.hpp"

#include <fmt/format.h>

#include <array>
#include <set>

namespace svcmgr {

namespace {

class MoveImporter final : public TableImporter {
public:
    MoveImporter(Database& db, RecordSource& source, const ImportOptions& options,
                 const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::moves, "stock_move", "move",
                        {{"id", "id"},
                         {"part_id", "sku"},
                         {"at", "at"},
                         {"kind", "kind"},
                         {"qty", "qty"},
                         {"ticket_id", "ticket_id"},
                         {"unit_cost", "unit_cost"},
                         {"actor", "actor"},
                         {"note", "note"}},
                        Key::id_or_ref, "", false),
          m_audit(m_spool, db, "part", "part", "id"),
          m_part(db, "SELECT id FROM part WHERE sku = $1"),
          m_ticket(db, "SELECT 1 FROM ticket WHERE id = $1"),
          m_stock(db, "UPDATE part SET on_hand = on_hand + $2 WHERE id = $1 AND on_hand + $2 >= 0"),
          m_on_hand(db, "SELECT on_hand FROM part WHERE id = $1") {}

protected:
    std::vector<std::string_view> required() const override {
        return {"at", "sku", "kind", "qty", "unit_cost", "actor"};
    }
    std::vector<std::string_view> derived() const override { return {}; }

    Prepared prepare() override {
        Prepared row;
        row.id = id(c_id);
        const auto sku = code(c_sku);
        if (!sku) {
            bad(c_sku, "may not be empty");
        }
        const auto part = lookup(m_part, Value{*sku});
        if (!part) {
            bad(c_sku, fmt::format("unknown part '{}'", *sku), "import the parts first");
        }
        static constexpr std::array<std::string_view, 4> k_kinds = {"receive", "consume", "return",
                                                                    "adjust"};
        const auto kind_cell = code(c_kind);
        const auto qty = signed_number(c_qty);
        const std::string kind =
            one_of(c_kind, kind_cell, std::nullopt, {"kind", "kinds"}, k_kinds);
        if (!qty || *qty == 0 || (kind == "consume" && *qty > 0) ||
            ((kind == "receive" || kind == "return") && *qty < 0)) {
            bad(c_qty, fmt::format("invalid quantity '{}' for a {} (receive and return add, "
                                   "consume takes away, adjust may do either; never 0)",
                                   raw(c_qty), kind));
        }
        const auto ticket = id(c_ticket_id);
        if (ticket && !exists(m_ticket, Value{*ticket})) {
            bad(c_ticket_id, fmt::format("no ticket with id {}", *ticket),
                "import the tickets first");
        }
        const auto at = time(c_at);
        if (!at) {
            bad(c_at, "may not be empty");
        }
        const auto cost = money(c_unit_cost);
        if (!cost) {
            bad(c_unit_cost, "may not be empty");
        }
        row.values = {to_value(row.id),
                      *part,
                      *at,
                      kind,
                      *qty,
                      to_value(ticket),
                      *cost,
                      required_text(c_actor),
                      to_value(text(c_note))};
        return row;
    }

    void before_write(Prepared& row, const std::optional<std::int64_t>& existing) override {
        if (existing) {
            return;
        }
        const std::int64_t part = std::get<std::int64_t>(row.values[1]);
        const std::int64_t qty = std::get<std::int64_t>(row.values[4]);
        m_stock.reset();
        m_stock.bind_all(part, qty);
        if (m_stock.run() != 1) {
            m_stock.reset();
            bad(c_qty, fmt::format("'{}' has {} on hand: a move of {} would take it below zero",
                                   raw(c_sku), *lookup(m_on_hand, Value{part}), qty));
        }
        m_stock.reset();
        m_touched.insert(part);
    }

    void written(const Value& /*key*/, const std::vector<Value>* /*state*/) override {}

    void finish() override {
        for (const std::int64_t part : m_touched) {
            m_audit.add(Value{part});
        }
        m_audit.flush();
    }

private:
    const std::size_t c_id = column("id"), c_at = column("at"), c_sku = column("sku"),
                      c_kind = column("kind"), c_qty = column("qty"),
                      c_ticket_id = column("ticket_id"), c_unit_cost = column("unit_cost"),
                      c_actor = column("actor"), c_note = column("note");
    BatchAudit m_audit;
    Statement m_part, m_ticket, m_stock, m_on_hand;
    std::set<std::int64_t> m_touched;
};

} // namespace

std::unique_ptr<Importer> move_importer(Database& db, RecordSource& source,
                                        const ImportOptions& options, const Stamp& stamp) {
    return std::make_unique<MoveImporter>(db, source, options, stamp);
}

} // namespace svcmgr
