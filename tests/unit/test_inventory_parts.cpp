// Parts (src/core/inventory/parts.cpp): SKUs kept exactly as typed, and the ones refused.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>

#include "db/sql.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace svcmgr;

TEST_CASE("SKUs are kept exactly and guarded starts are refused") {
    Database db = Database::open_memory();
    const Stamp stamp{"ana", 10};
    add_part(db, "00123", {.name = "Näyttö"}, stamp);
    add_part(db, "abc", {.name = "x"}, stamp);
    add_part(db, "ABC", {.name = "y"}, stamp);
    CHECK(part_skus(db, 10) == std::vector<std::string>{"00123", "ABC", "abc"});
    for (const char* bad : {"=1", "+1", "-1", "@1", "'1", "\t1",
                            "\xef\xbc\x9d"
                            "1",
                            " x", ""}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(add_part(db, bad, {.name = "bad"}, stamp), Error);
    }
    CHECK_THROWS_AS(add_part(db, "00123", {.name = "again"}, stamp), Error);
}
