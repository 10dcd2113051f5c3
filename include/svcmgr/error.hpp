#pragma once

#include <stdexcept>
#include <string>

namespace svcmgr {

// What went wrong, as the exit status table of DESIGN.md section 7 classifies it.
// main() maps each kind to its exit status; nothing else does.
enum class ErrorKind {
    refused = 1,     // not found, invalid transition, insufficient stock
    usage = 2,       // unknown command or option, invalid value in an argument
    threshold = 3,   // a report threshold was crossed (--fail-on)
    integrity = 4,   // audit verify / db check found a problem
    bad_data = 65,   // invalid data read from a file or stdin
    no_input = 66,   // input missing; --db is a directory, not a database, or corrupt
    io = 74,         // disk full, write error
    busy = 75,       // database busy past the timeout; safe to retry
    permission = 77, // permission denied
    config = 78,     // environment or configuration problem
};

// The one exception type svcmgr throws. The message is lowercase, without a trailing period,
// and names the offending value; the optional hint is printed on a line of its own.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message, std::string hint = {})
        : std::runtime_error(message), m_kind(kind), m_hint(std::move(hint)) {}

    ErrorKind kind() const noexcept { return m_kind; }
    const std::string& hint() const noexcept { return m_hint; }

private:
    ErrorKind m_kind;
    std::string m_hint;
};

} // namespace svcmgr
