// Reports on a small fixed data set whose every expected number is worked out by hand below.

#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/report.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/ticket.hpp>

#include "report/history.hpp"
#include "report/percentiles.hpp"

#include <doctest/doctest.h>

using namespace svcmgr;

namespace {

const TimeZone k_utc = TimeZone::utc();
// 2026-11-01 00:00 UTC; H(d, h) is d days and h hours later.
const std::int64_t k_t0 = k_utc.local_midnight(2026, 11, 1);
std::int64_t H(std::int64_t day, std::int64_t hour) {
    return k_t0 + day * 86'400 + hour * 3'600;
}
Stamp at(std::int64_t t) {
    return {"tester", t};
}

// The data set (times UTC; the period under test is Nov 2, [H(1,0), H(2,0))):
//   settings: hourly_cost 60.00 (1.00 a minute); SLA defaults (normal 8h/3d, high 4h/1d,
//   urgent 1h/4h); repeat_window 30d
//   T1 Ana, billing/phone, normal, assignee åsa, created Nov 2 09:00
//      reply 10:00 (30 min), wait customer 11:00, inbound 12:00 (a chaser), start 13:00,
//      wait customer 14:00, start 16:00, resolve 17:00 cause double-charge preventable,
//      close 18:00 rating 4; clock runs 9-11, 13-14, 16-17 = 4h = 14400 s (two waiting spells)
//   T2 Ana, other/other, high, created Nov 2 20:00: a repeat contact of T1; no reply;
//      first response due Nov 3 00:00 = the period's end, so not in it
//   T3 Bo, repair/store, normal, created Nov 1 10:00, inbound 11:00 (a chaser, before the
//      period), reply 12:00; assigned to Lars Nov 2 07:00; 45 min Nov 2 08:00; 2 parts at 12.50
//      consumed Nov 2 09:00; resolve Nov 2 12:00 not preventable, no cause (clock 26h = 93600 s);
//      close 13:00 without a rating
//   T4 Cy, billing/email, urgent, created Nov 1 08:00, never answered: both clocks fell due on
//      Nov 1 (before the period); inbound Nov 2 15:00 (a chaser)
//   T5 Cy, billing/email, normal, created Nov 1 22:00, waiting for the customer from 23:00:
//      first response due Nov 2 06:00 (in the period, a breach); resolution clock paused at 1h
// Later, after the period: T1 reassigned to Lars Nov 4 08:00, reopened Nov 4 09:00, resolved
// again 10:00 (no cause given), closed 11:00 rating 1; T4 resolved Nov 4 00:00.
struct Fixture {
    Database db = Database::open_memory();

    Fixture() {
        set_setting(db, "hourly_cost", "60", at(k_t0));
        const auto add = [&](const char* title, const char* customer, const char* category,
                             const char* channel, Priority p, std::int64_t t,
                             std::optional<std::string> assignee = std::nullopt) {
            return add_ticket(db,
                              {.title = title,
                               .customer = customer,
                               .category = category,
                               .channel = channel,
                               .priority = p,
                               .assignee = std::move(assignee)},
                              at(t));
        };
        add_part(db, "00123", {.name = "Fuse", .unit_cost = 1250}, at(k_t0));
        receive_part(db, "00123", {.qty = 5}, at(k_t0));

        const auto t4 = add("No power", "Cy", "billing", "email", Priority::urgent, H(0, 8));
        const auto t3 = add("Repair", "Bo", "repair", "store", Priority::normal, H(0, 10));
        comment_ticket(db, t3, {.body = "any news?", .kind = CommentKind::inbound}, at(H(0, 11)));
        comment_ticket(db, t3, {.body = "on it", .kind = CommentKind::reply}, at(H(0, 12)));
        const auto t5 = add("Invoice", "Cy", "billing", "email", Priority::normal, H(0, 22));
        wait_ticket(db, t5, Status::waiting_customer, at(H(0, 23)));
        update_ticket(db, t3, {.assignee = "Lars"}, at(H(1, 7)));
        comment_ticket(db, t3, {.body = "fixed", .minutes = 45}, at(H(1, 8)));
        consume_part(db, "00123", 2, t3, at(H(1, 9)));
        resolve_ticket(db, t3, {.preventable = Preventable::no}, at(H(1, 12)));
        close_ticket(db, t3, std::nullopt, at(H(1, 13)));

        const auto t1 =
            add("Charged twice", "Ana", "billing", "phone", Priority::normal, H(1, 9), "åsa");
        comment_ticket(db, t1, {.body = "sorry", .kind = CommentKind::reply, .minutes = 30},
                       at(H(1, 10)));
        wait_ticket(db, t1, Status::waiting_customer, at(H(1, 11)));
        comment_ticket(db, t1, {.body = "hello?", .kind = CommentKind::inbound}, at(H(1, 12)));
        start_ticket(db, t1, at(H(1, 13)));
        wait_ticket(db, t1, Status::waiting_customer, at(H(1, 14)));
        start_ticket(db, t1, at(H(1, 16)));
        resolve_ticket(db, t1, {.cause = "double-charge", .preventable = Preventable::yes},
                       at(H(1, 17)));
        close_ticket(db, t1, 4, at(H(1, 18)));
        comment_ticket(db, t4, {.body = "still dark", .kind = CommentKind::inbound}, at(H(1, 15)));
        add("Charged again", "Ana", "other", "other", Priority::high, H(1, 20));
        REQUIRE(t1 == 4);
    }

    void later() {
        update_ticket(db, 4, {.assignee = "Lars"}, at(H(3, 8)));
        reopen_ticket(db, 4, at(H(3, 9)));
        resolve_ticket(db, 4, {}, at(H(3, 10)));
        close_ticket(db, 4, 1, at(H(3, 11)));
        resolve_ticket(db, 1, {}, at(H(3, 0)));
    }

    ReportResult run(std::string_view name, ReportOptions options, std::int64_t now) {
        return run_report(db, *find_report(name), options, now, k_utc);
    }
    ReportResult day(std::string_view name) {
        return run(name, {.period = {H(1, 0), H(2, 0)}}, H(5, 0));
    }
};

// Ticket ids in creation order: T4 = 1, T3 = 2, T5 = 3, T1 = 4, T2 = 5.

std::size_t col(const Table& t, std::string_view name) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].name == name) {
            return i;
        }
    }
    FAIL("no column ", name);
    return 0;
}

Value cell(const Table& t, std::size_t row, std::string_view name) {
    REQUIRE(row < t.rows.size());
    return t.rows[row][col(t, name)];
}

Value n(std::int64_t v) {
    return v;
}
Value s(const char* v) {
    return std::string(v);
}
const Value k_null{};

Value metric(const ReportResult& r, std::string_view name) {
    for (const auto& [m, v] : r.metrics) {
        if (m == name) {
            return v;
        }
    }
    FAIL("no metric ", name);
    return {};
}

} // namespace

TEST_CASE("summary of one day counts every number of DESIGN.md's definitions") {
    Fixture f;
    const auto r = f.day("summary");
    const Table& t = r.table;
    // Groups by (category, channel), then the (all) row.
    REQUIRE(t.rows.size() == 5);
    CHECK(cell(t, 0, "category") == s("billing"));
    CHECK(cell(t, 0, "channel") == s("email")); // T4 and T5: backlog 2, T5's breach, T4's chaser
    CHECK(cell(t, 0, "backlog") == n(2));
    CHECK(cell(t, 0, "sla_breaches") == n(1));
    CHECK(cell(t, 0, "chasers") == n(1));
    CHECK(cell(t, 3, "category") == s("repair")); // T3: 45 min + 2 x 12.50 = 70.00
    CHECK(cell(t, 3, "cost") == n(7000));
    const std::size_t all = 4;
    CHECK(cell(t, all, "category") == s("(all)"));
    CHECK(cell(t, all, "opened") == n(2));   // T1, T2
    CHECK(cell(t, all, "resolved") == n(2)); // T1, T3
    CHECK(cell(t, all, "closed") == n(2));   // T1, T3
    CHECK(cell(t, all, "backlog") == n(3));  // T2, T4, T5 at Nov 3 00:00
    // First response: only T1's (1h) stopped in the period.
    CHECK(cell(t, all, "first_response_median") == n(3600));
    CHECK(cell(t, all, "first_response_p90") == n(3600));
    // Resolution: T1 14400, T3 93600. Median 14400 + 0.5 x 79200 = 54000;
    // p90 14400 + 0.9 x 79200 = 85680.
    CHECK(cell(t, all, "resolution_median") == n(54000));
    CHECK(cell(t, all, "resolution_p90") == n(85680));
    // First response: T1 in time, T5 fell due at 06:00 unanswered: 1 of 2 = 50.0%.
    // T2 falls due at the period's end (exclusive) and T4 fell due before it: not counted.
    CHECK(cell(t, all, "sla_first_response_pct") == n(500));
    CHECK(cell(t, all, "sla_resolution_pct") == n(1000)); // T1 and T3 within 3d
    CHECK(cell(t, all, "sla_breaches") == n(1));          // T5
    // CSAT: T1 rated 4, T3 closed without a rating.
    CHECK(cell(t, all, "csat_avg") == n(400));
    CHECK(cell(t, all, "csat_pct") == n(1000));
    CHECK(cell(t, all, "csat_response_rate") == n(500));
    // Preventable: T1 yes, T3 no, of 2 resolved.
    CHECK(cell(t, all, "preventable") == n(1));
    CHECK(cell(t, all, "not_preventable") == n(1));
    CHECK(cell(t, all, "preventable_unknown") == n(0));
    CHECK(cell(t, all, "preventable_pct") == n(500));
    CHECK(cell(t, all, "repeat_contacts") == n(1)); // T2 after T1
    CHECK(cell(t, all, "chasers") == n(2));         // T1 at 12:00, T4 at 15:00
    CHECK(cell(t, all, "cost") == n(10000));        // 30.00 + 45.00 + 25.00
    CHECK(metric(r, "sla_breaches") == n(1));
    CHECK(metric(r, "csat_avg") == n(400));
}

TEST_CASE("a past period's numbers do not change when a ticket is reopened later") {
    Fixture f;
    const std::vector<std::string> reports = {"summary", "causes", "customers", "agents"};
    std::vector<Table> before;
    for (const auto& name : reports) {
        before.push_back(f.day(name).table);
    }
    f.later();
    for (std::size_t i = 0; i < reports.size(); ++i) {
        CAPTURE(reports[i]);
        CHECK(f.day(reports[i]).table.rows == before[i].rows);
    }
}

TEST_CASE("the next day counts what fell due at the boundary") {
    Fixture f;
    f.later();
    // Nov 3: T2's first response fell due at 00:00 (the period's start, inclusive).
    const auto r = f.run("summary", {.period = {H(2, 0), H(3, 0)}}, H(5, 0));
    const Table& t = r.table;
    const std::size_t all = t.rows.size() - 1;
    CHECK(cell(t, all, "opened") == n(0));
    CHECK(cell(t, all, "sla_first_response_pct") == n(0));
    // T2's resolution clock (1d, high) ran out Nov 3 20:00 too: one ticket, two clocks.
    CHECK(cell(t, all, "sla_resolution_pct") == n(0));
    CHECK(cell(t, all, "sla_breaches") == n(1));
    CHECK(cell(t, all, "first_response_median") == k_null);
    CHECK(cell(t, all, "csat_avg") == k_null);
}

TEST_CASE("a period that ends in the future counts no ticket late that is not late yet") {
    Fixture f;
    // Nov 2 and 3, asked at Nov 2 21:00: T2 (high, created 20:00) falls due Nov 3 00:00 for its
    // first response and Nov 3 20:00 for its resolution, both after now. Only T5 breached.
    const ReportPeriod two_days{H(1, 0), H(3, 0)};
    const auto early = f.run("summary", {.period = two_days}, H(1, 21));
    CHECK(metric(early, "sla_breaches") == n(1));
    CHECK(metric(early, "sla_first_response_pct") == n(500)); // T1 met, T5 late
    // Asked later, T2 breached both clocks within the two days.
    const auto late = f.run("summary", {.period = two_days}, H(5, 0));
    CHECK(metric(late, "sla_breaches") == n(2));
    CHECK(metric(late, "sla_first_response_pct") == n(333)); // 1 of T1, T5, T2
}

TEST_CASE("an active ticket that did not change for weeks is in the backlog of a day") {
    Fixture f;
    // Created Oct 22, waiting for parts since: no event near the day, so it is counted in SQL
    // rather than read; it waited all 24 hours of the day.
    const auto before = f.day("inventory");
    const auto old = add_ticket(
        f.db, {.title = "Old", .customer = "Dag", .category = "returns", .channel = "web"},
        at(H(-10, 0)));
    wait_ticket(f.db, old, Status::waiting_parts, at(H(-10, 1)));
    const auto r = f.day("summary");
    const Table& t = r.table;
    REQUIRE(t.rows.size() == 6);
    CHECK(t.rows[4] == Row{s("returns"), s("web"), n(0),   n(0),   n(0),   n(1),   k_null,
                           k_null,       k_null,   k_null, k_null, k_null, k_null, k_null,
                           n(0),         k_null,   k_null, k_null, n(0),   n(0),   n(0),
                           k_null,       n(0),     n(0),   n(0)});
    CHECK(metric(r, "backlog") == n(4)); // T2, T4, T5 and the old one
    const auto after = f.day("inventory");
    CHECK(std::get<std::int64_t>(metric(after, "parts_wait_time")) -
              std::get<std::int64_t>(metric(before, "parts_wait_time")) ==
          86'400);
}

TEST_CASE("a period's reports read through the indexes as if every ticket were read") {
    // An old ticket nobody touched, waiting for parts, and one whose clock may fall due: then a
    // note after the period on every ticket, so that all of them are read in full. Nothing in
    // the period changes, nor may any number.
    Fixture f;
    const auto old = add_ticket(f.db, {.title = "Old", .customer = "Dag"}, at(H(-10, 0)));
    wait_ticket(f.db, old, Status::waiting_parts, at(H(-10, 1)));
    add_ticket(f.db, {.title = "Quiet", .customer = "Eva"}, at(H(0, 20)));
    const std::vector<std::string> reports = {"summary", "causes", "customers", "agents",
                                              "inventory"};
    std::vector<Table> indexed;
    for (const auto& name : reports) {
        indexed.push_back(f.day(name).table);
    }
    for (std::int64_t id = 1; id <= old + 1; ++id) {
        comment_ticket(f.db, id, {.body = "later"}, at(H(2, 0)));
    }
    for (std::size_t i = 0; i < reports.size(); ++i) {
        CAPTURE(reports[i]);
        const Table all_read = f.day(reports[i]).table;
        CHECK(all_read.rows == indexed[i].rows);
    }
}

TEST_CASE("causes: preventable first, a (none) row, cost, repeats and chasers") {
    Fixture f;
    const auto r = f.day("causes");
    const Table& t = r.table;
    REQUIRE(t.rows.size() == 2);
    // T1: double-charge, preventable; 30 min = 30.00; T2 is its repeat; one chaser.
    CHECK(t.rows[0] == Row{s("double-charge"), n(1), n(1), n(500), n(500), n(3000), n(1), n(1)});
    // T3: no cause, not preventable; 45.00 + 25.00 parts; its chaser came on Nov 1, while new.
    CHECK(t.rows[1] == Row{s("(none)"), n(0), n(1), n(500), n(1000), n(7000), n(0), n(1)});
    CHECK(metric(r, "preventable_tickets") == n(1));
    CHECK(metric(r, "preventable_cost") == n(3000));
    CHECK(metric(r, "cost") == n(10000));
}

TEST_CASE("customers: repeat contacts, chasers and CSAT per customer") {
    Fixture f;
    const auto r = f.day("customers");
    const Table& t = r.table;
    REQUIRE(t.rows.size() == 3);
    // Ana (id 3): two tickets, one a repeat, one chaser, T1 closed rated 4. Then, with no
    // repeats and no tickets opened, by id: Cy (1), Bo (2).
    CHECK(cell(t, 0, "customer") == s("Ana"));
    CHECK(cell(t, 0, "tickets") == n(2));
    CHECK(cell(t, 0, "repeat_contacts") == n(1));
    CHECK(cell(t, 0, "chasers") == n(1));
    CHECK(cell(t, 0, "csat_avg") == n(400));
    CHECK(cell(t, 1, "customer") == s("Cy"));
    CHECK(cell(t, 1, "chasers") == n(1));
    CHECK(cell(t, 2, "customer") == s("Bo"));
    CHECK(cell(t, 2, "closed") == n(1));
    CHECK(cell(t, 2, "rated") == n(0));
    CHECK(cell(t, 2, "csat_avg") == k_null);
    CHECK(metric(r, "repeat_pct") == n(500)); // 1 repeat of 2 opened
}

TEST_CASE("agents: the assignee at the time, even after a later reassignment") {
    Fixture f;
    f.later();
    const auto r = f.day("agents");
    const Table& t = r.table;
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0] == Row{s("Lars"), n(1), n(93600), n(1), n(0), k_null, k_null, n(45)});
    CHECK(t.rows[1] == Row{s("åsa"), n(1), n(14400), n(1), n(1), n(400), n(1000), n(30)});
    CHECK(metric(r, "handled") == n(2));
    CHECK(metric(r, "resolution_median") == n(54000));
}

TEST_CASE("backlog at Nov 3 00:00 by status and age, and the oldest in detail") {
    Fixture f;
    f.later();
    const auto r = f.run("backlog", {}, H(2, 0));
    const Table& t = r.table;
    REQUIRE(t.rows.size() == 6);
    // new: T2 4h old, T4 40h old; waiting_customer: T5 26h old.
    CHECK(t.rows[0] == Row{s("new"), n(1), n(1), n(0), n(0), n(0), n(2), n(144000)});
    CHECK(t.rows[3] == Row{s("waiting_customer"), n(0), n(1), n(0), n(0), n(0), n(1), n(93600)});
    CHECK(t.rows[1] == Row{s("open"), n(0), n(0), n(0), n(0), n(0), n(0), k_null});
    CHECK(t.rows[5] == Row{s("(all)"), n(1), n(2), n(0), n(0), n(0), n(3), n(144000)});
    CHECK(metric(r, "backlog") == n(3));
    const auto d = f.run("backlog", {.detail = true}, H(2, 0)).table;
    REQUIRE(d.rows.size() == 3);
    CHECK(cell(d, 0, "id") == n(1)); // T4
    CHECK(cell(d, 0, "customer") == s("Cy"));
    CHECK(cell(d, 1, "id") == n(3)); // T5
    CHECK(cell(d, 2, "id") == n(5)); // T2
}

TEST_CASE("sla at Nov 2 23:00: breaches and what falls due within 4h, paused time excluded") {
    Fixture f;
    const auto r = f.run("sla", {.within = 4 * 3600}, H(1, 23));
    const Table& t = r.table;
    REQUIRE(t.rows.size() == 4);
    // T4 (urgent): first response due Nov 1 09:00, 39h elapsed; resolution due 12:00.
    CHECK(cell(t, 0, "id") == n(1));
    CHECK(cell(t, 0, "clock") == s("first_response"));
    CHECK(cell(t, 0, "overdue") == n(140400 - 3600));
    CHECK(cell(t, 1, "clock") == s("resolution"));
    CHECK(cell(t, 1, "due_at") == n(H(0, 12)));
    // T5: first response due Nov 2 06:00; its resolution clock is paused at 1h: not listed.
    CHECK(cell(t, 2, "id") == n(3));
    CHECK(cell(t, 2, "due_at") == n(H(1, 6)));
    // T2 (high): first response due Nov 3 00:00, within 4h; not yet overdue.
    CHECK(cell(t, 3, "id") == n(5));
    CHECK(cell(t, 3, "overdue") == k_null);
    CHECK(metric(r, "sla_breaches") == n(2));
    CHECK(metric(r, "sla_due_soon") == n(1));
    CHECK(f.run("sla", {.within = 0}, H(1, 23)).table.rows.size() == 3);
}

TEST_CASE("a Europe/Stockholm day at the end of DST lasts 25 hours") {
    const TimeZone sthlm = TimeZone::named("Europe/Stockholm");
    const ReportPeriod oct = month_period("2026-10", sthlm);
    // CEST (UTC+2) at the start of October, CET (UTC+1) at its end.
    CHECK(oct.since == k_utc.local_time(2026, 9, 30, 22, 0));
    CHECK(oct.until == k_utc.local_time(2026, 10, 31, 23, 0));
    const std::int64_t since = sthlm.local_midnight(2026, 10, 25);
    const std::int64_t until = sthlm.local_midnight(2026, 10, 26);
    CHECK(until - since == 25 * 3600);
    Database db = Database::open_memory();
    // Just before, at the start, at the last second, and at the end of the Stockholm day.
    for (const std::int64_t t : {since - 1, since, until - 1, until}) {
        add_ticket(db, {.title = "t", .customer = "Ana"}, at(t));
    }
    const auto r =
        run_report(db, *find_report("summary"), {.period = {since, until}}, until + 10, sthlm);
    CHECK(metric(r, "opened") == n(2));
    CHECK(metric(r, "repeat_contacts") == n(2)); // each followed another within 30d
}

TEST_CASE("an empty database gives every report a valid empty result") {
    Database db = Database::open_memory();
    for (const auto& def : report_definitions()) {
        CAPTURE(def.name);
        const auto r = run_report(db, def, {.period = {std::nullopt, 1000}}, 999, k_utc);
        REQUIRE(r.table.columns.size() == def.columns.size());
        for (std::size_t i = 0; i < def.columns.size(); ++i) {
            CHECK(r.table.columns[i].name == def.columns[i].name);
        }
        CHECK(r.metrics.size() == def.metrics.size());
    }
    const auto r =
        run_report(db, *find_report("summary"), {.period = {std::nullopt, 1000}}, 999, k_utc);
    REQUIRE(r.table.rows.size() == 1);
    CHECK(metric(r, "opened") == n(0));
    CHECK(metric(r, "csat_avg") == k_null);
}

TEST_CASE("an empty or reversed period is refused") {
    Database db = Database::open_memory();
    CHECK_THROWS_AS(run_report(db, *find_report("summary"), {.period = {10, 10}}, 0, k_utc), Error);
}

TEST_CASE("percentiles interpolate like Excel PERCENTILE.INC and round half up") {
    std::vector<std::int64_t> two = {21, 10};
    CHECK(report::percentile(two, 5) == 16); // 15.5
    std::vector<std::int64_t> four = {1, 2, 3, 4};
    CHECK(report::percentile(four, 9) == 4); // 3.7
    std::vector<std::int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    CHECK(report::percentile(ten, 9) == 9); // 9.1
    CHECK(report::percentile(ten, 5) == 6); // 5.5
    std::vector<std::int64_t> none;
    CHECK_FALSE(report::percentile(none, 5));
    CHECK(report::percent(2, 3) == n(667));
    CHECK(report::percent(1, 0) == k_null);
    CHECK(report::hundredths_mean(13, 3) == n(433));
    CHECK(report::labour_cost(1, 1234) == 21); // 20.57 cents
}

TEST_CASE("percentiles through the sorted temporary table equal those of sorting in memory") {
    // Awkward series: one value, two, ties, the 90th percentile exactly on a rank (n = 11: h =
    // 9.0) and just before the next (n = 12: h = 9.9, between ranks 9 and 10), values out of
    // order, a series with nothing, and a total made of all of them.
    const std::vector<std::vector<std::int64_t>> series = {
        {42},
        {7, 3},
        {5, 5, 5, 5},
        {9, 1, 1, 9, 1, 9},
        {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1},
        {0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1001},
        {},
        {86'400, 3, 86'400, 2, 1'209'600, 3},
    };
    Database db = Database::open_memory();
    report::Percentiles pct(db, {5, 9});
    const std::size_t total = pct.add_series();
    std::vector<std::size_t> ids;
    std::vector<std::int64_t> everything;
    for (const auto& values : series) {
        ids.push_back(pct.add_series(total));
        for (const std::int64_t v : values) {
            pct.add(ids.back(), v);
            everything.push_back(v);
        }
    }
    pct.finish();
    for (std::size_t i = 0; i < series.size(); ++i) {
        for (const int tenths : {5, 9}) {
            auto sorted = series[i];
            CAPTURE(i);
            CAPTURE(tenths);
            CHECK(pct.get(ids[i], tenths) == report::percentile(sorted, tenths));
        }
    }
    CHECK(pct.get(ids[0], 9) == 42);
    CHECK(pct.get(ids[1], 5) == 5);
    CHECK(pct.get(ids[3], 5) == 5);   // 1, 1, 1, 9, 9, 9: (1 + 9) / 2
    CHECK(pct.get(ids[4], 9) == 10);  // exactly the 10th of 11
    CHECK(pct.get(ids[5], 9) == 990); // 900 + 0.9 * 100
    CHECK_FALSE(pct.get(ids[6], 5));
    CHECK(pct.get(total, 5) == report::percentile(everything, 5));
    CHECK(pct.get(total, 9) == report::percentile(everything, 9));
    // A second set on the same connection starts empty.
    report::Percentiles again(db, {5});
    const std::size_t one = again.add_series();
    again.add(one, 8);
    again.finish();
    CHECK(again.get(one, 5) == 8);
}

TEST_CASE("--fail-on expressions are typed by their metric") {
    const ReportDefinition& summary = *find_report("summary");
    const auto parse = [&](const char* e) { return parse_threshold(summary, e); };
    CHECK(parse("sla_breaches>0").value == 0);
    CHECK(parse("csat_avg<4.0").value == 400);
    CHECK(parse("csat_avg<4.25").op == Comparison::less);
    CHECK(parse("cost>=12.50").value == 1250);
    CHECK(parse("cost>=12.50").op == Comparison::greater_equal);
    CHECK(parse("first_response_median>4h").value == 14400);
    CHECK(parse("first_response_median<=90").value == 90);
    CHECK(parse("sla_first_response_pct<95.5").value == 955);
    CHECK(parse("opened=3").op == Comparison::equal);
    for (const char* bad : {"nosuch>1", "sla_breaches>", ">1", "sla_breaches>>1", "csat_avg<4.001",
                            "sla_breaches>-1", "sla_breaches", "sla_breaches>1x", "cost>1,5"}) {
        CAPTURE(bad);
        try {
            parse(bad);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
        }
    }
    ReportResult result;
    result.metrics = {{"sla_breaches", std::int64_t{2}}, {"csat_avg", Value{}}};
    CHECK(crossed(summary, parse("sla_breaches>1"), result) == "2");
    CHECK_FALSE(crossed(summary, parse("sla_breaches>2"), result));
    CHECK_FALSE(crossed(summary, parse("csat_avg<4"), result)); // empty never crosses
}

TEST_CASE("--month takes YYYY-MM only") {
    for (const char* bad : {"2026-13", "2026-1", "26-11", "2026-00", "2026/11", "2026-11-01"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(month_period(bad, k_utc), Error);
    }
    const auto dec = month_period("2026-12", k_utc);
    CHECK(*dec.since == k_utc.local_midnight(2026, 12, 1));
    CHECK(dec.until == k_utc.local_midnight(2027, 1, 1));
}

TEST_CASE("on a calendar with business-day targets a period reads every ticket that may fall due") {
    // Random tickets over four weeks on a Stockholm office calendar, some paused and resumed;
    // each day's summary through the indexes must equal the summary after a note on every
    // ticket (which makes every ticket a candidate).
    Database db = Database::open_memory();
    const Stamp setup = at(H(-40, 0));
    add_calendar(db, "office", "Europe/Stockholm", parse_hours("mon-fri 08:00-17:00"), setup);
    add_holiday(db, "office", {.day = *parse_local_date("2026-11-06"), .name = "Alla helgons"},
                setup);
    set_setting(db, "sla.urgent.resolution", "1bd", setup);
    set_setting(db, "sla.high.resolution", "2bd", setup);
    set_setting(db, "sla.normal.resolution", "3bd", setup);
    set_setting(db, "sla.low.resolution", "5bd", setup);
    set_setting(db, "sla.low.first_response", "2bd", setup);
    set_setting(db, "sla.calendar", "office", setup);
    std::uint64_t seed = 20261207;
    const auto next = [&](std::uint64_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::int64_t>((seed >> 33) % n);
    };
    constexpr Priority k_priorities[] = {Priority::low, Priority::normal, Priority::high,
                                         Priority::urgent};
    for (int i = 0; i < 120; ++i) {
        const std::int64_t created = H(-20, 0) + next(28 * 24) * 3600;
        const auto id = add_ticket(
            db, {.title = "T", .customer = "C", .priority = k_priorities[next(4)]}, at(created));
        if (next(3) == 0) {
            wait_ticket(db, id, Status::waiting_customer, at(created + 3600 + next(48) * 3600));
            start_ticket(db, id, at(created + 60 * 3600 + next(200) * 3600));
        }
    }
    const auto summary = [&](std::int64_t day) {
        return run_report(db, *find_report("summary"), {.period = {H(day, 0), H(day + 1, 0)}},
                          H(30, 0), k_utc)
            .table.rows;
    };
    std::vector<std::vector<Row>> indexed;
    for (std::int64_t day = -5; day < 8; ++day) {
        indexed.push_back(summary(day));
    }
    for (std::int64_t id = 1; id <= 120; ++id) {
        comment_ticket(db, id, {.body = "later"}, at(H(29, 0)));
    }
    for (std::int64_t day = -5; day < 8; ++day) {
        CAPTURE(day);
        CHECK(summary(day) == indexed[static_cast<std::size_t>(day + 5)]);
    }
}
