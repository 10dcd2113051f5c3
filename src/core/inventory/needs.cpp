// Parts a ticket's repair needs: reserved from stock, or waited for until a delivery serves them.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/ticket.hpp>

#include "inventory/shared.hpp"
#include "ticket/events.hpp"
#include "ticket/statuses.hpp"

#include <fmt/format.h>

namespace svcmgr {

ServedNeeds needs_served(Database& db, std::int64_t part_id, std::int64_t available) {
    ServedNeeds served;
    served.table.columns = {{"ticket_id", ColumnType::integer},
                            {"qty", ColumnType::integer},
                            {"status", ColumnType::code},
                            {"title", ColumnType::text}};
    Statement needs(db, "SELECT r.id, r.ticket_id, r.qty, t.status, t.title FROM ticket_part r "
                        "JOIN ticket t ON t.id = r.ticket_id "
                        "WHERE r.part_id = $1 AND r.state = 'needed' ORDER BY r.id");
    needs.bind(1, part_id);
    while (needs.step()) {
        const std::int64_t qty = needs.int64(2);
        if (qty > available) {
            break;
        }
        available -= qty;
        served.needs.emplace_back(needs.int64(0), needs.int64(1));
        served.table.rows.push_back({needs.int64(1), qty, needs.text(3), needs.text(4)});
    }
    return served;
}

void release_needs(Database& db, const ServedNeeds& served, const Stamp& stamp) {
    for (const auto& [need_id, ticket_id] : served.needs) {
        Statement reserve(db, "UPDATE ticket_part SET state = 'reserved' WHERE id = $1");
        reserve.bind(1, need_id).run();
        Statement still(db, "SELECT count(*) FROM ticket_part WHERE ticket_id = $1 "
                            "AND state = 'needed'");
        still.bind(1, ticket_id);
        still.step();
        const Status status = require_ticket(db, ticket_id);
        // Waiting for nothing more: back to work as `ticket start` moves it.
        const auto started = transition(status, Verb::start);
        if (still.int64(0) == 0 && status == Status::waiting_parts && started) {
            const Json ticket_before = row_state(db, "ticket", "id", ticket_id);
            set_ticket_status(db, ticket_id, status, *started, stamp);
            append_audit(db, stamp, "release", "ticket", std::to_string(ticket_id), ticket_before,
                         row_state(db, "ticket", "id", ticket_id));
        }
    }
}

NeedOutcome need_part(Database& db, std::int64_t ticket_id, std::string_view sku, std::int64_t qty,
                      const Stamp& stamp) {
    require_quantity(qty);
    WriteTransaction tx(db);
    const Part part = require_part(db, sku);
    const Status status = require_ticket(db, ticket_id);
    if (!is_active_status(status)) {
        throw Error(ErrorKind::refused,
                    fmt::format("ticket {} is {}: reopen it before it needs parts", ticket_id,
                                to_string(status)));
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
    // An active ticket not yet waiting moves as `ticket wait --for parts` moves it.
    if (const auto waiting = transition(status, Verb::wait_parts); waiting && !in_stock) {
        set_ticket_status(db, ticket_id, status, *waiting, stamp);
    }
    Statement touch(db, "UPDATE ticket SET updated_at = $2 WHERE id = $1");
    touch.bind_all(ticket_id, stamp.now).run();
    append_audit(db, stamp, "need", "ticket", std::to_string(ticket_id), before,
                 row_state(db, "ticket", "id", ticket_id));
    tx.commit();
    return in_stock ? NeedOutcome::reserved : NeedOutcome::waiting;
}

} // namespace svcmgr
