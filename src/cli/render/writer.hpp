#pragma once

#include "output.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr::cli::writers {

// One output format: RowWriter hands it the rows of one table, then calls finish() once (or
// destroys it without, when a command fails half-way).
class Writer {
public:
    Writer(std::FILE* out, std::vector<Column> columns, const RenderOptions& options);
    virtual ~Writer() = default;
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    virtual void write(const Row& row) = 0;
    virtual void finish() = 0;

protected:
    static const Value& cell(const Row& row, std::size_t i);

    std::FILE* m_out;
    std::vector<Column> m_columns;
    RenderOptions m_options;
    std::string m_line;
    std::string m_scratch;
};

// The machine formats (csv, tsv, json, jsonl): with RenderOptions::batch rows gather in m_line and
// are written when it passes 64 KiB (and at finish(), or on destruction when a command fails
// half-way, as stdio would have); without it each row is written when it is complete.
class StreamWriter : public Writer {
public:
    StreamWriter(std::FILE* out, std::vector<Column> columns, const RenderOptions& options);
    ~StreamWriter() override;
    StreamWriter(const StreamWriter&) = delete;
    StreamWriter& operator=(const StreamWriter&) = delete;

protected:
    void flush();
    void row_done();
};

using MakeWriter = std::unique_ptr<Writer> (*)(std::FILE* out, std::vector<Column> columns,
                                               const RenderOptions& options);

std::unique_ptr<Writer> make_table_writer(std::FILE* out, std::vector<Column> columns,
                                          const RenderOptions& options);
std::unique_ptr<Writer> make_csv_writer(std::FILE* out, std::vector<Column> columns,
                                        const RenderOptions& options);
std::unique_ptr<Writer> make_tsv_writer(std::FILE* out, std::vector<Column> columns,
                                        const RenderOptions& options);
std::unique_ptr<Writer> make_json_writer(std::FILE* out, std::vector<Column> columns,
                                         const RenderOptions& options);
std::unique_ptr<Writer> make_jsonl_writer(std::FILE* out, std::vector<Column> columns,
                                          const RenderOptions& options);

// Appends a number cell as the machine formats show it: money and hundredths with two decimals,
// percent with one, times as ISO 8601 UTC, booleans as yes/no, the rest as integers.
void append_machine_number(std::string& out, ColumnType type, std::int64_t n);

// The text of a non-NULL cell as the machine formats show it (before any quoting or escaping).
// Returns a view of the cell itself or of scratch.
std::string_view machine_text(ColumnType type, const Value& value, std::string& scratch);

// The text of a cell as people see it (local times, durations), before sanitising for the
// terminal; empty for NULL.
std::string_view display_text(ColumnType type, const Value& value, const RenderOptions& options,
                              std::string& scratch);

// One terminal line's worth of a cell: control characters (C0, DEL, C1) become spaces so that
// a row stays on one line and cannot move the cursor; invalid UTF-8 bytes become U+FFFD.
std::string sanitize_for_terminal(std::string_view s);

void write_string(std::FILE* out, std::string_view s);

// Renders a table's records vertically for people (render_record's table format).
void write_table_records(std::FILE* out, const Table& table, const RenderOptions& options);

} // namespace svcmgr::cli::writers
