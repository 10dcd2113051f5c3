#include "ticket/events.hpp"

#include "db/sql.hpp"

namespace svcmgr {

void set_ticket_status(Database& db, std::int64_t id, Status from, Status to, const Stamp& stamp) {
    Statement st(db, "UPDATE ticket SET status = $2, updated_at = $3 WHERE id = $1");
    st.bind_all(id, to_string(to), stamp.now).run();
    Statement event(db, "INSERT INTO ticket_event (ticket_id, at, actor, kind, field, old_value, "
                        "new_value) VALUES ($1, $2, $3, 'status', 'status', $4, $5)");
    event.bind_all(id, stamp.now, stamp.actor, to_string(from), to_string(to)).run();
}

} // namespace svcmgr
