#pragma once

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// id, ref, name, email, phone, created_at, tickets, open_tickets
Table list_customers(Database& db);

// The email of every customer that has one, in id order (for completion).
std::vector<std::string> customer_emails(Database& db);

struct CustomerDetail {
    Table customer; // one row: the list columns plus repeat_contacts
    Table tickets;  // id, status, priority, category, created_at, repeat, title
};

// The customer named by KEY: an id, an email, or a unique exact name.
// nullopt when none matches; Error(refused) when a name matches several.
std::optional<CustomerDetail> show_customer(Database& db, std::string_view key);

// The id of the customer that KEY names (same rules), for filters. nullopt when none.
std::optional<std::int64_t> find_customer(Database& db, std::string_view key);

} // namespace svcmgr
