#pragma once

// The data-access layer: RAII wrappers over the SQLite C API. Only src/core includes this.
// Statements are written with $1..$N placeholders and bound by name, so the same text can run on
// another driver.

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

struct Database::Impl {
    sqlite3* handle = nullptr;
    bool read_only = false;
    std::string path;
    // Every stored setting, read once per connection on first use (settings.cpp).
    std::optional<std::map<std::string, std::string, std::less<>>> settings;
    ~Impl();
};

inline sqlite3* handle(Database& db) {
    return db.impl().handle;
}

// Throws the svcmgr::Error that a SQLite result code maps to (busy 75, full/ioerr 74,
// readonly/perm 77, notadb/corrupt 66, other failures 1); the message starts with `doing`, which
// names the database ("database PATH").
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view doing);

class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binds $n (1-based). A placeholder that the statement does not use is ignored.
    Statement& bind(int n, std::nullopt_t);
    Statement& bind(int n, std::int64_t value);
    Statement& bind(int n, int value) { return bind(n, std::int64_t{value}); }
    Statement& bind(int n, std::string_view value);
    Statement& bind(int n, const char* value) { return bind(n, std::string_view{value}); }
    Statement& bind(int n, const std::string& value) { return bind(n, std::string_view{value}); }
    Statement& bind(int n, const Value& value);
    template <typename T>
    Statement& bind(int n, const std::optional<T>& value) {
        return value ? bind(n, *value) : bind(n, std::nullopt);
    }

    // Binds every argument in order to $1, $2, ...
    template <typename... Args>
    Statement& bind_all(const Args&... args) {
        int n = 0;
        (bind(++n, args), ...);
        return *this;
    }

    // Steps once: true while a row is available.
    bool step();
    // Steps to completion (for writes); returns sqlite3_changes.
    int run();
    void reset();

    bool is_null(int col) const;
    std::int64_t int64(int col) const;
    std::optional<std::int64_t> optional_int64(int col) const;
    std::string text(int col) const;
    std::optional<std::string> optional_text(int col) const;
    Value value(int col) const;
    // The same value stored into `out`, reusing a string's storage (for loops over many rows).
    void value_into(int col, Value& out) const;
    int column_count() const;
    std::string column_name(int col) const;

private:
    sqlite3* m_db;
    const std::string* m_path; // the database's name, for messages
    sqlite3_stmt* m_stmt = nullptr;
    // m_index[n] is SQLite's parameter index of $n (0: unused), built once at prepare.
    std::vector<int> m_index;
    int index_of(int n) const {
        return n > 0 && static_cast<std::size_t>(n) < m_index.size()
                   ? m_index[static_cast<std::size_t>(n)]
                   : 0;
    }
};

// Runs statements without parameters (DDL, PRAGMA).
void exec(Database& db, std::string_view sql);

// BEGIN IMMEDIATE ... COMMIT; rolls back unless commit() was called. Opened only by public core
// functions that write, never by helpers.
class WriteTransaction {
public:
    explicit WriteTransaction(Database& db);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    void commit();

private:
    Database& m_db;
    bool m_done = false;
};

// The id of the row the last INSERT created.
std::int64_t last_insert_id(Database& db);

} // namespace svcmgr
