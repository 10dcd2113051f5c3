#pragma once

// Another SQLite page cache size for the length of one job (a bulk import or export: larger; the
// sort of the percentiles: smaller); nothing on PostgreSQL.

#include "db/sql.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>

namespace svcmgr {

// Whether the size is set whatever the current one, or only when that makes the cache smaller.
enum class CacheChange { always, only_if_smaller };

class ScopedCacheSize {
public:
    // `size` of the main schema's cache as PRAGMA cache_size takes it: negative for KiB, positive
    // for pages; the size before comes back at the end of the scope. Nothing on a server, which
    // keeps its own cache.
    ScopedCacheSize(Database& db, std::int64_t size, CacheChange change = CacheChange::always)
        : m_db(db) {
        if (dialect(db) != Dialect::sqlite) {
            return;
        }
        const std::int64_t before = current(db);
        if (change == CacheChange::only_if_smaller && kib(db, size) >= kib(db, before)) {
            return;
        }
        exec(m_db, fmt::format("PRAGMA main.cache_size = {}", size));
        m_before = before;
    }
    ~ScopedCacheSize() {
        if (!m_before) {
            return;
        }
        try {
            exec(m_db, fmt::format("PRAGMA main.cache_size = {}", *m_before));
        } catch (...) { // NOLINT(bugprone-empty-catch): the setting ends with the connection
        }
    }
    ScopedCacheSize(const ScopedCacheSize&) = delete;
    ScopedCacheSize& operator=(const ScopedCacheSize&) = delete;

private:
    static std::int64_t current(Database& db) {
        Statement st(db, "PRAGMA main.cache_size");
        return st.step() ? st.int64(0) : -2000;
    }
    // A size as PRAGMA cache_size takes it, in KiB.
    static std::int64_t kib(Database& db, std::int64_t size) {
        if (size <= 0) {
            return -size;
        }
        Statement st(db, "PRAGMA main.page_size");
        return st.step() ? size * st.int64(0) / 1024 : size * 4;
    }

    Database& m_db;
    std::optional<std::int64_t> m_before; // the size to restore, when one was set
};

} // namespace svcmgr
