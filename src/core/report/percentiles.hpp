#pragma once

// Exact percentiles (DESIGN.md section 7: Excel PERCENTILE.INC, rounded half-up to whole seconds)
// of many series of values, in memory that does not grow with the number of values.

#include <svcmgr/db.hpp>

#include "db/sql.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace svcmgr::report {

// Where PERCENTILE.INC at `tenths`/10 falls among `n` sorted values: between the values at the
// 0-based ranks `lower` and `lower + 1`, `fraction` tenths of the way (0: at `lower` itself).
struct PercentileRank {
    std::int64_t lower = 0;
    std::int64_t fraction = 0;
};
PercentileRank percentile_rank(std::int64_t n, int tenths);
// The interpolated value, rounded half-up; `upper` is not read when `fraction` is 0.
std::int64_t interpolate(std::int64_t lower, std::int64_t upper, std::int64_t fraction);

// Collects values into series and answers each series' percentiles once all are in. The values
// go to a temporary table; `finish` reads them back in one sorted pass and keeps only the values
// at the ranks the percentiles need. SQLite sorts through temporary files (TEMP_STORE=1, the
// default build), so memory is bounded by the temp schema's page cache and the sorter's budget
// whether a series holds ten values or ten million.
class Percentiles {
public:
    static constexpr std::size_t k_none = static_cast<std::size_t>(-1);

    // `tenths`: the percentiles wanted (5 the median, 9 the 90th).
    Percentiles(Database& db, std::vector<int> tenths);
    ~Percentiles();
    Percentiles(const Percentiles&) = delete;
    Percentiles& operator=(const Percentiles&) = delete;

    // A new, empty series. Values added to it also count in `total` (a series made of others,
    // such as a report's total row), which must itself have no total.
    std::size_t add_series(std::size_t total = k_none);
    void add(std::size_t series, std::int64_t value);
    // After the last add: finds every series' percentiles.
    void finish();
    // The percentile at `tenths` (one given to the constructor) of a series; nullopt when empty.
    std::optional<std::int64_t> get(std::size_t series, int tenths) const;

private:
    struct Wanted {
        std::int64_t rank = 0;
        std::int64_t value = 0;
    };
    struct Series {
        std::size_t total = k_none;
        std::int64_t count = 0;
        std::vector<Wanted> wanted = {}; // by rank, distinct
        std::size_t next = 0;            // the first wanted rank not reached yet, during finish
        std::int64_t seen = 0;           // values read so far, during finish
    };
    void reach(Series& s, std::int64_t value);

    Database& m_db;
    std::vector<int> m_tenths;
    std::vector<Series> m_series;
    std::string m_name; // of the temporary table
    Statement m_insert;
};

} // namespace svcmgr::report
