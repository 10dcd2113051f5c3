// The customers a ticket import creates on SQLite: staged and written in id order, yet seen by
// every lookup that needs them, with the foreign keys back on afterwards.

#include <svcmgr/error.hpp>

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace svcmgr;

namespace {

void import_csv(Database& db, const std::string& text) {
    test::import_csv(db, Dataset::tickets, text);
}

std::string customers(Database& db) {
    return test::rows(db, "SELECT id || ' ' || name || ' ' || coalesce(email, '-') FROM customer "
                          "ORDER BY id");
}

} // namespace

TEST_CASE("a ticket import finds the customers it created earlier, by id, email and name") {
    Database db = Database::open_memory();
    import_csv(db, "title,customer_id,customer,email\n"
                   "Kvitto saknas,900,Åsa Öberg,asa@example.se\n"
                   "Arve puudu,17,Jüri Tamm,juri@example.ee\n"
                   // the same customer by email alone, then by id alone
                   "Faktura igen,,Åsa Öberg,asa@example.se\n"
                   "Arve uuesti,17,,\n"
                   // by name alone: a lookup by name, after the ones staged are written
                   "Zaslon,,Ivan Horvat,\n"
                   "Zaslon opet,,Ivan Horvat,\n"
                   // an id too large for the importer's bitmap
                   "Tagihan,40000000,Budi Santoso,budi@example.id\n"
                   "Tagihan lagi,40000000,,\n");
    CHECK(customers(db) == "17 Jüri Tamm juri@example.ee\n"
                           "900 Åsa Öberg asa@example.se\n"
                           "901 Ivan Horvat -\n"
                           "40000000 Budi Santoso budi@example.id\n");
    CHECK(test::rows(db, "SELECT id || ':' || customer_id FROM ticket ORDER BY id", " ") ==
          "1:900 2:17 3:900 4:17 5:901 6:901 7:40000000 8:40000000 ");
    CHECK(test::scalar(db, "PRAGMA foreign_keys") == 1);
    Statement orphans(db, "PRAGMA foreign_key_check");
    CHECK_FALSE(orphans.step());
}

TEST_CASE("a ticket import refuses a customer it cannot find or create, and writes nothing") {
    Database db = Database::open_memory();
    import_csv(db, "title,customer_id,customer,email\nKvitto saknas,5,Åsa Öberg,asa@example.se\n");
    const std::string before = customers(db);
    try {
        import_csv(db, "title,customer_id,customer,email\n"
                       "Arve puudu,17,Jüri Tamm,juri@example.ee\n"
                       "Faktura,6,,\n");
        FAIL("the import should have failed");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "row 3, column customer: no customer with id 6: give its "
                                       "name in the customer column to create it");
    }
    // Another customer's email under a new id.
    CHECK_THROWS_WITH_AS(
        import_csv(db, "title,customer_id,customer,email\n"
                       "Arve,18,Jüri Tamm,juri@example.ee\n"
                       "Arve,19,Juri T.,juri@example.ee\n"),
        "row 3, column email: email juri@example.ee belongs to customer 18, not 19", Error);
    CHECK(customers(db) == before);
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket") == 1);
    CHECK(test::scalar(db, "PRAGMA foreign_keys") == 1);
}

TEST_CASE("a ticket import that names many stored customers reads their ids once, exactly") {
    Database db = Database::open_memory();
    // Customers 1, 3, 5, ... 2999, one ticket each.
    std::string first = "title,customer_id,customer\n";
    for (int id = 1; id < 3000; id += 2) {
        first += "Kvitto," + std::to_string(id) + ",Åsa " + std::to_string(id) + "\n";
    }
    import_csv(db, first);
    // 1500 of them by id alone: past the lookups after which every stored id is read at once.
    std::string more = "title,customer_id,customer\n";
    for (int id = 1; id < 3000; id += 2) {
        more += "Arve," + std::to_string(id) + ",\n";
    }
    const std::string gap = more + "Faktura,2000,\n"; // row 1502: between stored ids
    CHECK_THROWS_WITH_AS(import_csv(db, gap),
                         "row 1502, column customer: no customer with id 2000: give its name in "
                         "the customer column to create it",
                         Error);
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket") == 1500);
    import_csv(db, more + "Faktura,2000,Ivan Horvat\nZaslon,2000,\n");
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket") == 3002);
    CHECK(test::scalar(db, "SELECT count(*) FROM customer") == 1501);
    CHECK(test::rows(db, "SELECT customer_id FROM ticket WHERE id > 3000 ORDER BY id", " ") ==
          "2000 2000 ");
    CHECK(test::scalar(db, "SELECT count(*) FROM ticket t JOIN customer c ON c.id = "
                           "t.customer_id AND c.name = 'Åsa ' || t.customer_id") == 3000);
}
