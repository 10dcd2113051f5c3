// svcmgr calendar: working calendars (business hours in a time zone, and holidays) that the SLA
// clocks count on.

#include "commands.hpp"

#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace svcmgr::cli {

namespace {

struct CalendarArgs {
    std::string name;
    std::string tz;
    std::string hours;
    std::string from;
    std::string date;
    std::string yearly;
    std::string holiday_name;
    int days = 7;
};

// A local date argument ("2026-12-21", "today"), as days since 1970-01-01.
std::int64_t local_date_arg(const Context& ctx, const std::string& value, std::string_view what) {
    if (value.empty() || value == "today") {
        return ctx.tz().local_day_of(ctx.now());
    }
    const auto day = parse_local_date(value);
    if (!day) {
        throw Error(ErrorKind::usage, fmt::format("invalid {} '{}'", what, value),
                    "give a date as YYYY-MM-DD, or today");
    }
    return *day;
}

Holiday holiday_arg(const CalendarArgs& a) {
    if (!a.yearly.empty() == !a.date.empty()) {
        throw Error(ErrorKind::usage, "give the holiday's date, or --yearly MM-DD, not both",
                    "svcmgr calendar holiday add office 2026-12-24 --name 'Christmas Eve'");
    }
    const bool yearly = !a.yearly.empty();
    auto h = parse_holiday_date(yearly ? a.yearly : a.date);
    if (!h || h->yearly != yearly) {
        throw Error(ErrorKind::usage,
                    yearly ? fmt::format("invalid yearly date '{}'", a.yearly)
                           : fmt::format("invalid holiday date '{}'", a.date),
                    yearly ? "give it as MM-DD, such as 12-24"
                           : "give it as YYYY-MM-DD, or --yearly MM-DD");
    }
    h->name = a.holiday_name;
    return *h;
}

} // namespace

void add_calendar_command(CLI::App& app, Context& ctx) {
    auto* calendar = app.add_subcommand("calendar", "Working calendars for the SLA clocks");
    calendar->footer("Example:\n  svcmgr calendar add office --tz Europe/Stockholm --hours "
                     "'mon-fri 08:00-17:00'");
    auto a = std::make_shared<CalendarArgs>();

    auto* add = calendar->add_subcommand("add", "Add a calendar with its weekly hours");
    add->add_option("name", a->name, "Calendar name (lowercase)")->required();
    add->add_option("--tz", a->tz, "IANA time zone (default: TZ, else the system's)");
    add->add_option("--hours", a->hours, "Weekly hours, 'mon-fri 08:00-12:00,13:00-17:00'")
        ->required();
    add->footer("Example:\n  svcmgr calendar add office --tz Europe/Stockholm "
                "--hours 'mon-fri 08:00-12:00,13:00-17:00'");
    add->callback(action(ctx, [a, &ctx] {
        const WeeklyHours hours = parse_hours(a->hours);
        const Stamp stamp = ctx.stamp();
        add_calendar(ctx.db(), a->name, a->tz.empty() ? default_zone_name() : a->tz, hours, stamp);
        return 0;
    }));

    auto* list = calendar->add_subcommand("list", "List the calendars with today's hours");
    list->footer("Example:\n  svcmgr calendar list");
    list->callback(action(ctx, [&ctx] {
        ctx.print(list_calendars(ctx.db(), ctx.now()));
        return 0;
    }));

    auto* show = calendar->add_subcommand("show", "Print the business periods of some days");
    show->add_option("name", a->name, "Calendar name")->required();
    show->add_option("--from", a->from, "First local date (default: today)");
    show->add_option("--days", a->days, "How many days (1 to 366, default 7)")
        ->check(CLI::Range(1, 366));
    show->footer("Example:\n  svcmgr calendar show office --from 2026-12-21 --days 14");
    show->callback(action(ctx, [a, &ctx] {
        const std::int64_t from = local_date_arg(ctx, a->from, "--from date");
        ctx.print(calendar_periods(ctx.db(), a->name, from, a->days));
        return 0;
    }));

    auto* hours = calendar->add_subcommand("hours", "Change the weekly hours from a date on");
    hours->add_option("name", a->name, "Calendar name")->required();
    hours->add_option("--hours", a->hours, "Weekly hours, 'mon-fri 08:00-16:00'")->required();
    hours->add_option("--from", a->from, "First local date of the new hours (default: today)");
    hours->footer("Example:\n  svcmgr calendar hours office --hours 'mon-fri 08:00-16:00' "
                  "--from 2027-06-01");
    hours->callback(action(ctx, [a, &ctx] {
        const WeeklyHours weekly = parse_hours(a->hours);
        const std::int64_t from = local_date_arg(ctx, a->from, "--from date");
        const Stamp stamp = ctx.stamp();
        set_calendar_hours(ctx.db(), a->name, weekly, from, stamp);
        return 0;
    }));

    auto* holiday = calendar->add_subcommand("holiday", "A calendar's holidays");
    holiday->require_subcommand(1);
    holiday->footer("Example:\n  svcmgr calendar holiday add office --yearly 12-24 "
                    "--name 'Christmas Eve'");

    auto* holiday_add = holiday->add_subcommand("add", "Add a holiday, once or every year");
    holiday_add->add_option("name", a->name, "Calendar name")->required();
    holiday_add->add_option("date", a->date, "The date, YYYY-MM-DD");
    holiday_add->add_option("--yearly", a->yearly, "Every year on MM-DD instead");
    holiday_add->add_option("--name", a->holiday_name, "What the day is called")->required();
    holiday_add->footer("Example:\n  svcmgr calendar holiday add office --yearly 12-24 "
                        "--name Julafton");
    holiday_add->callback(action(ctx, [a, &ctx] {
        const Holiday h = holiday_arg(*a);
        const Stamp stamp = ctx.stamp();
        add_holiday(ctx.db(), a->name, h, stamp);
        return 0;
    }));

    auto* holiday_remove = holiday->add_subcommand("remove", "Remove a holiday");
    holiday_remove->add_option("name", a->name, "Calendar name")->required();
    holiday_remove->add_option("date", a->date, "Its date: YYYY-MM-DD, or MM-DD for a yearly one")
        ->required();
    holiday_remove->footer("Example:\n  svcmgr calendar holiday remove office 12-24");
    holiday_remove->callback(action(ctx, [a, &ctx] {
        const Stamp stamp = ctx.stamp();
        remove_holiday(ctx.db(), a->name, a->date, stamp);
        return 0;
    }));

    auto file = std::make_shared<std::string>();
    auto* holiday_import =
        holiday->add_subcommand("import", "Add the holidays of an iCalendar (.ics) file");
    holiday_import->add_option("name", a->name, "Calendar name")->required();
    holiday_import->add_option("file", *file, "The .ics file, or - for standard input")->required();
    holiday_import->footer("Example:\n  svcmgr calendar holiday import office sweden-2027.ics");
    holiday_import->callback(action(ctx, [a, file, &ctx] {
        InputFile input(*file);
        const std::string text = input.read_all();
        const Stamp stamp = ctx.stamp();
        const IcsImport r =
            import_holidays(ctx.db(), a->name, text, *file == "-" ? "<stdin>" : *file, stamp);
        if (!ctx.quiet()) {
            fmt::print(stderr, "imported {} holidays from {} events of {}{}\n", r.holidays,
                       r.events, *file == "-" ? "standard input" : *file,
                       r.kept > 0 ? fmt::format(" ({} dates kept the holiday they had)", r.kept)
                                  : "");
        }
        return 0;
    }));

    auto* holiday_list = holiday->add_subcommand("list", "List a calendar's holidays");
    holiday_list->add_option("name", a->name, "Calendar name")->required();
    holiday_list->footer("Example:\n  svcmgr calendar holiday list office --format csv");
    holiday_list->callback(action(ctx, [a, &ctx] {
        ctx.print(list_holidays(ctx.db(), a->name));
        return 0;
    }));

    auto* export_ = calendar->add_subcommand("export", "Write the holidays as an iCalendar file");
    export_->add_option("name", a->name, "Calendar name")->required();
    export_->footer("Example:\n  svcmgr calendar export office > office-holidays.ics");
    export_->callback(action(ctx, [a, &ctx] {
        const std::string text = export_holidays_ics(ctx.db(), a->name, ctx.now());
        std::fwrite(text.data(), 1, text.size(), stdout);
        return 0;
    }));

    auto* remove = calendar->add_subcommand("remove", "Remove a calendar no setting uses");
    remove->add_option("name", a->name, "Calendar name")->required();
    remove->footer("Example:\n  svcmgr calendar remove office");
    remove->callback(action(ctx, [a, &ctx] {
        const Stamp stamp = ctx.stamp();
        remove_calendar(ctx.db(), a->name, stamp);
        return 0;
    }));
}

} // namespace svcmgr::cli
