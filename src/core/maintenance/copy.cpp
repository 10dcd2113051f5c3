#include "maintenance/copy.hpp"

#include "db/sql.hpp"

#include <svcmgr/audit.hpp>
#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace svcmgr {

namespace {

// Rows read from the source per query: the next page starts after the last key read, so a
// server's result (which its client library holds whole) stays this small.
constexpr std::int64_t k_page_rows = 4096;
// Rows written per INSERT, and at most this many parameters in one.
constexpr std::size_t k_batch_rows = 256;
constexpr std::size_t k_batch_params = 4096;
constexpr std::int64_t k_progress_rows = 4096;

// One read transaction on the source, so that every table comes from the same snapshot while
// others keep writing (SQLite: a deferred BEGIN reads one snapshot of the WAL).
class ReadSnapshot {
public:
    explicit ReadSnapshot(Database& db) : m_db(db) {
        exec(db, dialect(db) == Dialect::postgres
                     ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                     : "BEGIN");
    }
    ~ReadSnapshot() {
        try {
            exec(m_db, "ROLLBACK");
        } catch (const Error&) {
            // Nothing was written; a lost connection has ended the transaction already.
        }
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
    Database& m_db;
};

// The rows of one table, written into the target a batch at a time: one prepared INSERT of
// many rows, and one of the rows left over at the end.
class BatchInsert {
public:
    // The columns are those of the statement `columns_of` reads.
    BatchInsert(Database& db, std::string_view table, const Statement& columns_of)
        : m_db(db), m_table(table), m_columns(static_cast<std::size_t>(columns_of.column_count())) {
        for (std::size_t c = 0; c < m_columns; ++c) {
            m_names.push_back(columns_of.column_name(static_cast<int>(c)));
        }
        m_batch = std::max<std::size_t>(1, std::min(k_batch_rows, k_batch_params / m_columns));
        m_values.resize(m_batch * m_columns);
    }

    // Copies the current row of `row`.
    void add(const Statement& row) {
        for (std::size_t c = 0; c < m_columns; ++c) {
            row.value_into(static_cast<int>(c), m_values[m_rows * m_columns + c]);
        }
        if (++m_rows == m_batch) {
            flush();
        }
    }

    void flush() {
        if (m_rows == 0) {
            return;
        }
        std::unique_ptr<Statement> partial;
        if (m_rows < m_batch) {
            partial = std::make_unique<Statement>(m_db, insert_sql(m_rows));
        } else if (!m_full) {
            m_full = std::make_unique<Statement>(m_db, insert_sql(m_batch));
        }
        Statement& st = partial ? *partial : *m_full;
        st.reset();
        for (std::size_t i = 0; i < m_rows * m_columns; ++i) {
            st.bind(static_cast<int>(i + 1), m_values[i]);
        }
        st.run();
        m_rows = 0;
    }

private:
    Database& m_db;
    std::string_view m_table;
    std::size_t m_columns;
    std::vector<std::string> m_names;
    std::size_t m_batch = 1;
    std::vector<Value> m_values; // m_batch rows of m_columns cells, reused
    std::size_t m_rows = 0;      // rows in m_values
    std::unique_ptr<Statement> m_full;

    std::string insert_sql(std::size_t rows) const {
        std::string sql =
            fmt::format("INSERT INTO {} ({}) VALUES ", m_table, fmt::join(m_names, ", "));
        std::size_t n = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            sql += r == 0 ? "(" : ", (";
            for (std::size_t c = 0; c < m_columns; ++c) {
                sql += c == 0 ? "$" : ", $";
                sql += std::to_string(++n);
            }
            sql += ")";
        }
        return sql;
    }
};

// Copies every row of `table` in key order; `copied` counts the rows of every table.
void copy_table(Database& source, Database& target, const CopiedTable& table, std::int64_t& copied,
                const CopyOptions& options) {
    Statement first(source, fmt::format("SELECT * FROM {} ORDER BY {} LIMIT {}", table.name,
                                        table.key, k_page_rows));
    Statement next(source, fmt::format("SELECT * FROM {0} WHERE {1} > $1 ORDER BY {1} LIMIT {2}",
                                       table.name, table.key, k_page_rows));
    std::unique_ptr<BatchInsert> insert;
    int key = -1;
    Value last_key;
    Statement* page = &first;
    while (true) {
        std::int64_t rows = 0;
        while (page->step()) {
            if (!insert) {
                insert = std::make_unique<BatchInsert>(target, table.name, *page);
                for (int c = 0; c < page->column_count(); ++c) {
                    key = page->column_name(c) == table.key ? c : key;
                }
            }
            insert->add(*page);
            page->value_into(key, last_key);
            ++rows;
            if (++copied % k_progress_rows == 0 && options.progress) {
                options.progress(copied);
            }
        }
        if (rows < k_page_rows) {
            break;
        }
        next.reset();
        next.bind(1, last_key);
        page = &next;
    }
    if (insert) {
        insert->flush();
    }
}

void refuse_unless_empty(Database& target) {
    for (const auto& table : copied_tables()) {
        Statement st(target, fmt::format("SELECT 1 FROM {} LIMIT 1", table.name));
        if (st.step()) {
            throw Error(ErrorKind::refused,
                        fmt::format("database {} already holds data (table {} is not empty)",
                                    target.impl().path, table.name),
                        "db copy writes only into a new file or an empty database");
        }
    }
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {};
    struct stat sb {};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

// Whether two PostgreSQL connections reach the same database and schema: `b`'s server lists
// `a`'s session among its database's sessions.
bool same_postgres_database(Database& a, Database& b) {
    Statement self(a, "SELECT pg_backend_pid(), current_schema(), "
                      "(SELECT CAST(backend_start AS TEXT) FROM pg_stat_activity "
                      "WHERE pid = pg_backend_pid())");
    self.step();
    // Another role's session shows no backend_start: the pid, database and schema must do.
    Statement seen(b, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 "
                      "AND datname = current_database() AND current_schema() = $2 "
                      "AND (backend_start IS NULL OR CAST(backend_start AS TEXT) = $3)");
    seen.bind_all(self.int64(0), self.text(1), self.optional_text(2));
    return seen.step() && seen.int64(0) > 0;
}

void remove_sqlite_files(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        ::unlink((path + suffix).c_str());
    }
}

} // namespace

const std::vector<CopiedTable>& copied_tables() {
    static const std::vector<CopiedTable> k_tables = {
        {"setting", "key"},
        {"customer", "id"},
        {"ticket", "id"},
        {"ticket_event", "id"},
        {"part", "id"},
        {"stock_move", "id"},
        {"stock_order", "id"},
        {"ticket_part", "id"},
        {"calendar", "id"},
        {"calendar_hours", "id"},
        {"calendar_holiday", "id"},
        {"audit", "seq"},
    };
    return k_tables;
}

CopyResult copy_contents(Database& source, Database& target, const CopyOptions& options) {
    ReadSnapshot snapshot(source);
    WriteTransaction tx(target);
    refuse_unless_empty(target);
    CopyResult result;
    for (const auto& table : copied_tables()) {
        try {
            copy_table(source, target, table, result.rows, options);
        } catch (const Error& e) {
            throw Error(e.kind(), fmt::format("{} (copying table {})", e.what(), table.name),
                        e.hint());
        }
    }
    result.head = audit_head(source);
    const auto copied_head = audit_head(target);
    if (result.head && (!copied_head || copied_head->hash != result.head->hash)) {
        throw Error(ErrorKind::io, fmt::format("the copy in {} lacks audit row {}",
                                               target.impl().path, result.head->seq));
    }
    tx.commit();
    return result;
}

CopyResult copy_database(Database& source, const std::string& target, const CopyOptions& options) {
    const Backend backend = classify_database(target);
    bool created = false;
    if (backend == Backend::sqlite) {
        if (::access(target.c_str(), F_OK) != 0) {
            created = errno == ENOENT;
        } else if (dialect(source) == Dialect::sqlite && same_file(source.impl().path, target)) {
            throw Error(ErrorKind::usage,
                        fmt::format("cannot copy database {} onto itself", source.impl().path),
                        "pass --to a new file or an empty database");
        }
    }
    try {
        Database copy = Database::open({target, false}, options.open);
        if (backend == Backend::postgres && dialect(source) == Dialect::postgres &&
            same_postgres_database(source, copy)) {
            throw Error(ErrorKind::usage,
                        fmt::format("cannot copy database {} onto itself", source.impl().path),
                        "pass --to a new file or an empty database");
        }
        CopyResult result = copy_contents(source, copy, options);
        if (backend == Backend::sqlite) {
            // The new file holds everything by itself, without a WAL beside it.
            Statement checkpoint(copy, "PRAGMA wal_checkpoint(TRUNCATE)");
            checkpoint.step();
        }
        return result;
    } catch (...) {
        if (created) {
            remove_sqlite_files(target);
        }
        throw;
    }
}

} // namespace svcmgr
