#pragma once

// Small queries the unit tests read the database with.

#include "sql.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace svcmgr::test {

// The integer in the first column of the first row of `sql`; there must be a row.
inline std::int64_t scalar(Database& db, std::string_view sql) {
    Statement st(db, sql);
    REQUIRE(st.step());
    return st.int64(0);
}

// The text in the first column of the first row of `sql` ("NULL" for NULL); there must be a row.
inline std::string text(Database& db, std::string_view sql) {
    Statement st(db, sql);
    REQUIRE(st.step());
    return st.is_null(0) ? "NULL" : st.text(0);
}

} // namespace svcmgr::test
