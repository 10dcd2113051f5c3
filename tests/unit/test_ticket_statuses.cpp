// The active statuses as SQL spells them (src/core/ticket/statuses.hpp): the lists made from
// k_active_statuses, the partial index they define, and the filter that must match that index.

#include <svcmgr/error.hpp>
#include <svcmgr/ticket.hpp>

#include "db/schema.hpp"
#include "helpers.hpp"
#include "ticket/filter.hpp"
#include "ticket/statuses.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace svcmgr;
using namespace svcmgr::test;

TEST_CASE("the active and inactive status lists are the SQL they have always been") {
    CHECK(k_active_status_sql ==
          "('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts')");
    CHECK(k_inactive_status_sql == "('resolved', 'closed')");
    CHECK(joined<"status IN ", k_active_status_list, ";"> ==
          "status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts');");
}

TEST_CASE("migration 3 stores the partial index ticket_active exactly as it always has") {
    CHECK(migration_sql(Dialect::sqlite, 2) ==
          R"sql(
CREATE INDEX ticket_event_at ON ticket_event (at, ticket_id);
CREATE INDEX stock_move_at ON stock_move (at) WHERE ticket_id IS NOT NULL;
CREATE INDEX ticket_active ON ticket (status, category, channel, created_at)
    WHERE status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts');
)sql");
}

TEST_CASE("status:active is the WHERE clause of the partial index ticket_active") {
    Database db = Database::open_memory();
    const std::string index =
        text(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ticket_active'");
    const auto where = index.find("WHERE ");
    REQUIRE(where != std::string::npos);
    const SqlCondition active = compile_ticket_filter({"status:active"}, {}, 1);
    CHECK(active.params.empty());
    CHECK(active.sql == "(t." + index.substr(where + 6) + ")");
}

TEST_CASE("an unknown status names every status the filter accepts") {
    try {
        compile_ticket_filter({"status:done"}, {}, 1);
        FAIL("no error thrown");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) ==
              "invalid filter term 'status:done': expected active, new, open, in_progress, "
              "waiting_customer, waiting_parts, resolved or closed");
    }
}
