#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/settings.hpp>

#include "audit/log.hpp"
#include "db/sql.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace svcmgr {

namespace {

enum class SettingType {
    currency,
    money,
    duration,
    sla_target,
    calendar,
    percent,
    service_level,
    word_list
};

struct SettingDef {
    std::string_view key;
    std::string_view default_value;
    SettingType type;
    std::string_view inherits = {}; // unset: the value of this key, not default_value
};

constexpr std::array k_settings = {
    SettingDef{"currency", "EUR", SettingType::currency},
    SettingDef{"hourly_cost", "0.00", SettingType::money},
    SettingDef{"sla.urgent.first_response", "1h", SettingType::sla_target},
    SettingDef{"sla.urgent.resolution", "4h", SettingType::sla_target},
    SettingDef{"sla.high.first_response", "4h", SettingType::sla_target},
    SettingDef{"sla.high.resolution", "1d", SettingType::sla_target},
    SettingDef{"sla.normal.first_response", "8h", SettingType::sla_target},
    SettingDef{"sla.normal.resolution", "3d", SettingType::sla_target},
    SettingDef{"sla.low.first_response", "24h", SettingType::sla_target},
    SettingDef{"sla.low.resolution", "7d", SettingType::sla_target},
    SettingDef{"sla.calendar", "none", SettingType::calendar},
    SettingDef{"sla.urgent.calendar", "none", SettingType::calendar, "sla.calendar"},
    SettingDef{"sla.high.calendar", "none", SettingType::calendar, "sla.calendar"},
    SettingDef{"sla.normal.calendar", "none", SettingType::calendar, "sla.calendar"},
    SettingDef{"sla.low.calendar", "none", SettingType::calendar, "sla.calendar"},
    SettingDef{"categories", "purchasing,billing,troubleshooting,returns,repair,website,other",
               SettingType::word_list},
    SettingDef{"channels", "phone,email,store,web,other", SettingType::word_list},
    SettingDef{"repeat_window", "30d", SettingType::duration},
    SettingDef{"holding_rate", "25%", SettingType::percent},
    SettingDef{"order_cost", "25.00", SettingType::money},
    SettingDef{"service_level", "95%", SettingType::service_level},
};

const SettingDef& find_def(std::string_view key) {
    const auto* it = std::find_if(k_settings.begin(), k_settings.end(),
                                  [&](const SettingDef& d) { return d.key == key; });
    if (it == k_settings.end()) {
        throw Error(ErrorKind::usage, fmt::format("unknown setting {}", key),
                    "svcmgr config list shows every setting");
    }
    return *it;
}

std::string format_percent(std::int64_t tenths) {
    return tenths % 10 == 0 ? fmt::format("{}%", tenths / 10) : format_fixed(tenths, 1) + "%";
}

bool is_word(std::string_view w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::vector<std::string> split_list(std::string_view value) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = value.find(',', start);
        items.emplace_back(value.substr(start, comma - start));
        if (comma == std::string_view::npos) {
            return items;
        }
        start = comma + 1;
    }
}

// The stored form of value, or nullopt when it is invalid for the setting.
std::optional<std::string> normalise(const SettingDef& def, std::string_view value) {
    switch (def.type) {
    case SettingType::currency:
        if (value.size() == 3 &&
            std::all_of(value.begin(), value.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
            return std::string(value);
        }
        return std::nullopt;
    case SettingType::money:
        if (const auto m = parse_money(value)) {
            return format_money(*m);
        }
        return std::nullopt;
    case SettingType::duration:
        // Clocks count whole seconds: 500ms would read back as 0.
        if (const auto d = parse_duration(value);
            d && d->count() >= 1000 && d->count() % 1000 == 0) {
            return std::string(value);
        }
        return std::nullopt;
    case SettingType::sla_target:
        if (parse_sla_target(value)) {
            return std::string(value);
        }
        return std::nullopt;
    case SettingType::calendar:
        if (value == "none" || is_calendar_name(value)) {
            return std::string(value);
        }
        return std::nullopt;
    case SettingType::percent:
        if (const auto p = parse_percent(value)) {
            return format_percent(*p);
        }
        return std::nullopt;
    case SettingType::service_level:
        // z = inverse normal CDF of the level: infinite at 0% and 100%.
        if (const auto p = parse_percent(value); p && *p > 0 && *p < 1000) {
            return format_percent(*p);
        }
        return std::nullopt;
    case SettingType::word_list: {
        auto items = split_list(value);
        if (!std::all_of(items.begin(), items.end(), is_word)) {
            return std::nullopt;
        }
        auto sorted = items;
        std::sort(sorted.begin(), sorted.end());
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
            return std::nullopt;
        }
        return std::string(value);
    }
    }
    return std::nullopt;
}

std::string_view expected_form(SettingType type) {
    switch (type) {
    case SettingType::currency:
        return "a three-letter currency code such as EUR";
    case SettingType::money:
        return "an amount such as 12.50";
    case SettingType::duration:
        return "a duration of whole seconds, at least 1s, such as 90m, 4h or 2d";
    case SettingType::sla_target:
        return "a duration of whole seconds, at least 1s, such as 90m, 4h or 2d, or business "
               "days such as 3bd";
    case SettingType::calendar:
        return "a calendar name, or none for 24x7";
    case SettingType::percent:
        return "a percentage from 0 to 100 such as 25%";
    case SettingType::service_level:
        return "a percentage above 0 and below 100 such as 95%";
    case SettingType::word_list:
        return "a comma-separated list of distinct lowercase words such as phone,email";
    }
    return "";
}

// The stored value as of now, for writes (inside their transaction).
std::optional<std::string> stored_value(Database& db, std::string_view key) {
    Statement st(db, "SELECT value FROM setting WHERE key = $1");
    st.bind(1, key);
    if (st.step()) {
        return st.text(0);
    }
    return std::nullopt;
}

// The stored value for reads: all settings are read in one query on first use.
std::optional<std::string> cached_value(Database& db, std::string_view key) {
    auto& cache = db.impl().settings;
    if (!cache) {
        cache.emplace();
        Statement st(db, "SELECT key, value FROM setting");
        while (st.step()) {
            cache->emplace(st.text(0), st.text(1));
        }
    }
    const auto it = cache->find(key);
    return it == cache->end() ? std::nullopt : std::optional<std::string>(it->second);
}

Json setting_state(std::string_view key, const std::optional<std::string>& value) {
    if (!value) {
        return nullptr;
    }
    return Json{{"key", key}, {"value", *value}};
}

} // namespace

std::string get_setting(Database& db, std::string_view key) {
    const SettingDef& def = find_def(key);
    if (auto value = cached_value(db, key)) {
        return *std::move(value);
    }
    return def.inherits.empty() ? std::string(def.default_value) : get_setting(db, def.inherits);
}

void check_setting_key(std::string_view key) {
    find_def(key);
}

std::string check_setting(std::string_view key, std::string_view value) {
    const SettingDef& def = find_def(key);
    auto normalised = normalise(def, value);
    if (!normalised) {
        throw Error(ErrorKind::usage, fmt::format("invalid value '{}' for {}: expected {}", value,
                                                  key, expected_form(def.type)));
    }
    return *std::move(normalised);
}

std::string set_setting(Database& db, std::string_view key, std::string_view value,
                        const Stamp& stamp) {
    const std::optional<std::string> normalised = check_setting(key, value);
    WriteTransaction tx(db);
    db.impl().settings.reset();
    const auto before = stored_value(db, key);
    if (before != normalised) {
        Statement st(db, "INSERT INTO setting (key, value) VALUES ($1, $2) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        st.bind_all(key, *normalised).run();
        check_sla_settings(db);
        append_audit(db, stamp, "set", "setting", key, setting_state(key, before),
                     setting_state(key, normalised));
    }
    tx.commit();
    return *normalised;
}

bool unset_setting(Database& db, std::string_view key, const Stamp& stamp) {
    find_def(key);
    WriteTransaction tx(db);
    db.impl().settings.reset();
    const auto before = stored_value(db, key);
    if (!before) {
        return false;
    }
    Statement st(db, "DELETE FROM setting WHERE key = $1");
    st.bind(1, key).run();
    check_sla_settings(db);
    append_audit(db, stamp, "unset", "setting", key, setting_state(key, before), nullptr);
    tx.commit();
    return true;
}

Table list_settings(Database& db) {
    Table table;
    table.columns = {{"key", ColumnType::code},
                     {"value", ColumnType::text},
                     {"default", ColumnType::text},
                     {"source", ColumnType::code}};
    for (const auto& def : k_settings) {
        const auto stored = cached_value(db, def.key);
        const std::string default_value =
            def.inherits.empty() ? std::string(def.default_value) : get_setting(db, def.inherits);
        table.rows.push_back({std::string(def.key), stored.value_or(default_value), default_value,
                              std::string(stored ? "set" : "default")});
    }
    return table;
}

std::vector<std::string> setting_keys() {
    std::vector<std::string> keys;
    for (const auto& def : k_settings) {
        keys.emplace_back(def.key);
    }
    return keys;
}

std::int64_t setting_money(Database& db, std::string_view key) {
    return parse_money(get_setting(db, key)).value_or(0);
}

std::int64_t setting_seconds(Database& db, std::string_view key) {
    const auto d = parse_duration(get_setting(db, key));
    return d ? d->count() / 1000 : 0;
}

std::optional<SlaTarget> parse_sla_target(std::string_view s) {
    if (s.size() > 2 && s.ends_with("bd")) {
        const auto n = parse_count(s.substr(0, s.size() - 2));
        if (!n || *n < 1 || *n > 3660) {
            return std::nullopt;
        }
        return SlaTarget{.business_days = static_cast<int>(*n)};
    }
    // Clocks count whole seconds: 500ms would read back as 0.
    const auto d = parse_duration(s);
    if (!d || d->count() < 1000 || d->count() % 1000 != 0) {
        return std::nullopt;
    }
    return SlaTarget{.seconds = d->count() / 1000, .in_days = s.ends_with('d') || s.ends_with('w')};
}

SlaTarget setting_sla_target(Database& db, std::string_view key) {
    return parse_sla_target(get_setting(db, key)).value_or(SlaTarget{});
}

void check_sla_settings(Database& db) {
    // Read as stored now, and forget it after: inside a write the cache may be stale before,
    // and hold what a refused write rolls back after.
    struct ForgetSettings {
        Database& db;
        ~ForgetSettings() { db.impl().settings.reset(); }
    } forget{db};
    db.impl().settings.reset();
    for (const std::string_view key : {"sla.calendar", "sla.urgent.calendar", "sla.high.calendar",
                                       "sla.normal.calendar", "sla.low.calendar"}) {
        const std::string calendar = get_setting(db, key);
        Statement exists(db, "SELECT 1 FROM calendar WHERE name = $1");
        if (calendar != "none" && !exists.bind(1, calendar).step()) {
            throw Error(ErrorKind::refused,
                        fmt::format("{} names calendar {}, which does not exist", key, calendar),
                        "svcmgr calendar list shows the calendars");
        }
    }
    for (const std::string_view priority : {"urgent", "high", "normal", "low"}) {
        const std::string calendar = get_setting(db, fmt::format("sla.{}.calendar", priority));
        if (calendar == "none") {
            continue;
        }
        for (const std::string_view clock : {"first_response", "resolution"}) {
            const std::string key = fmt::format("sla.{}.{}", priority, clock);
            const std::string target = get_setting(db, key);
            if (const auto t = parse_sla_target(target); t && t->in_days) {
                throw Error(ErrorKind::config,
                            fmt::format("{} is {}, but the {} clocks run on calendar {}: a day "
                                        "there is ambiguous",
                                        key, target, priority, calendar),
                            fmt::format("give {} in hours or business days, such as {}h or 1bd",
                                        key, t->seconds / 3600));
            }
        }
    }
}

std::int64_t setting_percent(Database& db, std::string_view key) {
    return parse_percent(get_setting(db, key)).value_or(0);
}

std::vector<std::string> setting_list(Database& db, std::string_view key) {
    return split_list(get_setting(db, key));
}

} // namespace svcmgr
