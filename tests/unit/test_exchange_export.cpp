// The export's fast paths give what the plain ones give: the ticket export against the joined
// SELECT it replaces on SQLite (customers from the cache and by lookup, parts costs merged), and
// the hand-written formatters against the calendar library and fmt.

#include <svcmgr/exchange.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/text.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"
#include "ticket/columns.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>
#include <limits>
#include <string>
#include <vector>

using namespace svcmgr;
using svcmgr::test::import_csv;

namespace {

constexpr std::int64_t k_t0 = 1795348383; // 2026-11-22T11:53:03Z

std::vector<Row> exported(Database& db, const std::vector<std::string>& names) {
    std::vector<Row> rows;
    export_dataset(db, Dataset::tickets, names, [&](const Row& row) { rows.push_back(row); });
    return rows;
}

// Every ticket column through the one joined SELECT, as `ticket list` and `ticket show` read it.
std::vector<Row> joined(Database& db) {
    std::string exprs;
    for (const auto& c : k_ticket_columns) {
        exprs += exprs.empty() ? "" : ", ";
        exprs += c.sql;
    }
    Statement st(db, fmt::format("SELECT {} FROM ticket t JOIN customer c ON c.id = t.customer_id "
                                 "ORDER BY t.id",
                                 exprs));
    st.bind(1, setting_money(db, "hourly_cost"));
    std::vector<Row> rows;
    while (st.step()) {
        Row row(k_ticket_columns.size());
        for (std::size_t i = 0; i < row.size(); ++i) {
            row[i] = st.value(static_cast<int>(i));
        }
        rows.push_back(row);
    }
    return rows;
}

} // namespace

TEST_CASE("the ticket export gives the rows of the joined SELECT, costs with parts included") {
    Database db = Database::open_memory();
    set_setting(db, "hourly_cost", "45.00", {"lena", k_t0});
    // A customer without email, one whose name and email are long, and one whose id is beyond
    // the cache's index (read by lookup).
    import_csv(db, Dataset::customers,
               "id,name,email\r\n"
               "1,Åsa Öberg,asa@example.se\r\n"
               "2,Jüri Tamm,\r\n"
               "3," +
                   std::string(300, 'x') + "," + std::string(70000, 'e') +
                   "@example.com\r\n"
                   "5000000,Budi Santoso,budi@example.id\r\n");
    import_csv(db, Dataset::tickets,
               "id,title,customer_id,status,minutes,assignee\r\n"
               "4,Invoice,1,open,7,\r\n"
               "5,Screen,5000000,resolved,61,mia\r\n"
               "9,Cable,2,new,0,\r\n"
               "12,Keyboard,3,closed,30,mia\r\n"
               "13,Again,1,open,1,\r\n");
    import_csv(db, Dataset::parts, "sku,name\r\n00123,Näyttö\r\n");
    import_csv(db, Dataset::moves,
               "at,sku,kind,qty,unit_cost,ticket_id,actor\r\n"
               "2026-01-01T00:00:00Z,00123,receive,10,2.50,,lena\r\n"
               "2026-01-02T00:00:00Z,00123,consume,-3,2.50,5,lena\r\n"
               "2026-01-03T00:00:00Z,00123,return,1,2.50,5,lena\r\n"
               "2026-01-04T00:00:00Z,00123,consume,-1,2.50,13,lena\r\n");

    const std::vector<Row> all = exported(db, {});
    CHECK(all == joined(db));
    REQUIRE(all.size() == 5);
    CHECK(exported(db, {"cost", "id", "email"}) ==
          std::vector<Row>{
              {std::int64_t{525}, std::int64_t{4}, std::string("asa@example.se")},
              {std::int64_t{5075}, std::int64_t{5}, std::string("budi@example.id")},
              {std::int64_t{0}, std::int64_t{9}, Value{}},
              {std::int64_t{2250}, std::int64_t{12}, std::string(70000, 'e') + "@example.com"},
              {std::int64_t{325}, std::int64_t{13}, std::string("asa@example.se")}});
    CHECK(exported(db, {"title"}).size() == 5);

    // More tickets than customers: the cache is filled in one pass first (the long customer is
    // still read by lookup).
    Database filled = Database::open_memory();
    import_csv(filled, Dataset::customers,
               "id,name,email\r\n1,Åsa Öberg,asa@example.se\r\n2,Jüri Tamm,\r\n3," +
                   std::string(300, 'x') + "," + std::string(70000, 'e') + "@example.com\r\n");
    import_csv(filled, Dataset::tickets,
               "id,title,customer_id,status,minutes\r\n"
               "4,Invoice,1,open,7\r\n5,Screen,3,resolved,61\r\n9,Cable,2,new,0\r\n");
    CHECK(exported(filled, {}) == joined(filled));
    CHECK(exported(filled, {"email"})[1] == Row{std::string(70000, 'e') + "@example.com"});
}

TEST_CASE("append_iso_utc writes what the calendar library writes") {
    const std::int64_t samples[] = {0,           -1,        1,    86399,        86400,
                                    951782400,   951868799, k_t0, -62135596800, 253402300799,
                                    -2208988800, 4102444800};
    for (const std::int64_t t : samples) {
        std::string out = "x";
        append_iso_utc(out, t);
        CHECK(out == "x" + format_iso_utc(t));
    }
    for (std::int64_t t = -400LL * 366 * 86400; t < 400LL * 366 * 86400; t += 86400 * 7 + 3661) {
        std::string out;
        append_iso_utc(out, t);
        REQUIRE(out == format_iso_utc(t));
    }
    std::string beyond;
    append_iso_utc(beyond, 253402300800); // year 10000: the library's form
    CHECK(beyond == format_iso_utc(253402300800));
}

TEST_CASE("append_money writes major units with two decimals") {
    const std::pair<std::int64_t, std::string_view> cases[] = {
        {0, "0.00"},
        {5, "0.05"},
        {-5, "-0.05"},
        {1250, "12.50"},
        {-100, "-1.00"},
        {123456789, "1234567.89"},
        {std::numeric_limits<std::int64_t>::max(), "92233720368547758.07"},
        {std::numeric_limits<std::int64_t>::min(), "-92233720368547758.08"}};
    for (const auto& [minor, text] : cases) {
        std::string out = ";";
        append_money(out, minor);
        CHECK(out == fmt::format(";{}", text));
        CHECK(format_money(minor) == text);
    }
}

TEST_CASE("the UTF-8 check and the csv guard keep their answers on the fast paths") {
    CHECK(is_valid_utf8("plain ASCII text of more than eight bytes"));
    CHECK(is_valid_utf8("12345678Åsa Öberg, Đurđa Šimić"));
    CHECK_FALSE(is_valid_utf8("12345678\xC3"));
    CHECK_FALSE(is_valid_utf8("1234567\xFF"
                              "abcdefgh"));
    CHECK_FALSE(is_valid_utf8("abcdefghijklmnop\xED\xA0\x80"));
    CHECK(starts_with_csv_guard("=SUM(1)"));
    CHECK(starts_with_csv_guard("'quoted"));
    CHECK(starts_with_csv_guard("\xEF\xBC\x9D"
                                "1"));
    CHECK_FALSE(starts_with_csv_guard("\xEF\xBB\xBF"
                                      "x"));
    CHECK_FALSE(starts_with_csv_guard(""));
    CHECK_FALSE(starts_with_csv_guard("Åsa"));
}
