#pragma once

// The seam between svcmgr's SQL and a database engine. One Connection per Database; sql.hpp's
// Statement, exec, WriteTransaction and last_insert_id go through it, so the rest of src/core is
// written once for every engine. Statements use $1..$N placeholders.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// The engines svcmgr runs on; dialect pieces that cannot be written portably are chosen by it.
enum class Dialect { sqlite, postgres };

// Kinds of column value: an integer, NULL, or anything else (text, and the text an engine gives a
// real or a blob).
enum class ColumnKind { integer, null, text };

// One prepared statement. bind_* take the N of $N; a placeholder the statement does not use is
// ignored. Column accessors read the current row; a text view is valid until the next step.
class DriverStatement {
public:
    virtual ~DriverStatement() = default;
    virtual void bind_null(int n) = 0;
    virtual void bind_int64(int n, std::int64_t value) = 0;
    virtual void bind_text(int n, std::string_view value) = 0;
    // Steps once: true while a row is available.
    virtual bool step() = 0;
    // Steps to completion; returns the number of rows changed.
    virtual int run() = 0;
    // Ready to run again, with every parameter unbound.
    virtual void reset() = 0;
    virtual ColumnKind kind(int col) const = 0;
    virtual std::int64_t int64(int col) const = 0;
    virtual std::string_view text(int col) const = 0;
    virtual int column_count() const = 0;
    virtual std::string column_name(int col) const = 0;
};

// Rows appended to one table in bulk, cell by cell in the order of the columns given to
// Connection::bulk_insert: SQLite inserts them several per INSERT, PostgreSQL sends them with
// COPY. The writer holds rows back and writes them when it has enough, or on flush(); held rows
// are not visible to the connection's statements. SQLite writes a full batch on a thread of its
// own while the next rows fill; the connection's next statement waits for it, and its error is
// thrown there and at every use until the rollback. A write that fails leaves the transaction to
// be rolled back (SQLite also checks foreign keys only at COMMIT once a writer exists); a writer
// destroyed without flush() drops the rows it holds. On PostgreSQL the COPY stays open after a
// write until the connection's next statement, which ends it (and reports its error, if any).
class BulkInsert {
public:
    virtual ~BulkInsert() = default;
    virtual void add_null() = 0;
    virtual void add_int64(std::int64_t value) = 0;
    virtual void add_text(std::string_view value) = 0;
    // Whole rows held back; 0 right after the writer wrote them (also on its own, when a row
    // completed its batch).
    virtual std::size_t buffered_rows() const = 0;
    // Writes every row held (after the rows `before` holds); throws the engine's error.
    virtual void flush() = 0;
    // From now on rows are written only on flush(), so that this writer never ends another's
    // COPY (PostgreSQL: past one block they wait in a temporary file); nothing on SQLite.
    virtual void hold_until_flush() {}
};

class Connection {
public:
    virtual ~Connection() = default;
    virtual Dialect dialect() const = 0;
    virtual std::unique_ptr<DriverStatement> prepare(std::string_view sql) = 0;
    // Runs statements without parameters (DDL, settings of the session).
    virtual void exec(std::string_view sql) = 0;
    // Starts the one kind of write transaction svcmgr uses: it holds the database's single
    // writer lock from its start (SQLite: BEGIN IMMEDIATE).
    virtual void begin_write() = 0;
    // Commits; throws when the engine did not commit (the transaction is then over).
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    // The id of the row the last INSERT created.
    virtual std::int64_t last_insert_id() = 0;
    // A writer of new rows into `table` (names are svcmgr's own, never input). When `before` is
    // given, every write of this writer first flushes `before` (rows that these rows reference).
    virtual std::unique_ptr<BulkInsert> bulk_insert(std::string_view table,
                                                    const std::vector<std::string>& columns,
                                                    BulkInsert* before) = 0;
};

} // namespace svcmgr
