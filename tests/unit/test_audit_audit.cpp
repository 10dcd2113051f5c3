#include <svcmgr/audit.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/ticket.hpp>

#include "audit/log.hpp"
#include "db/sql.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <random>

using namespace svcmgr;

TEST_CASE("canonical_audit_row is the RFC 8785 serialization of the row") {
    const std::string change = R"({"after":{"title":"Šimić \"x\"\n\t\u0001"},"before":null})";
    const Json row = {{"seq", 12},          {"at", 1763812383},   {"actor", "jüri"},
                      {"action", "update"}, {"entity", "ticket"}, {"entity_id", "7"},
                      {"change", change}};
    CHECK(canonical_audit_row(12, 1763812383, "jüri", "update", "ticket", "7", change) ==
          canonical_json(row));
}

namespace {

// Text of `n` characters drawn from quotes, backslashes, control characters, ASCII and
// multi-byte UTF-8, in runs, so that escapes fall at every position of a 16-byte block.
std::string mixed_text(std::mt19937& rng, std::size_t n) {
    static const std::vector<std::string> k_pieces = {"\"",
                                                      "\\",
                                                      "\n",
                                                      "\t",
                                                      std::string(1, '\x01'),
                                                      std::string(1, '\x1f'),
                                                      "\x7f",
                                                      "a",
                                                      "Z",
                                                      " ",
                                                      "{",
                                                      ":",
                                                      "å",
                                                      "Š",
                                                      "€",
                                                      "😀",
                                                      "abcdefghijklmnopqrstuvwxyz0123456789"};
    std::string out;
    std::uniform_int_distribution<std::size_t> pick(0, k_pieces.size() - 1);
    while (out.size() < n) {
        out += k_pieces[pick(rng)];
    }
    return out;
}

} // namespace

TEST_CASE("canonical_audit_row escapes long and short text as nlohmann does") {
    std::mt19937 rng(5);
    for (std::size_t n = 0; n < 200; ++n) {
        const std::string change = mixed_text(rng, n);
        const std::string actor = mixed_text(rng, n / 4);
        const Json row = {
            {"seq", 1},           {"at", 0},          {"actor", actor},  {"action", "set"},
            {"entity", "ticket"}, {"entity_id", "7"}, {"change", change}};
        CHECK(canonical_audit_row(1, 0, actor, "set", "ticket", "7", change) ==
              canonical_json(row));
    }
}

TEST_CASE("Sha256Writer hashes the bytes canonical_audit_row builds, beyond its buffer") {
    std::mt19937 rng(11);
    for (const std::size_t n : {0U, 31U, 32U, 1023U, 1024U, 1025U, 16384U, 50000U}) {
        const std::string change = mixed_text(rng, n);
        const std::string prev(64, 'f');
        Sha256Writer writer;
        writer.write(prev);
        write_audit_row(writer, 3, 99, "ana", "update", "ticket", "1", change);
        const Digest digest = writer.finish();
        std::string hex;
        for (const auto byte : digest) {
            hex += fmt::format("{:02x}", byte);
        }
        CHECK(hex ==
              sha256_hex(prev, canonical_audit_row(3, 99, "ana", "update", "ticket", "1", change)));
    }
}

TEST_CASE("sha256_hex matches a known digest") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("the first audit row chains from 64 zeros and each row from its predecessor") {
    Database db = Database::open_memory();
    set_setting(db, "hourly_cost", "30", {"lena", 100});
    set_setting(db, "currency", "SEK", {"lena", 200});
    const Table log = audit_log(db, {});
    REQUIRE(log.rows.size() == 2);
    CHECK(std::get<std::string>(log.rows[0][7]) == std::string(64, '0'));
    CHECK(std::get<std::string>(log.rows[1][7]) == std::get<std::string>(log.rows[0][8]));
    const auto head = audit_head(db);
    REQUIRE(head);
    CHECK(head->seq == 2);
    CHECK(head->hash == std::get<std::string>(log.rows[1][8]));
}

TEST_CASE("verify_audit is clean after svcmgr's own changes") {
    Database db = Database::open_memory();
    const auto id =
        add_ticket(db, {.title = "Narudžba nije stigla", .customer = "Đurđa Šimić"}, {"ana", 1000});
    resolve_ticket(db, id, {.cause = "courier"}, {"ana", 2000});
    unset_setting(db, "hourly_cost", {"ana", 2100});
    set_setting(db, "hourly_cost", "10", {"ana", 2200});
    unset_setting(db, "hourly_cost", {"ana", 2300});
    const VerifyReport report = verify_audit(db, {});
    CHECK(report.problems.empty());
    CHECK(report.rows == 5);
    CHECK(report.entities == 2);
}

TEST_CASE("verify_audit names a row changed behind svcmgr's back") {
    Database db = Database::open_memory();
    add_ticket(db, {.title = "Printer", .customer = "Kalle"}, {"ana", 1000});
    exec(db, "UPDATE ticket SET priority = 'urgent' WHERE id = 1");
    const VerifyReport report = verify_audit(db, {});
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0] ==
          "ticket 1 differs from its last audit record (row 2): it was changed outside svcmgr");
}

TEST_CASE("parse_audit_head accepts SEQ:HASH and SEQ HASH only") {
    const std::string hash(64, 'a');
    CHECK(parse_audit_head("3:" + hash)->seq == 3);
    CHECK(parse_audit_head("3 " + hash)->hash == hash);
    CHECK_FALSE(parse_audit_head("0:" + hash));
    CHECK_FALSE(parse_audit_head("3:" + hash.substr(1)));
    CHECK_FALSE(parse_audit_head("3:" + std::string(64, 'A')));
    CHECK_FALSE(parse_audit_head("03:" + hash));
    CHECK_FALSE(parse_audit_head(hash));
}

TEST_CASE("a batch audit record vouches for every row it lists") {
    Database db = Database::open_memory();
    {
        WriteTransaction tx(db);
        exec(db, "INSERT INTO customer (id, name, created_at) VALUES (1, 'Budi Santoso', 10), "
                 "(2, 'Mary O''Neil', 20)");
        append_batch_audit(db, {"import", 30}, "import", "customer",
                           {{"1", row_state(db, "customer", "id", std::int64_t{1})},
                            {"2", row_state(db, "customer", "id", std::int64_t{2})}});
        tx.commit();
    }
    CHECK(verify_audit(db, {}).problems.empty());

    exec(db, "UPDATE customer SET name = 'Budi S.' WHERE id = 2");
    exec(db, "DELETE FROM customer WHERE id = 1");
    const VerifyReport report = verify_audit(db, {});
    REQUIRE(report.problems.size() == 2);
    CHECK(report.problems[0] ==
          "customer 2 differs from its last audit record (row 1): it was changed outside svcmgr");
    CHECK(report.problems[1] == "customer 1 was deleted outside svcmgr (last audit record: row 1)");
}

TEST_CASE("canonical_row equals the canonical text of row_state") {
    Database db = Database::open_memory();
    add_ticket(db,
               {.title = "Zamjena \"zaslona\"\n\tpod jamstvom",
                .customer = "Ivan Horvat",
                .assignee = "marko"},
               {"ana", 1000});
    Statement st(db, "SELECT * FROM ticket WHERE id = 1");
    REQUIRE(st.step());
    CHECK(canonical_row(st, columns_by_name(st)) ==
          canonical_json(row_state(db, "ticket", "id", std::int64_t{1})));
}

TEST_CASE("verify_audit checks rows whose ids are far above the number of records") {
    Database db = Database::open_memory();
    {
        WriteTransaction tx(db);
        exec(db, "INSERT INTO customer (id, name, created_at) VALUES (9000000000, 'Budi', 10)");
        append_audit(db, {"ana", 10}, "create", "customer", "9000000000", nullptr,
                     row_state(db, "customer", "id", std::int64_t{9000000000}));
        tx.commit();
    }
    CHECK(verify_audit(db, {}).problems.empty());
    exec(db, "UPDATE customer SET name = 'Budi S.' WHERE id = 9000000000");
    VerifyReport report = verify_audit(db, {});
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0] == "customer 9000000000 differs from its last audit record (row 1): "
                                "it was changed outside svcmgr");
    exec(db, "DELETE FROM customer");
    report = verify_audit(db, {});
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0] ==
          "customer 9000000000 was deleted outside svcmgr (last audit record: row 1)");
}
