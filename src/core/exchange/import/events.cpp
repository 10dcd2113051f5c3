// Import of the ticket history.

#include "exchange/import/importer.hpp"

#include <fmt/format.h>

#include <array>

namespace svcmgr {

namespace {

class EventImporter final : public TableImporter {
public:
    EventImporter(Database& db, RecordSource& source, const ImportOptions& options,
                  const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::events, "ticket_event", "event",
                        {{"id", "id"},
                         {"ticket_id", "ticket_id"},
                         {"at", "at"},
                         {"actor", "actor"},
                         {"kind", "kind"},
                         {"field", "field"},
                         {"old_value", "old_value"},
                         {"new_value", "new_value"},
                         {"minutes", "minutes"},
                         {"body", "body"}},
                        Key::id_or_ref, "", false),
          m_audit(m_spool, db, "ticket_event", "ticket_event", "id"),
          m_ticket(db, "SELECT 1 FROM ticket WHERE id = $1") {}

protected:
    std::vector<std::string_view> required() const override {
        return {"ticket_id", "at", "actor", "kind"};
    }
    std::vector<std::string_view> derived() const override { return {}; }

    Prepared prepare() override {
        static constexpr std::array<std::string_view, 6> k_kinds = {"created", "note",   "reply",
                                                                    "inbound", "status", "field"};
        Prepared row;
        row.id = id(c_id);
        const auto ticket = id(c_ticket_id);
        if (!ticket) {
            bad(c_ticket_id, "may not be empty");
        }
        if (!exists(m_ticket, Value{*ticket})) {
            bad(c_ticket_id, fmt::format("no ticket with id {}", *ticket),
                "import the tickets first");
        }
        const auto at = time(c_at);
        if (!at) {
            bad(c_at, "may not be empty");
        }
        const std::string kind =
            one_of(c_kind, code(c_kind), std::nullopt, {"kind", "kinds"}, k_kinds);
        row.values = {to_value(row.id),
                      *ticket,
                      *at,
                      required_text(c_actor),
                      kind,
                      to_value(code(c_field)),
                      to_value(text(c_old)),
                      to_value(text(c_new)),
                      to_value(count(c_minutes)),
                      to_value(text(c_body))};
        return row;
    }

    void written(const Value& key, const std::vector<Value>* state) override {
        audit(m_audit, key, state);
    }
    void finish() override { m_audit.flush(); }

private:
    const std::size_t c_id = column("id"), c_ticket_id = column("ticket_id"), c_at = column("at"),
                      c_actor = column("actor"), c_kind = column("kind"), c_field = column("field"),
                      c_old = column("old_value"), c_new = column("new_value"),
                      c_minutes = column("minutes"), c_body = column("body");
    BatchAudit m_audit;
    Statement m_ticket;
};

} // namespace

std::unique_ptr<Importer> event_importer(Database& db, RecordSource& source,
                                         const ImportOptions& options, const Stamp& stamp) {
    return std::make_unique<EventImporter>(db, source, options, stamp);
}

} // namespace svcmgr
