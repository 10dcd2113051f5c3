#include <svcmgr/audit.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/maintenance.hpp>

#include "db/sql.hpp"
#include "db/sqlite/driver.hpp"
#include "ticket/statuses.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <unistd.h>
#include <utility>

namespace svcmgr {

namespace {

struct Invariant {
    std::string_view what;
    std::string_view violations; // SELECT id FROM ticket WHERE <the invariant does not hold>
};

// What the lifecycle (DESIGN.md section 4) implies for every ticket row.
constexpr std::array<Invariant, 5> k_ticket_invariants = {{
    {"is active but has resolved_at or closed_at",
     joined<"SELECT id FROM ticket WHERE status NOT IN ", k_inactive_status_list,
            " AND (resolved_at IS NOT NULL OR closed_at IS NOT NULL)">},
    {"is resolved without resolved_at, or has closed_at",
     "SELECT id FROM ticket WHERE status = 'resolved' "
     "AND (resolved_at IS NULL OR closed_at IS NOT NULL)"},
    {"is closed without resolved_at and closed_at",
     "SELECT id FROM ticket WHERE status = 'closed' AND (resolved_at IS NULL OR closed_at IS "
     "NULL)"},
    {"has a satisfaction rating but is not closed",
     "SELECT id FROM ticket WHERE satisfaction IS NOT NULL AND status <> 'closed'"},
    {"has times out of order",
     "SELECT id FROM ticket WHERE updated_at < created_at OR first_response_at < created_at "
     "OR resolved_at < created_at OR closed_at < resolved_at"},
}};

constexpr std::string_view k_schema_objects =
    "SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index', 'trigger') "
    "AND name NOT LIKE 'sqlite_%' "
    "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name";

// The same on PostgreSQL, in svcmgr's schema (the first of the search path).
constexpr std::string_view k_schema_objects_pg =
    "SELECT 'table', tablename, tablename FROM pg_tables WHERE schemaname = current_schema() "
    "UNION ALL SELECT 'index', indexname, tablename FROM pg_indexes "
    "WHERE schemaname = current_schema() "
    "UNION ALL SELECT 'trigger', t.tgname, c.relname FROM pg_trigger t "
    "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE NOT t.tgisinternal AND n.nspname = current_schema()";

// The tables, indexes and triggers that svcmgr's migrations create and `db` lacks, as problems
// (the indexes and triggers of a missing table go with it, unnamed). Returns whether a table is
// missing: the checks that read it cannot run.
bool missing_schema_objects(Database& db, std::vector<std::string>& problems) {
    std::set<std::pair<std::string, std::string>> present;
    {
        Statement st(db, dialect(db) == Dialect::postgres ? k_schema_objects_pg : k_schema_objects);
        while (st.step()) {
            present.emplace(st.text(0), st.text(1));
        }
    }
    Database reference = Database::open_memory();
    Statement st(reference, k_schema_objects);
    bool table_missing = false;
    while (st.step()) {
        const std::string type = st.text(0);
        const std::string name = st.text(1);
        if (present.contains({type, name}) ||
            (type != "table" && !present.contains({"table", st.text(2)}))) {
            continue;
        }
        problems.push_back(fmt::format("schema: {} {} is missing", type, name));
        table_missing = table_missing || type == "table";
    }
    return table_missing;
}

// VACUUM INTO `path`. A failure to write (a full disk) names the backup, not the database copied.
void vacuum_into(Database& db, const std::string& path) {
    sqlite3* handle = sqlite_handle(connection(db));
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(handle, "VACUUM INTO $1", -1, 0, &stmt, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(stmt, sqlite3_bind_parameter_index(stmt, "$1"), path.c_str(), -1,
                          SQLITE_TRANSIENT);
        rc = sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE || rc == SQLITE_OK) {
        return;
    }
    const int primary = rc & 0xff;
    const bool writing =
        primary == SQLITE_FULL || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY ||
        (primary == SQLITE_IOERR && rc != SQLITE_IOERR_READ && rc != SQLITE_IOERR_SHORT_READ);
    throw_sqlite(handle, rc,
                 writing ? fmt::format("cannot write backup {}", path)
                         : fmt::format("database {}", db.impl().path));
}

} // namespace

std::vector<std::string> check_database(Database& db) {
    std::vector<std::string> problems;
    // A server checks its own pages and enforces foreign keys on every write; SQLite's file is
    // checked here.
    const bool sqlite = dialect(db) == Dialect::sqlite;
    if (sqlite) {
        Statement st(db, "PRAGMA integrity_check");
        while (st.step()) {
            if (const std::string line = st.text(0); line != "ok") {
                problems.push_back(fmt::format("integrity: {}", line));
            }
        }
    }
    if (missing_schema_objects(db, problems)) {
        return problems;
    }
    if (sqlite) {
        Statement st(db, "PRAGMA foreign_key_check");
        while (st.step()) {
            problems.push_back(fmt::format("foreign key: {} row {} refers to a missing {}",
                                           st.text(0), st.text(1), st.text(2)));
        }
    }
    {
        // The ledger is the truth: on_hand is its sum.
        Statement st(db, "SELECT p.sku, p.on_hand, coalesce(sum(m.qty), 0) FROM part p "
                         "LEFT JOIN stock_move m ON m.part_id = p.id GROUP BY p.id "
                         "HAVING p.on_hand <> coalesce(sum(m.qty), 0) ORDER BY p.sku");
        while (st.step()) {
            problems.push_back(fmt::format("part {} has on_hand {} but its ledger sums to {}",
                                           st.text(0), st.int64(1), st.int64(2)));
        }
    }
    for (const auto& invariant : k_ticket_invariants) {
        Statement st(db, invariant.violations);
        while (st.step()) {
            problems.push_back(fmt::format("ticket {} {}", st.int64(0), invariant.what));
        }
    }
    return problems;
}

void backup_database(Database& db, const std::string& path) {
    if (dialect(db) != Dialect::sqlite) {
        throw Error(ErrorKind::refused,
                    fmt::format("db backup copies a SQLite file; database {} is on a server",
                                db.impl().path),
                    "back a PostgreSQL database up with pg_dump");
    }
    // VACUUM INTO writes into an empty file; creating it first makes it 0600 and refuses to
    // overwrite anything.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const ErrorKind kind = errno == EEXIST   ? ErrorKind::refused
                               : errno == EACCES ? ErrorKind::permission
                               : errno == ENOENT ? ErrorKind::no_input
                                                 : ErrorKind::io;
        throw Error(kind, fmt::format("cannot create backup {}: {}", path, std::strerror(errno)));
    }
    ::close(fd);
    try {
        const auto head = audit_head(db);
        vacuum_into(db, path);

        Database copy = Database::open({path, false});
        const auto problems = check_database(copy);
        if (!problems.empty()) {
            throw Error(ErrorKind::io,
                        fmt::format("backup {} failed its check: {}", path, problems.front()));
        }
        const auto copied_head = audit_head(copy);
        if (head && (!copied_head || copied_head->seq < head->seq)) {
            throw Error(ErrorKind::io,
                        fmt::format("backup {} lacks audit row {}", path, head->seq));
        }
    } catch (...) {
        ::unlink(path.c_str());
        throw;
    }
}

} // namespace svcmgr
