#pragma once

#include <svcmgr/db.hpp>

#include <string>
#include <vector>

namespace svcmgr {

// PRAGMA integrity_check, every table, index and trigger of svcmgr's schema present (the audit's
// triggers included), foreign_key_check, on_hand equal to the ledger, then svcmgr's own
// invariants: every status with the timestamps it implies, ratings only on closed tickets, times
// in order. One line per problem; empty when the database is sound.
std::vector<std::string> check_database(Database& db);

// A consistent online copy of the database at `path` (which must not exist), mode 0600, checked
// after writing (integrity and audit head). Safe while other processes write.
void backup_database(Database& db, const std::string& path);

} // namespace svcmgr
