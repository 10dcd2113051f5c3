// svcmgr report: one verb per row of the table of reports, plus `report list`; --output writes
// atomically and --fail-on turns a report into a cron alarm.

#include "commands.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/report.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace svcmgr::cli {

namespace {

ErrorKind kind_of(int error) {
    switch (error) {
    case EACCES:
    case EPERM:
    case EROFS:
        return ErrorKind::permission;
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
        return ErrorKind::no_input;
    default:
        return ErrorKind::io;
    }
}

[[noreturn]] void output_failed(const std::string& path, int error) {
    throw Error(kind_of(error),
                fmt::format("cannot write the report to '{}': {}", path, std::strerror(error)));
}

// Writes a file as a whole or not at all: a temporary file in the same directory (mode 0600),
// flushed and fsynced, then renamed over `path`. Nothing is left behind on failure.
void write_atomically(const std::string& path, const std::function<void(std::FILE*)>& write) {
    const std::filesystem::path target(path);
    if (!target.has_filename()) {
        output_failed(path, EISDIR);
    }
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) {
        output_failed(path, errno);
    }
    std::FILE* file = ::fdopen(fd, "w");
    if (file == nullptr) {
        const int error = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        output_failed(path, error);
    }
    const auto give_up = [&](int error) {
        std::fclose(file);
        ::unlink(temp.c_str());
        output_failed(path, error);
    };
    try {
        write(file);
    } catch (...) {
        std::fclose(file);
        ::unlink(temp.c_str());
        throw;
    }
    if (std::fflush(file) != 0 || std::ferror(file) != 0) {
        give_up(errno != 0 ? errno : EIO);
    }
    if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
        give_up(errno);
    }
    if (std::fclose(file) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        output_failed(path, error);
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        output_failed(path, error);
    }
    // The rename itself survives a crash once the directory is on disk.
    if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
}

struct ReportArgs {
    PeriodArgs period;
    std::string within, output;
    std::vector<std::string> fail_on;
    bool detail = false;
};

ReportOptions parse_options(const ReportArgs& a, const Context& ctx) {
    ReportOptions o;
    o.period = report_period(a.period, ctx.now(), ctx.tz());
    o.detail = a.detail;
    if (!a.within.empty()) {
        const auto d = parse_duration(a.within);
        if (!d || d->count() % 1000 != 0) {
            throw Error(ErrorKind::usage,
                        fmt::format("invalid duration '{}' for --within", a.within),
                        "a duration such as 4h, 90m or 1d");
        }
        o.within = d->count() / 1000;
    }
    return o;
}

void add_report_verb(CLI::App& report, Context& ctx, const ReportDefinition& def) {
    auto args = std::make_shared<ReportArgs>();
    auto* cmd = report.add_subcommand(std::string(def.name), std::string(def.description));
    if ((def.uses & static_cast<int>(ReportUses::period)) != 0) {
        cmd->add_option("--since", args->period.since,
                        "Period start, inclusive (2026-11-01, yesterday, 7d); default: all");
        cmd->add_option("--until", args->period.until, "Period end, exclusive; default: now");
        cmd->add_option("--month", args->period.month, "A whole local month, such as 2026-11");
    }
    if ((def.uses & static_cast<int>(ReportUses::detail)) != 0) {
        cmd->add_flag("--detail", args->detail, "List the oldest tickets instead");
    }
    if ((def.uses & static_cast<int>(ReportUses::within)) != 0) {
        cmd->add_option("--within", args->within, "Also list what falls due this soon (4h)");
    }
    cmd->add_option("--output", args->output,
                    "Write the report to FILE atomically (mode 0600) instead of stdout");
    cmd->add_option("--fail-on", args->fail_on,
                    "Exit 3 after writing when METRIC>VALUE holds (also < >= <= =)");
    std::vector<std::string> metrics;
    for (const auto& m : def.metrics) {
        metrics.push_back(m.name);
    }
    cmd->footer(fmt::format("Metrics for --fail-on: {}\nExample:\n  svcmgr report {} --output "
                            "{}.csv --format csv --fail-on '{}>0' -q",
                            fmt::join(metrics, ", "), def.name, def.name, def.metrics[0].name));
    cmd->callback(action(ctx, [args, &ctx, &def] {
        // Everything the command line can get wrong is refused before the database is opened.
        std::vector<Threshold> thresholds;
        for (const auto& expr : args->fail_on) {
            thresholds.push_back(parse_threshold(def, expr));
        }
        const ReportOptions options = parse_options(*args, ctx);
        const ReportResult result = run_report(ctx.db(), def, options, ctx.now(), ctx.tz());
        if (args->output.empty()) {
            ctx.print(result.table);
        } else {
            RenderOptions render_options = ctx.render_options();
            render_options.colour = Colour::no;
            write_atomically(args->output,
                             [&](std::FILE* f) { render(f, result.table, render_options); });
            if (!ctx.quiet()) {
                fmt::print(stderr, "report {} written to {}\n", def.name, args->output);
            }
        }
        int status = 0;
        for (const auto& t : thresholds) {
            if (const auto value = crossed(def, t, result)) {
                print_error(fmt::format("report {}: {} is {} (--fail-on '{}')", def.name, t.metric,
                                        *value, t.text));
                status = static_cast<int>(ErrorKind::threshold);
            }
        }
        return status;
    }));
}

} // namespace

void add_report_command(CLI::App& app, Context& ctx) {
    auto* report = app.add_subcommand("report", "Reports for people and for cron");
    report->footer("Example:\n  svcmgr report summary --month 2026-11\n"
                   "  svcmgr report sla --fail-on 'sla_breaches>0' -q");
    auto* list = report->add_subcommand("list", "The reports and the metrics each offers");
    list->footer("Example:\n  svcmgr report list --format tsv");
    list->callback(action(ctx, [&ctx] {
        ctx.print(list_reports());
        return 0;
    }));
    for (const auto& def : report_definitions()) {
        add_report_verb(*report, ctx, def);
    }
}

} // namespace svcmgr::cli
