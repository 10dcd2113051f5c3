#include "db/postgres/driver.hpp"

#include "db/postgres/connection.hpp"
#include "db/postgres/errors.hpp"
#include "db/postgres/libpq.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace svcmgr {

namespace {

void ignore_notice(void*, const char*) {}

} // namespace

std::unique_ptr<Connection> open_postgres(const std::string& conninfo, const std::string& name,
                                          const OpenOptions& options) {
    const auto& pq = pg::libpq();
    // The connection string's own settings win over connect_timeout; client_encoding is ours.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                          nullptr};
    const std::string timeout =
        std::to_string(std::max<std::int64_t>(options.connect_timeout.count(), 1));
    const char* values[] = {timeout.c_str(), "svcmgr", conninfo.c_str(), "UTF8", nullptr};
    PGconn* conn = pq.PQconnectdbParams(keys, values, 1);
    if (conn == nullptr) {
        throw Error(ErrorKind::io,
                    fmt::format("cannot connect to database {}: out of memory", name));
    }
    if (pq.PQstatus(conn) != CONNECTION_OK) {
        const std::string message = pg::trimmed(pq.PQerrorMessage(conn));
        const std::string host = pq.PQhost(conn) ? pq.PQhost(conn) : "";
        const std::string port = pq.PQport(conn) ? pq.PQport(conn) : "";
        pq.PQfinish(conn);
        throw pg::connect_error(message, host, port, name);
    }
    pq.PQsetNoticeProcessor(conn, ignore_notice, nullptr);
    auto connection = std::make_unique<pg::PgConnection>(conn, name);
    const char* encoding = pq.PQparameterStatus(conn, "server_encoding");
    if (encoding == nullptr || std::string_view(encoding) != "UTF8") {
        throw Error(ErrorKind::config,
                    fmt::format("database {} is encoded in {}, not UTF8", name,
                                encoding ? encoding : "an unknown encoding"),
                    "create it with createdb -E UTF8 -T template0");
    }
    const auto lock_timeout =
        std::max<std::chrono::milliseconds::rep>(options.busy_timeout.count(), 1);
    connection->exec(
        fmt::format("SET lock_timeout = {}; SET client_min_messages = warning", lock_timeout));
    return connection;
}

} // namespace svcmgr
