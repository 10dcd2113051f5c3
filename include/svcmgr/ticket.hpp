#pragma once

#include <svcmgr/db.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/table.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// ---- lifecycle (DESIGN.md section 4) ------------------------------------------------------------

enum class Status { new_, open, in_progress, waiting_customer, waiting_parts, resolved, closed };
enum class Priority { low, normal, high, urgent };

// The statuses of a ticket still being worked on: every status but resolved and closed.
inline constexpr std::array<Status, 5> k_active_statuses = {
    Status::new_, Status::open, Status::in_progress, Status::waiting_customer,
    Status::waiting_parts};

std::string_view to_string(Status s);
std::string_view to_string(Priority p);
std::optional<Status> parse_status(std::string_view s);
std::optional<Priority> parse_priority(std::string_view s);
// Every priority's name, lowest first, for messages: "low, normal, high, urgent", or with
// `last` = " or " "low, normal, high or urgent".
std::string priority_names(std::string_view last = ", ");

// The lifecycle verbs; comments and updates are allowed in every status and are not listed here.
enum class Verb { start, wait_customer, wait_parts, resolve, close, reopen };

std::string_view to_string(Verb v); // "start", "wait --for customer", ...
// The status a verb moves a ticket to from `from`, or nullopt when the table forbids it.
std::optional<Status> transition(Status from, Verb verb);
// The status a verb moves a ticket to.
Status target_status(Verb verb);
// The verbs allowed from a status, as named on the command line.
std::vector<std::string> allowed_verbs(Status from);

// ---- tickets ------------------------------------------------------------------------------------

struct NewTicket {
    std::string title;
    std::string customer;                  // a name
    std::optional<std::string> email = {}; // identifies the customer when given
    std::optional<std::string> ref = {};
    std::optional<std::string> category = {}; // default: "other"
    std::optional<std::string> channel = {};  // default: "other"
    Priority priority = Priority::normal;
    std::optional<std::string> assignee = {};
    std::optional<std::string> description = {};
};

// Records a new ticket (status new), finding or creating its customer as DESIGN.md section 7 says.
// Returns its id.
std::int64_t add_ticket(Database& db, const NewTicket& ticket, const Stamp& stamp);

struct TicketChanges {
    std::optional<std::string> title = {};
    std::optional<Priority> priority = {};
    std::optional<std::string> category = {};
    std::optional<std::string> assignee = {}; // an empty string unassigns
};
void update_ticket(Database& db, std::int64_t id, const TicketChanges& changes, const Stamp& stamp);

enum class CommentKind { note, reply, inbound };
struct Comment {
    std::string body;
    CommentKind kind = CommentKind::note;
    std::int64_t minutes = 0;
};
void comment_ticket(Database& db, std::int64_t id, const Comment& comment, const Stamp& stamp);

enum class Preventable { unknown, yes, no };
struct Resolution {
    std::optional<std::string> cause = {};
    Preventable preventable = Preventable::unknown;
};

// The satisfaction a customer gave (1-5), or nullopt when they did not respond.
using Satisfaction = std::optional<int>;
// The satisfaction a customer can give: 1 (poor) to 5 (excellent).
inline constexpr int k_satisfaction_min = 1;
inline constexpr int k_satisfaction_max = 5;
// Whether `rating` is a satisfaction a customer can give: k_satisfaction_min to _max.
bool is_satisfaction(std::int64_t rating);

void start_ticket(Database& db, std::int64_t id, const Stamp& stamp);
void wait_ticket(Database& db, std::int64_t id, Status waiting_for, const Stamp& stamp);
void resolve_ticket(Database& db, std::int64_t id, const Resolution& resolution,
                    const Stamp& stamp);
void close_ticket(Database& db, std::int64_t id, Satisfaction satisfaction, const Stamp& stamp);
void reopen_ticket(Database& db, std::int64_t id, const Stamp& stamp);

// ---- reading ------------------------------------------------------------------------------------

// The machine columns of a ticket, in order (DESIGN.md section 7).
std::vector<std::string> ticket_columns();
// The columns `ticket list` shows when --columns is not given.
std::vector<std::string> default_list_columns();
// Sort keys `ticket list --sort` accepts (a leading '-' reverses).
std::vector<std::string> ticket_sort_keys();
// Filter keys `ticket list` understands ("status", "priority.min", ...).
std::vector<std::string> ticket_filter_keys();
// The values filter key `key` takes, for completion: the fixed ones (active and the statuses,
// the priorities, yes/no/unknown, none), and with `db` those it holds (categories, channels,
// customers' emails). Empty for a key whose values are free (ref, dates, ages) or unknown.
std::vector<std::string> ticket_filter_values(std::string_view key, Database* db);

struct TicketQuery {
    std::vector<std::string> terms = {}; // filter terms, ANDed
    std::string sort = "id";
    std::optional<std::int64_t> limit = {};
    std::vector<std::string> columns = {}; // empty: default_list_columns()
};

// Throws Error(usage) naming an unknown or malformed term, sort key or column.
Table list_tickets(Database& db, const TicketQuery& query, std::int64_t now, const TimeZone& tz);

struct TicketDetail {
    Table ticket; // one row, every machine column
    Table events; // at, actor, kind, field, old_value, new_value, minutes, body
};
// nullopt when there is no ticket with that id.
std::optional<TicketDetail> show_ticket(Database& db, std::int64_t id);

// Ids of every ticket, for completion (newest first, at most `limit`).
std::vector<std::int64_t> ticket_ids(Database& db, std::int64_t limit);

} // namespace svcmgr
