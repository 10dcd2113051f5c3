// The ticket filter compiler (src/core/ticket/filter.hpp): the SQL and the parameters of every key,
// and errors that name the offending term.

#include <svcmgr/error.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/ticket.hpp>

#include "ticket/filter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace svcmgr;

namespace {

constexpr std::int64_t k_now = 1'794'312'000; // 2026-11-10T12:00:00Z
constexpr std::int64_t k_day = 86'400;

using Params = std::vector<Value>;

Value text(const char* s) {
    return std::string(s);
}

struct Compiled {
    std::string sql;
    Params params;
};

Compiled compile(const std::vector<std::string>& terms, const TimeZone& tz = TimeZone::utc(),
                 int first = 1) {
    const FilterContext ctx{.now = k_now,
                            .tz = &tz,
                            .categories = {"billing", "repair", "other"},
                            .channels = {"phone", "web", "other"}};
    auto c = compile_ticket_filter(terms, ctx, first);
    return {c.sql, c.params};
}

// The message of the usage error a term raises ("" when it compiles).
std::string error_of(const std::string& term) {
    try {
        compile({term});
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("filter: no terms, or blank ones, match everything") {
    CHECK(compile({}).sql == "1 = 1");
    CHECK(compile({"", "   "}).sql == "1 = 1");
    CHECK(compile({"   "}).params.empty());
}

TEST_CASE("filter: status") {
    auto c = compile({"status:active"});
    CHECK(c.sql ==
          "(t.status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts'))");
    CHECK(c.params.empty());
    for (const char* s : {"new", "open", "in_progress", "waiting_customer", "waiting_parts",
                          "resolved", "closed"}) {
        CAPTURE(s);
        c = compile({std::string("status:") + s});
        CHECK(c.sql == "(t.status = $1)");
        CHECK(c.params == Params{text(s)});
    }
}

TEST_CASE("filter: priority and priority.min") {
    auto c = compile({"priority:high"});
    CHECK(c.sql == "(t.priority = $1)");
    CHECK(c.params == Params{text("high")});
    c = compile({"priority.min:low"});
    CHECK(c.sql == "(t.priority IN ($1, $2, $3, $4))");
    CHECK(c.params == Params{text("low"), text("normal"), text("high"), text("urgent")});
    c = compile({"priority.min:urgent"});
    CHECK(c.sql == "(t.priority IN ($1))");
    CHECK(c.params == Params{text("urgent")});
}

TEST_CASE("filter: category and channel come from the configured lists") {
    auto c = compile({"category:repair", "channel:web"});
    CHECK(c.sql == "(t.category = $1) AND (t.channel = $2)");
    CHECK(c.params == Params{text("repair"), text("web")});
    CHECK(error_of("category:website") ==
          "invalid filter term 'category:website': expected one of billing, repair, other");
    CHECK(error_of("channel:fax") ==
          "invalid filter term 'channel:fax': expected one of phone, web, other");
}

TEST_CASE("filter: customer by id, email or exact name") {
    auto c = compile({"customer:17"});
    CHECK(c.sql == "(t.customer_id = $1)");
    CHECK(c.params == Params{std::int64_t{17}});
    c = compile({"customer:asa@example.se"});
    CHECK(c.sql == "(c.email = $1)");
    CHECK(c.params == Params{text("asa@example.se")});
    c = compile({"customer:Åsa Öberg"});
    CHECK(c.sql == "(c.name = $1)");
    CHECK(c.params == Params{text("Åsa Öberg")});
    // Not a strict number: a name.
    c = compile({"customer:007"});
    CHECK(c.sql == "(c.name = $1)");
    CHECK(c.params == Params{text("007")});
}

TEST_CASE("filter: assignee, ref, cause and preventable") {
    CHECK(compile({"assignee:none"}).sql == "(t.assignee IS NULL)");
    auto c = compile({"assignee:jüri"});
    CHECK(c.sql == "(t.assignee = $1)");
    CHECK(c.params == Params{text("jüri")});
    c = compile({"ref:WEB-7"});
    CHECK(c.sql == "(t.ref = $1)");
    CHECK(c.params == Params{text("WEB-7")});
    CHECK(compile({"cause:none"}).sql == "(t.cause IS NULL)");
    c = compile({"cause:billing-double-charge"});
    CHECK(c.sql == "(t.cause = $1)");
    CHECK(c.params == Params{text("billing-double-charge")});
    CHECK(compile({"preventable:yes"}).sql == "(t.preventable = 1)");
    CHECK(compile({"preventable:no"}).sql == "(t.preventable = 0)");
    CHECK(compile({"preventable:unknown"}).sql == "(t.preventable IS NULL)");
}

TEST_CASE("filter: created and updated take dates (local midnight, half-open) and ages") {
    auto c = compile({"created.after:2026-11-01", "created.before:2026-11-05"});
    CHECK(c.sql == "(t.created_at >= $1) AND (t.created_at < $2)");
    CHECK(c.params == Params{std::int64_t{1'793'491'200}, std::int64_t{1'793'836'800}});
    c = compile({"created.before:7d"});
    CHECK(c.sql == "(t.created_at < $1)");
    CHECK(c.params == Params{k_now - 7 * k_day});
    c = compile({"updated.before:12h", "updated.after:yesterday"});
    CHECK(c.sql == "(t.updated_at < $1) AND (t.updated_at >= $2)");
    CHECK(c.params == Params{k_now - 12 * 3600, std::int64_t{1'794'182'400}});
    c = compile({"created.after:today"});
    CHECK(c.params == Params{std::int64_t{1'794'268'800}});
    c = compile({"created.after:2026-11-09T12:30"});
    CHECK(c.params == Params{std::int64_t{1'794'227'400}});
}

TEST_CASE("filter: dates are local days of the time zone") {
    const TimeZone stockholm = TimeZone::named("Europe/Stockholm");
    auto c = compile({"created.after:2026-11-01"}, stockholm);
    CHECK(c.params == Params{std::int64_t{1'793'491'200 - 3600}});
    // Summer time: midnight is two hours before UTC's.
    c = compile({"created.before:2026-07-01"}, stockholm);
    CHECK(c.params == Params{std::int64_t{1'782'864'000 - 7200}});
}

TEST_CASE("filter: age.over, age.under and idle.over count back from now") {
    auto c = compile({"age.over:3d"});
    CHECK(c.sql == "(t.created_at < $1)");
    CHECK(c.params == Params{k_now - 3 * k_day});
    c = compile({"age.under:90m"});
    CHECK(c.sql == "(t.created_at > $1)");
    CHECK(c.params == Params{k_now - 90 * 60});
    c = compile({"idle.over:2w"});
    CHECK(c.sql == "(t.updated_at < $1)");
    CHECK(c.params == Params{k_now - 14 * k_day});
}

TEST_CASE("filter: free words are folded, trimmed, literal and never part of the SQL") {
    auto c = compile({"ÅSA"});
    CHECK(c.sql == "(instr(svc_fold(t.title || '\n' || coalesce(t.description, '')), $1) > 0)");
    CHECK(c.params == Params{text("åsa")});
    CHECK(compile({"  Šimić "}).params == Params{text("šimić")});
    CHECK(compile({"A\xcc\x8a"}).params == Params{text("å")}); // NFC first
    for (const char* word : {"100%", "'; drop table ticket; --", "\\", "\"x\"", "o'neil"}) {
        CAPTURE(word);
        c = compile({word});
        CHECK(c.params == Params{text(word)});
        CHECK(c.sql.find(word) == std::string::npos);
    }
    // Wildcards and placeholders are bound as they are: instr() has no wildcards.
    for (const char* word : {"_", "%", "$1", "?"}) {
        CAPTURE(word);
        c = compile({word});
        CHECK(c.sql == "(instr(svc_fold(t.title || '\n' || coalesce(t.description, '')), $1) > 0)");
        CHECK(c.params == Params{text(word)});
    }
}

TEST_CASE("filter: terms AND together and number their parameters from first_param") {
    auto c = compile({"status:open", "ÅSA", "priority.min:high", "customer:3", "preventable:no"},
                     TimeZone::utc(), 5);
    CHECK(c.sql == "(t.status = $5) AND (instr(svc_fold(t.title || '\n' || "
                   "coalesce(t.description, '')), $6) > 0) AND (t.priority IN ($7, $8)) AND "
                   "(t.customer_id = $9) AND (t.preventable = 0)");
    CHECK(c.params ==
          Params{text("open"), text("åsa"), text("high"), text("urgent"), std::int64_t{3}});
}

TEST_CASE("filter: an unknown key names the term and lists the keys") {
    try {
        compile({"status:open", "colour:red"});
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()) == "unknown filter key 'colour' in 'colour:red'");
        CHECK(e.hint() == "known keys: status, priority, priority.min, category, channel, "
                          "customer, assignee, ref, created.after, created.before, "
                          "updated.after, updated.before, age.over, age.under, idle.over, cause, "
                          "preventable");
    }
    CHECK(error_of("Status:open") == "unknown filter key 'Status' in 'Status:open'");
    CHECK(error_of(":x") == "unknown filter key '' in ':x'");
    CHECK(error_of("created:2026-11-01") == "unknown filter key 'created' in 'created:2026-11-01'");
}

TEST_CASE("filter: a malformed value names the term and what was expected") {
    const std::string date = "a date (2026-11-01), today, yesterday or an age such as 7d";
    const std::string duration = "a duration such as 3d or 12h";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"status:Open", "active, new, open, in_progress, waiting_customer, waiting_parts, "
                        "resolved or closed"},
        {"status:waiting", "active, new, open, in_progress, waiting_customer, waiting_parts, "
                           "resolved or closed"},
        {"priority:critical", "low, normal, high or urgent"},
        {"priority.min:URGENT", "low, normal, high or urgent"},
        {"created.after:2023-02-29", date},
        {"created.before:2026-13-01", date},
        {"created.after:2026-11-31", date},
        {"updated.before:2026-11-01T24:00", date},
        {"updated.after:7", date},
        {"created.before:1e3d", date},
        {"age.over:3", duration},
        {"age.over:-3d", duration},
        {"age.under:3 d", duration},
        {"idle.over:1.5d", duration},
        {"preventable:maybe", "yes, no or unknown"},
        {"preventable:1", "yes, no or unknown"},
        {"cause:", "a value after the colon"},
        {"status:", "a value after the colon"},
    };
    for (const auto& [term, expected] : cases) {
        CAPTURE(term);
        CHECK(error_of(term) == "invalid filter term '" + term + "': expected " + expected);
    }
}

TEST_CASE("filter: the key list is what the compiler understands") {
    for (const auto& key : filter_keys()) {
        CAPTURE(key);
        CHECK(error_of(key + ":x").find("unknown filter key") == std::string::npos);
    }
}

TEST_CASE("filter: the values completion offers are those the compiler accepts") {
    using Names = std::vector<std::string>;
    CHECK(ticket_filter_values("status", nullptr) == Names{"active", "new", "open", "in_progress",
                                                           "waiting_customer", "waiting_parts",
                                                           "resolved", "closed"});
    CHECK(ticket_filter_values("priority", nullptr) == Names{"low", "normal", "high", "urgent"});
    CHECK(ticket_filter_values("priority.min", nullptr) ==
          ticket_filter_values("priority", nullptr));
    CHECK(ticket_filter_values("preventable", nullptr) == Names{"yes", "no", "unknown"});
    CHECK(ticket_filter_values("assignee", nullptr) == Names{"none"});
    CHECK(ticket_filter_values("cause", nullptr) == Names{"none"});
    // Free values, an unknown key, and without a database those it holds: nothing.
    for (const char* key :
         {"ref", "created.after", "age.over", "nosuchkey", "category", "channel", "customer"}) {
        CAPTURE(key);
        CHECK(ticket_filter_values(key, nullptr).empty());
    }
    for (const auto& key : filter_keys()) {
        for (const auto& value : ticket_filter_values(key, nullptr)) {
            const std::string term = key + ":" + value;
            CAPTURE(term);
            CHECK(error_of(term).empty());
        }
    }

    Database db = Database::open_memory();
    add_ticket(db, {.title = "Skärm trasig", .customer = "Åsa Öberg", .email = "asa@example.se"},
               {"lena", k_now});
    CHECK(ticket_filter_values("category", &db) == setting_list(db, "categories"));
    CHECK(ticket_filter_values("channel", &db) == setting_list(db, "channels"));
    CHECK_FALSE(ticket_filter_values("category", &db).empty());
    CHECK(ticket_filter_values("customer", &db) == Names{"asa@example.se"});
}
