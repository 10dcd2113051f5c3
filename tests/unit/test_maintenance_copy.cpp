// db copy's core (copy_contents) between two in-memory databases: every table of the schema, ids
// and text byte for byte, the audit trail intact, and a target with data refused untouched.

#include <svcmgr/audit.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/maintenance.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"
#include "maintenance/copy.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <set>
#include <string>

using namespace svcmgr;

namespace {

const Stamp k_stamp{"tester", 1767225600}; // 2026-01-01T00:00:00Z

// Every row of every table svcmgr copies, as one string.
std::string all_rows(Database& db) {
    std::string all;
    for (const auto& table : copied_tables()) {
        all += std::string(table.name) + ":\n";
        Statement st(db, fmt::format("SELECT * FROM {} ORDER BY {}", table.name, table.key));
        while (st.step()) {
            for (int i = 0; i < st.column_count(); ++i) {
                all += st.is_null(i) ? "NULL" : st.text(i);
                all += st.kind(i) == ColumnKind::integer ? "#|" : "|";
            }
            all += "\n";
        }
    }
    return all;
}

void fill(Database& db) {
    set_setting(db, "hourly_cost", "42.50", k_stamp);
    const auto t1 = add_ticket(db,
                               {.title = "Fakturan \"dubbel\"",
                                .customer = "Åsa Öberg",
                                .email = "asa@example.se",
                                .description = "Rad ett\nRad två: 'citat' õäöü čćž"},
                               k_stamp);
    const auto t2 = add_ticket(db, {.title = "Pesanan", .customer = "Budi"}, k_stamp);
    add_part(db, "00123", {.name = "Näyttö 15\""}, k_stamp);
    receive_part(db, "00123", {.qty = 5, .unit_cost = 4100}, k_stamp);
    start_ticket(db, t1, k_stamp);
    comment_ticket(db, t1, {.body = "Hej\nÅsa", .kind = CommentKind::reply, .minutes = 5}, k_stamp);
    consume_part(db, "00123", 1, t1, k_stamp);
    need_part(db, t2, "00123", 2, k_stamp);
    order_part(db, "00123", {.qty = 10}, k_stamp);
    resolve_ticket(db, t1, {.cause = "billing", .preventable = Preventable::yes}, k_stamp);
    close_ticket(db, t1, Satisfaction{5}, k_stamp);
}

} // namespace

TEST_CASE("copied_tables names every table of the schema, each once") {
    Database db = Database::open_memory();
    std::set<std::string> tables;
    Statement st(db, "SELECT name FROM sqlite_schema WHERE type = 'table'");
    while (st.step()) {
        tables.insert(st.text(0));
    }
    std::set<std::string> copied;
    for (const auto& table : copied_tables()) {
        CHECK(copied.insert(std::string(table.name)).second);
    }
    CHECK(copied == tables);
}

TEST_CASE("copy_contents copies every row with its id, and the audit trail verifies") {
    Database source = Database::open_memory();
    fill(source);
    Database target = Database::open_memory();
    int calls = 0;
    const CopyResult result =
        copy_contents(source, target, {.progress = [&](std::int64_t) { ++calls; }});
    CHECK(all_rows(target) == all_rows(source));
    REQUIRE(result.head.has_value());
    CHECK(result.head->hash == audit_head(source)->hash);
    CHECK(result.rows > 20);
    CHECK(calls == 0); // fewer rows than a progress step
    CHECK(verify_audit(target, {}).problems.empty());
    CHECK(check_database(target).empty());
    // The copy writes on from where the source stopped.
    const auto next = add_ticket(target, {.title = "Next", .customer = "Ana"}, k_stamp);
    CHECK(next == 3);
}

TEST_CASE("copy_contents copies an empty database") {
    Database source = Database::open_memory();
    Database target = Database::open_memory();
    const CopyResult result = copy_contents(source, target, {});
    CHECK(result.rows == 0);
    CHECK(!result.head.has_value());
}

TEST_CASE("copy_contents pages through tables larger than a page and a batch") {
    Database source = Database::open_memory();
    {
        WriteTransaction tx(source);
        Statement customer(source,
                           "INSERT INTO customer (id, name, created_at) VALUES ($1, $2, 0)");
        for (std::int64_t id = 1; id <= 10000; ++id) {
            customer.reset();
            customer.bind_all(id * 3, fmt::format("Kund {}", id));
            customer.run();
        }
        tx.commit();
    }
    Database target = Database::open_memory();
    std::int64_t last = 0;
    const CopyResult result =
        copy_contents(source, target, {.progress = [&](std::int64_t rows) { last = rows; }});
    CHECK(result.rows == 10000);
    CHECK(last == 8192);
    CHECK(all_rows(target) == all_rows(source));
}

TEST_CASE("copy_contents refuses a target that holds data and leaves it as it was") {
    Database source = Database::open_memory();
    fill(source);
    Database target = Database::open_memory();
    add_ticket(target, {.title = "Already here", .customer = "Ana"}, k_stamp);
    const std::string before = all_rows(target);
    try {
        copy_contents(source, target, {});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::refused);
        CHECK(std::string(e.what()) ==
              "database :memory: already holds data (table customer is not empty)");
    }
    CHECK(all_rows(target) == before);
}
