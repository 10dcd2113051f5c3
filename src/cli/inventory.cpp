// svcmgr inventory: repair parts, their ledger, and the orders that refill them.

#include "commands.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace svcmgr::cli {

namespace {

struct FieldArgs {
    std::string name, location, supplier, unit_cost, reorder_point, order_rule, reorder_qty,
        max_qty, min_order, pack, lead_time, holding_rate;
};

void add_field_options(CLI::App& cmd, FieldArgs& a) {
    cmd.add_option("--name", a.name, "What the part is");
    cmd.add_option("--location", a.location, "Where it is kept");
    cmd.add_option("--supplier", a.supplier, "Who supplies it");
    cmd.add_option("--unit-cost", a.unit_cost, "Cost of one, such as 12.50");
    cmd.add_option("--reorder-point", a.reorder_point, "Reorder at or below this position");
    cmd.add_option("--order-rule", a.order_rule, "fixed, up-to-max or eoq")
        ->check(CLI::IsMember({"fixed", "up-to-max", "eoq"}));
    cmd.add_option("--reorder-qty", a.reorder_qty, "Quantity a fixed order buys");
    cmd.add_option("--max", a.max_qty, "Stock an up-to-max order fills to");
    cmd.add_option("--min-order", a.min_order, "The supplier's minimum order");
    cmd.add_option("--pack", a.pack, "Units per pack; orders are whole packs");
    cmd.add_option("--lead-time", a.lead_time, "Days from order to delivery, such as 5d");
    cmd.add_option("--holding-rate", a.holding_rate, "Yearly cost of holding, such as 25%");
}

std::optional<std::int64_t> count_or_none(std::string_view option, const std::string& value) {
    if (value.empty()) {
        return std::nullopt;
    }
    return parse_count_option(option, value);
}

PartFields parse_fields(const FieldArgs& a) {
    PartFields f;
    const auto text = [](const std::string& s) {
        return s.empty() ? std::nullopt : std::optional<std::string>(s);
    };
    f.name = text(a.name);
    f.location = text(a.location);
    f.supplier = text(a.supplier);
    if (!a.unit_cost.empty()) {
        f.unit_cost = parse_money(a.unit_cost);
        if (!f.unit_cost) {
            throw Error(ErrorKind::usage,
                        fmt::format("invalid value '{}' for --unit-cost: expected an amount such "
                                    "as 12, 12.5 or 12.50",
                                    a.unit_cost));
        }
    }
    f.reorder_point = count_or_none("--reorder-point", a.reorder_point);
    if (!a.order_rule.empty()) {
        f.order_rule = parse_order_rule(a.order_rule);
    }
    f.reorder_qty = count_or_none("--reorder-qty", a.reorder_qty);
    f.max_qty = count_or_none("--max", a.max_qty);
    f.min_order = count_or_none("--min-order", a.min_order);
    f.pack_size = count_or_none("--pack", a.pack);
    if (!a.lead_time.empty()) {
        const auto d = parse_duration(a.lead_time);
        if (!d || d->count() % 86'400'000 != 0) {
            throw Error(ErrorKind::usage,
                        fmt::format("invalid value '{}' for --lead-time: expected whole days "
                                    "such as 5d or 2w",
                                    a.lead_time));
        }
        f.lead_time_days = d->count() / 86'400'000;
    }
    if (!a.holding_rate.empty()) {
        f.holding_rate = parse_percent(a.holding_rate);
        if (!f.holding_rate) {
            throw Error(ErrorKind::usage,
                        fmt::format("invalid value '{}' for --holding-rate: expected a "
                                    "percentage from 0 to 100 such as 25%",
                                    a.holding_rate));
        }
    }
    return f;
}

std::int64_t quantity(const std::string& value) {
    const auto n = parse_count(value);
    if (!n || *n == 0) {
        throw Error(ErrorKind::usage, fmt::format("invalid quantity '{}': expected a whole "
                                                  "number above 0",
                                                  value));
    }
    return *n;
}

std::int64_t ticket_option(const std::string& value) {
    const auto n = parse_count(value);
    if (!n || *n == 0) {
        throw Error(ErrorKind::usage, fmt::format("invalid ticket id '{}'", value));
    }
    return *n;
}

void add_part_verbs(CLI::App& inventory, Context& ctx) {
    {
        auto sku = std::make_shared<std::string>();
        auto fields = std::make_shared<FieldArgs>();
        auto* cmd = inventory.add_subcommand("add", "Add a part; prints its SKU");
        cmd->add_option("sku", *sku, "Stock-keeping unit, kept exactly as typed")->required();
        add_field_options(*cmd, *fields);
        cmd->footer("Example:\n  svcmgr inventory add 00123 --name 'Näyttö 15\"' "
                    "--unit-cost 42.50 --reorder-point 4 --supplier Elkomp");
        cmd->callback(action(ctx, [sku, fields, &ctx] {
            add_part(ctx.db(), *sku, parse_fields(*fields), ctx.stamp());
            fmt::print("{}\n", *sku);
            return 0;
        }));
    }
    {
        auto sku = std::make_shared<std::string>();
        auto fields = std::make_shared<FieldArgs>();
        auto* cmd = inventory.add_subcommand("update", "Change a part's fields");
        cmd->add_option("sku", *sku, "SKU")->required();
        add_field_options(*cmd, *fields);
        cmd->footer("Example:\n  svcmgr inventory update 00123 --reorder-point 6");
        cmd->callback(action(ctx, [sku, fields, &ctx] {
            update_part(ctx.db(), *sku, parse_fields(*fields), ctx.stamp());
            return 0;
        }));
    }
    {
        auto sku = std::make_shared<std::string>();
        auto* cmd = inventory.add_subcommand("show", "Show a part and its recent ledger");
        cmd->add_option("sku", *sku, "SKU")->required();
        cmd->footer("Example:\n  svcmgr inventory show 00123");
        cmd->callback(action(ctx, [sku, &ctx] {
            const auto detail = show_part(ctx.db(), *sku);
            if (!detail) {
                throw Error(ErrorKind::refused, fmt::format("no part with SKU '{}'", *sku));
            }
            if (ctx.render_options().format != Format::table) {
                ctx.print(detail->part);
                return 0;
            }
            ctx.print_record(detail->part);
            std::fputs("\nrecent moves\n", stdout);
            ctx.print(detail->moves);
            return 0;
        }));
    }
    {
        auto terms = std::make_shared<std::vector<std::string>>();
        auto* cmd = inventory.add_subcommand("list", "List parts matching filter terms");
        cmd->add_option("filter", *terms, "below:reorder stock:0 location:L supplier:S words");
        cmd->footer("Example:\n  svcmgr inventory list below:reorder --format csv");
        cmd->callback(action(ctx, [terms, &ctx] {
            ctx.print(list_parts(ctx.db(), *terms, ctx.now(), ctx.tz()));
            return 0;
        }));
    }
    {
        struct Args {
            std::string sku, since;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = inventory.add_subcommand("history", "The ledger of a part, oldest first");
        cmd->add_option("sku", a->sku, "SKU")->required();
        cmd->add_option("--since", a->since, "Only moves at or after this time");
        cmd->footer("Example:\n  svcmgr inventory history 00123 --since 30d");
        cmd->callback(action(ctx, [a, &ctx] {
            std::optional<std::int64_t> since;
            if (!a->since.empty()) {
                since = parse_time_point(a->since, ctx.now(), ctx.tz());
                if (!since) {
                    throw Error(ErrorKind::usage,
                                fmt::format("invalid time '{}' for --since", a->since));
                }
            }
            ctx.print(part_history(ctx.db(), a->sku, since));
            return 0;
        }));
    }
}

void add_ledger_verbs(CLI::App& inventory, Context& ctx) {
    {
        struct Args {
            std::string sku, qty, unit_cost, note;
            bool release = false;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = inventory.add_subcommand("receive", "Receive stock; lists the tickets it "
                                                        "can unblock");
        cmd->add_option("sku", a->sku, "SKU")->required();
        cmd->add_option("qty", a->qty, "How many arrived")->required();
        cmd->add_option("--unit-cost", a->unit_cost, "Cost of one in this delivery");
        cmd->add_option("--note", a->note, "A note for the ledger");
        cmd->add_flag("--release", a->release,
                      "Reserve for the waiting tickets and move them back to in_progress");
        cmd->footer("Example:\n  svcmgr inventory receive 00123 10 --unit-cost 41.00 --release");
        cmd->callback(action(ctx, [a, &ctx] {
            Receipt receipt{.qty = quantity(a->qty),
                            .note = a->note.empty() ? std::nullopt
                                                    : std::optional<std::string>(a->note),
                            .release = a->release};
            if (!a->unit_cost.empty()) {
                receipt.unit_cost = parse_money(a->unit_cost);
                if (!receipt.unit_cost) {
                    throw Error(ErrorKind::usage,
                                fmt::format("invalid value '{}' for --unit-cost: expected an "
                                            "amount such as 12, 12.5 or 12.50",
                                            a->unit_cost));
                }
            }
            const Table unblocked = receive_part(ctx.db(), a->sku, receipt, ctx.stamp());
            if (!unblocked.rows.empty() && !ctx.quiet()) {
                ctx.print(unblocked);
            }
            return 0;
        }));
    }
    for (const bool consuming : {true, false}) {
        struct Args {
            std::string sku, qty, ticket;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = inventory.add_subcommand(consuming ? "consume" : "return",
                                             consuming ? "Use parts for a ticket's repair"
                                                       : "Put unused parts back into stock");
        cmd->add_option("sku", a->sku, "SKU")->required();
        cmd->add_option("qty", a->qty, "How many")->required();
        cmd->add_option("--ticket", a->ticket, "The ticket the parts are for")->required();
        cmd->footer(consuming ? "Example:\n  svcmgr inventory consume 00123 1 --ticket 42"
                              : "Example:\n  svcmgr inventory return 00123 1 --ticket 42");
        cmd->callback(action(ctx, [a, consuming, &ctx] {
            const std::int64_t qty = quantity(a->qty);
            const std::int64_t ticket = ticket_option(a->ticket);
            if (consuming) {
                consume_part(ctx.db(), a->sku, qty, ticket, ctx.stamp());
            } else {
                return_part(ctx.db(), a->sku, qty, ticket, ctx.stamp());
            }
            return 0;
        }));
    }
    {
        struct Args {
            std::string sku, to, reason;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = inventory.add_subcommand("adjust", "Record a cycle count");
        cmd->add_option("sku", a->sku, "SKU")->required();
        cmd->add_option("--to", a->to, "The counted quantity")->required();
        cmd->add_option("--reason", a->reason, "Why the count differs")->required();
        cmd->footer("Example:\n  svcmgr inventory adjust 00123 --to 7 --reason 'cycle count'");
        cmd->callback(action(ctx, [a, &ctx] {
            adjust_part(ctx.db(), a->sku, parse_count_option("--to", a->to), a->reason,
                        ctx.stamp());
            return 0;
        }));
    }
    {
        struct Args {
            std::string sku, qty, supplier, expected;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = inventory.add_subcommand("order", "Record parts ordered from a supplier; "
                                                      "prints the order id");
        cmd->add_option("sku", a->sku, "SKU")->required();
        cmd->add_option("qty", a->qty, "How many")->required();
        cmd->add_option("--supplier", a->supplier, "Supplier (default: the part's)");
        cmd->add_option("--expected", a->expected, "Expected delivery date");
        cmd->footer("Example:\n  svcmgr inventory order 00123 20 --expected 2026-12-01");
        cmd->callback(action(ctx, [a, &ctx] {
            NewOrder order{.qty = quantity(a->qty),
                           .supplier = a->supplier.empty()
                                           ? std::nullopt
                                           : std::optional<std::string>(a->supplier)};
            if (!a->expected.empty()) {
                order.expected_at = parse_time_point(a->expected, ctx.now(), ctx.tz());
                if (!order.expected_at) {
                    throw Error(ErrorKind::usage,
                                fmt::format("invalid date '{}' for --expected", a->expected));
                }
            }
            fmt::print("{}\n", order_part(ctx.db(), a->sku, order, ctx.stamp()));
            return 0;
        }));
    }
    auto* orders = inventory.add_subcommand("orders", "List open orders, oldest first");
    orders->footer("Example:\n  svcmgr inventory orders --format csv");
    orders->callback(action(ctx, [&ctx] {
        ctx.print(open_orders(ctx.db()));
        return 0;
    }));
}

void add_advice_verbs(CLI::App& inventory, Context& ctx) {
    for (const bool reorder : {true, false}) {
        struct Args {
            std::string window = "90d", service_level;
        };
        auto a = std::make_shared<Args>();
        auto* cmd = inventory.add_subcommand(reorder ? "reorder" : "value",
                                             reorder ? "What to order now and why"
                                                     : "Stock value, holding cost, cover, dead and "
                                                       "excess stock");
        cmd->add_option("--window", a->window, "Usage window in whole days (default 90d)");
        cmd->add_option("--service-level", a->service_level,
                        "Chance of no stock-out in a lead time (default: the setting)");
        cmd->footer(reorder
                        ? "Example:\n  svcmgr inventory reorder --window 30d --service-level 98%"
                        : "Example:\n  svcmgr inventory value --format csv > stock.csv");
        cmd->callback(action(ctx, [a, reorder, &ctx] {
            const AdviceOptions options = parse_advice_options(a->window, a->service_level);
            if (reorder) {
                ctx.print(reorder_advice(ctx.db(), options, ctx.now(), ctx.tz()));
            } else {
                // The total row is for people; a file gets the parts alone.
                const bool people = ctx.render_options().format == Format::table;
                ctx.print(inventory_value(
                    ctx.db(), {.usage = options, .total = people ? TotalRow::yes : TotalRow::no},
                    ctx.now(), ctx.tz()));
            }
            return 0;
        }));
    }
}

} // namespace

void add_inventory_command(CLI::App& app, Context& ctx) {
    auto* inventory = app.add_subcommand("inventory", "Repair parts: stock, ledger and orders");
    inventory->footer("Example:\n  svcmgr inventory list below:reorder");
    add_part_verbs(*inventory, ctx);
    add_ledger_verbs(*inventory, ctx);
    add_advice_verbs(*inventory, ctx);
    add_exchange_verbs(*inventory, ctx, Dataset::parts,
                       {.export_summary = "Write every part with every machine column",
                        .import_summary = "Add (or with --update change) parts from a file; "
                                          "stock enters through 'moves import'",
                        .export_examples = "  svcmgr inventory export > parts.csv",
                        .import_examples = "  svcmgr inventory import supplier-parts.csv"});
    auto* moves = inventory->add_subcommand("moves", "The ledger of every part, for export and "
                                                     "import");
    moves->footer("Example:\n  svcmgr inventory moves export > ledger.csv");
    add_exchange_verbs(*moves, ctx, Dataset::moves,
                       {.export_summary = "Write the whole ledger, oldest move first",
                        .import_summary = "Add ledger moves from a file (on_hand follows)",
                        .export_examples = "  svcmgr inventory moves export > ledger.csv",
                        .import_examples = "  svcmgr inventory moves import ledger.csv",
                        .updatable = false});
}

} // namespace svcmgr::cli
