#pragma once

// Small queries the unit tests read the database with, an import from CSV text, and the kind of
// error a call throws.

#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>

#include "db/sql.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <functional>
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

// Every row of `sql` (one text column), each followed by `separator`.
inline std::string rows(Database& db, std::string_view sql, std::string_view separator = "\n") {
    std::string all;
    Statement st(db, sql);
    while (st.step()) {
        all += st.text(0);
        all += separator;
    }
    return all;
}

// Imports CSV `text` as `dataset` through a memory stream, as lena at 2026-11-22T11:53:03Z.
inline void import_csv(Database& db, Dataset dataset, const std::string& text,
                       const ImportOptions& options = {}) {
    std::FILE* in = fmemopen(const_cast<char*>(text.data()), text.size(), "rb");
    REQUIRE(in != nullptr);
    auto source = csv_source(in);
    try {
        import_dataset(db, dataset, *source, options, {"lena", 1795348383});
    } catch (...) {
        std::fclose(in);
        throw;
    }
    std::fclose(in);
}

// The kind of the svcmgr::Error that `f` throws; fails the test when it throws none.
inline ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no svcmgr::Error thrown");
    return ErrorKind::refused;
}

} // namespace svcmgr::test
