#include "output.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

using namespace svcmgr;
using namespace svcmgr::cli;

namespace {

constexpr std::int64_t k_t = 1795348383; // 2026-11-22T11:53:03Z

// Captures what a render function writes to its FILE*.
class Capture {
public:
    Capture() : m_file(open_memstream(&m_buffer, &m_size)) { REQUIRE(m_file != nullptr); }
    ~Capture() {
        if (m_file != nullptr) {
            std::fclose(m_file);
        }
        std::free(m_buffer);
    }
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;

    std::FILE* file() { return m_file; }
    std::string text() {
        std::fflush(m_file);
        return std::string(m_buffer, m_size);
    }

private:
    char* m_buffer = nullptr;
    std::size_t m_size = 0;
    std::FILE* m_file;
};

std::string rendered(const Table& table, RenderOptions options) {
    Capture capture;
    render(capture.file(), table, options);
    return capture.text();
}

std::string rendered(const Table& table, Format format) {
    return rendered(table, RenderOptions{.format = format});
}

std::string rendered_record(const Table& table, RenderOptions options) {
    Capture capture;
    render_record(capture.file(), table, options);
    return capture.text();
}

// One column of each type, two rows, the second mostly NULL and edge values.
Table typed_table() {
    return Table{
        {{"id", ColumnType::integer},
         {"name", ColumnType::text},
         {"sku", ColumnType::code},
         {"cost", ColumnType::money},
         {"created_at", ColumnType::time},
         {"open", ColumnType::boolean},
         {"age", ColumnType::duration},
         {"score", ColumnType::percent}},
        {
            {std::int64_t{1}, std::string{"Åsa Öberg"}, std::string{"00123"}, std::int64_t{1250},
             k_t, std::int64_t{1}, std::int64_t{183600}, std::int64_t{955}},
            {std::int64_t{2}, std::string{"東京"}, std::monostate{}, std::int64_t{-5},
             std::monostate{}, std::int64_t{0}, std::int64_t{45}, std::int64_t{1000}},
        }};
}

Table one_text_column(std::vector<std::string> cells) {
    Table table{{{"note", ColumnType::text}}, {}};
    for (auto& cell : cells) {
        table.rows.push_back({std::move(cell)});
    }
    return table;
}

std::string tsv_unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        char c = s[++i];
        out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
    }
    return out;
}

} // namespace

TEST_CASE("format_names lists the formats parse_format accepts, in order") {
    CHECK(format_names() == "table, csv, tsv, json, jsonl");
    CHECK(format_names(" or ") == "table, csv, tsv, json or jsonl");
}

TEST_CASE("parse_format accepts exactly the five format names") {
    CHECK(parse_format("table") == Format::table);
    CHECK(parse_format("csv") == Format::csv);
    CHECK(parse_format("tsv") == Format::tsv);
    CHECK(parse_format("json") == Format::json);
    CHECK(parse_format("jsonl") == Format::jsonl);
    CHECK_FALSE(parse_format("JSON").has_value());
    CHECK_FALSE(parse_format("").has_value());
    CHECK_FALSE(parse_format("csv ").has_value());
}

TEST_CASE("csv has a header, CRLF rows and every type in its machine form") {
    CHECK(rendered(typed_table(), Format::csv) ==
          "id,name,sku,cost,created_at,open,age,score\r\n"
          "1,Åsa Öberg,00123,12.50,2026-11-22T11:53:03Z,yes,183600,95.5\r\n"
          "2,東京,,-0.05,,no,45,100.0\r\n");
}

TEST_CASE("csv guards text cells that a spreadsheet would read as a formula") {
    Table table = one_text_column({"=SUM(A1)", "-5 apples", "'quoted", "＝x", "＋x", "－x", "＠x",
                                   "@home", "+1", "\tx", "plain", "a=b", "Ｘ"});
    CHECK(rendered(table, Format::csv) == "note\r\n"
                                          "'=SUM(A1)\r\n"
                                          "'-5 apples\r\n"
                                          "''quoted\r\n"
                                          "'＝x\r\n"
                                          "'＋x\r\n"
                                          "'－x\r\n"
                                          "'＠x\r\n"
                                          "'@home\r\n"
                                          "'+1\r\n"
                                          "'\tx\r\n"
                                          "plain\r\n"
                                          "a=b\r\n"
                                          "Ｘ\r\n");
}

TEST_CASE("csv guards a leading CR or LF inside the quotes") {
    CHECK(rendered(one_text_column({"\nx", "\rx"}), Format::csv) == "note\r\n"
                                                                    "\"'\nx\"\r\n"
                                                                    "\"'\rx\"\r\n");
}

TEST_CASE("csv never guards codes, integers, money or percentages") {
    Table table{{{"sku", ColumnType::code},
                 {"qty", ColumnType::integer},
                 {"cost", ColumnType::money},
                 {"share", ColumnType::percent}},
                {{std::string{"00123"}, std::int64_t{-5}, std::int64_t{-1250}, std::int64_t{-5}},
                 {std::string{"-7"}, std::int64_t{0}, std::int64_t{0}, std::int64_t{0}},
                 {std::string{"=A1"}, std::int64_t{1}, std::int64_t{1}, std::int64_t{1}}}};
    CHECK(rendered(table, Format::csv) == "sku,qty,cost,share\r\n"
                                          "00123,-5,-12.50,-0.5\r\n"
                                          "-7,0,0.00,0.0\r\n"
                                          "=A1,1,0.01,0.1\r\n");
}

TEST_CASE("csv quotes cells holding the delimiter, a quote, CR or LF") {
    Table table = one_text_column({"a,b", "say \"hi\"", "line1\nline2", "cr\rhere", "a;b"});
    CHECK(rendered(table, Format::csv) == "note\r\n"
                                          "\"a,b\"\r\n"
                                          "\"say \"\"hi\"\"\"\r\n"
                                          "\"line1\nline2\"\r\n"
                                          "\"cr\rhere\"\r\n"
                                          "a;b\r\n");
}

TEST_CASE("csv with a BOM and ';' as the delimiter") {
    Table table{{{"name", ColumnType::text}, {"cost", ColumnType::money}},
                {{std::string{"a;b"}, std::int64_t{1250}}, {std::string{"a,b"}, std::int64_t{5}}}};
    CHECK(rendered(table, RenderOptions{.format = Format::csv, .bom = true, .delimiter = ';'}) ==
          "\xEF\xBB\xBFname;cost\r\n"
          "\"a;b\";12.50\r\n"
          "a,b;0.05\r\n");
}

TEST_CASE("tsv has no header, LF rows and escapes tab, LF, CR and backslash") {
    CHECK(rendered(typed_table(), Format::tsv) ==
          "1\tÅsa Öberg\t00123\t12.50\t2026-11-22T11:53:03Z\tyes\t183600\t95.5\n"
          "2\t東京\t\t-0.05\t\tno\t45\t100.0\n");

    std::string tricky = "a\tb\\c\nd\re";
    std::string line = rendered(one_text_column({tricky, "=not guarded"}), Format::tsv);
    CHECK(line == "a\\tb\\\\c\\nd\\re\n=not guarded\n");
    CHECK(tsv_unescape(line.substr(0, line.find('\n'))) == tricky);
}

TEST_CASE("json is an array of objects with typed values") {
    CHECK(rendered(typed_table(), Format::json) ==
          "[\n"
          "{\"id\":1,\"name\":\"Åsa Öberg\",\"sku\":\"00123\",\"cost\":\"12.50\","
          "\"created_at\":\"2026-11-22T11:53:03Z\",\"open\":true,\"age\":183600,\"score\":95.5},\n"
          "{\"id\":2,\"name\":\"東京\",\"sku\":null,\"cost\":\"-0.05\",\"created_at\":null,"
          "\"open\":false,\"age\":45,\"score\":100.0}\n"
          "]\n");
}

TEST_CASE("jsonl writes one object per line") {
    CHECK(rendered(typed_table(), Format::jsonl) ==
          "{\"id\":1,\"name\":\"Åsa Öberg\",\"sku\":\"00123\",\"cost\":\"12.50\","
          "\"created_at\":\"2026-11-22T11:53:03Z\",\"open\":true,\"age\":183600,\"score\":95.5}\n"
          "{\"id\":2,\"name\":\"東京\",\"sku\":null,\"cost\":\"-0.05\",\"created_at\":null,"
          "\"open\":false,\"age\":45,\"score\":100.0}\n");
}

TEST_CASE("json escapes quotes, backslashes and control characters and keeps UTF-8") {
    Table table = one_text_column({"say \"hi\" \\ \x01\x1f\t\n\r Jüri 東京", "=x"});
    CHECK(rendered(table, Format::jsonl) ==
          "{\"note\":\"say \\\"hi\\\" \\\\ \\u0001\\u001f\\t\\n\\r Jüri 東京\"}\n"
          "{\"note\":\"=x\"}\n");
}

TEST_CASE("json replaces invalid UTF-8 with U+FFFD instead of failing") {
    Table table = one_text_column({"a\xff"
                                   "b",
                                   "\xc3", "\xed\xa0\x80", "\xc0\xaf"});
    CHECK(rendered(table, Format::jsonl) == "{\"note\":\"a\xEF\xBF\xBD"
                                            "b\"}\n"
                                            "{\"note\":\"\xEF\xBF\xBD\"}\n"
                                            "{\"note\":\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"}\n"
                                            "{\"note\":\"\xEF\xBF\xBD\xEF\xBF\xBD\"}\n");
}

TEST_CASE("table aligns multilingual text by display width") {
    Table table{
        {{"id", ColumnType::integer},
         {"name", ColumnType::text},
         {"city", ColumnType::text},
         {"cost", ColumnType::money}},
        {
            {std::int64_t{1}, std::string{"Åsa Öberg"}, std::string{"Malmö"}, std::int64_t{1250}},
            {std::int64_t{2}, std::string{"Jüri Tamm"}, std::string{"Tallinn"}, std::int64_t{99}},
            {std::int64_t{10}, std::string{"Šimić Đurđa"}, std::string{"Zagreb"},
             std::int64_t{100000}},
            {std::int64_t{3}, std::string{"Budi Santoso"}, std::string{"東京"}, std::monostate{}},
            {std::int64_t{4}, std::string{"東京"}, std::monostate{}, std::int64_t{5}},
        }};
    CHECK(rendered(table, Format::table) == "id  name          city        cost\n"
                                            " 1  Åsa Öberg     Malmö      12.50\n"
                                            " 2  Jüri Tamm     Tallinn     0.99\n"
                                            "10  Šimić Đurđa   Zagreb   1000.00\n"
                                            " 3  Budi Santoso  東京\n"
                                            " 4  東京                      0.05\n");
}

TEST_CASE("table shows times in the given zone, durations and booleans for people") {
    Table table{{{"created_at", ColumnType::time},
                 {"age", ColumnType::duration},
                 {"open", ColumnType::boolean},
                 {"score", ColumnType::percent}},
                {{k_t, std::int64_t{183600}, std::int64_t{1}, std::int64_t{955}},
                 {std::monostate{}, std::int64_t{45}, std::int64_t{0}, std::int64_t{5}}}};
    CHECK(rendered(table, Format::table) == "created_at          age  open  score\n"
                                            "2026-11-22 11:53  2d 3h  yes    95.5\n"
                                            "                    45s  no      0.5\n");
    TimeZone tokyo = TimeZone::named("Asia/Tokyo");
    std::string local = rendered(table, RenderOptions{.format = Format::table, .tz = &tokyo});
    CHECK(local.find("\n2026-11-22 20:53  2d 3h  yes    95.5\n") != std::string::npos);
}

TEST_CASE("table keeps each row on one line and control characters out of the terminal") {
    Table table{{{"note", ColumnType::text}, {"n", ColumnType::integer}},
                {{std::string{"a\tb\nc\x1b[31m\x7f\xc2\x9b"
                              "d"},
                  std::int64_t{1}},
                 {std::string{"x\xff"}, std::int64_t{22}}}};
    CHECK(rendered(table, Format::table) == "note            n\n"
                                            "a b c [31m  d   1\n"
                                            "x\xEF\xBF\xBD             22\n");
}

TEST_CASE("table in colour makes the header bold without changing the padding") {
    Table table{{{"id", ColumnType::integer}, {"title", ColumnType::text}},
                {{std::int64_t{123}, std::string{"Printer jam"}}}};
    CHECK(rendered(table, RenderOptions{.format = Format::table, .colour = Colour::yes}) ==
          "\x1b[1m id  title\x1b[0m\n"
          "123  Printer jam\n");
}

TEST_CASE("an empty table prints the header in csv and table and nothing else") {
    Table table{{{"id", ColumnType::integer}, {"name", ColumnType::text}}, {}};
    CHECK(rendered(table, Format::table) == "id  name\n");
    CHECK(rendered(table, Format::csv) == "id,name\r\n");
    CHECK(rendered(table, RenderOptions{.format = Format::csv, .bom = true}) ==
          "\xEF\xBB\xBFid,name\r\n");
    CHECK(rendered(table, Format::tsv).empty());
    CHECK(rendered(table, Format::json) == "[]\n");
    CHECK(rendered(table, Format::jsonl).empty());
}

TEST_CASE("row writer streams machine formats and writes nothing before the first row") {
    std::vector<Column> columns{{"id", ColumnType::integer}};
    for (Format format : {Format::csv, Format::json, Format::table}) {
        Capture capture;
        RowWriter writer(capture.file(), columns, RenderOptions{.format = format});
        CHECK(capture.text().empty());
        writer.write({std::int64_t{1}});
        if (format == Format::csv) {
            CHECK(capture.text() == "id\r\n1\r\n");
        } else if (format == Format::json) {
            CHECK(capture.text() == "[\n{\"id\":1}");
        } else {
            CHECK(capture.text().empty());
        }
        writer.write({std::int64_t{2}});
        writer.finish();
        writer.finish();
        std::string expected = format == Format::csv    ? "id\r\n1\r\n2\r\n"
                               : format == Format::json ? "[\n{\"id\":1},\n{\"id\":2}\n]\n"
                                                        : "id\n 1\n 2\n";
        CHECK(capture.text() == expected);
    }
}

TEST_CASE("short rows are padded with NULLs") {
    Table table{{{"id", ColumnType::integer}, {"name", ColumnType::text}}, {{std::int64_t{1}}}};
    CHECK(rendered(table, Format::csv) == "id,name\r\n1,\r\n");
    CHECK(rendered(table, Format::jsonl) == "{\"id\":1,\"name\":null}\n");
}

TEST_CASE("record view aligns field names and indents continuation lines") {
    Table table{{{"id", ColumnType::integer},
                 {"title", ColumnType::text},
                 {"description", ColumnType::text},
                 {"closed_at", ColumnType::time},
                 {"cost", ColumnType::money}},
                {{std::int64_t{7}, std::string{"Printer jam"}, std::string{"line one\r\nline two"},
                  std::monostate{}, std::int64_t{1250}}}};
    CHECK(rendered_record(table, RenderOptions{}) == "id           7\n"
                                                     "title        Printer jam\n"
                                                     "description  line one\n"
                                                     "             line two\n"
                                                     "closed_at\n"
                                                     "cost         12.50\n");
    CHECK(rendered_record(table, RenderOptions{.format = Format::jsonl}) ==
          "{\"id\":7,\"title\":\"Printer jam\",\"description\":\"line one\\r\\nline two\","
          "\"closed_at\":null,\"cost\":\"12.50\"}\n");
}

TEST_CASE("record view in colour makes names bold and separates records by an empty line") {
    Table table{{{"id", ColumnType::integer}, {"title", ColumnType::text}},
                {{std::int64_t{1}, std::string{"a"}}, {std::int64_t{2}, std::monostate{}}}};
    CHECK(rendered_record(table, RenderOptions{.colour = Colour::yes}) == "\x1b[1mid\x1b[0m     1\n"
                                                                          "\x1b[1mtitle\x1b[0m  a\n"
                                                                          "\n"
                                                                          "\x1b[1mid\x1b[0m     2\n"
                                                                          "\x1b[1mtitle\x1b[0m\n");
    CHECK(rendered_record(Table{table.columns, {}}, RenderOptions{}).empty());
}

TEST_CASE("table counts combining marks as zero columns wide") {
    Table table{
        {{"name", ColumnType::text}, {"n", ColumnType::integer}},
        {{std::string{"Ju\xCC\x88ri"}, std::int64_t{1}}, {std::string{"Åsa"}, std::int64_t{22}}}};
    CHECK(rendered(table, Format::table) == "name   n\n"
                                            "Ju\xCC\x88ri   1\n"
                                            "Åsa   22\n");
}
