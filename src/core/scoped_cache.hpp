#pragma once

// A larger SQLite page cache for the length of one bulk job (import, export); nothing on
// PostgreSQL.

#include "sql.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace svcmgr {

class ScopedCacheSize {
public:
    // `size` as PRAGMA cache_size takes it: negative for KiB.
    // Nothing on a server, which keeps its own cache.
    ScopedCacheSize(Database& db, std::int64_t size)
        : m_db(db), m_sqlite(dialect(db) == Dialect::sqlite), m_before(m_sqlite ? current(db) : 0) {
        if (m_sqlite) {
            exec(m_db, fmt::format("PRAGMA cache_size = {}", size));
        }
    }
    ~ScopedCacheSize() {
        if (!m_sqlite) {
            return;
        }
        try {
            exec(m_db, fmt::format("PRAGMA cache_size = {}", m_before));
        } catch (...) { // NOLINT(bugprone-empty-catch): the setting ends with the connection
        }
    }
    ScopedCacheSize(const ScopedCacheSize&) = delete;
    ScopedCacheSize& operator=(const ScopedCacheSize&) = delete;

private:
    static std::int64_t current(Database& db) {
        Statement st(db, "PRAGMA cache_size");
        st.step();
        return st.int64(0);
    }

    Database& m_db;
    bool m_sqlite;
    std::int64_t m_before;
};

} // namespace svcmgr
