#pragma once

#include <svcmgr/parse.hpp>
#include <svcmgr/table.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace svcmgr::cli {

enum class Format { table, csv, tsv, json, jsonl };

// "table", "csv", "tsv", "json", "jsonl"; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);
// The format names, in k_formats' order, for help and hints: "table, csv, tsv, json, jsonl", or
// with `last` = " or " "table, csv, tsv, json or jsonl".
std::string format_names(std::string_view last = ", ");

enum class Colour { no, yes };

struct RenderOptions {
    Format format = Format::table;
    Colour colour = Colour::no;   // table only: header in bold, NULLs dimmed
    bool bom = false;             // csv only: a UTF-8 byte order mark first
    char delimiter = ',';         // csv only: ',' or ';'
    const TimeZone* tz = nullptr; // table only: times shown local ("2026-11-22 14:05"); UTC if null
    bool batch = false; // machine formats: rows written in blocks of 64 KiB, not one by one
};

// Writes rows of one table to a stream as they come, in constant memory for every format but
// `table`, which must see all rows to align them and prints on finish().
//   csv   RFC 4180, CRLF, header line, text cells guarded with one leading apostrophe when they
//         start with = + - @ TAB CR LF, ＝ ＋ － ＠ or an apostrophe; numbers, codes never guarded
//   tsv   no header; \t \n \r \\ escaped inside cells; LF line ends
//   json  one array of objects, keys in column order; money and codes as strings
//   jsonl one object per line
//   table aligned by display width, two spaces between columns, header line; empty table prints
//         the header only
class RowWriter {
public:
    RowWriter(std::FILE* out, std::vector<Column> columns, RenderOptions options);
    ~RowWriter();
    RowWriter(const RowWriter&) = delete;
    RowWriter& operator=(const RowWriter&) = delete;

    void write(const Row& row);
    void finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Renders a whole table.
void render(std::FILE* out, const Table& table, const RenderOptions& options);

// Renders a single record vertically for people ("field: value" lines, aligned by display width),
// or as the one-row table in the machine formats. Used by `show` verbs.
void render_record(std::FILE* out, const Table& table, const RenderOptions& options);

} // namespace svcmgr::cli
