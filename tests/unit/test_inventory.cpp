// The inventory ledger: on_hand always equals the sum of the ledger and never goes below zero.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/ticket.hpp>

#include "sql.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace svcmgr;

namespace {

std::int64_t scalar(Database& db, const char* sql) {
    Statement st(db, sql);
    st.step();
    return st.int64(0);
}

} // namespace

TEST_CASE("random receive/consume/return/adjust sequences keep on_hand == sum(ledger) >= 0") {
    Database db = Database::open_memory();
    const Stamp stamp{"prop", 1000};
    add_ticket(db, {.title = "Zamjena zaslona", .customer = "Ivan Horvat"}, stamp);
    add_ticket(db, {.title = "Printer", .customer = "Siti Wijaya"}, stamp);
    add_part(db, "00042", {.name = "Roller", .unit_cost = 350}, stamp);
    std::mt19937 rng(20261122);
    std::int64_t expected = 0;
    std::int64_t consumed[3] = {0, 0, 0};
    for (int step = 0; step < 400; ++step) {
        const auto qty = std::uniform_int_distribution<std::int64_t>(1, 6)(rng);
        const auto ticket = std::uniform_int_distribution<std::int64_t>(1, 2)(rng);
        const Stamp now{"prop", 1000 + step};
        try {
            switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
            case 0:
                receive_part(db, "00042", {.qty = qty, .unit_cost = 300 + qty * 10}, now);
                expected += qty;
                break;
            case 1:
                consume_part(db, "00042", qty, ticket, now);
                expected -= qty;
                consumed[ticket] += qty;
                break;
            case 2:
                return_part(db, "00042", qty, ticket, now);
                expected += qty;
                consumed[ticket] -= qty;
                break;
            default:
                adjust_part(db, "00042", qty, "count", now);
                expected = qty;
                break;
            }
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::refused); // never more than on hand or consumed
        }
        REQUIRE(scalar(db, "SELECT on_hand FROM part") == expected);
        REQUIRE(scalar(db, "SELECT coalesce(sum(qty), 0) FROM stock_move") == expected);
        REQUIRE(expected >= 0);
        REQUIRE(consumed[1] >= 0);
        REQUIRE(consumed[2] >= 0);
    }
}

TEST_CASE("receive updates the moving-average cost, rounded half-up") {
    Database db = Database::open_memory();
    const Stamp stamp{"ana", 10};
    add_part(db, "A-1", {.name = "Fan"}, stamp);
    receive_part(db, "A-1", {.qty = 3, .unit_cost = 4000}, stamp);
    receive_part(db, "A-1", {.qty = 4, .unit_cost = 4101}, stamp);
    // (3 x 40.00 + 4 x 41.01) / 7 = 40.577... -> 40.58
    CHECK(scalar(db, "SELECT unit_cost FROM part") == 4058);
    receive_part(db, "A-1", {.qty = 1}, stamp); // at the average: unchanged
    CHECK(scalar(db, "SELECT unit_cost FROM part") == 4058);
    // (8 x 40.58 + 1 x 0.05) / 9 = 36.0766... -> 36.08
    receive_part(db, "A-1", {.qty = 1, .unit_cost = 5}, stamp);
    CHECK(scalar(db, "SELECT unit_cost FROM part") == 3608);
}

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
