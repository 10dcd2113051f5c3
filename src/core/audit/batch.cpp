#include "audit/batch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <variant>

namespace svcmgr {

namespace {

// A row held as the values bound to write it, as write_canonical_row reads it.
struct ValueRow {
    const std::vector<Value>& values;
    ColumnKind kind(int i) const {
        const Value& v = values[static_cast<std::size_t>(i)];
        return std::holds_alternative<std::int64_t>(v)  ? ColumnKind::integer
               : std::holds_alternative<std::string>(v) ? ColumnKind::text
                                                        : ColumnKind::null;
    }
    std::int64_t int64(int i) const {
        return std::get<std::int64_t>(values[static_cast<std::size_t>(i)]);
    }
    std::string_view text(int i) const {
        return std::get<std::string>(values[static_cast<std::size_t>(i)]);
    }
};

std::string key_text(const Value& key) {
    return std::holds_alternative<std::int64_t>(key) ? std::to_string(std::get<std::int64_t>(key))
                                                     : std::get<std::string>(key);
}

} // namespace

AuditSpool::AuditSpool(Database& db, const Stamp& stamp)
    : m_db(db), m_stamp(stamp), m_defer(dialect(db) == Dialect::postgres) {}

void AuditSpool::add(std::string_view entity, std::string_view change) {
    if (!m_defer) {
        append_audit_text(m_db, m_stamp, "import", entity, k_batch_id, change);
        return;
    }
    put(entity);
    put(change);
}

void AuditSpool::write() {
    m_held.rewind();
    std::string entity;
    std::string change;
    while (m_held.size() > 0) {
        get(entity);
        get(change);
        append_audit_text(m_db, m_stamp, "import", entity, k_batch_id, change);
    }
}

void AuditSpool::put(std::string_view text) {
    const std::uint64_t size = text.size();
    m_held.write({reinterpret_cast<const char*>(&size), sizeof size});
    m_held.write(text);
}

void AuditSpool::get(std::string& text) {
    std::uint64_t size = 0;
    m_held.read(text, sizeof size);
    std::memcpy(&size, text.data(), sizeof size);
    m_held.read(text, size);
}

BatchAudit::BatchAudit(AuditSpool& spool, Database& db, std::string_view entity,
                       std::string_view table, std::string_view key_column)
    : m_spool(spool), m_entity(entity),
      m_select(db, fmt::format("SELECT * FROM {} WHERE {} = $1", table, key_column)) {}

void BatchAudit::add(const Value& key) {
    m_select.reset();
    m_select.bind(1, key);
    if (!m_select.step()) {
        return;
    }
    if (m_order.empty()) {
        m_order = columns_by_name(m_select);
    }
    const std::string state = canonical_row(m_select, m_order);
    m_select.reset();
    m_hasher.write(state);
    push(key);
}

void BatchAudit::add(const Value& key, const RowLayout& layout, const std::vector<Value>& values) {
    write_canonical_row(m_hasher, layout, ValueRow{values});
    push(key);
}

void BatchAudit::flush() {
    if (m_rows.empty()) {
        return;
    }
    // Keys in byte order, as canonical_json orders them; a key written twice keeps its last
    // state.
    std::stable_sort(m_rows.begin(), m_rows.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string change = R"({"after":{"rows":{)";
    change.reserve(m_rows.size() * (2 * std::tuple_size_v<Digest> + 16));
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (i + 1 < m_rows.size() && m_rows[i + 1].first == m_rows[i].first) {
            continue;
        }
        if (change.back() != '{') {
            change += ',';
        }
        append_json_string(change, m_rows[i].first);
        change += R"(:")";
        change += to_hex(m_rows[i].second);
        change += '"';
    }
    change += R"(}},"before":null})";
    m_spool.add(m_entity, change);
    m_rows.clear();
}

void BatchAudit::push(const Value& key) {
    m_rows.emplace_back(key_text(key), m_hasher.finish());
    if (m_rows.size() >= k_batch_rows) {
        flush();
    }
}

} // namespace svcmgr
