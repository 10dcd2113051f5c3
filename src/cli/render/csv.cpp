#include "render/writer.hpp"

#include <svcmgr/text.hpp>

#include <array>
#include <utility>

namespace svcmgr::cli::writers {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

// RFC 4180 with CRLF and a header line, written before the first row (or at finish()) so that a
// command failing before its first row writes nothing.
class CsvWriter final : public StreamWriter {
public:
    CsvWriter(std::FILE* out, std::vector<Column> columns, const RenderOptions& options)
        : StreamWriter(out, std::move(columns), options) {
        for (const char c : {'"', '\r', '\n', m_options.delimiter}) {
            m_special[static_cast<unsigned char>(c)] = true;
        }
    }

    void write(const Row& row) override {
        start();
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            if (i > 0) {
                m_line += m_options.delimiter;
            }
            const Value& value = cell(row, i);
            const ColumnType type = m_columns[i].type;
            // A number cell of a non-text column is never quoted or guarded, whatever the
            // delimiter.
            if (const auto* n = std::get_if<std::int64_t>(&value); n && type != ColumnType::text) {
                append_machine_number(m_line, type, *n);
            } else if (!std::holds_alternative<std::monostate>(value)) {
                append_field(machine_text(type, value, m_scratch), type);
            }
        }
        m_line += "\r\n";
        row_done();
    }

    void finish() override {
        start();
        flush();
    }

private:
    void start() {
        if (m_started) {
            return;
        }
        m_started = true;
        if (m_options.bom) {
            m_line += k_bom;
        }
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            if (i > 0) {
                m_line += m_options.delimiter;
            }
            append_field(m_columns[i].name, ColumnType::code);
        }
        m_line += "\r\n";
    }

    void append_field(std::string_view text, ColumnType type) {
        bool guard = type == ColumnType::text && starts_with_csv_guard(text);
        // One pass over a table: find_first_of would call memchr once per character of the cell.
        bool quote = false;
        for (const char c : text) {
            if (m_special[static_cast<unsigned char>(c)]) {
                quote = true;
                break;
            }
        }
        if (quote) {
            m_line += '"';
        }
        if (guard) {
            m_line += '\'';
        }
        if (quote) {
            // Quotes doubled, the runs between them appended whole.
            std::size_t from = 0;
            for (std::size_t at = text.find('"'); at != std::string_view::npos;
                 at = text.find('"', from)) {
                m_line.append(text.substr(from, at + 1 - from));
                m_line += '"';
                from = at + 1;
            }
            m_line.append(text.substr(from));
            m_line += '"';
        } else {
            m_line.append(text); // no quote in it, or it would be quoted
        }
    }

    std::array<bool, 256> m_special{}; // bytes that make a cell quoted
    bool m_started = false;
};

} // namespace

std::unique_ptr<Writer> make_csv_writer(std::FILE* out, std::vector<Column> columns,
                                        const RenderOptions& options) {
    return std::make_unique<CsvWriter>(out, std::move(columns), options);
}

} // namespace svcmgr::cli::writers
