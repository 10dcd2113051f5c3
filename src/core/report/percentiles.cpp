// Exact percentiles of many series through one sorted read of a temporary table.

#include "report/percentiles.hpp"

#include "db/scoped_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <string>

namespace svcmgr::report {

namespace {

// The temp schema's page cache while the values are written: the table is appended to and read
// once in order, so a small cache costs no speed, and it keeps memory the same at any size.
constexpr int k_temp_cache_kib = 256;

// The sorter's budget follows the main schema's page cache (SQLite: at least 250 pages, 1 MiB);
// while the values are sorted the main schema is not read, so the cache is made smaller and the
// memory it frees serves the sort: the peak stays the one of reading the tickets.
constexpr int k_sort_cache_kib = 1024;

std::string table_name() {
    static std::atomic<int> next{0};
    return fmt::format("svcmgr_percentile_{}", next++);
}

Database& with_table(Database& db, const std::string& name) {
    exec(db, fmt::format("CREATE TEMP TABLE {} (root BIGINT NOT NULL, series BIGINT NOT NULL, "
                         "value BIGINT NOT NULL)",
                         name));
    if (dialect(db) == Dialect::sqlite) {
        exec(db, fmt::format("PRAGMA temp.cache_size = -{}", k_temp_cache_kib));
    }
    return db;
}

} // namespace

PercentileRank percentile_rank(std::int64_t n, int tenths) {
    // h = (n - 1) * p, in tenths so that no float is involved.
    const std::int64_t h10 = (n - 1) * tenths;
    return {h10 / 10, h10 % 10};
}

std::int64_t interpolate(std::int64_t lower, std::int64_t upper, std::int64_t fraction) {
    if (fraction == 0) {
        return lower;
    }
    return (lower * 10 + (upper - lower) * fraction + 5) / 10;
}

Percentiles::Percentiles(Database& db, std::vector<int> tenths)
    : m_db(db), m_tenths(std::move(tenths)), m_name(table_name()),
      m_insert(with_table(db, m_name),
               fmt::format("INSERT INTO {} (root, series, value) VALUES ($1, $2, $3)", m_name)) {}

Percentiles::~Percentiles() {
    // The table would go with the connection anyway; a failure here changes no result.
    try {
        exec(m_db, fmt::format("DROP TABLE IF EXISTS {}", m_name));
    } catch (...) { // NOLINT(bugprone-empty-catch): a temporary table ends with the connection
    }
}

std::size_t Percentiles::add_series(std::size_t total) {
    m_series.push_back({.total = total});
    return m_series.size() - 1;
}

void Percentiles::add(std::size_t series, std::int64_t value) {
    Series& s = m_series[series];
    ++s.count;
    const std::size_t root = s.total == k_none ? series : s.total;
    if (root != series) {
        ++m_series[root].count;
    }
    m_insert.reset();
    m_insert.bind_all(static_cast<std::int64_t>(root), static_cast<std::int64_t>(series), value)
        .run();
}

void Percentiles::reach(Series& s, std::int64_t value) {
    ++s.seen;
    // Ranks are 0-based: the value just read has rank seen - 1.
    while (s.next < s.wanted.size() && s.wanted[s.next].rank == s.seen - 1) {
        s.wanted[s.next++].value = value;
    }
}

void Percentiles::finish() {
    for (Series& s : m_series) {
        if (s.count == 0) {
            continue;
        }
        for (const int t : m_tenths) {
            const PercentileRank r = percentile_rank(s.count, t);
            s.wanted.push_back({r.lower});
            if (r.fraction != 0) {
                s.wanted.push_back({r.lower + 1});
            }
        }
        std::sort(s.wanted.begin(), s.wanted.end(),
                  [](const Wanted& a, const Wanted& b) { return a.rank < b.rank; });
        s.wanted.erase(
            std::unique(s.wanted.begin(), s.wanted.end(),
                        [](const Wanted& a, const Wanted& b) { return a.rank == b.rank; }),
            s.wanted.end());
    }
    const ScopedCacheSize during_sort(m_db, -k_sort_cache_kib, CacheChange::only_if_smaller);
    // Each root's values come together and in order, so every series (a root's or one of its
    // members) sees its own values in order too.
    Statement st(m_db,
                 fmt::format("SELECT root, series, value FROM {} ORDER BY root, value", m_name));
    while (st.step()) {
        const auto root = static_cast<std::size_t>(st.int64(0));
        const auto series = static_cast<std::size_t>(st.int64(1));
        const std::int64_t value = st.int64(2);
        reach(m_series[series], value);
        if (root != series) {
            reach(m_series[root], value);
        }
    }
}

std::optional<std::int64_t> Percentiles::get(std::size_t series, int tenths) const {
    const Series& s = m_series[series];
    if (s.count == 0) {
        return std::nullopt;
    }
    const PercentileRank r = percentile_rank(s.count, tenths);
    const auto at = [&](std::int64_t rank) {
        return std::find_if(s.wanted.begin(), s.wanted.end(),
                            [&](const Wanted& w) { return w.rank == rank; })
            ->value;
    };
    return interpolate(at(r.lower), r.fraction == 0 ? 0 : at(r.lower + 1), r.fraction);
}

} // namespace svcmgr::report
