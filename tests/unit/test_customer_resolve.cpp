// The customer resolver: which lookups a key leads to and what each match says.

#include "customer/resolve.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using namespace svcmgr;

namespace {

// Customer 1 is ann@example.com, named Ann; every lookup is logged.
struct FakeCustomers {
    std::string asked;
    bool has_id(std::int64_t id) {
        asked += "id ";
        return id == 1;
    }
    std::optional<std::int64_t> by_email(std::string_view email) {
        asked += "email ";
        return email == "ann@example.com" ? std::optional<std::int64_t>(1) : std::nullopt;
    }
    std::optional<std::int64_t> by_name(std::string_view name) {
        asked += "name ";
        return name == "Ann" ? std::optional<std::int64_t>(1) : std::nullopt;
    }
};

} // namespace

TEST_CASE("a known id is the customer, without other lookups") {
    FakeCustomers customers;
    const auto match =
        resolve_customer(customers, {.id = 1, .email = "bob@example.com", .name = "Bob"});
    REQUIRE(match);
    CHECK(match->id == 1);
    CHECK(match->by == MatchedBy::id);
    CHECK(customers.asked == "id ");
}

TEST_CASE("an unknown id falls back to the email, never to the name") {
    FakeCustomers customers;
    const auto by_email =
        resolve_customer(customers, {.id = 7, .email = "ann@example.com", .name = "Ann"});
    REQUIRE(by_email);
    CHECK(by_email->by == MatchedBy::email);
    CHECK_FALSE(resolve_customer(customers, {.id = 7, .name = "Ann"}));
    CHECK(customers.asked == "id email id ");
}

TEST_CASE("an email that matches nobody is no customer, whatever the name") {
    FakeCustomers customers;
    CHECK_FALSE(resolve_customer(customers, {.email = "bob@example.com", .name = "Ann"}));
    CHECK(customers.asked == "email ");
}

TEST_CASE("a name alone is looked up by name") {
    FakeCustomers customers;
    const auto match = resolve_customer(customers, {.name = "Ann"});
    REQUIRE(match);
    CHECK(match->by == MatchedBy::name);
    CHECK(customers.asked == "name ");
}

TEST_CASE("a word is an id when a number, an email when it has an @, else a name") {
    CHECK(customer_key("12").id == 12);
    CHECK(customer_key("ann@example.com").email == "ann@example.com");
    CHECK(customer_key("Ann").name == "Ann");
    CHECK_FALSE(customer_key("Ann").id);
}
