#pragma once

#include <svcmgr/audit.hpp>
#include <svcmgr/db.hpp>

#include <cstdint>
#include <functional>
#include <optional>
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

struct CopyOptions {
    OpenOptions open = {}; // for the target
    // Called every few thousand rows with the number of rows copied so far.
    std::function<void(std::int64_t rows)> progress = {};
};

struct CopyResult {
    std::int64_t rows = 0;           // rows copied, over every table
    std::optional<AuditHead> head{}; // the audit head, the same in source and target
};

// Copies the whole of `source` into the database `target` names (a SQLite path, a PostgreSQL
// URI or service=NAME, as --db takes them), opened and migrated as svcmgr opens any database:
// every row of every table with its id, the audit trail byte for byte, read in one snapshot of
// the source (which others may keep writing) and written in one transaction on the target.
// Refuses, before writing anything: what classify_database refuses (Error(usage)); the source
// itself (Error(usage)); a target that holds any row (Error(refused)). On any error nothing is
// written, and a SQLite file this call created is removed. An unreachable server is Error(busy).
CopyResult copy_database(Database& source, const std::string& target, const CopyOptions& options);

} // namespace svcmgr
