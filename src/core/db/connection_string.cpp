#include <svcmgr/db.hpp>
#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace svcmgr {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

bool is_postgres_uri(std::string_view s) {
    return starts_with_ci(s, "postgresql://") || starts_with_ci(s, "postgres://");
}

bool is_keyword_string(std::string_view s) {
    return starts_with_ci(s, "service=");
}

// Keys whose values are secrets, in a URI's query or a key=value string.
bool is_secret_key(std::string_view key) {
    return key == "password" || key == "sslpassword";
}

// Calls `secret(begin, end)` for the range of every secret value in `s`.
template <typename F>
void for_each_secret(std::string_view s, F secret) {
    if (s.find("://") != std::string_view::npos) {
        const std::size_t authority = s.find("://") + 3;
        const std::size_t end = std::min(s.find_first_of("/?", authority), s.size());
        const std::size_t at = s.rfind('@', end);
        if (at != std::string_view::npos && at >= authority) {
            const std::size_t colon = s.find(':', authority);
            if (colon != std::string_view::npos && colon < at) {
                secret(colon + 1, at);
            }
        }
        std::size_t pos = s.find('?', authority);
        while (pos != std::string_view::npos && pos < s.size()) {
            const std::size_t start = pos + 1;
            const std::size_t amp = std::min(s.find('&', start), s.size());
            const std::size_t eq = s.find('=', start);
            if (eq != std::string_view::npos && eq < amp &&
                is_secret_key(s.substr(start, eq - start))) {
                secret(eq + 1, amp);
            }
            pos = amp < s.size() ? amp : std::string_view::npos;
        }
        return;
    }
    // key=value pairs separated by blanks; a value may be quoted with '...'.
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])) != 0) {
            ++i;
        }
        const std::size_t key_start = i;
        while (i < s.size() && s[i] != '=' && std::isspace(static_cast<unsigned char>(s[i])) == 0) {
            ++i;
        }
        const std::string_view key = s.substr(key_start, i - key_start);
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])) != 0) {
            ++i;
        }
        if (i >= s.size() || s[i] != '=') {
            continue;
        }
        ++i;
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])) != 0) {
            ++i;
        }
        const std::size_t value_start = i;
        if (i < s.size() && s[i] == '\'') {
            ++i;
            while (i < s.size() && s[i] != '\'') {
                i += s[i] == '\\' ? std::size_t{2} : std::size_t{1};
            }
            i = std::min(i + 1, s.size());
        } else {
            while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])) == 0) {
                ++i;
            }
        }
        if (is_secret_key(key)) {
            secret(value_start, i);
        }
    }
}

} // namespace

std::string redact_database(std::string_view where) {
    std::string out;
    std::size_t copied = 0;
    for_each_secret(where, [&](std::size_t begin, std::size_t end) {
        out.append(where.substr(copied, begin - copied));
        out += "***";
        copied = end;
    });
    out.append(where.substr(copied));
    return out;
}

Backend classify_database(std::string_view where) {
    if (is_postgres_uri(where) || is_keyword_string(where)) {
        bool has_secret = false;
        for_each_secret(where, [&](std::size_t, std::size_t) { has_secret = true; });
        if (has_secret) {
            throw Error(ErrorKind::usage,
                        fmt::format("a password in the database connection string {} is refused",
                                    redact_database(where)),
                        "put it in ~/.pgpass or a service file (~/.pg_service.conf), not on a "
                        "command line");
        }
        return Backend::postgres;
    }
    if (where.find("://") != std::string_view::npos) {
        throw Error(ErrorKind::usage,
                    fmt::format("unsupported database URI {}", redact_database(where)),
                    "pass a file path for SQLite, or a postgresql:// URI");
    }
    return Backend::sqlite;
}

} // namespace svcmgr
