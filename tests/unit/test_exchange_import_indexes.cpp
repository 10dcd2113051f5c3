// An import drops a table's secondary indexes when it adds many rows and builds them again at
// the end, in its own transaction: afterwards (or after a failed import) every index is there,
// defined as before, and agrees with the table.

#include <svcmgr/error.hpp>

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace svcmgr;

namespace {

// Tickets first..last, each for its own customer, spread over statuses and days.
std::string tickets(int first, int last, std::string_view bad_status_at = {}) {
    static constexpr std::string_view k_statuses[] = {"new", "open", "resolved", "closed"};
    std::string text = "id,title,customer,email,status,created_at\n";
    for (int i = first; i <= last; ++i) {
        const std::string status = std::to_string(i) == bad_status_at
                                       ? "lost"
                                       : std::string(k_statuses[static_cast<std::size_t>(i) % 4]);
        text += std::to_string(i) + ",Kvitto saknas " + std::to_string(i) + ",Budi Santoso " +
                std::to_string(i % 7) + ",budi" + std::to_string(i % 7) + "@example.id," + status +
                ",2026-11-" + std::to_string(10 + i % 17) + "T08:00:00Z\n";
    }
    return text;
}

void import_csv(Database& db, const std::string& text, const ImportOptions& options = {}) {
    test::import_csv(db, Dataset::tickets, text, options);
}

std::string indexes(Database& db) {
    return test::rows(db, "SELECT name || ': ' || sql FROM sqlite_schema WHERE type = 'index' "
                          "AND sql IS NOT NULL ORDER BY name");
}

} // namespace

TEST_CASE("an import into a table with rows rebuilds the indexes it dropped") {
    Database db = Database::open_memory();
    const std::string before = indexes(db);
    REQUIRE(before.find("ticket_status") != std::string::npos);
    import_csv(db, tickets(1, 64)); // into the empty table: dropped at once
    CHECK(indexes(db) == before);
    CHECK(test::text(db, "PRAGMA integrity_check") == "ok");

    // 64 rows at the start: the indexes go after the 4th of the 40 new rows.
    import_csv(db, tickets(65, 104));
    CHECK(indexes(db) == before);
    CHECK(test::text(db, "PRAGMA integrity_check") == "ok");
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket") == 104);
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket INDEXED BY ticket_status WHERE status = "
                           "'open'") == 26);
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket INDEXED BY ticket_created WHERE "
                           "created_at >= 0") == 104);
}

TEST_CASE("a failed or dry-run import leaves the indexes and the rows as they were") {
    Database db = Database::open_memory();
    import_csv(db, tickets(1, 64));
    const std::string before = indexes(db);
    // The bad row comes well after the point where the indexes were dropped.
    CHECK_THROWS_AS(import_csv(db, tickets(65, 104, "100")), Error);
    CHECK(indexes(db) == before);
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket") == 64);
    CHECK(test::text(db, "PRAGMA integrity_check") == "ok");

    import_csv(db, tickets(65, 104), {.dry_run = DryRun::yes});
    CHECK(indexes(db) == before);
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket") == 64);
    CHECK(test::text(db, "PRAGMA integrity_check") == "ok");
}
