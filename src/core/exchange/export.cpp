#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>
#include <svcmgr/settings.hpp>

#include "db/scoped_cache.hpp"
#include "db/sql.hpp"
#include "ticket/columns.hpp"

#include <fmt/format.h>

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <optional>

namespace svcmgr {

namespace {

// Negative: KiB.
constexpr std::int64_t k_export_cache_kib = -16384;

std::vector<std::size_t> chosen_indexes(Dataset dataset, const std::vector<std::string>& names) {
    const std::vector<Column> all = dataset_columns(dataset);
    std::vector<std::size_t> chosen;
    if (names.empty()) {
        for (std::size_t i = 0; i < all.size(); ++i) {
            chosen.push_back(i);
        }
        return chosen;
    }
    for (const std::string& name : names) {
        const auto it =
            std::find_if(all.begin(), all.end(), [&](const Column& c) { return c.name == name; });
        if (it == all.end()) {
            std::vector<std::string> known;
            for (const auto& c : all) {
                known.push_back(c.name);
            }
            throw Error(ErrorKind::usage, fmt::format("unknown column '{}'", name),
                        fmt::format("columns: {}", fmt::join(known, ",")));
        }
        const auto index = static_cast<std::size_t>(it - all.begin());
        if (std::find(chosen.begin(), chosen.end(), index) != chosen.end()) {
            throw Error(ErrorKind::usage, fmt::format("column '{}' is given twice", name));
        }
        chosen.push_back(index);
    }
    return chosen;
}

} // namespace

std::vector<Column> export_columns(Dataset dataset, const std::vector<std::string>& names) {
    const std::vector<Column> all = dataset_columns(dataset);
    std::vector<Column> columns;
    for (const std::size_t i : chosen_indexes(dataset, names)) {
        columns.push_back(all[i]);
    }
    return columns;
}

namespace {

// Where an exported ticket cell comes from.
enum class TicketSource { ticket, customer_name, customer_email, cost };

// The name and email of customers by id, within a fixed budget: the customers with the lowest ids
// are read in one pass in id order into one block of text (at most k_text_budget bytes) indexed
// by id (ids below k_max_ids); any other customer is read from the database when asked for.
class CustomerCache {
public:
    CustomerCache(Database& db, std::int64_t max_id)
        : m_lookup(db, "SELECT name, email FROM customer WHERE id = $1") {
        m_offsets.assign(static_cast<std::size_t>(std::clamp<std::int64_t>(
                             max_id + 1, 0, static_cast<std::int64_t>(k_max_ids))),
                         k_absent);
    }

    void fill(Database& db) {
        // Read at random, once per ticket: huge pages spare a TLB miss on most reads.
        m_text.reserve(k_text_budget);
        advise_huge_pages(m_text.data(), m_text.capacity());
        advise_huge_pages(m_offsets.data(), m_offsets.size() * sizeof m_offsets[0]);
        Statement st(db, "SELECT id, name, email FROM customer WHERE id < $1 ORDER BY id");
        st.bind(1, static_cast<std::int64_t>(m_offsets.size()));
        while (st.step()) {
            const std::int64_t id = st.int64(0);
            const std::string_view name = st.text_view(1);
            const bool has_email = !st.is_null(2);
            const std::string_view email = has_email ? st.text_view(2) : std::string_view{};
            if (id < 0 || name.size() >= k_null || email.size() >= k_null ||
                m_text.size() + 4 + name.size() + email.size() > k_text_budget) {
                break;
            }
            m_offsets[static_cast<std::size_t>(id)] = static_cast<std::uint32_t>(m_text.size());
            put_size(name.size());
            put_size(has_email ? email.size() : k_null);
            m_text.append(name);
            m_text.append(email);
        }
    }

    // Starts reading the index entry of `id` into the CPU cache, for a find() that follows.
    void prefetch(std::int64_t id) const {
        if (id >= 0 && static_cast<std::size_t>(id) < m_offsets.size()) {
            __builtin_prefetch(&m_offsets[static_cast<std::size_t>(id)]);
        }
    }

    // Sets `name` and `email` to the customer's; false when there is no customer `id`.
    bool find(std::int64_t id, Value& name, Value& email) {
        if (id >= 0 && static_cast<std::size_t>(id) < m_offsets.size() &&
            m_offsets[static_cast<std::size_t>(id)] != k_absent) {
            const char* p = m_text.data() + m_offsets[static_cast<std::size_t>(id)];
            const std::size_t name_size = get_size(p);
            const std::size_t email_size = get_size(p + 2);
            assign(name, std::string_view(p + 4, name_size));
            if (email_size == k_null) {
                email = std::monostate{};
            } else {
                assign(email, std::string_view(p + 4 + name_size, email_size));
            }
            return true;
        }
        m_lookup.reset();
        m_lookup.bind(1, id);
        if (!m_lookup.step()) {
            return false;
        }
        m_lookup.value_into(0, name);
        m_lookup.value_into(1, email);
        return true;
    }

private:
    static constexpr std::size_t k_max_ids = std::size_t{1} << 20;      // 4 MiB of offsets
    static constexpr std::size_t k_text_budget = std::size_t{12} << 20; // 12 MiB of text
    static constexpr std::uint32_t k_absent = 0xFFFFFFFF;
    static constexpr std::size_t k_null = 0xFFFF; // a NULL email; longer texts are not kept

    static void advise_huge_pages(void* data, std::size_t size) {
        constexpr std::uintptr_t k_huge = std::uintptr_t{2} << 20;
        const auto from = (reinterpret_cast<std::uintptr_t>(data) + k_huge - 1) & ~(k_huge - 1);
        const auto to = (reinterpret_cast<std::uintptr_t>(data) + size) & ~(k_huge - 1);
        if (to > from) {
            ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE); // only a hint
        }
    }
    void put_size(std::size_t n) {
        m_text += static_cast<char>(n & 0xFF);
        m_text += static_cast<char>(n >> 8);
    }
    static std::size_t get_size(const char* p) {
        return static_cast<std::size_t>(static_cast<unsigned char>(p[0])) |
               static_cast<std::size_t>(static_cast<unsigned char>(p[1])) << 8;
    }
    static void assign(Value& out, std::string_view text) {
        if (auto* s = std::get_if<std::string>(&out)) {
            s->assign(text);
        } else {
            out = std::string(text);
        }
    }

    Statement m_lookup;
    std::vector<std::uint32_t> m_offsets;
    std::string m_text;
};

std::int64_t max_id(Database& db, std::string_view table) {
    Statement st(db, fmt::format("SELECT max(id) FROM {}", table));
    return st.step() && !st.is_null(0) ? st.int64(0) : 0;
}

// `ticket export` on SQLite. Joining each ticket to its customer in the SELECT seeks a random
// customer row per ticket, and the cost's correlated subquery opens a cursor per ticket: the two
// took more CPU time than reading and writing the tickets (1M tickets over 200k customers: 45% of
// the export). Here the tickets are read alone, in id order; customers come from a CustomerCache
// (filled in one pass when there are more tickets than customers), and the parts costs from a
// second statement over the ledger grouped by ticket in the same order, merged as they come. Both
// statements stay open together, so they read the same snapshot. The rows and their order are
// those of the joined SELECT (a ticket without its customer row is left out, as the inner join
// leaves it out).
std::int64_t export_tickets_merged(Database& db, const std::vector<std::size_t>& chosen,
                                   const RowSink& sink) {
    // The SELECT: t.id, t.customer_id and t.minutes first, then the other ticket columns chosen.
    std::vector<std::string_view> exprs = {"t.id", "t.customer_id", "t.minutes"};
    std::vector<TicketSource> sources;
    std::vector<int> select_column; // per chosen column, for TicketSource::ticket
    bool need_customer = false;
    bool need_cost = false;
    for (const std::size_t i : chosen) {
        const TicketColumn& column = k_ticket_columns[i];
        if (column.name == "customer" || column.name == "email") {
            sources.push_back(column.name == "customer" ? TicketSource::customer_name
                                                        : TicketSource::customer_email);
            select_column.push_back(-1);
            need_customer = true;
        } else if (column.name == "cost") {
            sources.push_back(TicketSource::cost);
            select_column.push_back(-1);
            need_cost = true;
        } else {
            sources.push_back(TicketSource::ticket);
            const auto at = std::find(exprs.begin(), exprs.end(), column.sql);
            select_column.push_back(static_cast<int>(at - exprs.begin()));
            if (at == exprs.end()) {
                exprs.push_back(column.sql);
            }
        }
    }
    const std::int64_t hourly = need_cost ? setting_money(db, "hourly_cost") : 0;
    Statement tickets(db,
                      fmt::format("SELECT {} FROM ticket t ORDER BY t.id", fmt::join(exprs, ", ")));
    // The first step opens the read transaction that the cache's pass, the lookups and the
    // ledger query then share with it: one snapshot, as the joined SELECT had.
    bool more = tickets.step();
    std::optional<CustomerCache> customers;
    if (need_customer && more) {
        const std::int64_t last_customer = max_id(db, "customer");
        customers.emplace(db, last_customer);
        if (max_id(db, "ticket") >= last_customer) {
            customers->fill(db);
        }
    }
    // The same sum as the cost column's subquery (ticket_columns.hpp), for every ticket at once.
    Statement parts(db, "SELECT ticket_id, -sum(qty * unit_cost) FROM stock_move "
                        "WHERE ticket_id IS NOT NULL AND kind IN ('consume', 'return') "
                        "GROUP BY ticket_id ORDER BY ticket_id");
    bool have_part = need_cost && more && parts.step();

    Row row(chosen.size());
    Value name;
    Value email;
    std::int64_t count = 0;
    for (; more; more = tickets.step()) {
        const std::int64_t customer_id = tickets.int64(1);
        if (need_customer) {
            customers->prefetch(customer_id);
        }
        for (std::size_t c = 0; c < chosen.size(); ++c) {
            if (sources[c] == TicketSource::ticket) {
                tickets.value_into(select_column[c], row[c]);
            }
        }
        if (need_customer && !customers->find(customer_id, name, email)) {
            continue;
        }
        std::int64_t cost = 0;
        if (need_cost) {
            const std::int64_t id = tickets.int64(0);
            while (have_part && parts.int64(0) < id) {
                have_part = parts.step();
            }
            cost = (tickets.int64(2) * hourly + 30) / 60;
            if (have_part && parts.int64(0) == id && !parts.is_null(1)) {
                cost += parts.int64(1);
            }
        }
        for (std::size_t c = 0; c < chosen.size(); ++c) {
            switch (sources[c]) {
            case TicketSource::ticket:
                break;
            case TicketSource::customer_name:
                row[c] = name;
                break;
            case TicketSource::customer_email:
                row[c] = email;
                break;
            case TicketSource::cost:
                row[c] = cost;
                break;
            }
        }
        sink(row);
        ++count;
    }
    return count;
}

} // namespace

std::int64_t export_dataset(Database& db, Dataset dataset, const std::vector<std::string>& names,
                            const RowSink& sink) {
    const std::vector<std::size_t> chosen = chosen_indexes(dataset, names);
    if (dataset == Dataset::tickets && dialect(db) == Dialect::sqlite) {
        // Its customers are in a cache of its own: SQLite's default page cache is enough.
        return export_tickets_merged(db, chosen, sink);
    }
    // Moves join their part (and tickets on a server their customer) in the order of another
    // table: a larger page cache keeps those pages in memory instead of reading them again from
    // the file, within the memory budget.
    const ScopedCacheSize cache(db, k_export_cache_kib);
    Statement st(db, dataset_info(dataset).select());
    if (dataset == Dataset::tickets) {
        st.bind(1, setting_money(db, "hourly_cost"));
    }
    Row row(chosen.size());
    std::int64_t count = 0;
    while (st.step()) {
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            st.value_into(static_cast<int>(chosen[i]), row[i]);
        }
        sink(row);
        ++count;
    }
    return count;
}

} // namespace svcmgr
