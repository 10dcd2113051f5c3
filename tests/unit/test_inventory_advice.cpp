// Reorder advice and valuation, worked by hand: the definitions, local days across a DST change,
// the inventory position with reservations and orders, the fixed rule with minimum order and
// pack, the service level, the value table, the normal quantile and the options' limits.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace svcmgr;

namespace {

constexpr std::int64_t k_day = 86'400;

std::int64_t cell(const Table& t, std::size_t row, std::string_view column) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].name == column) {
            return std::get<std::int64_t>(t.rows.at(row).at(i));
        }
    }
    FAIL("no column ", column);
    return 0;
}

} // namespace

TEST_CASE("daily usage is counted per local day, also on the 25-hour day of a DST change") {
    // Stockholm leaves summer time on Sunday 2026-10-25. The window of three local days is
    // 25, 26 and 27 October; 26 Oct 00:30 local is 25 Oct 23:30 UTC.
    const TimeZone tz = TimeZone::named("Europe/Stockholm");
    const std::int64_t now = tz.local_time(2026, 10, 27, 12, 0);
    Database db = Database::open_memory();
    const Stamp early{"ana", now - 30 * k_day};
    const auto t = add_ticket(db, {.title = "Reparation", .customer = "Åsa Öberg"}, early);
    add_part(db, "DST", {.name = "Fläkt", .lead_time_days = 1}, early);
    receive_part(db, "DST", {.qty = 10, .unit_cost = 100}, early);
    consume_part(db, "DST", 2, t, {"ana", tz.local_time(2026, 10, 26, 0, 30)});
    consume_part(db, "DST", 2, t, {"ana", tz.local_time(2026, 10, 26, 12, 0)});
    const Table value = inventory_value(db, {.usage = {.window_days = 3}}, now, tz);
    // Local days 0, 4, 0: mean 1.33; sample variance (16/9 + 64/9 + 16/9) / 2 = 16/3.
    // (Counted by UTC day it would be 2, 2, 0.)
    CHECK(cell(value, 0, "usage_per_day") == 133);
    CHECK(cell(value, 0, "days_of_cover") == 450); // 6 / (4/3) = 4.50
    const Table advice = reorder_advice(db, {.window_days = 3}, now, tz);
    REQUIRE(advice.rows.size() == 1);
    CHECK(cell(advice, 0, "usage_sigma") == 231); // sqrt(16/3) = 2.309
    // SS = 1.6449 x 2.3094 x 1 = 3.80; ROP = ceil(1.33 + 3.80) = 6; position 6
    CHECK(cell(advice, 0, "safety_stock") == 380);
    CHECK(cell(advice, 0, "reorder_point") == 6);
    CHECK(cell(advice, 0, "position") == 6);
}

namespace {

// 2026-11-22 12:00 UTC.
constexpr std::int64_t k_now = 1'795'348'800;

// One unit a day for the ten days of the window: usage exactly 1, sigma 0.
Database steady_fixture() {
    Database db = Database::open_memory();
    const Stamp early{"ana", k_now - 20 * k_day};
    const auto t1 = add_ticket(db, {.title = "Huolto", .customer = "Aino Virtanen"}, early);
    add_ticket(db, {.title = "Toinen", .customer = "Mikko Mäkinen"}, early);
    add_part(db, "F",
             {.name = "Suodatin",
              .order_rule = OrderRule::fixed,
              .reorder_qty = 7,
              .min_order = 10,
              .pack_size = 4,
              .lead_time_days = 3},
             early);
    receive_part(db, "F", {.qty = 14, .unit_cost = 500}, early);
    for (int d = 0; d < 10; ++d) {
        consume_part(db, "F", 1, t1, {"ana", k_now - d * k_day});
    }
    return db;
}

} // namespace

TEST_CASE("the position counts reservations and open orders, so advice is not repeated") {
    Database db = steady_fixture();
    const Stamp stamp{"ana", k_now};
    // On hand 4, nothing reserved: position 4 > ROP = ceil(1 x 3 + 0) = 3.
    CHECK(reorder_advice(db, {.window_days = 10}, k_now, TimeZone::utc()).rows.empty());
    // Ticket 2 reserves one: position 3 <= 3.
    REQUIRE(need_part(db, 2, "F", 1, stamp) == NeedOutcome::reserved);
    const Table advice = reorder_advice(db, {.window_days = 10}, k_now, TimeZone::utc());
    REQUIRE(advice.rows.size() == 1);
    CHECK(cell(advice, 0, "usage_per_day") == 100);
    CHECK(cell(advice, 0, "usage_sigma") == 0);
    CHECK(cell(advice, 0, "position") == 3);
    CHECK(cell(advice, 0, "reorder_point") == 3); // exactly 3: floating error adds no unit
    // Fixed 7, raised to the minimum order of 10, rounded up to packs of 4: 12 x 5.00 = 60.00
    CHECK(cell(advice, 0, "order_qty") == 12);
    CHECK(cell(advice, 0, "order_cost") == 6'000);
    // Once ordered, the position is 15 and nothing is advised until the stock runs down again.
    order_part(db, "F", {.qty = 12}, stamp);
    CHECK(reorder_advice(db, {.window_days = 10}, k_now, TimeZone::utc()).rows.empty());
}

TEST_CASE("a higher service level raises the safety stock and the reorder point") {
    Database db = Database::open_memory();
    const Stamp early{"ana", k_now - 20 * k_day};
    const auto t = add_ticket(db, {.title = "Servis", .customer = "Ivan Horvat"}, early);
    add_part(db, "S", {.name = "Remen", .lead_time_days = 9}, early);
    receive_part(db, "S", {.qty = 30, .unit_cost = 100}, early);
    // Four days: 0, 4, 0, 4 -> mean 2, sample variance 16/3, sigma 2.3094.
    consume_part(db, "S", 4, t, {"ana", k_now - 2 * k_day});
    consume_part(db, "S", 4, t, {"ana", k_now});
    const auto advice = [&](std::int64_t level) {
        return reorder_advice(db, {.window_days = 4, .service_level = level}, k_now,
                              TimeZone::utc());
    };
    // Position 22. 95%: SS = 1.6449 x 2.3094 x 3 = 11.40, ROP = ceil(2 x 9 + 11.40) = 30;
    // 99%: SS = 2.3263 x 2.3094 x 3 = 16.12, ROP = 35; 50%: z = 0, ROP = 18 < 22, no advice.
    CHECK(cell(advice(950), 0, "safety_stock") == 1140);
    CHECK(cell(advice(950), 0, "reorder_point") == 30);
    CHECK(cell(advice(990), 0, "safety_stock") == 1612);
    CHECK(cell(advice(990), 0, "reorder_point") == 35);
    CHECK(advice(500).rows.empty());
}

TEST_CASE("EOQ is rounded to nearest with halves up, then raised to the minimum order") {
    Database db = Database::open_memory();
    const Stamp early{"ana", k_now - 5 * k_day};
    const auto t = add_ticket(db, {.title = "Kompressori", .customer = "Mari Saar"}, early);
    add_part(db, "E", {.name = "Kompressor", .order_rule = OrderRule::eoq}, early);
    receive_part(db, "E", {.qty = 1, .unit_cost = 1'168'000}, early);
    consume_part(db, "E", 1, t, {"ana", k_now});
    // One day's window, 1 used: D = 365; S = 25.00; H = 11680.00 x 25% = 2920.00;
    // EOQ = sqrt(2 x 365 x 25 / 2920) = sqrt(6.25) = 2.5 -> 3. Position 0 <= ROP 0.
    const auto advice = [&] {
        return reorder_advice(db, {.window_days = 1}, k_now, TimeZone::utc());
    };
    REQUIRE(advice().rows.size() == 1);
    CHECK(cell(advice(), 0, "order_qty") == 3);
    CHECK(cell(advice(), 0, "order_cost") == 3'504'000);
    update_part(db, "E", {.min_order = 4}, early);
    CHECK(cell(advice(), 0, "order_qty") == 4);
    // No holding cost: EOQ falls back to the fixed quantity (1 when none is set).
    update_part(db, "E", {.min_order = 1, .holding_rate = 0}, early);
    CHECK(cell(advice(), 0, "order_qty") == 1);
    update_part(db, "E", {.reorder_qty = 6}, early);
    CHECK(cell(advice(), 0, "order_qty") == 6);
}

TEST_CASE("a part never used that a ticket waits for is below its reorder point, not dead") {
    Database db = Database::open_memory();
    const Stamp early{"ana", k_now - 5 * k_day};
    const auto t = add_ticket(db, {.title = "Näyttö rikki", .customer = "Aino Virtanen"}, early);
    add_part(db, "NEW", {.name = "Näyttö", .reorder_qty = 2, .lead_time_days = 4}, early);
    add_part(db, "IDLE", {.name = "Kaapeli", .lead_time_days = 4}, early);
    // Nothing used and nothing waiting: dead, no advice.
    CHECK(reorder_advice(db, {.window_days = 10}, k_now, TimeZone::utc()).rows.empty());
    // Out of stock, the ticket waits: usage 0, ROP 0, position 0 <= 0, order the fixed 2.
    REQUIRE(need_part(db, t, "NEW", 1, {"ana", k_now - k_day}) == NeedOutcome::waiting);
    const Table advice = reorder_advice(db, {.window_days = 10}, k_now, TimeZone::utc());
    REQUIRE(advice.rows.size() == 1);
    CHECK(std::get<std::string>(advice.rows[0][0]) == "NEW");
    CHECK(cell(advice, 0, "usage_per_day") == 0);
    CHECK(cell(advice, 0, "position") == 0);
    CHECK(cell(advice, 0, "reorder_point") == 0);
    CHECK(cell(advice, 0, "order_qty") == 2);
    // Once the ticket is resolved nobody waits: dead again.
    resolve_ticket(db, t, {}, {"ana", k_now});
    CHECK(reorder_advice(db, {.window_days = 10}, k_now, TimeZone::utc()).rows.empty());
}

TEST_CASE("advice options: whole days above 0 and a service level above 0% and below 100%") {
    const AdviceOptions options = parse_advice_options("4w", "98%");
    CHECK(options.window_days == 28);
    CHECK(options.service_level == 980);
    CHECK_FALSE(parse_advice_options("90d", "").service_level);
    const auto refusal = [](std::string_view window, std::string_view level) {
        try {
            parse_advice_options(window, level);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            return std::string(e.what());
        }
        FAIL("no error thrown");
        return std::string();
    };
    for (const char* window : {"0d", "36h", "-1d", "soon"}) {
        CHECK(refusal(window, "") == fmt::format("invalid value '{}' for --window: expected whole "
                                                 "days such as 90d or 4w",
                                                 window));
    }
    for (const char* level : {"0%", "100%", "150%", "high"}) {
        CHECK(refusal("90d", level) ==
              fmt::format("invalid value '{}' for --service-level: expected a percentage above 0 "
                          "and below 100 such as 95%",
                          level));
    }
}

TEST_CASE("inverse_normal is the standard normal quantile") {
    CHECK(inverse_normal(0.95) == doctest::Approx(1.6448536269514722).epsilon(1e-12));
    CHECK(inverse_normal(0.5) == doctest::Approx(0.0));
    CHECK(inverse_normal(0.01) == doctest::Approx(-2.3263478740408408).epsilon(1e-12));
    CHECK(inverse_normal(0.999) == doctest::Approx(3.090232306167813).epsilon(1e-12));
}

namespace {

// At k_now the five-day window is 18 to 22 November.
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
    // Without TotalRow::yes (the machine formats' choice) the parts alone, the same rows.
    const Table parts = inventory_value(db, {.usage = {.window_days = 5}}, k_now, TimeZone::utc());
    REQUIRE(parts.rows.size() == 3);
    CHECK(parts.rows[2] == value.rows[2]);
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
