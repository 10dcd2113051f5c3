// Customers: listing, finding by id, email or unique name, and repeat contacts.

#include <svcmgr/customer.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/ticket.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace svcmgr;

namespace {

constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_t0 = 1795348383; // 2026-11-22T11:53:03Z

std::int64_t add(Database& db, const std::string& customer, const std::string& email,
                 std::int64_t at) {
    NewTicket t{.title = "Request", .customer = customer};
    if (!email.empty()) {
        t.email = email;
    }
    return add_ticket(db, t, {"lena", at});
}

std::int64_t int_at(const Row& row, std::size_t i) {
    return std::get<std::int64_t>(row.at(i));
}

} // namespace

TEST_CASE("list_customers has the documented columns and counts open tickets") {
    Database db = Database::open_memory();
    add(db, "Åsa Öberg", "asa@example.se", k_t0);
    const auto second = add(db, "Åsa Öberg", "asa@example.se", k_t0 + 10);
    add(db, "Jüri Tamm", "", k_t0 + 20);
    resolve_ticket(db, second, {}, {"lena", k_t0 + 30});

    const Table t = list_customers(db);
    std::vector<std::string> names;
    for (const auto& c : t.columns) {
        names.push_back(c.name);
    }
    CHECK(names == std::vector<std::string>{"id", "ref", "name", "email", "phone", "created_at",
                                            "tickets", "open_tickets"});
    REQUIRE(t.rows.size() == 2);
    CHECK(std::get<std::string>(t.rows[0][2]) == "Åsa Öberg");
    CHECK(int_at(t.rows[0], 5) == k_t0);
    CHECK(int_at(t.rows[0], 6) == 2);
    CHECK(int_at(t.rows[0], 7) == 1);
    CHECK(std::holds_alternative<std::monostate>(t.rows[1][3]));
    CHECK(int_at(t.rows[1], 6) == 1);
}

TEST_CASE("list_customers on an empty database has no rows") {
    Database db = Database::open_memory();
    CHECK(list_customers(db).rows.empty());
}

TEST_CASE("find_customer by id, email or exact name") {
    Database db = Database::open_memory();
    add(db, "Åsa Öberg", "asa@example.se", k_t0);
    add(db, "Jüri Tamm", "", k_t0);
    CHECK(find_customer(db, "1") == 1);
    CHECK(find_customer(db, "asa@example.se") == 1);
    CHECK(find_customer(db, "Jüri Tamm") == 2);
    CHECK_FALSE(find_customer(db, "3").has_value());
    CHECK_FALSE(find_customer(db, "jüri tamm").has_value());
    CHECK_FALSE(find_customer(db, "Jüri%").has_value());
    CHECK_FALSE(find_customer(db, "J_ri Tamm").has_value());
    CHECK_FALSE(find_customer(db, "nobody@example.com").has_value());
}

TEST_CASE("a name shared by several customers is Error(refused)") {
    Database db = Database::open_memory();
    add(db, "Ana Kovač", "ana1@example.hr", k_t0);
    add(db, "Ana Kovač", "ana2@example.hr", k_t0);
    try {
        find_customer(db, "Ana Kovač");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::refused);
        CHECK(std::string(e.what()) == "several customers are named 'Ana Kovač'");
    }
    CHECK(find_customer(db, "ana2@example.hr") == 2);
}

TEST_CASE("show_customer is nullopt for an unknown customer") {
    Database db = Database::open_memory();
    CHECK_FALSE(show_customer(db, "42").has_value());
}

TEST_CASE("repeat contacts: another ticket of the same customer in [t - repeat_window, t)") {
    Database db = Database::open_memory();
    add(db, "Åsa", "asa@example.se", k_t0);                  // 1: first contact
    add(db, "Åsa", "asa@example.se", k_t0 + 30 * k_day);     // 2: exactly 30d later: repeat
    add(db, "Åsa", "asa@example.se", k_t0 + 61 * k_day);     // 3: 31d after #2: not a repeat
    add(db, "Jüri", "juri@example.ee", k_t0 + 62 * k_day);   // another customer
    add(db, "Åsa", "asa@example.se", k_t0 + 62 * k_day + 1); // 4: repeat of #3

    auto detail = show_customer(db, "asa@example.se");
    REQUIRE(detail);
    REQUIRE(detail->tickets.rows.size() == 4);
    CHECK(detail->tickets.columns[5].name == "repeat");
    CHECK(int_at(detail->tickets.rows[0], 5) == 0);
    CHECK(int_at(detail->tickets.rows[1], 5) == 1);
    CHECK(int_at(detail->tickets.rows[2], 5) == 0);
    CHECK(int_at(detail->tickets.rows[3], 5) == 1);
    REQUIRE(detail->customer.rows.size() == 1);
    CHECK(detail->customer.columns.back().name == "repeat_contacts");
    CHECK(int_at(detail->customer.rows[0], 8) == 2);

    set_setting(db, "repeat_window", "31d", {"lena", k_t0});
    detail = show_customer(db, "1");
    CHECK(int_at(detail->customer.rows[0], 8) == 3);

    set_setting(db, "repeat_window", "1s", {"lena", k_t0});
    detail = show_customer(db, "1");
    CHECK(int_at(detail->customer.rows[0], 8) == 0);
}

TEST_CASE("show_customer lists the tickets oldest first with their status") {
    Database db = Database::open_memory();
    const auto a = add(db, "Putu", "", k_t0 + 100);
    const auto b = add(db, "Putu", "", k_t0);
    start_ticket(db, a, {"lena", k_t0 + 200});
    const auto detail = show_customer(db, "Putu");
    REQUIRE(detail);
    REQUIRE(detail->tickets.rows.size() == 2);
    CHECK(int_at(detail->tickets.rows[0], 0) == b);
    CHECK(int_at(detail->tickets.rows[1], 0) == a);
    CHECK(std::get<std::string>(detail->tickets.rows[1][1]) == "in_progress");
}

TEST_CASE("customer_emails lists the emails there are, in id order") {
    Database db = Database::open_memory();
    CHECK(customer_emails(db).empty());
    add(db, "Siti Rahayu", "siti@example.id", k_t0);
    add(db, "Jüri Tamm", "", k_t0 + 10);
    add(db, "Åsa Öberg", "asa@example.se", k_t0 + 20);
    CHECK(customer_emails(db) == std::vector<std::string>{"siti@example.id", "asa@example.se"});
}
