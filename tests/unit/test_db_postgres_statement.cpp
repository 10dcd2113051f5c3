#include "db/postgres/driver.hpp"
#include "db/postgres/statement.hpp"

#include <svcmgr/error.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace svcmgr;
using namespace svcmgr::pg;

namespace {

// The N of the $N that `sql` holds, in order.
std::vector<std::size_t> numbers(std::string_view sql) {
    const std::vector<bool> used = placeholders(sql);
    std::vector<std::size_t> found;
    for (std::size_t n = 0; n < used.size(); ++n) {
        if (used[n]) {
            found.push_back(n);
        }
    }
    return found;
}

// The server of SVCMGR_TEST_DB when it is a PostgreSQL URI, else empty.
std::string test_server() {
    const char* db = std::getenv("SVCMGR_TEST_DB");
    const std::string uri = db ? db : "";
    const bool postgres = uri.rfind("postgresql:", 0) == 0 || uri.rfind("postgres:", 0) == 0;
    return postgres ? uri : "";
}

} // namespace

TEST_CASE("placeholders finds $1..$N and their highest N") {
    CHECK(placeholders("SELECT 1") == std::vector<bool>{false});
    CHECK(numbers("SELECT $1") == std::vector<std::size_t>{1});
    CHECK(placeholders("SELECT $1, $2") == std::vector<bool>{false, true, true});
    CHECK(numbers("UPDATE t SET a = $2 WHERE id = $1 AND b = $2") ==
          std::vector<std::size_t>{1, 2});
    CHECK(numbers("SELECT $10") == std::vector<std::size_t>{10});
    CHECK(placeholders("SELECT $10").size() == 11);
}

TEST_CASE("placeholders skips $N inside quoted strings and identifiers") {
    CHECK(numbers("SELECT '$1', $2") == std::vector<std::size_t>{2});
    CHECK(numbers("SELECT \"$1\" FROM t WHERE a = $3") == std::vector<std::size_t>{3});
    CHECK(numbers("SELECT 'it''s $1' || $1") == std::vector<std::size_t>{1});
    CHECK(numbers("SELECT '\"', $1, '\"$2'") == std::vector<std::size_t>{1});
    CHECK(numbers("SELECT 'unterminated $1") == std::vector<std::size_t>{});
}

TEST_CASE("placeholders ignores a $ without digits, $0 and numbers above 65535") {
    CHECK(numbers("SELECT $ || $a || $") == std::vector<std::size_t>{});
    CHECK(numbers("SELECT $0, $1") == std::vector<std::size_t>{1});
    CHECK(numbers("SELECT $65535") == std::vector<std::size_t>{65535});
    CHECK(numbers("SELECT $65536, $2") == std::vector<std::size_t>{2});
    CHECK(numbers("SELECT $99999999999999999999999, $1") == std::vector<std::size_t>{1});
    CHECK(numbers("SELECT $1$2") == std::vector<std::size_t>{1, 2});
}

TEST_CASE("parameter_types leaves types to the server and gives each gap text") {
    CHECK(parameter_types("SELECT 1").empty());
    CHECK(parameter_types("SELECT $1, $2") == std::vector<Oid>{0, 0});
    CHECK(parameter_types("SELECT $1, $3") == std::vector<Oid>{0, k_text, 0});
    CHECK(parameter_types("SELECT $2") == std::vector<Oid>{k_text, 0});
    CHECK(parameter_types("SELECT '$1', $2") == std::vector<Oid>{k_text, 0});
}

TEST_CASE("open_postgres on a server that is not there is busy, naming the host") {
    try {
        open_postgres("postgresql:///svcmgr?host=/nonexistent-svcmgr-socket-dir", "svcmgr", {});
        FAIL("connected to a server that is not there");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::busy);
        CHECK(std::string_view(e.what()).rfind(
                  "cannot reach the PostgreSQL server at /nonexistent-svcmgr-socket-dir:", 0) == 0);
        CHECK(std::string_view(e.what()).find(" for database svcmgr: ") != std::string::npos);
        CHECK(e.hint() == "the server may be down or unreachable; try again");
    }
}

TEST_CASE("a statement with a gap in its numbering runs on the server (SVCMGR_TEST_DB)" *
          doctest::skip(test_server().empty())) {
    const std::string server = test_server();
    const auto connection = open_postgres(server, "test", {});
    const auto st = connection->prepare("SELECT $2::int8 + 1, $3");
    st->bind_text(1, "unused");
    st->bind_int64(2, 41);
    st->bind_text(3, "three");
    REQUIRE(st->step());
    CHECK(st->int64(0) == 42);
    CHECK(st->text(1) == "three");
    CHECK_FALSE(st->step());
}

TEST_CASE("a failed statement on the server maps its SQLSTATE (SVCMGR_TEST_DB)" *
          doctest::skip(test_server().empty())) {
    const std::string server = test_server();
    const auto connection = open_postgres(server, "test", {});
    try {
        connection->exec("SELECT 1 / 0");
        FAIL("a division by zero succeeded");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::refused);
        CHECK(std::string_view(e.what()) == "database test: division by zero");
        CHECK(e.hint().empty());
    }
}
