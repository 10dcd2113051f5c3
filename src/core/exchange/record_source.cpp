// The readers import takes its records from: CSV with a header, and JSON Lines.

#include <svcmgr/csv.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>
#include <svcmgr/text.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace svcmgr {

namespace {

class CsvSource final : public RecordSource {
public:
    CsvSource(std::FILE* in, char delimiter) : m_reader(in, delimiter) {}
    bool read_header(std::vector<std::string>& names) override { return m_reader.next(names); }
    bool next(std::vector<std::string>& cells) override { return m_reader.next(cells); }
    std::int64_t row() const override { return m_reader.row(); }
    bool guarded() const override { return true; }

private:
    CsvReader m_reader;
};

// One object per line; the first line's keys are the header, and every later line must have
// exactly those keys. Numbers, booleans (as yes/no) and strings become cells; null is empty.
class JsonlSource final : public RecordSource {
public:
    explicit JsonlSource(std::FILE* in) : m_in(in) {}
    ~JsonlSource() override { std::free(m_line); }
    JsonlSource(const JsonlSource&) = delete;
    JsonlSource& operator=(const JsonlSource&) = delete;

    bool read_header(std::vector<std::string>& names) override {
        if (!read_object()) {
            return false;
        }
        names.clear();
        for (const auto& [key, value] : m_object.items()) {
            names.push_back(key);
        }
        m_header = names;
        m_pending = true;
        return true;
    }

    bool next(std::vector<std::string>& cells) override {
        if (!m_pending && !read_object()) {
            return false;
        }
        m_pending = false;
        cells.resize(m_header.size());
        std::size_t found = 0;
        for (std::size_t i = 0; i < m_header.size(); ++i) {
            const auto it = m_object.find(m_header[i]);
            if (it == m_object.end()) {
                fail(m_header[i], "missing (every line needs the keys of the first)");
            }
            ++found;
            cell_text(*it, m_header[i], cells[i]);
        }
        if (found != m_object.size()) {
            for (const auto& [key, value] : m_object.items()) {
                if (std::find(m_header.begin(), m_header.end(), key) == m_header.end()) {
                    fail(key, "not a key of the first line");
                }
            }
        }
        return true;
    }

    std::int64_t row() const override { return m_row; }
    bool guarded() const override { return false; }

private:
    [[noreturn]] void fail(std::string_view column, std::string_view what) const {
        throw Error(ErrorKind::bad_data, fmt::format("row {}, column {}: {}", m_row, column, what));
    }

    void cell_text(const nlohmann::ordered_json& value, std::string_view column,
                   std::string& out) const {
        out.clear();
        if (value.is_null()) {
            return;
        }
        if (value.is_string()) {
            out = value.get_ref<const std::string&>();
            if (out.find('\0') != std::string::npos) {
                fail(column, "a NUL character is not allowed");
            }
            return;
        }
        if (value.is_boolean()) {
            out = value.get<bool>() ? "yes" : "no";
            return;
        }
        if (value.is_number_integer()) {
            out = value.dump();
            return;
        }
        fail(column, "expected a string, an integer, true, false or null");
    }

    bool read_object() {
        while (true) {
            errno = 0;
            const ssize_t n = getline(&m_line, &m_capacity, m_in);
            if (n < 0) {
                if (std::ferror(m_in) != 0) {
                    throw Error(ErrorKind::io, fmt::format("read error: {}", std::strerror(errno)));
                }
                return false;
            }
            ++m_row;
            std::string_view line(m_line, static_cast<std::size_t>(n));
            if (line.ends_with('\n')) {
                line.remove_suffix(1);
            }
            if (line.ends_with('\r')) {
                line.remove_suffix(1);
            }
            if (m_row == 1 && line.starts_with("\xEF\xBB\xBF")) {
                line.remove_prefix(3);
            }
            if (line.find('\0') != std::string_view::npos) {
                throw Error(ErrorKind::bad_data,
                            fmt::format("row {}: a NUL byte is not allowed", m_row));
            }
            if (!is_valid_utf8(line)) {
                throw Error(ErrorKind::bad_data, fmt::format("row {}: not valid UTF-8", m_row));
            }
            if (trim(line).empty()) {
                throw Error(ErrorKind::bad_data,
                            fmt::format("row {}: an empty line (expected one JSON object)", m_row));
            }
            m_object = nlohmann::ordered_json::parse(line, nullptr, false);
            if (!m_object.is_object()) {
                throw Error(ErrorKind::bad_data, fmt::format("row {}: not a JSON object", m_row));
            }
            return true;
        }
    }

    std::FILE* m_in;
    char* m_line = nullptr;
    std::size_t m_capacity = 0;
    std::int64_t m_row = 0;
    bool m_pending = false;
    std::vector<std::string> m_header;
    nlohmann::ordered_json m_object;
};

} // namespace

std::unique_ptr<RecordSource> csv_source(std::FILE* in, char delimiter) {
    return std::make_unique<CsvSource>(in, delimiter);
}

std::unique_ptr<RecordSource> jsonl_source(std::FILE* in) {
    return std::make_unique<JsonlSource>(in);
}

} // namespace svcmgr
