#pragma once

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// Settings kept in the database (DESIGN.md section 3), each key validated by its own rule.

// The value of key, or its default. Throws Error(usage) for an unknown key.
std::string get_setting(Database& db, std::string_view key);

// Checks a key without a database, so a typo is refused before anything is opened.
// Throws Error(usage) for an unknown key.
void check_setting_key(std::string_view key);

// The stored form of value for key ("12.5" -> "12.50"), checked without a database.
// Throws Error(usage) naming the key or value when either is invalid.
std::string check_setting(std::string_view key, std::string_view value);

// Validates and stores value (normalised, e.g. "4h", "12.50", "25%"); returns what was stored.
// Throws Error(usage) naming the key or value when either is invalid.
std::string set_setting(Database& db, std::string_view key, std::string_view value,
                        const Stamp& stamp);

// Restores the default. Returns false when the key was not set.
bool unset_setting(Database& db, std::string_view key, const Stamp& stamp);

// key, value, default, source ("default" or "set"), every known key in order.
Table list_settings(Database& db);

// Every key svcmgr knows, in documentation order.
std::vector<std::string> setting_keys();

// Typed readers for the core.
std::int64_t setting_money(Database& db, std::string_view key);   // minor units
std::int64_t setting_seconds(Database& db, std::string_view key); // a duration
std::int64_t setting_percent(Database& db, std::string_view key); // tenths of a percent
std::vector<std::string> setting_list(Database& db, std::string_view key);

// An SLA target (sla.P.first_response, sla.P.resolution): a duration, or N business days.
struct SlaTarget {
    std::int64_t seconds = 0; // a duration; 0 for business days
    int business_days = 0;    // "3bd": due at the end of business on the 3rd business day
    bool in_days = false;     // given in days or weeks ("3d", "1w"): refused on a calendar
};
// "8h", "90m", "3d", "3bd" (1 to 3660 business days); nullopt for anything else.
std::optional<SlaTarget> parse_sla_target(std::string_view s);
SlaTarget setting_sla_target(Database& db, std::string_view key);

// Throws Error(config) when a priority whose clocks run on a calendar (sla.P.calendar, else
// sla.calendar) has a target in days or weeks: on a calendar a day is ambiguous (24 hours of
// business time, or a working day?), so it must be given in hours or business days.
void check_sla_settings(Database& db);

} // namespace svcmgr
