// `ticket need` (src/core/inventory/needs.cpp): a part in stock is reserved, one out of stock makes
// the ticket wait for parts, and a delivery released to it resumes it.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

using namespace svcmgr;
using namespace svcmgr::test;

TEST_CASE("need_part reserves in stock and makes the ticket wait when out of stock") {
    Database db = Database::open_memory();
    const Stamp stamp{"ana", 10};
    const auto t1 = add_ticket(db, {.title = "One", .customer = "Budi"}, stamp);
    const auto t2 = add_ticket(db, {.title = "Two", .customer = "Budi"}, stamp);
    add_part(db, "P", {.name = "Panel"}, stamp);
    receive_part(db, "P", {.qty = 2, .unit_cost = 100}, stamp);
    CHECK(need_part(db, t1, "P", 2, stamp) == NeedOutcome::reserved);
    CHECK(need_part(db, t2, "P", 1, stamp) == NeedOutcome::waiting);
    CHECK(scalar(db, "SELECT status = 'waiting_parts' FROM ticket WHERE id = 2") == 1);
    CHECK_THROWS_AS(consume_part(db, "P", 1, t2, stamp), Error);
    consume_part(db, "P", 2, t1, stamp);
    const Table unblocked = receive_part(db, "P", {.qty = 1, .release = true}, stamp);
    REQUIRE(unblocked.rows.size() == 1);
    CHECK(std::get<std::int64_t>(unblocked.rows[0][0]) == t2);
    CHECK(scalar(db, "SELECT status = 'in_progress' FROM ticket WHERE id = 2") == 1);
    resolve_ticket(db, t1, {}, stamp);
    CHECK_THROWS_AS(need_part(db, t1, "P", 1, stamp), Error);
}
