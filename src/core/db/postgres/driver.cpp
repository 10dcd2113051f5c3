#include "db/postgres/driver.hpp"

#include "util/spill_file.hpp"

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
    SVCMGR_PQ(PQsendQueryParams);
    SVCMGR_PQ(PQsendQueryPrepared);
    SVCMGR_PQ(PQsetSingleRowMode);
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
        SVCMGR_LOAD(PQsendQueryParams);
        SVCMGR_LOAD(PQsendQueryPrepared);
        SVCMGR_LOAD(PQsetSingleRowMode);
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

// A statement's rows are read as they arrive (libpq's single-row mode), so a big SELECT runs in
// constant memory. The protocol carries one result at a time: when another statement needs the
// connection while rows are still coming, the rest of them are first read into the streaming
// statement's own compact buffer (PgConnection::settle), so nested statements stay correct and
// only then cost memory.
class PgStatement final : public DriverStatement {
public:
    PgStatement(PgConnection& connection, std::string_view sql);
    ~PgStatement() override;
    PgStatement(const PgStatement&) = delete;
    PgStatement& operator=(const PgStatement&) = delete;

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
        if (!m_started) {
            start();
        }
        if (m_peeked) {
            m_peeked = false;
            return m_has_row;
        }
        m_has_row = advance();
        return m_has_row;
    }
    int run() override {
        if (!m_started) {
            execute();
        } else {
            discard_rest();
        }
        if (!m_result) {
            return 0;
        }
        const char* changed = libpq().PQcmdTuples(m_result.get());
        int n = 0;
        std::from_chars(changed, changed + std::strlen(changed), n);
        return n;
    }
    void reset() override {
        discard_rest();
        m_result.reset();
        clear_buffer();
        m_started = false;
        m_peeked = false;
        m_has_row = false;
        for (auto& v : m_values) {
            v.reset();
        }
    }
    ColumnKind kind(int col) const override {
        if (is_null(col)) {
            return ColumnKind::null;
        }
        switch (m_types_out[static_cast<std::size_t>(col)]) {
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
        if (m_types_out[static_cast<std::size_t>(col)] == k_bool) {
            return raw(col) == "t" ? "1" : "0";
        }
        return raw(col);
    }
    int column_count() const override {
        if (!m_started) {
            // Before the first step: a statement that returns columns has to run to know them.
            auto* self = const_cast<PgStatement*>(this);
            self->start();
            self->m_has_row = self->advance();
            self->m_peeked = true;
        }
        return static_cast<int>(m_types_out.size());
    }
    std::string column_name(int col) const override {
        return m_names[static_cast<std::size_t>(col)];
    }

    // Reads the rows still to come into the buffer (the connection is needed for another
    // statement). The current row stays readable.
    void buffer_rest();

private:
    // A cell of a buffered row: its bytes in m_buffer_text, or NULL.
    struct Cell {
        std::size_t offset = 0;
        std::size_t size = 0;
        bool null = false;
    };

    PgConnection& m_connection;
    std::string m_sql;
    std::vector<Oid> m_types; // of $1..$N: unknown (0) lets the server infer it from the text
    std::vector<std::optional<std::string>> m_values;
    // The current row: row m_row of m_result, or (m_buffer_row >= 0) a row of the buffer.
    Result m_result;
    int m_row = -1;
    std::vector<Oid> m_types_out; // of the result's columns
    std::vector<std::string> m_names;
    bool m_started = false;   // executed since the last reset
    bool m_streaming = false; // rows still to come from the connection
    bool m_peeked = false;    // column_count() read the first row ahead of step()
    bool m_has_row = false;
    std::string m_buffer_text;
    std::vector<Cell> m_buffer_cells;
    std::size_t m_buffer_rows = 0;
    std::ptrdiff_t m_buffer_row = -1;

    bool in_range(int n) const { return n > 0 && static_cast<std::size_t>(n) <= m_values.size(); }
    static std::size_t index(int n) { return static_cast<std::size_t>(n - 1); }
    const Cell* buffered(int col) const {
        if (m_buffer_row < 0) {
            return nullptr;
        }
        return &m_buffer_cells[static_cast<std::size_t>(m_buffer_row) * m_types_out.size() +
                               static_cast<std::size_t>(col)];
    }
    bool is_null(int col) const {
        if (const Cell* cell = buffered(col)) {
            return cell->null;
        }
        return libpq().PQgetisnull(m_result.get(), m_row, col) != 0;
    }
    std::string_view raw(int col) const {
        if (const Cell* cell = buffered(col)) {
            return {m_buffer_text.data() + cell->offset, cell->size};
        }
        const auto& pq = libpq();
        return {pq.PQgetvalue(m_result.get(), m_row, col),
                static_cast<std::size_t>(pq.PQgetlength(m_result.get(), m_row, col))};
    }
    void describe(const PGresult* result) {
        const auto& pq = libpq();
        const int n = pq.PQnfields(result);
        m_types_out.resize(static_cast<std::size_t>(n));
        m_names.resize(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            m_types_out[static_cast<std::size_t>(i)] = pq.PQftype(result, i);
            m_names[static_cast<std::size_t>(i)] = pq.PQfname(result, i);
        }
    }
    void clear_buffer() {
        m_buffer_text.clear();
        m_buffer_text.shrink_to_fit();
        m_buffer_cells.clear();
        m_buffer_cells.shrink_to_fit();
        m_buffer_rows = 0;
        m_buffer_row = -1;
    }
    // Runs the statement to completion at once (run()).
    void execute();
    // Sends the statement; its rows are then read one by one.
    void start();
    // The next row: from the buffer, else from the connection. False at the end.
    bool advance();
    // Reads and drops the rows still to come.
    void discard_rest() noexcept;
    // Takes the next result of the streaming statement; false at its end (after which the
    // connection is free). Throws the statement's error.
    bool take(Result& into);
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
        settle();
        check(libpq().PQexec(m_conn, std::string(sql).c_str()));
    }
    void begin_write() override {
        exec(fmt::format("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({})",
                         k_writer_lock));
    }
    void commit() override {
        settle();
        const Result r = check(libpq().PQexec(m_conn, "COMMIT"));
        // A transaction that failed earlier answers COMMIT with ROLLBACK: nothing was written.
        if (std::string_view(libpq().PQcmdStatus(r.get())) == "ROLLBACK") {
            throw Error(ErrorKind::refused,
                        fmt::format("database {}: the server rolled the transaction back", m_name));
        }
    }
    void rollback() noexcept override {
        try {
            end_copy("svcmgr: rolled back");
            settle();
        } catch (...) { // NOLINT(bugprone-empty-catch): the rollback goes ahead regardless
        }
        PGresult* r = libpq().PQexec(m_conn, "ROLLBACK");
        libpq().PQclear(r);
    }
    std::int64_t last_insert_id() override {
        settle();
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

    // Sends `data`, rows in COPY's text format, to `copy` (a COPY ... FROM STDIN), which stays
    // open for more: the server works through the rows while the caller reads on. Any other
    // statement on the connection ends it first (settle), and so sees the rows.
    void copy_send(const std::string& copy, std::string_view data) {
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

    // Ends the open COPY, if any: with `abort`, the server discards it.
    void end_copy(const char* abort = nullptr) {
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

    // Runs `sql` with `values` as its text parameters; prepares it once it is used again.
    Result run(const std::string& sql, const std::vector<Oid>& types,
               const std::vector<std::optional<std::string>>& values) {
        settle();
        const auto& pq = libpq();
        const auto params = pointers(values);
        const int n = static_cast<int>(params.size());
        if (const std::string* name = prepared(sql, types)) {
            return check(
                pq.PQexecPrepared(m_conn, name->c_str(), n, params.data(), nullptr, nullptr, 0));
        }
        return check(pq.PQexecParams(m_conn, sql.c_str(), n, types.data(), params.data(), nullptr,
                                     nullptr, 0));
    }

    // Sends `sql` for `statement` to read row by row (single-row mode): until its last row is
    // read, the connection belongs to it.
    void send(PgStatement& statement, const std::string& sql, const std::vector<Oid>& types,
              const std::vector<std::optional<std::string>>& values) {
        settle();
        const auto& pq = libpq();
        const auto params = pointers(values);
        const int n = static_cast<int>(params.size());
        const std::string* name = prepared(sql, types);
        const int sent = name != nullptr
                             ? pq.PQsendQueryPrepared(m_conn, name->c_str(), n, params.data(),
                                                      nullptr, nullptr, 0)
                             : pq.PQsendQueryParams(m_conn, sql.c_str(), n, types.data(),
                                                    params.data(), nullptr, nullptr, 0);
        if (sent == 0) {
            throw_pg(nullptr, m_conn, m_name);
        }
        pq.PQsetSingleRowMode(m_conn); // refused only if nothing was sent; then rows come whole
        m_streaming = &statement;
    }

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
    void settle() {
        end_copy();
        if (m_streaming != nullptr) {
            PgStatement* streaming = m_streaming;
            m_streaming = nullptr;
            streaming->buffer_rest();
        }
    }

    [[noreturn]] void fail(const PGresult* result) { throw_pg(result, m_conn, m_name); }

private:
    struct Prepared {
        int uses = 0;
        std::string name;
    };

    static std::vector<const char*>
    pointers(const std::vector<std::optional<std::string>>& values) {
        std::vector<const char*> params(values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            params[i] = values[i] ? values[i]->c_str() : nullptr;
        }
        return params;
    }

    // The name `sql` is prepared under, from its second use on; null on its first (it then runs
    // unprepared: most statements run once).
    const std::string* prepared(const std::string& sql, const std::vector<Oid>& types) {
        auto& cached = m_prepared[sql];
        if (cached.uses++ == 0) {
            return nullptr;
        }
        if (cached.name.empty()) {
            std::string name = fmt::format("svcmgr_{}", ++m_statements);
            check(libpq().PQprepare(m_conn, name.c_str(), sql.c_str(),
                                    static_cast<int>(types.size()), types.data()));
            cached.name = std::move(name);
        }
        return &cached.name;
    }
    PgStatement* m_streaming = nullptr;
    std::string m_copying; // the COPY open, if any
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

PgStatement::PgStatement(PgConnection& connection, std::string_view sql)
    : m_connection(connection), m_sql(sql) {
    const auto used = placeholders(sql);
    m_types.resize(used.size() - 1, 0);
    for (std::size_t n = 1; n < used.size(); ++n) {
        // A gap in the numbering gets a type, or the server could not infer one.
        m_types[n - 1] = used[n] ? 0 : k_text;
    }
    m_values.resize(m_types.size());
}

PgStatement::~PgStatement() {
    discard_rest();
}

void PgStatement::execute() {
    m_result = m_connection.run(m_sql, m_types, m_values);
    describe(m_result.get());
    m_started = true;
    m_row = -1;
}

void PgStatement::start() {
    m_connection.send(*this, m_sql, m_types, m_values);
    m_started = true;
    m_streaming = true;
    m_types_out.clear();
    m_names.clear();
    m_row = -1;
}

bool PgStatement::take(Result& into) {
    const auto& pq = libpq();
    PGresult* raw = m_connection.next_result();
    if (raw == nullptr) {
        m_streaming = false;
        m_connection.ended(*this);
        return false;
    }
    Result result(raw);
    const ExecStatusType status = pq.PQresultStatus(raw);
    if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK ||
        status == PGRES_EMPTY_QUERY) {
        if (m_names.empty() && m_types_out.empty()) {
            describe(raw);
        }
        into = std::move(result);
        return true;
    }
    // An error (possibly after some rows): read the connection free, then report it.
    while (PGresult* more = m_connection.next_result()) {
        pq.PQclear(more);
    }
    m_streaming = false;
    m_connection.ended(*this);
    m_connection.fail(result.get());
}

bool PgStatement::advance() {
    const auto& pq = libpq();
    if (m_buffer_rows > 0) {
        if (static_cast<std::size_t>(m_buffer_row + 1) < m_buffer_rows) {
            ++m_buffer_row;
            return true;
        }
        clear_buffer();
        return false;
    }
    if (!m_streaming) {
        // Rows already here (run() or a statement that returned them whole).
        return m_result && ++m_row < pq.PQntuples(m_result.get());
    }
    while (true) {
        Result next;
        if (!take(next)) {
            return false;
        }
        const bool row = pq.PQresultStatus(next.get()) == PGRES_SINGLE_TUPLE;
        m_result = std::move(next); // the final result keeps the command's row count for run()
        m_row = 0;
        if (row) {
            return true;
        }
        if (pq.PQntuples(m_result.get()) > 0) {
            // Single-row mode was refused: the rows came whole.
            m_streaming = false;
            while (PGresult* more = m_connection.next_result()) {
                pq.PQclear(more);
            }
            m_connection.ended(*this);
            return true;
        }
    }
}

void PgStatement::buffer_rest() {
    const auto& pq = libpq();
    if (!m_streaming) {
        return;
    }
    const std::size_t columns = m_types_out.size();
    Result next;
    while (take(next)) {
        if (pq.PQresultStatus(next.get()) != PGRES_SINGLE_TUPLE) {
            continue;
        }
        for (std::size_t c = 0; c < columns; ++c) {
            const int col = static_cast<int>(c);
            Cell cell;
            cell.null = pq.PQgetisnull(next.get(), 0, col) != 0;
            cell.offset = m_buffer_text.size();
            cell.size = static_cast<std::size_t>(pq.PQgetlength(next.get(), 0, col));
            m_buffer_text.append(pq.PQgetvalue(next.get(), 0, col), cell.size);
            m_buffer_cells.push_back(cell);
        }
        ++m_buffer_rows;
    }
    // The current row stays the single-row result in m_result; the buffer follows it.
    m_buffer_row = -1;
}

void PgStatement::discard_rest() noexcept {
    if (!m_streaming) {
        return;
    }
    while (PGresult* more = m_connection.next_result()) {
        libpq().PQclear(more);
    }
    m_streaming = false;
    m_connection.ended(*this);
}

// Rows in COPY's text format (cells separated by tabs, \\N for NULL, backslash escapes for
// backslash, tab, newline and carriage return), sent every k_send_block bytes into the
// connection's COPY, which stays open until its next statement; after hold_until_flush, kept in
// a temporary file every k_hold_block bytes until flush().
class PgBulkInsert final : public BulkInsert {
public:
    // Rows are sent in small blocks, so that the server takes in one while the next is made:
    // a send waits until the socket's buffer (about 200 KB) has room for the whole block.
    static constexpr std::size_t k_send_block = 64 * 1024;
    // Rows held go to the temporary file in larger ones.
    static constexpr std::size_t k_hold_block = 1024 * 1024;

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
        if (m_held.size() > 0) {
            // The blocks held, then the one in memory.
            m_held.rewind();
            std::string block;
            while (m_held.size() > 0) {
                m_held.read(block, std::min(m_held.size(), k_send_block));
                m_connection.copy_send(m_copy, block);
            }
        }
        m_connection.copy_send(m_copy, m_buffer);
        m_buffer.clear(); // keeps the block's storage
    }
    void hold_until_flush() override { m_hold = true; }

private:
    // A full block of a writer that holds its rows goes to the temporary file.
    void hold_block() {
        m_held.write(m_buffer);
        m_buffer.clear();
    }

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
        if (!m_hold && m_buffer.size() >= k_send_block) {
            flush();
        } else if (m_hold && m_buffer.size() >= k_hold_block) {
            hold_block();
        }
    }

    PgConnection& m_connection;
    BulkInsert* m_before;
    std::size_t m_width;
    std::string m_copy;
    std::string m_buffer;
    std::size_t m_column = 0;
    std::size_t m_rows = 0; // held, in m_buffer and m_held
    bool m_hold = false;
    SpillFile m_held{"rows held for COPY"}; // full blocks held until flush()
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
    const std::string timeout =
        std::to_string(std::max<std::int64_t>(options.connect_timeout.count(), 1));
    const char* values[] = {timeout.c_str(), "svcmgr", conninfo.c_str(), "UTF8", nullptr};
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
    const auto lock_timeout =
        std::max<std::chrono::milliseconds::rep>(options.busy_timeout.count(), 1);
    connection->exec(
        fmt::format("SET lock_timeout = {}; SET client_min_messages = warning", lock_timeout));
    return connection;
}

} // namespace svcmgr
