#pragma once

#include <svcmgr/db.hpp>

#include "db/driver.hpp"

#include <cstddef>
#include <string>

namespace svcmgr {

// The schema version this binary writes: the number of migrations.
int current_schema_version();

// The DDL of migration `index` (0-based) in `dialect`'s SQL: one definition of every table for
// both engines, with the pieces they spell differently (integer types, triggers, functions).
std::string migration_sql(Dialect dialect, std::size_t index);

// Refuses (Error(config)) a database at schema `version` when this binary knows only up to
// `latest`: an older svcmgr must not write to a newer schema.
void refuse_newer_schema(Database& db, int version, int latest);

// Brings a freshly opened connection to the current schema, one transaction per migration.
// Refuses (Error(config)) a database whose PRAGMA user_version is newer than this binary, and
// (Error(no_input)) another program's SQLite file; a new database gets svcmgr's application_id.
void migrate(Database& db);

// migrate for a PostgreSQL connection: the same schema in its dialect, the version kept in table
// svcmgr_schema, each migration under the writer lock.
void migrate_postgres(Database& db);

} // namespace svcmgr
