// svcmgr complete: the hidden command the shell completions ask. `complete tree` prints every
// command, option and option value the binary accepts, one entry per line, so tests can hold the
// completion files and man pages to it; `complete KIND [WORD]` prints candidate values quietly,
// one per line. The values come from the tables the core parses with (filter keys and values,
// sort keys, columns, datasets, reports' metrics, settings), so they cannot drift apart.

#include "commands.hpp"

#include <svcmgr/calendar.hpp>
#include <svcmgr/customer.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/report.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/ticket.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <sys/stat.h>

namespace svcmgr::cli {

namespace {

constexpr std::int64_t k_max_ids = 500;

std::string join_values(const std::vector<std::string>& values) {
    return fmt::format("{}", fmt::join(values, "|"));
}

std::string satisfactions() {
    std::vector<std::string> ratings;
    for (int r = k_satisfaction_min; r <= k_satisfaction_max; ++r) {
        ratings.push_back(std::to_string(r));
    }
    return join_values(ratings);
}

// What an option or positional argument takes, as `complete tree` prints it: a fixed list
// "a|b|c", "@KIND" for values `svcmgr complete KIND` prints, or a placeholder such as FILE.
struct ValueSpec {
    std::string_view path;   // "ticket add"; "calendar *" every verb of calendar; "*" every command
    std::string_view option; // "--priority", or a positional's name
    std::string values;
};

const std::vector<ValueSpec>& value_specs() {
    static const std::vector<ValueSpec> k_specs = {
        {"", "--db", "FILE"},
        {"", "--actor", "NAME"},
        {"", "--format", "table|csv|tsv|json|jsonl"},
        {"", "--color", "auto|always|never"},
        {"", "--colour", "auto|always|never"},
        {"", "--busy-timeout", "DURATION"},
        {"*", "--priority", join_values(ticket_filter_values("priority", nullptr))},
        {"*", "--category", "@categories"},
        {"*", "--channel", "@channels"},
        {"*", "--email", "@customers"},
        {"*", "--customer", "NAME"},
        {"*", "--assignee", "NAME"},
        {"*", "--actor", "NAME"},
        {"*", "--since", "TIME"},
        {"*", "--until", "TIME"},
        {"*", "--month", "MONTH"},
        {"*", "--within", "DURATION"},
        {"*", "--output", "FILE"},
        {"*", "--entity", "ENTITY"},
        {"*", "--action", "ACTION"},
        {"*", "--expect-head", "SEQ:HASH"},
        {"*", "file", "FILE"},
        {"*", "--minutes", "NUMBER"},
        {"*", "--limit", "NUMBER"},
        {"*", "--sort", "@sort"},
        {"*", "--columns", "@columns"},
        {"*", "--delimiter", "CHAR"},
        {"inventory list", "filter", "below:reorder|stock:0"},
        {"*", "filter", "@filters"},
        {"inventory add", "sku", "SKU"},
        {"*", "sku", "@skus"},
        {"*", "--ticket", "@ids"},
        {"*", "qty", "NUMBER"},
        {"db copy", "--to", "FILE"},
        {"*", "--to", "NUMBER"},
        {"*", "--unit-cost", "MONEY"},
        {"*", "--reorder-point", "NUMBER"},
        {"*", "--reorder-qty", "NUMBER"},
        {"*", "--max", "NUMBER"},
        {"*", "--min-order", "NUMBER"},
        {"*", "--pack", "NUMBER"},
        {"*", "--lead-time", "DURATION"},
        {"*", "--window", "DURATION"},
        {"*", "--holding-rate", "PERCENT"},
        {"*", "--service-level", "PERCENT"},
        {"*", "--expected", "TIME"},
        {"*", "--supplier", "NAME"},
        {"*", "--location", "NAME"},
        {"*", "id", "@ids"},
        {"*", "customer", "@customers"},
        {"*", "key", "@settings"},
        {"ticket close", "--satisfaction", satisfactions()},
        {"calendar add", "name", "NAME"},
        {"calendar *", "name", "@calendars"},
        {"*", "--tz", "ZONE"},
        {"*", "--hours", "HOURS"},
        {"*", "--from", "DATE"},
        {"*", "--days", "NUMBER"},
        {"*", "--yearly", "MM-DD"},
        {"*", "date", "DATE"},
    };
    return k_specs;
}

// The kind `svcmgr complete` prints a report's metrics for: "metrics.summary".
constexpr std::string_view k_metrics_kind = "metrics.";

// The kind it prints an export's columns for: "columns.ticket", "columns.inventory-moves" (the
// dataset's command, spaces as dashes).
constexpr std::string_view k_columns_kind = "columns.";

std::string dashed(std::string_view command) {
    std::string name(command);
    std::replace(name.begin(), name.end(), ' ', '-');
    return name;
}

// The dataset whose export is at `name` ("inventory-moves"), if any.
const DatasetInfo* export_dataset(std::string_view name) {
    for (const auto& d : datasets()) {
        if (dashed(d.command) == name) {
            return &d;
        }
    }
    return nullptr;
}

std::string value_spec(const std::string& path, const std::string& name, const CLI::Option& opt) {
    // Each report offers its own metrics to --fail-on.
    if (name == "--fail-on" && path.rfind("report ", 0) == 0) {
        return fmt::format("@{}{}", k_metrics_kind, path.substr(7));
    }
    // Each export offers its own columns to --columns.
    constexpr std::string_view k_export = " export";
    if (name == "--columns" && path.size() > k_export.size() &&
        path.compare(path.size() - k_export.size(), k_export.size(), k_export) == 0) {
        return fmt::format("@{}{}", k_columns_kind,
                           dashed(std::string_view(path).substr(0, path.size() - k_export.size())));
    }
    const auto matches = [&](std::string_view spec_path) {
        if (spec_path == "*") {
            return !path.empty();
        }
        // "calendar *": every verb under calendar.
        if (spec_path.size() > 2 && spec_path.ends_with(" *")) {
            return path.starts_with(spec_path.substr(0, spec_path.size() - 1));
        }
        return spec_path == path;
    };
    for (const auto& spec : value_specs()) {
        if (matches(spec.path) && spec.option == name) {
            return spec.values;
        }
    }
    // An IsMember check describes itself as "{a,b}".
    const std::string type = opt.get_type_name();
    if (const auto open = type.find('{'); open != std::string::npos && type.back() == '}') {
        std::string values = type.substr(open + 1, type.size() - open - 2);
        std::replace(values.begin(), values.end(), ',', '|');
        return values;
    }
    return "TEXT";
}

void print_tree(const CLI::App& app, const std::string& path) {
    const auto prefix = path.empty() ? std::string() : path + " ";
    if (!path.empty()) {
        fmt::print("{}\n", path);
    }
    for (const CLI::Option* opt : app.get_options()) {
        // -h/--help is on every command; it is listed once, with the global options.
        if (!path.empty() && opt == app.get_help_ptr()) {
            continue;
        }
        const bool takes_value = opt->get_expected_max() > 0;
        if (!opt->nonpositional()) {
            const std::string name = opt->get_name(true);
            fmt::print("{}<{}> {}\n", prefix, name, value_spec(path, name, *opt));
            continue;
        }
        std::vector<std::string> names;
        for (const auto& s : opt->get_snames()) {
            names.push_back("-" + s);
        }
        for (const auto& l : opt->get_lnames()) {
            names.push_back("--" + l);
        }
        for (const auto& name : names) {
            if (takes_value) {
                fmt::print("{}{} {}\n", prefix, name, value_spec(path, name, *opt));
            } else {
                fmt::print("{}{}\n", prefix, name);
            }
        }
    }
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (!sub->get_group().empty()) {
            print_tree(*sub, prefix + sub->get_name());
        }
    }
}

// The database that exists at the resolved location, or nullopt: completion never creates one,
// and a zero-byte file would be initialised by opening it.
std::optional<Database> existing_database(const Context& ctx) {
    try {
        const auto where = resolve_database(
            ctx.flags.db.empty() ? std::nullopt : std::optional<std::string>(ctx.flags.db),
            [](const char* name) { return std::getenv(name); });
        // A SQLite file must exist already (a TAB press creates none); a server must answer
        // within a second, or there is nothing to offer.
        if (classify_database(where.path) == Backend::sqlite) {
            struct stat st {};
            if (::stat(where.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
                return std::nullopt;
            }
        }
        return Database::open(where, {.busy_timeout = std::chrono::milliseconds(500),
                                      .connect_timeout = std::chrono::seconds(1)});
    } catch (const Error&) {
        return std::nullopt;
    }
}

// Filter terms: "key:" for every key, or "key:value" once the word names a key.
std::vector<std::string> filter_terms(const std::string& word, std::optional<Database>& db) {
    const auto colon = word.find(':');
    std::vector<std::string> out;
    if (colon == std::string::npos) {
        for (const auto& key : ticket_filter_keys()) {
            out.push_back(key + ":");
        }
        return out;
    }
    const std::string key = word.substr(0, colon);
    for (const auto& v : ticket_filter_values(key, db ? &*db : nullptr)) {
        out.push_back(key + ":" + v);
    }
    return out;
}

// Columns for --columns: the word up to its last comma, then each of `columns` not yet listed.
std::vector<std::string> column_lists(const std::string& word,
                                      const std::vector<std::string>& columns) {
    const auto comma = word.rfind(',');
    const std::string head = comma == std::string::npos ? "" : word.substr(0, comma + 1);
    const auto listed = CLI::detail::split(head, ',');
    std::vector<std::string> out;
    for (const auto& column : columns) {
        if (std::find(listed.begin(), listed.end(), column) == listed.end()) {
            out.push_back(head + column);
        }
    }
    return out;
}

std::vector<std::string> candidates(const std::string& kind, const std::string& word,
                                    const Context& ctx) {
    std::optional<Database> db;
    const auto needs_db = [&] {
        if (!db) {
            db = existing_database(ctx);
        }
        return db.has_value();
    };
    std::vector<std::string> out;
    if (kind == "ids") {
        if (needs_db()) {
            for (const auto id : ticket_ids(*db, k_max_ids)) {
                out.push_back(std::to_string(id));
            }
        }
    } else if (kind == "skus") {
        if (needs_db()) {
            out = part_skus(*db, k_max_ids);
        }
    } else if (kind == "customers") {
        if (needs_db()) {
            out = customer_emails(*db);
        }
    } else if (kind == "calendars") {
        if (needs_db()) {
            out = calendar_names(*db);
        }
    } else if (kind == "categories" || kind == "channels") {
        if (needs_db()) {
            out = setting_list(*db, kind);
        }
    } else if (kind == "filters") {
        needs_db();
        out = filter_terms(word, db);
    } else if (kind == "columns") {
        out = column_lists(word, ticket_columns());
    } else if (const DatasetInfo* dataset =
                   kind.rfind(k_columns_kind, 0) == 0
                       ? export_dataset(std::string_view(kind).substr(k_columns_kind.size()))
                       : nullptr) {
        std::vector<std::string> names;
        for (const auto& column : dataset->columns()) {
            names.push_back(column.name);
        }
        out = column_lists(word, names);
    } else if (kind == "sort") {
        out = ticket_sort_keys();
        for (const auto& key : ticket_sort_keys()) {
            out.push_back("-" + key);
        }
    } else if (kind == "settings") {
        out = setting_keys();
    } else if (const ReportDefinition* report =
                   kind.rfind(k_metrics_kind, 0) == 0
                       ? find_report(std::string_view(kind).substr(k_metrics_kind.size()))
                       : nullptr) {
        for (const auto& metric : report->metrics) {
            out.push_back(metric.name);
        }
    } else {
        throw Error(ErrorKind::usage, fmt::format("unknown completion '{}'", kind),
                    "kinds: tree, ids, skus, customers, calendars, categories, channels, filters, "
                    "columns, sort, settings, metrics.REPORT, columns.EXPORT");
    }
    return out;
}

} // namespace

void add_completion_command(CLI::App& app, Context& ctx) {
    struct Args {
        std::string kind;
        std::vector<std::string> words;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("complete", "For shell completions: print candidates");
    cmd->group(""); // hidden: an interface for the completion scripts, not for people
    cmd->add_option("kind", args->kind, "tree, ids, customers, filters, columns, ...")->required();
    cmd->add_option("word", args->words, "The word being completed");
    const CLI::App* root = &app;
    cmd->callback([args, root, &ctx] {
        ctx.ran = true;
        if (args->kind == "tree") {
            print_tree(*root, "");
            return;
        }
        const std::string word = args->words.empty() ? "" : args->words.back();
        std::vector<std::string> out;
        try {
            out = candidates(args->kind, word, ctx);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::usage) {
                throw;
            }
            return; // completion stays quiet: a busy, unreadable or newer database gives nothing
        }
        for (const auto& value : out) {
            fmt::print("{}\n", value);
        }
    });
}

} // namespace svcmgr::cli
