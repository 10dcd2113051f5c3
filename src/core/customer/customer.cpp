#include <svcmgr/customer.hpp>
#include <svcmgr/settings.hpp>

#include "customer/columns.hpp"
#include "customer/resolve.hpp"
#include "db/sql.hpp"

#include <fmt/format.h>

namespace svcmgr {

namespace {

Row read_row(const Statement& st, int columns) {
    Row row;
    for (int i = 0; i < columns; ++i) {
        row.push_back(st.value(i));
    }
    return row;
}

} // namespace

Table list_customers(Database& db) {
    Table table;
    table.columns = customer_columns();
    Statement st(db, fmt::format("{} ORDER BY c.id", k_customer_select));
    while (st.step()) {
        table.rows.push_back(read_row(st, 8));
    }
    return table;
}

std::vector<std::string> customer_emails(Database& db) {
    Statement st(db, "SELECT email FROM customer WHERE email IS NOT NULL ORDER BY id");
    std::vector<std::string> emails;
    while (st.step()) {
        emails.push_back(st.text(0));
    }
    return emails;
}

std::optional<std::int64_t> find_customer(Database& db, std::string_view key) {
    return lookup_customer(db, customer_key(key), "name the customer by id or email");
}

std::optional<CustomerDetail> show_customer(Database& db, std::string_view key) {
    const auto id = find_customer(db, key);
    if (!id) {
        return std::nullopt;
    }
    const std::int64_t window = setting_seconds(db, "repeat_window");
    CustomerDetail detail;
    detail.tickets.columns = {{"id", ColumnType::integer},      {"status", ColumnType::code},
                              {"priority", ColumnType::code},   {"category", ColumnType::code},
                              {"created_at", ColumnType::time}, {"repeat", ColumnType::boolean},
                              {"title", ColumnType::text}};
    // A repeat contact: the customer opened another ticket within repeat_window before this one.
    Statement tickets(db, "SELECT t.id, t.status, t.priority, t.category, t.created_at, "
                          "EXISTS (SELECT 1 FROM ticket p WHERE p.customer_id = t.customer_id "
                          "AND p.id <> t.id AND p.created_at < t.created_at "
                          "AND p.created_at >= t.created_at - $2), t.title "
                          "FROM ticket t WHERE t.customer_id = $1 ORDER BY t.created_at, t.id");
    tickets.bind_all(*id, window);
    std::int64_t repeats = 0;
    while (tickets.step()) {
        repeats += tickets.int64(5);
        detail.tickets.rows.push_back(read_row(tickets, 7));
    }
    detail.customer.columns = customer_columns();
    detail.customer.columns.push_back({"repeat_contacts", ColumnType::integer});
    Statement st(db, fmt::format("{} WHERE c.id = $1", k_customer_select));
    st.bind(1, *id);
    st.step();
    detail.customer.rows.push_back(read_row(st, 8));
    detail.customer.rows.back().emplace_back(repeats);
    return detail;
}

} // namespace svcmgr
