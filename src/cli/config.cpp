// svcmgr config: settings kept with the data, shared by everyone who uses the database.

#include "commands.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/settings.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace svcmgr::cli {

void add_config_command(CLI::App& app, Context& ctx) {
    auto* config = app.add_subcommand("config", "Settings: SLA targets, costs, categories");
    config->footer("Example:\n  svcmgr config set hourly_cost 42.50");

    auto* list = config->add_subcommand("list", "List every setting with its value and default");
    list->footer("Example:\n  svcmgr config list --format tsv");
    list->callback(action(ctx, [&ctx] {
        ctx.print(list_settings(ctx.db()));
        return 0;
    }));

    auto get_key = std::make_shared<std::string>();
    auto* get = config->add_subcommand("get", "Print the value of a setting");
    get->add_option("key", *get_key, "Setting name")->required();
    get->footer("Example:\n  svcmgr config get sla.high.resolution");
    get->callback(action(ctx, [get_key, &ctx] {
        check_setting_key(*get_key);
        fmt::print("{}\n", get_setting(ctx.db(), *get_key));
        return 0;
    }));

    auto set_args = std::make_shared<std::pair<std::string, std::string>>();
    auto* set = config->add_subcommand("set", "Change a setting");
    set->add_option("key", set_args->first, "Setting name")->required();
    set->add_option("value", set_args->second, "New value")->required();
    set->footer("Example:\n  svcmgr config set sla.high.resolution 8h");
    set->callback(action(ctx, [set_args, &ctx] {
        check_setting(set_args->first, set_args->second);
        const Stamp stamp = ctx.stamp();
        set_setting(ctx.db(), set_args->first, set_args->second, stamp);
        return 0;
    }));

    auto unset_key = std::make_shared<std::string>();
    auto* unset = config->add_subcommand("unset", "Restore a setting's default");
    unset->add_option("key", *unset_key, "Setting name")->required();
    unset->footer("Example:\n  svcmgr config unset hourly_cost");
    unset->callback(action(ctx, [unset_key, &ctx] {
        check_setting_key(*unset_key);
        const Stamp stamp = ctx.stamp();
        unset_setting(ctx.db(), *unset_key, stamp);
        return 0;
    }));

    add_exchange_verbs(*config, ctx, Dataset::settings,
                       {.export_summary = "Write the settings set in this database",
                        .import_summary = "Set settings from a file",
                        .export_examples = "  svcmgr config export > settings.csv",
                        .import_examples = "  svcmgr config import settings.csv"});
}

} // namespace svcmgr::cli
