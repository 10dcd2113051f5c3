#include "context.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <pwd.h>
#include <unistd.h>

namespace svcmgr::cli {

namespace {

const char* env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
}

std::string login_name() {
    if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
        return pw->pw_name;
    }
    if (const char* user = env("USER")) {
        return user;
    }
    return fmt::format("uid{}", ::geteuid());
}

} // namespace

Context::Context()
    : m_now(std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count()),
      m_tz(TimeZone::from_environment()) {}

namespace {

// A global option's value: the flag, else the environment variable, else nothing. Remembers
// where it came from so an invalid value is blamed on the right one: a flag is a usage error (2),
// the environment a configuration problem (78).
struct Setting {
    std::string value;
    std::string source; // "--format" or "SVCMGR_FORMAT"
    ErrorKind kind = ErrorKind::usage;
};

std::optional<Setting> flag_or_env(const std::string& flag, const char* flag_name,
                                   const char* variable) {
    if (!flag.empty()) {
        return Setting{flag, flag_name, ErrorKind::usage};
    }
    if (const char* value = env(variable)) {
        return Setting{value, variable, ErrorKind::config};
    }
    return std::nullopt;
}

bool has_control_character(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

} // namespace

void Context::resolve() {
    if (const auto format = flag_or_env(flags.format, "--format", "SVCMGR_FORMAT")) {
        const auto f = parse_format(format->value);
        if (!f) {
            throw Error(format->kind,
                        fmt::format("unknown format '{}' in {}", format->value, format->source),
                        fmt::format("formats: {}", format_names()));
        }
        m_render.format = *f;
    }

    const std::string colour = flags.colour.empty() ? "auto" : flags.colour;
    if (colour == "always") {
        m_render.colour = Colour::yes;
    } else if (colour == "never") {
        m_render.colour = Colour::no;
    } else if (colour == "auto") {
        const char* term = std::getenv("TERM");
        const bool dumb = term != nullptr && std::string_view(term) == "dumb";
        m_render.colour = env("NO_COLOR") == nullptr && !dumb && ::isatty(STDOUT_FILENO) != 0
                              ? Colour::yes
                              : Colour::no;
    } else {
        throw Error(ErrorKind::usage, fmt::format("unknown colour mode '{}' in --color", colour),
                    "use auto, always or never");
    }
    m_render.tz = &m_tz;

    if (const auto timeout =
            flag_or_env(flags.busy_timeout, "--busy-timeout", "SVCMGR_BUSY_TIMEOUT")) {
        const auto d = parse_duration(timeout->value);
        if (!d) {
            throw Error(
                timeout->kind,
                fmt::format("invalid busy timeout '{}' in {}", timeout->value, timeout->source),
                "a duration such as 500ms, 5s or 1m");
        }
        m_busy_timeout = *d;
    }

    // An actor given but empty is refused rather than replaced by the login name: the audit trail
    // must say who acted, and an empty SVCMGR_ACTOR is usually a script's unset variable.
    ErrorKind actor_kind = ErrorKind::usage;
    const char* actor_source = "--actor";
    if (flags.actor_given) {
        m_actor = flags.actor;
    } else if (const char* a = std::getenv("SVCMGR_ACTOR"); a != nullptr) {
        m_actor = a;
        actor_kind = ErrorKind::config;
        actor_source = "SVCMGR_ACTOR";
    } else {
        m_actor = login_name();
    }
    if (trim(m_actor).empty()) {
        throw Error(actor_kind,
                    fmt::format("the actor may not be empty ({} is empty)", actor_source),
                    "pass --actor NAME or set SVCMGR_ACTOR");
    }
    if (!is_valid_utf8(m_actor) || has_control_character(m_actor)) {
        throw Error(actor_kind,
                    fmt::format("the actor in {} must be printable UTF-8 text", actor_source));
    }
}

Database& Context::db() {
    if (!m_db) {
        const auto where =
            resolve_database(flags.db.empty() ? std::nullopt : std::optional<std::string>(flags.db),
                             [](const char* name) { return std::getenv(name); });
        m_db.emplace(Database::open(where, {.busy_timeout = m_busy_timeout}));
    }
    return *m_db;
}

Stamp Context::stamp() const {
    if (trim(m_actor).empty()) {
        throw Error(ErrorKind::usage, "the actor may not be empty",
                    "pass --actor NAME or set SVCMGR_ACTOR");
    }
    return {m_actor, m_now};
}

void Context::print(const Table& table) const {
    render(stdout, table, m_render);
}

void Context::print_record(const Table& table) const {
    render_record(stdout, table, m_render);
}

std::vector<std::int64_t> Context::ids(const std::vector<std::string>& args,
                                       std::string_view what) const {
    std::vector<std::int64_t> result;
    for (const auto& arg : args) {
        if (arg != "-") {
            const auto id = parse_count(arg);
            if (!id || *id == 0) {
                throw Error(ErrorKind::usage, fmt::format("invalid {} id '{}'", what, arg));
            }
            result.push_back(*id);
            continue;
        }
        std::string line;
        int number = 0;
        while (std::getline(std::cin, line)) {
            ++number;
            const std::string_view id_text = trim(line);
            if (id_text.empty()) {
                continue;
            }
            const auto id = parse_count(id_text);
            if (!id || *id == 0) {
                throw Error(ErrorKind::bad_data,
                            fmt::format("invalid {} id '{}' on line {} of standard input", what,
                                        id_text, number));
            }
            result.push_back(*id);
        }
    }
    return result;
}

int Context::for_each_id(const std::vector<std::int64_t>& ids,
                         const std::function<void(std::int64_t)>& action) const {
    int status = 0;
    for (const std::int64_t id : ids) {
        try {
            action(id);
        } catch (const Error& e) {
            print_error(e.what(), e.hint());
            if (status == 0) {
                status = static_cast<int>(e.kind());
            }
            // A failure that is not about this one id stops the batch.
            if (e.kind() != ErrorKind::refused) {
                return status;
            }
        }
    }
    return status;
}

InputFile::InputFile(const std::string& path) {
    if (path == "-") {
        m_file = stdin;
        return;
    }
    m_file = std::fopen(path.c_str(), "rb");
    if (m_file == nullptr) {
        const int error = errno;
        throw Error(error == EACCES ? ErrorKind::permission : ErrorKind::no_input,
                    fmt::format("cannot open {}: {}", path, std::strerror(error)));
    }
    m_owned = true;
}

InputFile::~InputFile() {
    if (m_owned) {
        std::fclose(m_file);
    }
}

std::string InputFile::read_all() {
    std::string text;
    char buffer[65536];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, m_file)) > 0) {
        text.append(buffer, n);
    }
    if (std::ferror(m_file) != 0) {
        throw Error(ErrorKind::io, fmt::format("cannot read the input: {}", std::strerror(errno)));
    }
    return text;
}

std::string text_or_stdin(const std::string& value) {
    if (value != "-") {
        return value;
    }
    std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

void print_error(const std::string& message, const std::string& hint) {
    std::fflush(stdout);
    // stdio, not fmt::print, which throws when stderr itself cannot be written (a full disk):
    // the exit status must still say what went wrong.
    std::string text = fmt::format("svcmgr: error: {}\n", message);
    if (!hint.empty()) {
        text += fmt::format("hint: {}\n", hint);
    }
    std::fwrite(text.data(), 1, text.size(), stderr);
}

std::int64_t parse_count_option(std::string_view option, const std::string& value) {
    const auto n = parse_count(value);
    if (!n) {
        throw Error(ErrorKind::usage, fmt::format("invalid value '{}' for {}: expected a whole "
                                                  "number such as 15",
                                                  value, option));
    }
    return *n;
}

} // namespace svcmgr::cli
