#pragma once

// A strict, streaming RFC 4180 reader: one record at a time, in memory proportional to the
// largest record.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

class CsvReader {
public:
    // Reads `in` in blocks; the caller keeps it open.
    CsvReader(std::FILE* in, char delimiter = ',');
    // Reads a buffer the caller keeps alive.
    CsvReader(std::string_view data, char delimiter = ',');

    // Reads the next record into `fields` (reusing their storage); false at the end of the input.
    // The first record is the header: later records must have as many fields, and messages name
    // its columns. Rows end in LF or CRLF (the last may end without one); a UTF-8 BOM at the very
    // start is skipped. A field is either unquoted (no quote, CR or LF inside) or quoted from its
    // first to its last character, with "" for a quote. Throws Error(bad_data)
    // "row N, column C: ..." for an unterminated or stray quote, a bare CR, a NUL byte, invalid
    // UTF-8 or a row with more or fewer fields than the header.
    bool next(std::vector<std::string>& fields);

    // The number of the record last read: the header is row 1.
    std::int64_t row() const { return m_row; }

private:
    int get();
    int peek();
    bool refill();
    [[noreturn]] void fail(std::size_t field, std::string_view what) const;
    std::string column_name(std::size_t field) const;
    void check_field(const std::string& text, std::size_t field) const;

    std::FILE* m_in = nullptr;
    std::vector<char> m_buffer;
    const char* m_pos = nullptr;
    const char* m_end = nullptr;
    bool m_eof = false;
    bool m_started = false;
    char m_delimiter;
    std::int64_t m_row = 0;
    std::vector<std::string> m_header;
};

} // namespace svcmgr
