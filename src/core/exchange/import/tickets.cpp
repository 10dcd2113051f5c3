// Import of the tickets, with the customers they name (found or created).

#include <svcmgr/settings.hpp>
#include <svcmgr/ticket.hpp>

#include "customer/resolve.hpp"
#include "db/indexes.hpp"
#include "db/scoped_cache.hpp"
#include "exchange/import/importer.hpp"

#include <fmt/format.h>

namespace svcmgr {

namespace {

constexpr std::int64_t k_max_minutes = 100'000'000;

// The names of the values of an enum up to `last`, in order, as to_string gives them.
template <typename Enum>
std::vector<std::string_view> names(Enum last) {
    std::vector<std::string_view> out;
    for (int i = 0; i <= static_cast<int>(last); ++i) {
        out.push_back(to_string(static_cast<Enum>(i)));
    }
    return out;
}

class TicketImporter final : public TableImporter {
public:
    TicketImporter(Database& db, RecordSource& source, const ImportOptions& options,
                   const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::tickets, "ticket", "ticket",
                        {{"id", "id"},
                         {"ref", "ref"},
                         {"title", "title"},
                         {"description", "description"},
                         {"customer_id", "customer_id"},
                         {"category", "category"},
                         {"channel", "channel"},
                         {"priority", "priority"},
                         {"status", "status"},
                         {"assignee", "assignee"},
                         {"created_at", "created_at"},
                         {"updated_at", "updated_at"},
                         {"first_response_at", "first_response_at"},
                         {"resolved_at", "resolved_at"},
                         {"closed_at", "closed_at"},
                         {"cause", "cause"},
                         {"preventable", "preventable"},
                         {"satisfaction", "satisfaction"},
                         {"minutes", "minutes"}},
                        Key::id_or_ref, "ref", true),
          m_audit(m_spool, db, "ticket", "ticket", "id"),
          m_customer_audit(m_spool, db, "customer", "customer", "id"),
          m_customer_by_id(db, "SELECT id FROM customer WHERE id = $1"),
          m_customer_by_email(db, "SELECT id FROM customer WHERE email = $1"),
          m_customer_by_name(db, "SELECT id FROM customer WHERE name = $1 ORDER BY id LIMIT 2") {}

protected:
    std::vector<std::string_view> required() const override { return {"title"}; }
    std::vector<std::string_view> derived() const override { return {"cost"}; }

    void setup() override {
        // New customers arrive in the order the tickets name them, their ids at random: on
        // SQLite with foreign keys off for the import (import_dataset), they are staged in a
        // temporary table and written in id order when a lookup needs them or at the end,
        // instead of one by one at random places in the customer table and its indexes.
        m_stage = dialect(m_db) == Dialect::sqlite && !foreign_keys_on(m_db);
        if (m_stage) {
            exec(m_db, "CREATE TEMP TABLE IF NOT EXISTS import_customer (id INTEGER NOT NULL, "
                       "name TEXT NOT NULL, email TEXT, created_at INTEGER NOT NULL)");
            exec(m_db, "DELETE FROM temp.import_customer");
            m_move_customers.emplace(
                m_db, "INSERT OR FAIL INTO customer (id, name, email, created_at) SELECT id, name, "
                      "email, created_at FROM temp.import_customer WHERE rowid > $1 ORDER BY id");
        }
        m_new_customers =
            connection(m_db).bulk_insert(m_stage ? "temp.import_customer" : "customer",
                                         {"id", "name", "email", "created_at"}, nullptr);
        // On PostgreSQL they wait until a lookup or the tickets need them, or the end: sent as
        // they come, each block would end the tickets' COPY and wait for the server.
        m_new_customers->hold_until_flush();
        TableImporter::setup();
        if (!present(c_customer_id) && !present(c_customer)) {
            bad("customer", "missing from the header: a ticket needs customer_id or customer");
        }
        m_categories = setting_list(m_db, "categories");
        m_channels = setting_list(m_db, "channels");
        Statement next(m_db, "SELECT coalesce(max(id), 0) + 1 FROM customer");
        next.step();
        m_next_customer = next.int64(0);
        m_first_new_customer = m_next_customer;
        next.reset();
        // New customers arrive in any id order: into an empty table, the name index is built at
        // the end too, or before the first lookup by name.
        if (m_first_new_customer == 1 && is_batched()) {
            drop_indexes("customer", m_customer_indexes);
        }
        Statement emails(m_db, "SELECT email FROM customer WHERE email IS NOT NULL");
        while (emails.step()) {
            m_emails.insert(emails.text_view(0));
        }
        emails.reset();
    }

    // New customers are written before the tickets that name them, unless the foreign keys are
    // off or dropped for the import (every ticket's customer is checked here): SQLite stages
    // them, PostgreSQL sends them in blocks of their own.
    BulkInsert* before_rows() override {
        return m_stage || m_foreign_keys_dropped ? nullptr : m_new_customers.get();
    }

    // Writes the new customers held back, so that lookups see them. The staged rows stay (the
    // temporary file goes with the connection; emptying the table would read every page back):
    // the next write starts after the last row written.
    void flush_customers() {
        m_new_customers->flush();
        if (m_staged == 0) {
            return;
        }
        {
            // SQLite sorts in memory up to the size of the page cache, on top of the cache.
            const ScopedCacheSize sort_cache(m_db, k_sort_cache_kib);
            m_move_customers->reset();
            m_move_customers->bind(1, m_moved_rowid);
            m_move_customers->run();
            m_move_customers->reset();
        }
        m_moved_rowid += m_staged;
        m_staged = 0;
    }

    // Whether customer `id` exists (or is held back to be written). After a few lookups, every
    // stored id is read into m_known_customers at once: a file that names many customers of the
    // database then needs no lookup per customer (each would wait for the ticket writes handed
    // over, on SQLite).
    bool customer_exists(std::int64_t id) {
        if (m_known_customers.contains(id)) {
            return true;
        }
        if (IdSet::tracks(id) && (id >= m_first_new_customer || m_every_customer_known)) {
            return false; // above every id at the start, or not stored, and not added since
        }
        flush_customers();
        if (++m_customer_lookups == k_lookups_before_reading_all && !m_every_customer_known) {
            Statement ids(m_db, "SELECT id FROM customer");
            while (ids.step()) {
                m_known_customers.insert(ids.int64(0));
            }
            ids.reset();
            m_every_customer_known = true;
            if (IdSet::tracks(id)) {
                return m_known_customers.contains(id);
            }
        }
        if (!exists(m_customer_by_id, id)) {
            return false;
        }
        m_known_customers.insert(id);
        return true;
    }

    bool given(std::string_view shown) const override {
        if (shown == "customer_id") {
            return present(c_customer_id) || present(c_customer);
        }
        return TableImporter::given(shown);
    }

    std::string listed(std::size_t c, const std::vector<std::string>& allowed) const {
        return one_of(c, code(c), "other", {m_columns[c].name, "allowed"}, allowed);
    }

    Prepared prepare() override {
        Prepared row;
        row.id = id(c_id);
        row.natural = code(c_ref);
        std::string status = one_of(
            c_status, code(c_status), to_string(Status::new_),
            [](std::string_view s) {
                const auto parsed = parse_status(s);
                return parsed ? std::optional(to_string(*parsed)) : std::nullopt;
            },
            {"status", "statuses"}, m_statuses);
        std::string priority = one_of(
            c_priority, code(c_priority), to_string(Priority::normal),
            [](std::string_view s) {
                const auto parsed = parse_priority(s);
                return parsed ? std::optional(to_string(*parsed)) : std::nullopt;
            },
            {"priority", "priorities"}, m_priorities);
        const auto satisfaction = count(c_satisfaction);
        if (satisfaction && !is_satisfaction(*satisfaction)) {
            bad(c_satisfaction, fmt::format("invalid satisfaction {}: expected {} to {}",
                                            *satisfaction, k_satisfaction_min, k_satisfaction_max));
        }
        const auto minutes = count(c_minutes).value_or(0);
        if (minutes > k_max_minutes) {
            bad(c_minutes, fmt::format("invalid minutes {}: too many", minutes));
        }
        const std::int64_t created = time(c_created_at).value_or(m_stamp.now);
        row.values = {to_value(row.id),
                      to_value(row.natural),
                      required_text(c_title),
                      to_value(text(c_description)),
                      Value{}, // customer_id: before_write
                      listed(c_category, m_categories),
                      listed(c_channel, m_channels),
                      priority,
                      status,
                      to_value(text(c_assignee)),
                      created,
                      time(c_updated_at).value_or(created),
                      to_value(time(c_first_response_at)),
                      to_value(time(c_resolved_at)),
                      to_value(time(c_closed_at)),
                      to_value(code(c_cause)),
                      to_value(boolean(c_preventable)),
                      to_value(satisfaction),
                      minutes};
        return row;
    }

    // The customer: customer_id when known; a new customer with that id (named by the customer
    // and email cells); else the customer with that email or that one name, or a new one.
    void before_write(Prepared& row, const std::optional<std::int64_t>& /*existing*/) override {
        const auto customer_id = id(c_customer_id);
        const auto name = text_view(c_customer);
        // Without a name, only the id is looked up: a new customer needs one.
        const auto email = name ? text_view(c_email) : std::nullopt;
        ImportedCustomers customers{*this};
        const auto match = resolve_customer(customers, {customer_id, email, name});
        if (match && match->by == MatchedBy::id) {
            row.values[4] = match->id;
            return;
        }
        if (!name) {
            bad(present(c_customer) ? "customer" : "customer_id",
                customer_id ? fmt::format("no customer with id {}: give its name in the customer "
                                          "column to create it",
                                          *customer_id)
                            : std::string("a ticket needs a customer_id or a customer name"));
        }
        if (match) {
            if (match->by == MatchedBy::email && customer_id) {
                bad("email", fmt::format("email {} belongs to customer {}, not {}", *email,
                                         match->id, *customer_id));
            }
            row.values[4] = match->id;
            return;
        }
        // The id SQLite would give: one above the largest so far.
        const std::int64_t new_id = customer_id.value_or(m_next_customer);
        m_next_customer = std::max(m_next_customer, new_id + 1);
        const std::int64_t created = std::get<std::int64_t>(row.values[10]);
        m_new_customers->add_int64(new_id);
        m_new_customers->add_text(*name);
        if (email) {
            m_new_customers->add_text(*email);
            m_emails.insert(*email);
        } else {
            m_new_customers->add_null();
        }
        m_new_customers->add_int64(created);
        m_staged += m_stage ? 1 : 0;
        m_known_customers.insert(new_id);
        m_customer_state = {new_id,
                            Value{},
                            std::string(*name),
                            email ? Value{std::string(*email)} : Value{},
                            Value{},
                            row.values[10]};
        m_customer_audit.add(Value{new_id}, m_customer_layout, m_customer_state);
        row.values[4] = new_id;
    }

    // The customers stored and held back, as resolve_customer looks them up.
    struct ImportedCustomers {
        TicketImporter& importer;
        bool has_id(std::int64_t id) { return importer.customer_exists(id); }
        std::optional<std::int64_t> by_email(std::string_view email) {
            if (!importer.m_emails.may_contain(email)) {
                return std::nullopt;
            }
            importer.flush_customers();
            return lookup(importer.m_customer_by_email, Value{std::string(email)});
        }
        std::optional<std::int64_t> by_name(std::string_view name) {
            importer.flush_customers();
            importer.create_customer_indexes();
            Statement& st = importer.m_customer_by_name;
            st.reset();
            st.bind(1, name);
            std::vector<std::int64_t> ids;
            while (st.step()) {
                ids.push_back(st.int64(0));
            }
            st.reset();
            if (ids.size() > 1) {
                importer.bad("customer", fmt::format("several customers are named '{}': give "
                                                     "customer_id or email",
                                                     name));
            }
            return ids.empty() ? std::nullopt : std::optional(ids.front());
        }
    };

    void written(const Value& key, const std::vector<Value>* state) override {
        audit(m_audit, key, state);
    }
    void end_of_rows() override {
        flush_customers();
        m_dropped_indexes.insert(m_dropped_indexes.end(), m_customer_indexes.begin(),
                                 m_customer_indexes.end());
        m_customer_indexes.clear();
        TableImporter::end_of_rows();
    }
    void create_customer_indexes() { restore_indexes(m_db, m_customer_indexes); }
    std::vector<std::string> m_customer_indexes; // dropped, to be created again
    void finish() override {
        m_customer_audit.flush();
        m_audit.flush();
    }

private:
    const std::size_t c_id = column("id"), c_ref = column("ref"), c_title = column("title"),
                      c_status = column("status"), c_priority = column("priority"),
                      c_category = column("category"), c_channel = column("channel"),
                      c_customer_id = column("customer_id"), c_customer = column("customer"),
                      c_email = column("email"), c_assignee = column("assignee"),
                      c_created_at = column("created_at"), c_updated_at = column("updated_at"),
                      c_first_response_at = column("first_response_at"),
                      c_resolved_at = column("resolved_at"), c_closed_at = column("closed_at"),
                      c_cause = column("cause"), c_preventable = column("preventable"),
                      c_satisfaction = column("satisfaction"), c_minutes = column("minutes"),
                      c_description = column("description");
    BatchAudit m_audit;
    BatchAudit m_customer_audit;
    // A new customer's whole row, in the columns of the customer table.
    const RowLayout m_customer_layout =
        row_layout({"id", "ref", "name", "email", "phone", "created_at"});
    std::vector<Value> m_customer_state;
    Statement m_customer_by_id, m_customer_by_email, m_customer_by_name;
    std::unique_ptr<BulkInsert> m_new_customers;
    bool m_stage = false;           // new customers go through temp.import_customer
    std::int64_t m_staged = 0;      // rows there not yet written to the customer table
    std::int64_t m_moved_rowid = 0; // the last row there that was
    std::optional<Statement> m_move_customers;
    // Customers that exist or are held back, as far as seen; once m_every_customer_known, every
    // one whose id IdSet tracks.
    IdSet m_known_customers;
    static constexpr std::int64_t k_lookups_before_reading_all = 1024;
    std::int64_t m_customer_lookups = 0;
    bool m_every_customer_known = false;
    KeyFilter m_emails; // customers' emails, stored or held back
    std::int64_t m_next_customer = 1, m_first_new_customer = 1;
    std::vector<std::string> m_categories, m_channels;
    const std::vector<std::string_view> m_statuses = names<Status>(Status::closed);
    const std::vector<std::string_view> m_priorities = names<Priority>(Priority::urgent);
};

} // namespace

std::unique_ptr<Importer> ticket_importer(Database& db, RecordSource& source,
                                          const ImportOptions& options, const Stamp& stamp) {
    return std::make_unique<TicketImporter>(db, source, options, stamp);
}

} // namespace svcmgr
