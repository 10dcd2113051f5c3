#include <svcmgr/error.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/text.hpp>
#include <svcmgr/ticket.hpp>

#include "audit/log.hpp"
#include "customer/resolve.hpp"
#include "db/sql.hpp"
#include "ticket/events.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace svcmgr {

namespace {

// One comment records at most a year of work: more is a typo, and the bound keeps the sum (and
// minutes x hourly cost) far from integer overflow.
constexpr std::int64_t k_max_comment_minutes = 525'600;

// Empty text is NULL: svcmgr never stores ''.
std::optional<std::string> non_empty(const std::optional<std::string>& s) {
    if (!s || trim(*s).empty()) {
        return std::nullopt;
    }
    return s;
}

void require_valid_text(std::string_view field, std::string_view value) {
    if (!is_valid_utf8(value)) {
        throw Error(ErrorKind::usage, fmt::format("the {} is not valid UTF-8", field));
    }
}

std::string require_listed(Database& db, std::string_view setting, std::string_view what,
                           const std::optional<std::string>& value) {
    const std::string chosen = value.value_or("other");
    const auto allowed = setting_list(db, setting);
    if (std::find(allowed.begin(), allowed.end(), chosen) == allowed.end()) {
        throw Error(ErrorKind::usage, fmt::format("unknown {} '{}'", what, chosen),
                    fmt::format("allowed: {}", fmt::join(allowed, ", ")));
    }
    return chosen;
}

Json ticket_state(Database& db, std::int64_t id) {
    return row_state(db, "ticket", "id", id);
}

Status load_status(Database& db, std::int64_t id) {
    Statement st(db, "SELECT status FROM ticket WHERE id = $1");
    st.bind(1, id);
    if (!st.step()) {
        throw Error(ErrorKind::refused, fmt::format("no ticket with id {}", id));
    }
    return parse_status(st.text(0)).value_or(Status::new_);
}

struct Event {
    std::string_view kind;
    std::optional<std::string> field = {};
    std::optional<std::string> old_value = {};
    std::optional<std::string> new_value = {};
    std::optional<std::string> body = {};
    std::optional<std::int64_t> minutes = {};
};

void add_event(Database& db, std::int64_t id, const Stamp& stamp, const Event& e) {
    Statement st(db, "INSERT INTO ticket_event (ticket_id, at, actor, kind, field, old_value, "
                     "new_value, body, minutes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    st.bind_all(id, stamp.now, stamp.actor, e.kind, e.field, e.old_value, e.new_value, e.body,
                e.minutes)
        .run();
}

std::int64_t customer_for(Database& db, const NewTicket& t, const Stamp& stamp) {
    const auto email = non_empty(t.email);
    return lookup_or_create_customer(
        db,
        {.email = email ? std::optional<std::string_view>(*email) : std::nullopt,
         .name = t.customer},
        "pass --email to say which one (svcmgr customer list shows them)", stamp);
}

// A stored field as the history shows it: preventable as yes/no, numbers in decimal.
std::optional<std::string> shown_value(std::string_view field, const Json& v) {
    if (v.is_null()) {
        return std::nullopt;
    }
    if (v.is_string()) {
        return v.get<std::string>();
    }
    if (field == "preventable") {
        return std::string(v.get<std::int64_t>() != 0 ? "yes" : "no");
    }
    return v.dump();
}

// Moves a ticket by a lifecycle verb, refusing what the table forbids; `also` sets further
// columns (name, value) in the same statement.
void apply_verb(Database& db, std::int64_t id, Verb verb, const Stamp& stamp,
                const std::vector<std::pair<std::string_view, Value>>& also,
                const std::vector<Event>& events = {}) {
    WriteTransaction tx(db);
    const Status from = load_status(db, id);
    const auto to = transition(from, verb);
    if (!to) {
        throw Error(ErrorKind::refused,
                    fmt::format("cannot move ticket {} from {} to {} (allowed: {})", id,
                                to_string(from), to_string(target_status(verb)),
                                fmt::join(allowed_verbs(from), ", ")));
    }
    const Json before = ticket_state(db, id);
    set_ticket_status(db, id, from, *to, stamp);
    for (Event e : events) {
        if (e.field && !e.old_value) {
            e.old_value = shown_value(*e.field, before[*e.field]);
        }
        add_event(db, id, stamp, e);
    }
    for (const auto& [column, value] : also) {
        // Column names come from this file only.
        Statement st(db, fmt::format("UPDATE ticket SET {} = $2 WHERE id = $1", column));
        st.bind(1, id).bind(2, value).run();
    }
    append_audit(db, stamp, std::string(to_string(verb)).substr(0, to_string(verb).find(' ')),
                 "ticket", std::to_string(id), before, ticket_state(db, id));
    tx.commit();
}

Value text_or_null(const std::optional<std::string>& s) {
    return s ? Value{*s} : Value{std::monostate{}};
}

} // namespace

std::int64_t add_ticket(Database& db, const NewTicket& t, const Stamp& stamp) {
    if (trim(t.title).empty()) {
        throw Error(ErrorKind::usage, "the title may not be empty");
    }
    if (trim(t.customer).empty()) {
        throw Error(ErrorKind::usage, "the customer name may not be empty");
    }
    for (const auto& [field, value] :
         {std::pair{"title", std::optional<std::string>(t.title)},
          std::pair{"customer name", std::optional<std::string>(t.customer)},
          std::pair{"email", t.email}, std::pair{"ref", t.ref}, std::pair{"assignee", t.assignee},
          std::pair{"description", t.description}}) {
        if (value) {
            require_valid_text(field, *value);
        }
    }
    if (const auto email = non_empty(t.email); email && email->find('@') == std::string::npos) {
        throw Error(ErrorKind::usage, fmt::format("invalid email address '{}'", *email));
    }
    WriteTransaction tx(db);
    const std::string category = require_listed(db, "categories", "category", t.category);
    const std::string channel = require_listed(db, "channels", "channel", t.channel);
    if (const auto ref = non_empty(t.ref)) {
        Statement st(db, "SELECT id FROM ticket WHERE ref = $1");
        st.bind(1, *ref);
        if (st.step()) {
            throw Error(ErrorKind::refused,
                        fmt::format("ref '{}' is already ticket {}", *ref, st.int64(0)));
        }
    }
    const std::int64_t customer_id = customer_for(db, t, stamp);
    Statement insert(db, "INSERT INTO ticket (ref, title, description, customer_id, category, "
                         "channel, priority, status, assignee, created_at, updated_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9, $9)");
    insert
        .bind_all(non_empty(t.ref), t.title, non_empty(t.description), customer_id, category,
                  channel, to_string(t.priority), non_empty(t.assignee), stamp.now)
        .run();
    const std::int64_t id = last_insert_id(db);
    add_event(db, id, stamp, {.kind = "created", .body = non_empty(t.description)});
    append_audit(db, stamp, "create", "ticket", std::to_string(id), nullptr, ticket_state(db, id));
    tx.commit();
    return id;
}

void update_ticket(Database& db, std::int64_t id, const TicketChanges& changes,
                   const Stamp& stamp) {
    if (changes.title && trim(*changes.title).empty()) {
        throw Error(ErrorKind::usage, "the title may not be empty");
    }
    for (const auto* text : {&changes.title, &changes.assignee, &changes.category}) {
        if (*text) {
            require_valid_text("value", **text);
        }
    }
    WriteTransaction tx(db);
    const Status status = load_status(db, id);
    if (changes.category) {
        require_listed(db, "categories", "category", changes.category);
    }
    const Json before = ticket_state(db, id);
    const auto old_text = [&](const char* column) -> std::optional<std::string> {
        const auto& v = before[column];
        return v.is_null() ? std::nullopt : std::optional<std::string>(v.get<std::string>());
    };
    std::vector<std::pair<std::string_view, std::optional<std::string>>> wanted;
    if (changes.title) {
        wanted.emplace_back("title", changes.title);
    }
    if (changes.priority) {
        wanted.emplace_back("priority", std::string(to_string(*changes.priority)));
    }
    if (changes.category) {
        wanted.emplace_back("category", changes.category);
    }
    if (changes.assignee) {
        wanted.emplace_back("assignee", non_empty(changes.assignee));
    }
    bool changed = false;
    for (const auto& [column, value] : wanted) {
        const auto old = old_text(std::string(column).c_str());
        if (old == value) {
            continue;
        }
        Statement st(
            db, fmt::format("UPDATE ticket SET {} = $2, updated_at = $3 WHERE id = $1", column));
        st.bind(1, id).bind(2, text_or_null(value)).bind(3, stamp.now).run();
        add_event(
            db, id, stamp,
            {.kind = "field", .field = std::string(column), .old_value = old, .new_value = value});
        changed = true;
    }
    if (changes.assignee && non_empty(changes.assignee) && status == Status::new_) {
        set_ticket_status(db, id, status, Status::open, stamp);
        changed = true;
    }
    if (changed) {
        append_audit(db, stamp, "update", "ticket", std::to_string(id), before,
                     ticket_state(db, id));
    }
    tx.commit();
}

void comment_ticket(Database& db, std::int64_t id, const Comment& comment, const Stamp& stamp) {
    if (trim(comment.body).empty()) {
        throw Error(ErrorKind::usage, "the message may not be empty");
    }
    if (comment.minutes < 0 || comment.minutes > k_max_comment_minutes) {
        throw Error(ErrorKind::usage,
                    fmt::format("invalid minutes {}: expected 0 to {} (a year) per comment",
                                comment.minutes, k_max_comment_minutes));
    }
    require_valid_text("message", comment.body);
    WriteTransaction tx(db);
    const Status status = load_status(db, id);
    const Json before = ticket_state(db, id);
    static constexpr std::array<std::string_view, 3> k_kinds = {"note", "reply", "inbound"};
    add_event(db, id, stamp,
              {.kind = k_kinds[static_cast<std::size_t>(comment.kind)],
               .body = comment.body,
               .minutes = comment.minutes > 0 ? std::optional(comment.minutes) : std::nullopt});
    Statement st(db, "UPDATE ticket SET minutes = minutes + $2, updated_at = $3 WHERE id = $1");
    st.bind_all(id, comment.minutes, stamp.now).run();
    if (comment.kind == CommentKind::reply) {
        Statement first(db, "UPDATE ticket SET first_response_at = $2 "
                            "WHERE id = $1 AND first_response_at IS NULL");
        first.bind_all(id, stamp.now).run();
        if (status == Status::new_) {
            set_ticket_status(db, id, status, Status::open, stamp);
        }
    }
    append_audit(db, stamp, "comment", "ticket", std::to_string(id), before, ticket_state(db, id));
    tx.commit();
}

void start_ticket(Database& db, std::int64_t id, const Stamp& stamp) {
    apply_verb(db, id, Verb::start, stamp, {});
}

void wait_ticket(Database& db, std::int64_t id, Status waiting_for, const Stamp& stamp) {
    apply_verb(db, id,
               waiting_for == Status::waiting_parts ? Verb::wait_parts : Verb::wait_customer, stamp,
               {});
}

void resolve_ticket(Database& db, std::int64_t id, const Resolution& resolution,
                    const Stamp& stamp) {
    const auto cause = non_empty(resolution.cause);
    if (cause) {
        require_valid_text("cause", *cause);
        // A code, so that `cause:CODE` needs no quoting; "none" is how the filter says NULL.
        const bool spaced = std::any_of(cause->begin(), cause->end(), [](char ch) {
            return static_cast<unsigned char>(ch) <= ' ' || ch == 0x7f;
        });
        if (spaced || *cause == "none") {
            throw Error(ErrorKind::usage, fmt::format("invalid cause '{}'", *cause),
                        "a cause is a code without spaces, such as billing-double-charge");
        }
    }
    std::vector<std::pair<std::string_view, Value>> also = {{"resolved_at", stamp.now}};
    std::vector<Event> events;
    if (cause) {
        also.emplace_back("cause", *cause);
        events.push_back({.kind = "field", .field = "cause", .new_value = cause});
    }
    if (resolution.preventable != Preventable::unknown) {
        const bool yes = resolution.preventable == Preventable::yes;
        also.emplace_back("preventable", std::int64_t{yes ? 1 : 0});
        events.push_back({.kind = "field",
                          .field = "preventable",
                          .new_value = std::string(yes ? "yes" : "no")});
    }
    apply_verb(db, id, Verb::resolve, stamp, also, events);
}

bool is_satisfaction(std::int64_t rating) {
    return rating >= k_satisfaction_min && rating <= k_satisfaction_max;
}

void close_ticket(Database& db, std::int64_t id, Satisfaction satisfaction, const Stamp& stamp) {
    if (satisfaction && !is_satisfaction(*satisfaction)) {
        throw Error(ErrorKind::usage,
                    fmt::format("satisfaction must be {} to {}, not {}", k_satisfaction_min,
                                k_satisfaction_max, *satisfaction));
    }
    const Value rating = satisfaction ? Value{std::int64_t{*satisfaction}} : Value{};
    apply_verb(db, id, Verb::close, stamp, {{"closed_at", stamp.now}, {"satisfaction", rating}},
               {{.kind = "field",
                 .field = "satisfaction",
                 .new_value =
                     satisfaction ? std::optional(std::to_string(*satisfaction)) : std::nullopt}});
}

void reopen_ticket(Database& db, std::int64_t id, const Stamp& stamp) {
    apply_verb(db, id, Verb::reopen, stamp,
               {{"resolved_at", Value{}}, {"closed_at", Value{}}, {"satisfaction", Value{}}});
}

std::vector<std::int64_t> ticket_ids(Database& db, std::int64_t limit) {
    Statement st(db, "SELECT id FROM ticket ORDER BY id DESC LIMIT $1");
    st.bind(1, limit);
    std::vector<std::int64_t> ids;
    while (st.step()) {
        ids.push_back(st.int64(0));
    }
    return ids;
}

} // namespace svcmgr
