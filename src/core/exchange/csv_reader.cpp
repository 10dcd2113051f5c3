#include <svcmgr/csv.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/text.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace svcmgr {

namespace {

constexpr std::size_t k_block_size = 1 << 16;
constexpr std::string_view k_bom = "\xEF\xBB\xBF";

} // namespace

CsvReader::CsvReader(std::FILE* in, char delimiter)
    : m_in(in), m_buffer(k_block_size), m_delimiter(delimiter) {}

CsvReader::CsvReader(std::string_view data, char delimiter)
    : m_pos(data.data()), m_end(data.data() + data.size()), m_eof(true), m_delimiter(delimiter) {}

bool CsvReader::refill() {
    if (m_eof) {
        return false;
    }
    const std::size_t n = std::fread(m_buffer.data(), 1, m_buffer.size(), m_in);
    if (n < m_buffer.size()) {
        if (std::ferror(m_in) != 0) {
            throw Error(ErrorKind::io, fmt::format("read error: {}", std::strerror(errno)));
        }
        m_eof = true;
    }
    m_pos = m_buffer.data();
    m_end = m_pos + n;
    return n > 0;
}

int CsvReader::get() {
    if (m_pos == m_end && !refill()) {
        return EOF;
    }
    return static_cast<unsigned char>(*m_pos++);
}

int CsvReader::peek() {
    if (m_pos == m_end && !refill()) {
        return EOF;
    }
    return static_cast<unsigned char>(*m_pos);
}

std::string CsvReader::column_name(std::size_t field) const {
    if (field < m_header.size() && !m_header[field].empty()) {
        return m_header[field];
    }
    return std::to_string(field + 1);
}

void CsvReader::fail(std::size_t field, std::string_view what) const {
    throw Error(ErrorKind::bad_data,
                fmt::format("row {}, column {}: {}", m_row, column_name(field), what));
}

void CsvReader::check_field(const std::string& text, std::size_t field) const {
    if (text.find('\0') != std::string::npos) {
        fail(field, "a NUL byte is not allowed");
    }
    if (!is_valid_utf8(text)) {
        fail(field, "not valid UTF-8");
    }
}

bool CsvReader::next(std::vector<std::string>& fields) {
    if (!m_started) {
        m_started = true;
        // Skip a BOM: compare as many bytes as are there.
        std::size_t matched = 0;
        while (matched < k_bom.size() && peek() == static_cast<unsigned char>(k_bom[matched])) {
            ++m_pos;
            ++matched;
        }
        if (matched != 0 && matched != k_bom.size()) {
            m_row = 1;
            fail(0, "not valid UTF-8");
        }
    }
    if (peek() == EOF) {
        return false;
    }
    ++m_row;
    std::size_t count = 0;
    const auto field_at = [&](std::size_t i) -> std::string& {
        if (fields.size() <= i) {
            fields.resize(i + 1);
        }
        fields[i].clear();
        return fields[i];
    };
    const std::size_t limit = m_header.empty() ? 0 : m_header.size();
    bool end_of_record = false;
    while (!end_of_record) {
        const std::size_t index = count++;
        if (limit != 0 && index >= limit) {
            fail(index, fmt::format("the row has more fields than the header's {}", limit));
        }
        std::string& text = field_at(index);
        if (peek() == '"') {
            ++m_pos;
            const std::int64_t started = m_row;
            while (true) {
                // Copy a run up to the next quote in one go.
                if (m_pos == m_end && !refill()) {
                    throw Error(ErrorKind::bad_data,
                                fmt::format("row {}, column {}: unterminated quoted field (the "
                                            "input ends inside it)",
                                            started, column_name(index)));
                }
                const auto* quote = static_cast<const char*>(
                    std::memchr(m_pos, '"', static_cast<std::size_t>(m_end - m_pos)));
                const char* stop = quote == nullptr ? m_end : quote;
                text.append(m_pos, stop);
                m_pos = stop;
                if (quote == nullptr) {
                    continue;
                }
                ++m_pos;
                if (peek() == '"') {
                    ++m_pos;
                    text += '"';
                    continue;
                }
                break;
            }
            const int c = get();
            if (c == m_delimiter) {
                // next field
            } else if (c == '\n' || c == EOF) {
                end_of_record = true;
            } else if (c == '\r' && peek() == '\n') {
                ++m_pos;
                end_of_record = true;
            } else {
                fail(index, "stray quote: a quoted field must end at a delimiter or the end of "
                            "the row");
            }
        } else {
            while (true) {
                if (m_pos == m_end && !refill()) {
                    end_of_record = true;
                    break;
                }
                const char* p = m_pos;
                while (p != m_end && *p != m_delimiter && *p != '"' && *p != '\r' && *p != '\n') {
                    ++p;
                }
                text.append(m_pos, p);
                m_pos = p;
                if (p == m_end) {
                    continue;
                }
                const char c = *m_pos++;
                if (c == m_delimiter) {
                    break;
                }
                if (c == '\n') {
                    end_of_record = true;
                    break;
                }
                if (c == '\r') {
                    if (peek() != '\n') {
                        fail(index, "a carriage return outside quotes must end the row (CRLF)");
                    }
                    ++m_pos;
                    end_of_record = true;
                    break;
                }
                fail(index, "stray quote: quote a field that contains quotes, doubling them");
            }
        }
        check_field(text, index);
    }
    fields.resize(count);
    if (m_header.empty()) {
        m_header = fields;
    } else if (count < m_header.size()) {
        fail(count, fmt::format("missing: the row has {} of the header's {} fields", count,
                                m_header.size()));
    }
    return true;
}

} // namespace svcmgr
