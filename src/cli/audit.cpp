// svcmgr audit: who changed what and when, and proof that nobody rewrote it.

#include "commands.hpp"

#include <svcmgr/audit.hpp>
#include <svcmgr/error.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <unistd.h>

namespace svcmgr::cli {

namespace {

void add_log(CLI::App& audit, Context& ctx) {
    struct Args {
        std::string entity, actor, action, since;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = audit.add_subcommand("log", "List audit records, oldest first");
    cmd->add_option("--entity", args->entity,
                    "Only this entity: ticket:42, customer:7, "
                    "part:SKU, setting:hourly_cost");
    cmd->add_option("--actor", args->actor, "Only changes by this actor");
    cmd->add_option("--action", args->action, "Only this action (create, update, close, ...)");
    cmd->add_option("--since", args->since, "Only changes at or after this time (2026-11-01, 7d)");
    cmd->footer("Example:\n  svcmgr audit log --entity ticket:42 --format jsonl");
    cmd->callback(action(ctx, [args, &ctx] {
        AuditQuery query;
        if (!args->entity.empty()) {
            query.entity = args->entity;
        }
        if (!args->actor.empty()) {
            query.actor = args->actor;
        }
        if (!args->action.empty()) {
            query.action = args->action;
        }
        if (!args->since.empty()) {
            query.since = parse_time_point(args->since, ctx.now(), ctx.tz());
            if (!query.since) {
                throw Error(ErrorKind::usage,
                            fmt::format("invalid time '{}' for --since", args->since),
                            "a date (2026-11-01), today, yesterday or an age such as 7d");
            }
        }
        ctx.print(audit_log(ctx.db(), query));
        return 0;
    }));
}

void add_head(CLI::App& audit, Context& ctx) {
    auto* cmd = audit.add_subcommand("head", "Print the newest audit record as SEQ HASH");
    cmd->footer("Example:\n  svcmgr audit head > last-night.head");
    cmd->callback(action(ctx, [&ctx] {
        const auto head = audit_head(ctx.db());
        if (!head) {
            throw Error(ErrorKind::refused, "the audit trail is empty");
        }
        fmt::print("{} {}\n", head->seq, head->hash);
        return 0;
    }));
}

void add_verify(CLI::App& audit, Context& ctx) {
    auto expect = std::make_shared<std::string>();
    auto* cmd = audit.add_subcommand("verify", "Recompute the hash chain and compare every row "
                                               "with its audit record");
    cmd->add_option("--expect-head", *expect, "Fail unless row SEQ still has HASH (SEQ:HASH)");
    cmd->footer(
        "Example:\n  svcmgr audit verify --expect-head \"$(svcmgr audit head | tr ' ' :)\"");
    cmd->callback(action(ctx, [expect, &ctx] {
        VerifyOptions options;
        if (!expect->empty()) {
            options.expect_head = parse_audit_head(*expect);
            if (!options.expect_head) {
                throw Error(ErrorKind::usage,
                            fmt::format("invalid --expect-head '{}': expected SEQ:HASH", *expect));
            }
        }
        if (::isatty(STDERR_FILENO) != 0) {
            options.progress = [](std::int64_t done, std::int64_t total) {
                fmt::print(stderr, "\rverifying audit rows: {}/{}", done, total);
                if (done == total) {
                    fmt::print(stderr, "\n");
                }
            };
        }
        const VerifyReport report = verify_audit(ctx.db(), options);
        for (const auto& problem : report.problems) {
            fmt::print("{}\n", problem);
        }
        if (!report.problems.empty()) {
            throw Error(ErrorKind::integrity, fmt::format("audit verification failed: {} problem{}",
                                                          report.problems.size(),
                                                          report.problems.size() == 1 ? "" : "s"));
        }
        if (!ctx.quiet()) {
            fmt::print(stderr, "ok: {} audit rows, {} records match\n", report.rows,
                       report.entities);
        }
        return 0;
    }));
}

} // namespace

void add_audit_command(CLI::App& app, Context& ctx) {
    auto* audit = app.add_subcommand("audit", "The tamper-evident record of every change");
    audit->footer("Example:\n  svcmgr audit verify");
    add_log(*audit, ctx);
    add_head(*audit, ctx);
    add_verify(*audit, ctx);
}

} // namespace svcmgr::cli
