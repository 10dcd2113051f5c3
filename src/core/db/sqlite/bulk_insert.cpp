// The SQLite bulk writer: multi-row INSERTs whose full batches a WriteBehind writes.

#include "db/sqlite/driver.hpp"
#include "db/sqlite/write_behind.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace svcmgr {

namespace {

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
} // namespace

std::unique_ptr<BulkInsert> make_sqlite_bulk_insert(sqlite3* db, const std::string& name,
                                                    WriteBehind& behind, std::string_view table,
                                                    const std::vector<std::string>& columns,
                                                    BulkInsert* before) {
    return std::make_unique<SqliteBulkInsert>(db, name, behind, table, columns, before);
}

} // namespace svcmgr
