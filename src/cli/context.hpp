#pragma once

// What every command needs besides its own arguments: the global options resolved against the
// environment, the database (opened on first use, so --help and usage errors never touch it),
// the clock read once, and the renderer.

#include "output.hpp"

#include <svcmgr/db.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/table.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace svcmgr::cli {

// Global options as given on the command line; empty when not given.
struct GlobalFlags {
    std::string db;
    std::string actor;
    bool actor_given = false;
    std::string format;
    std::string colour;
    std::string busy_timeout;
    bool quiet = false;
};

class Context {
public:
    Context();

    GlobalFlags flags;
    bool ran = false;    // a verb ran
    int exit_status = 0; // what that verb returned

    // Checks the global options (flag > environment > default); throws Error(usage).
    void resolve();

    Database& db();
    Stamp stamp() const;
    std::int64_t now() const { return m_now; }
    const TimeZone& tz() const { return m_tz; }
    const RenderOptions& render_options() const { return m_render; }
    RenderOptions& render_options() { return m_render; }
    bool quiet() const { return flags.quiet; }
    // --busy-timeout (SVCMGR_BUSY_TIMEOUT), for a command that opens a second database.
    std::chrono::milliseconds busy_timeout() const { return m_busy_timeout; }

    void print(const Table& table) const;
    void print_record(const Table& table) const;

    // Ids from arguments; "-" reads one id per line from stdin. Malformed: Error(usage) for an
    // argument, Error(bad_data) for a line of stdin.
    std::vector<std::int64_t> ids(const std::vector<std::string>& args,
                                  std::string_view what) const;

    // Runs `action` once per id, each in its own transaction; reports each failure on stderr and
    // returns the exit status of the first failure, 0 when all succeeded.
    int for_each_id(const std::vector<std::int64_t>& ids,
                    const std::function<void(std::int64_t)>& action) const;

private:
    std::optional<Database> m_db;
    std::int64_t m_now;
    TimeZone m_tz;
    RenderOptions m_render;
    std::string m_actor;
    std::chrono::milliseconds m_busy_timeout{5000};
};

// An input file, or standard input for "-"; closed on destruction.
class InputFile {
public:
    // Throws Error(no_input), or Error(permission), naming the file.
    explicit InputFile(const std::string& path);
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    std::FILE* get() const { return m_file; }

    // The whole input as text; Error(io) when it cannot be read.
    std::string read_all();

private:
    std::FILE* m_file = nullptr;
    bool m_owned = false;
};

// Text from an option that may be "-" for standard input (trailing newline removed).
std::string text_or_stdin(const std::string& value);

// Prints "svcmgr: error: MESSAGE" (and "hint: HINT") on stderr.
void print_error(const std::string& message, const std::string& hint = {});

// A strictly parsed count for option `option`; throws Error(usage) naming both.
std::int64_t parse_count_option(std::string_view option, const std::string& value);

} // namespace svcmgr::cli
