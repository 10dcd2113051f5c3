#include "db/postgres/libpq.hpp"

#include <svcmgr/error.hpp>

#include <doctest/doctest.h>

#include <string_view>

using namespace svcmgr;
using namespace svcmgr::pg;

TEST_CASE("load_libpq resolves every function of the list from libpq.so.5") {
    const Libpq pq = load_libpq("libpq.so.5");
    // Each function by name, so that a failure says which one is missing.
#define SVCMGR_TEST_RESOLVED(name)                                                                 \
    {                                                                                              \
        const bool resolved = pq.name != nullptr;                                                  \
        CHECK_MESSAGE(resolved, #name);                                                            \
    }
    SVCMGR_LIBPQ_FUNCTIONS(SVCMGR_TEST_RESOLVED)
#undef SVCMGR_TEST_RESOLVED
}

TEST_CASE("libpq() loads libpq.so.5 once") {
    const Libpq& first = libpq();
    CHECK(&first == &libpq());
    const bool loaded = first.PQconnectdbParams != nullptr && first.PQgetResult != nullptr;
    CHECK(loaded);
}

TEST_CASE("a client library that cannot be loaded is a config error with a hint to install it") {
    try {
        load_libpq("libsvcmgr-no-such-library.so.5");
        FAIL("loaded a library that is not there");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::config);
        CHECK(std::string_view(e.what()).rfind("cannot load the PostgreSQL client library: "
                                               "libsvcmgr-no-such-library.so.5: ",
                                               0) == 0);
        CHECK(e.hint() == "install libpq5 (apt-get install libpq5)");
    }
}

TEST_CASE("a client library without the functions is a config error calling it too old") {
    try {
        load_libpq("libc.so.6");
        FAIL("libc passed for libpq");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::config);
        CHECK(std::string_view(e.what()) == "the PostgreSQL client library libc.so.6 is too old");
        CHECK(e.hint() == "install a current libpq5");
    }
}
