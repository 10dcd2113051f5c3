#include "render/writer.hpp"

#include <svcmgr/parse.hpp>
#include <svcmgr/text.hpp>

#include <array>
#include <charconv>
#include <utility>

namespace svcmgr::cli::writers {

namespace {

constexpr std::size_t k_flush = std::size_t{1} << 16;

} // namespace

Writer::Writer(std::FILE* out, std::vector<Column> columns, const RenderOptions& options)
    : m_out(out), m_columns(std::move(columns)), m_options(options) {}

const Value& Writer::cell(const Row& row, std::size_t i) {
    static const Value null;
    return i < row.size() ? row[i] : null;
}

StreamWriter::StreamWriter(std::FILE* out, std::vector<Column> columns,
                           const RenderOptions& options)
    : Writer(out, std::move(columns), options) {
    if (m_options.batch) {
        m_line.reserve(k_flush + 4096);
    }
}

StreamWriter::~StreamWriter() {
    flush();
}

void StreamWriter::flush() {
    write_string(m_out, m_line);
    m_line.clear();
}

void StreamWriter::row_done() {
    if (!m_options.batch || m_line.size() >= k_flush) {
        flush();
    }
}

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
        append_fixed(out, n, 1);
        return;
    case ColumnType::hundredths:
        append_fixed(out, n, 2);
        return;
    case ColumnType::text:
    case ColumnType::code:
    case ColumnType::integer:
    case ColumnType::duration: {
        std::array<char, 24> buffer{};
        auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), n);
        out.append(buffer.data(), result.ptr);
        return;
    }
    }
}

std::string_view machine_text(ColumnType type, const Value& value, std::string& scratch) {
    if (const auto* text = std::get_if<std::string>(&value)) {
        return *text;
    }
    scratch.clear();
    append_machine_number(scratch, type, std::get<std::int64_t>(value));
    return scratch;
}

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

std::string sanitize_for_terminal(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    append_repaired_utf8(out, s);
    // In place: the text is well-formed now, so 0xC2 always leads a two-byte sequence.
    std::size_t to = 0;
    for (std::size_t from = 0; from < out.size(); ++from, ++to) {
        const auto c = static_cast<unsigned char>(out[from]);
        if (c < 0x20 || c == 0x7F) {
            out[to] = ' ';
        } else if (c == 0xC2 && static_cast<unsigned char>(out[from + 1]) <= 0x9F) {
            out[to] = ' ';
            ++from;
        } else {
            out[to] = out[from];
        }
    }
    out.resize(to);
    return out;
}

void write_string(std::FILE* out, std::string_view s) {
    if (!s.empty()) {
        std::fwrite(s.data(), 1, s.size(), out);
    }
}

} // namespace svcmgr::cli::writers
