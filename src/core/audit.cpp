#include <svcmgr/audit.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/parse.hpp>

#include "audit_log.hpp"
#include "sql.hpp"

#include <fmt/format.h>
#include <nettle/sha2.h>

#include <array>
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

std::string hash_row(std::string_view prev_hash, std::int64_t seq, std::int64_t at,
                     std::string_view actor, std::string_view action, std::string_view entity,
                     std::string_view entity_id, std::string_view change) {
    return sha256_hex(prev_hash,
                      canonical_audit_row(seq, at, actor, action, entity, entity_id, change));
}

// The "after" member of a change as its canonical text. Changes are written canonically as
// {"after":A,"before":B}, so A is the JSON value that starts after the first key; scanning it
// avoids parsing the whole change.
std::optional<std::string_view> after_state(std::string_view change) {
    constexpr std::string_view k_prefix = R"({"after":)";
    if (change.substr(0, k_prefix.size()) != k_prefix) {
        return std::nullopt;
    }
    const std::size_t start = k_prefix.size();
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = start; i < change.size(); ++i) {
        const char c = change[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 0) {
            return change.substr(start, i - start);
        }
    }
    return std::nullopt;
}

// The last audit record of each entity row ("ticket:42"): its seq and, for a row recorded in a
// batch, the SHA-256 of its canonical state.
using Digest = std::array<std::uint8_t, SHA256_DIGEST_SIZE>;

Digest digest_of(std::string_view bytes) {
    sha256_ctx ctx{};
    sha256_init(&ctx);
    sha256_update(&ctx, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
    Digest d{};
    sha256_digest(&ctx, d.size(), d.data());
    return d;
}

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

// The last record of a row: its seq and the SHA-256 of the state it left the row in (a single
// record's "after", or the state hash a batch record lists). Keeping the digest rather than the
// state lets verify compare every row in one pass over each table.
struct LastRecord {
    std::int64_t seq = 0;
    Digest state{};
};
using LastRecords = std::unordered_map<std::string, LastRecord>;

void record_batch(const std::string& entity, std::int64_t seq, const std::string& change,
                  LastRecords& last) {
    const Json parsed = Json::parse(change, nullptr, false);
    if (!parsed.is_object() || !parsed["after"].is_object() ||
        !parsed["after"]["rows"].is_object()) {
        return;
    }
    for (const auto& [key, hash] : parsed["after"]["rows"].items()) {
        last[entity + ":" + key] = {
            seq, digest_from_hex(hash.is_string() ? hash.get<std::string>() : std::string())};
    }
}

void check_chain(Database& db, const VerifyOptions& options, VerifyReport& report,
                 LastRecords& last_seq) {
    std::int64_t total = 0;
    {
        Statement count(db, "SELECT count(*) FROM audit");
        count.step();
        total = count.int64(0);
    }
    Statement st(db, "SELECT seq, at, actor, action, entity, entity_id, change, prev_hash, hash "
                     "FROM audit ORDER BY seq");
    std::string expected_prev(64, '0');
    std::int64_t expected_seq = 1;
    bool chain_broken = false;
    bool head_seen = false;
    while (st.step()) {
        const std::int64_t seq = st.int64(0);
        const std::string entity = st.text(4);
        const std::string entity_id = st.text(5);
        const std::string change = st.text(6);
        const std::string prev_hash = st.text(7);
        const std::string hash = st.text(8);
        if (!chain_broken) {
            const std::string recomputed = hash_row(prev_hash, seq, st.int64(1), st.text(2),
                                                    st.text(3), entity, entity_id, change);
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
            } else if (recomputed != hash) {
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
        if (entity_id == k_batch_id) {
            record_batch(entity, seq, change, last_seq);
        } else {
            last_seq[entity + ":" + entity_id] = {seq, digest_of(after_state(change).value_or(""))};
        }
        expected_prev = hash;
        expected_seq = seq + 1;
        ++report.rows;
        if (options.progress && report.rows % 65536 == 0) {
            options.progress(report.rows, total);
        }
    }
    if (options.expect_head && !head_seen) {
        report.problems.push_back(
            fmt::format("audit row {} is missing: the trail was truncated (its newest row is {})",
                        options.expect_head->seq, report.rows == 0 ? 0 : expected_seq - 1));
    }
    if (options.progress) {
        options.progress(report.rows, total);
    }
}

void check_entities(Database& db, VerifyReport& report, LastRecords& last_seq) {
    for (const auto& audited : k_audited) {
        Statement rows(db, fmt::format("SELECT * FROM {} ORDER BY {}", audited.table, audited.key));
        const std::vector<int> order = columns_by_name(rows);
        int key_column = 0;
        while (key_column < rows.column_count() && rows.column_name(key_column) != audited.key) {
            ++key_column;
        }
        while (rows.step()) {
            const std::string key_text = rows.text(key_column);
            const std::string name = fmt::format("{}:{}", audited.entity, key_text);
            ++report.entities;
            const auto it = last_seq.find(name);
            if (it == last_seq.end()) {
                report.problems.push_back(
                    fmt::format("{} {} has no audit record: it was added outside svcmgr",
                                audited.entity, key_text));
                continue;
            }
            const std::string current = canonical_row(rows, order);
            const LastRecord& last = it->second;
            if (digest_of(current) != last.state) {
                report.problems.push_back(fmt::format(
                    "{} {} differs from its last audit record (row {}): it was changed outside "
                    "svcmgr",
                    audited.entity, key_text, last.seq));
            }
            last_seq.erase(it);
        }
    }
    // What is left was recorded but no longer exists: deleted unless its last record says so.
    const Digest deleted = digest_of("null");
    std::vector<std::pair<std::string, std::int64_t>> gone;
    for (const auto& [name, last] : last_seq) {
        gone.emplace_back(name, last.seq);
    }
    std::sort(gone.begin(), gone.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& [name, seq] : gone) {
        const auto colon = name.find(':');
        const std::string_view entity = std::string_view(name).substr(0, colon);
        const bool audited = std::any_of(k_audited.begin(), k_audited.end(),
                                         [&](const auto& a) { return a.entity == entity; });
        if (audited && last_seq[name].state != deleted) {
            report.problems.push_back(
                fmt::format("{} {} was deleted outside svcmgr (last audit record: row {})", entity,
                            name.substr(colon + 1), seq));
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
                     "FROM audit WHERE ($1 IS NULL OR entity = $1) "
                     "AND ($2 IS NULL OR entity_id = $2) AND ($3 IS NULL OR actor = $3) "
                     "AND ($4 IS NULL OR action = $4) AND ($5 IS NULL OR at >= $5) ORDER BY seq");
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
    LastRecords last_seq;
    {
        Statement count(db, "SELECT count(*) FROM audit");
        count.step();
        last_seq.reserve(static_cast<std::size_t>(count.int64(0)));
    }
    exec(db, "BEGIN"); // one consistent snapshot for both passes
    try {
        check_chain(db, options, report, last_seq);
        check_entities(db, report, last_seq);
    } catch (...) {
        exec(db, "ROLLBACK");
        throw;
    }
    exec(db, "COMMIT");
    return report;
}

} // namespace svcmgr
