// The importer's key sets and the SQLite bulk writer.

#include <svcmgr/db.hpp>
#include <svcmgr/error.hpp>

#include "db/sql.hpp"
#include "exchange/import/keys.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace svcmgr;

TEST_CASE("IdSet holds exactly the ids added, below its limit") {
    IdSet ids;
    CHECK_FALSE(ids.contains(1));
    ids.insert(1);
    ids.insert(64);
    ids.insert(1'000'003);
    CHECK(ids.contains(1));
    CHECK(ids.contains(64));
    CHECK(ids.contains(1'000'003));
    CHECK_FALSE(ids.contains(2));
    CHECK_FALSE(ids.contains(63));
    CHECK_FALSE(ids.contains(1'000'002));
    // Ids it does not track are never contained: the caller asks the database.
    CHECK_FALSE(IdSet::tracks(0));
    CHECK_FALSE(IdSet::tracks(-5));
    CHECK_FALSE(IdSet::tracks(IdSet::k_limit));
    ids.insert(IdSet::k_limit + 7);
    CHECK_FALSE(ids.contains(IdSet::k_limit + 7));
}

TEST_CASE("KeyFilter never misses a key added and rarely claims one that was not") {
    KeyFilter filter;
    for (int i = 0; i < 200'000; ++i) {
        filter.insert("customer" + std::to_string(i) + "@example.se");
    }
    for (int i = 0; i < 200'000; ++i) {
        REQUIRE(filter.may_contain("customer" + std::to_string(i) + "@example.se"));
    }
    int false_positives = 0;
    for (int i = 0; i < 100'000; ++i) {
        false_positives += filter.may_contain("other" + std::to_string(i) + "@example.se") ? 1 : 0;
    }
    CHECK(false_positives < 5); // about 0.1 expected at this fill
    CHECK(filter.may_contain("customer0@example.se"));
    CHECK_FALSE(KeyFilter{}.may_contain(""));
}

TEST_CASE("the SQLite bulk writer writes whole rows, byte for byte, after flush") {
    Database db = Database::open_memory();
    exec(db, "CREATE TABLE t (a INTEGER, b TEXT, c TEXT)");
    const auto writer = connection(db).bulk_insert("t", {"a", "b", "c"}, nullptr);
    const std::string odd = "tab\there\nline\r\\ \"quoted\" 'x' Åsa";
    for (int i = 1; i <= 130; ++i) {
        writer->add_int64(i);
        writer->add_text(i == 70 ? odd : std::to_string(i));
        writer->add_null();
    }
    // Whole batches are written as soon as they are complete; the rest waits for flush().
    CHECK(writer->buffered_rows() == 2);
    Statement count(db, "SELECT count(*), sum(a), count(c) FROM t");
    REQUIRE(count.step());
    CHECK(count.int64(0) == 128);
    count.reset();
    writer->flush();
    CHECK(writer->buffered_rows() == 0);
    REQUIRE(count.step());
    CHECK(count.int64(0) == 130);
    CHECK(count.int64(1) == 130 * 131 / 2);
    CHECK(count.int64(2) == 0);
    count.reset();
    Statement text(db, "SELECT b FROM t WHERE a = 70");
    REQUIRE(text.step());
    CHECK(text.text(0) == odd);
}

TEST_CASE("a bulk writer writes the rows of the writer it follows first") {
    Database db = Database::open_memory();
    exec(db, "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
             "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL "
             "REFERENCES parent (id))");
    WriteTransaction tx(db);
    const auto parents = connection(db).bulk_insert("parent", {"id"}, nullptr);
    const auto children = connection(db).bulk_insert("child", {"id", "parent"}, parents.get());
    parents->add_int64(7);
    children->add_int64(1);
    children->add_int64(7);
    children->flush();
    CHECK(parents->buffered_rows() == 0);
    Statement joined(db, "SELECT count(*) FROM child JOIN parent ON parent.id = child.parent");
    REQUIRE(joined.step());
    CHECK(joined.int64(0) == 1);
    joined.reset();
    tx.commit();
}

// A file database: opened the way svcmgr opens one (without SQLite's mutexes, so the bulk writer's
// thread and the caller take turns on the connection).
TEST_CASE("a bulk write that fails on the writer's thread is thrown, and nothing commits") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("svcmgr-bulk-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "bulk.db").string();
    {
        Database db = Database::open({path, false});
        exec(db, "CREATE TABLE t (a INTEGER NOT NULL CHECK (a <> 150), b TEXT)");
        {
            WriteTransaction tx(db);
            const auto writer = connection(db).bulk_insert("t", {"a", "b"}, nullptr);
            for (int i = 1; i <= 200; ++i) {
                writer->add_int64(i);
                writer->add_text("Åsa " + std::to_string(i));
            }
            // Rows 129..192 went in one INSERT, handed over and failed: the next use throws.
            CHECK_THROWS_WITH_AS(writer->flush(), doctest::Contains("CHECK constraint failed"),
                                 Error);
            CHECK_THROWS_AS(test::scalar(db, "SELECT count(*) FROM t"), Error);
            CHECK_THROWS_WITH_AS(tx.commit(), doctest::Contains("CHECK constraint failed"), Error);
        }
        // Rolled back: the connection works again, and holds nothing of the failed writes.
        CHECK(test::scalar(db, "SELECT count(*) FROM t") == 0);
        {
            WriteTransaction tx(db);
            const auto writer = connection(db).bulk_insert("t", {"a", "b"}, nullptr);
            for (int i = 1; i <= 1000; ++i) {
                writer->add_int64(i == 150 ? 0 : i);
                writer->add_text("Åsa " + std::to_string(i));
                if (i == 500) {
                    // A statement sees every row handed over before it (here 448 of the 500).
                    CHECK(test::scalar(db, "SELECT count(*) FROM t") == 448);
                }
            }
            writer->flush();
            tx.commit();
        }
    }
    Database db = Database::open({path, false});
    CHECK(test::scalar(db, "SELECT count(*) FROM t") == 1000);
    CHECK(test::text(db, "SELECT b FROM t WHERE a = 1000") == "Åsa 1000");
    std::filesystem::remove_all(dir);
}
