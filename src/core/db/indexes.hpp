#pragma once

// Dropping a table's secondary indexes for a bulk write and restoring them after it, so that
// each index is built once from sorted keys instead of being updated row by row.

#include <svcmgr/db.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// Drops the secondary indexes of `table` inside the current transaction (a rollback keeps them);
// the automatic indexes of its primary key and UNIQUE columns stay. On PostgreSQL its foreign
// keys are dropped too, and its id trigger is disabled (the caller gives every new row its id).
// Appends the statements that restore them to `restore`; returns whether foreign keys were among
// what it dropped.
bool drop_indexes(Database& db, std::string_view table, std::vector<std::string>& restore);

// Runs the statements drop_indexes appended to `restore`, in order, and empties it.
void restore_indexes(Database& db, std::vector<std::string>& restore);

} // namespace svcmgr
