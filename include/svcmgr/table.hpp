#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace svcmgr {

// How a column's values are typed and therefore rendered.
enum class ColumnType {
    text,       // free text: CSV-guarded, JSON string
    code,       // identifiers typed by people (SKU, ref): never CSV-guarded, JSON string
    integer,    // counts and ids: JSON number
    money,      // integer minor units, rendered "12.50" (a JSON string, so no float is involved)
    time,       // Unix seconds UTC, rendered ISO 8601 "2026-11-22T11:53:03Z" in machine formats
    duration,   // seconds: an integer in machine formats, "2d 3h" for people
    boolean,    // 0/1: yes/no in csv/tsv/table, true/false in JSON
    percent,    // tenths of a percent (955 = 95.5): "95.5" everywhere
    hundredths, // a quantity to two decimals (47 = 0.47): "0.47" everywhere, a JSON number
};

struct Column {
    std::string name;
    ColumnType type = ColumnType::text;
};

// A cell: NULL, an integer (for every non-text type) or text.
using Value = std::variant<std::monostate, std::int64_t, std::string>;
using Row = std::vector<Value>;

// What core returns for anything listed: fixed, documented column names and typed cells.
struct Table {
    std::vector<Column> columns;
    std::vector<Row> rows;
};

} // namespace svcmgr
