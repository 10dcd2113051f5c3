#pragma once

// Writing the audit trail (DESIGN.md section 6). Called inside the write transaction of the
// public core function that makes the change.

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>
#include <svcmgr/text.hpp>

#include "db/driver.hpp"

#include <nettle/sha2.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace svcmgr {

using Json = nlohmann::json;

// The canonical (RFC 8785) text of a JSON value: sorted keys, no whitespace, UTF-8 as stored.
std::string canonical_json(const Json& value);

// SHA-256 as 64 lowercase hex characters, of `bytes` or of `first` followed by `second`.
std::string sha256_hex(std::string_view bytes);
std::string sha256_hex(std::string_view first, std::string_view second);

// The most bytes escape_json_chars writes for `n` characters.
constexpr std::size_t escaped_size_bound(std::size_t n) {
    return 6 * n + 1;
}

// Writes the characters of `s` escaped as inside an RFC 8785 JSON string (no quotes) to `out`,
// which has room for escaped_size_bound(s.size()) bytes; returns the end of what it wrote.
char* escape_json_chars(char* out, std::string_view s);

using Digest = std::array<std::uint8_t, SHA256_DIGEST_SIZE>;

// A digest as 64 lowercase hex characters.
std::string to_hex(const Digest& digest);

// SHA-256 as the hash of a HashWriter.
class Sha256 {
public:
    Sha256() { sha256_init(&m_ctx); }
    void update(const char* data, std::size_t size) {
        sha256_update(&m_ctx, size, reinterpret_cast<const std::uint8_t*>(data));
    }
    // The digest of everything since construction or the last digest.
    Digest digest() {
        Digest d{};
        sha256_digest(&m_ctx, d.size(), d.data());
        return d;
    }

private:
    sha256_ctx m_ctx{};
};

// A hash over bytes written piece by piece. Pieces go through a buffer, so that many small
// pieces cost one call into the hash per block and escaped text is hashed without building it.
template <typename Hash>
class HashWriter {
public:
    explicit HashWriter(Hash hash = {}) : m_hash(std::move(hash)) {}
    void write(std::string_view bytes) {
        if (bytes.size() > m_buffer.size() - m_len) {
            flush();
            if (bytes.size() > m_buffer.size()) {
                m_hash.update(bytes.data(), bytes.size());
                return;
            }
        }
        std::copy(bytes.begin(), bytes.end(), m_buffer.data() + m_len);
        m_len += bytes.size();
    }
    void write(char c) {
        if (m_len == m_buffer.size()) {
            flush();
        }
        m_buffer[m_len++] = c;
    }
    void write_int(std::int64_t n) {
        std::array<char, 24> digits{};
        const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), n);
        write(
            std::string_view(digits.data(), static_cast<std::size_t>(result.ptr - digits.data())));
    }
    // `s` as a JSON string, the bytes append_json_string appends.
    void write_json_string(std::string_view s) {
        // Escapes in pieces small enough that the buffer always has room for the worst case.
        constexpr std::size_t k_piece = 1024;
        write('"');
        while (!s.empty()) {
            const std::string_view piece = s.substr(0, k_piece);
            if (escaped_size_bound(piece.size()) > m_buffer.size() - m_len) {
                flush();
            }
            m_len = static_cast<std::size_t>(escape_json_chars(m_buffer.data() + m_len, piece) -
                                             m_buffer.data());
            s.remove_prefix(piece.size());
        }
        write('"');
    }
    // The digest of everything written since construction or the last finish.
    auto finish() {
        flush();
        return m_hash.digest();
    }

private:
    void flush() {
        m_hash.update(m_buffer.data(), m_len);
        m_len = 0;
    }
    Hash m_hash;
    std::size_t m_len = 0;
    std::array<char, 16384> m_buffer{};
};

using Sha256Writer = HashWriter<Sha256>;

// The same interface appending to a string, to build the bytes a Sha256Writer hashes.
class StringWriter {
public:
    explicit StringWriter(std::string& out) : m_out(out) {}
    void write(std::string_view bytes) { m_out += bytes; }
    void write(char c) { m_out += c; }
    void write_int(std::int64_t n) { m_out += std::to_string(n); }
    void write_json_string(std::string_view s) { append_json_string(m_out, s); }

private:
    std::string& m_out;
};

// Writes the canonical text of an audit row, the bytes its hash covers after prev_hash
// (DESIGN.md 6), to a Sha256Writer or StringWriter.
template <typename Writer>
void write_audit_row(Writer& out, std::int64_t seq, std::int64_t at, std::string_view actor,
                     std::string_view action, std::string_view entity, std::string_view entity_id,
                     std::string_view change) {
    // Keys in RFC 8785 order: action, actor, at, change, entity, entity_id, seq.
    out.write(R"({"action":)");
    out.write_json_string(action);
    out.write(R"(,"actor":)");
    out.write_json_string(actor);
    out.write(R"(,"at":)");
    out.write_int(at);
    out.write(R"(,"change":)");
    out.write_json_string(change);
    out.write(R"(,"entity":)");
    out.write_json_string(entity);
    out.write(R"(,"entity_id":)");
    out.write_json_string(entity_id);
    out.write(R"(,"seq":)");
    out.write_int(seq);
    out.write('}');
}

// The canonical text of an audit row, the bytes its hash covers after prev_hash (DESIGN.md 6).
std::string canonical_audit_row(std::int64_t seq, std::int64_t at, std::string_view actor,
                                std::string_view action, std::string_view entity,
                                std::string_view entity_id, std::string_view change);

// Appends one hash-chained audit row: change = {"after": after, "before": before}.
// `before` is null on create, `after` null on delete.
void append_audit(Database& db, const Stamp& stamp, std::string_view action,
                  std::string_view entity, std::string_view entity_id, const Json& before,
                  const Json& after);

// The same with the change given as its canonical text (`{"after":...,"before":...}`), for
// changes too large to build as a Json value.
void append_audit_text(Database& db, const Stamp& stamp, std::string_view action,
                       std::string_view entity, std::string_view entity_id,
                       std::string_view change);

// The entity_id of a batch record: its change lists many rows of one entity.
inline constexpr std::string_view k_batch_id = "*";

// Appends one audit row for a bulk operation on many rows of `entity`:
// change = {"after": {"rows": {KEY: SHA-256 of the row's canonical state, ...}}, "before": null},
// so that verify can still check every row while auditing stays cheap.
void append_batch_audit(Database& db, const Stamp& stamp, std::string_view action,
                        std::string_view entity,
                        const std::vector<std::pair<std::string, Json>>& rows);

class Statement;

// The column indexes of `st` in the order of their names, for canonical_row.
std::vector<int> columns_by_name(const Statement& st);

// How write_canonical_row lays a row out: its columns in the order of their names, each with
// the text before its value (`{"name":` for the first, `,"name":` for the others).
struct RowLayout {
    std::vector<int> columns;
    std::vector<std::string> keys;
};

// `names[i]` is the name of column i.
RowLayout row_layout(const std::vector<std::string>& names);

// canonical_row writes a column of ColumnKind (driver.hpp) integer as a JSON number, null as
// `null`, and text as a JSON string.

// Writes the canonical JSON text of one row to `out`. `row` gives kind(i), int64(i) and
// text(i) (a string or string_view) of column i.
template <typename Writer, typename Row>
void write_canonical_row(Writer& out, const RowLayout& layout, const Row& row) {
    if (layout.columns.empty()) {
        out.write("{}");
        return;
    }
    for (std::size_t j = 0; j < layout.columns.size(); ++j) {
        out.write(layout.keys[j]);
        const int i = layout.columns[j];
        switch (row.kind(i)) {
        case ColumnKind::integer:
            out.write_int(row.int64(i));
            break;
        case ColumnKind::null:
            out.write("null");
            break;
        case ColumnKind::text:
            out.write_json_string(row.text(i));
            break;
        }
    }
    out.write('}');
}

// The canonical JSON text of the current row of `st` (an object keyed by column name), equal to
// canonical_json of the row_state of the same row, without building a Json value.
std::string canonical_row(const Statement& st, const std::vector<int>& order);

// The full state of one row of `table` as a JSON object keyed by column name, or null when absent.
Json row_state(Database& db, std::string_view table, std::string_view key_column, const Value& key);

} // namespace svcmgr
