// svcmgr: service management from the shell. The commands, in the order --help lists them;
// run_app (src/cli/app.cpp) parses the command line, runs one verb and maps its errors to the
// exit status table (DESIGN.md section 7).

#include "app.hpp"

namespace {

using namespace svcmgr::cli;

constexpr CommandAdder k_commands[] = {
    add_ticket_command,     // ticket: requests from first contact to satisfaction
    add_customer_command,   // customer: who the tickets are for
    add_inventory_command,  // inventory: parts, the stock ledger and reorder advice
    add_calendar_command,   // calendar: business hours and holidays for the SLA clocks
    add_report_command,     // report: the table of reports, for people and for cron
    add_config_command,     // config: the settings kept with the data
    add_audit_command,      // audit: the hash-chained trail of every change
    add_db_command,         // db: check, backup, copy
    add_completion_command, // complete (hidden): what the shell completions ask
};

} // namespace

int main(int argc, char** argv) {
    return run_app(argc, argv, k_commands);
}
