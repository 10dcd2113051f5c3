#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace svcmgr {

// Where the database is, resolved as DESIGN.md section 7 says: --db, else SVCMGR_DB, else
// $XDG_DATA_HOME/svcmgr/svcmgr.db, else $HOME/.local/share/svcmgr/svcmgr.db. `getenv` is passed in
// so tests need not touch the process environment. Throws Error(config) when there is no HOME.
struct DatabaseLocation {
    std::string path;
    bool is_default = false; // the default location: its directory is created 0700 on first use
};
DatabaseLocation resolve_database(const std::optional<std::string>& flag,
                                  const std::function<const char*(const char*)>& getenv);

// The engine a --db value names: a PostgreSQL connection URI (postgresql://... or postgres://...)
// or libpq service (service=NAME), else a SQLite file path. Throws Error(usage) for any other
// scheme:// and for a connection string that holds a password (it belongs in ~/.pgpass or a
// service file, not on a command line); the message shows it redacted.
enum class Backend { sqlite, postgres };
Backend classify_database(std::string_view where);

// `where` with every password in it replaced by ***, for messages.
std::string redact_database(std::string_view where);

struct OpenOptions {
    std::chrono::milliseconds busy_timeout{5000};
    // How long to wait for a database server to answer (PostgreSQL; a connection string's own
    // connect_timeout wins).
    std::chrono::seconds connect_timeout{10};
};

// One connection to an svcmgr database, migrated to the current schema on open. A new file is
// created 0600 (and its -wal and -shm follow). A database whose schema is newer than this binary
// is refused with Error(config) and left untouched; a read-only file serves reads only.
class Database {
public:
    static Database open(const DatabaseLocation& where, const OpenOptions& options = {});
    // A private in-memory database, for tests.
    static Database open_memory();

    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    // The schema version this binary writes.
    static int schema_version();

    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Who makes a change, and when: read once by the CLI, passed to every core function that writes.
struct Stamp {
    std::string actor;
    std::int64_t now = 0;
};

} // namespace svcmgr
