#pragma once

// A temporary file that holds what would not fit in memory until it is read back, in order
// (std::tmpfile: in /tmp, removed when closed).

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace svcmgr {

class SpillFile {
public:
    // `what` names the contents in messages ("the import's audit records").
    explicit SpillFile(std::string_view what) : m_what(what) {}
    ~SpillFile() {
        if (m_file != nullptr) {
            std::fclose(m_file);
        }
    }
    SpillFile(const SpillFile&) = delete;
    SpillFile& operator=(const SpillFile&) = delete;

    // Bytes written and not yet read back.
    std::size_t size() const { return m_size; }

    void write(std::string_view bytes) {
        if (m_file == nullptr && (m_file = std::tmpfile()) == nullptr) {
            fail("create");
        }
        if (std::fwrite(bytes.data(), 1, bytes.size(), m_file) != bytes.size()) {
            fail("write");
        }
        m_size += bytes.size();
    }

    // Starts reading from the first byte written.
    void rewind() {
        if (m_file != nullptr &&
            (std::fflush(m_file) != 0 || std::fseek(m_file, 0, SEEK_SET) != 0)) {
            fail("read");
        }
    }

    // The next `n` bytes (at most size()) into `into`; once all are read, the next write starts
    // the file over.
    void read(std::string& into, std::size_t n) {
        into.resize(n);
        if (n > m_size || std::fread(into.data(), 1, n, m_file) != n) {
            fail("read");
        }
        m_size -= n;
        if (m_size == 0 && std::fseek(m_file, 0, SEEK_SET) != 0) {
            fail("rewind");
        }
    }

private:
    [[noreturn]] void fail(std::string_view doing) const {
        throw Error(ErrorKind::io, fmt::format("cannot {} the temporary file of {}: {}", doing,
                                               m_what, std::strerror(errno)));
    }

    std::string m_what;
    std::FILE* m_file = nullptr;
    std::size_t m_size = 0;
};

} // namespace svcmgr
