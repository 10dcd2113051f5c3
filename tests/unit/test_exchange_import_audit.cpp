// The batch audit records of an import: their change is canonical JSON built without a Json
// value, it lists every row's state hash in key order, and the chain hash covers it.

#include <svcmgr/audit.hpp>
#include <svcmgr/exchange.hpp>

#include "audit/log.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace svcmgr;

TEST_CASE("an import's batch record lists each row's state hash in key order, canonically") {
    Database db = Database::open_memory();
    // Ids out of order and of different lengths (text order is not number order), refs and names
    // that JSON must escape, a customer created by the import.
    test::import_csv(db, Dataset::tickets,
                     "id,ref,title,customer,email,created_at\n"
                     "10,\"R-\"\"10\"\"\",Fakturan dras två gånger,Åsa Öberg,asa@example.se,"
                     "2026-11-01T08:00:00Z\n"
                     "9,R\\9,\"Printer\nstopped\",Jüri Tamm,juri@example.ee,2026-11-01T09:00:00Z\n"
                     "100,,Zaslon je razbijen,Đurđa Šimić,,2026-11-01T10:00:00Z\n");

    Statement records(db, "SELECT seq, at, actor, action, entity, entity_id, change, prev_hash, "
                          "hash FROM audit ORDER BY seq");
    int seen = 0;
    while (records.step()) {
        ++seen;
        const std::string entity = records.text(4);
        CHECK(records.text(3) == "import");
        CHECK(records.text(5) == "*");
        const std::string change = records.text(6);
        const Json parsed = Json::parse(change);
        // The stored text is the canonical text of itself: sorted keys, no whitespace.
        CHECK(canonical_json(parsed) == change);
        CHECK(parsed["before"].is_null());
        const Json& rows = parsed["after"]["rows"];
        for (const auto& [key, hash] : rows.items()) {
            const Json state = row_state(db, entity, "id", std::stoll(key));
            CHECK(hash.get<std::string>() == sha256_hex(canonical_json(state)));
        }
        if (entity == "ticket") {
            std::string keys;
            for (const auto& [key, hash] : rows.items()) {
                keys += key + " ";
            }
            CHECK(keys == "10 100 9 ");
        } else {
            CHECK(entity == "customer");
            CHECK(rows.size() == 3);
        }
        // The chain hash: SHA-256 of the previous hash and the row's canonical text.
        CHECK(records.text(8) ==
              sha256_hex(records.text(7),
                         canonical_audit_row(records.int64(0), records.int64(1), records.text(2),
                                             records.text(3), entity, records.text(5), change)));
    }
    CHECK(seen == 2);
    CHECK(verify_audit(db, {}).problems.empty());
}

TEST_CASE("append_audit_text writes the record append_audit writes for the same change") {
    Database a = Database::open_memory();
    Database b = Database::open_memory();
    const Json after = {{"name", "Budi \"Santoso\"\n"}, {"id", 7}};
    append_audit(a, {"ana", 10}, "create", "customer", "7", nullptr, after);
    append_audit_text(b, {"ana", 10}, "create", "customer", "7",
                      canonical_json(Json{{"after", after}, {"before", nullptr}}));
    const std::string sql = "SELECT seq || change || prev_hash || hash FROM audit";
    CHECK(test::text(a, sql) == test::text(b, sql));
}
