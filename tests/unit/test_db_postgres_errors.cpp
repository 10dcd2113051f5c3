#include "db/postgres/errors.hpp"

#include <svcmgr/error.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace svcmgr;
using namespace svcmgr::pg;

namespace {

constexpr std::string_view k_retry =
    "another svcmgr is writing; try again, or raise --busy-timeout";
constexpr std::string_view k_lost = "the connection to the server was lost; try again";

} // namespace

TEST_CASE("a lock, statement timeout, serialization failure or deadlock is busy past the timeout") {
    for (const char* code : {"55P03", "57014", "40001", "40P01"}) {
        CAPTURE(code);
        const Error e = sqlstate_error(code, "shop", "canceling statement due to lock timeout");
        CHECK(e.kind() == ErrorKind::busy);
        CHECK(std::string_view(e.what()) == "database shop: busy past the timeout");
        CHECK(e.hint() == k_retry);
    }
}

TEST_CASE("a lost connection or a server shutting down is busy with the server's message") {
    for (const char* code : {"08000", "08006", "08P01", "57P01", "57P03"}) {
        CAPTURE(code);
        const Error e = sqlstate_error(code, "shop", "server closed the connection unexpectedly");
        CHECK(e.kind() == ErrorKind::busy);
        CHECK(std::string_view(e.what()) ==
              "database shop: server closed the connection unexpectedly");
        CHECK(e.hint() == k_lost);
    }
}

TEST_CASE("a full disk or a system error is io, without a hint") {
    for (const char* code : {"53100", "58000", "58030"}) {
        CAPTURE(code);
        const Error e = sqlstate_error(code, "shop", "could not extend file");
        CHECK(e.kind() == ErrorKind::io);
        CHECK(std::string_view(e.what()) == "database shop: could not extend file");
        CHECK(e.hint().empty());
    }
}

TEST_CASE("missing privileges, a read-only transaction or a refused authorization is permission") {
    for (const char* code : {"42501", "25006", "28000", "28P01"}) {
        CAPTURE(code);
        const Error e = sqlstate_error(code, "shop", "permission denied for table ticket");
        CHECK(e.kind() == ErrorKind::permission);
        CHECK(std::string_view(e.what()) == "database shop: permission denied for table ticket");
        CHECK(e.hint().empty());
    }
}

TEST_CASE("any other SQLSTATE is refused with the server's message") {
    for (const char* code : {"23505", "22012", "42P01", "53200", "25P02", "40000", "XX000", ""}) {
        CAPTURE(code);
        const Error e = sqlstate_error(code, "shop", "duplicate key value");
        CHECK(e.kind() == ErrorKind::refused);
        CHECK(std::string_view(e.what()) == "database shop: duplicate key value");
        CHECK(e.hint().empty());
    }
}

TEST_CASE("sqlstate_rule takes a code's own row before its class") {
    CHECK(sqlstate_rule("57014").wording == Wording::timed_out);
    CHECK(sqlstate_rule("57P01").wording == Wording::server);
    CHECK(sqlstate_rule("57P01").kind == ErrorKind::busy);
    CHECK(sqlstate_rule("53100").kind == ErrorKind::io);
    CHECK(sqlstate_rule("53000").kind == ErrorKind::refused);
    CHECK(sqlstate_rule("42501").kind == ErrorKind::permission);
    CHECK(sqlstate_rule("42601").kind == ErrorKind::refused);
}

TEST_CASE("a refused login is permission, with a hint about the role and ~/.pgpass") {
    for (const char* message : {"FATAL:  password authentication failed for user \"svc\"",
                                "fe_sendauth: no password supplied",
                                "FATAL:  no pg_hba.conf entry for host \"[local]\", user \"svc\"",
                                "FATAL:  role \"svc\" does not exist"}) {
        CAPTURE(message);
        const Error e = connect_error(message, "/run/postgresql", "5432", "shop");
        CHECK(e.kind() == ErrorKind::permission);
        CHECK(std::string(e.what()) == std::string("cannot log in to database shop: ") + message);
        CHECK(e.hint() == "check the role and ~/.pgpass (or the service file)");
    }
}

TEST_CASE("a database that does not exist is no_input, with a hint to create it") {
    const Error e =
        connect_error("FATAL:  database \"shop\" does not exist", "db.example", "5432", "shop");
    CHECK(e.kind() == ErrorKind::no_input);
    CHECK(std::string_view(e.what()) ==
          "cannot open database shop: FATAL:  database \"shop\" does not exist");
    CHECK(e.hint() == "create it first (createdb NAME)");
}

TEST_CASE("an unreachable server is busy, naming its host and port") {
    const Error e = connect_error("connection refused", "db.example", "5433", "shop");
    CHECK(e.kind() == ErrorKind::busy);
    CHECK(std::string_view(e.what()) ==
          "cannot reach the PostgreSQL server at db.example:5433 for database shop: "
          "connection refused");
    CHECK(e.hint() == "the server may be down or unreachable; try again");
    CHECK(std::string_view(connect_error("timeout expired", "", "", "shop").what()) ==
          "cannot reach the PostgreSQL server at localhost for database shop: timeout expired");
}

TEST_CASE("trimmed drops trailing newlines and spaces only") {
    CHECK(trimmed(nullptr).empty());
    CHECK(trimmed("").empty());
    CHECK(trimmed("ERROR:  boom\n") == "ERROR:  boom");
    CHECK(trimmed("  two lines\nsecond \n \n") == "  two lines\nsecond");
}
