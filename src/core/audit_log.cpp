#include "audit_log.hpp"

#include "sql.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>
#include <nettle/sha2.h>

#include <algorithm>
#include <array>

namespace svcmgr {

std::string canonical_json(const Json& value) {
    // nlohmann keeps object keys sorted by bytes, which equals RFC 8785's UTF-16 order for the
    // ASCII keys svcmgr writes; strings are escaped as RFC 8785 requires.
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string sha256_hex(std::string_view bytes) {
    return sha256_hex(bytes, {});
}

std::string sha256_hex(std::string_view first, std::string_view second) {
    sha256_ctx ctx{};
    sha256_init(&ctx);
    sha256_update(&ctx, first.size(), reinterpret_cast<const std::uint8_t*>(first.data()));
    sha256_update(&ctx, second.size(), reinterpret_cast<const std::uint8_t*>(second.data()));
    std::array<std::uint8_t, SHA256_DIGEST_SIZE> digest{};
    sha256_digest(&ctx, digest.size(), digest.data());
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string hex(digest.size() * 2, '0');
    for (std::size_t i = 0; i < digest.size(); ++i) {
        hex[2 * i] = k_hex[digest[i] >> 4];
        hex[2 * i + 1] = k_hex[digest[i] & 0xf];
    }
    return hex;
}

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char k_hex[] = "0123456789abcdef";
    out += '"';
    static constexpr auto k_needs_escape = [] {
        std::array<bool, 256> table{};
        for (std::size_t c = 0; c < 0x20; ++c) {
            table[c] = true;
        }
        table['"'] = true;
        table['\\'] = true;
        return table;
    }();
    out.reserve(out.size() + s.size() + 2);
    std::size_t run = 0; // start of the pending run of characters that need no escape
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (!k_needs_escape[u]) {
            continue;
        }
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (u) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += k_hex[u >> 4];
            out += k_hex[u & 0xf];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

std::string canonical_audit_row(std::int64_t seq, std::int64_t at, std::string_view actor,
                                std::string_view action, std::string_view entity,
                                std::string_view entity_id, std::string_view change) {
    // Keys in RFC 8785 order: action, actor, at, change, entity, entity_id, seq.
    std::string out;
    out.reserve(change.size() + change.size() / 8 + actor.size() + 128);
    out += "{\"action\":";
    append_json_string(out, action);
    out += ",\"actor\":";
    append_json_string(out, actor);
    out += ",\"at\":";
    out += std::to_string(at);
    out += ",\"change\":";
    append_json_string(out, change);
    out += ",\"entity\":";
    append_json_string(out, entity);
    out += ",\"entity_id\":";
    append_json_string(out, entity_id);
    out += ",\"seq\":";
    out += std::to_string(seq);
    out += '}';
    return out;
}

void append_audit(Database& db, const Stamp& stamp, std::string_view action,
                  std::string_view entity, std::string_view entity_id, const Json& before,
                  const Json& after) {
    if (stamp.actor.empty()) {
        throw Error(ErrorKind::usage, "the actor may not be empty");
    }
    std::int64_t seq = 1;
    std::string prev_hash(64, '0');
    {
        Statement last(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
        if (last.step()) {
            seq = last.int64(0) + 1;
            prev_hash = last.text(1);
        }
    }
    const std::string change = canonical_json(Json{{"after", after}, {"before", before}});
    const Json row = {{"seq", seq},       {"at", stamp.now},  {"actor", stamp.actor},
                      {"action", action}, {"entity", entity}, {"entity_id", entity_id},
                      {"change", change}};
    const std::string hash = sha256_hex(prev_hash + canonical_json(row));
    Statement insert(db, "INSERT INTO audit (seq, at, actor, action, entity, entity_id, change, "
                         "prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    insert.bind_all(seq, stamp.now, stamp.actor, action, entity, entity_id, change, prev_hash, hash)
        .run();
}

void append_batch_audit(Database& db, const Stamp& stamp, std::string_view action,
                        std::string_view entity,
                        const std::vector<std::pair<std::string, Json>>& rows) {
    Json hashes = Json::object();
    for (const auto& [key, state] : rows) {
        hashes[key] = sha256_hex(canonical_json(state));
    }
    append_audit(db, stamp, action, entity, k_batch_id, nullptr, Json{{"rows", hashes}});
}

std::vector<int> columns_by_name(const Statement& st) {
    std::vector<std::pair<std::string, int>> names;
    for (int i = 0; i < st.column_count(); ++i) {
        names.emplace_back(st.column_name(i), i);
    }
    std::sort(names.begin(), names.end());
    std::vector<int> order;
    for (const auto& [name, i] : names) {
        order.push_back(i);
    }
    return order;
}

std::string canonical_row(const Statement& st, const std::vector<int>& order) {
    std::string out = "{";
    for (const int i : order) {
        if (out.size() > 1) {
            out += ',';
        }
        append_json_string(out, st.column_name(i));
        out += ':';
        const Value v = st.value(i);
        if (const auto* number = std::get_if<std::int64_t>(&v)) {
            out += std::to_string(*number);
        } else if (const auto* text = std::get_if<std::string>(&v)) {
            append_json_string(out, *text);
        } else {
            out += "null";
        }
    }
    out += '}';
    return out;
}

Json row_state(Database& db, std::string_view table, std::string_view key_column,
               const Value& key) {
    // table and key_column come from core code, never from users.
    Statement st(db, fmt::format("SELECT * FROM {} WHERE {} = $1", table, key_column));
    st.bind(1, key);
    if (!st.step()) {
        return nullptr;
    }
    Json state = Json::object();
    for (int i = 0; i < st.column_count(); ++i) {
        const Value v = st.value(i);
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
            state[st.column_name(i)] = *n;
        } else if (const auto* t = std::get_if<std::string>(&v)) {
            state[st.column_name(i)] = *t;
        } else {
            state[st.column_name(i)] = nullptr;
        }
    }
    return state;
}

} // namespace svcmgr
