#include "render/writer.hpp"

#include <array>
#include <utility>

namespace svcmgr::cli::writers {

namespace {

// No header; \t \n \r \\ escaped inside cells; LF line ends.
class TsvWriter final : public StreamWriter {
public:
    TsvWriter(std::FILE* out, std::vector<Column> columns, const RenderOptions& options)
        : StreamWriter(out, std::move(columns), options) {
        for (const char c : {'\t', '\n', '\r', '\\'}) {
            m_special[static_cast<unsigned char>(c)] = true;
        }
    }

    void write(const Row& row) override {
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            if (i > 0) {
                m_line += '\t';
            }
            const Value& value = cell(row, i);
            const ColumnType type = m_columns[i].type;
            if (const auto* n = std::get_if<std::int64_t>(&value); n && type != ColumnType::text) {
                append_machine_number(m_line, type, *n);
                continue;
            }
            if (std::holds_alternative<std::monostate>(value)) {
                continue;
            }
            append_escaped(machine_text(type, value, m_scratch));
        }
        m_line += '\n';
        row_done();
    }

    void finish() override { flush(); }

private:
    void append_escaped(std::string_view text) {
        // The runs without a byte to escape are appended whole.
        std::size_t run = 0;
        while (run < text.size() && !m_special[static_cast<unsigned char>(text[run])]) {
            ++run;
        }
        m_line.append(text.substr(0, run));
        for (char c : text.substr(run)) {
            switch (c) {
            case '\t':
                m_line += "\\t";
                break;
            case '\n':
                m_line += "\\n";
                break;
            case '\r':
                m_line += "\\r";
                break;
            case '\\':
                m_line += "\\\\";
                break;
            default:
                m_line += c;
            }
        }
    }

    std::array<bool, 256> m_special{}; // bytes that are escaped
};

} // namespace

std::unique_ptr<Writer> make_tsv_writer(std::FILE* out, std::vector<Column> columns,
                                        const RenderOptions& options) {
    return std::make_unique<TsvWriter>(out, std::move(columns), options);
}

} // namespace svcmgr::cli::writers
