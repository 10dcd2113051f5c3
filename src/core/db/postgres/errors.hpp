#pragma once

// How the server's failures become svcmgr errors: a failed statement by its SQLSTATE (one
// table), a failed connection by libpq's message.

#include <svcmgr/error.hpp>

#include <postgresql/libpq-fe.h>

#include <string>
#include <string_view>

namespace svcmgr::pg {

// What the message of a mapped Error says.
enum class Wording {
    server,    // "database NAME: " and the server's message
    timed_out, // "database NAME: busy past the timeout"
};

// One row of the SQLSTATE table.
struct SqlstateRule {
    std::string_view sqlstate; // a code of five characters, or a class of two
    ErrorKind kind = ErrorKind::refused;
    std::string_view hint; // empty: none
    Wording wording = Wording::server;
};

// The rule for `sqlstate`: the first row of the table that names it or its class; a state no
// row names is refused, without a hint.
SqlstateRule sqlstate_rule(std::string_view sqlstate);

// The Error for a statement of database `name` (redacted) that failed with `sqlstate` and the
// server's `message`, as sqlstate_rule says: busy 75, disk full 74, privileges and read-only 77,
// lost connection 75, others 1 (as throw_sqlite does for SQLite).
Error sqlstate_error(std::string_view sqlstate, const std::string& name,
                     const std::string& message);

// Throws the sqlstate_error of a failed `result` (null: the connection's error, as a lost
// connection, 08000).
[[noreturn]] void throw_pg(const PGresult* result, PGconn* conn, const std::string& name);

// The Error for a connection to database `name` (redacted) that failed with libpq's `message`
// (trimmed), at `host` and `port` (empty: not known): a refused login Error(permission), a
// database that does not exist Error(no_input), else an unreachable server Error(busy) naming
// the host.
Error connect_error(const std::string& message, const std::string& host, const std::string& port,
                    const std::string& name);

// `message` (may be null) without its trailing newlines and spaces.
std::string trimmed(const char* message);

} // namespace svcmgr::pg
