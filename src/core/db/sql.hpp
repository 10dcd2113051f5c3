#pragma once

// The data-access layer: RAII wrappers over the connection's driver (driver.hpp). Only src/core
// includes this. Statements are written once with $1..$N placeholders for every driver.

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>

#include "db/driver.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

struct Database::Impl {
    std::unique_ptr<Connection> connection;
    bool read_only = false;
    // The database's name in messages: a file path, or a connection string without secrets.
    std::string path;
    // Every stored setting, read once per connection on first use (settings.cpp).
    std::optional<std::map<std::string, std::string, std::less<>>> settings;
};

inline Connection& connection(Database& db) {
    return *db.impl().connection;
}

inline Dialect dialect(Database& db) {
    return db.impl().connection->dialect();
}

class Statement {
public:
    Statement(Database& db, std::string_view sql) : m_stmt(connection(db).prepare(sql)) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binds $n (1-based). A placeholder that the statement does not use is ignored.
    Statement& bind(int n, std::nullopt_t) {
        m_stmt->bind_null(n);
        return *this;
    }
    Statement& bind(int n, std::int64_t value) {
        m_stmt->bind_int64(n, value);
        return *this;
    }
    Statement& bind(int n, int value) { return bind(n, std::int64_t{value}); }
    Statement& bind(int n, std::string_view value) {
        m_stmt->bind_text(n, value);
        return *this;
    }
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
    bool step() { return m_stmt->step(); }
    // Steps to completion (for writes); returns the number of rows changed.
    int run() { return m_stmt->run(); }
    void reset() { m_stmt->reset(); }

    bool is_null(int col) const { return m_stmt->kind(col) == ColumnKind::null; }
    ColumnKind kind(int col) const { return m_stmt->kind(col); }
    std::int64_t int64(int col) const { return m_stmt->int64(col); }
    std::optional<std::int64_t> optional_int64(int col) const;
    std::string text(int col) const { return std::string(m_stmt->text(col)); }
    // Valid until the next step.
    std::string_view text_view(int col) const { return m_stmt->text(col); }
    std::optional<std::string> optional_text(int col) const;
    Value value(int col) const;
    // The same value stored into `out`, reusing a string's storage (for loops over many rows).
    void value_into(int col, Value& out) const;
    int column_count() const { return m_stmt->column_count(); }
    std::string column_name(int col) const { return m_stmt->column_name(col); }

private:
    std::unique_ptr<DriverStatement> m_stmt;
};

// Runs statements without parameters (DDL, PRAGMA).
void exec(Database& db, std::string_view sql);

// BEGIN IMMEDIATE ... COMMIT (or the driver's equivalent, which takes the one writer lock at the
// start); rolls back unless commit() was called. Opened only by public core
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
