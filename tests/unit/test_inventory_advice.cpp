// Reorder advice, worked by hand: local days across a DST change, the inventory position with
// reservations and orders, the fixed rule with minimum order and pack, and the service level.

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
