// The inventory ledger and its ties to tickets: on_hand always equals the sum of the ledger and
// never goes below zero, what a refused write leaves behind, the moving-average cost, returns at
// the cost the ticket paid, reservations of finished tickets, orders, and `ticket need`.

#include <svcmgr/audit.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <string>

using namespace svcmgr;
using namespace svcmgr::test;

namespace {

// Every row of every table that a write may touch, as one string.
std::string snapshot(Database& db) {
    std::string all;
    for (const char* table :
         {"part", "stock_move", "stock_order", "ticket_part", "ticket", "ticket_event", "audit"}) {
        Statement st(db, std::string("SELECT * FROM ") + table + " ORDER BY 1");
        while (st.step()) {
            for (int i = 0; i < st.column_count(); ++i) {
                all += st.optional_text(i).value_or("NULL") + "|";
            }
            all += "\n";
        }
    }
    return all;
}

ErrorKind refusal(Database& db, const std::function<void()>& write) {
    const std::string before = snapshot(db);
    try {
        write();
    } catch (const Error& e) {
        CHECK(snapshot(db) == before);
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::refused;
}

struct Fixture {
    Database db = Database::open_memory();
    Stamp stamp{"ana", 1'795'348'800};
    std::int64_t t1 = add_ticket(db, {.title = "Zaslon", .customer = "Ivan Horvat"}, stamp);
    std::int64_t t2 = add_ticket(db, {.title = "Tulostin", .customer = "Aino Virtanen"}, stamp);
    Fixture() { add_part(db, "00123", {.name = "Näyttö 15\"", .unit_cost = 1000}, stamp); }
};

} // namespace

TEST_CASE("refused writes leave every table as it was") {
    Fixture f;
    receive_part(f.db, "00123", {.qty = 2}, f.stamp);
    CHECK(refusal(f.db, [&] { consume_part(f.db, "00123", 3, f.t1, f.stamp); }) ==
          ErrorKind::refused);
    CHECK(refusal(f.db, [&] { consume_part(f.db, "00123", 1, 99, f.stamp); }) ==
          ErrorKind::refused);
    CHECK(refusal(f.db, [&] { consume_part(f.db, "123", 1, f.t1, f.stamp); }) ==
          ErrorKind::refused);
    CHECK(refusal(f.db, [&] { consume_part(f.db, "00123", 0, f.t1, f.stamp); }) ==
          ErrorKind::usage);
    CHECK(refusal(f.db, [&] { receive_part(f.db, "00123", {.qty = -1}, f.stamp); }) ==
          ErrorKind::usage);
    CHECK(refusal(f.db, [&] { return_part(f.db, "00123", 1, f.t1, f.stamp); }) ==
          ErrorKind::refused);
    CHECK(refusal(f.db, [&] { add_part(f.db, "00123", {.name = "Again"}, f.stamp); }) ==
          ErrorKind::refused);
    CHECK(refusal(f.db, [&] { need_part(f.db, 99, "00123", 1, f.stamp); }) == ErrorKind::refused);
    CHECK(refusal(f.db, [&] { need_part(f.db, f.t1, "nope", 1, f.stamp); }) == ErrorKind::refused);
    CHECK(refusal(f.db, [&] { adjust_part(f.db, "00123", 5, " ", f.stamp); }) == ErrorKind::usage);
    CHECK(refusal(f.db, [&] { order_part(f.db, "00123", {.qty = 0}, f.stamp); }) ==
          ErrorKind::usage);
    CHECK(refusal(f.db, [&] { update_part(f.db, "00123", {.holding_rate = 2500}, f.stamp); }) ==
          ErrorKind::usage);
}

TEST_CASE("a SKU differing only in case or leading zeros is another part") {
    Fixture f;
    add_part(f.db, "123", {.name = "Other"}, f.stamp);
    add_part(f.db, "ABC", {.name = "Upper"}, f.stamp);
    add_part(f.db, "abc", {.name = "Lower"}, f.stamp);
    add_part(f.db, "Ω-7", {.name = "Omega"}, f.stamp);
    CHECK(scalar(f.db, "SELECT count(*) FROM part") == 5);
    CHECK(text(f.db, "SELECT name FROM part WHERE sku = 'abc'") == "Lower");
    for (const char* guarded :
         {"=1+1", "+1", "-1", "@A", "\tA", "\rA", "\nA", "'A", "＝A", "＋A", "－A", "＠A"}) {
        CAPTURE(guarded);
        CHECK(refusal(f.db, [&] { add_part(f.db, guarded, {.name = "x"}, f.stamp); }) ==
              ErrorKind::usage);
    }
}

TEST_CASE("every part change writes one audit row and audit verify holds") {
    Fixture f;
    const auto rows = [&] {
        return scalar(f.db, "SELECT count(*) FROM audit WHERE entity = 'part'");
    };
    CHECK(rows() == 1);
    receive_part(f.db, "00123", {.qty = 5, .unit_cost = 1200}, f.stamp);
    consume_part(f.db, "00123", 2, f.t1, f.stamp);
    return_part(f.db, "00123", 1, f.t1, f.stamp);
    adjust_part(f.db, "00123", 3, "cycle count", f.stamp);
    update_part(f.db, "00123", {.location = "A-3"}, f.stamp);
    CHECK(rows() == 6);
    CHECK(text(f.db, "SELECT entity_id FROM audit WHERE entity = 'part' ORDER BY seq DESC") == "1");
    const VerifyReport report = verify_audit(f.db, {});
    CHECK(report.problems.empty());
}

TEST_CASE("a return goes back at the cost the ticket paid and the average takes it in") {
    Fixture f;
    receive_part(f.db, "00123", {.qty = 2, .unit_cost = 1000}, f.stamp);
    consume_part(f.db, "00123", 2, f.t1, f.stamp); // ticket 1 paid 2 x 10.00
    receive_part(f.db, "00123", {.qty = 2, .unit_cost = 2000}, f.stamp);
    CHECK(scalar(f.db, "SELECT unit_cost FROM part") == 2000);
    return_part(f.db, "00123", 1, f.t1, f.stamp);
    CHECK(scalar(f.db, "SELECT unit_cost FROM stock_move ORDER BY id DESC") == 1000);
    // (2 x 20.00 + 1 x 10.00) / 3 = 16.666... -> 16.67, half-up
    CHECK(scalar(f.db, "SELECT unit_cost FROM part") == 1667);
    const std::string parts_cost =
        "SELECT -sum(qty * unit_cost) FROM stock_move WHERE ticket_id = 1";
    CHECK(scalar(f.db, parts_cost) == 1000);
    return_part(f.db, "00123", 1, f.t1, f.stamp);
    CHECK(scalar(f.db, parts_cost) == 0);
}

TEST_CASE("returns after uneven costs never take a ticket's parts cost below zero") {
    Fixture f;
    receive_part(f.db, "00123", {.qty = 1, .unit_cost = 200}, f.stamp);
    consume_part(f.db, "00123", 1, f.t1, f.stamp);
    receive_part(f.db, "00123", {.qty = 1, .unit_cost = 300}, f.stamp);
    consume_part(f.db, "00123", 1, f.t1, f.stamp); // paid 2.00 + 3.00 = 5.00 for two
    return_part(f.db, "00123", 2, f.t1, f.stamp);  // 2.50 each -> 2 x 2.50 = 5.00
    CHECK(scalar(f.db, "SELECT -sum(qty * unit_cost) FROM stock_move WHERE ticket_id = 1") == 0);

    receive_part(f.db, "00123", {.qty = 1, .unit_cost = 201}, f.stamp);
    consume_part(f.db, "00123", 3, f.t2, f.stamp); // three at the average
    const std::int64_t paid =
        scalar(f.db, "SELECT -sum(qty * unit_cost) FROM stock_move WHERE ticket_id = 2");
    return_part(f.db, "00123", 3, f.t2, f.stamp);
    const std::int64_t left =
        scalar(f.db, "SELECT -sum(qty * unit_cost) FROM stock_move WHERE ticket_id = 2");
    CHECK(left >= 0);
    CHECK(left < 3); // at most a cent of rounding per unit stays charged
    CHECK(paid > left);
}

TEST_CASE("receive fills the oldest open order first and on_order counts in the position") {
    Fixture f;
    const auto first = order_part(f.db, "00123", {.qty = 5, .supplier = "Elkomp"}, f.stamp);
    const auto second = order_part(f.db, "00123", {.qty = 4}, {"ana", f.stamp.now + 60});
    CHECK(open_orders(f.db).rows.size() == 2);
    const auto on_order = [&] {
        return list_parts(f.db, {}, f.stamp.now, TimeZone::utc()).rows.at(0).at(6);
    };
    CHECK(on_order() == Value{std::int64_t{9}});
    receive_part(f.db, "00123", {.qty = 7}, f.stamp);
    CHECK(scalar(f.db,
                 "SELECT received_qty FROM stock_order WHERE id = " + std::to_string(first)) == 5);
    CHECK(scalar(f.db,
                 "SELECT received_qty FROM stock_order WHERE id = " + std::to_string(second)) == 2);
    CHECK(on_order() == Value{std::int64_t{2}});
    const Table open = open_orders(f.db);
    REQUIRE(open.rows.size() == 1);
    CHECK(open.rows[0][0] == Value{second});
    receive_part(f.db, "00123", {.qty = 10}, f.stamp); // more than ordered: the rest is stock
    CHECK(open_orders(f.db).rows.empty());
    CHECK(scalar(f.db, "SELECT on_hand FROM part") == 17);
}

TEST_CASE("ticket need: reserved in stock, waiting_parts out of stock, refused when finished") {
    Fixture f;
    receive_part(f.db, "00123", {.qty = 1}, f.stamp);
    CHECK(need_part(f.db, f.t1, "00123", 1, f.stamp) == NeedOutcome::reserved);
    CHECK(text(f.db, "SELECT status FROM ticket WHERE id = 1") == "new");
    // The one unit is reserved for ticket 1: ticket 2 must wait, and may not consume it.
    start_ticket(f.db, f.t2, f.stamp);
    CHECK(need_part(f.db, f.t2, "00123", 1, f.stamp) == NeedOutcome::waiting);
    CHECK(text(f.db, "SELECT status FROM ticket WHERE id = 2") == "waiting_parts");
    CHECK(text(f.db, "SELECT new_value FROM ticket_event WHERE ticket_id = 2 AND kind = 'status' "
                     "ORDER BY id DESC") == "waiting_parts");
    CHECK(refusal(f.db, [&] { consume_part(f.db, "00123", 1, f.t2, f.stamp); }) ==
          ErrorKind::refused);
    consume_part(f.db, "00123", 1, f.t1, f.stamp);
    CHECK(scalar(f.db, "SELECT count(*) FROM ticket_part WHERE state = 'reserved'") == 0);

    // The delivery serves ticket 2's need; --release reserves and resumes it.
    const Table unblocked = receive_part(f.db, "00123", {.qty = 1, .release = true}, f.stamp);
    REQUIRE(unblocked.rows.size() == 1);
    CHECK(unblocked.rows[0][0] == Value{f.t2});
    CHECK(text(f.db, "SELECT status FROM ticket WHERE id = 2") == "in_progress");
    CHECK(text(f.db, "SELECT state FROM ticket_part WHERE ticket_id = 2") == "reserved");

    resolve_ticket(f.db, f.t1, {}, f.stamp);
    CHECK(refusal(f.db, [&] { need_part(f.db, f.t1, "00123", 1, f.stamp); }) == ErrorKind::refused);
    CHECK(verify_audit(f.db, {}).problems.empty());
}

TEST_CASE("a resolved ticket's reservation no longer holds stock back") {
    Fixture f;
    receive_part(f.db, "00123", {.qty = 1}, f.stamp);
    REQUIRE(need_part(f.db, f.t1, "00123", 1, f.stamp) == NeedOutcome::reserved);
    CHECK(list_parts(f.db, {}, f.stamp.now, TimeZone::utc()).rows.at(0).at(5) ==
          Value{std::int64_t{1}});
    CHECK_THROWS_AS(consume_part(f.db, "00123", 1, f.t2, f.stamp), Error);
    resolve_ticket(f.db, f.t1, {}, f.stamp);
    CHECK(list_parts(f.db, {}, f.stamp.now, TimeZone::utc()).rows.at(0).at(5) ==
          Value{std::int64_t{0}});
    consume_part(f.db, "00123", 1, f.t2, f.stamp);
    CHECK(scalar(f.db, "SELECT on_hand FROM part") == 0);
}

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
