// The inventory ledger: on_hand always equals the sum of the ledger and never goes below zero.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace svcmgr;
using namespace svcmgr::test;

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

TEST_CASE("inverse_normal is the standard normal quantile") {
    CHECK(inverse_normal(0.95) == doctest::Approx(1.6448536269514722).epsilon(1e-12));
    CHECK(inverse_normal(0.5) == doctest::Approx(0.0));
    CHECK(inverse_normal(0.01) == doctest::Approx(-2.3263478740408408).epsilon(1e-12));
    CHECK(inverse_normal(0.999) == doctest::Approx(3.090232306167813).epsilon(1e-12));
}

namespace {

// 2026-11-22 12:00 UTC; the five-day window is 18 to 22 November.
constexpr std::int64_t k_now = 1'795'348'800;
constexpr std::int64_t k_day = 86'400;

Database advice_fixture() {
    Database db = Database::open_memory();
    const Stamp early{"ana", k_now - 20 * k_day};
    const auto t = add_ticket(db, {.title = "Repairs", .customer = "Agus Pratama"}, early);
    add_part(db, "P1",
             {.name = "Roller",
              .order_rule = OrderRule::eoq,
              .min_order = 150,
              .pack_size = 40,
              .lead_time_days = 4},
             early);
    receive_part(db, "P1", {.qty = 20, .unit_cost = 1000}, early);
    // Daily usage 18..22 Nov: 2, 0, 3 (4 used, 1 returned), 1, 4 -> mean 2, sample variance 2.5
    const auto on = [&](int day) { return Stamp{"ana", k_now - (22 - day) * k_day}; };
    consume_part(db, "P1", 2, t, on(18));
    consume_part(db, "P1", 4, t, on(20));
    return_part(db, "P1", 1, t, on(20));
    consume_part(db, "P1", 1, t, on(21));
    consume_part(db, "P1", 4, t, on(22));
    // A dead part and an up-to-max part with its own holding rate.
    add_part(db, "P2", {.name = "Belt"}, early);
    receive_part(db, "P2", {.qty = 5, .unit_cost = 300}, early);
    add_part(
        db, "P3",
        {.name = "Fuse", .order_rule = OrderRule::up_to_max, .max_qty = 5, .holding_rate = 200},
        early);
    receive_part(db, "P3", {.qty = 8, .unit_cost = 200}, early);
    return db;
}

} // namespace

TEST_CASE("reorder advice follows the definitions, worked by hand") {
    Database db = advice_fixture();
    const Table advice = reorder_advice(db, {.window_days = 5}, k_now, TimeZone::utc());
    REQUIRE(advice.rows.size() == 1);
    const Row& r = advice.rows[0];
    CHECK(std::get<std::string>(r[0]) == "P1");
    CHECK(std::get<std::int64_t>(r[2]) == 200); // usage 2.00 per day
    CHECK(std::get<std::int64_t>(r[3]) == 158); // sigma = sqrt(2.5) = 1.58
    CHECK(std::get<std::int64_t>(r[4]) == 500); // cover: on hand 10 / 2 = 5.00 days
    CHECK(std::get<std::int64_t>(r[5]) == 4);
    CHECK(std::get<std::int64_t>(r[6]) == 520); // SS = 1.6449 x 1.5811 x sqrt(4) = 5.20
    CHECK(std::get<std::int64_t>(r[7]) == 10);  // position = 10 - 0 + 0
    CHECK(std::get<std::int64_t>(r[8]) == 14);  // ROP = ceil(2 x 4 + 5.20) = 14
    // EOQ = sqrt(2 x 730 x 25.00 / (10.00 x 25%)) = 120.8 -> 121; min order 150; pack 40 -> 160
    CHECK(std::get<std::int64_t>(r[9]) == 160);
    CHECK(std::get<std::int64_t>(r[10]) == 160'000);
}

TEST_CASE("a reorder point set on the part overrides the computed one") {
    Database db = advice_fixture();
    update_part(db, "P1", {.reorder_point = 9}, {"ana", k_now});
    CHECK(reorder_advice(db, {.window_days = 5}, k_now, TimeZone::utc()).rows.empty());
}

TEST_CASE("list below:reorder is the parts that reorder advice orders, computed points too") {
    Database db = advice_fixture();
    const auto listed = [&] {
        std::vector<std::string> skus;
        for (const Row& r : list_parts(db, {"below:reorder"}, k_now, TimeZone::utc()).rows) {
            skus.push_back(std::get<std::string>(r[0]));
        }
        return skus;
    };
    // P1 has no reorder point of its own; over 90 days its computed one is 6 (usage 0.50 a day,
    // safety stock 3.77), and a reservation of 5 brings its position from 10 to 5.
    const Stamp now{"ana", k_now};
    const auto t = add_ticket(db, {.title = "Needs rollers", .customer = "Agus Pratama"}, now);
    CHECK(need_part(db, t, "P1", 5, now) == NeedOutcome::reserved);
    const Table advice = reorder_advice(db, {}, k_now, TimeZone::utc());
    REQUIRE(advice.rows.size() == 1);
    CHECK(std::get<std::string>(advice.rows[0][0]) == "P1");
    CHECK(listed() == std::vector<std::string>{"P1"});
    // A point set below the position: neither orders it.
    update_part(db, "P1", {.reorder_point = 4}, now);
    CHECK(reorder_advice(db, {}, k_now, TimeZone::utc()).rows.empty());
    CHECK(listed().empty());
}

TEST_CASE("inventory value: holding cost, cover, dead and excess stock, worked by hand") {
    Database db = advice_fixture();
    const Table value = inventory_value(db, {.usage = {.window_days = 5}, .total = TotalRow::yes},
                                        k_now, TimeZone::utc());
    REQUIRE(value.rows.size() == 4);
    const auto cell = [&](std::size_t row, std::size_t col) { return value.rows[row][col]; };
    // P1: 10 x 10.00 = 100.00, 25% -> 25.00 a year; cover 5.00 days; no excess (ROP 14 + 160)
    CHECK(cell(0, 4) == Value{std::int64_t{10'000}});
    CHECK(cell(0, 6) == Value{std::int64_t{2'500}});
    CHECK(cell(0, 8) == Value{std::int64_t{500}});
    CHECK(cell(0, 9) == Value{std::int64_t{0}});
    CHECK(cell(0, 10) == Value{std::int64_t{0}});
    // P2: dead; 5 x 3.00 = 15.00 -> 3.75; excess over ROP 0 + order 1: 4 -> 12.00 -> 3.00
    CHECK(cell(1, 6) == Value{std::int64_t{375}});
    CHECK(cell(1, 8) == Value{});
    CHECK(cell(1, 9) == Value{std::int64_t{1}});
    CHECK(cell(1, 10) == Value{std::int64_t{4}});
    CHECK(cell(1, 11) == Value{std::int64_t{1'200}});
    CHECK(cell(1, 12) == Value{std::int64_t{300}});
    // P3: up to max 5, 8 on hand: 3 over -> 6.00, at 20% -> 1.20; 16.00 at 20% -> 3.20
    CHECK(cell(2, 6) == Value{std::int64_t{320}});
    CHECK(cell(2, 10) == Value{std::int64_t{3}});
    CHECK(cell(2, 12) == Value{std::int64_t{120}});
    // Total: 131.00, holding 31.95, cover 131.00 / (2 x 10.00) = 6.55 days, excess 18.00 / 4.20
    CHECK(cell(3, 1) == Value{std::string("total")});
    CHECK(cell(3, 4) == Value{std::int64_t{13'100}});
    CHECK(cell(3, 6) == Value{std::int64_t{3'195}});
    CHECK(cell(3, 8) == Value{std::int64_t{655}});
    CHECK(cell(3, 11) == Value{std::int64_t{1'800}});
    CHECK(cell(3, 12) == Value{std::int64_t{420}});
}

TEST_CASE("a part younger than the window averages over its own days") {
    Database db = Database::open_memory();
    const auto t = add_ticket(db, {.title = "New", .customer = "Mari Saar"}, {"ana", k_now});
    add_part(db, "N", {.name = "New part", .reorder_point = 100}, {"ana", k_now - k_day});
    receive_part(db, "N", {.qty = 10, .unit_cost = 100}, {"ana", k_now - k_day}); // 21 Nov
    consume_part(db, "N", 4, t, {"ana", k_now});                                  // 22 Nov
    const Table advice = reorder_advice(db, {.window_days = 90}, k_now, TimeZone::utc());
    REQUIRE(advice.rows.size() == 1);
    CHECK(std::get<std::int64_t>(advice.rows[0][2]) == 200); // 4 over 2 days, not over 90
}
