#pragma once

// The command line around the commands: the global options, the parse, the one catch that maps
// errors to the exit status table (DESIGN.md section 7) and the final flush of stdout.

#include "commands.hpp"

#include <span>

namespace svcmgr::cli {

// One add_<command>_command() of commands.hpp.
using CommandAdder = void (*)(CLI::App& app, Context& ctx);

// Adds the global options and `commands` (in the order --help lists them), parses argv, runs the
// verb given and returns the exit status. Prints every error itself; never throws.
int run_app(int argc, char** argv, std::span<const CommandAdder> commands);

} // namespace svcmgr::cli
