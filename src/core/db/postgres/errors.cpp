#include "db/postgres/errors.hpp"

#include "db/postgres/libpq.hpp"

#include <fmt/format.h>

namespace svcmgr::pg {

namespace {

constexpr std::string_view k_retry =
    "another svcmgr is writing; try again, or raise --busy-timeout";
constexpr std::string_view k_lost = "the connection to the server was lost; try again";

// The SQLSTATE table (PostgreSQL's errcodes.txt): the first row that matches wins.
constexpr SqlstateRule k_sqlstate_rules[] = {
    {"55P03", ErrorKind::busy, k_retry, Wording::timed_out}, // lock_not_available: lock_timeout
    {"57014", ErrorKind::busy, k_retry, Wording::timed_out}, // query_canceled
    {"40001", ErrorKind::busy, k_retry, Wording::timed_out}, // serialization_failure
    {"40P01", ErrorKind::busy, k_retry, Wording::timed_out}, // deadlock_detected
    {"08", ErrorKind::busy, k_lost},                         // connection exception
    {"57", ErrorKind::busy, k_lost},                         // operator intervention: shutdown
    {"53100", ErrorKind::io, {}},                            // disk_full
    {"58", ErrorKind::io, {}},                               // system error: I/O
    {"42501", ErrorKind::permission, {}},                    // insufficient_privilege
    {"25006", ErrorKind::permission, {}},                    // read_only_sql_transaction
    {"28", ErrorKind::permission, {}},                       // invalid authorization
};

} // namespace

SqlstateRule sqlstate_rule(std::string_view sqlstate) {
    for (const SqlstateRule& rule : k_sqlstate_rules) {
        if (rule.sqlstate.size() == 2 ? sqlstate.substr(0, 2) == rule.sqlstate
                                      : sqlstate == rule.sqlstate) {
            return rule;
        }
    }
    return {};
}

Error sqlstate_error(std::string_view sqlstate, const std::string& name,
                     const std::string& message) {
    const SqlstateRule rule = sqlstate_rule(sqlstate);
    if (rule.wording == Wording::timed_out) {
        return Error(rule.kind, fmt::format("database {}: busy past the timeout", name),
                     std::string(rule.hint));
    }
    return Error(rule.kind, fmt::format("database {}: {}", name, message), std::string(rule.hint));
}

void throw_pg(const PGresult* result, PGconn* conn, const std::string& name) {
    const auto& pq = libpq();
    const char* state = result ? pq.PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = result ? pq.PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const std::string message = trimmed(primary ? primary : pq.PQerrorMessage(conn));
    throw sqlstate_error(state ? state : "08000", name, message);
}

Error connect_error(const std::string& message, const std::string& host, const std::string& port,
                    const std::string& name) {
    const bool auth = message.find("authentication failed") != std::string::npos ||
                      message.find("no password supplied") != std::string::npos ||
                      message.find("password authentication") != std::string::npos ||
                      message.find("no pg_hba.conf entry") != std::string::npos ||
                      message.find("role \"") != std::string::npos;
    if (auth) {
        return Error(ErrorKind::permission,
                     fmt::format("cannot log in to database {}: {}", name, message),
                     "check the role and ~/.pgpass (or the service file)");
    }
    if (message.find("database \"") != std::string::npos &&
        message.find("does not exist") != std::string::npos) {
        return Error(ErrorKind::no_input, fmt::format("cannot open database {}: {}", name, message),
                     "create it first (createdb NAME)");
    }
    return Error(ErrorKind::busy,
                 fmt::format("cannot reach the PostgreSQL server at {}{}{} for database {}: {}",
                             host.empty() ? "localhost" : host, port.empty() ? "" : ":", port, name,
                             message),
                 "the server may be down or unreachable; try again");
}

std::string trimmed(const char* message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

} // namespace svcmgr::pg
