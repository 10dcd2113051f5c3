#include "schema.hpp"
#include "sql.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

namespace svcmgr {

namespace {

std::string error_message(sqlite3* db, int rc) {
    return db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// What an existing path other than a regular file is, for the message that refuses it; empty for
// a regular file (or a link to one) and for a path that does not exist.
std::string_view not_a_regular_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) {
        return {};
    }
    if (S_ISDIR(st.st_mode)) {
        return "a directory";
    }
    if (S_ISCHR(st.st_mode)) {
        return "a character device";
    }
    if (S_ISBLK(st.st_mode)) {
        return "a block device";
    }
    if (S_ISFIFO(st.st_mode)) {
        return "a FIFO";
    }
    if (S_ISSOCK(st.st_mode)) {
        return "a socket";
    }
    return "a special file";
}

// mkdir -p with mode 0700 for the directories it creates.
void make_private_directories(const std::string& dir) {
    std::string partial;
    std::size_t pos = 0;
    while (pos != std::string::npos) {
        pos = dir.find('/', pos + 1);
        partial = dir.substr(0, pos);
        if (partial.empty() || is_directory(partial)) {
            continue;
        }
        if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
            const ErrorKind kind = errno == EACCES ? ErrorKind::permission : ErrorKind::io;
            throw Error(
                kind, fmt::format("cannot create directory {}: {}", partial, std::strerror(errno)));
        }
    }
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

// Each command is a short process: skip the checkpoint when it closes (most of the cost of a
// one-row write) and checkpoint every 128 pages instead (a ticket add writes about 16), so the WAL
// that the next process reads stays small (RECIPES.md, "SQLite connection"). Only for a database
// svcmgr accepted: one it refuses is closed the ordinary way, which removes the -wal and -shm files
// it opened.
void skip_checkpoint_on_close(sqlite3* db) {
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_wal_autocheckpoint(db, 128);
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

DatabaseLocation resolve_database(const std::optional<std::string>& flag,
                                  const std::function<const char*(const char*)>& getenv) {
    if (flag && !flag->empty()) {
        return {*flag, false};
    }
    if (const char* env = getenv("SVCMGR_DB"); env != nullptr && *env != '\0') {
        return {env, false};
    }
    if (const char* xdg = getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') {
        return {fmt::format("{}/svcmgr/svcmgr.db", xdg), true};
    }
    if (const char* home = getenv("HOME"); home != nullptr && *home == '/') {
        return {fmt::format("{}/.local/share/svcmgr/svcmgr.db", home), true};
    }
    throw Error(ErrorKind::config, "no database: HOME is not set and neither --db nor SVCMGR_DB is",
                "pass --db PATH or set SVCMGR_DB (cron jobs run without HOME)");
}

Database::Impl::~Impl() {
    if (handle != nullptr) {
        sqlite3_close_v2(handle);
    }
}

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

namespace {

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

// Opens the connection and reads the schema once, so that a file that is not a database, or is
// corrupt, fails here with its name.
std::unique_ptr<Database::Impl> connect(const std::string& path, bool read_only,
                                        const OpenOptions& options) {
    auto impl = std::make_unique<Database::Impl>();
    impl->path = path;
    impl->read_only = read_only;
    const std::string doing = fmt::format("cannot open database {}", path);
    // Busy is said the same way whenever it happens, since the advice (retry) is the same.
    const auto fail = [&](int rc) {
        const int primary = rc & 0xff;
        const bool busy = primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
        throw_sqlite(impl->handle, rc, busy ? fmt::format("database {}", path) : doing);
    };
    const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (const int rc = sqlite3_open_v2(path.c_str(), &impl->handle, flags, nullptr);
        rc != SQLITE_OK) {
        fail(rc);
    }
    configure(impl->handle, options);
    int rc =
        sqlite3_exec(impl->handle, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    const int primary = rc & 0xff;
    if (read_only && (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN) &&
        !has_pending_wal(path)) {
        // A WAL database needs a -shm file beside it; when we may not create one (a read-only
        // directory), the file alone holds every committed change, so read it as immutable.
        sqlite3_close_v2(impl->handle);
        impl->handle = nullptr;
        const std::string uri = immutable_uri(path);
        rc = sqlite3_open_v2(uri.c_str(), &impl->handle, flags | SQLITE_OPEN_URI, nullptr);
        if (rc != SQLITE_OK) {
            fail(rc);
        }
        configure(impl->handle, options);
        rc = sqlite3_exec(impl->handle, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr,
                          nullptr);
    }
    if (rc != SQLITE_OK) {
        fail(rc);
    }
    return impl;
}

} // namespace

Database Database::open(const DatabaseLocation& where, const OpenOptions& options) {
    const std::string& path = where.path;
    if (path.find("://") != std::string::npos) {
        throw Error(ErrorKind::usage, fmt::format("unsupported database URI {}", path),
                    "svcmgr stores its data in a local SQLite file: pass a file path");
    }
    // Before SQLite sees it: SQLite would open /dev/null or a FIFO and create a -journal or
    // -wal beside it.
    if (const auto what = not_a_regular_file(path); !what.empty()) {
        throw Error(ErrorKind::no_input, fmt::format("{} is {}, not a database", path, what));
    }
    if (where.is_default) {
        make_private_directories(path.substr(0, path.rfind('/')));
    }

    // Create the file ourselves so that it (and the -wal and -shm SQLite derives from it) is 0600.
    if (::access(path.c_str(), F_OK) != 0) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            const ErrorKind kind = errno == EACCES   ? ErrorKind::permission
                                   : errno == ENOENT ? ErrorKind::no_input
                                                     : ErrorKind::io;
            throw Error(kind,
                        fmt::format("cannot create database {}: {}", path, std::strerror(errno)));
        }
        if (fd >= 0) {
            ::close(fd);
        }
    }
    if (::access(path.c_str(), R_OK) != 0) {
        const ErrorKind kind = errno == EACCES ? ErrorKind::permission : ErrorKind::no_input;
        throw Error(kind, fmt::format("cannot read database {}: {}", path, std::strerror(errno)));
    }
    const bool read_only = ::access(path.c_str(), W_OK) != 0;
    // A database svcmgr refuses is left as it was found: a WAL already there is not checkpointed
    // into it; one this open created is removed by the ordinary close.
    const bool had_wal = ::access((path + "-wal").c_str(), F_OK) == 0;
    Database db(connect(path, read_only, options));
    try {
        migrate(db);
    } catch (...) {
        if (had_wal) {
            sqlite3_db_config(handle(db), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        }
        throw;
    }
    skip_checkpoint_on_close(handle(db));
    return db;
}

Database Database::open_memory() {
    auto impl = std::make_unique<Impl>();
    impl->path = ":memory:";
    if (const int rc = sqlite3_open_v2(":memory:", &impl->handle,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        rc != SQLITE_OK) {
        throw_sqlite(impl->handle, rc, "cannot open an in-memory database");
    }
    configure(impl->handle, {});
    Database db(std::move(impl));
    migrate(db);
    return db;
}

int Database::schema_version() {
    return current_schema_version();
}

// ---- statements -------------------------------------------------------------------------------

Statement::Statement(Database& db, std::string_view sql)
    : m_db(handle(db)), m_path(&db.impl().path) {
    const int rc =
        sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()), 0, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        throw_sqlite(m_db, rc, fmt::format("database {}", *m_path));
    }
    // SQLite numbers $N by first appearance; bind() takes the N of the text, so map it once here
    // rather than looking the name up on every bind.
    const int count = sqlite3_bind_parameter_count(m_stmt);
    for (int i = 1; i <= count; ++i) {
        const char* name = sqlite3_bind_parameter_name(m_stmt, i);
        if (name == nullptr || name[0] != '$') {
            continue;
        }
        const auto n = parse_count(std::string_view(name + 1));
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

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

Statement& Statement::bind(int n, std::nullopt_t) {
    if (const int i = index_of(n); i > 0) {
        sqlite3_bind_null(m_stmt, i);
    }
    return *this;
}

Statement& Statement::bind(int n, std::int64_t value) {
    if (const int i = index_of(n); i > 0) {
        sqlite3_bind_int64(m_stmt, i, value);
    }
    return *this;
}

Statement& Statement::bind(int n, std::string_view value) {
    if (const int i = index_of(n); i > 0) {
        sqlite3_bind_text64(m_stmt, i, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    return *this;
}

Statement& Statement::bind(int n, const Value& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
        return bind(n, *i);
    }
    if (const auto* s = std::get_if<std::string>(&value)) {
        return bind(n, std::string_view{*s});
    }
    return bind(n, std::nullopt);
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    throw_sqlite(m_db, rc, fmt::format("database {}", *m_path));
}

int Statement::run() {
    while (step()) {
    }
    return sqlite3_changes(m_db);
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::is_null(int col) const {
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}

std::int64_t Statement::int64(int col) const {
    return sqlite3_column_int64(m_stmt, col);
}

std::optional<std::int64_t> Statement::optional_int64(int col) const {
    if (is_null(col)) {
        return std::nullopt;
    }
    return int64(col);
}

std::string Statement::text(int col) const {
    const auto* p = sqlite3_column_text(m_stmt, col);
    if (p == nullptr) {
        return {};
    }
    return {reinterpret_cast<const char*>(p),
            static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col))};
}

std::optional<std::string> Statement::optional_text(int col) const {
    if (is_null(col)) {
        return std::nullopt;
    }
    return text(col);
}

Value Statement::value(int col) const {
    switch (sqlite3_column_type(m_stmt, col)) {
    case SQLITE_NULL:
        return std::monostate{};
    case SQLITE_INTEGER:
        return int64(col);
    default:
        return text(col);
    }
}

void Statement::value_into(int col, Value& out) const {
    switch (sqlite3_column_type(m_stmt, col)) {
    case SQLITE_NULL:
        out = std::monostate{};
        return;
    case SQLITE_INTEGER:
        out = sqlite3_column_int64(m_stmt, col);
        return;
    default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col));
        if (auto* s = std::get_if<std::string>(&out)) {
            s->assign(text == nullptr ? "" : text, size);
        } else {
            out = std::string(text == nullptr ? "" : text, size);
        }
        return;
    }
    }
}

int Statement::column_count() const {
    return sqlite3_column_count(m_stmt);
}

std::string Statement::column_name(int col) const {
    return sqlite3_column_name(m_stmt, col);
}

void exec(Database& db, std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(handle(db), text.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) {
        throw_sqlite(handle(db), rc, fmt::format("database {}", db.impl().path));
    }
}

WriteTransaction::WriteTransaction(Database& db) : m_db(db) {
    if (db.impl().read_only) {
        throw Error(ErrorKind::permission, fmt::format("database {} is read-only", db.impl().path));
    }
    exec(db, "BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction() {
    if (!m_done) {
        sqlite3_exec(handle(m_db), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void WriteTransaction::commit() {
    exec(m_db, "COMMIT");
    m_done = true;
}

std::int64_t last_insert_id(Database& db) {
    return sqlite3_last_insert_rowid(handle(db));
}

} // namespace svcmgr
