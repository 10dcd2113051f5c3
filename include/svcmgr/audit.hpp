#pragma once

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace svcmgr {

// ---- reading the trail ------------------------------------------------------------------------

struct AuditQuery {
    std::optional<std::string> entity = {}; // "ticket:42", "customer:7", "setting:hourly_cost"
    std::optional<std::string> actor = {};
    std::optional<std::string> action = {};
    std::optional<std::int64_t> since = {}; // Unix seconds, inclusive
};

// seq, at, actor, action, entity, entity_id, change, prev_hash, hash; oldest first.
// Throws Error(usage) for a malformed entity.
Table audit_log(Database& db, const AuditQuery& query);

struct AuditHead {
    std::int64_t seq = 0;
    std::string hash;
};

// The newest row of the trail; nullopt while it is empty.
std::optional<AuditHead> audit_head(Database& db);

// "SEQ:HASH" as `audit head` prints it (with a colon or a space); nullopt when malformed.
std::optional<AuditHead> parse_audit_head(std::string_view text);

// ---- verifying it -----------------------------------------------------------------------------

struct VerifyOptions {
    std::optional<AuditHead> expect_head = {};
    // Called with (rows checked, rows in all) after every 65,536 rows and once at the end, for a
    // progress display; only for trails longer than 65,536 rows, which take a while.
    std::function<void(std::int64_t, std::int64_t)> progress = {};
};

struct VerifyReport {
    std::int64_t rows = 0;             // audit rows checked
    std::int64_t entities = 0;         // current rows compared with their last audit state
    std::vector<std::string> problems; // empty when everything is consistent
};

// Recomputes the hash chain (naming the first broken record), checks --expect-head, and compares
// every ticket, customer and setting with the state its last audit record implies, naming every
// row changed, added or deleted behind svcmgr's back.
VerifyReport verify_audit(Database& db, const VerifyOptions& options);

} // namespace svcmgr
