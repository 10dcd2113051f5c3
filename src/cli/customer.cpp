// svcmgr customer: the people who contact us, and how often they have to.

#include "commands.hpp"

#include <svcmgr/customer.hpp>
#include <svcmgr/error.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace svcmgr::cli {

void add_customer_command(CLI::App& app, Context& ctx) {
    auto* customer = app.add_subcommand("customer", "Customers and their contacts");
    customer->footer("Example:\n  svcmgr customer show asa@example.se");

    auto* list = customer->add_subcommand("list", "List customers with their ticket counts");
    list->footer("Example:\n  svcmgr customer list --format csv > customers.csv");
    list->callback(action(ctx, [&ctx] {
        ctx.print(list_customers(ctx.db()));
        return 0;
    }));

    auto key = std::make_shared<std::string>();
    auto* show = customer->add_subcommand("show", "Show a customer, their tickets and repeat "
                                                  "contacts");
    show->add_option("customer", *key, "Id, email or exact name")->required();
    show->footer("Example:\n  svcmgr customer show asa@example.se");
    show->callback(action(ctx, [key, &ctx] {
        const auto detail = show_customer(ctx.db(), *key);
        if (!detail) {
            throw Error(ErrorKind::refused, fmt::format("no customer '{}'", *key));
        }
        if (ctx.render_options().format != Format::table) {
            ctx.print(detail->customer);
            return 0;
        }
        ctx.print_record(detail->customer);
        std::fputs("\ntickets\n", stdout);
        ctx.print(detail->tickets);
        return 0;
    }));

    add_exchange_verbs(*customer, ctx, Dataset::customers,
                       {.export_summary = "Write every customer",
                        .import_summary = "Add (or with --update change) customers from a file",
                        .export_examples = "  svcmgr customer export --bom > customers.csv",
                        .import_examples = "  svcmgr customer import customers.csv"});
}

} // namespace svcmgr::cli
