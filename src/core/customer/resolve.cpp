#include "customer/resolve.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>

#include "audit/log.hpp"

#include <fmt/format.h>

#include <string>

namespace svcmgr {

bool StoredCustomers::has_id(std::int64_t id) {
    Statement st(m_db, "SELECT id FROM customer WHERE id = $1");
    st.bind(1, id);
    return st.step();
}

std::optional<std::int64_t> StoredCustomers::by_email(std::string_view email) {
    Statement st(m_db, "SELECT id FROM customer WHERE email = $1");
    st.bind(1, email);
    return st.step() ? std::optional(st.int64(0)) : std::nullopt;
}

std::optional<std::int64_t> StoredCustomers::by_name(std::string_view name) {
    Statement st(m_db, "SELECT id FROM customer WHERE name = $1 ORDER BY id LIMIT 2");
    st.bind(1, name);
    if (!st.step()) {
        return std::nullopt;
    }
    const std::int64_t id = st.int64(0);
    if (st.step()) {
        throw Error(ErrorKind::refused, fmt::format("several customers are named '{}'", name),
                    std::string(m_several_hint));
    }
    return id;
}

CustomerKey customer_key(std::string_view word) {
    if (const auto id = parse_count(word)) {
        return {.id = id};
    }
    if (word.find('@') != std::string_view::npos) {
        return {.email = word};
    }
    return {.name = word};
}

std::optional<std::int64_t> lookup_customer(Database& db, const CustomerKey& key,
                                            std::string_view several_hint) {
    StoredCustomers stored(db, several_hint);
    const auto match = resolve_customer(stored, key);
    return match ? std::optional(match->id) : std::nullopt;
}

std::int64_t lookup_or_create_customer(Database& db, const CustomerKey& key,
                                       std::string_view several_hint, const Stamp& stamp) {
    if (const auto id = lookup_customer(db, key, several_hint)) {
        return *id;
    }
    Statement insert(db, "INSERT INTO customer (name, email, created_at) VALUES ($1, $2, $3)");
    insert.bind_all(key.name.value_or(""), key.email, stamp.now).run();
    const std::int64_t id = last_insert_id(db);
    append_audit(db, stamp, "create", "customer", std::to_string(id), nullptr,
                 row_state(db, "customer", "id", id));
    return id;
}

} // namespace svcmgr
