// libFuzzer target: the ticket filter language (src/core/ticket/filter.hpp) and the query it
// becomes.
//
// Input: one filter term per line. A line "@sort KEY" sets the sort key and "@columns A,B" the
// columns, so hostile sort keys and column lists are fuzzed too. Every term list must either be
// refused with Error(usage) or compile to SQL whose placeholders are exactly the parameters it
// returns and that SQLite accepts and runs over a database with tickets in it: a term that
// escapes into the SQL text, or a refusal of any other kind, is a crash.

#include "ticket/filter.hpp"

#include <svcmgr/db.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/ticket.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::int64_t k_now = 1795392000; // 2026-11-22T00:00:00Z

svcmgr::Database& database() {
    static svcmgr::Database db = [] {
        auto d = svcmgr::Database::open_memory();
        const svcmgr::Stamp stamp{.actor = "fuzz", .now = k_now - 86400};
        svcmgr::add_ticket(d,
                           {.title = "Laskussa virhe",
                            .customer = "Åsa Öberg",
                            .email = "asa@example.se",
                            .category = "billing",
                            .priority = svcmgr::Priority::high,
                            .assignee = "Jüri"},
                           stamp);
        svcmgr::add_ticket(d, {.title = "屏幕坏了", .customer = "Ni Luh Putu"}, stamp);
        return d;
    }();
    return db;
}

[[noreturn]] void die(std::string_view what, std::string_view detail) {
    std::fprintf(stderr, "fuzz_filter: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
                 static_cast<int>(detail.size()), detail.data());
    std::abort();
}

// Every $N in sql lies in [first, first + count), and each of those appears.
void check_placeholders(const std::string& sql, int first, std::size_t count) {
    std::vector<bool> seen(count, false);
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] != '$') {
            continue;
        }
        std::size_t j = i + 1;
        long n = 0;
        while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9' && n < 100000) {
            n = n * 10 + (sql[j] - '0');
            ++j;
        }
        if (j == i + 1 || n < first || n >= first + static_cast<long>(count)) {
            die("placeholder out of range", sql);
        }
        seen[static_cast<std::size_t>(n - first)] = true;
        i = j - 1;
    }
    for (const bool s : seen) {
        if (!s) {
            die("a parameter without a placeholder", sql);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    svcmgr::TicketQuery query;
    std::size_t start = 0;
    while (start <= input.size()) {
        std::size_t end = input.find('\n', start);
        if (end == std::string_view::npos) {
            end = input.size();
        }
        const std::string_view line = input.substr(start, end - start);
        if (line.starts_with("@sort ")) {
            query.sort = std::string(line.substr(6));
        } else if (line.starts_with("@columns ")) {
            std::string_view rest = line.substr(9);
            while (!rest.empty()) {
                const std::size_t comma = rest.find(',');
                query.columns.emplace_back(rest.substr(0, comma));
                rest =
                    comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            }
        } else if (!line.empty()) {
            query.terms.emplace_back(line);
        }
        start = end + 1;
    }

    const svcmgr::TimeZone tz = svcmgr::TimeZone::utc();
    const svcmgr::FilterContext context{.now = k_now,
                                        .tz = &tz,
                                        .categories = {"billing", "hardware", "other"},
                                        .channels = {"phone", "email", "other"}};
    try {
        const svcmgr::SqlCondition condition =
            svcmgr::compile_ticket_filter(query.terms, context, 3);
        check_placeholders(condition.sql, 3, condition.params.size());
    } catch (const svcmgr::Error& e) {
        if (e.kind() != svcmgr::ErrorKind::usage) {
            die("compile_ticket_filter threw a non-usage error", e.what());
        }
    }
    try {
        (void)svcmgr::list_tickets(database(), query, k_now, tz);
    } catch (const svcmgr::Error& e) {
        if (e.kind() != svcmgr::ErrorKind::usage) {
            die("list_tickets threw a non-usage error", e.what());
        }
    }
    return 0;
}
