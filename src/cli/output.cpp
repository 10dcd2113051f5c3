#include "output.hpp"

#include <svcmgr/parse.hpp>
#include <svcmgr/text.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace svcmgr::cli {

namespace {

constexpr std::array<std::pair<std::string_view, Format>, 5> k_formats{{
    {"table", Format::table},
    {"csv", Format::csv},
    {"tsv", Format::tsv},
    {"json", Format::json},
    {"jsonl", Format::jsonl},
}};

constexpr std::string_view k_bom = "\xEF\xBB\xBF";
constexpr std::string_view k_replacement_char = "\xEF\xBF\xBD"; // U+FFFD
constexpr std::string_view k_bold = "\x1b[1m";
constexpr std::string_view k_reset = "\x1b[0m";
constexpr std::string_view k_column_gap = "  ";

bool right_aligned(ColumnType type) {
    return type == ColumnType::integer || type == ColumnType::money ||
           type == ColumnType::duration || type == ColumnType::percent ||
           type == ColumnType::hundredths;
}

void append_decimal(std::string& out, std::int64_t n) {
    std::array<char, 24> buffer{};
    auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), n);
    out.append(buffer.data(), result.ptr);
}

// Tenths of a percent with one decimal: 955 -> "95.5", -5 -> "-0.5".
void append_percent(std::string& out, std::int64_t tenths) {
    std::uint64_t magnitude =
        tenths < 0 ? 0 - static_cast<std::uint64_t>(tenths) : static_cast<std::uint64_t>(tenths);
    if (tenths < 0) {
        out += '-';
    }
    std::array<char, 24> buffer{};
    auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), magnitude / 10);
    out.append(buffer.data(), result.ptr);
    out += '.';
    out += static_cast<char>('0' + magnitude % 10);
}

// Hundredths with two decimals: 47 -> "0.47", 1250 -> "12.50".
void append_hundredths(std::string& out, std::int64_t hundredths) {
    std::uint64_t magnitude = hundredths < 0 ? 0 - static_cast<std::uint64_t>(hundredths)
                                             : static_cast<std::uint64_t>(hundredths);
    if (hundredths < 0) {
        out += '-';
    }
    std::array<char, 24> buffer{};
    auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), magnitude / 100);
    out.append(buffer.data(), result.ptr);
    out += '.';
    out += static_cast<char>('0' + magnitude % 100 / 10);
    out += static_cast<char>('0' + magnitude % 10);
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF are not well-formed).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        low = b0 == 0xE0 ? 0xA0 : 0x80;
        high = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        low = b0 == 0xF0 ? 0x90 : 0x80;
        high = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (s.size() - i < length) {
        return 0;
    }
    if (byte(i + 1) < low || byte(i + 1) > high) {
        return 0;
    }
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
            return 0;
        }
    }
    return length;
}

// A JSON string literal. Never fails: invalid UTF-8 bytes become U+FFFD each, then the core
// escapes it as the audit trail does.
void append_json_literal(std::string& out, std::string_view s) {
    if (is_valid_utf8(s)) {
        append_json_string(out, s);
        return;
    }
    std::string valid;
    valid.reserve(s.size() + 2 * k_replacement_char.size());
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t length = utf8_sequence_length(s, i);
        if (length == 0) {
            valid += k_replacement_char;
            ++i;
        } else {
            valid.append(s.substr(i, length));
            i += length;
        }
    }
    append_json_string(out, valid);
}

// Appends a number cell as the machine formats show it.
void append_machine_number(std::string& out, ColumnType type, std::int64_t n) {
    switch (type) {
    case ColumnType::money:
        append_money(out, n);
        return;
    case ColumnType::time:
        append_iso_utc(out, n);
        return;
    case ColumnType::boolean:
        out += n != 0 ? "yes" : "no";
        return;
    case ColumnType::percent:
        append_percent(out, n);
        return;
    case ColumnType::hundredths:
        append_hundredths(out, n);
        return;
    case ColumnType::text:
    case ColumnType::code:
    case ColumnType::integer:
    case ColumnType::duration:
        append_decimal(out, n);
        return;
    }
}

// The text of a non-NULL cell as the machine formats show it (before any quoting or escaping).
// Returns a view of the cell itself or of scratch.
std::string_view machine_text(ColumnType type, const Value& value, std::string& scratch) {
    if (const auto* text = std::get_if<std::string>(&value)) {
        return *text;
    }
    scratch.clear();
    append_machine_number(scratch, type, std::get<std::int64_t>(value));
    return scratch;
}

// The text of a cell as people see it, before sanitising for the terminal.
std::string_view display_text(ColumnType type, const Value& value, const RenderOptions& options,
                              std::string& scratch) {
    if (std::holds_alternative<std::monostate>(value)) {
        return {};
    }
    if (const auto* n = std::get_if<std::int64_t>(&value)) {
        if (type == ColumnType::time) {
            scratch = options.tz != nullptr ? options.tz->format_local(*n)
                                            : TimeZone::utc().format_local(*n);
            return scratch;
        }
        if (type == ColumnType::duration) {
            scratch = format_duration(*n);
            return scratch;
        }
    }
    return machine_text(type, value, scratch);
}

// One terminal line's worth of a cell: control characters (C0, DEL, C1) become spaces so that
// a row stays on one line and cannot move the cursor; invalid UTF-8 bytes become U+FFFD.
std::string sanitize_for_terminal(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            out += ' ';
            ++i;
            continue;
        }
        std::size_t length = utf8_sequence_length(s, i);
        if (length == 0) {
            out += k_replacement_char;
            ++i;
        } else if (length == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
            out += ' ';
            i += length;
        } else {
            out.append(s.substr(i, length));
            i += length;
        }
    }
    return out;
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

void write_string(std::FILE* out, std::string_view s) {
    if (!s.empty()) {
        std::fwrite(s.data(), 1, s.size(), out);
    }
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

} // namespace

std::optional<Format> parse_format(std::string_view name) {
    for (const auto& [format_name, format] : k_formats) {
        if (format_name == name) {
            return format;
        }
    }
    return std::nullopt;
}

// With RenderOptions::batch the machine formats gather rows in `line` and write it when it passes
// k_flush bytes (and at finish(), or on destruction when a command fails half-way, as stdio
// would have); without it each row is written when it is complete.
constexpr std::size_t k_flush = std::size_t{1} << 16;

struct RowWriter::Impl {
    std::FILE* out;
    std::vector<Column> columns;
    RenderOptions options;
    bool started = false;
    bool finished = false;
    std::string line;
    std::string scratch;
    std::vector<std::vector<TableCell>> table_rows; // table only: kept until finish()
    std::vector<std::size_t> widths;                // table only
    std::array<bool, 256> csv_special{};            // bytes that make a csv cell quoted
    std::array<bool, 256> tsv_special{};            // bytes that tsv escapes

    Impl(std::FILE* out_, std::vector<Column> columns_, RenderOptions options_)
        : out(out_), columns(std::move(columns_)), options(options_) {
        for (const char c : {'"', '\r', '\n', options.delimiter}) {
            csv_special[static_cast<unsigned char>(c)] = true;
        }
        for (const char c : {'\t', '\n', '\r', '\\'}) {
            tsv_special[static_cast<unsigned char>(c)] = true;
        }
        if (options.batch) {
            line.reserve(k_flush + 4096);
        }
    }
    ~Impl() {
        if (options.format != Format::table) {
            flush();
        }
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void flush() {
        write_string(out, line);
        line.clear();
    }
    void row_done() {
        if (!options.batch || line.size() >= k_flush) {
            flush();
        }
    }

    // A number cell of a non-text column, appended as machine_text would give it: never quoted,
    // guarded or escaped in csv and tsv, whatever the delimiter.
    void append_number(ColumnType type, std::int64_t n) { append_machine_number(line, type, n); }

    static const Value& cell(const Row& row, std::size_t i) {
        static const Value null;
        return i < row.size() ? row[i] : null;
    }

    // What goes before the first row; written lazily so that a command failing before its first
    // row writes nothing.
    void start() {
        if (started) {
            return;
        }
        started = true;
        if (options.format == Format::csv) {
            if (options.bom) {
                line += k_bom;
            }
            for (std::size_t i = 0; i < columns.size(); ++i) {
                if (i > 0) {
                    line += options.delimiter;
                }
                append_csv_field(columns[i].name, ColumnType::code);
            }
            line += "\r\n";
        } else if (options.format == Format::json) {
            line += "[\n";
        }
    }

    void append_csv_field(std::string_view text, ColumnType type) {
        bool guard = type == ColumnType::text && starts_with_csv_guard(text);
        // One pass over a table: find_first_of would call memchr once per character of the cell.
        bool quote = false;
        for (const char c : text) {
            if (csv_special[static_cast<unsigned char>(c)]) {
                quote = true;
                break;
            }
        }
        if (quote) {
            line += '"';
        }
        if (guard) {
            line += '\'';
        }
        if (quote) {
            // Quotes doubled, the runs between them appended whole.
            std::size_t from = 0;
            for (std::size_t at = text.find('"'); at != std::string_view::npos;
                 at = text.find('"', from)) {
                line.append(text.substr(from, at + 1 - from));
                line += '"';
                from = at + 1;
            }
            line.append(text.substr(from));
            line += '"';
        } else {
            line.append(text); // no quote in it, or it would be quoted
        }
    }

    void write_csv(const Row& row) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i > 0) {
                line += options.delimiter;
            }
            const Value& value = cell(row, i);
            const ColumnType type = columns[i].type;
            if (const auto* n = std::get_if<std::int64_t>(&value); n && type != ColumnType::text) {
                append_number(type, *n);
            } else if (!std::holds_alternative<std::monostate>(value)) {
                append_csv_field(machine_text(type, value, scratch), type);
            }
        }
        line += "\r\n";
        row_done();
    }

    void write_tsv(const Row& row) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i > 0) {
                line += '\t';
            }
            const Value& value = cell(row, i);
            const ColumnType type = columns[i].type;
            if (const auto* n = std::get_if<std::int64_t>(&value); n && type != ColumnType::text) {
                append_number(type, *n);
                continue;
            }
            if (std::holds_alternative<std::monostate>(value)) {
                continue;
            }
            std::string_view text = machine_text(type, value, scratch);
            // The runs without a byte to escape are appended whole.
            std::size_t run = 0;
            while (run < text.size() && !tsv_special[static_cast<unsigned char>(text[run])]) {
                ++run;
            }
            line.append(text.substr(0, run));
            for (char c : text.substr(run)) {
                switch (c) {
                case '\t':
                    line += "\\t";
                    break;
                case '\n':
                    line += "\\n";
                    break;
                case '\r':
                    line += "\\r";
                    break;
                case '\\':
                    line += "\\\\";
                    break;
                default:
                    line += c;
                }
            }
        }
        line += '\n';
        row_done();
    }

    void append_json_value(ColumnType type, const Value& value) {
        if (std::holds_alternative<std::monostate>(value)) {
            line += "null";
            return;
        }
        if (const auto* n = std::get_if<std::int64_t>(&value)) {
            switch (type) {
            case ColumnType::integer:
            case ColumnType::duration:
                append_decimal(line, *n);
                return;
            case ColumnType::percent:
                append_percent(line, *n);
                return;
            case ColumnType::hundredths:
                append_hundredths(line, *n);
                return;
            case ColumnType::boolean:
                line += *n != 0 ? "true" : "false";
                return;
            case ColumnType::text:
            case ColumnType::code:
            case ColumnType::money:
            case ColumnType::time:
                break;
            }
        }
        append_json_literal(line, machine_text(type, value, scratch));
    }

    void write_json_object(const Row& row, std::string_view before) {
        line += before;
        line += '{';
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i > 0) {
                line += ',';
            }
            append_json_literal(line, columns[i].name);
            line += ':';
            append_json_value(columns[i].type, cell(row, i));
        }
        line += '}';
        if (options.format == Format::jsonl) {
            line += '\n';
        }
        row_done();
    }

    void add_table_row(const Row& row) {
        std::vector<TableCell> cells;
        cells.reserve(columns.size());
        for (std::size_t i = 0; i < columns.size(); ++i) {
            cells.push_back(
                make_table_cell(display_text(columns[i].type, cell(row, i), options, scratch)));
            widths[i] = std::max(widths[i], cells.back().width);
        }
        table_rows.push_back(std::move(cells));
    }

    void write_table_line(const std::vector<TableCell>& cells, bool header) {
        line.clear();
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) {
                line += k_column_gap;
            }
            bool last = i + 1 == cells.size();
            if (right_aligned(columns[i].type)) {
                append_padding(line, cells[i].width, widths[i]);
                line += cells[i].text;
            } else {
                line += cells[i].text;
                if (!last) {
                    append_padding(line, cells[i].width, widths[i]);
                }
            }
        }
        trim_trailing_spaces(line);
        if (header && options.colour == Colour::yes) {
            line.insert(0, k_bold);
            line += k_reset;
        }
        line += '\n';
        write_string(out, line);
    }

    void finish_table() {
        std::vector<TableCell> header;
        header.reserve(columns.size());
        for (const Column& column : columns) {
            header.push_back(make_table_cell(column.name));
        }
        for (std::size_t i = 0; i < columns.size(); ++i) {
            widths[i] = std::max(widths[i], header[i].width);
        }
        write_table_line(header, true);
        for (const auto& cells : table_rows) {
            write_table_line(cells, false);
        }
        table_rows.clear();
    }
};

RowWriter::RowWriter(std::FILE* out, std::vector<Column> columns, RenderOptions options)
    : m_impl(std::make_unique<Impl>(out, std::move(columns), options)) {
    m_impl->widths.assign(m_impl->columns.size(), 0);
}

// Without finish() (a command that failed half-way), the table format prints nothing and json
// stays an unterminated array: the caller reports the error and exits non-zero.
RowWriter::~RowWriter() = default;

void RowWriter::write(const Row& row) {
    Impl& impl = *m_impl;
    if (impl.finished) {
        return;
    }
    bool first = !impl.started;
    switch (impl.options.format) {
    case Format::table:
        impl.add_table_row(row);
        return;
    case Format::csv:
        impl.start();
        impl.write_csv(row);
        return;
    case Format::tsv:
        impl.start();
        impl.write_tsv(row);
        return;
    case Format::json:
        impl.start();
        impl.write_json_object(row, first ? "" : ",\n");
        return;
    case Format::jsonl:
        impl.start();
        impl.write_json_object(row, "");
        return;
    }
}

void RowWriter::finish() {
    Impl& impl = *m_impl;
    if (impl.finished) {
        return;
    }
    switch (impl.options.format) {
    case Format::table:
        impl.finish_table();
        break;
    case Format::csv:
        impl.start();
        break;
    case Format::json:
        impl.line += impl.started ? "\n]\n" : "[]\n";
        break;
    case Format::tsv:
    case Format::jsonl:
        break;
    }
    if (impl.options.format != Format::table) {
        impl.flush();
    }
    impl.finished = true;
}

void render(std::FILE* out, const Table& table, const RenderOptions& options) {
    RowWriter writer(out, table.columns, options);
    for (const Row& row : table.rows) {
        writer.write(row);
    }
    writer.finish();
}

// Table format: one "name  value" line per column, names padded to the widest; several records are
// separated by an empty line. Lines of a multi-line value are indented under the first.
void render_record(std::FILE* out, const Table& table, const RenderOptions& options) {
    if (options.format != Format::table) {
        render(out, table, options);
        return;
    }
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

} // namespace svcmgr::cli
