// Holidays from iCalendar files (RFC 5545) as Google, Outlook and Thunderbird export them, read
// with libical: all-day events (several days too), yearly rules, TZID and UTC times. The lines
// are checked first, so that a malformed file is refused naming its line; libical then reads
// the events, and its own complaints are pinned to the line of the property they name.

#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>

#include "audit/log.hpp"
#include "calendar/libical.hpp"
#include "calendar/state.hpp"
#include "db/sql.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>

namespace svcmgr {

namespace {

// How far an open-ended rule that is not a plain "same day every year" is written out.
constexpr int k_expand_years = 10;
constexpr int k_max_occurrences = 1000;

// A content line after unfolding, with the physical line it starts on.
struct ContentLine {
    int number = 0;
    std::string name;      // upper case, before ';' or ':'
    std::string component; // for BEGIN and END: the component, upper case
};

[[noreturn]] void bad_line(std::string_view source, int line, std::string_view why) {
    throw Error(ErrorKind::bad_data, fmt::format("{}:{}: {}", source, line, why),
                "nothing was imported");
}

// The logical lines of the file and their names; checks the content-line syntax and that
// BEGIN and END nest.
std::vector<ContentLine> scan(std::string_view text, std::string_view source) {
    std::vector<ContentLine> lines;
    std::vector<std::pair<std::string, int>> open;
    int number = 0;
    std::size_t at = 0;
    std::string current;
    int current_number = 0;
    const auto finish = [&] {
        if (current_number == 0) {
            return;
        }
        const std::size_t colon = current.find(':');
        const std::size_t end = std::min(current.find(';'), colon);
        std::string name = current.substr(0, end);
        const bool named = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-';
        });
        if (colon == std::string::npos || !named) {
            bad_line(source, current_number,
                     fmt::format("not an iCalendar content line NAME:VALUE: '{}'",
                                 current.substr(0, 60)));
        }
        std::transform(name.begin(), name.end(), name.begin(),
                       [](char c) { return static_cast<char>(std::toupper(c)); });
        std::string value;
        if (name == "BEGIN" || name == "END") {
            value = current.substr(colon + 1);
            std::transform(value.begin(), value.end(), value.begin(),
                           [](char c) { return static_cast<char>(std::toupper(c)); });
        }
        if (name == "BEGIN") {
            open.emplace_back(value, current_number);
        } else if (name == "END") {
            if (open.empty() || open.back().first != value) {
                bad_line(source, current_number,
                         open.empty() ? fmt::format("END:{} without BEGIN", value)
                                      : fmt::format("END:{} inside {} (line {})", value,
                                                    open.back().first, open.back().second));
            }
            open.pop_back();
        }
        lines.push_back({current_number, name, value});
        current.clear();
        current_number = 0;
    };
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(at, end - at);
        at = end + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            if (current_number == 0) {
                bad_line(source, number, "a continuation line with nothing to continue");
            }
            current.append(line.substr(1));
            continue;
        }
        finish();
        if (line.empty()) {
            continue;
        }
        current = std::string(line);
        current_number = number;
    }
    finish();
    if (!open.empty()) {
        bad_line(source, open.back().second,
                 fmt::format("BEGIN:{} is never ended", open.back().first));
    }
    if (lines.empty() || lines.front().component != "VCALENDAR") {
        bad_line(source, lines.empty() ? 1 : lines.front().number,
                 "an iCalendar file starts with BEGIN:VCALENDAR");
    }
    return lines;
}

struct ComponentFree {
    void operator()(icalcomponent* c) const { ical::libical().icalcomponent_free(c); }
};

// One holiday date from the file.
struct FileHoliday {
    Holiday holiday;
    int line = 0;
};

std::int64_t day_of(const icaltimetype& t) {
    return date::sys_days{date::year{t.year} / date::month{static_cast<unsigned>(t.month)} /
                          date::day{static_cast<unsigned>(t.day)}}
        .time_since_epoch()
        .count();
}

// The local days [first, last] an event covers in the calendar's zone.
std::pair<std::int64_t, std::int64_t> covered_days(icaltimetype start, icaltimetype end,
                                                   const TimeZone& zone) {
    if (start.is_date) {
        const std::int64_t first = day_of(start);
        const std::int64_t after =
            ical::libical().icaltime_is_null_time(end) ? first + 1 : day_of(end);
        return {first, std::max(first, after - 1)};
    }
    // A timed event: the local dates of its first and last second in the calendar's zone.
    const auto local_day = [&](const icaltimetype& t, std::int64_t shift) {
        const icaltimezone* tz =
            t.zone != nullptr ? t.zone : ical::libical().icaltimezone_get_utc_timezone();
        return zone.local_day_of(
            static_cast<std::int64_t>(ical::libical().icaltime_as_timet_with_zone(t, tz)) + shift);
    };
    const std::int64_t first = local_day(start, 0);
    const std::int64_t last =
        ical::libical().icaltime_is_null_time(end) ? first : local_day(end, -1);
    return {first, std::max(first, last)};
}

// The line of the event's property `name` (or of its BEGIN:VEVENT).
int property_line(const std::vector<ContentLine>& lines, std::size_t begin, std::string_view name) {
    for (std::size_t i = begin + 1; i < lines.size() && lines[i].name != "END"; ++i) {
        if (lines[i].name == name) {
            return lines[i].number;
        }
    }
    return lines[begin].number;
}

bool plain_yearly(const icalrecurrencetype& r, const icaltimetype& start) {
    const auto only = [](const short* values, int wanted) {
        return values[0] == ICAL_RECURRENCE_ARRAY_MAX ||
               (values[0] == wanted && values[1] == ICAL_RECURRENCE_ARRAY_MAX);
    };
    return r.freq == ICAL_YEARLY_RECURRENCE && r.interval <= 1 && r.count == 0 &&
           ical::libical().icaltime_is_null_time(r.until) &&
           r.by_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
           r.by_year_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
           r.by_week_no[0] == ICAL_RECURRENCE_ARRAY_MAX &&
           r.by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX && only(r.by_month, start.month) &&
           only(r.by_month_day, start.day);
}

// Adds the holidays of one event: its days, once or every year.
void add_event(icalcomponent* ev, const std::vector<ContentLine>& lines, std::size_t begin,
               std::string_view source, const TimeZone& zone, int this_year,
               std::vector<FileHoliday>& out) {
    const int line = lines[begin].number;
    if (icalproperty* p =
            ical::libical().icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY)) {
        const std::string why = ical::libical().icalproperty_get_xlicerror(p);
        // libical names the property it could not read: "... DTSTART ...".
        int at = line;
        for (const char* name : {"DTSTART", "DTEND", "RRULE", "DURATION", "UID", "SUMMARY"}) {
            if (why.find(name) != std::string::npos) {
                at = property_line(lines, begin, name);
                break;
            }
        }
        bad_line(source, at, why);
    }
    const char* uid = ical::libical().icalcomponent_get_uid(ev);
    if (uid == nullptr || *uid == '\0') {
        bad_line(source, line, "an event without a UID (an import matches events on it)");
    }
    const char* summary = ical::libical().icalcomponent_get_summary(ev);
    const std::string name = summary != nullptr && *summary != '\0' ? summary : "(holiday)";
    const icaltimetype start = ical::libical().icalcomponent_get_dtstart(ev);
    if (ical::libical().icaltime_is_null_time(start) ||
        !ical::libical().icaltime_is_valid_time(start)) {
        bad_line(source, property_line(lines, begin, "DTSTART"),
                 "an event without a valid DTSTART");
    }
    const icaltimetype end = ical::libical().icalcomponent_get_dtend(ev);
    const auto [first, last] = covered_days(start, end, zone);
    if (last - first > 366) {
        bad_line(source, property_line(lines, begin, "DTEND"),
                 fmt::format("an event of {} days is not a holiday", last - first + 1));
    }
    const auto add_days = [&](std::int64_t from, std::int64_t to, bool yearly) {
        for (std::int64_t d = from; d <= to; ++d) {
            Holiday h{.day = d, .name = name, .uid = std::string(uid)};
            if (yearly) {
                const date::year_month_day ymd{date::sys_days{date::days{d}}};
                h = {.month = static_cast<int>(static_cast<unsigned>(ymd.month())),
                     .month_day = static_cast<int>(static_cast<unsigned>(ymd.day())),
                     .yearly = true,
                     .name = name,
                     .uid = std::string(uid)};
            }
            out.push_back({std::move(h), line});
        }
    };
    icalproperty* rule = ical::libical().icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
    if (rule == nullptr) {
        add_days(first, last, false);
        return;
    }
    const icalrecurrencetype r = ical::libical().icalproperty_get_rrule(rule);
    if (r.freq == ICAL_NO_RECURRENCE) {
        bad_line(source, property_line(lines, begin, "RRULE"), "an RRULE without FREQ");
    }
    if (plain_yearly(r, start)) {
        add_days(first, last, true);
        return;
    }
    // Any other rule: its occurrences, up to its end or k_expand_years after this year.
    icalrecur_iterator* it = ical::libical().icalrecur_iterator_new(r, start);
    if (it == nullptr) {
        bad_line(source, property_line(lines, begin, "RRULE"), "an RRULE libical cannot expand");
    }
    const std::int64_t span = last - first;
    int n = 0;
    for (icaltimetype t = ical::libical().icalrecur_iterator_next(it);
         !ical::libical().icaltime_is_null_time(t) && n < k_max_occurrences &&
         t.year <= this_year + k_expand_years;
         t = ical::libical().icalrecur_iterator_next(it), ++n) {
        const std::int64_t d = covered_days(t, ical::libical().icaltime_null_time(), zone).first;
        add_days(d, d + span, false);
    }
    ical::libical().icalrecur_iterator_free(it);
}

std::vector<FileHoliday> read_events(std::string_view text, std::string_view source,
                                     const TimeZone& zone, std::int64_t now) {
    const std::vector<ContentLine> lines = scan(text, source);
    ical::libical().icalerror_set_errors_are_fatal(0);
    const std::string copy(text);
    std::unique_ptr<icalcomponent, ComponentFree> root(
        ical::libical().icalparser_parse_string(copy.c_str()));
    if (!root || ical::libical().icalcomponent_isa(root.get()) != ICAL_VCALENDAR_COMPONENT) {
        bad_line(source, lines.front().number, "not an iCalendar VCALENDAR");
    }
    // The k-th VEVENT libical reads is the k-th BEGIN:VEVENT line.
    std::vector<std::size_t> begins;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].name == "BEGIN" && lines[i].component == "VEVENT") {
            begins.push_back(i);
        }
    }
    const int this_year = static_cast<int>(date::year_month_day{
        date::floor<date::days>(date::sys_seconds{
            std::chrono::seconds{now}})}.year());
    std::vector<FileHoliday> result;
    std::size_t k = 0;
    for (icalcomponent* ev =
             ical::libical().icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT);
         ev != nullptr && k < begins.size();
         ev = ical::libical().icalcomponent_get_next_component(root.get(), ICAL_VEVENT_COMPONENT),
                        ++k) {
        add_event(ev, lines, begins[k], source, zone, this_year, result);
    }
    return result;
}

// A TEXT value as RFC 5545 escapes it.
std::string ics_text(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '\\' || c == ';' || c == ',') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c != '\r') {
            out += c;
        }
    }
    return out;
}

// A content line folded at 75 octets, never inside a UTF-8 sequence, ended with CRLF.
void put_line(std::string& out, std::string_view line) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size();) {
        std::size_t n = 1;
        const auto c = static_cast<unsigned char>(line[i]);
        n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (width + n > 75) {
            out += "\r\n ";
            width = 1;
        }
        out.append(line.substr(i, n));
        width += n;
        i += n;
    }
    out += "\r\n";
}

std::string ics_date(std::int64_t day) {
    std::string d = format_local_date(day);
    d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
    return d;
}

} // namespace

std::string export_holidays_ics(Database& db, std::string_view name, std::int64_t now) {
    const CalendarDef def = load_calendar(db, name);
    std::string out;
    put_line(out, "BEGIN:VCALENDAR");
    put_line(out, "VERSION:2.0");
    put_line(out, "PRODID:-//svcmgr//calendar export//EN");
    put_line(out, "CALSCALE:GREGORIAN");
    put_line(out, "X-WR-CALNAME:" + ics_text(def.name));
    put_line(out, "X-WR-TIMEZONE:" + def.tz);
    std::string stamp = format_iso_utc(now); // 2026-12-07T10:00:00Z -> 20261207T100000Z
    stamp.erase(
        std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
        stamp.end());
    const auto event = [&](const std::string& uid, const std::string& summary, std::int64_t first,
                           std::int64_t last, bool yearly) {
        put_line(out, "BEGIN:VEVENT");
        put_line(out, "UID:" + uid);
        put_line(out, "DTSTAMP:" + stamp);
        put_line(out, "SUMMARY:" + ics_text(summary));
        put_line(out, "DTSTART;VALUE=DATE:" + ics_date(first));
        put_line(out, "DTEND;VALUE=DATE:" + ics_date(last + 1));
        if (yearly) {
            put_line(out, "RRULE:FREQ=YEARLY");
        }
        put_line(out, "TRANSP:TRANSPARENT");
        put_line(out, "END:VEVENT");
    };
    const auto uid_of = [&](const Holiday& h) {
        return h.uid ? *h.uid : fmt::format("{}@{}.svcmgr", format_holiday_date(h), def.name);
    };
    // Yearly holidays repeat from 2000, a leap year, so that 02-29 keeps its leap years.
    std::vector<const Holiday*> once;
    for (const auto& h : def.holidays) {
        if (h.yearly) {
            const std::int64_t day =
                date::sys_days{date::year{2000} / date::month{static_cast<unsigned>(h.month)} /
                               date::day{static_cast<unsigned>(h.month_day)}}
                    .time_since_epoch()
                    .count();
            event(uid_of(h), h.name, day, day, true);
        } else {
            once.push_back(&h);
        }
    }
    std::sort(once.begin(), once.end(),
              [](const Holiday* a, const Holiday* b) { return a->day < b->day; });
    // Consecutive days of one imported event are written as that one event again.
    for (std::size_t i = 0; i < once.size();) {
        std::size_t j = i;
        while (j + 1 < once.size() && once[i]->uid && once[j + 1]->uid == once[i]->uid &&
               once[j + 1]->name == once[i]->name && once[j + 1]->day == once[j]->day + 1) {
            ++j;
        }
        event(uid_of(*once[i]), once[i]->name, once[i]->day, once[j]->day, false);
        i = j + 1;
    }
    put_line(out, "END:VCALENDAR");
    return out;
}

IcsImport import_holidays(Database& db, std::string_view name, std::string_view text,
                          std::string_view source, const Stamp& stamp) {
    WriteTransaction tx(db);
    const CalendarDef before = load_calendar(db, name);
    const std::vector<FileHoliday> found =
        read_events(text, source, TimeZone::named(before.tz), stamp.now);
    Statement id_of(db, "SELECT id FROM calendar WHERE name = $1");
    id_of.bind(1, name).step();
    const std::int64_t id = id_of.int64(0);
    IcsImport result;
    // Idempotent on UID: the file's events replace what earlier imports of them wrote.
    std::set<std::string> uids;
    for (const auto& f : found) {
        uids.insert(*f.holiday.uid);
    }
    result.events = static_cast<std::int64_t>(uids.size());
    for (const auto& uid : uids) {
        Statement(db, "DELETE FROM calendar_holiday WHERE calendar_id = $1 AND uid = $2")
            .bind_all(id, uid)
            .run();
    }
    std::set<std::string> taken;
    Statement existing(db, "SELECT date FROM calendar_holiday WHERE calendar_id = $1");
    existing.bind(1, id);
    while (existing.step()) {
        taken.insert(existing.text(0));
    }
    Statement insert(db, "INSERT INTO calendar_holiday (calendar_id, date, name, uid) "
                         "VALUES ($1, $2, $3, $4)");
    for (const auto& f : found) {
        const std::string key = format_holiday_date(f.holiday);
        if (!taken.insert(key).second) {
            ++result.kept; // a holiday of its own, or of an earlier event in the file, stays
            continue;
        }
        insert.reset();
        insert.bind_all(id, key, f.holiday.name, f.holiday.uid).run();
        ++result.holidays;
    }
    const CalendarDef after = load_calendar(db, name);
    const Json state_before = calendar_state(before);
    const Json state_after = calendar_state(after);
    if (state_before != state_after) {
        append_audit(db, stamp, "import", "calendar", name, state_before, state_after);
    }
    tx.commit();
    return result;
}

} // namespace svcmgr
