#include "pg_driver.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>
#include <postgresql/libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <dlfcn.h>
#include <optional>
#include <unordered_map>
#include <vector>

namespace svcmgr {

namespace {

// The libpq functions svcmgr calls, resolved once from libpq.so.5.
struct Libpq {
#define SVCMGR_PQ(name) decltype(&::name) name = nullptr
    SVCMGR_PQ(PQconnectdbParams);
    SVCMGR_PQ(PQstatus);
    SVCMGR_PQ(PQerrorMessage);
    SVCMGR_PQ(PQfinish);
    SVCMGR_PQ(PQhost);
    SVCMGR_PQ(PQport);
    SVCMGR_PQ(PQconnectionUsedPassword);
    SVCMGR_PQ(PQsetNoticeProcessor);
    SVCMGR_PQ(PQparameterStatus);
    SVCMGR_PQ(PQexec);
    SVCMGR_PQ(PQexecParams);
    SVCMGR_PQ(PQprepare);
    SVCMGR_PQ(PQexecPrepared);
    SVCMGR_PQ(PQresultStatus);
    SVCMGR_PQ(PQresultErrorField);
    SVCMGR_PQ(PQclear);
    SVCMGR_PQ(PQntuples);
    SVCMGR_PQ(PQnfields);
    SVCMGR_PQ(PQfname);
    SVCMGR_PQ(PQftype);
    SVCMGR_PQ(PQgetvalue);
    SVCMGR_PQ(PQgetlength);
    SVCMGR_PQ(PQgetisnull);
    SVCMGR_PQ(PQcmdTuples);
    SVCMGR_PQ(PQcmdStatus);
    SVCMGR_PQ(PQputCopyData);
    SVCMGR_PQ(PQputCopyEnd);
    SVCMGR_PQ(PQgetResult);
#undef SVCMGR_PQ
};

const Libpq& libpq() {
    static const Libpq loaded = [] {
        void* lib = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
        if (lib == nullptr) {
            throw Error(ErrorKind::config,
                        fmt::format("cannot load the PostgreSQL client library: {}", ::dlerror()),
                        "install libpq5 (apt-get install libpq5)");
        }
        Libpq pq;
        bool complete = true;
        const auto load = [&](auto& fn, const char* name) {
            fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
            complete = complete && fn != nullptr;
        };
#define SVCMGR_LOAD(name) load(pq.name, #name)
        SVCMGR_LOAD(PQconnectdbParams);
        SVCMGR_LOAD(PQstatus);
        SVCMGR_LOAD(PQerrorMessage);
        SVCMGR_LOAD(PQfinish);
        SVCMGR_LOAD(PQhost);
        SVCMGR_LOAD(PQport);
        SVCMGR_LOAD(PQconnectionUsedPassword);
        SVCMGR_LOAD(PQsetNoticeProcessor);
        SVCMGR_LOAD(PQparameterStatus);
        SVCMGR_LOAD(PQexec);
        SVCMGR_LOAD(PQexecParams);
        SVCMGR_LOAD(PQprepare);
        SVCMGR_LOAD(PQexecPrepared);
        SVCMGR_LOAD(PQresultStatus);
        SVCMGR_LOAD(PQresultErrorField);
        SVCMGR_LOAD(PQclear);
        SVCMGR_LOAD(PQntuples);
        SVCMGR_LOAD(PQnfields);
        SVCMGR_LOAD(PQfname);
        SVCMGR_LOAD(PQftype);
        SVCMGR_LOAD(PQgetvalue);
        SVCMGR_LOAD(PQgetlength);
        SVCMGR_LOAD(PQgetisnull);
        SVCMGR_LOAD(PQcmdTuples);
        SVCMGR_LOAD(PQcmdStatus);
        SVCMGR_LOAD(PQputCopyData);
        SVCMGR_LOAD(PQputCopyEnd);
        SVCMGR_LOAD(PQgetResult);
#undef SVCMGR_LOAD
        if (!complete) {
            throw Error(ErrorKind::config, "the PostgreSQL client library libpq.so.5 is too old",
                        "install a current libpq5");
        }
        return pq;
    }();
    return loaded;
}

// The one writer lock (pg_advisory_xact_lock) every write transaction takes: "SVMG".
constexpr std::int64_t k_writer_lock = 0x53564d47;

// Type OIDs (pg_type.dat) that svcmgr reads as integers.
constexpr Oid k_bool = 16;
constexpr Oid k_int8 = 20;
constexpr Oid k_int2 = 21;
constexpr Oid k_int4 = 23;
constexpr Oid k_text = 25;
constexpr Oid k_numeric = 1700;

struct ResultDeleter {
    void operator()(PGresult* r) const { libpq().PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Throws the svcmgr::Error that a failed result's SQLSTATE maps to, as throw_sqlite does for
// SQLite: busy 75, disk full 74, privileges and read-only 77, lost connection 75, others 1.
[[noreturn]] void throw_pg(const PGresult* result, PGconn* conn, const std::string& name) {
    const auto& pq = libpq();
    const char* state = result ? pq.PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = result ? pq.PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = primary ? primary : pq.PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.pop_back();
    }
    const std::string_view code = state ? state : "08000";
    const std::string what = fmt::format("database {}: {}", name, message);
    if (code == "55P03" || code == "57014" || code == "40001" || code == "40P01") {
        throw Error(ErrorKind::busy, fmt::format("database {}: busy past the timeout", name),
                    "another svcmgr is writing; try again, or raise --busy-timeout");
    }
    if (code.substr(0, 2) == "08" || code.substr(0, 2) == "57") {
        throw Error(ErrorKind::busy, what, "the connection to the server was lost; try again");
    }
    if (code == "53100" || code.substr(0, 2) == "58") {
        throw Error(ErrorKind::io, what);
    }
    if (code == "42501" || code == "25006" || code.substr(0, 2) == "28") {
        throw Error(ErrorKind::permission, what);
    }
    throw Error(ErrorKind::refused, what);
}

// The $N placeholders of `sql` outside quotes: their highest N and which N occur.
std::vector<bool> placeholders(std::string_view sql) {
    std::vector<bool> used(1, false);
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            continue;
        }
        if (c != '$' || i + 1 >= sql.size() || sql[i + 1] < '0' || sql[i + 1] > '9') {
            continue;
        }
        std::size_t n = 0;
        const auto* end = sql.data() + sql.size();
        const auto [next, ec] = std::from_chars(sql.data() + i + 1, end, n);
        if (ec == std::errc{} && n > 0 && n <= 65535) {
            used.resize(std::max(used.size(), n + 1), false);
            used[n] = true;
        }
        i = static_cast<std::size_t>(next - sql.data()) - 1;
    }
    return used;
}

class PgConnection;

class PgStatement final : public DriverStatement {
public:
    PgStatement(PgConnection& connection, std::string_view sql);

    void bind_null(int n) override {
        if (in_range(n)) {
            m_values[index(n)].reset();
        }
    }
    void bind_int64(int n, std::int64_t value) override {
        if (in_range(n)) {
            char buffer[24];
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
            m_values[index(n)] = std::string(buffer, end);
        }
    }
    void bind_text(int n, std::string_view value) override {
        if (in_range(n)) {
            m_values[index(n)] = std::string(value);
        }
    }
    bool step() override {
        if (!m_result) {
            execute();
            m_row = -1;
        }
        return ++m_row < libpq().PQntuples(m_result.get());
    }
    int run() override {
        if (!m_result) {
            execute();
        }
        const char* changed = libpq().PQcmdTuples(m_result.get());
        int n = 0;
        std::from_chars(changed, changed + std::strlen(changed), n);
        return n;
    }
    void reset() override {
        m_result.reset();
        for (auto& v : m_values) {
            v.reset();
        }
    }
    ColumnKind kind(int col) const override {
        const auto& pq = libpq();
        if (pq.PQgetisnull(m_result.get(), m_row, col) != 0) {
            return ColumnKind::null;
        }
        switch (pq.PQftype(m_result.get(), col)) {
        case k_bool:
        case k_int2:
        case k_int4:
        case k_int8:
            return ColumnKind::integer;
        case k_numeric: {
            // An integer sum is NUMERIC in PostgreSQL and an integer in SQLite.
            const std::string_view v = raw(col);
            return v.find('.') == std::string_view::npos ? ColumnKind::integer : ColumnKind::text;
        }
        default:
            return ColumnKind::text;
        }
    }
    std::int64_t int64(int col) const override {
        const std::string_view v = raw(col);
        if (v == "t") {
            return 1;
        }
        std::int64_t n = 0;
        std::from_chars(v.data(), v.data() + v.size(), n);
        return n;
    }
    std::string_view text(int col) const override {
        if (libpq().PQftype(m_result.get(), col) == k_bool) {
            return raw(col) == "t" ? "1" : "0";
        }
        return raw(col);
    }
    int column_count() const override {
        if (!m_result) {
            // Before the first step: a statement that returns columns has to run to know them.
            const_cast<PgStatement*>(this)->execute();
            const_cast<PgStatement*>(this)->m_row = -1;
        }
        return libpq().PQnfields(m_result.get());
    }
    std::string column_name(int col) const override { return libpq().PQfname(m_result.get(), col); }

private:
    PgConnection& m_connection;
    std::string m_sql;
    std::vector<Oid> m_types; // of $1..$N: unknown (0) lets the server infer it from the text
    std::vector<std::optional<std::string>> m_values;
    Result m_result;
    int m_row = -1;

    bool in_range(int n) const { return n > 0 && static_cast<std::size_t>(n) <= m_values.size(); }
    static std::size_t index(int n) { return static_cast<std::size_t>(n - 1); }
    std::string_view raw(int col) const {
        const auto& pq = libpq();
        return {pq.PQgetvalue(m_result.get(), m_row, col),
                static_cast<std::size_t>(pq.PQgetlength(m_result.get(), m_row, col))};
    }
    void execute();
};

class PgConnection final : public Connection {
public:
    PgConnection(PGconn* conn, std::string name) : m_conn(conn), m_name(std::move(name)) {}
    ~PgConnection() override { libpq().PQfinish(m_conn); }
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    Dialect dialect() const override { return Dialect::postgres; }
    std::unique_ptr<DriverStatement> prepare(std::string_view sql) override {
        return std::make_unique<PgStatement>(*this, sql);
    }
    void exec(std::string_view sql) override {
        check(libpq().PQexec(m_conn, std::string(sql).c_str()));
    }
    void begin_write() override {
        exec(fmt::format("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({})",
                         k_writer_lock));
    }
    void commit() override {
        const Result r = check(libpq().PQexec(m_conn, "COMMIT"));
        // A transaction that failed earlier answers COMMIT with ROLLBACK: nothing was written.
        if (std::string_view(libpq().PQcmdStatus(r.get())) == "ROLLBACK") {
            throw Error(ErrorKind::refused,
                        fmt::format("database {}: the server rolled the transaction back", m_name));
        }
    }
    void rollback() noexcept override {
        PGresult* r = libpq().PQexec(m_conn, "ROLLBACK");
        libpq().PQclear(r);
    }
    std::int64_t last_insert_id() override {
        const Result r = check(libpq().PQexec(m_conn, "SELECT current_setting('svcmgr.last_id')"));
        std::int64_t id = 0;
        if (libpq().PQntuples(r.get()) == 1) {
            const char* v = libpq().PQgetvalue(r.get(), 0, 0);
            std::from_chars(v, v + std::strlen(v), id);
        }
        return id;
    }
    std::unique_ptr<BulkInsert> bulk_insert(std::string_view table,
                                            const std::vector<std::string>& columns,
                                            BulkInsert* before) override;

    // Runs `copy` (a COPY ... FROM STDIN) with `data` in COPY's text format, to its end.
    void copy_in(const std::string& copy, std::string_view data) {
        const auto& pq = libpq();
        const Result started(pq.PQexec(m_conn, copy.c_str()));
        if (!started || pq.PQresultStatus(started.get()) != PGRES_COPY_IN) {
            throw_pg(started.get(), m_conn, m_name);
        }
        const bool sent = pq.PQputCopyData(m_conn, data.data(), static_cast<int>(data.size())) == 1;
        // Ended either way, so that the connection leaves the COPY state.
        const bool ended = pq.PQputCopyEnd(m_conn, sent ? nullptr : "svcmgr: send failed") == 1;
        std::optional<Result> failed;
        while (PGresult* raw = pq.PQgetResult(m_conn)) {
            Result r(raw);
            if (pq.PQresultStatus(raw) != PGRES_COMMAND_OK && !failed) {
                failed = std::move(r);
            }
        }
        if (failed || !sent || !ended) {
            throw_pg(failed ? failed->get() : nullptr, m_conn, m_name);
        }
    }

    // Runs `sql` with `values` as its text parameters; prepares it once it is used again.
    Result run(const std::string& sql, const std::vector<Oid>& types,
               const std::vector<std::optional<std::string>>& values) {
        const auto& pq = libpq();
        std::vector<const char*> params(values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            params[i] = values[i] ? values[i]->c_str() : nullptr;
        }
        const int n = static_cast<int>(values.size());
        auto& cached = m_prepared[sql];
        if (cached.uses++ == 0) {
            return check(pq.PQexecParams(m_conn, sql.c_str(), n, types.data(), params.data(),
                                         nullptr, nullptr, 0));
        }
        if (cached.name.empty()) {
            std::string name = fmt::format("svcmgr_{}", ++m_statements);
            check(pq.PQprepare(m_conn, name.c_str(), sql.c_str(), n, types.data()));
            cached.name = std::move(name);
        }
        return check(
            pq.PQexecPrepared(m_conn, cached.name.c_str(), n, params.data(), nullptr, nullptr, 0));
    }

private:
    struct Prepared {
        int uses = 0;
        std::string name;
    };
    PGconn* m_conn;
    std::string m_name;
    std::unordered_map<std::string, Prepared> m_prepared;
    int m_statements = 0;

    Result check(PGresult* raw) {
        Result r(raw);
        const ExecStatusType status = raw ? libpq().PQresultStatus(raw) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
            status != PGRES_EMPTY_QUERY) {
            throw_pg(raw, m_conn, m_name);
        }
        return r;
    }
};

// The dialect pieces of svcmgr's statements that PostgreSQL spells differently: SQLite's
// `a CROSS JOIN b ON ...` (which fixes SQLite's join order) is `a JOIN b ON ...` here.
std::string to_postgres(std::string_view sql) {
    std::string out(sql);
    constexpr std::string_view k_cross = "CROSS JOIN ";
    for (auto at = out.find(k_cross); at != std::string::npos; at = out.find(k_cross, at)) {
        out.erase(at, 6);
    }
    return out;
}

PgStatement::PgStatement(PgConnection& connection, std::string_view sql)
    : m_connection(connection), m_sql(to_postgres(sql)) {
    const auto used = placeholders(sql);
    m_types.resize(used.size() - 1, 0);
    for (std::size_t n = 1; n < used.size(); ++n) {
        // A gap in the numbering gets a type, or the server could not infer one.
        m_types[n - 1] = used[n] ? 0 : k_text;
    }
    m_values.resize(m_types.size());
}

void PgStatement::execute() {
    m_result = m_connection.run(m_sql, m_types, m_values);
}

// Rows in COPY's text format (cells separated by tabs, \\N for NULL, backslash escapes for
// backslash, tab, newline and carriage return), held until k_copy_block bytes and then sent as
// one COPY: the connection takes no other statement while a COPY is open.
class PgBulkInsert final : public BulkInsert {
public:
    static constexpr std::size_t k_copy_block = 1024 * 1024;

    PgBulkInsert(PgConnection& connection, std::string_view table,
                 const std::vector<std::string>& columns, BulkInsert* before)
        : m_connection(connection), m_before(before), m_width(columns.size()),
          m_copy(fmt::format("COPY {} ({}) FROM STDIN", table, fmt::join(columns, ", "))) {}

    void add_null() override {
        begin_cell();
        m_buffer += "\\N";
        end_cell();
    }
    void add_int64(std::int64_t value) override {
        begin_cell();
        char digits[24];
        const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
        m_buffer.append(digits, end);
        end_cell();
    }
    void add_text(std::string_view value) override {
        begin_cell();
        std::size_t from = 0;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const char c = value[i];
            const char escaped = c == '\\'   ? '\\'
                                 : c == '\t' ? 't'
                                 : c == '\n' ? 'n'
                                 : c == '\r' ? 'r'
                                             : 0;
            if (escaped != 0) {
                m_buffer.append(value.substr(from, i - from));
                m_buffer += '\\';
                m_buffer += escaped;
                from = i + 1;
            }
        }
        m_buffer.append(value.substr(from));
        end_cell();
    }
    std::size_t buffered_rows() const override { return m_rows; }
    void flush() override {
        if (m_rows == 0) {
            return;
        }
        if (m_before != nullptr) {
            m_before->flush();
        }
        m_rows = 0;
        std::string data;
        data.swap(m_buffer);
        m_connection.copy_in(m_copy, data);
        data.clear();
        m_buffer.swap(data); // keeps the block's storage
    }

private:
    void begin_cell() {
        if (m_column > 0) {
            m_buffer += '\t';
        }
    }
    void end_cell() {
        if (++m_column < m_width) {
            return;
        }
        m_column = 0;
        m_buffer += '\n';
        ++m_rows;
        if (m_buffer.size() >= k_copy_block) {
            flush();
        }
    }

    PgConnection& m_connection;
    BulkInsert* m_before;
    std::size_t m_width;
    std::string m_copy;
    std::string m_buffer;
    std::size_t m_column = 0;
    std::size_t m_rows = 0;
};

std::unique_ptr<BulkInsert> PgConnection::bulk_insert(std::string_view table,
                                                      const std::vector<std::string>& columns,
                                                      BulkInsert* before) {
    return std::make_unique<PgBulkInsert>(*this, table, columns, before);
}

void ignore_notice(void*, const char*) {}

std::string trimmed(const char* message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

} // namespace

std::unique_ptr<Connection> open_postgres(const std::string& conninfo, const std::string& name,
                                          const OpenOptions& options) {
    const auto& pq = libpq();
    // The connection string's own settings win over connect_timeout; client_encoding is ours.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                          nullptr};
    const char* values[] = {"10", "svcmgr", conninfo.c_str(), "UTF8", nullptr};
    PGconn* conn = pq.PQconnectdbParams(keys, values, 1);
    if (conn == nullptr) {
        throw Error(ErrorKind::io,
                    fmt::format("cannot connect to database {}: out of memory", name));
    }
    if (pq.PQstatus(conn) != CONNECTION_OK) {
        const std::string message = trimmed(pq.PQerrorMessage(conn));
        const std::string host = pq.PQhost(conn) ? pq.PQhost(conn) : "";
        const std::string port = pq.PQport(conn) ? pq.PQport(conn) : "";
        pq.PQfinish(conn);
        const bool auth = message.find("authentication failed") != std::string::npos ||
                          message.find("no password supplied") != std::string::npos ||
                          message.find("password authentication") != std::string::npos ||
                          message.find("no pg_hba.conf entry") != std::string::npos ||
                          message.find("role \"") != std::string::npos;
        if (auth) {
            throw Error(ErrorKind::permission,
                        fmt::format("cannot log in to database {}: {}", name, message),
                        "check the role and ~/.pgpass (or the service file)");
        }
        if (message.find("database \"") != std::string::npos &&
            message.find("does not exist") != std::string::npos) {
            throw Error(ErrorKind::no_input,
                        fmt::format("cannot open database {}: {}", name, message),
                        "create it first (createdb NAME)");
        }
        throw Error(ErrorKind::busy,
                    fmt::format("cannot reach the PostgreSQL server at {}{}{} for database {}: {}",
                                host.empty() ? "localhost" : host, port.empty() ? "" : ":", port,
                                name, message),
                    "the server may be down or unreachable; try again");
    }
    pq.PQsetNoticeProcessor(conn, ignore_notice, nullptr);
    auto connection = std::make_unique<PgConnection>(conn, name);
    const char* encoding = pq.PQparameterStatus(conn, "server_encoding");
    if (encoding == nullptr || std::string_view(encoding) != "UTF8") {
        throw Error(ErrorKind::config,
                    fmt::format("database {} is encoded in {}, not UTF8", name,
                                encoding ? encoding : "an unknown encoding"),
                    "create it with createdb -E UTF8 -T template0");
    }
    const auto timeout = std::max<std::chrono::milliseconds::rep>(options.busy_timeout.count(), 1);
    connection->exec(
        fmt::format("SET lock_timeout = {}; SET client_min_messages = warning", timeout));
    return connection;
}

} // namespace svcmgr
