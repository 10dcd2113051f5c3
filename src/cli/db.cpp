// svcmgr db: checking and copying the database itself.

#include "commands.hpp"
#include "progress.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/maintenance.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace svcmgr::cli {

void add_db_command(CLI::App& app, Context& ctx) {
    auto* db = app.add_subcommand("db", "Check, back up or copy the database");
    db->footer("Example:\n  svcmgr db check");

    auto* check = db->add_subcommand("check", "Check integrity, foreign keys and ticket "
                                              "invariants");
    check->footer("Example:\n  svcmgr db check || mail -s 'svcmgr db check failed' lead");
    check->callback(action(ctx, [&ctx] {
        const auto problems = check_database(ctx.db());
        for (const auto& problem : problems) {
            fmt::print("{}\n", problem);
        }
        if (!problems.empty()) {
            throw Error(ErrorKind::integrity,
                        fmt::format("database check failed: {} problem{}", problems.size(),
                                    problems.size() == 1 ? "" : "s"));
        }
        if (!ctx.quiet()) {
            fmt::print(stderr, "ok\n");
        }
        return 0;
    }));

    auto file = std::make_shared<std::string>();
    auto* backup = db->add_subcommand("backup", "Write a consistent copy of the database");
    backup->add_option("file", *file, "The new file (must not exist)")->required();
    backup->footer("Example:\n  svcmgr db backup ~/backups/svcmgr-$(date +%F).db");
    backup->callback(action(ctx, [file, &ctx] {
        backup_database(ctx.db(), *file);
        return 0;
    }));

    auto to = std::make_shared<std::string>();
    auto* copy = db->add_subcommand("copy", "Copy the whole database into a new or empty one, "
                                            "SQLite or PostgreSQL");
    copy->add_option("--to", *to,
                     "The target: a new file, or an empty PostgreSQL database "
                     "(postgresql://HOST/DB, service=NAME)")
        ->required();
    copy->footer("Example:\n"
                 "  svcmgr db copy --to postgresql://db.example/support   # laptop to server\n"
                 "  svcmgr --db service=support db copy --to ~/support.db  # and back");
    copy->callback(action(ctx, [to, &ctx] {
        // A --to that can never work is refused before the source is opened.
        classify_database(*to);
        Progress progress("copied");
        const CopyOptions options{
            .open = {.busy_timeout = ctx.busy_timeout()},
            .progress = [&progress](std::int64_t rows) { progress.set(rows); }};
        const CopyResult result = copy_database(ctx.db(), *to, options);
        progress.done();
        if (!ctx.quiet()) {
            fmt::print(stderr, "copied {} row{} to {}{}\n", result.rows,
                       result.rows == 1 ? "" : "s", redact_database(*to),
                       result.head
                           ? fmt::format(", audit head {}:{}", result.head->seq, result.head->hash)
                           : "");
        }
        return 0;
    }));
}

} // namespace svcmgr::cli
