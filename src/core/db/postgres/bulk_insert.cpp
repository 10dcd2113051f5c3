#include "db/postgres/connection.hpp"

#include "util/spill_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace svcmgr::pg {

namespace {

// Rows in COPY's text format (cells separated by tabs, \\N for NULL, backslash escapes for
// backslash, tab, newline and carriage return), sent every k_send_block bytes into the
// connection's COPY, which stays open until its next statement; after hold_until_flush, kept in
// a temporary file every k_hold_block bytes until flush().
class PgBulkInsert final : public BulkInsert {
public:
    // Rows are sent in small blocks, so that the server takes in one while the next is made:
    // a send waits until the socket's buffer (about 200 KB) has room for the whole block.
    static constexpr std::size_t k_send_block = 64 * 1024;
    // Rows held go to the temporary file in larger ones.
    static constexpr std::size_t k_hold_block = 1024 * 1024;

    PgBulkInsert(PgConnection& connection, std::string_view table,
                 const std::vector<std::string>& columns, BulkInsert* before)
        : m_connection(connection), m_before(before), m_width(columns.size()),
          m_copy(fmt::format("COPY {} ({}) FROM STDIN", table, fmt::join(columns, ", "))) {}

    void add_null() override {
        begin_cell();
        m_buffer += "\\N";
        end_cell();
    }
    void add_int64(std::int64_t value) override {
        begin_cell();
        char digits[24];
        const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
        m_buffer.append(digits, end);
        end_cell();
    }
    void add_text(std::string_view value) override {
        begin_cell();
        std::size_t from = 0;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const char c = value[i];
            const char escaped = c == '\\'   ? '\\'
                                 : c == '\t' ? 't'
                                 : c == '\n' ? 'n'
                                 : c == '\r' ? 'r'
                                             : 0;
            if (escaped != 0) {
                m_buffer.append(value.substr(from, i - from));
                m_buffer += '\\';
                m_buffer += escaped;
                from = i + 1;
            }
        }
        m_buffer.append(value.substr(from));
        end_cell();
    }
    std::size_t buffered_rows() const override { return m_rows; }
    void flush() override {
        if (m_rows == 0) {
            return;
        }
        if (m_before != nullptr) {
            m_before->flush();
        }
        m_rows = 0;
        if (m_held.size() > 0) {
            // The blocks held, then the one in memory.
            m_held.rewind();
            std::string block;
            while (m_held.size() > 0) {
                m_held.read(block, std::min(m_held.size(), k_send_block));
                m_connection.copy_send(m_copy, block);
            }
        }
        m_connection.copy_send(m_copy, m_buffer);
        m_buffer.clear(); // keeps the block's storage
    }
    void hold_until_flush() override { m_hold = true; }

private:
    // A full block of a writer that holds its rows goes to the temporary file.
    void hold_block() {
        m_held.write(m_buffer);
        m_buffer.clear();
    }

    void begin_cell() {
        if (m_column > 0) {
            m_buffer += '\t';
        }
    }
    void end_cell() {
        if (++m_column < m_width) {
            return;
        }
        m_column = 0;
        m_buffer += '\n';
        ++m_rows;
        if (!m_hold && m_buffer.size() >= k_send_block) {
            flush();
        } else if (m_hold && m_buffer.size() >= k_hold_block) {
            hold_block();
        }
    }

    PgConnection& m_connection;
    BulkInsert* m_before;
    std::size_t m_width;
    std::string m_copy;
    std::string m_buffer;
    std::size_t m_column = 0;
    std::size_t m_rows = 0; // held, in m_buffer and m_held
    bool m_hold = false;
    SpillFile m_held{"rows held for COPY"}; // full blocks held until flush()
};

} // namespace

std::unique_ptr<BulkInsert> PgConnection::bulk_insert(std::string_view table,
                                                      const std::vector<std::string>& columns,
                                                      BulkInsert* before) {
    return std::make_unique<PgBulkInsert>(*this, table, columns, before);
}

} // namespace svcmgr::pg
