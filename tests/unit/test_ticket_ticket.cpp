// The core ticket functions: add (with customer matching), update, comment, list and show, each
// write in one transaction with exactly one audit row per entity it changes.

#include <svcmgr/error.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

using namespace svcmgr;
using namespace svcmgr::test;

namespace {

std::string counts(Database& db) {
    return text(db, "SELECT (SELECT count(*) FROM customer) || ' ' || (SELECT count(*) FROM "
                    "ticket) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT "
                    "count(*) FROM audit)");
}

// The kind and message of the Error `f` throws.
std::pair<ErrorKind, std::string> error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return {e.kind(), e.what()};
    }
    FAIL("no error thrown");
    return {ErrorKind::refused, ""};
}

// The ids in the first column of a listing.
std::vector<std::int64_t> ids_of(const Table& t) {
    std::vector<std::int64_t> ids;
    for (const auto& row : t.rows) {
        ids.push_back(std::get<std::int64_t>(row.front()));
    }
    return ids;
}

using Ids = std::vector<std::int64_t>;

} // namespace

TEST_CASE("add_ticket stores every field, one created event and one audit row per entity") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db,
                               {.title = "Fakturan dras två gånger",
                                .customer = "Åsa Öberg",
                                .email = "asa@example.se",
                                .ref = "INV-1",
                                .category = "billing",
                                .channel = "phone",
                                .priority = Priority::high,
                                .assignee = "jüri",
                                .description = "Kort 1234"},
                               {"lena", 1000});
    CHECK(id == 1);
    CHECK(text(db, "SELECT ref || '|' || title || '|' || description || '|' || customer_id || '|' "
                   "|| category || '|' || channel || '|' || priority || '|' || status || '|' || "
                   "assignee || '|' || created_at || '|' || updated_at || '|' || minutes FROM "
                   "ticket") ==
          "INV-1|Fakturan dras två gånger|Kort 1234|1|billing|phone|high|new|jüri|1000|1000|0");
    CHECK(text(db, "SELECT name || '|' || email || '|' || created_at FROM customer") ==
          "Åsa Öberg|asa@example.se|1000");
    CHECK(text(db, "SELECT kind || '|' || at || '|' || actor || '|' || body FROM ticket_event") ==
          "created|1000|lena|Kort 1234");
    CHECK(text(db, "SELECT group_concat(action || ' ' || entity || ' ' || entity_id || ' ' || "
                   "actor || ' ' || at, ',') FROM audit") ==
          "create customer 1 lena 1000,create ticket 1 lena 1000");
    CHECK(scalar(db,
                 "SELECT json_extract(change, '$.before') IS NULL AND "
                 "json_extract(change, '$.after.ref') = 'INV-1' FROM audit WHERE seq = 2") == 1);
}

TEST_CASE("add_ticket defaults: other, other, normal, new; empty text is NULL") {
    Database db = Database::open_memory();
    add_ticket(db, {.title = "T", .customer = "X", .ref = "", .assignee = " ", .description = ""},
               {"l", 1});
    CHECK(text(db, "SELECT category || channel || priority || status FROM ticket") ==
          "otherothernormalnew");
    CHECK(scalar(db, "SELECT count(*) FROM ticket WHERE ref IS NULL AND assignee IS NULL AND "
                     "description IS NULL") == 1);
    CHECK(scalar(db, "SELECT count(*) FROM customer WHERE email IS NULL") == 1);
}

TEST_CASE("add_ticket matches customers by email, else by a unique exact name, else creates") {
    Database db = Database::open_memory();
    add_ticket(db, {.title = "A", .customer = "Jüri Tamm", .email = "juri@example.ee"}, {"l", 1});

    SUBCASE("the email wins over the name") {
        add_ticket(db, {.title = "B", .customer = "J. Tamm", .email = "juri@example.ee"}, {"l", 2});
        CHECK(scalar(db, "SELECT count(*) FROM customer") == 1);
        CHECK(scalar(db, "SELECT customer_id FROM ticket WHERE id = 2") == 1);
        CHECK(scalar(db, "SELECT count(*) FROM audit") == 3); // no second customer row
    }
    SUBCASE("a new email is a new customer even with a known name") {
        add_ticket(db, {.title = "B", .customer = "Jüri Tamm", .email = "juri2@example.ee"},
                   {"l", 2});
        CHECK(scalar(db, "SELECT customer_id FROM ticket WHERE id = 2") == 2);
    }
    SUBCASE("a unique exact name is that customer; another spelling is a new one") {
        add_ticket(db, {.title = "B", .customer = "Jüri Tamm"}, {"l", 2});
        CHECK(scalar(db, "SELECT customer_id FROM ticket WHERE id = 2") == 1);
        add_ticket(db, {.title = "C", .customer = "JÜRI TAMM"}, {"l", 3});
        CHECK(scalar(db, "SELECT customer_id FROM ticket WHERE id = 3") == 2);
    }
    SUBCASE("a shared name without an email is refused, nothing written") {
        add_ticket(db, {.title = "B", .customer = "Jüri Tamm", .email = "juri2@example.ee"},
                   {"l", 2});
        const std::string before = counts(db);
        const auto [kind, message] = error_of([&] {
            add_ticket(db, {.title = "C", .customer = "Jüri Tamm"}, {"l", 3});
        });
        CHECK(kind == ErrorKind::refused);
        CHECK(message == "several customers are named 'Jüri Tamm'");
        CHECK(counts(db) == before);
    }
}

TEST_CASE("add_ticket refuses bad values and writes nothing") {
    Database db = Database::open_memory();
    add_ticket(db, {.title = "A", .customer = "X", .ref = "R-1"}, {"l", 1});
    const std::string before = counts(db);
    using E = std::pair<ErrorKind, std::string>;
    CHECK(error_of([&] {
              add_ticket(db, {.title = " \t", .customer = "X"}, {"l", 2});
          }) == E{ErrorKind::usage, "the title may not be empty"});
    CHECK(error_of([&] {
              add_ticket(db, {.title = "T", .customer = ""}, {"l", 2});
          }) == E{ErrorKind::usage, "the customer name may not be empty"});
    CHECK(error_of([&] {
              add_ticket(db, {.title = "T", .customer = "X", .email = "nobody"}, {"l", 2});
          }) == E{ErrorKind::usage, "invalid email address 'nobody'"});
    CHECK(error_of([&] {
              add_ticket(db, {.title = "T", .customer = "X", .category = "food"}, {"l", 2});
          }) == E{ErrorKind::usage, "unknown category 'food'"});
    CHECK(error_of([&] {
              add_ticket(db, {.title = "T", .customer = "X", .channel = "fax"}, {"l", 2});
          }) == E{ErrorKind::usage, "unknown channel 'fax'"});
    CHECK(error_of([&] {
              add_ticket(db, {.title = "T", .customer = "New", .ref = "R-1"}, {"l", 2});
          }) == E{ErrorKind::refused, "ref 'R-1' is already ticket 1"});
    CHECK(error_of([&] {
              add_ticket(db, {.title = "T\xff", .customer = "X"}, {"l", 2});
          }) == E{ErrorKind::usage, "the title is not valid UTF-8"});
    CHECK(error_of([&] {
              add_ticket(db, {.title = "T", .customer = "X", .description = "\xc3("}, {"l", 2});
          }) == E{ErrorKind::usage, "the description is not valid UTF-8"});
    CHECK(counts(db) == before);
}

TEST_CASE("update_ticket changes fields with history and one audit row") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db, {.title = "Old", .customer = "X"}, {"l", 1});
    update_ticket(
        db, id,
        {.title = "New", .priority = Priority::urgent, .category = "repair", .assignee = "ana"},
        {"m", 50});
    CHECK(text(db, "SELECT title || priority || category || assignee || status || updated_at "
                   "FROM ticket") == "Newurgentrepairanaopen50");
    CHECK(text(db, "SELECT group_concat(field || ':' || coalesce(old_value, '') || '>' || "
                   "new_value, ',') FROM ticket_event WHERE at = 50") ==
          "title:Old>New,priority:normal>urgent,category:other>repair,assignee:>ana,"
          "status:new>open");
    CHECK(scalar(db, "SELECT count(*) FROM audit WHERE action = 'update'") == 1);

    SUBCASE("the same values again write nothing") {
        const std::string before = counts(db);
        update_ticket(db, id, {.title = "New", .priority = Priority::urgent, .assignee = "ana"},
                      {"m", 60});
        CHECK(counts(db) == before);
        CHECK(scalar(db, "SELECT updated_at FROM ticket") == 50);
    }
    SUBCASE("an empty assignee unassigns") {
        update_ticket(db, id, {.assignee = ""}, {"m", 60});
        CHECK(scalar(db, "SELECT assignee IS NULL FROM ticket") == 1);
        CHECK(text(db, "SELECT status FROM ticket") == "open");
    }
    SUBCASE("bad values and unknown ids write nothing") {
        const std::string before = counts(db);
        using E = std::pair<ErrorKind, std::string>;
        CHECK(error_of([&] {
                  update_ticket(db, id, {.title = ""}, {"m", 60});
              }) == E{ErrorKind::usage, "the title may not be empty"});
        CHECK(error_of([&] {
                  update_ticket(db, id, {.title = "Fine", .category = "food"}, {"m", 60});
              }) == E{ErrorKind::usage, "unknown category 'food'"});
        CHECK(error_of([&] {
                  update_ticket(db, 9, {.title = "x"}, {"m", 60});
              }) == E{ErrorKind::refused, "no ticket with id 9"});
        CHECK(counts(db) == before);
    }
}

TEST_CASE("an empty assignee on a new ticket leaves it new") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db, {.title = "T", .customer = "X", .assignee = "ana"}, {"l", 1});
    update_ticket(db, id, {.assignee = ""}, {"m", 2});
    CHECK(text(db, "SELECT status FROM ticket") == "new");
}

TEST_CASE("comment_ticket: notes, replies, inbound messages and minutes") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db, {.title = "T", .customer = "X"}, {"l", 1});

    comment_ticket(db, id, {.body = "note", .minutes = 3}, {"a", 10});
    comment_ticket(db, id, {.body = "chaser", .kind = CommentKind::inbound}, {"a", 20});
    CHECK(text(db, "SELECT status || ' ' || coalesce(first_response_at, '-') || ' ' || minutes "
                   "FROM ticket") == "new - 3");
    comment_ticket(db, id, {.body = "reply", .kind = CommentKind::reply, .minutes = 4}, {"a", 30});
    comment_ticket(db, id, {.body = "reply 2", .kind = CommentKind::reply}, {"a", 40});
    CHECK(text(db, "SELECT status || ' ' || first_response_at || ' ' || minutes || ' ' || "
                   "updated_at FROM ticket") == "open 30 7 40");
    CHECK(text(db, "SELECT group_concat(kind || ':' || coalesce(body, new_value) || ':' || "
                   "coalesce(minutes, '-'), ',') FROM ticket_event WHERE kind <> 'created'") ==
          "note:note:3,inbound:chaser:-,reply:reply:4,status:open:-,reply:reply 2:-");
    CHECK(scalar(db, "SELECT count(*) FROM audit WHERE action = 'comment'") == 4);

    const std::string before = counts(db);
    using E = std::pair<ErrorKind, std::string>;
    CHECK(error_of([&] {
              comment_ticket(db, id, {.body = "  "}, {"a", 50});
          }) == E{ErrorKind::usage, "the message may not be empty"});
    CHECK(error_of([&] {
              comment_ticket(db, id, {.body = "x", .minutes = -1}, {"a", 50});
          }) ==
          E{ErrorKind::usage, "invalid minutes -1: expected 0 to 525600 (a year) per comment"});
    CHECK(error_of([&] {
              comment_ticket(db, id, {.body = "x", .minutes = 525'601}, {"a", 50});
          }) == E{ErrorKind::usage, "invalid minutes 525601: expected 0 to 525600 (a year) per "
                                    "comment"});
    CHECK(error_of([&] {
              comment_ticket(db, 7, {.body = "x"}, {"a", 50});
          }) == E{ErrorKind::refused, "no ticket with id 7"});
    CHECK(counts(db) == before);
    comment_ticket(db, id, {.body = "x", .minutes = 525'600}, {"a", 60});
    CHECK(scalar(db, "SELECT minutes FROM ticket") == 525'607);
    CHECK(text(db, "SELECT typeof(minutes) FROM ticket") == "integer");
}

TEST_CASE("resolve_ticket takes a cause code, not free text") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db, {.title = "T", .customer = "X"}, {"l", 1});
    const std::string before = counts(db);
    for (const char* bad : {"double charge", "a\tb", "none", "x\n"}) {
        CAPTURE(bad);
        const auto [kind, message] = error_of([&] {
            resolve_ticket(db, id, {.cause = bad}, {"a", 2});
        });
        CHECK(kind == ErrorKind::usage);
        CHECK(message == std::string("invalid cause '") + bad + "'");
    }
    CHECK(counts(db) == before);
    resolve_ticket(db, id, {.cause = "lösenord-glömt"}, {"a", 3});
    CHECK(text(db, "SELECT cause || ' ' || coalesce(preventable, 'unknown') FROM ticket") ==
          "lösenord-glömt unknown");
}

TEST_CASE("list_tickets: filters, literal free words, sort, limit and columns") {
    Database db = Database::open_memory();
    const TimeZone utc = TimeZone::utc();
    add_ticket(db, {.title = "Rabatt 100% fel", .customer = "Åsa", .priority = Priority::high},
               {"l", 100});
    add_ticket(db, {.title = "Rabatt 1000 kr", .customer = "Åsa", .description = "snake_case"},
               {"l", 200});
    add_ticket(db, {.title = "ÅSA ringde", .customer = "Budi", .priority = Priority::low},
               {"l", 300});
    const auto list = [&](std::vector<std::string> terms, std::string sort = "id",
                          std::optional<std::int64_t> limit = std::nullopt) {
        return ids_of(
            list_tickets(db, {.terms = std::move(terms), .sort = sort, .limit = limit}, 1000, utc));
    };
    CHECK(list({}) == Ids{1, 2, 3});
    CHECK(list({"100%"}) == Ids{1});
    CHECK(list({"100"}) == Ids{1, 2});
    CHECK(list({"e_c"}) == Ids{2});
    CHECK(list({"_"}) == Ids{2});
    CHECK(list({"åsa"}) == Ids{3});
    CHECK(list({"rabatt", "kr"}) == Ids{2});
    CHECK(list({"customer:Åsa", "priority.min:normal"}) == Ids{1, 2});
    CHECK(list({"created.before:2026-01-01", "age.over:750s"}) == Ids{1, 2});
    CHECK(list({}, "-priority") == Ids{1, 2, 3});
    CHECK(list({}, "priority") == Ids{3, 2, 1});
    CHECK(list({}, "-created", 2) == Ids{3, 2});
    CHECK(list({}, "title") == Ids{1, 2, 3}); // byte order: '%' < '0' < 'Å'
    const Table t = list_tickets(
        db, {.terms = {"status:new"}, .limit = 1, .columns = {"title", "id"}}, 1000, utc);
    REQUIRE(t.columns.size() == 2);
    CHECK(t.columns[0].name == "title");
    CHECK(t.columns[1].name == "id");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0] == Row{std::string("Rabatt 100% fel"), std::int64_t{1}});

    using E = std::pair<ErrorKind, std::string>;
    CHECK(error_of([&] { list({}, "size"); }) == E{ErrorKind::usage, "unknown sort key 'size'"});
    CHECK(error_of([&] {
              list_tickets(db, {.columns = {"id", "bogus"}}, 1000, utc);
          }) == E{ErrorKind::usage, "unknown column 'bogus'"});
    CHECK(error_of([&] { list({"priority:extreme"}); }) ==
          E{ErrorKind::usage,
            "invalid filter term 'priority:extreme': expected low, normal, high or urgent"});
}

TEST_CASE("show_ticket: every column and the history; nullopt for an unknown id") {
    Database db = Database::open_memory();
    const auto id =
        add_ticket(db, {.title = "T", .customer = "X", .email = "x@example.com"}, {"l", 100});
    comment_ticket(db, id, {.body = "hi", .kind = CommentKind::reply, .minutes = 5}, {"m", 200});
    const auto detail = show_ticket(db, id);
    REQUIRE(detail);
    REQUIRE(detail->ticket.rows.size() == 1);
    std::vector<std::string> names;
    for (const auto& c : detail->ticket.columns) {
        names.push_back(c.name);
    }
    CHECK(names == ticket_columns());
    CHECK(names == std::vector<std::string>{"id",           "ref",
                                            "title",        "status",
                                            "priority",     "category",
                                            "channel",      "customer_id",
                                            "customer",     "email",
                                            "assignee",     "created_at",
                                            "updated_at",   "first_response_at",
                                            "resolved_at",  "closed_at",
                                            "cause",        "preventable",
                                            "satisfaction", "minutes",
                                            "cost",         "description"});
    CHECK(detail->events.rows.size() == 3);
    CHECK(detail->events.rows[1] == Row{std::int64_t{200}, std::string("m"), std::string("reply"),
                                        Value{}, Value{}, Value{}, std::int64_t{5},
                                        std::string("hi")});
    CHECK_FALSE(show_ticket(db, 99));
    CHECK(ticket_ids(db, 10) == Ids{1});
}
