#pragma once

// The ticket filter language of DESIGN.md section 7, compiled to a parameterized SQL condition
// over `ticket t JOIN customer c`.

#include <svcmgr/parse.hpp>
#include <svcmgr/table.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace svcmgr {

struct FilterContext {
    std::int64_t now = 0;
    const TimeZone* tz = nullptr;
    std::vector<std::string> categories = {};
    std::vector<std::string> channels = {};
};

struct SqlCondition {
    std::string sql = "1 = 1"; // ANDed terms, "1 = 1" when there are none
    std::vector<Value> params; // bound to $first_param, $first_param + 1, ...
};

// Throws Error(usage) naming the first unknown or malformed term.
SqlCondition compile_ticket_filter(const std::vector<std::string>& terms,
                                   const FilterContext& context, int first_param);

// The keys compile_ticket_filter understands.
std::vector<std::string> filter_keys();

} // namespace svcmgr
