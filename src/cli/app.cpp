// The command line around the commands: global options before or after the subcommand, a
// missing verb named, a mistyped name answered with "did you mean", CLI11's messages in
// svcmgr's form, and stdout flushed before the exit.

#include "app.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/text.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace svcmgr::cli {

std::function<void()> action(Context& ctx, std::function<int()> body) {
    return [&ctx, body = std::move(body)] {
        ctx.resolve();
        ctx.ran = true;
        ctx.exit_status = body();
    };
}

namespace {

// A global option given with an empty value is refused rather than taken as "not given": a
// script's `--db "$UNSET"` must not quietly fall back to the default database.
const CLI::Validator k_non_empty(
    [](const std::string& value) { return value.empty() ? "may not be empty" : std::string(); }, "",
    "non-empty");

void add_global_options(CLI::App& app, GlobalFlags& flags) {
    app.add_option("--db", flags.db,
                   "Database file, or postgresql:// URI or service=NAME (env SVCMGR_DB)")
        ->check(k_non_empty)
        ->group("Global options");
    app.add_option_function<std::string>(
           "--actor",
           [&flags](const std::string& a) {
               flags.actor = a;
               flags.actor_given = true;
           },
           "Who makes the change (env SVCMGR_ACTOR, else the login name)")
        ->group("Global options");
    app.add_option("--format", flags.format,
                   fmt::format("{} (env SVCMGR_FORMAT; default table)", format_names(" or ")))
        ->check(k_non_empty)
        ->group("Global options");
    app.add_option("--color,--colour", flags.colour, "auto, always or never (NO_COLOR, TERM=dumb)")
        ->check(k_non_empty)
        ->group("Global options");
    app.add_option("--busy-timeout", flags.busy_timeout,
                   "How long to wait for another writer (env SVCMGR_BUSY_TIMEOUT; default 5s)")
        ->check(k_non_empty)
        ->group("Global options");
    app.add_flag("-q,--quiet", flags.quiet, "Print nothing but data and errors")
        ->group("Global options");
}

// Lets global options follow the subcommand at any depth.
void allow_trailing_globals(CLI::App& app) {
    for (auto* sub : app.get_subcommands({})) {
        sub->fallthrough();
        allow_trailing_globals(*sub);
    }
}

// The deepest command given that needs a verb and got none, if any.
const CLI::App* missing_verb(const CLI::App& app) {
    const auto given = app.get_subcommands();
    if (!given.empty()) {
        return missing_verb(*given.front());
    }
    return app.get_subcommands({}).empty() ? nullptr : &app;
}

// The commands or verbs under `app` that --help lists: hidden ones (complete) are not offered.
std::vector<std::string> visible_subcommands(const CLI::App& app) {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({})) {
        if (!sub->get_group().empty()) {
            names.push_back(sub->get_name());
        }
    }
    return names;
}

// The deepest command the parser entered.
const CLI::App& deepest(const CLI::App& app) {
    const auto given = app.get_subcommands();
    return given.empty() ? app : deepest(*given.front());
}

std::string command_path(const CLI::App& app) {
    return app.get_parent() == nullptr ? app.get_name()
                                       : command_path(*app.get_parent()) + " " + app.get_name();
}

// Option names valid at `app`: its own and those of the commands above it.
std::vector<std::string> option_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
        for (const CLI::Option* opt : a->get_options()) {
            for (const auto& l : opt->get_lnames()) {
                names.push_back("--" + l);
            }
        }
    }
    return names;
}

// The error for an argument the parser did not expect (after CLI::ExtrasError): an unknown
// command, verb or option, with "did you mean" when one is close, or a stray argument.
Error unexpected_argument(const CLI::App& app) {
    const CLI::App& at = deepest(app);
    const auto extras = app.remaining(true);
    const std::string typed = extras.empty() ? "" : extras.front();
    const std::string where = command_path(at);
    if (typed.size() > 1 && typed.front() == '-') {
        const std::string name = typed.substr(0, typed.find('='));
        const auto match = closest_name(name, option_names(at));
        return {ErrorKind::usage, fmt::format("unknown option '{}'", name),
                match ? fmt::format("did you mean '{}'?", *match)
                      : fmt::format("see {} --help", where)};
    }
    const auto subs = visible_subcommands(at);
    if (subs.empty()) {
        return {ErrorKind::usage, fmt::format("unexpected argument '{}'", typed),
                fmt::format("see {} --help", where)};
    }
    const bool top = at.get_parent() == nullptr;
    const auto match = closest_name(typed, subs);
    return {ErrorKind::usage,
            top ? fmt::format("unknown command '{}'", typed)
                : fmt::format("unknown {} verb '{}'", at.get_name(), typed),
            match ? fmt::format("did you mean '{}'?", *match)
                  : fmt::format("{}: {}", top ? "commands" : "verbs", fmt::join(subs, ", "))};
}

// CLI11 starts some messages with a capital ("The following argument was not expected: x").
std::string lowercase_first(std::string message) {
    if (!message.empty() && message.front() >= 'A' && message.front() <= 'Z') {
        message.front() = static_cast<char>(message.front() - 'A' + 'a');
    }
    return message;
}

// Flushes stdout; a write error (disk full, closed pipe) is exit 74.
int finish_output(int status) {
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
        print_error(fmt::format("write error: {}", std::strerror(errno != 0 ? errno : EIO)));
        return static_cast<int>(ErrorKind::io);
    }
    return status;
}

} // namespace

int run_app(int argc, char** argv, std::span<const CommandAdder> commands) {
    for (int i = 1; i < argc; ++i) {
        if (!is_valid_utf8(argv[i])) {
            print_error(fmt::format("argument {} is not valid UTF-8", i));
            return static_cast<int>(ErrorKind::usage);
        }
    }

    CLI::App app{"svcmgr: service management from the shell", "svcmgr"};
    app.set_version_flag("--version", "svcmgr " SVCMGR_VERSION);
    app.footer("Run 'svcmgr COMMAND --help' for a command's verbs, 'man svcmgr' for the whole "
               "story.\nExample:\n  svcmgr ticket list status:active");
    Context ctx;
    add_global_options(app, ctx.flags);
    for (const CommandAdder add : commands) {
        add(app, ctx);
    }
    allow_trailing_globals(app);

    try {
        app.parse(argc, argv);
        if (!ctx.ran) {
            if (const CLI::App* parent = missing_verb(app)) {
                const bool top = parent == &app;
                throw Error(ErrorKind::usage,
                            top ? "a command is required"
                                : fmt::format("{} needs a verb", parent->get_name()),
                            fmt::format("{}: {}", top ? "commands" : "verbs",
                                        fmt::join(visible_subcommands(*parent), ", ")));
            }
        }
        return finish_output(ctx.exit_status);
    } catch (const CLI::ExtrasError&) {
        const Error e = unexpected_argument(app);
        print_error(e.what(), e.hint());
        return static_cast<int>(ErrorKind::usage);
    } catch (const CLI::CallForHelp&) {
        return finish_output(app.exit(CLI::CallForHelp()));
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            return finish_output(app.exit(e));
        }
        print_error(lowercase_first(e.what()), "see svcmgr --help");
        return static_cast<int>(ErrorKind::usage);
    } catch (const Error& e) {
        print_error(e.what(), e.hint());
        return finish_output(static_cast<int>(e.kind()));
    }
}

} // namespace svcmgr::cli
