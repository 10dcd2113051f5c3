#pragma once

// The engine-neutral heart of `db copy` (copy.cpp): every row of every table from one open
// database into another, through the driver seam, so it serves SQLite and PostgreSQL alike.

#include <svcmgr/db.hpp>
#include <svcmgr/maintenance.hpp>

#include <string_view>
#include <vector>

namespace svcmgr {

// The tables svcmgr's schema holds data in, each with its key, parents before the tables whose
// foreign keys refer to them.
struct CopiedTable {
    std::string_view name;
    std::string_view key;
};
const std::vector<CopiedTable>& copied_tables();

// Copies every row of `source` (read in one snapshot) into `target` in one write transaction,
// ids and text kept byte for byte, the audit trail as it is (the copy adds no record of its own).
// Throws Error(refused) when `target` holds any row, and writes nothing on any error.
CopyResult copy_contents(Database& source, Database& target, const CopyOptions& options);

} // namespace svcmgr
