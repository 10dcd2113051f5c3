#pragma once

// One add_<command>_command() per file in src/cli/; main.cpp lists them.

#include "context.hpp"

#include <functional>

namespace CLI {
class App;
}

namespace svcmgr::cli {

void add_ticket_command(CLI::App& app, Context& ctx);
void add_customer_command(CLI::App& app, Context& ctx);
void add_config_command(CLI::App& app, Context& ctx);
void add_audit_command(CLI::App& app, Context& ctx);
void add_db_command(CLI::App& app, Context& ctx);

// The callback of a verb: resolves the global options, runs `body` and keeps its exit status.
std::function<void()> action(Context& ctx, std::function<int()> body);

} // namespace svcmgr::cli
