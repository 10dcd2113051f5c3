// The CSV reader, export and import on in-memory databases: strict parsing, identity, the guard,
// validation naming row and column, all-or-nothing, and the batch audit that verify checks.

#include <svcmgr/audit.hpp>
#include <svcmgr/csv.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>
#include <svcmgr/ticket.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace svcmgr;

namespace {

constexpr std::int64_t k_t0 = 1795348383; // 2026-11-22T11:53:03Z

std::vector<std::vector<std::string>> read_csv(std::string_view data, char delimiter = ',') {
    CsvReader reader(data, delimiter);
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> fields;
    while (reader.next(fields)) {
        records.push_back(fields);
    }
    return records;
}

std::string csv_error(std::string_view data) {
    try {
        read_csv(data);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::bad_data);
        return e.what();
    }
    return "no error";
}

// Imports CSV text through a memory stream.
ImportResult import_text(Database& db, Dataset dataset, const std::string& text,
                         ImportOptions options = {}) {
    std::FILE* in = fmemopen(const_cast<char*>(text.data()), text.size(), "rb");
    REQUIRE(in != nullptr);
    auto source = csv_source(in);
    try {
        const ImportResult result = import_dataset(db, dataset, *source, options, {"lena", k_t0});
        std::fclose(in);
        return result;
    } catch (...) {
        std::fclose(in);
        throw;
    }
}

std::string import_error(Database& db, Dataset dataset, const std::string& text) {
    try {
        import_text(db, dataset, text);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::bad_data);
        return e.what();
    }
    return "no error";
}

std::vector<Row> exported(Database& db, Dataset dataset, const std::vector<std::string>& names) {
    std::vector<Row> rows;
    export_dataset(db, dataset, names, [&](const Row& row) { rows.push_back(row); });
    return rows;
}

} // namespace

TEST_CASE("the CSV reader reads RFC 4180 with LF or CRLF, a BOM and quoted fields") {
    const auto records = read_csv("\xEF\xBB\xBF"
                                  "a,b,c\r\n1,\"x,\"\"y\"\"\r\nz\",\r\n\"\",2,3");
    REQUIRE(records.size() == 3);
    CHECK(records[0] == std::vector<std::string>{"a", "b", "c"});
    CHECK(records[1] == std::vector<std::string>{"1", "x,\"y\"\r\nz", ""});
    CHECK(records[2] == std::vector<std::string>{"", "2", "3"});
    CHECK(read_csv("a;b\n1;2,5\n", ';')[1] == std::vector<std::string>{"1", "2,5"});
    CHECK(read_csv("").empty());
}

TEST_CASE("the CSV reader refuses what RFC 4180 does not allow, naming row and column") {
    CHECK(csv_error("a,b\n\"open,x\n") ==
          "row 2, column a: unterminated quoted field (the input ends inside it)");
    CHECK(csv_error("a,b\nx\"y,z\n") ==
          "row 2, column a: stray quote: quote a field that contains quotes, doubling them");
    CHECK(csv_error("a,b\n\"x\"y,z\n") == "row 2, column a: stray quote: a quoted field must end "
                                          "at a delimiter or the end of the row");
    CHECK(csv_error("a,b\nx\n") == "row 2, column b: missing: the row has 1 of the header's 2 "
                                   "fields");
    CHECK(csv_error("a,b\nx,y,z\n") == "row 2, column 3: the row has more fields than the "
                                       "header's 2");
    CHECK(csv_error("a,b\nx,y\rz,w\n") ==
          "row 2, column b: a carriage return outside quotes must end the row (CRLF)");
    CHECK(csv_error(std::string("a,b\nx,y\0z\n", 10)) == "row 2, column b: a NUL byte is not "
                                                         "allowed");
    CHECK(csv_error("a,b\nx,\xC3\x28\n") == "row 2, column b: not valid UTF-8");
}

TEST_CASE("the block reader reads records across block boundaries") {
    std::string data = "id,body\n";
    const std::string big(200000, 'x');
    data += "1,\"" + big + "\"\"\"\n2,short\n";
    std::FILE* in = fmemopen(data.data(), data.size(), "rb");
    REQUIRE(in != nullptr);
    CsvReader reader(in);
    std::vector<std::string> fields;
    REQUIRE(reader.next(fields));
    REQUIRE(reader.next(fields));
    CHECK(fields[1] == big + "\"");
    REQUIRE(reader.next(fields));
    CHECK(fields[1] == "short");
    CHECK_FALSE(reader.next(fields));
    std::fclose(in);
}

TEST_CASE("import creates tickets and customers, keeps ids and removes the guard once") {
    Database db = Database::open_memory();
    const auto result = import_text(db, Dataset::tickets,
                                    "id,title,customer,email,status,description\r\n"
                                    "7,'=SUM(1),Åsa Öberg,asa@example.se,open,''quoted\r\n"
                                    "9,Second,Åsa Öberg,asa@example.se,new,\r\n");
    CHECK(result.rows == 2);
    CHECK(result.created == 2);
    const auto rows = exported(db, Dataset::tickets, {"id", "title", "customer_id", "description"});
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] ==
          Row{std::int64_t{7}, std::string("=SUM(1)"), std::int64_t{1}, std::string("'quoted")});
    CHECK(rows[1] == Row{std::int64_t{9}, std::string("Second"), std::int64_t{1}, Value{}});
    CHECK(verify_audit(db, {}).problems.empty());
}

TEST_CASE("re-import is a no-op; other cells are an error unless --update; errors write nothing") {
    Database db = Database::open_memory();
    const std::string file = "id,title,customer,priority\n1,First,Kärt Tamm,high\n";
    import_text(db, Dataset::tickets, file);
    const auto again = import_text(db, Dataset::tickets, file);
    CHECK(again.unchanged == 1);
    CHECK(again.created == 0);
    const std::string changed = "id,title,customer,priority\n1,First,Kärt Tamm,low\n";
    CHECK(import_error(db, Dataset::tickets, changed) ==
          "row 2, column priority: ticket 1 exists already with a different priority");
    const auto updated =
        import_text(db, Dataset::tickets, changed, {.on_conflict = OnConflict::update});
    CHECK(updated.updated == 1);
    CHECK(exported(db, Dataset::tickets, {"priority"})[0][0] == Value{std::string("low")});
    // A bad second row leaves the first unwritten.
    CHECK(import_error(db, Dataset::tickets,
                       "title,customer,status\nfine,Ivan,new\nbad,Ivan,finished\n")
              .starts_with("row 3, column status: unknown status 'finished'"));
    CHECK(exported(db, Dataset::tickets, {"id"}).size() == 1);
    CHECK(verify_audit(db, {}).problems.empty());
}

TEST_CASE("dry run validates against the database and writes nothing") {
    Database db = Database::open_memory();
    const auto result = import_text(db, Dataset::customers, "name,email\nBudi,budi@example.id\n",
                                    {.dry_run = DryRun::yes});
    CHECK(result.created == 1);
    CHECK(exported(db, Dataset::customers, {}).empty());
}

TEST_CASE("the ledger import keeps on_hand equal to the sum of its moves") {
    Database db = Database::open_memory();
    import_text(db, Dataset::parts, "sku,name,on_hand\n00123,Näyttö,50\n");
    CHECK(exported(db, Dataset::parts, {"sku", "on_hand"})[0] ==
          Row{std::string("00123"), std::int64_t{0}});
    import_text(db, Dataset::moves,
                "at,sku,kind,qty,unit_cost,actor\n"
                "2026-01-01T00:00:00Z,00123,receive,5,1.50,lena\n"
                "2026-01-02T00:00:00Z,00123,adjust,-2,1.50,lena\n");
    CHECK(exported(db, Dataset::parts, {"on_hand"})[0][0] == Value{std::int64_t{3}});
    CHECK(import_error(db, Dataset::moves,
                       "at,sku,kind,qty,unit_cost,actor\n"
                       "2026-01-03T00:00:00Z,00123,adjust,-4,1.50,lena\n") ==
          "row 2, column qty: '00123' has 3 on hand: a move of -4 would take it below zero");
    CHECK(import_error(db, Dataset::moves,
                       "at,sku,kind,qty,unit_cost,actor\n"
                       "2026-01-03T00:00:00Z,00999,receive,4,1.50,lena\n") ==
          "row 2, column sku: unknown part '00999'");
    CHECK(verify_audit(db, {}).problems.empty());
}

TEST_CASE("the header must name known columns once and carry the required ones") {
    Database db = Database::open_memory();
    CHECK(import_error(db, Dataset::customers, "name,shoe_size\n") ==
          "row 1, column shoe_size: unknown column");
    CHECK(import_error(db, Dataset::customers, "name,name\n") ==
          "row 1, column name: the header names this column twice");
    CHECK(import_error(db, Dataset::customers, "email\n") ==
          "row 1, column name: missing from the header");
    CHECK(import_error(db, Dataset::customers, "") ==
          "the input is empty: expected a header line naming the columns");
    CHECK(import_text(db, Dataset::customers, "name,tickets\n").rows == 0);
}
