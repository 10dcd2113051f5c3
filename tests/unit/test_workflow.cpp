// The ticket lifecycle (DESIGN.md section 4), the filter compiler and the core ticket functions.

#include <svcmgr/error.hpp>
#include <svcmgr/ticket.hpp>

#include "filter.hpp"
#include "sql.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace svcmgr;

namespace {

std::int64_t count(Database& db, const char* sql) {
    Statement st(db, sql);
    st.step();
    return st.int64(0);
}

std::string status_of(Database& db, std::int64_t id) {
    Statement st(db, "SELECT status FROM ticket WHERE id = $1");
    st.bind(1, id);
    REQUIRE(st.step());
    return st.text(0);
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::refused;
}

} // namespace

TEST_CASE("the lifecycle table allows exactly the transitions of DESIGN.md section 4") {
    using S = Status;
    // verb -> (from -> to); every pair not listed is refused.
    const std::map<Verb, std::map<S, S>> allowed = {
        {Verb::start,
         {{S::new_, S::in_progress},
          {S::open, S::in_progress},
          {S::waiting_customer, S::in_progress},
          {S::waiting_parts, S::in_progress}}},
        {Verb::wait_customer,
         {{S::new_, S::waiting_customer},
          {S::open, S::waiting_customer},
          {S::in_progress, S::waiting_customer}}},
        {Verb::wait_parts,
         {{S::new_, S::waiting_parts},
          {S::open, S::waiting_parts},
          {S::in_progress, S::waiting_parts}}},
        {Verb::resolve,
         {{S::new_, S::resolved},
          {S::open, S::resolved},
          {S::in_progress, S::resolved},
          {S::waiting_customer, S::resolved},
          {S::waiting_parts, S::resolved}}},
        {Verb::close, {{S::resolved, S::closed}}},
        {Verb::reopen, {{S::resolved, S::open}, {S::closed, S::open}}},
    };
    for (const auto& [verb, moves] : allowed) {
        for (int s = 0; s <= static_cast<int>(S::closed); ++s) {
            const auto from = static_cast<S>(s);
            CAPTURE(to_string(verb));
            CAPTURE(to_string(from));
            const auto it = moves.find(from);
            if (it == moves.end()) {
                CHECK_FALSE(transition(from, verb).has_value());
            } else {
                CHECK(transition(from, verb) == it->second);
            }
        }
    }
}

TEST_CASE("allowed_verbs names what a status permits") {
    CHECK(allowed_verbs(Status::closed) == std::vector<std::string>{"reopen"});
    CHECK(allowed_verbs(Status::resolved) == std::vector<std::string>{"close", "reopen"});
    CHECK(allowed_verbs(Status::in_progress) ==
          std::vector<std::string>{"wait --for customer", "wait --for parts", "resolve"});
}

TEST_CASE("status and priority names round-trip and unknown names are refused") {
    for (int s = 0; s <= static_cast<int>(Status::closed); ++s) {
        CHECK(parse_status(to_string(static_cast<Status>(s))) == static_cast<Status>(s));
    }
    CHECK_FALSE(parse_status("active"));
    CHECK_FALSE(parse_status("Closed"));
    CHECK(parse_priority("urgent") == Priority::urgent);
    CHECK_FALSE(parse_priority("critical"));
}

TEST_CASE("the filter compiler binds every value and names a bad term") {
    const TimeZone tz = TimeZone::utc();
    const FilterContext ctx{.now = 1'763'812'800, // 2025-11-22T12:00:00Z
                            .tz = &tz,
                            .categories = {"billing", "repair"},
                            .channels = {"phone"}};

    SUBCASE("no terms match everything") {
        const auto c = compile_ticket_filter({}, ctx, 2);
        CHECK(c.sql == "1");
        CHECK(c.params.empty());
    }
    SUBCASE("terms are ANDed and numbered from the first parameter") {
        const auto c = compile_ticket_filter({"priority:high", "category:billing"}, ctx, 2);
        CHECK(c.sql == "(t.priority = $2) AND (t.category = $3)");
        CHECK(c.params == std::vector<Value>{std::string("high"), std::string("billing")});
    }
    SUBCASE("status:active covers the five active statuses") {
        const auto c = compile_ticket_filter({"status:active"}, ctx, 2);
        CHECK(c.sql == "(t.status IN ('new', 'open', 'in_progress', 'waiting_customer', "
                       "'waiting_parts'))");
    }
    SUBCASE("priority.min lists the priorities at least as high") {
        const auto c = compile_ticket_filter({"priority.min:high"}, ctx, 5);
        CHECK(c.sql == "(t.priority IN ($5, $6))");
        CHECK(c.params == std::vector<Value>{std::string("high"), std::string("urgent")});
    }
    SUBCASE("ages count back from now") {
        const auto c = compile_ticket_filter({"age.over:3d", "created.after:2025-11-01"}, ctx, 1);
        CHECK(c.sql == "(t.created_at < $1) AND (t.created_at >= $2)");
        CHECK(c.params == std::vector<Value>{std::int64_t{1'763'812'800 - 3 * 86'400},
                                             std::int64_t{1'761'955'200}});
    }
    SUBCASE("customer: takes an id, an email or a name") {
        CHECK(compile_ticket_filter({"customer:7"}, ctx, 1).sql == "(t.customer_id = $1)");
        CHECK(compile_ticket_filter({"customer:a@b.se"}, ctx, 1).sql == "(c.email = $1)");
        CHECK(compile_ticket_filter({"customer:Åsa"}, ctx, 1).sql == "(c.name = $1)");
    }
    SUBCASE("free words are folded and never become SQL") {
        const auto c = compile_ticket_filter({"ÅSA'; DROP TABLE ticket; --"}, ctx, 1);
        CHECK(c.params == std::vector<Value>{std::string("åsa'; drop table ticket; --")});
        CHECK(c.sql.find("DROP") == std::string::npos);
    }
    SUBCASE("malformed and unknown terms are usage errors") {
        for (const char* bad : {"status:bogus", "priority:critical", "category:food", "channel:fax",
                                "created.after:2023-02-29", "created.before:2026-13-01",
                                "age.over:3", "preventable:maybe", "colour:red", "status:"}) {
            CAPTURE(bad);
            CHECK(kind_of([&] { compile_ticket_filter({bad}, ctx, 1); }) == ErrorKind::usage);
        }
    }
}

TEST_CASE("add_ticket records a new ticket, its customer, its history and its audit rows") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db,
                               {.title = "Arve summa on vale",
                                .customer = "Jüri Tamm",
                                .email = "juri@example.ee",
                                .category = "billing",
                                .channel = "email",
                                .priority = Priority::high},
                               {"lena", 1000});
    CHECK(id == 1);
    CHECK(status_of(db, id) == "new");
    CHECK(count(db, "SELECT count(*) FROM customer") == 1);
    CHECK(count(db, "SELECT count(*) FROM ticket_event WHERE kind = 'created'") == 1);
    CHECK(count(db, "SELECT count(*) FROM audit") == 2); // customer and ticket

    SUBCASE("the same email finds the same customer") {
        add_ticket(db, {.title = "Again", .customer = "J. Tamm", .email = "juri@example.ee"},
                   {"lena", 2000});
        CHECK(count(db, "SELECT count(*) FROM customer") == 1);
    }
    SUBCASE("a unique exact name finds the customer; a shared one is refused") {
        add_ticket(db, {.title = "Again", .customer = "Jüri Tamm"}, {"lena", 2000});
        CHECK(count(db, "SELECT count(*) FROM customer") == 1);
        add_ticket(db, {.title = "Other", .customer = "Jüri Tamm", .email = "other@example.ee"},
                   {"lena", 3000});
        CHECK(kind_of([&] {
                  add_ticket(db, {.title = "Which?", .customer = "Jüri Tamm"}, {"lena", 4000});
              }) == ErrorKind::refused);
        CHECK(count(db, "SELECT count(*) FROM ticket") == 3);
    }
    SUBCASE("bad values are refused and nothing is written") {
        const auto audit_before = count(db, "SELECT count(*) FROM audit");
        CHECK(kind_of([&] {
                  add_ticket(db, {.title = "  ", .customer = "X"}, {"l", 1});
              }) == ErrorKind::usage);
        CHECK(kind_of([&] {
                  add_ticket(db, {.title = "T", .customer = "X", .category = "food"}, {"l", 1});
              }) == ErrorKind::usage);
        CHECK(kind_of([&] {
                  add_ticket(db, {.title = "T", .customer = "X", .channel = "fax"}, {"l", 1});
              }) == ErrorKind::usage);
        CHECK(kind_of([&] {
                  add_ticket(db, {.title = "\xff", .customer = "X"}, {"l", 1});
              }) == ErrorKind::usage);
        CHECK(count(db, "SELECT count(*) FROM audit") == audit_before);
        CHECK(count(db, "SELECT count(*) FROM ticket") == 1);
    }
}

TEST_CASE("the lifecycle verbs set the timestamps and refuse invalid moves") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db, {.title = "Printer", .customer = "Kalle"}, {"ana", 100});
    comment_ticket(db, id, {.body = "On it", .kind = CommentKind::reply, .minutes = 5},
                   {"ana", 200});
    CHECK(status_of(db, id) == "open");
    comment_ticket(db, id, {.body = "Again", .kind = CommentKind::reply, .minutes = 7},
                   {"ana", 300});
    CHECK(count(db, "SELECT first_response_at FROM ticket") == 200);
    CHECK(count(db, "SELECT minutes FROM ticket") == 12);

    wait_ticket(db, id, Status::waiting_parts, {"ana", 400});
    start_ticket(db, id, {"ana", 500});
    resolve_ticket(db, id, {.cause = "worn-roller", .preventable = Preventable::no}, {"ana", 600});
    CHECK(count(db, "SELECT resolved_at FROM ticket") == 600);
    CHECK(count(db, "SELECT preventable FROM ticket") == 0);

    const auto audit_before = count(db, "SELECT count(*) FROM audit");
    CHECK(kind_of([&] { start_ticket(db, id, {"ana", 650}); }) == ErrorKind::refused);
    CHECK(kind_of([&] {
              close_ticket(db, id, Satisfaction{6}, {"ana", 650});
          }) == ErrorKind::usage);
    CHECK(count(db, "SELECT count(*) FROM audit") == audit_before);

    close_ticket(db, id, Satisfaction{4}, {"ana", 700});
    CHECK(status_of(db, id) == "closed");
    CHECK(count(db, "SELECT satisfaction FROM ticket") == 4);

    reopen_ticket(db, id, {"ana", 800});
    CHECK(status_of(db, id) == "open");
    CHECK(count(db, "SELECT count(*) FROM ticket WHERE resolved_at IS NULL AND closed_at IS NULL "
                    "AND satisfaction IS NULL") == 1);
    CHECK(count(db, "SELECT count(*) FROM ticket_event WHERE field = 'satisfaction' "
                    "AND new_value = '4'") == 1);

    CHECK(kind_of([&] { start_ticket(db, 99, {"ana", 900}); }) == ErrorKind::refused);
}
