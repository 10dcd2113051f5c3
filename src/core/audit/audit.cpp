#include <svcmgr/audit.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>

#include "audit/log.hpp"
#include "db/sql.hpp"

#include <fmt/format.h>
#include <nettle/umac.h>

#include <algorithm>
#include <array>
#include <random>
#include <unordered_map>

namespace svcmgr {

namespace {

// The rows the audit trail vouches for: each entity, its table and the column that names a row.
struct AuditedTable {
    std::string_view entity;
    std::string_view table;
    std::string_view key;
};

constexpr std::array<AuditedTable, 4> k_audited = {{
    {"ticket", "ticket", "id"},
    {"part", "part", "id"},
    {"customer", "customer", "id"},
    {"setting", "setting", "key"},
}};

// A query read forward only, whose text it hands out without copying: a view is valid until the
// next step. Verify reads every audit row once, so copies would be a large part of its time.
class Cursor {
public:
    Cursor(Database& db, std::string_view sql) : m_stmt(connection(db).prepare(sql)) {}

    bool step() { return m_stmt->step(); }
    // As Statement::value tells them apart (call before reading the column).
    ColumnKind kind(int col) const { return m_stmt->kind(col); }
    std::int64_t int64(int col) const { return m_stmt->int64(col); }
    std::string_view text(int col) const { return m_stmt->text(col); }
    int column_count() const { return m_stmt->column_count(); }
    std::string column_name(int col) const { return m_stmt->column_name(col); }

private:
    std::unique_ptr<DriverStatement> m_stmt;
};

// How after_state's scan sees each byte outside strings (1: `"`, 2: open, 3: close, 4: `,`),
// and inside them (1: `"`, 5: `\`).
constexpr auto k_outside = [] {
    std::array<std::uint8_t, 256> table{};
    table['"'] = 1;
    table['{'] = table['['] = 2;
    table['}'] = table[']'] = 3;
    table[','] = 4;
    return table;
}();
constexpr auto k_inside = [] {
    std::array<std::uint8_t, 256> table{};
    table['"'] = 1;
    table['\\'] = 5;
    return table;
}();

// The "after" member of a change as its canonical text. Changes are written canonically as
// {"after":A,"before":B}, so A is the JSON value that starts after the first key; scanning it
// avoids parsing the whole change.
std::optional<std::string_view> after_state(std::string_view change) {
    constexpr std::string_view k_prefix = R"({"after":)";
    if (change.substr(0, k_prefix.size()) != k_prefix) {
        return std::nullopt;
    }
    const std::size_t start = k_prefix.size();
    // A create's change ends in ,"before":null} and in valid JSON text that can only be its last
    // member, so A is what lies between.
    constexpr std::string_view k_created = R"(,"before":null})";
    if (change.size() >= start + k_created.size() &&
        change.substr(change.size() - k_created.size()) == k_created) {
        return change.substr(start, change.size() - start - k_created.size());
    }
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(change[i]); };
    int depth = 0;
    for (std::size_t i = start; i < change.size(); ++i) {
        switch (k_outside[at(i)]) {
        case 1: // a string: skip to its closing quote
            for (++i; i < change.size(); ++i) {
                const std::uint8_t kind = k_inside[at(i)];
                if (kind == 1) {
                    break;
                }
                if (kind == 5) {
                    ++i;
                }
            }
            break;
        case 2:
            ++depth;
            break;
        case 3:
            --depth;
            break;
        case 4:
            if (depth == 0) {
                return change.substr(start, i - start);
            }
            break;
        default:
            break;
        }
    }
    return std::nullopt;
}

Digest digest_of(std::string_view bytes) {
    Sha256Writer hasher;
    hasher.write(bytes);
    return hasher.finish();
}

// UMAC-128 as the hash of a HashWriter, every message under the same key and nonce. Verify
// compares a row with the state its last single record left it in by this digest rather than
// SHA-256, at a quarter of the cost: the key is drawn for each run, after the database was
// written, so a row changed behind svcmgr's back matches its record only by a chance of about
// 2^-100, which no choice of the change can raise.
class Umac128 {
public:
    using Key = std::array<std::uint8_t, UMAC_KEY_SIZE>;
    explicit Umac128(const Key& key) {
        umac128_set_key(&m_ctx, key.data());
        umac128_set_nonce(&m_ctx, k_nonce.size(), k_nonce.data());
    }
    void update(const char* data, std::size_t size) {
        umac128_update(&m_ctx, size, reinterpret_cast<const std::uint8_t*>(data));
    }
    // As a Digest whose first 16 bytes are the tag.
    Digest digest() {
        Digest d{};
        umac128_digest(&m_ctx, UMAC128_DIGEST_SIZE, d.data());
        umac128_set_nonce(&m_ctx, k_nonce.size(), k_nonce.data());
        return d;
    }

    static Key random_key() {
        std::random_device random;
        Key key{};
        for (auto& byte : key) {
            byte = static_cast<std::uint8_t>(random());
        }
        return key;
    }

private:
    static constexpr std::array<std::uint8_t, 8> k_nonce{};
    umac128_ctx m_ctx{};
};

using UmacWriter = HashWriter<Umac128>;

// 64 hex characters as a digest; all zeros when malformed (which then matches no row).
Digest digest_from_hex(std::string_view hex) {
    Digest d{};
    const auto nibble = [](char c) -> int {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    if (hex.size() != 2 * d.size()) {
        return {};
    }
    for (std::size_t i = 0; i < d.size(); ++i) {
        const int hi = nibble(hex[2 * i]);
        const int lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return {};
        }
        d[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return d;
}

// Whether `hex` is the 64 lowercase hex characters of `d`.
bool hex_equals(const Digest& d, std::string_view hex) {
    static constexpr char k_hex[] = "0123456789abcdef";
    if (hex.size() != 2 * d.size()) {
        return false;
    }
    std::array<char, 2 * SHA256_DIGEST_SIZE> text{};
    for (std::size_t i = 0; i < d.size(); ++i) {
        text[2 * i] = k_hex[d[i] >> 4];
        text[2 * i + 1] = k_hex[d[i] & 0xf];
    }
    return std::string_view(text.data(), text.size()) == hex;
}

// The index in k_audited of an entity, or nullopt when verify does not compare its rows.
std::optional<std::size_t> audited_index(std::string_view entity) {
    for (std::size_t i = 0; i < k_audited.size(); ++i) {
        if (k_audited[i].entity == entity) {
            return i;
        }
    }
    return std::nullopt;
}

// `id` as a number when it is written as svcmgr writes integer ids (decimal digits without a
// leading zero), so that "17" and 17 name the same row and "017" another.
std::optional<std::size_t> dense_id(std::string_view id) {
    if (id.empty() || id.size() > 12 || (id[0] == '0' && id.size() > 1)) {
        return std::nullopt;
    }
    std::size_t n = 0;
    for (const char c : id) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

// The last record of a row: its seq and the SHA-256 of the state it left the row in (a single
// record's "after", or the state hash a batch record lists). Keeping the digest rather than the
// state lets verify compare every row in one pass over each table.
struct LastRecord {
    std::int64_t seq = 0; // 0: none
    Digest state{};
    bool batch = false; // state is SHA-256 (as a batch record lists it), else UMAC-128
};

// The last record of every row of the audited entities. Integer ids index a vector, other keys a
// map; both are looked up by the key's text so a row's id and its audit records agree.
class LastRecords {
public:
    void set(std::size_t kind, std::string_view id, LastRecord record) {
        Kind& k = m_kinds[kind];
        ++k.writes;
        if (LastRecord* slot = dense_slot(k, id)) {
            *slot = record;
            if (!k.by_key.empty()) {
                k.by_key.erase(std::string(id));
            }
        } else {
            k.by_key[std::string(id)] = record;
        }
    }

    // Makes room for the ids up to `max_id` of `kind` at once, when that is not far above the
    // number of audit rows.
    void reserve(std::size_t kind, std::int64_t max_id, std::int64_t rows) {
        if (max_id >= 0 && max_id <= 2 * rows + 65536) {
            m_kinds[kind].by_id.resize(static_cast<std::size_t>(max_id) + 1);
        }
    }

    // Removes and returns the last record of `id`, nullopt when it has none.
    std::optional<LastRecord> take(std::size_t kind, std::string_view id) {
        Kind& k = m_kinds[kind];
        if (const auto n = dense_id(id); n && *n < k.by_id.size() && k.by_id[*n].seq != 0) {
            return std::exchange(k.by_id[*n], LastRecord{});
        }
        if (k.by_key.empty()) {
            return std::nullopt;
        }
        const auto it = k.by_key.find(std::string(id));
        if (it == k.by_key.end()) {
            return std::nullopt;
        }
        const LastRecord record = it->second;
        k.by_key.erase(it);
        return record;
    }

    struct Left {
        std::int64_t seq;
        std::size_t kind;
        std::string id;
        Digest state;
        bool batch;
    };

    // The records no row took, by seq.
    std::vector<Left> left() const {
        std::vector<Left> out;
        for (std::size_t kind = 0; kind < m_kinds.size(); ++kind) {
            const Kind& k = m_kinds[kind];
            for (std::size_t id = 0; id < k.by_id.size(); ++id) {
                if (k.by_id[id].seq != 0) {
                    const LastRecord& r = k.by_id[id];
                    out.push_back({r.seq, kind, std::to_string(id), r.state, r.batch});
                }
            }
            std::vector<Left> keyed;
            for (const auto& [id, record] : k.by_key) {
                keyed.push_back({record.seq, kind, id, record.state, record.batch});
            }
            std::sort(keyed.begin(), keyed.end(),
                      [](const Left& a, const Left& b) { return a.id < b.id; });
            out.insert(out.end(), keyed.begin(), keyed.end());
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const Left& a, const Left& b) { return a.seq < b.seq; });
        return out;
    }

private:
    struct Kind {
        std::vector<LastRecord> by_id;
        std::unordered_map<std::string, LastRecord> by_key;
        std::size_t writes = 0;
    };

    // The vector slot of a dense id, growing the vector for ids not far above the number of
    // records; nullptr for other keys and for ids far above (a forged huge id goes to the map).
    static LastRecord* dense_slot(Kind& k, std::string_view id) {
        const auto n = dense_id(id);
        if (!n) {
            return nullptr;
        }
        if (*n >= k.by_id.size()) {
            if (*n > 2 * k.writes + 65536) {
                return nullptr;
            }
            k.by_id.resize(std::max(*n + 1, 2 * k.by_id.size()));
        }
        return &k.by_id[*n];
    }

    std::array<Kind, k_audited.size()> m_kinds{};
};

void record_batch(std::size_t kind, std::int64_t seq, std::string_view change, LastRecords& last) {
    const Json parsed = Json::parse(change, nullptr, false);
    if (!parsed.is_object()) {
        return;
    }
    const auto after = parsed.find("after");
    if (after == parsed.end() || !after->is_object()) {
        return;
    }
    const auto rows = after->find("rows");
    if (rows == after->end() || !rows->is_object()) {
        return;
    }
    for (const auto& [key, hash] : rows->items()) {
        last.set(kind, key,
                 {seq, digest_from_hex(hash.is_string() ? hash.get<std::string>() : std::string()),
                  true});
    }
}

// How often verify reports progress, and how long a trail must be to report any.
constexpr std::int64_t k_progress_step = 65536;

void check_chain(Database& db, const VerifyOptions& options, const Umac128::Key& key,
                 VerifyReport& report, LastRecords& last) {
    std::int64_t total = 0;
    {
        Statement count(db, "SELECT count(*) FROM audit");
        count.step();
        total = count.int64(0);
    }
    for (std::size_t kind = 0; kind < k_audited.size(); ++kind) {
        if (k_audited[kind].key == "id") {
            Statement max_id(db, fmt::format("SELECT max(id) FROM {}", k_audited[kind].table));
            max_id.step();
            last.reserve(kind, max_id.optional_int64(0).value_or(-1), total);
        }
    }
    const bool progress = options.progress && total > k_progress_step;
    Cursor st(db, "SELECT seq, at, actor, action, entity, entity_id, change, prev_hash, hash "
                  "FROM audit ORDER BY seq");
    Sha256Writer hasher;
    UmacWriter state_hasher{Umac128(key)};
    std::string expected_prev(64, '0');
    std::int64_t expected_seq = 1;
    bool chain_broken = false;
    bool head_seen = false;
    while (st.step()) {
        const std::int64_t seq = st.int64(0);
        const std::string_view entity = st.text(4);
        const std::string_view entity_id = st.text(5);
        const std::string_view change = st.text(6);
        const std::string_view prev_hash = st.text(7);
        const std::string_view hash = st.text(8);
        if (!chain_broken) {
            hasher.write(prev_hash);
            write_audit_row(hasher, seq, st.int64(1), st.text(2), st.text(3), entity, entity_id,
                            change);
            const Digest recomputed = hasher.finish();
            if (seq != expected_seq) {
                report.problems.push_back(
                    seq > expected_seq
                        ? fmt::format("audit rows {} to {} are missing", expected_seq, seq - 1)
                        : fmt::format("audit row {} is out of sequence", seq));
                chain_broken = true;
            } else if (prev_hash != expected_prev) {
                report.problems.push_back(fmt::format(
                    "audit row {} does not follow row {}: its prev_hash is not that row's hash",
                    seq, seq - 1));
                chain_broken = true;
            } else if (!hex_equals(recomputed, hash)) {
                report.problems.push_back(fmt::format(
                    "audit row {} was altered: its hash does not match its contents", seq));
                chain_broken = true;
            }
        }
        if (options.expect_head && seq == options.expect_head->seq) {
            head_seen = true;
            if (hash != options.expect_head->hash) {
                report.problems.push_back(fmt::format("audit row {} has hash {}, expected {}", seq,
                                                      hash, options.expect_head->hash));
            }
        }
        if (const auto kind = audited_index(entity)) {
            if (entity_id == k_batch_id) {
                record_batch(*kind, seq, change, last);
            } else {
                state_hasher.write(after_state(change).value_or(""));
                last.set(*kind, entity_id, {seq, state_hasher.finish(), false});
            }
        }
        expected_prev.assign(hash);
        expected_seq = seq + 1;
        ++report.rows;
        if (progress && report.rows % k_progress_step == 0) {
            options.progress(report.rows, total);
        }
    }
    if (options.expect_head && !head_seen) {
        report.problems.push_back(
            fmt::format("audit row {} is missing: the trail was truncated (its newest row is {})",
                        options.expect_head->seq, report.rows == 0 ? 0 : expected_seq - 1));
    }
    if (progress) {
        options.progress(report.rows, total);
    }
}

// A Cursor's current row as write_canonical_row reads it.
struct CursorRow {
    const Cursor& rows;
    ColumnKind kind(int i) const { return rows.kind(i); }
    std::int64_t int64(int i) const { return rows.int64(i); }
    std::string_view text(int i) const { return rows.text(i); }
};

void check_entities(Database& db, const Umac128::Key& umac_key, VerifyReport& report,
                    LastRecords& last) {
    Sha256Writer hasher;
    UmacWriter state_hasher{Umac128(umac_key)};
    for (std::size_t kind = 0; kind < k_audited.size(); ++kind) {
        const AuditedTable& audited = k_audited[kind];
        Cursor rows(db, fmt::format("SELECT * FROM {} ORDER BY {}", audited.table, audited.key));
        std::vector<std::string> names;
        for (int i = 0; i < rows.column_count(); ++i) {
            names.push_back(rows.column_name(i));
        }
        const RowLayout layout = row_layout(names);
        const auto key_column =
            static_cast<int>(std::find(names.begin(), names.end(), audited.key) - names.begin());
        std::string key;
        while (rows.step()) {
            ++report.entities;
            // An integer key read as a number: reading it as text would convert the column.
            if (rows.kind(key_column) == ColumnKind::integer) {
                key = std::to_string(rows.int64(key_column));
            } else {
                key.assign(rows.text(key_column));
            }
            const auto record = last.take(kind, key);
            if (!record) {
                report.problems.push_back(fmt::format(
                    "{} {} has no audit record: it was added outside svcmgr", audited.entity, key));
                continue;
            }
            Digest current{};
            if (record->batch) {
                write_canonical_row(hasher, layout, CursorRow{rows});
                current = hasher.finish();
            } else {
                write_canonical_row(state_hasher, layout, CursorRow{rows});
                current = state_hasher.finish();
            }
            if (current != record->state) {
                report.problems.push_back(fmt::format(
                    "{} {} differs from its last audit record (row {}): it was changed outside "
                    "svcmgr",
                    audited.entity, key, record->seq));
            }
        }
    }
    // What is left was recorded but no longer exists: deleted unless its last record says so.
    const Digest deleted = digest_of("null");
    state_hasher.write("null");
    const Digest deleted_keyed = state_hasher.finish();
    for (const auto& left : last.left()) {
        if (left.state != (left.batch ? deleted : deleted_keyed)) {
            report.problems.push_back(
                fmt::format("{} {} was deleted outside svcmgr (last audit record: row {})",
                            k_audited[left.kind].entity, left.id, left.seq));
        }
    }
}

} // namespace

Table audit_log(Database& db, const AuditQuery& query) {
    std::optional<std::string> entity;
    std::optional<std::string> entity_id;
    if (query.entity) {
        const auto colon = query.entity->find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == query.entity->size()) {
            throw Error(ErrorKind::usage,
                        fmt::format("invalid entity '{}': expected KIND:ID such as ticket:42",
                                    *query.entity));
        }
        entity = query.entity->substr(0, colon);
        entity_id = query.entity->substr(colon + 1);
        if (entity == "part") {
            // People name parts by SKU; the trail names them by internal id.
            Statement part(db, "SELECT id FROM part WHERE sku = $1");
            part.bind(1, *entity_id);
            entity_id = part.step() ? std::to_string(part.int64(0)) : std::string("-");
        }
    }
    Table table;
    table.columns = {{"seq", ColumnType::integer}, {"at", ColumnType::time},
                     {"actor", ColumnType::text},  {"action", ColumnType::code},
                     {"entity", ColumnType::code}, {"entity_id", ColumnType::code},
                     {"change", ColumnType::text}, {"prev_hash", ColumnType::code},
                     {"hash", ColumnType::code}};
    Statement st(db, "SELECT seq, at, actor, action, entity, entity_id, change, prev_hash, hash "
                     "FROM audit WHERE (CAST($1 AS TEXT) IS NULL OR entity = $1) "
                     "AND (CAST($2 AS TEXT) IS NULL OR entity_id = $2) "
                     "AND (CAST($3 AS TEXT) IS NULL OR actor = $3) "
                     "AND (CAST($4 AS TEXT) IS NULL OR action = $4) "
                     "AND (CAST($5 AS BIGINT) IS NULL OR at >= $5) ORDER BY seq");
    st.bind_all(entity, entity_id, query.actor, query.action, query.since);
    while (st.step()) {
        Row row;
        for (int i = 0; i < 9; ++i) {
            row.push_back(st.value(i));
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

std::optional<AuditHead> audit_head(Database& db) {
    Statement st(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!st.step()) {
        return std::nullopt;
    }
    return AuditHead{st.int64(0), st.text(1)};
}

std::optional<AuditHead> parse_audit_head(std::string_view text) {
    const auto sep = text.find_first_of(": ");
    if (sep == std::string_view::npos) {
        return std::nullopt;
    }
    const auto seq = parse_count(text.substr(0, sep));
    const std::string_view hash = text.substr(sep + 1);
    const bool hex =
        hash.size() == 64 && hash.find_first_not_of("0123456789abcdef") == std::string_view::npos;
    if (!seq || *seq == 0 || !hex) {
        return std::nullopt;
    }
    return AuditHead{*seq, std::string(hash)};
}

VerifyReport verify_audit(Database& db, const VerifyOptions& options) {
    VerifyReport report;
    LastRecords last;
    // One consistent snapshot for both passes.
    exec(db, dialect(db) == Dialect::postgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                              : "BEGIN");
    try {
        const Umac128::Key key = Umac128::random_key();
        check_chain(db, options, key, report, last);
        check_entities(db, key, report, last);
    } catch (...) {
        exec(db, "ROLLBACK");
        throw;
    }
    exec(db, "COMMIT");
    return report;
}

} // namespace svcmgr
