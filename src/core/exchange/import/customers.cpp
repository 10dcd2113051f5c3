// Import of the customers: id, ref, name, email, phone, created_at.

#include <svcmgr/error.hpp>

#include "exchange/import/importer.hpp"

#include <fmt/format.h>

namespace svcmgr {

namespace {

class CustomerImporter final : public TableImporter {
public:
    CustomerImporter(Database& db, RecordSource& source, const ImportOptions& options,
                     const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::customers, "customer", "customer",
                        {{"id", "id"},
                         {"ref", "ref"},
                         {"name", "name"},
                         {"email", "email"},
                         {"phone", "phone"},
                         {"created_at", "created_at"}},
                        Key::id_or_ref, "ref", true),
          m_audit(m_spool, db, "customer", "customer", "id"),
          m_by_email(db, "SELECT id FROM customer WHERE email = $1") {}

protected:
    std::vector<std::string_view> required() const override { return {"name"}; }
    // before_write looks customers up by email.
    bool batch_inserts() const override { return false; }
    std::vector<std::string_view> derived() const override { return {"tickets", "open_tickets"}; }

    Prepared prepare() override {
        Prepared row;
        row.id = id(c_id);
        row.natural = code(c_ref);
        const auto email = text(c_email);
        row.values = {to_value(row.id),        to_value(row.natural),
                      required_text(c_name),   to_value(email),
                      to_value(text(c_phone)), time(c_created_at).value_or(m_stamp.now)};
        return row;
    }

    void before_write(Prepared& row, const std::optional<std::int64_t>& existing) override {
        if (const auto* email = std::get_if<std::string>(&row.values[3])) {
            const auto holder = lookup(m_by_email, *email);
            if (holder && holder != existing) {
                bad("email", fmt::format("email {} belongs to customer {}", *email, *holder));
            }
        }
    }

    void written(const Value& key, const std::vector<Value>* state) override {
        audit(m_audit, key, state);
    }
    void finish() override { m_audit.flush(); }

private:
    const std::size_t c_id = column("id"), c_ref = column("ref"), c_name = column("name"),
                      c_email = column("email"), c_phone = column("phone"),
                      c_created_at = column("created_at");
    BatchAudit m_audit;
    Statement m_by_email;
};

} // namespace

std::unique_ptr<Importer> customer_importer(Database& db, RecordSource& source,
                                            const ImportOptions& options, const Stamp& stamp) {
    return std::make_unique<CustomerImporter>(db, source, options, stamp);
}

} // namespace svcmgr
