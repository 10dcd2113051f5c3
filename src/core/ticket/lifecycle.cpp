#include <svcmgr/text.hpp>
#include <svcmgr/ticket.hpp>

#include "ticket/statuses.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace svcmgr {

namespace {

constexpr std::array<std::string_view, 4> k_priority_names = {"low", "normal", "high", "urgent"};

// A set of statuses as a bit mask.
constexpr unsigned bit(Status s) {
    return 1U << static_cast<unsigned>(s);
}
template <typename... S>
constexpr unsigned statuses(S... s) {
    return (bit(s) | ...);
}
constexpr unsigned k_active = [] {
    unsigned mask = 0;
    for (Status s : k_active_statuses) {
        mask |= bit(s);
    }
    return mask;
}();

struct Rule {
    Verb verb;
    unsigned from;
    Status to;
};

// The lifecycle table of DESIGN.md section 4.
constexpr std::array<Rule, 6> k_rules = {{
    {Verb::start,
     statuses(Status::new_, Status::open, Status::waiting_customer, Status::waiting_parts),
     Status::in_progress},
    {Verb::wait_customer, statuses(Status::new_, Status::open, Status::in_progress),
     Status::waiting_customer},
    {Verb::wait_parts, statuses(Status::new_, Status::open, Status::in_progress),
     Status::waiting_parts},
    {Verb::resolve, k_active, Status::resolved},
    {Verb::close, statuses(Status::resolved), Status::closed},
    {Verb::reopen, statuses(Status::resolved, Status::closed), Status::open},
}};

} // namespace

std::string_view to_string(Status s) {
    return status_name(s);
}
std::string_view to_string(Priority p) {
    return k_priority_names[static_cast<std::size_t>(p)];
}

std::string priority_names(std::string_view last) {
    return join_names(k_priority_names, last);
}

std::optional<Status> parse_status(std::string_view s) {
    const auto* it = std::find(k_status_names.begin(), k_status_names.end(), s);
    if (it == k_status_names.end()) {
        return std::nullopt;
    }
    return static_cast<Status>(it - k_status_names.begin());
}

std::optional<Priority> parse_priority(std::string_view s) {
    const auto* it = std::find(k_priority_names.begin(), k_priority_names.end(), s);
    if (it == k_priority_names.end()) {
        return std::nullopt;
    }
    return static_cast<Priority>(it - k_priority_names.begin());
}

std::string_view to_string(Verb v) {
    switch (v) {
    case Verb::start:
        return "start";
    case Verb::wait_customer:
        return "wait --for customer";
    case Verb::wait_parts:
        return "wait --for parts";
    case Verb::resolve:
        return "resolve";
    case Verb::close:
        return "close";
    case Verb::reopen:
        return "reopen";
    }
    return "";
}

std::optional<Status> transition(Status from, Verb verb) {
    for (const Rule& rule : k_rules) {
        if (rule.verb == verb && (rule.from & bit(from)) != 0) {
            return rule.to;
        }
    }
    return std::nullopt;
}

Status target_status(Verb verb) {
    for (const Rule& rule : k_rules) {
        if (rule.verb == verb) {
            return rule.to;
        }
    }
    return Status::open;
}

std::vector<std::string> allowed_verbs(Status from) {
    std::vector<std::string> verbs;
    for (const Rule& rule : k_rules) {
        if ((rule.from & bit(from)) != 0) {
            verbs.emplace_back(to_string(rule.verb));
        }
    }
    return verbs;
}

} // namespace svcmgr
