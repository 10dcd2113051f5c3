#pragma once

// The SQLite driver: today's embedded engine behind driver.hpp's Connection. Only db.cpp,
// schema.cpp and maintenance.cpp need what is SQLite's own here.

#include "db/driver.hpp"

#include <svcmgr/db.hpp>

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

namespace svcmgr {

// Throws the svcmgr::Error that a SQLite result code maps to (busy 75, full/ioerr 74,
// readonly/perm 77, notadb/corrupt 66, other failures 1); the message starts with `doing`, which
// names the database ("database PATH").
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view doing);

// Opens the SQLite file at `path` and reads its schema once, so that a file that is not a
// database, or is corrupt, fails here with its name.
std::unique_ptr<Connection> open_sqlite(const std::string& path, bool read_only,
                                        const OpenOptions& options);
// A private in-memory database.
std::unique_ptr<Connection> open_sqlite_memory();

// The SQLite handle of a connection of this driver; nullptr for any other driver.
sqlite3* sqlite_handle(Connection& connection);

// Each command is a short process: skip the checkpoint when the connection closes (most of the
// cost of a one-row write) and checkpoint every 128 pages instead (a ticket add writes about 16),
// so the WAL that the next process reads stays small (RECIPES.md, "SQLite connection"). Only for a
// database svcmgr accepted: one it refuses is closed the ordinary way, which removes the -wal and
// -shm files it opened.
void skip_checkpoint_on_close(sqlite3* db);

} // namespace svcmgr
