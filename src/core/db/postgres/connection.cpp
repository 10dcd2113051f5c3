#include "db/postgres/connection.hpp"

#include "db/postgres/statement.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cstring>

namespace svcmgr::pg {

PgConnection::~PgConnection() {
    libpq().PQfinish(m_conn);
}

std::unique_ptr<DriverStatement> PgConnection::prepare(std::string_view sql) {
    return std::make_unique<PgStatement>(*this, sql);
}

void PgConnection::exec(std::string_view sql) {
    settle();
    check(libpq().PQexec(m_conn, std::string(sql).c_str()));
}

void PgConnection::begin_write() {
    exec(fmt::format("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({})",
                     k_writer_lock));
}

void PgConnection::commit() {
    settle();
    const Result r = check(libpq().PQexec(m_conn, "COMMIT"));
    // A transaction that failed earlier answers COMMIT with ROLLBACK: nothing was written.
    if (std::string_view(libpq().PQcmdStatus(r.get())) == "ROLLBACK") {
        throw Error(ErrorKind::refused,
                    fmt::format("database {}: the server rolled the transaction back", m_name));
    }
}

void PgConnection::rollback() noexcept {
    try {
        end_copy("svcmgr: rolled back");
        settle();
    } catch (...) { // NOLINT(bugprone-empty-catch): the rollback goes ahead regardless
    }
    PGresult* r = libpq().PQexec(m_conn, "ROLLBACK");
    libpq().PQclear(r);
}

std::int64_t PgConnection::last_insert_id() {
    settle();
    const Result r = check(libpq().PQexec(m_conn, "SELECT current_setting('svcmgr.last_id')"));
    std::int64_t id = 0;
    if (libpq().PQntuples(r.get()) == 1) {
        const char* v = libpq().PQgetvalue(r.get(), 0, 0);
        std::from_chars(v, v + std::strlen(v), id);
    }
    return id;
}

void PgConnection::copy_send(const std::string& copy, std::string_view data) {
    const auto& pq = libpq();
    if (m_copying != copy) {
        settle();
        const Result started(pq.PQexec(m_conn, copy.c_str()));
        if (!started || pq.PQresultStatus(started.get()) != PGRES_COPY_IN) {
            throw_pg(started.get(), m_conn, m_name);
        }
        m_copying = copy;
    }
    if (pq.PQputCopyData(m_conn, data.data(), static_cast<int>(data.size())) != 1) {
        end_copy("svcmgr: send failed");
        throw_pg(nullptr, m_conn, m_name);
    }
}

void PgConnection::end_copy(const char* abort) {
    if (m_copying.empty()) {
        return;
    }
    m_copying.clear();
    const auto& pq = libpq();
    const bool ended = pq.PQputCopyEnd(m_conn, abort) == 1;
    std::optional<Result> failed;
    while (PGresult* raw = pq.PQgetResult(m_conn)) {
        Result r(raw);
        if (pq.PQresultStatus(raw) != PGRES_COMMAND_OK && !failed) {
            failed = std::move(r);
        }
    }
    if (abort == nullptr && (failed || !ended)) {
        throw_pg(failed ? failed->get() : nullptr, m_conn, m_name);
    }
}

Result PgConnection::run(const std::string& sql, const std::vector<Oid>& types,
                         const std::vector<std::optional<std::string>>& values) {
    settle();
    const auto& pq = libpq();
    const auto params = pointers(values);
    const int n = static_cast<int>(params.size());
    if (const std::string* name = prepared(sql, types)) {
        return check(
            pq.PQexecPrepared(m_conn, name->c_str(), n, params.data(), nullptr, nullptr, 0));
    }
    return check(
        pq.PQexecParams(m_conn, sql.c_str(), n, types.data(), params.data(), nullptr, nullptr, 0));
}

void PgConnection::send(PgStatement& statement, const std::string& sql,
                        const std::vector<Oid>& types,
                        const std::vector<std::optional<std::string>>& values) {
    settle();
    const auto& pq = libpq();
    const auto params = pointers(values);
    const int n = static_cast<int>(params.size());
    const std::string* name = prepared(sql, types);
    const int sent = name != nullptr ? pq.PQsendQueryPrepared(m_conn, name->c_str(), n,
                                                              params.data(), nullptr, nullptr, 0)
                                     : pq.PQsendQueryParams(m_conn, sql.c_str(), n, types.data(),
                                                            params.data(), nullptr, nullptr, 0);
    if (sent == 0) {
        throw_pg(nullptr, m_conn, m_name);
    }
    pq.PQsetSingleRowMode(m_conn); // refused only if nothing was sent; then rows come whole
    m_streaming = &statement;
}

void PgConnection::settle() {
    end_copy();
    if (m_streaming != nullptr) {
        PgStatement* streaming = m_streaming;
        m_streaming = nullptr;
        streaming->buffer_rest();
    }
}

std::vector<const char*>
PgConnection::pointers(const std::vector<std::optional<std::string>>& values) {
    std::vector<const char*> params(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        params[i] = values[i] ? values[i]->c_str() : nullptr;
    }
    return params;
}

const std::string* PgConnection::prepared(const std::string& sql, const std::vector<Oid>& types) {
    auto& cached = m_prepared[sql];
    if (cached.uses++ == 0) {
        return nullptr;
    }
    if (cached.name.empty()) {
        std::string name = fmt::format("svcmgr_{}", ++m_statements);
        check(libpq().PQprepare(m_conn, name.c_str(), sql.c_str(), static_cast<int>(types.size()),
                                types.data()));
        cached.name = std::move(name);
    }
    return &cached.name;
}

Result PgConnection::check(PGresult* raw) {
    Result r(raw);
    const ExecStatusType status = raw ? libpq().PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
        throw_pg(raw, m_conn, m_name);
    }
    return r;
}

} // namespace svcmgr::pg
