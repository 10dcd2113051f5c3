#include "db/sqlite/driver.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <sys/stat.h>
#include <thread>
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

// The bulk writers' INSERTs run on a thread of their own, in the order they were handed over,
// while the caller reads and checks the rows to come. The connection is still used by one thread
// at a time (it is opened without SQLite's own mutexes): every other use of it first waits until
// the writes handed over are done (settle). A failed write is thrown there, and at every use
// after it, until the transaction it broke is rolled back.
class WriteBehind {
public:
    WriteBehind() = default;
    ~WriteBehind() { stop(); }
    WriteBehind(const WriteBehind&) = delete;
    WriteBehind& operator=(const WriteBehind&) = delete;

    // Runs `job` after the jobs handed over before it; `busy` (true) is set false once it ran,
    // or was skipped after a failed one.
    void post(std::function<void()> job, bool& busy) {
        {
            const std::lock_guard lock(m_mutex);
            if (!m_thread.joinable()) {
                m_thread = std::thread([this] { run(); });
            }
            m_jobs.push_back({std::move(job), &busy});
            m_pending.fetch_add(1, std::memory_order_relaxed);
        }
        m_work.notify_one();
    }

    // Waits until the jobs handed over are done; throws the error of a failed one.
    void settle() {
        wait();
        if (m_failed.load(std::memory_order_acquire)) {
            const std::lock_guard lock(m_mutex);
            std::rethrow_exception(m_error);
        }
    }

    // Waits until `busy` is false (a job's buffer is free again); throws a failed job's error.
    void wait_until_free(const bool& busy) {
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [&busy] { return !busy; });
        if (m_error) {
            std::rethrow_exception(m_error);
        }
    }

    // Waits until the jobs handed over are done, without throwing (before a statement is
    // finalized); with `forget`, a failure is forgotten (its transaction is being rolled back).
    void wait(bool forget = false) noexcept {
        if (m_pending.load(std::memory_order_acquire) == 0 &&
            !m_failed.load(std::memory_order_acquire)) {
            return;
        }
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [this] { return m_jobs.empty() && !m_running; });
        if (forget) {
            m_error = nullptr;
            m_failed.store(false, std::memory_order_release);
        }
    }

private:
    struct Job {
        std::function<void()> run;
        bool* busy;
    };

    void run() {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_work.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_jobs.empty()) {
                return;
            }
            Job job = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_running = true;
            std::exception_ptr error;
            if (!m_error) {
                lock.unlock();
                try {
                    job.run();
                } catch (...) {
                    error = std::current_exception();
                }
                lock.lock();
            }
            if (error) {
                m_error = error;
                m_failed.store(true, std::memory_order_release);
            }
            *job.busy = false;
            m_running = false;
            m_pending.fetch_sub(1, std::memory_order_release);
            m_done.notify_all();
        }
    }

    void stop() noexcept {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_work.notify_one();
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_work; // a job was handed over, or the thread is to stop
    std::condition_variable m_done; // a job ran
    std::deque<Job> m_jobs;
    bool m_running = false;
    bool m_stop = false;
    std::exception_ptr m_error; // the first failed job's
    // Read without the lock on every use of the connection: jobs handed over and not done yet,
    // and whether one failed.
    std::atomic<std::size_t> m_pending{0};
    std::atomic<bool> m_failed{false};
    std::thread m_thread; // started with the first job
};

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

// New rows k_rows_per_insert per INSERT: SQLite builds the constant IN lists of CHECK and
// partial-index constraints once per statement run, which costs more than a row itself. OR FAIL
// and deferred foreign keys spare each statement its statement journal (a multi-row statement
// that may abort must be able to undo itself): a failed write fails the whole transaction,
// which its owner rolls back, and the foreign keys are checked at COMMIT. A full batch is handed
// to the connection's WriteBehind and written while the next ones fill.
class SqliteBulkInsert final : public BulkInsert {
public:
    static constexpr std::size_t k_rows_per_insert = 64;

    SqliteBulkInsert(sqlite3* db, const std::string& name, WriteBehind& behind,
                     std::string_view table, const std::vector<std::string>& columns,
                     BulkInsert* before)
        : m_db(db), m_name(&name), m_behind(behind), m_before(before), m_width(columns.size()),
          m_head(
              fmt::format("INSERT OR FAIL INTO {} ({}) VALUES ", table, fmt::join(columns, ", "))),
          m_inserts(k_rows_per_insert + 1, nullptr) {
        for (Batch& batch : m_batches) {
            batch.cells.resize(m_width * k_rows_per_insert);
        }
        const int rc =
            sqlite3_exec(m_db, "PRAGMA defer_foreign_keys = ON", nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) {
            throw_sqlite(m_db, rc, fmt::format("database {}", *m_name));
        }
    }
    ~SqliteBulkInsert() override {
        m_behind.wait(); // for the batches handed over: they use this writer's statements
        for (sqlite3_stmt* st : m_inserts) {
            sqlite3_finalize(st);
        }
    }
    SqliteBulkInsert(const SqliteBulkInsert&) = delete;
    SqliteBulkInsert& operator=(const SqliteBulkInsert&) = delete;

    void add_null() override {
        next().kind = ColumnKind::null;
        written();
    }
    void add_int64(std::int64_t value) override {
        Cell& cell = next();
        cell.kind = ColumnKind::integer;
        cell.number = value;
        written();
    }
    void add_text(std::string_view value) override {
        Cell& cell = next();
        cell.kind = ColumnKind::text;
        if (cell.text.capacity() > k_batch_bytes && value.size() <= k_batch_bytes) {
            cell.text = std::string(value); // a long cell's storage is not kept for short ones
        } else {
            cell.text.assign(value);
        }
        m_bytes += value.size();
        written();
    }
    std::size_t buffered_rows() const override { return m_used / m_width; }
    void flush() override {
        hand_over();
        m_behind.settle();
    }

private:
    struct Cell {
        ColumnKind kind = ColumnKind::null;
        std::int64_t number = 0;
        std::string text; // keeps its storage from row to row
    };
    // Rows handed over together; busy until written.
    struct Batch {
        std::vector<Cell> cells;
        std::size_t rows = 0;
        bool busy = false;
    };
    // Enough for the writes to go on while this writer's next rows fill.
    static constexpr std::size_t k_batches = 4;
    // A batch is handed over early once its text reaches this size: rows of long text are held
    // a few at a time, not k_rows_per_insert * k_batches of them.
    static constexpr std::size_t k_batch_bytes = std::size_t{1} << 20;

    Cell& next() { return m_batches[m_current].cells[m_used++]; }
    // The batch is handed over as soon as its last row is complete, or a row fills its text.
    void written() {
        if (m_used == m_width * k_rows_per_insert ||
            (m_bytes >= k_batch_bytes && m_used % m_width == 0)) {
            hand_over();
        }
    }

    // Hands the rows held to the WriteBehind, and waits until the next batch is free.
    void hand_over() {
        const std::size_t rows = m_used / m_width;
        if (rows == 0) {
            return;
        }
        if (m_before != nullptr) {
            m_before->flush();
        }
        Batch& batch = m_batches[m_current];
        batch.rows = rows;
        batch.busy = true;
        m_used = 0;
        m_bytes = 0;
        m_behind.post([this, &batch] { write(batch); }, batch.busy);
        m_current = (m_current + 1) % k_batches;
        m_behind.wait_until_free(m_batches[m_current].busy);
    }

    // On the WriteBehind's thread.
    void write(const Batch& batch) {
        sqlite3_stmt* st = statement(batch.rows);
        // The cells stay unchanged until the statement ran: bound without a copy.
        for (std::size_t i = 0; i < batch.rows * m_width; ++i) {
            const Cell& cell = batch.cells[i];
            const int n = static_cast<int>(i + 1);
            switch (cell.kind) {
            case ColumnKind::null:
                sqlite3_bind_null(st, n);
                break;
            case ColumnKind::integer:
                sqlite3_bind_int64(st, n, cell.number);
                break;
            case ColumnKind::text:
                sqlite3_bind_text64(st, n, cell.text.data(), cell.text.size(), SQLITE_STATIC,
                                    SQLITE_UTF8);
                break;
            }
        }
        const int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            throw_sqlite(m_db, rc, fmt::format("database {}", *m_name));
        }
    }

    sqlite3_stmt* statement(std::size_t rows) {
        sqlite3_stmt*& st = m_inserts[rows];
        if (st == nullptr) {
            std::string sql = m_head;
            for (std::size_t r = 0; r < rows; ++r) {
                sql += r == 0 ? "(" : ", (";
                for (std::size_t i = 0; i < m_width; ++i) {
                    sql += i == 0 ? "?" : ", ?";
                }
                sql += ')';
            }
            const int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                                              SQLITE_PREPARE_PERSISTENT, &st, nullptr);
            if (rc != SQLITE_OK) {
                throw_sqlite(m_db, rc, fmt::format("database {}", *m_name));
            }
        }
        return st;
    }

    sqlite3* m_db;
    const std::string* m_name;
    WriteBehind& m_behind;
    BulkInsert* m_before;
    std::size_t m_width;
    std::string m_head;
    std::array<Batch, k_batches> m_batches;
    std::size_t m_current = 0;            // the batch being filled
    std::size_t m_used = 0;               // its cells set
    std::size_t m_bytes = 0;              // and their text
    std::vector<sqlite3_stmt*> m_inserts; // by number of rows, used on the WriteBehind's thread
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
        return std::make_unique<SqliteBulkInsert>(m_handle, m_name, m_behind, table, columns,
                                                  before);
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
