#pragma once

// The ticket statuses as SQL spells them: their stored names, and the active statuses
// (k_active_statuses) and the others as SQL lists, made at compile time from those two tables.

#include <svcmgr/ticket.hpp>

#include <array>
#include <cstddef>
#include <string_view>

namespace svcmgr {

// The stored name of each status, in the order of enum Status.
inline constexpr std::array<std::string_view, 7> k_status_names = {
    "new", "open", "in_progress", "waiting_customer", "waiting_parts", "resolved", "closed"};

constexpr std::string_view status_name(Status s) {
    return k_status_names[static_cast<std::size_t>(s)];
}

constexpr bool is_active_status(Status s) {
    for (Status active : k_active_statuses) {
        if (active == s) {
            return true;
        }
    }
    return false;
}

// The statuses that are not active (resolved, closed), in the order of enum Status.
inline constexpr auto k_inactive_statuses = [] {
    std::array<Status, k_status_names.size() - k_active_statuses.size()> inactive{};
    std::size_t at = 0;
    for (std::size_t i = 0; i < k_status_names.size(); ++i) {
        if (!is_active_status(static_cast<Status>(i))) {
            inactive.at(at++) = static_cast<Status>(i);
        }
    }
    return inactive;
}();

// N characters made at compile time. A string literal converts to one, so texts can be joined
// as template arguments (joined).
template <std::size_t N>
struct ConstText {
    std::array<char, N> chars{};

    constexpr ConstText() = default;
    // NOLINTNEXTLINE(google-explicit-constructor): literals convert, as in joined<"a", "b">
    constexpr ConstText(const char (&s)[N + 1]) {
        for (std::size_t i = 0; i < N; ++i) {
            chars.at(i) = s[i];
        }
    }
    constexpr std::string_view view() const { return {chars.data(), N}; }
};
template <std::size_t M>
ConstText(const char (&)[M]) -> ConstText<M - 1>;

template <ConstText... parts>
struct Joined {
    static constexpr auto text = [] {
        ConstText<(parts.view().size() + ...)> out;
        std::size_t at = 0;
        for (std::string_view part : {parts.view()...}) {
            for (char ch : part) {
                out.chars.at(at++) = ch;
            }
        }
        return out;
    }();
};

// The texts `parts` joined at compile time: joined<"status IN ", k_active_status_list>.
template <ConstText... parts>
inline constexpr std::string_view joined = Joined<parts...>::text.view();

// Statuses as an SQL list of their names: ('resolved', 'closed').
template <const auto& statuses>
constexpr auto status_sql_list() {
    constexpr std::size_t size = [] {
        std::size_t n = 2 + 2 * (statuses.size() - 1);
        for (Status s : statuses) {
            n += status_name(s).size() + 2;
        }
        return n;
    }();
    ConstText<size> list;
    std::size_t at = 0;
    const auto put = [&](std::string_view text) {
        for (char ch : text) {
            list.chars.at(at++) = ch;
        }
    };
    put("(");
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        put(i == 0 ? "'" : ", '");
        put(status_name(statuses.at(i)));
        put("'");
    }
    put(")");
    return list;
}

// ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts'): `status IN` this list is
// the WHERE clause of the partial index ticket_active, which SQLite uses only for a condition
// spelled the same.
inline constexpr auto k_active_status_list = status_sql_list<k_active_statuses>();
inline constexpr std::string_view k_active_status_sql = k_active_status_list.view();

// ('resolved', 'closed'): `status NOT IN` this list is another spelling of an active ticket.
inline constexpr auto k_inactive_status_list = status_sql_list<k_inactive_statuses>();
inline constexpr std::string_view k_inactive_status_sql = k_inactive_status_list.view();

} // namespace svcmgr
