#include "context.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/text.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
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

void Context::resolve() {
    std::string format = !flags.format.empty() ? flags.format : "";
    if (format.empty() && env("SVCMGR_FORMAT") != nullptr) {
        format = env("SVCMGR_FORMAT");
    }
    if (!format.empty()) {
        const auto f = parse_format(format);
        if (!f) {
            throw Error(ErrorKind::usage, fmt::format("unknown format '{}'", format),
                        "formats: table, csv, tsv, json, jsonl");
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
        throw Error(ErrorKind::usage, fmt::format("unknown colour mode '{}'", colour),
                    "use auto, always or never");
    }
    m_render.tz = &m_tz;

    std::string timeout = flags.busy_timeout;
    if (timeout.empty() && env("SVCMGR_BUSY_TIMEOUT") != nullptr) {
        timeout = env("SVCMGR_BUSY_TIMEOUT");
    }
    if (!timeout.empty()) {
        const auto d = parse_duration(timeout);
        if (!d) {
            throw Error(ErrorKind::usage, fmt::format("invalid busy timeout '{}'", timeout),
                        "a duration such as 500ms, 5s or 1m");
        }
        m_busy_timeout = *d;
    }

    if (flags.actor_given) {
        m_actor = flags.actor;
    } else if (const char* a = std::getenv("SVCMGR_ACTOR"); a != nullptr) {
        m_actor = a;
    } else {
        m_actor = login_name();
    }
    if (!is_valid_utf8(m_actor)) {
        throw Error(ErrorKind::usage, "the actor is not valid UTF-8");
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
                                        line, number));
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
    fmt::print(stderr, "svcmgr: error: {}\n", message);
    if (!hint.empty()) {
        fmt::print(stderr, "hint: {}\n", hint);
    }
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
