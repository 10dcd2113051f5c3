#include "ticket/filter.hpp"
#include "ticket/statuses.hpp"

#include <svcmgr/customer.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/text.hpp>
#include <svcmgr/ticket.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>

namespace svcmgr {

namespace {

class Compiler {
public:
    Compiler(const FilterContext& context, int first_param)
        : m_context(context), m_next(first_param) {}

    // Adds a parameter and returns its placeholder.
    std::string param(Value v) {
        m_result.params.push_back(std::move(v));
        return fmt::format("${}", m_next++);
    }

    void add(const std::string& condition) { m_parts.push_back(condition); }

    const FilterContext& context() const { return m_context; }

    SqlCondition finish() {
        if (!m_parts.empty()) {
            m_result.sql = fmt::format("({})", fmt::join(m_parts, ") AND ("));
        }
        return std::move(m_result);
    }

private:
    const FilterContext& m_context;
    int m_next;
    std::vector<std::string> m_parts;
    SqlCondition m_result;
};

[[noreturn]] void bad_term(std::string_view term, std::string_view expected) {
    throw Error(ErrorKind::usage,
                fmt::format("invalid filter term '{}': expected {}", term, expected));
}

std::string in_list(Compiler& c, const std::vector<std::string>& values) {
    std::vector<std::string> placeholders;
    for (const auto& v : values) {
        placeholders.push_back(c.param(v));
    }
    return fmt::format("({})", fmt::join(placeholders, ", "));
}

std::int64_t time_value(std::string_view term, std::string_view value, const FilterContext& ctx) {
    const TimeZone tz = ctx.tz != nullptr ? *ctx.tz : TimeZone::utc();
    const auto t = parse_time_point(value, ctx.now, tz);
    if (!t && parse_duration(value)) {
        bad_term(term, "an age that reaches back no further than the year 0001");
    }
    if (!t) {
        bad_term(term, "a date (2026-11-01), today, yesterday or an age such as 7d");
    }
    return *t;
}

std::int64_t duration_seconds(std::string_view term, std::string_view value) {
    const auto d = parse_duration(value);
    if (!d) {
        bad_term(term, "a duration such as 3d or 12h");
    }
    return d->count() / 1000;
}

void listed(Compiler& c, std::string_view term, std::string_view value, const char* column,
            const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        bad_term(term, fmt::format("one of {}", fmt::join(allowed, ", ")));
    }
    c.add(fmt::format("{} = {}", column, c.param(std::string(value))));
}

// The priorities from `lowest` up to urgent.
std::vector<std::string> priorities_from(Priority lowest) {
    std::vector<std::string> names;
    for (int i = static_cast<int>(lowest); i <= static_cast<int>(Priority::urgent); ++i) {
        names.emplace_back(to_string(static_cast<Priority>(i)));
    }
    return names;
}

std::vector<std::string> status_values(Database*) {
    std::vector<std::string> names{"active"};
    names.insert(names.end(), k_status_names.begin(), k_status_names.end());
    return names;
}

std::vector<std::string> priority_values(Database*) {
    return priorities_from(Priority::low);
}

std::vector<std::string> none_value(Database*) {
    return {"none"};
}

constexpr std::array<std::string_view, 3> k_preventable_values = {"yes", "no", "unknown"};

using Handler = std::function<void(Compiler&, std::string_view term, std::string_view value)>;

struct Key {
    std::string_view name;
    Handler handle;
    // The values the key takes, for completion; nullptr when they are free (refs, dates, ages).
    std::vector<std::string> (*values)(Database* db) = nullptr;
};

const std::vector<Key>& keys() {
    static const std::vector<Key> k_keys = {
        {"status",
         [](Compiler& c, std::string_view term, std::string_view v) {
             if (v == "active") {
                 c.add(std::string(joined<"t.status IN ", k_active_status_list>));
             } else if (parse_status(v)) {
                 c.add(fmt::format("t.status = {}", c.param(std::string(v))));
             } else {
                 bad_term(term, fmt::format("active, {} or {}",
                                            fmt::join(k_status_names.begin(),
                                                      k_status_names.end() - 1, ", "),
                                            k_status_names.back()));
             }
         },
         status_values},
        {"priority",
         [](Compiler& c, std::string_view term, std::string_view v) {
             if (!parse_priority(v)) {
                 bad_term(term, priority_names(" or "));
             }
             c.add(fmt::format("t.priority = {}", c.param(std::string(v))));
         },
         priority_values},
        {"priority.min",
         [](Compiler& c, std::string_view term, std::string_view v) {
             const auto p = parse_priority(v);
             if (!p) {
                 bad_term(term, priority_names(" or "));
             }
             c.add(fmt::format("t.priority IN {}", in_list(c, priorities_from(*p))));
         },
         priority_values},
        {"category",
         [](Compiler& c, std::string_view term, std::string_view v) {
             listed(c, term, v, "t.category", c.context().categories);
         },
         [](Database* db) {
             return db != nullptr ? setting_list(*db, "categories") : std::vector<std::string>{};
         }},
        {"channel",
         [](Compiler& c, std::string_view term, std::string_view v) {
             listed(c, term, v, "t.channel", c.context().channels);
         },
         [](Database* db) {
             return db != nullptr ? setting_list(*db, "channels") : std::vector<std::string>{};
         }},
        {"customer",
         [](Compiler& c, std::string_view, std::string_view v) {
             if (const auto id = parse_count(v)) {
                 c.add(fmt::format("t.customer_id = {}", c.param(*id)));
             } else if (v.find('@') != std::string_view::npos) {
                 c.add(fmt::format("c.email = {}", c.param(std::string(v))));
             } else {
                 c.add(fmt::format("c.name = {}", c.param(std::string(v))));
             }
         },
         [](Database* db) {
             return db != nullptr ? customer_emails(*db) : std::vector<std::string>{};
         }},
        {"assignee",
         [](Compiler& c, std::string_view, std::string_view v) {
             if (v == "none") {
                 c.add("t.assignee IS NULL");
             } else {
                 c.add(fmt::format("t.assignee = {}", c.param(std::string(v))));
             }
         },
         none_value},
        {"ref",
         [](Compiler& c, std::string_view, std::string_view v) {
             c.add(fmt::format("t.ref = {}", c.param(std::string(v))));
         }},
        {"created.after",
         [](Compiler& c, std::string_view term, std::string_view v) {
             c.add(fmt::format("t.created_at >= {}", c.param(time_value(term, v, c.context()))));
         }},
        {"created.before",
         [](Compiler& c, std::string_view term, std::string_view v) {
             c.add(fmt::format("t.created_at < {}", c.param(time_value(term, v, c.context()))));
         }},
        {"updated.after",
         [](Compiler& c, std::string_view term, std::string_view v) {
             c.add(fmt::format("t.updated_at >= {}", c.param(time_value(term, v, c.context()))));
         }},
        {"updated.before",
         [](Compiler& c, std::string_view term, std::string_view v) {
             c.add(fmt::format("t.updated_at < {}", c.param(time_value(term, v, c.context()))));
         }},
        {"age.over",
         [](Compiler& c, std::string_view term, std::string_view v) {
             const std::int64_t cutoff = c.context().now - duration_seconds(term, v);
             c.add(fmt::format("t.created_at < {}", c.param(cutoff)));
         }},
        {"age.under",
         [](Compiler& c, std::string_view term, std::string_view v) {
             const std::int64_t cutoff = c.context().now - duration_seconds(term, v);
             c.add(fmt::format("t.created_at > {}", c.param(cutoff)));
         }},
        {"idle.over",
         [](Compiler& c, std::string_view term, std::string_view v) {
             const std::int64_t cutoff = c.context().now - duration_seconds(term, v);
             c.add(fmt::format("t.updated_at < {}", c.param(cutoff)));
         }},
        {"cause",
         [](Compiler& c, std::string_view, std::string_view v) {
             if (v == "none") {
                 c.add("t.cause IS NULL");
             } else {
                 c.add(fmt::format("t.cause = {}", c.param(std::string(v))));
             }
         },
         none_value},
        {"preventable",
         [](Compiler& c, std::string_view term, std::string_view v) {
             constexpr std::array<std::string_view, k_preventable_values.size()> k_conditions = {
                 "t.preventable = 1", "t.preventable = 0", "t.preventable IS NULL"};
             const auto* it =
                 std::find(k_preventable_values.begin(), k_preventable_values.end(), v);
             if (it == k_preventable_values.end()) {
                 bad_term(term, join_names(k_preventable_values, " or "));
             }
             c.add(std::string(k_conditions[static_cast<std::size_t>(
                 std::distance(k_preventable_values.begin(), it))]));
         },
         [](Database*) {
             return std::vector<std::string>(k_preventable_values.begin(),
                                             k_preventable_values.end());
         }},
    };
    return k_keys;
}

} // namespace

std::vector<std::string> filter_keys() {
    std::vector<std::string> names;
    for (const auto& key : keys()) {
        names.emplace_back(key.name);
    }
    return names;
}

std::vector<std::string> ticket_filter_values(std::string_view key, Database* db) {
    for (const auto& k : keys()) {
        if (k.name == key) {
            return k.values != nullptr ? k.values(db) : std::vector<std::string>{};
        }
    }
    return {};
}

SqlCondition compile_ticket_filter(const std::vector<std::string>& terms,
                                   const FilterContext& context, int first_param) {
    Compiler c(context, first_param);
    for (const std::string& term : terms) {
        const auto colon = term.find(':');
        if (colon == std::string::npos) {
            // A free word: literal, case-insensitive substring of the title or description.
            // Surrounding spaces come from quoting in scripts, not from the user's intent.
            const std::string_view word = trim(term);
            if (word.empty()) {
                continue;
            }
            c.add(fmt::format(
                "instr(svc_fold(t.title || '\n' || coalesce(t.description, '')), {}) > 0",
                c.param(fold_case(word))));
            continue;
        }
        const std::string_view name = std::string_view(term).substr(0, colon);
        const std::string_view value = std::string_view(term).substr(colon + 1);
        const auto& all = keys();
        const auto it =
            std::find_if(all.begin(), all.end(), [&](const Key& k) { return k.name == name; });
        if (it == all.end()) {
            throw Error(ErrorKind::usage,
                        fmt::format("unknown filter key '{}' in '{}'", name, term),
                        fmt::format("known keys: {}", fmt::join(filter_keys(), ", ")));
        }
        if (value.empty()) {
            bad_term(term, "a value after the colon");
        }
        it->handle(c, term, value);
    }
    return c.finish();
}

} // namespace svcmgr
