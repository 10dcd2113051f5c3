#include "db/postgres/driver.hpp"
#include "db/schema.hpp"
#include "db/sql.hpp"
#include "db/sqlite/driver.hpp"

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

} // namespace

#ifndef SVCMGR_POSTGRES
#error "SVCMGR_POSTGRES must be 0 or 1 (CMakeLists.txt sets it for this file)"
#elif !SVCMGR_POSTGRES
// A build without PostgreSQL support (cmake -DSVCMGR_POSTGRES=OFF) has no driver and no schema
// for it: a PostgreSQL database is refused before anything else happens.
std::unique_ptr<Connection> open_postgres(const std::string& /*conninfo*/, const std::string& name,
                                          const OpenOptions& /*options*/) {
    throw Error(ErrorKind::no_input,
                fmt::format("cannot open database {}: this svcmgr was built without PostgreSQL "
                            "support",
                            name));
}

void migrate_postgres(Database& /*db*/) {}
#endif

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

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Database Database::open(const DatabaseLocation& where, const OpenOptions& options) {
    const std::string& path = where.path;
    if (classify_database(path) == Backend::postgres) {
        auto impl = std::make_unique<Impl>();
        impl->path = redact_database(path);
        impl->connection = open_postgres(path, impl->path, options);
        Database db(std::move(impl));
        migrate(db);
        return db;
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
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->read_only = read_only;
    impl->connection = open_sqlite(path, read_only, options);
    Database db(std::move(impl));
    sqlite3* handle = sqlite_handle(connection(db));
    try {
        migrate(db);
    } catch (...) {
        if (had_wal) {
            sqlite3_db_config(handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        }
        throw;
    }
    skip_checkpoint_on_close(handle);
    return db;
}

Database Database::open_memory() {
    auto impl = std::make_unique<Impl>();
    impl->path = ":memory:";
    impl->connection = open_sqlite_memory();
    Database db(std::move(impl));
    migrate(db);
    return db;
}

int Database::schema_version() {
    return current_schema_version();
}

// ---- statements -------------------------------------------------------------------------------

std::optional<std::int64_t> Statement::optional_int64(int col) const {
    if (is_null(col)) {
        return std::nullopt;
    }
    return int64(col);
}

std::optional<std::string> Statement::optional_text(int col) const {
    if (is_null(col)) {
        return std::nullopt;
    }
    return text(col);
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

Value Statement::value(int col) const {
    switch (kind(col)) {
    case ColumnKind::null:
        return std::monostate{};
    case ColumnKind::integer:
        return int64(col);
    case ColumnKind::text:
        break;
    }
    return text(col);
}

void Statement::value_into(int col, Value& out) const {
    switch (kind(col)) {
    case ColumnKind::null:
        out = std::monostate{};
        return;
    case ColumnKind::integer:
        out = int64(col);
        return;
    case ColumnKind::text:
        break;
    }
    const std::string_view text = text_view(col);
    if (auto* s = std::get_if<std::string>(&out)) {
        s->assign(text);
    } else {
        out = std::string(text);
    }
}

void exec(Database& db, std::string_view sql) {
    connection(db).exec(sql);
}

WriteTransaction::WriteTransaction(Database& db) : m_db(db) {
    if (db.impl().read_only) {
        throw Error(ErrorKind::permission, fmt::format("database {} is read-only", db.impl().path));
    }
    connection(db).begin_write();
}

WriteTransaction::~WriteTransaction() {
    if (!m_done) {
        connection(m_db).rollback();
    }
}

void WriteTransaction::commit() {
    connection(m_db).commit();
    m_done = true;
}

std::int64_t last_insert_id(Database& db) {
    return connection(db).last_insert_id();
}

} // namespace svcmgr
