// The calendars kept with the data: their zone, the versions of their hours and their holidays.
// Every change writes the calendar's whole state to the audit trail as entity calendar:NAME.

#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>

#include "audit/log.hpp"
#include "calendar/state.hpp"
#include "db/sql.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace svcmgr {

namespace {

// The first version of a calendar's hours is in force from the first day there is.
constexpr std::int64_t k_since_always = -719'162; // 0001-01-01

constexpr std::string_view k_weekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

void check_name(std::string_view name) {
    if (!is_calendar_name(name)) {
        throw Error(ErrorKind::usage, fmt::format("invalid calendar name '{}'", name),
                    "use lowercase letters, digits, '-' and '_' ('none' means 24x7)");
    }
}

void check_zone(std::string_view tz) {
    try {
        TimeZone::named(tz);
    } catch (const Error&) {
        throw Error(ErrorKind::config, fmt::format("unknown time zone {}", tz),
                    "give an IANA zone such as Europe/Stockholm (see /usr/share/zoneinfo)");
    }
}

std::optional<std::int64_t> calendar_id(Database& db, std::string_view name) {
    Statement st(db, "SELECT id FROM calendar WHERE name = $1");
    st.bind(1, name);
    return st.step() ? std::optional<std::int64_t>(st.int64(0)) : std::nullopt;
}

std::int64_t require_calendar(Database& db, std::string_view name) {
    const auto id = calendar_id(db, name);
    if (!id) {
        throw Error(ErrorKind::refused, fmt::format("no calendar named {}", name),
                    "svcmgr calendar list shows the calendars");
    }
    return *id;
}

// Writes the hours in force from local day `from` (replacing a version from that day).
void write_hours(Database& db, std::int64_t id, std::int64_t from, const WeeklyHours& hours) {
    Statement(db, "DELETE FROM calendar_hours WHERE calendar_id = $1 AND from_day = $2")
        .bind_all(id, from)
        .run();
    Statement(db, "INSERT INTO calendar_hours (calendar_id, from_day, hours) VALUES ($1, $2, $3)")
        .bind_all(id, from, format_hours(hours))
        .run();
}

// The calendar's state as it is now, inside the change's transaction.
Json calendar_state_now(Database& db, std::string_view name) {
    return calendar_state(load_calendar(db, name));
}

// The audit row of a change to calendar `name`: its whole state before and after.
void audit_change(Database& db, const Stamp& stamp, std::string_view action, std::string_view name,
                  const Json& before) {
    append_audit(db, stamp, action, "calendar", name, before, calendar_state_now(db, name));
}

} // namespace

Json calendar_state(const CalendarDef& def) {
    Json hours = Json::array();
    for (const auto& v : def.versions) {
        hours.push_back(
            {{"from", v.from == k_since_always ? std::string() : format_local_date(v.from)},
             {"hours", format_hours(v.hours)}});
    }
    Json holidays = Json::array();
    for (const auto& h : def.holidays) {
        Json j = {{"date", format_holiday_date(h)}, {"name", h.name}};
        if (h.uid) {
            j["uid"] = *h.uid;
        }
        holidays.push_back(std::move(j));
    }
    return {{"name", def.name}, {"tz", def.tz}, {"hours", hours}, {"holidays", holidays}};
}

bool is_calendar_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && name != "none" &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
           });
}

std::string default_zone_name() {
    if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
        return std::string(tz[0] == ':' ? tz + 1 : tz);
    }
    std::error_code ec;
    const auto target = std::filesystem::read_symlink("/etc/localtime", ec).string();
    if (const auto at = target.find("zoneinfo/"); !ec && at != std::string::npos) {
        return target.substr(at + 9);
    }
    return "UTC";
}

void add_calendar(Database& db, std::string_view name, std::string_view tz,
                  const WeeklyHours& hours, const Stamp& stamp) {
    check_name(name);
    check_zone(tz);
    if (hours.empty()) {
        throw Error(ErrorKind::bad_data, "a calendar needs some business hours");
    }
    WriteTransaction tx(db);
    if (calendar_id(db, name)) {
        throw Error(ErrorKind::refused, fmt::format("calendar {} already exists", name));
    }
    Statement(db, "INSERT INTO calendar (name, tz, created_at) VALUES ($1, $2, $3)")
        .bind_all(name, tz, stamp.now)
        .run();
    write_hours(db, require_calendar(db, name), k_since_always, hours);
    audit_change(db, stamp, "create", name, nullptr);
    tx.commit();
}

CalendarDef load_calendar(Database& db, std::string_view name) {
    CalendarDef def;
    Statement cal(db, "SELECT id, name, tz FROM calendar WHERE name = $1");
    cal.bind(1, name);
    if (!cal.step()) {
        require_calendar(db, name);
    }
    const std::int64_t id = cal.int64(0);
    def.name = cal.text(1);
    def.tz = cal.text(2);
    Statement hours(db, "SELECT from_day, hours FROM calendar_hours WHERE calendar_id = $1 "
                        "ORDER BY from_day");
    hours.bind(1, id);
    while (hours.step()) {
        def.versions.push_back({hours.int64(0), parse_hours(hours.text(1))});
    }
    Statement holidays(db, "SELECT date, name, uid FROM calendar_holiday WHERE calendar_id = $1 "
                           "ORDER BY length(date), date");
    holidays.bind(1, id);
    while (holidays.step()) {
        Holiday h = parse_holiday_date(holidays.text(0)).value_or(Holiday{});
        h.name = holidays.text(1);
        h.uid = holidays.optional_text(2);
        def.holidays.push_back(std::move(h));
    }
    return def;
}

std::vector<std::string> calendar_names(Database& db) {
    Statement st(db, "SELECT name FROM calendar ORDER BY name");
    std::vector<std::string> names;
    while (st.step()) {
        names.push_back(st.text(0));
    }
    return names;
}

Table list_calendars(Database& db, std::int64_t now) {
    Table table;
    table.columns = {{"name", ColumnType::code},
                     {"tz", ColumnType::code},
                     {"hours", ColumnType::text},
                     {"holidays", ColumnType::integer}};
    for (const auto& name : calendar_names(db)) {
        const CalendarDef def = load_calendar(db, name);
        const std::int64_t today = TimeZone::named(def.tz).local_day_of(now);
        const HoursVersion* in_force = &def.versions.front();
        for (const auto& v : def.versions) {
            if (v.from <= today) {
                in_force = &v;
            }
        }
        table.rows.push_back({def.name, def.tz, format_hours(in_force->hours),
                              static_cast<std::int64_t>(def.holidays.size())});
    }
    return table;
}

void set_calendar_hours(Database& db, std::string_view name, const WeeklyHours& hours,
                        std::int64_t from, const Stamp& stamp) {
    if (hours.empty()) {
        throw Error(ErrorKind::bad_data, "a calendar needs some business hours");
    }
    WriteTransaction tx(db);
    const std::int64_t id = require_calendar(db, name);
    const Json before = calendar_state_now(db, name);
    // The first version is in force from 0001-01-01: a version from that day replaces it.
    from = std::max(from, k_since_always);
    write_hours(db, id, from, hours);
    audit_change(db, stamp, "hours", name, before);
    tx.commit();
}

void add_holiday(Database& db, std::string_view name, const Holiday& holiday, const Stamp& stamp) {
    if (holiday.name.empty()) {
        throw Error(ErrorKind::usage, "a holiday needs a name", "give it with --name");
    }
    WriteTransaction tx(db);
    const std::int64_t id = require_calendar(db, name);
    const std::string date = format_holiday_date(holiday);
    Statement exists(db, "SELECT name FROM calendar_holiday WHERE calendar_id = $1 AND date = $2");
    exists.bind_all(id, date);
    if (exists.step()) {
        throw Error(ErrorKind::refused, fmt::format("calendar {} already has a holiday on {} ({})",
                                                    name, date, exists.text(0)));
    }
    const Json before = calendar_state_now(db, name);
    Statement(db, "INSERT INTO calendar_holiday (calendar_id, date, name, uid) "
                  "VALUES ($1, $2, $3, $4)")
        .bind_all(id, date, holiday.name, holiday.uid)
        .run();
    audit_change(db, stamp, "holiday", name, before);
    tx.commit();
}

void remove_holiday(Database& db, std::string_view name, std::string_view date,
                    const Stamp& stamp) {
    WriteTransaction tx(db);
    if (!parse_holiday_date(date)) {
        throw Error(ErrorKind::usage, fmt::format("invalid holiday date '{}'", date),
                    "give it as YYYY-MM-DD, or MM-DD for a yearly one");
    }
    const std::int64_t id = require_calendar(db, name);
    const Json before = calendar_state_now(db, name);
    Statement st(db, "DELETE FROM calendar_holiday WHERE calendar_id = $1 AND date = $2");
    if (st.bind_all(id, date).run() == 0) {
        throw Error(ErrorKind::refused, fmt::format("calendar {} has no holiday on {}", name, date),
                    fmt::format("svcmgr calendar holiday list {} shows them", name));
    }
    audit_change(db, stamp, "holiday", name, before);
    tx.commit();
}

Table list_holidays(Database& db, std::string_view name) {
    const CalendarDef def = load_calendar(db, name);
    Table table;
    table.columns = {{"date", ColumnType::code},
                     {"yearly", ColumnType::boolean},
                     {"name", ColumnType::text},
                     {"uid", ColumnType::code}};
    for (const auto& h : def.holidays) {
        table.rows.push_back({format_holiday_date(h), std::int64_t{h.yearly ? 1 : 0}, h.name,
                              h.uid ? Value{*h.uid} : Value{}});
    }
    return table;
}

void remove_calendar(Database& db, std::string_view name, const Stamp& stamp) {
    WriteTransaction tx(db);
    const std::int64_t id = require_calendar(db, name);
    Statement used(db, "SELECT key FROM setting WHERE (key = 'sla.calendar' OR key LIKE "
                       "'sla.%.calendar') AND value = $1 ORDER BY key");
    used.bind(1, name);
    if (used.step()) {
        throw Error(
            ErrorKind::refused,
            fmt::format("calendar {} is in use by the setting {}", name, used.text(0)),
            fmt::format("svcmgr config set {} with another calendar or none first", used.text(0)));
    }
    const Json before = calendar_state_now(db, name);
    for (const char* table : {"calendar_holiday", "calendar_hours"}) {
        Statement(db, fmt::format("DELETE FROM {} WHERE calendar_id = $1", table))
            .bind(1, id)
            .run();
    }
    Statement(db, "DELETE FROM calendar WHERE id = $1").bind(1, id).run();
    append_audit(db, stamp, "delete", "calendar", name, before, nullptr);
    tx.commit();
}

Table calendar_periods(Database& db, std::string_view name, std::int64_t from, int days) {
    BusinessTime time(load_calendar(db, name));
    const TimeZone& tz = time.zone();
    Table table;
    table.columns = {{"date", ColumnType::code},      {"weekday", ColumnType::code},
                     {"start", ColumnType::code},     {"end", ColumnType::code},
                     {"hours", ColumnType::duration}, {"holiday", ColumnType::text}};
    std::vector<std::int64_t> bounds = {from * 86'400, (from + days) * 86'400};
    tz.to_unix_all(bounds);
    const auto periods = time.periods(bounds[0], bounds[1]);
    auto p = periods.begin();
    const auto local_clock = [&](std::int64_t t, std::int64_t day) {
        const std::int64_t minutes = (tz.local_seconds_of(t) - day * 86'400) / 60;
        return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
    };
    for (std::int64_t day = from; day < from + days; ++day) {
        const date::sys_days sd{date::days{day}};
        const date::year_month_day ymd{sd};
        std::optional<std::string> holiday;
        for (const auto& h : time.def().holidays) {
            if ((!h.yearly && h.day == day) ||
                (h.yearly && static_cast<unsigned>(ymd.month()) == static_cast<unsigned>(h.month) &&
                 static_cast<unsigned>(ymd.day()) == static_cast<unsigned>(h.month_day))) {
                holiday = h.name;
            }
        }
        const std::string weekday(k_weekdays[date::weekday{sd}.iso_encoding() - 1]);
        bool any = false;
        for (; p != periods.end() && p->day <= day; ++p) {
            table.rows.push_back({format_local_date(day), weekday, local_clock(p->start, day),
                                  local_clock(p->end, day), p->end - p->start, Value{}});
            any = true;
        }
        if (!any && holiday) {
            table.rows.push_back(
                {format_local_date(day), weekday, Value{}, Value{}, std::int64_t{0}, *holiday});
        }
    }
    return table;
}

} // namespace svcmgr
