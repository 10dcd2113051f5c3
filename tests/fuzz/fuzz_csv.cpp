// libFuzzer target: the strict CSV reader of include/svcmgr/csv.hpp. Any input either reads as
// records or throws svcmgr::Error(bad_data) naming a row; the block reader (over a FILE*) and the
// buffer reader agree record for record; and records that read are written back quoted, read
// again, and come back the same.

#include <svcmgr/csv.hpp>
#include <svcmgr/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "fuzz_csv: %s\n", what);
    std::abort();
}

using Records = std::vector<std::vector<std::string>>;

// The records of `reader`, or nullopt when it refused the input (with a row-naming message).
std::optional<Records> read_all(svcmgr::CsvReader& reader) {
    Records records;
    std::vector<std::string> fields;
    try {
        while (reader.next(fields)) {
            records.push_back(fields);
        }
    } catch (const svcmgr::Error& e) {
        if (e.kind() != svcmgr::ErrorKind::bad_data) {
            die("an error other than bad_data");
        }
        if (std::string_view(e.what()).substr(0, 4) != "row ") {
            die("a message that does not name the row");
        }
        return std::nullopt;
    }
    return records;
}

std::string write_quoted(const Records& records, char delimiter) {
    std::string out;
    for (const auto& record : records) {
        for (std::size_t i = 0; i < record.size(); ++i) {
            if (i > 0) {
                out += delimiter;
            }
            out += '"';
            for (const char c : record[i]) {
                if (c == '"') {
                    out += '"';
                }
                out += c;
            }
            out += '"';
        }
        out += "\r\n";
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const char delimiter = size > 0 && data[0] % 2 == 1 ? ';' : ',';

    svcmgr::CsvReader from_buffer(std::string_view{input}, delimiter);
    const auto records = read_all(from_buffer);

    std::FILE* file = fmemopen(const_cast<char*>(input.data()), input.size(), "rb");
    if (file != nullptr) {
        svcmgr::CsvReader from_file(file, delimiter);
        const auto again = read_all(from_file);
        std::fclose(file);
        if (records.has_value() != again.has_value() || (records && *records != *again)) {
            die("the buffer and file readers disagree");
        }
    }

    if (records) {
        const std::string written = write_quoted(*records, delimiter);
        svcmgr::CsvReader reread(std::string_view{written}, delimiter);
        const auto round_trip = read_all(reread);
        if (!round_trip || *round_trip != *records) {
            die("records written back quoted do not read the same");
        }
    }
    return 0;
}
