#pragma once

// Writes to a ticket's history that other domains share with the ticket module.

#include <svcmgr/db.hpp>
#include <svcmgr/ticket.hpp>

#include <cstdint>

namespace svcmgr {

// Moves ticket `id` from status `from` to `to`: its status and updated_at, and the status event
// of its history. The caller has checked the move against the lifecycle (transition), holds the
// write transaction and writes the audit row.
void set_ticket_status(Database& db, std::int64_t id, Status from, Status to, const Stamp& stamp);

} // namespace svcmgr
