// svcmgr ticket: record customer requests and follow them until the customer is satisfied.

#include "commands.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/text.hpp>
#include <svcmgr/ticket.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace svcmgr::cli {

namespace {

Priority priority_option(const std::string& value) {
    const auto p = parse_priority(value);
    if (!p) {
        throw Error(ErrorKind::usage, fmt::format("invalid priority '{}'", value),
                    fmt::format("priorities: {}", priority_names()));
    }
    return *p;
}

// Text from an option, or from standard input for "-". Text read from stdin that is not UTF-8
// (or, when `required`, is empty) is bad input data (65), not a bad argument.
std::string text_option(const std::string& value, std::string_view what, bool required) {
    std::string text = text_or_stdin(value);
    if (value == "-") {
        if (!is_valid_utf8(text)) {
            throw Error(ErrorKind::bad_data,
                        fmt::format("the {} read from standard input is not valid UTF-8", what));
        }
        if (required && trim(text).empty()) {
            throw Error(ErrorKind::bad_data,
                        fmt::format("the {} read from standard input is empty", what));
        }
    }
    return text;
}

// A customer's rating: 1 to 5, parsed strictly (no 010, 1e3 or a value that wraps).
int satisfaction_option(const std::string& value) {
    const auto n = parse_count(value);
    if (!n || !is_satisfaction(*n)) {
        throw Error(ErrorKind::usage,
                    fmt::format("invalid value '{}' for --satisfaction: expected {} to {}", value,
                                k_satisfaction_min, k_satisfaction_max),
                    "pass --no-response when the customer did not rate");
    }
    return static_cast<int>(*n);
}

std::optional<std::string> given(const CLI::Option* option, const std::string& value) {
    return option->count() > 0 ? std::optional(value) : std::nullopt;
}

void add_add(CLI::App& ticket, Context& ctx) {
    struct Args {
        std::string title, customer, email, ref, category, channel, priority, assignee, description;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = ticket.add_subcommand("add", "Record a new customer request; prints its id");
    cmd->add_option("title", args->title, "What the customer needs")->required();
    cmd->add_option("--customer", args->customer, "Customer name")->required();
    auto* email = cmd->add_option("--email", args->email, "Customer email (identifies them)");
    auto* ref = cmd->add_option("--ref", args->ref, "External reference, unique");
    auto* category = cmd->add_option("--category", args->category, "Category (default: other)");
    auto* channel = cmd->add_option("--channel", args->channel, "Channel (default: other)");
    auto* priority = cmd->add_option("--priority", args->priority, priority_names(" or "));
    auto* assignee = cmd->add_option("--assignee", args->assignee, "Who works on it");
    auto* description =
        cmd->add_option("--description", args->description, "Details; - reads standard input");
    cmd->footer("Example:\n  svcmgr ticket add 'Invoice charged twice' --customer 'Åsa Öberg' "
                "--email asa@example.se --category billing --channel phone");
    cmd->callback(action(ctx, [=, &ctx] {
        NewTicket t{
            .title = args->title,
            .customer = args->customer,
            .email = given(email, args->email),
            .ref = given(ref, args->ref),
            .category = given(category, args->category),
            .channel = given(channel, args->channel),
            .priority = priority->count() > 0 ? priority_option(args->priority) : Priority::normal,
            .assignee = given(assignee, args->assignee),
            .description = description->count() > 0
                               ? std::optional(text_option(args->description, "description", false))
                               : std::nullopt};
        const std::int64_t id = add_ticket(ctx.db(), t, ctx.stamp());
        fmt::print("{}\n", id);
        return 0;
    }));
}

void add_list(CLI::App& ticket, Context& ctx) {
    struct Args {
        std::vector<std::string> terms;
        std::string sort = "id", limit, columns;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = ticket.add_subcommand("list", "List tickets matching filter terms");
    cmd->add_option("filter", args->terms, "Terms such as status:active priority.min:high words");
    cmd->add_option("--sort", args->sort,
                    "Sort key (id, created, updated, priority, status, "
                    "customer, assignee, title, ref); - reverses");
    auto* limit = cmd->add_option("--limit", args->limit, "At most this many tickets");
    auto* columns =
        cmd->add_option("--columns", args->columns, "Comma-separated machine columns to show");
    cmd->footer("Example:\n  svcmgr ticket list status:active priority.min:high --sort -created");
    cmd->callback(action(ctx, [=, &ctx] {
        TicketQuery query{.terms = args->terms, .sort = args->sort};
        if (limit->count() > 0) {
            query.limit = parse_count_option("--limit", args->limit);
        }
        if (columns->count() > 0) {
            // An empty name (from "" or "id,,title") is refused as an unknown column.
            query.columns = CLI::detail::split(args->columns, ',');
        }
        ctx.print(list_tickets(ctx.db(), query, ctx.now(), ctx.tz()));
        return 0;
    }));
}

void add_show(CLI::App& ticket, Context& ctx) {
    auto ids = std::make_shared<std::vector<std::string>>();
    auto* cmd = ticket.add_subcommand("show", "Show tickets with every field and their history");
    cmd->add_option("id", *ids, "Ticket ids; - reads them from standard input")->required();
    cmd->footer("Example:\n  svcmgr ticket show 42");
    cmd->callback(action(ctx, [=, &ctx] {
        const bool people = ctx.render_options().format == Format::table;
        Table all;
        bool first = true;
        const int status = ctx.for_each_id(ctx.ids(*ids, "ticket"), [&](std::int64_t id) {
            auto detail = show_ticket(ctx.db(), id);
            if (!detail) {
                throw Error(ErrorKind::refused, fmt::format("no ticket with id {}", id));
            }
            if (!people) {
                all.columns = detail->ticket.columns;
                all.rows.push_back(std::move(detail->ticket.rows.front()));
                return;
            }
            if (!first) {
                std::fputs("\n", stdout);
            }
            first = false;
            ctx.print_record(detail->ticket);
            std::fputs("\nhistory\n", stdout);
            ctx.print(detail->events);
        });
        if (!people && !all.columns.empty()) {
            ctx.print(all);
        }
        return status;
    }));
}

void add_update(CLI::App& ticket, Context& ctx) {
    struct Args {
        std::vector<std::string> ids;
        std::string title, priority, category, assignee;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = ticket.add_subcommand("update", "Change the title, priority, category or assignee");
    cmd->add_option("id", args->ids, "Ticket ids; - reads them from standard input")->required();
    auto* title = cmd->add_option("--title", args->title, "New title");
    auto* priority = cmd->add_option("--priority", args->priority, priority_names(" or "));
    auto* category = cmd->add_option("--category", args->category, "New category");
    auto* assignee = cmd->add_option("--assignee", args->assignee, "New assignee ('' unassigns)");
    cmd->footer("Example:\n  svcmgr ticket update 42 --priority high --assignee jüri");
    cmd->callback(action(ctx, [=, &ctx] {
        TicketChanges changes{.title = given(title, args->title),
                              .priority = priority->count() > 0
                                              ? std::optional(priority_option(args->priority))
                                              : std::nullopt,
                              .category = given(category, args->category),
                              .assignee = given(assignee, args->assignee)};
        if (!changes.title && !changes.priority && !changes.category && !changes.assignee) {
            throw Error(ErrorKind::usage, "nothing to update",
                        "pass --title, --priority, --category or --assignee");
        }
        return ctx.for_each_id(ctx.ids(args->ids, "ticket"), [&](std::int64_t id) {
            update_ticket(ctx.db(), id, changes, ctx.stamp());
        });
    }));
}

void add_comment(CLI::App& ticket, Context& ctx) {
    struct Args {
        std::string id, message, minutes;
        bool reply = false, inbound = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = ticket.add_subcommand("comment", "Add a note, a reply to the customer, or a "
                                                 "message from them");
    cmd->add_option("id", args->id, "Ticket id")->required();
    cmd->add_option("--message,-m", args->message, "The text; - reads standard input")->required();
    auto* reply = cmd->add_flag("--reply", args->reply, "A response to the customer");
    auto* inbound = cmd->add_flag("--inbound", args->inbound, "A message from the customer");
    reply->excludes(inbound);
    auto* minutes = cmd->add_option("--minutes", args->minutes, "Minutes of work to record");
    cmd->footer("Example:\n  svcmgr ticket comment 42 --reply -m 'Refund sent today' --minutes 10");
    cmd->callback(action(ctx, [=, &ctx] {
        const auto ids = ctx.ids({args->id}, "ticket");
        Comment comment{
            .body = text_option(args->message, "message", true),
            .kind = args->reply     ? CommentKind::reply
                    : args->inbound ? CommentKind::inbound
                                    : CommentKind::note,
            .minutes = minutes->count() > 0 ? parse_count_option("--minutes", args->minutes) : 0};
        return ctx.for_each_id(
            ids, [&](std::int64_t id) { comment_ticket(ctx.db(), id, comment, ctx.stamp()); });
    }));
}

// A lifecycle verb over several ids.
// `check` validates the verb's options once, before any id is read or ticket touched.
CLI::App* add_verb(CLI::App& ticket, Context& ctx, const char* name, const char* help,
                   const char* example, std::shared_ptr<std::vector<std::string>> ids,
                   std::function<void(std::int64_t)> apply, std::function<void()> check = {}) {
    auto* cmd = ticket.add_subcommand(name, help);
    cmd->add_option("id", *ids, "Ticket ids; - reads them from standard input")->required();
    cmd->footer(fmt::format("Example:\n  {}", example));
    cmd->callback(action(ctx, [ids, apply, check, &ctx] {
        if (check) {
            check();
        }
        return ctx.for_each_id(ctx.ids(*ids, "ticket"), apply);
    }));
    return cmd;
}

void add_lifecycle(CLI::App& ticket, Context& ctx) {
    add_verb(ticket, ctx, "start", "Start work on tickets", "svcmgr ticket start 42",
             std::make_shared<std::vector<std::string>>(),
             [&ctx](std::int64_t id) { start_ticket(ctx.db(), id, ctx.stamp()); });

    auto wait_for = std::make_shared<std::string>();
    auto* wait = add_verb(
        ticket, ctx, "wait", "Wait for the customer or for parts",
        "svcmgr ticket wait 42 --for customer", std::make_shared<std::vector<std::string>>(),
        [&ctx, wait_for](std::int64_t id) {
            wait_ticket(ctx.db(), id,
                        *wait_for == "parts" ? Status::waiting_parts : Status::waiting_customer,
                        ctx.stamp());
        });
    wait->add_option("--for", *wait_for, "customer or parts")
        ->required()
        ->check(CLI::IsMember({"customer", "parts"}));

    struct Resolve {
        std::string cause;
        bool preventable = false, not_preventable = false;
    };
    auto resolve_args = std::make_shared<Resolve>();
    auto* resolve = add_verb(
        ticket, ctx, "resolve", "Mark tickets resolved, with the cause",
        "svcmgr ticket resolve 42 --cause billing-double-charge --preventable",
        std::make_shared<std::vector<std::string>>(), [&ctx, resolve_args](std::int64_t id) {
            Resolution r{.cause = resolve_args->cause.empty() ? std::nullopt
                                                              : std::optional(resolve_args->cause)};
            if (resolve_args->preventable) {
                r.preventable = Preventable::yes;
            } else if (resolve_args->not_preventable) {
                r.preventable = Preventable::no;
            }
            resolve_ticket(ctx.db(), id, r, ctx.stamp());
        });
    resolve->add_option("--cause", resolve_args->cause, "Root cause code");
    auto* yes = resolve->add_flag("--preventable", resolve_args->preventable,
                                  "Our own error caused the contact");
    auto* no = resolve->add_flag("--not-preventable", resolve_args->not_preventable,
                                 "The contact could not have been avoided");
    yes->excludes(no);

    struct Close {
        std::string satisfaction;
        bool no_response = false;
        const CLI::Option* rating = nullptr;
        bool given() const { return rating != nullptr && rating->count() > 0; }
    };
    auto close_args = std::make_shared<Close>();
    auto* close = add_verb(
        ticket, ctx, "close", "Close resolved tickets with the customer's rating",
        "svcmgr ticket close 42 --satisfaction 5", std::make_shared<std::vector<std::string>>(),
        [&ctx, close_args](std::int64_t id) {
            const Satisfaction rating =
                close_args->no_response
                    ? Satisfaction{}
                    : Satisfaction{satisfaction_option(close_args->satisfaction)};
            close_ticket(ctx.db(), id, rating, ctx.stamp());
        },
        [close_args] {
            if (!close_args->no_response && !close_args->given()) {
                throw Error(ErrorKind::usage, "close needs --satisfaction 1-5 or --no-response");
            }
            if (!close_args->no_response) {
                satisfaction_option(close_args->satisfaction);
            }
        });
    auto* rating = close->add_option("--satisfaction", close_args->satisfaction,
                                     "The customer's rating, 1 to 5");
    close_args->rating = rating;
    auto* none =
        close->add_flag("--no-response", close_args->no_response, "The customer did not rate");
    rating->excludes(none);

    add_verb(ticket, ctx, "reopen", "Reopen resolved or closed tickets", "svcmgr ticket reopen 42",
             std::make_shared<std::vector<std::string>>(),
             [&ctx](std::int64_t id) { reopen_ticket(ctx.db(), id, ctx.stamp()); });
}

void add_need(CLI::App& ticket, Context& ctx) {
    struct Args {
        std::string id, sku, qty = "1";
    };
    auto args = std::make_shared<Args>();
    auto* cmd = ticket.add_subcommand("need", "Record that a repair needs a part: reserved when "
                                              "in stock, else the ticket waits for parts");
    cmd->add_option("id", args->id, "Ticket id")->required();
    cmd->add_option("sku", args->sku, "The part's SKU")->required();
    cmd->add_option("qty", args->qty, "How many (default 1)");
    cmd->footer("Example:\n  svcmgr ticket need 42 00123 2");
    cmd->callback(action(ctx, [args, &ctx] {
        const auto id = ctx.ids({args->id}, "ticket").front();
        const auto qty = parse_count(args->qty);
        if (!qty || *qty == 0) {
            throw Error(ErrorKind::usage, fmt::format("invalid quantity '{}': expected a whole "
                                                      "number above 0",
                                                      args->qty));
        }
        const NeedOutcome outcome = need_part(ctx.db(), id, args->sku, *qty, ctx.stamp());
        if (!ctx.quiet()) {
            fmt::print(
                stderr, "{}\n",
                outcome == NeedOutcome::reserved
                    ? fmt::format("reserved {} x {} for ticket {}", *qty, args->sku, id)
                    : fmt::format("{} is out of stock: ticket {} waits for parts", args->sku, id));
        }
        return 0;
    }));
}

} // namespace

void add_ticket_command(CLI::App& app, Context& ctx) {
    auto* ticket = app.add_subcommand("ticket", "Customer requests, from first contact to "
                                                "satisfaction");
    add_add(*ticket, ctx);
    add_list(*ticket, ctx);
    add_show(*ticket, ctx);
    add_update(*ticket, ctx);
    add_comment(*ticket, ctx);
    add_lifecycle(*ticket, ctx);
    add_need(*ticket, ctx);
    add_exchange_verbs(*ticket, ctx, Dataset::tickets,
                       {.export_summary = "Write every ticket with every machine column",
                        .import_summary = "Add (or with --update change) tickets from a file",
                        .export_examples = "  svcmgr ticket export > tickets.csv\n"
                                           "  svcmgr ticket export --format jsonl --columns "
                                           "id,status,title",
                        .import_examples = "  svcmgr ticket import --dry-run tickets.csv\n"
                                           "  svcmgr ticket import tickets.csv"});
    auto* events = ticket->add_subcommand("events", "The history of every ticket, for export "
                                                    "and import");
    events->footer("Example:\n  svcmgr ticket events export > events.csv");
    add_exchange_verbs(*events, ctx, Dataset::events,
                       {.export_summary = "Write every ticket event (comment, reply, change)",
                        .import_summary = "Add ticket events from a file",
                        .export_examples = "  svcmgr ticket events export > events.csv",
                        .import_examples = "  svcmgr ticket events import events.csv",
                        .updatable = false});
}

} // namespace svcmgr::cli
