#pragma once

// Writing the audit trail (DESIGN.md section 6). Called inside the write transaction of the
// public core function that makes the change.

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>

#include <nlohmann/json.hpp>

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

// Appends `s` to `out` as an RFC 8785 JSON string.
void append_json_string(std::string& out, std::string_view s);

// The canonical text of an audit row, the bytes its hash covers after prev_hash (DESIGN.md 6).
std::string canonical_audit_row(std::int64_t seq, std::int64_t at, std::string_view actor,
                                std::string_view action, std::string_view entity,
                                std::string_view entity_id, std::string_view change);

// Appends one hash-chained audit row: change = {"after": after, "before": before}.
// `before` is null on create, `after` null on delete.
void append_audit(Database& db, const Stamp& stamp, std::string_view action,
                  std::string_view entity, std::string_view entity_id, const Json& before,
                  const Json& after);

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

// The canonical JSON text of the current row of `st` (an object keyed by column name), equal to
// canonical_json of the row_state of the same row, without building a Json value.
std::string canonical_row(const Statement& st, const std::vector<int>& order);

// The full state of one row of `table` as a JSON object keyed by column name, or null when absent.
Json row_state(Database& db, std::string_view table, std::string_view key_column, const Value& key);

} // namespace svcmgr
