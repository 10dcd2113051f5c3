// The ticket lifecycle (DESIGN.md section 4): the table itself, and every verb applied through the
// core from every status.

#include <svcmgr/error.hpp>
#include <svcmgr/ticket.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <array>
#include <functional>
#include <string>

using namespace svcmgr;
using namespace svcmgr::test;

namespace {

constexpr std::array<Status, 7> k_all_statuses = {
    Status::new_,          Status::open,     Status::in_progress, Status::waiting_customer,
    Status::waiting_parts, Status::resolved, Status::closed};
constexpr std::array<Verb, 6> k_all_verbs = {Verb::start,   Verb::wait_customer, Verb::wait_parts,
                                             Verb::resolve, Verb::close,         Verb::reopen};

// The expected table, written out cell by cell: the status each verb reaches from each status,
// or nullopt when the move is refused. Rows follow k_all_statuses, columns k_all_verbs.
using Cell = std::optional<Status>;
constexpr Cell no = std::nullopt;
constexpr Cell in_progress = Status::in_progress, waiting_customer = Status::waiting_customer,
               waiting_parts = Status::waiting_parts, resolved = Status::resolved,
               closed = Status::closed, open = Status::open;
// clang-format off
const std::array<std::array<Cell, 6>, 7> k_expected = {{
    //                       start        wait customer     wait parts     resolve   close   reopen
    /* new */              {in_progress, waiting_customer, waiting_parts, resolved, no,     no},
    /* open */             {in_progress, waiting_customer, waiting_parts, resolved, no,     no},
    /* in_progress */      {no,          waiting_customer, waiting_parts, resolved, no,     no},
    /* waiting_customer */ {in_progress, no,               no,            resolved, no,     no},
    /* waiting_parts */    {in_progress, no,               no,            resolved, no,     no},
    /* resolved */         {no,          no,               no,            no,       closed, open},
    /* closed */           {no,          no,               no,            no,       no,     open},
}};
// clang-format on

std::string status_of(Database& db, std::int64_t id) {
    Statement st(db, "SELECT status FROM ticket WHERE id = $1");
    st.bind(1, id);
    REQUIRE(st.step());
    return st.text(0);
}

// A new ticket brought to `status` through the core, at time 100.
std::int64_t ticket_in(Database& db, Status status) {
    const Stamp s{"ana", 100};
    const auto id = add_ticket(db, {.title = "Printer jams", .customer = "Kalle"}, s);
    switch (status) {
    case Status::new_:
        break;
    case Status::open:
        update_ticket(db, id, {.assignee = "ana"}, s);
        break;
    case Status::in_progress:
        start_ticket(db, id, s);
        break;
    case Status::waiting_customer:
        wait_ticket(db, id, Status::waiting_customer, s);
        break;
    case Status::waiting_parts:
        wait_ticket(db, id, Status::waiting_parts, s);
        break;
    case Status::resolved:
        resolve_ticket(db, id, {}, s);
        break;
    case Status::closed:
        resolve_ticket(db, id, {}, s);
        close_ticket(db, id, Satisfaction{}, s);
        break;
    }
    REQUIRE(status_of(db, id) == to_string(status));
    return id;
}

void apply(Database& db, std::int64_t id, Verb verb, const Stamp& s) {
    switch (verb) {
    case Verb::start:
        start_ticket(db, id, s);
        break;
    case Verb::wait_customer:
        wait_ticket(db, id, Status::waiting_customer, s);
        break;
    case Verb::wait_parts:
        wait_ticket(db, id, Status::waiting_parts, s);
        break;
    case Verb::resolve:
        resolve_ticket(db, id, {.cause = "jam", .preventable = Preventable::yes}, s);
        break;
    case Verb::close:
        close_ticket(db, id, Satisfaction{4}, s);
        break;
    case Verb::reopen:
        reopen_ticket(db, id, s);
        break;
    }
}

std::string counts(Database& db) {
    return std::to_string(scalar(db, "SELECT count(*) FROM ticket_event")) + " " +
           std::to_string(scalar(db, "SELECT count(*) FROM audit"));
}

} // namespace

TEST_CASE("transition() follows the table of DESIGN.md section 4 cell by cell") {
    for (std::size_t s = 0; s < k_all_statuses.size(); ++s) {
        for (std::size_t v = 0; v < k_all_verbs.size(); ++v) {
            CAPTURE(to_string(k_all_statuses[s]));
            CAPTURE(to_string(k_all_verbs[v]));
            CHECK(transition(k_all_statuses[s], k_all_verbs[v]) == k_expected[s][v]);
        }
    }
}

TEST_CASE("target_status and the verb names") {
    CHECK(target_status(Verb::start) == Status::in_progress);
    CHECK(target_status(Verb::wait_customer) == Status::waiting_customer);
    CHECK(target_status(Verb::wait_parts) == Status::waiting_parts);
    CHECK(target_status(Verb::resolve) == Status::resolved);
    CHECK(target_status(Verb::close) == Status::closed);
    CHECK(target_status(Verb::reopen) == Status::open);
    CHECK(to_string(Verb::wait_customer) == "wait --for customer");
    CHECK(to_string(Verb::wait_parts) == "wait --for parts");
    CHECK(to_string(Verb::reopen) == "reopen");
}

TEST_CASE("allowed_verbs lists, in table order, exactly the verbs that move a status") {
    using V = std::vector<std::string>;
    CHECK(allowed_verbs(Status::new_) ==
          V{"start", "wait --for customer", "wait --for parts", "resolve"});
    CHECK(allowed_verbs(Status::open) ==
          V{"start", "wait --for customer", "wait --for parts", "resolve"});
    CHECK(allowed_verbs(Status::in_progress) ==
          V{"wait --for customer", "wait --for parts", "resolve"});
    CHECK(allowed_verbs(Status::waiting_customer) == V{"start", "resolve"});
    CHECK(allowed_verbs(Status::waiting_parts) == V{"start", "resolve"});
    CHECK(allowed_verbs(Status::resolved) == V{"close", "reopen"});
    CHECK(allowed_verbs(Status::closed) == V{"reopen"});
    for (const Status s : k_all_statuses) {
        std::size_t moves = 0;
        for (const Verb v : k_all_verbs) {
            moves += transition(s, v) ? 1U : 0U;
        }
        CHECK(allowed_verbs(s).size() == moves);
    }
}

TEST_CASE("status and priority names round-trip; other spellings are refused") {
    for (const Status s : k_all_statuses) {
        CHECK(parse_status(to_string(s)) == s);
    }
    CHECK(to_string(Status::new_) == "new");
    for (const Priority p : {Priority::low, Priority::normal, Priority::high, Priority::urgent}) {
        CHECK(parse_priority(to_string(p)) == p);
    }
    for (const char* bad : {"", "New", "active", "in progress", "waiting", " open", "open "}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_status(bad));
    }
    for (const char* bad : {"", "High", "critical", "1"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_priority(bad));
    }
}

TEST_CASE("every verb from every status through the core: valid moves write, others refuse") {
    for (std::size_t s = 0; s < k_all_statuses.size(); ++s) {
        for (std::size_t v = 0; v < k_all_verbs.size(); ++v) {
            const Status from = k_all_statuses[s];
            const Verb verb = k_all_verbs[v];
            CAPTURE(to_string(from));
            CAPTURE(to_string(verb));
            Database db = Database::open_memory();
            const auto id = ticket_in(db, from);
            const auto audit_before = scalar(db, "SELECT count(*) FROM audit");
            const std::string before = counts(db);
            if (const auto to = k_expected[s][v]) {
                apply(db, id, verb, {"lena", 500});
                CHECK(status_of(db, id) == to_string(*to));
                CHECK(scalar(db, "SELECT updated_at FROM ticket") == 500);
                CHECK(scalar(db, "SELECT count(*) FROM audit WHERE seq > " +
                                     std::to_string(audit_before)) == 1);
                CHECK(scalar(db, "SELECT count(*) FROM ticket_event WHERE kind = 'status' AND "
                                 "at = 500 AND old_value = '" +
                                     std::string(to_string(from)) + "' AND new_value = '" +
                                     std::string(to_string(*to)) + "'") == 1);
            } else {
                std::string message;
                ErrorKind kind = ErrorKind::usage;
                try {
                    apply(db, id, verb, {"lena", 500});
                } catch (const Error& e) {
                    message = e.what();
                    kind = e.kind();
                }
                CHECK(kind == ErrorKind::refused);
                std::string allowed;
                for (const auto& name : allowed_verbs(from)) {
                    allowed += (allowed.empty() ? "" : ", ") + name;
                }
                CHECK(message == "cannot move ticket 1 from " + std::string(to_string(from)) +
                                     " to " + std::string(to_string(target_status(verb))) +
                                     " (allowed: " + allowed + ")");
                CHECK(status_of(db, id) == to_string(from));
                CHECK(counts(db) == before);
                CHECK(scalar(db, "SELECT updated_at FROM ticket") == 100);
            }
        }
    }
}

TEST_CASE("the timestamps the verbs set and clear") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db, {.title = "Arve", .customer = "Jüri"}, {"ana", 100});
    resolve_ticket(db, id, {.cause = "double-charge", .preventable = Preventable::yes},
                   {"ana", 200});
    CHECK(scalar(db, "SELECT resolved_at FROM ticket") == 200);
    CHECK(scalar(db, "SELECT preventable FROM ticket") == 1);
    close_ticket(db, id, Satisfaction{2}, {"ana", 300});
    CHECK(scalar(db, "SELECT closed_at FROM ticket") == 300);
    CHECK(scalar(db, "SELECT satisfaction FROM ticket") == 2);
    CHECK(scalar(db, "SELECT resolved_at FROM ticket") == 200);

    reopen_ticket(db, id, {"ana", 400});
    CHECK(scalar(db,
                 "SELECT count(*) FROM ticket WHERE resolved_at IS NULL AND closed_at IS NULL "
                 "AND satisfaction IS NULL AND cause = 'double-charge' AND preventable = 1") == 1);
    // The history keeps what reopen cleared: the moves with their times, and the rating.
    CHECK(scalar(db,
                 "SELECT count(*) FROM ticket_event WHERE kind = 'status' AND "
                 "((at = 200 AND new_value = 'resolved') OR (at = 300 AND new_value = 'closed') "
                 "OR (at = 400 AND new_value = 'open'))") == 3);
    CHECK(scalar(db, "SELECT count(*) FROM ticket_event WHERE field = 'satisfaction' AND "
                     "new_value = '2' AND at = 300") == 1);
    CHECK(scalar(db, "SELECT json_extract(change, '$.before.satisfaction') FROM audit WHERE "
                     "action = 'reopen'") == 2);

    resolve_ticket(db, id, {.cause = "card-expired", .preventable = Preventable::no}, {"ana", 500});
    CHECK(scalar(db, "SELECT count(*) FROM ticket_event WHERE at = 500 AND ((field = 'cause' AND "
                     "old_value = 'double-charge' AND new_value = 'card-expired') OR (field = "
                     "'preventable' AND old_value = 'yes' AND new_value = 'no'))") == 2);
    close_ticket(db, id, Satisfaction{}, {"ana", 600});
    CHECK(
        scalar(db, "SELECT count(*) FROM ticket WHERE closed_at = 600 AND satisfaction IS NULL") ==
        1);
}

TEST_CASE("close refuses a rating outside 1-5 before touching the ticket") {
    Database db = Database::open_memory();
    const auto id = add_ticket(db, {.title = "Arve", .customer = "Jüri"}, {"ana", 100});
    resolve_ticket(db, id, {}, {"ana", 200});
    const std::string before = counts(db);
    for (const int bad : {0, 6, -1, 1000}) {
        CAPTURE(bad);
        try {
            close_ticket(db, id, Satisfaction{bad}, {"ana", 300});
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK(std::string(e.what()) ==
                  "satisfaction must be 1 to 5, not " + std::to_string(bad));
        }
    }
    CHECK(counts(db) == before);
    CHECK(status_of(db, id) == "resolved");
}

TEST_CASE("a verb on an unknown ticket is refused naming the id") {
    Database db = Database::open_memory();
    for (const Verb verb : k_all_verbs) {
        CAPTURE(to_string(verb));
        try {
            apply(db, 42, verb, {"ana", 1});
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::refused);
            CHECK(std::string(e.what()) == "no ticket with id 42");
        }
    }
    CHECK(scalar(db, "SELECT count(*) FROM audit") == 0);
}
