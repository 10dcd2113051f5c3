#include "render/writer.hpp"

#include <svcmgr/text.hpp>

#include <utility>

namespace svcmgr::cli::writers {

namespace {

// A JSON string literal. Never fails: invalid UTF-8 bytes become U+FFFD each, then the core
// escapes it as the audit trail does.
void append_json_literal(std::string& out, std::string_view s) {
    if (is_valid_utf8(s)) {
        append_json_string(out, s);
    } else {
        append_json_string(out, repair_utf8(s));
    }
}

enum class Framing { array, lines };

// One object per row, keys in column order; money, codes and times as strings. `array` wraps
// the objects in one array (json), `lines` writes one per line (jsonl).
class JsonWriter final : public StreamWriter {
public:
    JsonWriter(std::FILE* out, std::vector<Column> columns, const RenderOptions& options,
               Framing framing)
        : StreamWriter(out, std::move(columns), options), m_framing(framing) {}

    void write(const Row& row) override {
        if (m_framing == Framing::array) {
            m_line += m_started ? ",\n" : "[\n";
        }
        m_started = true;
        m_line += '{';
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            if (i > 0) {
                m_line += ',';
            }
            append_json_literal(m_line, m_columns[i].name);
            m_line += ':';
            append_value(m_columns[i].type, cell(row, i));
        }
        m_line += '}';
        if (m_framing == Framing::lines) {
            m_line += '\n';
        }
        row_done();
    }

    void finish() override {
        if (m_framing == Framing::array) {
            m_line += m_started ? "\n]\n" : "[]\n";
        }
        flush();
    }

private:
    void append_value(ColumnType type, const Value& value) {
        if (std::holds_alternative<std::monostate>(value)) {
            m_line += "null";
            return;
        }
        if (const auto* n = std::get_if<std::int64_t>(&value)) {
            switch (type) {
            case ColumnType::integer:
            case ColumnType::duration:
            case ColumnType::percent:
            case ColumnType::hundredths:
                append_machine_number(m_line, type, *n);
                return;
            case ColumnType::boolean:
                m_line += *n != 0 ? "true" : "false";
                return;
            case ColumnType::text:
            case ColumnType::code:
            case ColumnType::money:
            case ColumnType::time:
                break;
            }
        }
        append_json_literal(m_line, machine_text(type, value, m_scratch));
    }

    Framing m_framing;
    bool m_started = false;
};

} // namespace

std::unique_ptr<Writer> make_json_writer(std::FILE* out, std::vector<Column> columns,
                                         const RenderOptions& options) {
    return std::make_unique<JsonWriter>(out, std::move(columns), options, Framing::array);
}

std::unique_ptr<Writer> make_jsonl_writer(std::FILE* out, std::vector<Column> columns,
                                          const RenderOptions& options) {
    return std::make_unique<JsonWriter>(out, std::move(columns), options, Framing::lines);
}

} // namespace svcmgr::cli::writers
