#pragma once

// One add_<command>_command() per file in src/cli/; main.cpp lists them.

#include "context.hpp"

#include <svcmgr/exchange.hpp>

#include <functional>

namespace CLI {
class App;
}

namespace svcmgr::cli {

void add_ticket_command(CLI::App& app, Context& ctx);
void add_customer_command(CLI::App& app, Context& ctx);
void add_config_command(CLI::App& app, Context& ctx);
void add_calendar_command(CLI::App& app, Context& ctx);
// The hidden `svcmgr complete` command the shell completions ask (complete.cpp).
void add_completion_command(CLI::App& app, Context& ctx);
void add_audit_command(CLI::App& app, Context& ctx);
void add_db_command(CLI::App& app, Context& ctx);
void add_inventory_command(CLI::App& app, Context& ctx);
void add_report_command(CLI::App& app, Context& ctx);

// What the export and import verbs of one dataset say in --help.
struct ExchangeHelp {
    std::string export_summary;
    std::string import_summary;
    std::string export_examples; // indented example lines
    std::string import_examples;
    bool updatable = true; // false: the rows are append-only history, import has no --update
};

// Adds `export` and `import` verbs for `dataset` under `parent` (exchange.cpp).
void add_exchange_verbs(CLI::App& parent, Context& ctx, Dataset dataset, const ExchangeHelp& help);

// The callback of a verb: resolves the global options, runs `body` and keeps its exit status.
std::function<void()> action(Context& ctx, std::function<int()> body);

} // namespace svcmgr::cli
