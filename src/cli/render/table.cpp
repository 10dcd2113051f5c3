#include "render/writer.hpp"

#include <svcmgr/text.hpp>

#include <algorithm>
#include <utility>

namespace svcmgr::cli::writers {

namespace {

constexpr std::string_view k_bold = "\x1b[1m";
constexpr std::string_view k_reset = "\x1b[0m";
constexpr std::string_view k_column_gap = "  ";

bool right_aligned(ColumnType type) {
    return type == ColumnType::integer || type == ColumnType::money ||
           type == ColumnType::duration || type == ColumnType::percent ||
           type == ColumnType::hundredths;
}

void append_padding(std::string& out, std::size_t width, std::size_t target) {
    if (target > width) {
        out.append(target - width, ' ');
    }
}

void trim_trailing_spaces(std::string& line) {
    auto end = line.find_last_not_of(' ');
    line.erase(end == std::string::npos ? 0 : end + 1);
}

struct TableCell {
    std::string text;
    std::size_t width = 0;
};

TableCell make_table_cell(std::string_view raw) {
    TableCell cell{sanitize_for_terminal(raw), 0};
    cell.width = display_width(cell.text);
    return cell;
}

// Aligned by display width, two spaces between columns, a header line; an empty table prints the
// header only. Keeps every row until finish(), and prints nothing without it.
class TableWriter final : public Writer {
public:
    TableWriter(std::FILE* out, std::vector<Column> columns, const RenderOptions& options)
        : Writer(out, std::move(columns), options), m_widths(m_columns.size(), 0) {}

    void write(const Row& row) override {
        std::vector<TableCell> cells;
        cells.reserve(m_columns.size());
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            cells.push_back(make_table_cell(
                display_text(m_columns[i].type, cell(row, i), m_options, m_scratch)));
            m_widths[i] = std::max(m_widths[i], cells.back().width);
        }
        m_rows.push_back(std::move(cells));
    }

    void finish() override {
        std::vector<TableCell> header;
        header.reserve(m_columns.size());
        for (const Column& column : m_columns) {
            header.push_back(make_table_cell(column.name));
        }
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            m_widths[i] = std::max(m_widths[i], header[i].width);
        }
        write_line(header, true);
        for (const auto& cells : m_rows) {
            write_line(cells, false);
        }
        m_rows.clear();
    }

private:
    void write_line(const std::vector<TableCell>& cells, bool header) {
        m_line.clear();
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) {
                m_line += k_column_gap;
            }
            bool last = i + 1 == cells.size();
            if (right_aligned(m_columns[i].type)) {
                append_padding(m_line, cells[i].width, m_widths[i]);
                m_line += cells[i].text;
            } else {
                m_line += cells[i].text;
                if (!last) {
                    append_padding(m_line, cells[i].width, m_widths[i]);
                }
            }
        }
        trim_trailing_spaces(m_line);
        if (header && m_options.colour == Colour::yes) {
            m_line.insert(0, k_bold);
            m_line += k_reset;
        }
        m_line += '\n';
        write_string(m_out, m_line);
    }

    std::vector<std::vector<TableCell>> m_rows;
    std::vector<std::size_t> m_widths;
};

} // namespace

std::unique_ptr<Writer> make_table_writer(std::FILE* out, std::vector<Column> columns,
                                          const RenderOptions& options) {
    return std::make_unique<TableWriter>(out, std::move(columns), options);
}

// One "name  value" line per column, names padded to the widest; several records are separated
// by an empty line. Lines of a multi-line value are indented under the first.
void write_table_records(std::FILE* out, const Table& table, const RenderOptions& options) {
    std::vector<TableCell> names;
    std::size_t name_width = 0;
    for (const Column& column : table.columns) {
        names.push_back(make_table_cell(column.name));
        name_width = std::max(name_width, names.back().width);
    }
    std::string indent(name_width + k_column_gap.size(), ' ');
    std::string scratch;
    std::string text;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        text.clear();
        if (r > 0) {
            text += '\n';
        }
        const Row& row = table.rows[r];
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            std::string line;
            if (options.colour == Colour::yes) {
                line += k_bold;
                line += names[i].text;
                line += k_reset;
            } else {
                line += names[i].text;
            }
            append_padding(line, names[i].width, name_width);
            line += k_column_gap;
            static const Value null;
            const Value& value = i < row.size() ? row[i] : null;
            std::string_view raw = display_text(table.columns[i].type, value, options, scratch);
            for (bool first = true;; first = false) {
                std::size_t newline = raw.find('\n');
                std::string_view piece = raw.substr(0, newline);
                if (piece.ends_with('\r')) {
                    piece.remove_suffix(1);
                }
                if (!first) {
                    line += indent;
                }
                line += sanitize_for_terminal(piece);
                trim_trailing_spaces(line);
                line += '\n';
                text += line;
                line.clear();
                if (newline == std::string_view::npos) {
                    break;
                }
                raw.remove_prefix(newline + 1);
            }
        }
        write_string(out, text);
    }
}

} // namespace svcmgr::cli::writers
