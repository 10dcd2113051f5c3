#pragma once

// A connection to a PostgreSQL server: the transactions, the statements (prepared on their
// second use), the one COPY open at a time, and the statement that streams its rows.

#include "db/driver.hpp"
#include "db/postgres/errors.hpp"
#include "db/postgres/libpq.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace svcmgr::pg {

// The one writer lock (pg_advisory_xact_lock) every write transaction takes: "SVMG".
constexpr std::int64_t k_writer_lock = 0x53564d47;

class PgStatement;

class PgConnection final : public Connection {
public:
    // Takes `conn` (connected); `name` is the database's redacted name, for messages.
    PgConnection(PGconn* conn, std::string name) : m_conn(conn), m_name(std::move(name)) {}
    ~PgConnection() override;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    Dialect dialect() const override { return Dialect::postgres; }
    std::unique_ptr<DriverStatement> prepare(std::string_view sql) override;
    void exec(std::string_view sql) override;
    void begin_write() override;
    void commit() override;
    void rollback() noexcept override;
    std::int64_t last_insert_id() override;
    std::unique_ptr<BulkInsert> bulk_insert(std::string_view table,
                                            const std::vector<std::string>& columns,
                                            BulkInsert* before) override;

    // Sends `data`, rows in COPY's text format, to `copy` (a COPY ... FROM STDIN), which stays
    // open for more: the server works through the rows while the caller reads on. Any other
    // statement on the connection ends it first (settle), and so sees the rows.
    void copy_send(const std::string& copy, std::string_view data);

    // Ends the open COPY, if any: with `abort`, the server discards it.
    void end_copy(const char* abort = nullptr);

    // Runs `sql` with `values` as its text parameters; prepares it once it is used again.
    Result run(const std::string& sql, const std::vector<Oid>& types,
               const std::vector<std::optional<std::string>>& values);

    // Sends `sql` for `statement` to read row by row (single-row mode): until its last row is
    // read, the connection belongs to it.
    void send(PgStatement& statement, const std::string& sql, const std::vector<Oid>& types,
              const std::vector<std::optional<std::string>>& values);

    // The next result of the statement being streamed: null once it has ended.
    PGresult* next_result() { return libpq().PQgetResult(m_conn); }

    // The streaming statement has read its last result.
    void ended(const PgStatement& statement) {
        if (m_streaming == &statement) {
            m_streaming = nullptr;
        }
    }

    // Frees the connection for another statement: an open COPY ends, the streaming statement
    // buffers its rest.
    void settle();

    [[noreturn]] void fail(const PGresult* result) { throw_pg(result, m_conn, m_name); }

private:
    struct Prepared {
        int uses = 0;
        std::string name;
    };

    static std::vector<const char*> pointers(const std::vector<std::optional<std::string>>& values);

    // The name `sql` is prepared under, from its second use on; null on its first (it then runs
    // unprepared: most statements run once).
    const std::string* prepared(const std::string& sql, const std::vector<Oid>& types);

    PgStatement* m_streaming = nullptr;
    std::string m_copying; // the COPY open, if any
    PGconn* m_conn;
    std::string m_name;
    std::unordered_map<std::string, Prepared> m_prepared;
    int m_statements = 0;

    Result check(PGresult* raw);
};

} // namespace svcmgr::pg
