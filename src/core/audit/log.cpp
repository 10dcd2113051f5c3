#include "audit/log.hpp"

#include "db/sql.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>
#include <nettle/sha2.h>

#include <algorithm>
#include <array>
#include <bit>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    Sha256 hash;
    hash.update(first.data(), first.size());
    hash.update(second.data(), second.size());
    return to_hex(hash.digest());
}

std::string to_hex(const Digest& digest) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string hex(digest.size() * 2, '0');
    for (std::size_t i = 0; i < digest.size(); ++i) {
        hex[2 * i] = k_hex[digest[i] >> 4];
        hex[2 * i + 1] = k_hex[digest[i] & 0xf];
    }
    return hex;
}

namespace {

// How escape_json_chars writes each byte: as itself (0), after a backslash (1: `"` and `\`), or
// as a control character (2).
constexpr auto k_escape_class = [] {
    std::array<std::uint8_t, 256> table{};
    for (std::size_t c = 0; c < 0x20; ++c) {
        table[c] = 2;
    }
    table['"'] = 1;
    table['\\'] = 1;
    return table;
}();

char* escape_control(char* out, unsigned char u) {
    static constexpr char k_hex[] = "0123456789abcdef";
    static constexpr std::array<char, 0x20> k_short = {0, 0,   0,   0, 0, 0, 0, 0, 'b', 't', 'n',
                                                       0, 'f', 'r', 0, 0, 0, 0, 0, 0,   0,   0,
                                                       0, 0,   0,   0, 0, 0, 0, 0, 0,   0};
    *out++ = '\\';
    if (k_short[u] != 0) {
        *out++ = k_short[u];
        return out;
    }
    *out++ = 'u';
    *out++ = '0';
    *out++ = '0';
    *out++ = k_hex[u >> 4];
    *out++ = k_hex[u & 0xf];
    return out;
}

} // namespace

namespace {

char* escape_json_scalar(char* out, std::string_view s) {
    for (const char ch : s) {
        const auto u = static_cast<unsigned char>(ch);
        const std::uint8_t kind = k_escape_class[u];
        if (kind > 1) {
            out = escape_control(out, u);
            continue;
        }
        // Quotes are frequent in the JSON text of a change: write both bytes and advance by one
        // or two rather than branch on each character.
        out[0] = kind != 0 ? '\\' : ch;
        out[1] = ch;
        out += 1 + kind;
    }
    return out;
}

} // namespace

char* escape_json_chars(char* out, std::string_view s) {
    const char* p = s.data();
    const char* const end = p + s.size();
#if defined(__SSE2__)
    // 16 bytes at a time: copy them, then put a backslash before each `"` and `\` by writing the
    // rest of the 16 again one place further on. The loads reach up to 15 bytes beyond the 16,
    // hence the margin; blocks with a control character take the scalar way.
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i below_space = _mm_set1_epi8(0x1f);
    while (end - p >= 32) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(block, below_space), below_space);
        if (_mm_movemask_epi8(control) != 0) {
            out = escape_json_scalar(out, std::string_view(p, 16));
            p += 16;
            continue;
        }
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash))));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), block);
        unsigned done = 0;
        while (mask != 0) {
            const auto at = static_cast<unsigned>(std::countr_zero(mask));
            out += at - done;
            *out++ = '\\';
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)));
            done = at;
            mask &= mask - 1;
        }
        out += 16 - done;
        p += 16;
    }
#endif
    return escape_json_scalar(out, std::string_view(p, static_cast<std::size_t>(end - p)));
}

void append_json_string(std::string& out, std::string_view s) {
    const std::size_t start = out.size();
    out.resize(start + escaped_size_bound(s.size()) + 2);
    char* p = out.data() + start;
    *p++ = '"';
    p = escape_json_chars(p, s);
    *p++ = '"';
    out.resize(static_cast<std::size_t>(p - out.data()));
}

std::string canonical_audit_row(std::int64_t seq, std::int64_t at, std::string_view actor,
                                std::string_view action, std::string_view entity,
                                std::string_view entity_id, std::string_view change) {
    std::string out;
    out.reserve(change.size() + change.size() / 8 + actor.size() + 128);
    StringWriter writer(out);
    write_audit_row(writer, seq, at, actor, action, entity, entity_id, change);
    return out;
}

void append_audit(Database& db, const Stamp& stamp, std::string_view action,
                  std::string_view entity, std::string_view entity_id, const Json& before,
                  const Json& after) {
    append_audit_text(db, stamp, action, entity, entity_id,
                      canonical_json(Json{{"after", after}, {"before", before}}));
}

void append_audit_text(Database& db, const Stamp& stamp, std::string_view action,
                       std::string_view entity, std::string_view entity_id,
                       std::string_view change) {
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
    Sha256Writer hasher;
    hasher.write(prev_hash);
    write_audit_row(hasher, seq, stamp.now, stamp.actor, action, entity, entity_id, change);
    const std::string hash = to_hex(hasher.finish());
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
    std::vector<std::string> names;
    for (int i = 0; i < st.column_count(); ++i) {
        names.push_back(st.column_name(i));
    }
    return row_layout(names).columns;
}

namespace {

RowLayout layout_in_order(const std::vector<std::string>& names, const std::vector<int>& order) {
    RowLayout layout;
    for (const int i : order) {
        std::string key = layout.columns.empty() ? "{" : ",";
        append_json_string(key, names[static_cast<std::size_t>(i)]);
        key += ':';
        layout.columns.push_back(i);
        layout.keys.push_back(std::move(key));
    }
    return layout;
}

} // namespace

RowLayout row_layout(const std::vector<std::string>& names) {
    std::vector<std::pair<std::string, int>> sorted;
    for (std::size_t i = 0; i < names.size(); ++i) {
        sorted.emplace_back(names[i], static_cast<int>(i));
    }
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> order;
    for (const auto& [name, i] : sorted) {
        order.push_back(i);
    }
    return layout_in_order(names, order);
}

namespace {

// A Statement's current row as write_canonical_row reads it.
struct StatementRow {
    const Statement& st;
    ColumnKind kind(int i) const {
        const Value v = st.value(i);
        return std::holds_alternative<std::int64_t>(v)  ? ColumnKind::integer
               : std::holds_alternative<std::string>(v) ? ColumnKind::text
                                                        : ColumnKind::null;
    }
    std::int64_t int64(int i) const { return st.int64(i); }
    std::string text(int i) const { return st.text(i); }
};

} // namespace

std::string canonical_row(const Statement& st, const std::vector<int>& order) {
    std::vector<std::string> names;
    for (int i = 0; i < st.column_count(); ++i) {
        names.push_back(st.column_name(i));
    }
    const RowLayout layout = layout_in_order(names, order);
    std::string out;
    StringWriter writer(out);
    write_canonical_row(writer, layout, StatementRow{st});
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
