#include "db/sqlite/driver.hpp"
#include "db/sqlite/write_behind.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace svcmgr {

namespace {

std::string error_message(sqlite3* db, int rc) {
    return db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

// SQL function svc_fold(text): Unicode case folding, so free-word search is case-insensitive
// beyond ASCII (ÅSA finds åsa).
void sql_fold(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* text = sqlite3_value_text(argv[0]);
    if (text == nullptr) {
        sqlite3_result_null(ctx);
        return;
    }
    const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
    std::string folded = fold_case({reinterpret_cast<const char*>(text), size});
    sqlite3_result_text(ctx, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
}

void configure(sqlite3* db, const OpenOptions& options) {
    const auto timeout = std::clamp<std::chrono::milliseconds::rep>(
        options.busy_timeout.count(), 0, std::numeric_limits<int>::max());
    sqlite3_busy_timeout(db, static_cast<int>(timeout));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_create_function(db, "svc_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                            sql_fold, nullptr, nullptr);
}

class SqliteStatement final : public DriverStatement {
public:
    SqliteStatement(sqlite3* db, const std::string& name, WriteBehind& behind, std::string_view sql)
        : m_db(db), m_name(&name), m_behind(&behind) {
        m_behind->settle();
        const int rc =
            sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()), 0, &m_stmt, nullptr);
        if (rc != SQLITE_OK) {
            throw_sqlite(m_db, rc, fmt::format("database {}", *m_name));
        }
        // SQLite numbers $N by first appearance; bind() takes the N of the text, so map it once
        // here rather than looking the name up on every bind.
        const int count = sqlite3_bind_parameter_count(m_stmt);
        for (int i = 1; i <= count; ++i) {
            const char* param = sqlite3_bind_parameter_name(m_stmt, i);
            if (param == nullptr || param[0] != '$') {
                continue;
            }
            const auto n = parse_count(std::string_view(param + 1));
            if (!n || *n > 32767) {
                continue;
            }
            const auto at = static_cast<std::size_t>(*n);
            if (m_index.size() <= at) {
                m_index.resize(at + 1, 0);
            }
            m_index[at] = i;
        }
    }
    ~SqliteStatement() override {
        m_behind->wait();
        sqlite3_finalize(m_stmt);
    }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind_null(int n) override {
        m_behind->settle();
        if (const int i = index_of(n); i > 0) {
            sqlite3_bind_null(m_stmt, i);
        }
    }
    void bind_int64(int n, std::int64_t value) override {
        m_behind->settle();
        if (const int i = index_of(n); i > 0) {
            sqlite3_bind_int64(m_stmt, i, value);
        }
    }
    void bind_text(int n, std::string_view value) override {
        m_behind->settle();
        if (const int i = index_of(n); i > 0) {
            sqlite3_bind_text64(m_stmt, i, value.data(), value.size(), SQLITE_TRANSIENT,
                                SQLITE_UTF8);
        }
    }
    bool step() override {
        m_behind->settle();
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) {
            return true;
        }
        if (rc == SQLITE_DONE) {
            return false;
        }
        throw_sqlite(m_db, rc, fmt::format("database {}", *m_name));
    }
    int run() override {
        while (step()) {
        }
        return sqlite3_changes(m_db);
    }
    void reset() override {
        m_behind->settle();
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    ColumnKind kind(int col) const override {
        m_behind->settle();
        switch (sqlite3_column_type(m_stmt, col)) {
        case SQLITE_INTEGER:
            return ColumnKind::integer;
        case SQLITE_NULL:
            return ColumnKind::null;
        default:
            return ColumnKind::text;
        }
    }
    std::int64_t int64(int col) const override {
        m_behind->settle();
        return sqlite3_column_int64(m_stmt, col);
    }
    std::string_view text(int col) const override {
        m_behind->settle();
        const auto* p = sqlite3_column_text(m_stmt, col);
        if (p == nullptr) {
            return {};
        }
        return {reinterpret_cast<const char*>(p),
                static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col))};
    }
    int column_count() const override {
        m_behind->settle();
        return sqlite3_column_count(m_stmt);
    }
    std::string column_name(int col) const override {
        m_behind->settle();
        return sqlite3_column_name(m_stmt, col);
    }

private:
    sqlite3* m_db;
    const std::string* m_name; // the database's name, for messages
    WriteBehind* m_behind;     // the connection's: settled before each use of the connection
    sqlite3_stmt* m_stmt = nullptr;
    // m_index[n] is SQLite's parameter index of $n (0: unused), built once at prepare.
    std::vector<int> m_index;
    int index_of(int n) const {
        return n > 0 && static_cast<std::size_t>(n) < m_index.size()
                   ? m_index[static_cast<std::size_t>(n)]
                   : 0;
    }
};

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(std::string name) : m_name(std::move(name)) {}
    ~SqliteConnection() override {
        m_behind.wait();
        if (m_handle != nullptr) {
            sqlite3_close_v2(m_handle);
        }
    }
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    sqlite3*& handle() { return m_handle; }
    WriteBehind& behind() { return m_behind; }

    Dialect dialect() const override { return Dialect::sqlite; }
    std::unique_ptr<DriverStatement> prepare(std::string_view sql) override {
        return std::make_unique<SqliteStatement>(m_handle, m_name, m_behind, sql);
    }
    void exec(std::string_view sql) override {
        m_behind.settle();
        const std::string text(sql);
        char* message = nullptr;
        const int rc = sqlite3_exec(m_handle, text.c_str(), nullptr, nullptr, &message);
        sqlite3_free(message);
        if (rc != SQLITE_OK) {
            throw_sqlite(m_handle, rc, fmt::format("database {}", m_name));
        }
    }
    void begin_write() override { exec("BEGIN IMMEDIATE"); }
    void commit() override { exec("COMMIT"); }
    void rollback() noexcept override {
        m_behind.wait(true);
        sqlite3_exec(m_handle, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    std::int64_t last_insert_id() override {
        m_behind.settle();
        return sqlite3_last_insert_rowid(m_handle);
    }
    std::unique_ptr<BulkInsert> bulk_insert(std::string_view table,
                                            const std::vector<std::string>& columns,
                                            BulkInsert* before) override {
        m_behind.settle();
        return make_sqlite_bulk_insert(m_handle, m_name, m_behind, table, columns, before);
    }

private:
    std::string m_name;
    sqlite3* m_handle = nullptr;
    WriteBehind m_behind; // idle before the handle is closed
};

// "file:" URI for path with immutable=1, for a read-only WAL database whose -shm cannot be made.
std::string immutable_uri(const std::string& path) {
    std::string absolute = path;
    if (absolute.empty() || absolute.front() != '/') {
        char cwd[4096];
        if (::getcwd(cwd, sizeof cwd) == nullptr) {
            throw Error(ErrorKind::io,
                        fmt::format("cannot read database {}: {}", path, std::strerror(errno)));
        }
        absolute = fmt::format("{}/{}", cwd, path);
    }
    std::string uri = "file://";
    for (const char c : absolute) {
        if (c == '%' || c == '?' || c == '#') {
            uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        } else {
            uri += c;
        }
    }
    return uri + "?immutable=1";
}

bool has_pending_wal(const std::string& path) {
    struct stat st {};
    return ::stat((path + "-wal").c_str(), &st) == 0 && st.st_size > 0;
}

} // namespace

[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view doing) {
    const std::string what = fmt::format("{}: {}", doing, error_message(db, rc));
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        throw Error(ErrorKind::busy, fmt::format("{}: busy past the timeout", doing),
                    "another svcmgr is writing; try again, or raise --busy-timeout");
    case SQLITE_FULL:
    case SQLITE_IOERR:
        throw Error(ErrorKind::io, what);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        throw Error(ErrorKind::permission, what);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        throw Error(ErrorKind::no_input, what);
    case SQLITE_CANTOPEN:
        throw Error(errno == EACCES ? ErrorKind::permission : ErrorKind::no_input, what);
    default:
        throw Error(ErrorKind::refused, what);
    }
}

std::unique_ptr<Connection> open_sqlite(const std::string& path, bool read_only,
                                        const OpenOptions& options) {
    auto connection = std::make_unique<SqliteConnection>(path);
    sqlite3*& handle = connection->handle();
    const std::string doing = fmt::format("cannot open database {}", path);
    // Busy is said the same way whenever it happens, since the advice (retry) is the same.
    const auto fail = [&](int rc) {
        const int primary = rc & 0xff;
        const bool busy = primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
        throw_sqlite(handle, rc, busy ? fmt::format("database {}", path) : doing);
    };
    const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr); rc != SQLITE_OK) {
        fail(rc);
    }
    configure(handle, options);
    int rc = sqlite3_exec(handle, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    const int primary = rc & 0xff;
    if (read_only && (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN) &&
        !has_pending_wal(path)) {
        // A WAL database needs a -shm file beside it; when we may not create one (a read-only
        // directory), the file alone holds every committed change, so read it as immutable.
        sqlite3_close_v2(handle);
        handle = nullptr;
        const std::string uri = immutable_uri(path);
        rc = sqlite3_open_v2(uri.c_str(), &handle, flags | SQLITE_OPEN_URI, nullptr);
        if (rc != SQLITE_OK) {
            fail(rc);
        }
        configure(handle, options);
        rc = sqlite3_exec(handle, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_OK) {
        fail(rc);
    }
    return connection;
}

std::unique_ptr<Connection> open_sqlite_memory() {
    auto connection = std::make_unique<SqliteConnection>(":memory:");
    sqlite3*& handle = connection->handle();
    if (const int rc = sqlite3_open_v2(":memory:", &handle,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        rc != SQLITE_OK) {
        throw_sqlite(handle, rc, "cannot open an in-memory database");
    }
    configure(handle, {});
    return connection;
}

sqlite3* sqlite_handle(Connection& connection) {
    if (connection.dialect() != Dialect::sqlite) {
        return nullptr;
    }
    auto& sqlite = static_cast<SqliteConnection&>(connection);
    sqlite.behind().settle();
    return sqlite.handle();
}

void skip_checkpoint_on_close(sqlite3* db) {
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_wal_autocheckpoint(db, 128);
}

} // namespace svcmgr
