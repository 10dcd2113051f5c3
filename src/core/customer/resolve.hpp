#pragma once

// Which customer an id, an email or a name gives: one rule for `ticket add`, `customer show`
// (and the customer: filter) and the ticket import (DESIGN.md section 7).

#include <svcmgr/db.hpp>

#include "db/sql.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace svcmgr {

// What names a customer: any of an id, an email and a name.
struct CustomerKey {
    std::optional<std::int64_t> id = {};
    std::optional<std::string_view> email = {};
    std::optional<std::string_view> name = {};
};

enum class MatchedBy { id, email, name };

struct CustomerMatch {
    std::int64_t id = 0;
    MatchedBy by = MatchedBy::id;
};

// The customer `key` names: by id when it gives one; else (or when no customer has that id) by
// email when it gives one; by name only when it gives neither. nullopt when none matches, for
// the caller to create it or not. `lookup` finds customers: has_id(id) -> bool,
// by_email(email) -> std::optional<std::int64_t>, by_name(name) -> std::optional<std::int64_t>
// (which throws when several customers have that name).
template <typename Lookup>
std::optional<CustomerMatch> resolve_customer(Lookup& lookup, const CustomerKey& key) {
    if (key.id && lookup.has_id(*key.id)) {
        return CustomerMatch{*key.id, MatchedBy::id};
    }
    if (key.email) {
        if (const auto id = lookup.by_email(*key.email)) {
            return CustomerMatch{*id, MatchedBy::email};
        }
        return std::nullopt;
    }
    if (key.name && !key.id) {
        if (const auto id = lookup.by_name(*key.name)) {
            return CustomerMatch{*id, MatchedBy::name};
        }
    }
    return std::nullopt;
}

// The customer table as resolve_customer's lookup. A name that several customers have is
// Error(refused) "several customers are named 'NAME'" with `several_hint`.
class StoredCustomers {
public:
    StoredCustomers(Database& db, std::string_view several_hint)
        : m_db(db), m_several_hint(several_hint) {}

    bool has_id(std::int64_t id);
    std::optional<std::int64_t> by_email(std::string_view email);
    std::optional<std::int64_t> by_name(std::string_view name);

private:
    Database& m_db;
    std::string_view m_several_hint;
};

// The key of a customer given as one word: an id when it is a number, an email when it has an @,
// else a name.
CustomerKey customer_key(std::string_view word);

// The customer `key` names in the customer table (StoredCustomers), or nullopt.
std::optional<std::int64_t> lookup_customer(Database& db, const CustomerKey& key,
                                            std::string_view several_hint);

// The same, else a new customer named key.name with key.email, created at stamp.now and audited.
std::int64_t lookup_or_create_customer(Database& db, const CustomerKey& key,
                                       std::string_view several_hint, const Stamp& stamp);

} // namespace svcmgr
