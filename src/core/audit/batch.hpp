#pragma once

// The audit records of a bulk write (an import): one per entity and per k_batch_rows rows, each
// listing the state hash of every row it covers (DESIGN.md section 6).

#include <svcmgr/db.hpp>

#include "audit/log.hpp"
#include "db/sql.hpp"
#include "util/spill_file.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace svcmgr {

// Rows per batch audit record: large enough that an import of a few thousand rows is one record,
// small enough that a million-row import never holds more than a megabyte of hashes.
inline constexpr std::size_t k_batch_rows = 10000;

// The batch records of an import, written in the order they were made: at once, or on
// PostgreSQL after the last row (each statement there ends the COPY of the rows and waits for
// the server to take them), held in a temporary file meanwhile (a record is up to ~800 KB).
class AuditSpool {
public:
    AuditSpool(Database& db, const Stamp& stamp);

    // A record of the action "import" on `entity`.
    void add(std::string_view entity, std::string_view change);

    // Writes the records held, in order.
    void write();

private:
    // Each text after its size.
    void put(std::string_view text);
    void get(std::string& text);

    Database& m_db;
    const Stamp& m_stamp;
    bool m_defer;
    SpillFile m_held{"the import's audit records"};
};

// One audit record per entity and per k_batch_rows rows, listing each row's state hash.
class BatchAudit {
public:
    // The rows of `entity`, stored in `table` and keyed by `key_column`.
    BatchAudit(AuditSpool& spool, Database& db, std::string_view entity, std::string_view table,
               std::string_view key_column);

    // A row as it is stored, read back.
    void add(const Value& key);

    // A row just written with a value for every column of its table, `layout` naming them (the
    // hash of the values bound is the hash of the row read back: integers stay integers, text
    // stays text).
    void add(const Value& key, const RowLayout& layout, const std::vector<Value>& values);

    // Writes the record of the rows added since the last one: its change is the canonical text
    // of {"after": {"rows": {KEY: HASH, ...}}, "before": null}, built here rather than as a Json
    // value (a record lists up to k_batch_rows rows).
    void flush();

private:
    void push(const Value& key);

    AuditSpool& m_spool;
    std::string m_entity;
    Statement m_select;
    std::vector<int> m_order;
    Sha256Writer m_hasher;
    std::vector<std::pair<std::string, Digest>> m_rows; // key and state hash, in added order
};

} // namespace svcmgr
