#pragma once

// The PostgreSQL driver behind driver.hpp's Connection. libpq is loaded with dlopen when the
// first PostgreSQL connection is opened, so a run on SQLite never loads it.

#include "db/driver.hpp"

#include <svcmgr/db.hpp>

#include <memory>
#include <string>

namespace svcmgr {

// Connects to `conninfo` (a postgresql:// URI or a libpq key=value string such as
// service=NAME); `name` is its redacted form, for messages. An unreachable server is
// Error(busy) naming the host, a refused login Error(permission), a missing libpq Error(config).
std::unique_ptr<Connection> open_postgres(const std::string& conninfo, const std::string& name,
                                          const OpenOptions& options);

} // namespace svcmgr
