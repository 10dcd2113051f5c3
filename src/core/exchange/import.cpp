// Import of whole tables: every row validated, one transaction, batch audit records.

#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/settings.hpp>
#include <svcmgr/text.hpp>
#include <svcmgr/ticket.hpp>

#include "audit/log.hpp"
#include "exchange/import_keys.hpp"
#include "db/scoped_cache.hpp"
#include "util/spill_file.hpp"
#include "db/sql.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <unordered_set>

namespace svcmgr {

namespace {

// Rows per batch audit record: large enough that an import of a few thousand rows is one record,
// small enough that a million-row import never holds more than a megabyte of hashes.
constexpr std::size_t k_batch_rows = 10000;
constexpr std::int64_t k_progress_rows = 8192;
// The page cache while SQLite sorts (building an index, writing staged rows in key order): its
// sorter holds as much as the cache again.
constexpr std::int64_t k_sort_cache_kib = -2048;
constexpr std::int64_t k_max_minutes = 100'000'000;

template <typename T>
Value to_value(const std::optional<T>& v) {
    return v ? Value{*v} : Value{};
}

void add_cell(BulkInsert& writer, const Value& v) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
        writer.add_int64(*n);
    } else if (const auto* t = std::get_if<std::string>(&v)) {
        writer.add_text(*t);
    } else {
        writer.add_null();
    }
}

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

// Whether SQLite enforces foreign keys on this connection.
bool foreign_keys_on(Database& db) {
    Statement st(db, "PRAGMA foreign_keys");
    const bool on = st.step() && st.int64(0) != 0;
    st.reset();
    return on;
}

// The batch records of an import, written in the order they were made: at once, or on
// PostgreSQL after the last row (each statement there ends the COPY of the rows and waits for
// the server to take them), held in a temporary file meanwhile (a record is up to ~800 KB).
class AuditSpool {
public:
    AuditSpool(Database& db, const Stamp& stamp)
        : m_db(db), m_stamp(stamp), m_defer(dialect(db) == Dialect::postgres) {}

    void add(std::string_view entity, std::string_view change) {
        if (!m_defer) {
            append_audit_text(m_db, m_stamp, "import", entity, k_batch_id, change);
            return;
        }
        put(entity);
        put(change);
    }

    // Writes the records held, in order.
    void write() {
        m_held.rewind();
        std::string entity;
        std::string change;
        while (m_held.size() > 0) {
            get(entity);
            get(change);
            append_audit_text(m_db, m_stamp, "import", entity, k_batch_id, change);
        }
    }

private:
    // Each text after its size.
    void put(std::string_view text) {
        const std::uint64_t size = text.size();
        m_held.write({reinterpret_cast<const char*>(&size), sizeof size});
        m_held.write(text);
    }
    void get(std::string& text) {
        std::uint64_t size = 0;
        m_held.read(text, sizeof size);
        std::memcpy(&size, text.data(), sizeof size);
        m_held.read(text, size);
    }

    Database& m_db;
    const Stamp& m_stamp;
    bool m_defer;
    SpillFile m_held{"the import's audit records"};
};

// One audit record per entity and per k_batch_rows rows, listing each row's state hash.
class BatchAudit {
public:
    BatchAudit(AuditSpool& spool, Database& db, std::string_view entity, std::string_view table,
               std::string_view key_column)
        : m_spool(spool), m_entity(entity),
          m_select(db, fmt::format("SELECT * FROM {} WHERE {} = $1", table, key_column)) {}

    // A row as it is stored, read back.
    void add(const Value& key) {
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

    // A row just written with a value for every column of its table, `layout` naming them (the
    // hash of the values bound is the hash of the row read back: integers stay integers, text
    // stays text).
    void add(const Value& key, const RowLayout& layout, const std::vector<Value>& values) {
        write_canonical_row(m_hasher, layout, ValueRow{values});
        push(key);
    }

    // Writes the record of the rows added since the last one: its change is the canonical text
    // of {"after": {"rows": {KEY: HASH, ...}}, "before": null}, built here rather than as a Json
    // value (a record lists up to k_batch_rows rows).
    void flush() {
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

private:
    void push(const Value& key) {
        m_rows.emplace_back(key_text(key), m_hasher.finish());
        if (m_rows.size() >= k_batch_rows) {
            flush();
        }
    }

    AuditSpool& m_spool;
    std::string m_entity;
    Statement m_select;
    std::vector<int> m_order;
    Sha256Writer m_hasher;
    std::vector<std::pair<std::string, Digest>> m_rows; // key and state hash, in added order
};

// A column of the table a dataset is stored in.
struct Stored {
    std::string_view column; // in the table
    std::string_view shown;  // the file column that sets it, for messages
    bool compared = true;    // part of the row's identity check and of --update
};

enum class Key { id_or_ref, natural }; // natural: sku, setting key

struct Prepared {
    std::vector<Value> values;          // one per Stored column
    std::optional<std::int64_t> id;     // the id the file gives, if any
    std::optional<std::string> natural; // ref / sku / setting key, if any
};

// What every dataset shares: the header, typed cells, identity and the write itself.
class Importer {
public:
    Importer(Database& db, RecordSource& source, const ImportOptions& options, const Stamp& stamp,
             Dataset dataset)
        : m_db(db), m_source(source), m_options(options), m_stamp(stamp),
          m_columns(dataset_columns(dataset)), m_index(m_columns.size(), -1), m_spool(db, stamp) {}
    virtual ~Importer() = default;
    Importer(const Importer&) = delete;
    Importer& operator=(const Importer&) = delete;

    ImportResult run() {
        std::vector<std::string> header;
        if (!m_source.read_header(header)) {
            throw Error(ErrorKind::bad_data, "the input is empty: expected a header line naming "
                                             "the columns");
        }
        map_header(header);
        setup();
        while (m_source.next(m_cells)) {
            ++m_result.rows;
            import_row();
            if (m_options.progress && m_result.rows % k_progress_rows == 0) {
                m_options.progress(m_result.rows);
            }
        }
        end_of_rows();
        finish();
        m_spool.write();
        return m_result;
    }

protected:
    // Names the columns (in dataset_columns) that the header must have and those it may have
    // but import ignores.
    virtual std::vector<std::string_view> required() const = 0;
    virtual std::vector<std::string_view> derived() const = 0;
    virtual void setup() {}
    virtual void import_row() = 0;
    // After the last row, before finish().
    virtual void end_of_rows() {}
    virtual void finish() = 0;

    std::size_t column(std::string_view name) const {
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            if (m_columns[i].name == name) {
                return i;
            }
        }
        throw Error(ErrorKind::bad_data, fmt::format("no column {}", name)); // a bug in a table
    }

    bool present(std::size_t c) const { return m_index[c] >= 0; }

    std::string_view raw(std::size_t c) const {
        return m_index[c] < 0 ? std::string_view{}
                              : std::string_view{m_cells[static_cast<std::size_t>(m_index[c])]};
    }

    [[noreturn]] void bad(std::string_view column_name, std::string_view what,
                          std::string hint = {}) const {
        throw Error(ErrorKind::bad_data,
                    fmt::format("row {}, column {}: {}", m_source.row(), column_name, what),
                    std::move(hint));
    }
    [[noreturn]] void bad(std::size_t c, std::string_view what, std::string hint = {}) const {
        bad(m_columns[c].name, what, std::move(hint));
    }

    // Free text: the CSV guard apostrophe removed once; blank is NULL.
    std::optional<std::string> text(std::size_t c) const {
        std::string_view s = raw(c);
        if (m_source.guarded() && s.starts_with('\'')) {
            s.remove_prefix(1);
        }
        if (trim(s).empty()) {
            return std::nullopt;
        }
        return std::string(s);
    }

    std::string required_text(std::size_t c) const {
        auto s = text(c);
        if (!s) {
            bad(c, "may not be empty");
        }
        return *std::move(s);
    }

    // A code (ref, SKU, status, ...): never guarded; no control characters; blank is NULL.
    std::optional<std::string> code(std::size_t c) const {
        const std::string_view s = raw(c);
        if (trim(s).empty()) {
            return std::nullopt;
        }
        if (std::any_of(s.begin(), s.end(),
                        [](char ch) { return static_cast<unsigned char>(ch) < 0x20; })) {
            bad(c, "a control character is not allowed here");
        }
        return std::string(s);
    }

    std::optional<std::int64_t> count(std::size_t c) const {
        const std::string_view s = raw(c);
        if (s.empty()) {
            return std::nullopt;
        }
        const auto n = parse_count(s);
        if (!n) {
            bad(c, fmt::format("invalid number '{}': expected a whole number such as 12", s));
        }
        return n;
    }

    std::optional<std::int64_t> id(std::size_t c) const {
        const auto n = count(c);
        if (n && *n == 0) {
            bad(c, "invalid id 0: ids start at 1");
        }
        return n;
    }

    std::optional<std::int64_t> signed_number(std::size_t c) const {
        std::string_view s = raw(c);
        if (s.empty()) {
            return std::nullopt;
        }
        const bool negative = s.starts_with('-');
        const auto n = parse_count(negative ? s.substr(1) : s);
        if (!n) {
            bad(c, fmt::format("invalid number '{}': expected a whole number such as -3", s));
        }
        return negative ? -*n : *n;
    }

    std::optional<std::int64_t> time(std::size_t c) const {
        const std::string_view s = raw(c);
        if (s.empty()) {
            return std::nullopt;
        }
        const auto t = parse_utc_timestamp(s);
        if (!t) {
            bad(c, fmt::format("invalid time '{}': expected UTC such as 2026-11-22T11:53:03Z", s));
        }
        return t;
    }

    std::optional<std::int64_t> money(std::size_t c) const {
        const std::string_view s = raw(c);
        if (s.empty()) {
            return std::nullopt;
        }
        const auto m = parse_money(s);
        if (!m) {
            bad(c, fmt::format("invalid amount '{}': expected a sum such as 12.50", s));
        }
        return m;
    }

    std::optional<std::int64_t> boolean(std::size_t c) const {
        const std::string_view s = raw(c);
        if (s.empty()) {
            return std::nullopt;
        }
        if (s == "yes") {
            return 1;
        }
        if (s == "no") {
            return 0;
        }
        bad(c, fmt::format("invalid value '{}': expected yes, no or nothing", s));
    }

    std::optional<std::int64_t> percent(std::size_t c) const {
        const std::string_view s = raw(c);
        if (s.empty()) {
            return std::nullopt;
        }
        const auto p = parse_percent(s);
        if (!p) {
            bad(c, fmt::format("invalid percentage '{}': expected 0 to 100 such as 25.0", s));
        }
        return p;
    }

    bool exists(Statement& st, const Value& key) {
        st.reset();
        st.bind(1, key);
        const bool found = st.step();
        st.reset();
        return found;
    }

    std::optional<std::int64_t> lookup(Statement& st, const Value& key) {
        st.reset();
        st.bind(1, key);
        std::optional<std::int64_t> found;
        if (st.step()) {
            found = st.int64(0);
        }
        st.reset();
        return found;
    }

    Database& m_db;
    RecordSource& m_source;
    const ImportOptions& m_options;
    const Stamp& m_stamp;
    std::vector<Column> m_columns;
    std::vector<int> m_index; // per dataset column: its position in the header, or -1
    std::vector<std::string> m_cells;
    ImportResult m_result;
    AuditSpool m_spool; // the BatchAudits' records

private:
    void map_header(const std::vector<std::string>& header) {
        // The header is row 1 of a CSV file (and line 1 of jsonl).
        const auto fail = [&](std::string_view name, std::string_view what) {
            throw Error(ErrorKind::bad_data,
                        fmt::format("row {}, column {}: {}", m_source.row(), name, what));
        };
        for (std::size_t h = 0; h < header.size(); ++h) {
            const auto it = std::find_if(m_columns.begin(), m_columns.end(),
                                         [&](const Column& c) { return c.name == header[h]; });
            if (it == m_columns.end()) {
                std::vector<std::string> names;
                for (const auto& c : m_columns) {
                    names.push_back(c.name);
                }
                throw Error(ErrorKind::bad_data,
                            fmt::format("row {}, column {}: unknown column", m_source.row(),
                                        header[h].empty() ? "(empty)" : header[h]),
                            fmt::format("columns: {}", fmt::join(names, ",")));
            }
            auto& slot = m_index[static_cast<std::size_t>(it - m_columns.begin())];
            if (slot >= 0) {
                fail(header[h], "the header names this column twice");
            }
            slot = static_cast<int>(h);
        }
        for (const std::string_view name : required()) {
            if (!present(column(name))) {
                fail(name, "missing from the header");
            }
        }
        // Derived columns are read (so the header may carry them) but never used.
        for (const std::string_view name : derived()) {
            column(name);
        }
    }
};

// Identity, comparison and the write, for datasets stored one file row to one table row.
class TableImporter : public Importer {
public:
    TableImporter(Database& db, RecordSource& source, const ImportOptions& options,
                  const Stamp& stamp, Dataset dataset, std::string_view table,
                  std::string_view what, std::vector<Stored> stored, Key key,
                  std::string_view natural_column, bool updatable)
        : Importer(db, source, options, stamp, dataset), m_table(table), m_what(what),
          m_stored(std::move(stored)), m_key(key), m_natural_column(natural_column),
          m_updatable(updatable) {}

protected:
    virtual Prepared prepare() = 0;
    // After a row was written (created or updated), with its id (or key) and, when the values
    // written are the whole row, those values.
    virtual void written(const Value& key, const std::vector<Value>* state) = 0;
    // The first stored column that may differ between a file row and its stored row, checked
    // before the generic comparison (customer of a ticket).
    virtual void before_write(Prepared& /*row*/, const std::optional<std::int64_t>& /*existing*/) {}
    // Whether new rows may be inserted several per statement: only when nothing the importer
    // looks up in this table besides id and the natural key can be among the rows not yet
    // inserted.
    virtual bool batch_inserts() const { return true; }

    // Audits a written row from its values when they are the whole row, else reads it back.
    void audit(BatchAudit& batch, const Value& key, const std::vector<Value>* state) const {
        if (state != nullptr) {
            batch.add(key, m_layout, *state);
        } else {
            batch.add(key);
        }
    }

    void setup() override {
        std::vector<std::string_view> names;
        std::vector<std::string> params;
        std::vector<std::string> sets;
        m_given.assign(m_stored.size(), false);
        for (std::size_t i = 0; i < m_stored.size(); ++i) {
            // Only the columns the file has are compared and updated; the others keep their
            // stored values.
            m_given[i] = m_stored[i].compared && given(m_stored[i].shown);
        }
        for (std::size_t i = 0; i < m_stored.size(); ++i) {
            names.push_back(m_stored[i].column);
            params.push_back(fmt::format("${}", i + 1));
            if (m_given[i] && m_stored[i].column != id_column()) {
                sets.push_back(fmt::format("{} = ${}", m_stored[i].column, i + 1));
            }
        }
        const std::string key_column = std::string(m_key == Key::natural ? m_natural_column : "id");
        m_insert.emplace(m_db, fmt::format("INSERT INTO {} ({}) VALUES ({})", m_table,
                                           fmt::join(names, ", "), fmt::join(params, ", ")));
        m_select.emplace(m_db,
                         fmt::format("SELECT {} FROM {} WHERE {} = ${}", fmt::join(names, ", "),
                                     m_table, key_column, m_stored.size() + 1));
        if (!sets.empty()) {
            m_update.emplace(m_db,
                             fmt::format("UPDATE {} SET {} WHERE {} = ${}", m_table,
                                         fmt::join(sets, ", "), key_column, m_stored.size() + 1));
        }
        if (m_key == Key::id_or_ref) {
            m_by_id.emplace(m_db, fmt::format("SELECT id FROM {} WHERE id = $1", m_table));
            if (!m_natural_column.empty()) {
                m_by_natural.emplace(m_db, fmt::format("SELECT id FROM {} WHERE {} = $1", m_table,
                                                       m_natural_column));
            }
        } else {
            m_by_natural.emplace(
                m_db, fmt::format("SELECT 1 FROM {} WHERE {} = $1", m_table, m_natural_column));
        }
        // The values written are the whole row when the stored columns are the table's columns.
        {
            Statement all(m_db, fmt::format("SELECT * FROM {} LIMIT 0", m_table));
            std::vector<std::string> table_names;
            for (int i = 0; i < all.column_count(); ++i) {
                table_names.push_back(all.column_name(i));
            }
            std::vector<std::string> stored_names(names.begin(), names.end());
            std::sort(table_names.begin(), table_names.end());
            std::sort(stored_names.begin(), stored_names.end());
            m_whole_row = table_names == stored_names;
            if (m_whole_row) {
                m_layout = row_layout(std::vector<std::string>(names.begin(), names.end()));
            }
        }
        m_id_at = stored_index("id");
        m_batched =
            m_whole_row && m_key == Key::id_or_ref && m_id_at < m_stored.size() && batch_inserts();
        if (m_batched) {
            Statement next(m_db, fmt::format("SELECT coalesce(max(id), 0) + 1 FROM {}", m_table));
            next.step();
            m_next_id = next.int64(0);
            next.reset();
            m_first_new_id = m_next_id;
            // An index is built faster at the end than updated row by row at random places:
            // into an empty table the secondary indexes go at once (on PostgreSQL also the
            // table's foreign keys, checked row by row by triggers: added again at the end, they
            // check every row in one join); into a SQLite table with rows, once the import has
            // added a sixteenth of them, when rebuilding costs less than the rows still to come
            // would. (On a server, a table with rows is not locked for its readers.)
            if (m_next_id == 1) {
                drop_indexes();
            } else if (dialect(m_db) == Dialect::sqlite) {
                Statement rows(m_db, fmt::format("SELECT count(*) FROM {}", m_table));
                rows.step();
                m_drop_indexes_at = std::max<std::int64_t>(1, rows.int64(0) / 16);
                rows.reset();
            }
            m_writer = connection(m_db).bulk_insert(
                m_table, std::vector<std::string>(names.begin(), names.end()), before_rows());
            if (!m_natural_column.empty()) {
                // The keys already stored, so that a key the filter has never seen needs no
                // lookup (one pass over the key's index).
                Statement keys(m_db, fmt::format("SELECT {0} FROM {1} WHERE {0} IS NOT NULL",
                                                 m_natural_column, m_table));
                while (keys.step()) {
                    m_naturals.insert(keys.text_view(0));
                }
                keys.reset();
            }
        }
    }

    // The writer whose rows this table's new rows reference (flushed before each of its writes).
    virtual BulkInsert* before_rows() { return nullptr; }

    // Whether a row with this id may be stored (or held back): false only when it certainly
    // is not (an id above the largest at the start that this import did not add).
    bool may_hold_id(std::int64_t id) const {
        return !m_batched || id < m_first_new_id || !IdSet::tracks(id) || m_new_ids.contains(id);
    }
    bool may_hold_natural(std::string_view key) const {
        return !m_batched || m_naturals.may_contain(key);
    }

    // Into an empty table, the secondary indexes are built once at the end from sorted keys
    // instead of being updated row by row (within the same transaction: a failed import keeps
    // them). The automatic indexes of UNIQUE columns, which the lookups use, stay.
    void drop_indexes() { drop_indexes(m_table, m_dropped_indexes); }
    // Drops the secondary indexes of `table` (on PostgreSQL also its foreign keys, and its id
    // trigger is disabled: the importer gives every new row its id), adding the statements that
    // restore them to `into`.
    void drop_indexes(std::string_view table, std::vector<std::string>& into) {
        // Each row: what it is, the statement that drops it, the one that restores it.
        Statement list(
            m_db,
            dialect(m_db) == Dialect::sqlite
                ? "SELECT 'index', 'DROP INDEX \"' || name || '\"', sql FROM sqlite_schema "
                  "WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name"
                : "WITH t AS (SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace "
                  "n ON n.oid = c.relnamespace WHERE c.relname = $1 AND n.nspname = "
                  "current_schema()) "
                  // Indexes that no constraint owns (not the primary key's, not UNIQUE's).
                  "SELECT 'index', format('DROP INDEX %I', c.relname), "
                  "pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i JOIN t ON "
                  "t.oid = i.indrelid JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE "
                  "NOT i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k "
                  "WHERE k.conindid = i.indexrelid) "
                  "UNION ALL SELECT 'foreign key', format('ALTER TABLE %I DROP CONSTRAINT %I', "
                  "$1, k.conname), format('ALTER TABLE %I ADD CONSTRAINT %I %s', $1, k.conname, "
                  "pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k JOIN "
                  "t ON t.oid = k.conrelid WHERE k.contype = 'f' "
                  "UNION ALL SELECT 'trigger', format('ALTER TABLE %I DISABLE TRIGGER %I', $1, "
                  "g.tgname), format('ALTER TABLE %I ENABLE TRIGGER %I', $1, g.tgname) FROM "
                  "pg_catalog.pg_trigger g JOIN t ON t.oid = g.tgrelid WHERE g.tgname = $1 || "
                  "'_id' AND g.tgenabled <> 'D' ORDER BY 1, 2");
        list.bind(1, table);
        std::vector<std::string> drops;
        while (list.step()) {
            m_foreign_keys_dropped = m_foreign_keys_dropped || list.text_view(0) == "foreign key";
            drops.push_back(list.text(1));
            into.push_back(list.text(2));
        }
        list.reset();
        for (const std::string& drop : drops) {
            exec(m_db, drop);
        }
    }

    bool is_batched() const { return m_batched; }

    void end_of_rows() override {
        flush_inserts();
        m_writer.reset();
        if (!m_dropped_indexes.empty() && dialect(m_db) == Dialect::sqlite) {
            // SQLite sorts the keys of a new index in memory up to the size of the page cache,
            // on top of the cache: a smaller one for the sort keeps the import within its memory.
            exec(m_db, fmt::format("PRAGMA cache_size = {}", k_sort_cache_kib));
        }
        for (const std::string& sql : m_dropped_indexes) {
            exec(m_db, sql);
        }
        m_dropped_indexes.clear();
    }

    // Writes the rows held back.
    void flush_inserts() {
        if (m_writer) {
            m_writer->flush();
        }
        m_pending_ids.clear();
        m_pending_naturals.clear();
    }

    // Whether the file has the column that sets a stored one.
    virtual bool given(std::string_view shown) const {
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            if (m_columns[i].name == shown) {
                return present(i);
            }
        }
        return false;
    }

    std::string_view id_column() const { return m_key == Key::id_or_ref ? "id" : ""; }

    std::size_t stored_index(std::string_view column_name) const {
        for (std::size_t i = 0; i < m_stored.size(); ++i) {
            if (m_stored[i].column == column_name) {
                return i;
            }
        }
        return m_stored.size();
    }

    void import_row() override {
        Prepared row = prepare();
        std::optional<std::int64_t> existing;
        std::optional<Value> existing_key;
        const std::size_t id_at = m_id_at;
        if (m_batched && ((row.id && m_pending_ids.contains(*row.id)) ||
                          (row.natural && m_pending_naturals.contains(*row.natural)))) {
            flush_inserts(); // the lookups below must see that row
        }
        if (m_key == Key::natural) {
            if (exists(*m_by_natural, *row.natural)) {
                existing_key = Value{*row.natural};
            }
        } else if (row.natural && m_by_natural) {
            if (may_hold_natural(*row.natural)) {
                existing = lookup(*m_by_natural, *row.natural);
            }
            if (existing && row.id && *row.id != *existing) {
                bad("id", fmt::format("{} '{}' has id {}, not {}", m_what, *row.natural, *existing,
                                      *row.id));
            }
            if (!existing && row.id && may_hold_id(*row.id) && exists(*m_by_id, *row.id)) {
                bad("id", fmt::format("id {} is held by another {}", *row.id, m_what));
            }
        } else if (row.id && may_hold_id(*row.id)) {
            existing = lookup(*m_by_id, *row.id);
        }
        if (existing) {
            existing_key = Value{*existing};
            if (id_at < m_stored.size()) {
                row.values[id_at] = *existing;
            }
        }
        before_write(row, existing);
        if (!existing_key && m_batched) {
            // The id SQLite would give: one above the largest so far.
            const std::int64_t new_id = row.id.value_or(m_next_id);
            m_next_id = std::max(m_next_id, new_id + 1);
            row.values[id_at] = new_id;
            written(Value{new_id}, &row.values);
            m_new_ids.insert(new_id);
            if (row.natural) {
                m_naturals.insert(*row.natural);
            }
            for (const Value& v : row.values) {
                add_cell(*m_writer, v);
            }
            ++m_result.created;
            if (m_result.created == m_drop_indexes_at) {
                flush_inserts();
                drop_indexes();
            }
            if (m_writer->buffered_rows() == 0) {
                m_pending_ids.clear();
                m_pending_naturals.clear();
            } else {
                m_pending_ids.insert(new_id);
                if (row.natural) {
                    m_pending_naturals.insert(*row.natural);
                }
            }
            return;
        }
        if (!existing_key) {
            m_insert->reset();
            for (std::size_t i = 0; i < row.values.size(); ++i) {
                m_insert->bind(static_cast<int>(i + 1), row.values[i]);
            }
            m_insert->run();
            m_insert->reset();
            ++m_result.created;
            if (m_key == Key::natural) {
                written(Value{*row.natural}, m_whole_row ? &row.values : nullptr);
            } else {
                const std::int64_t new_id = last_insert_id(m_db);
                if (id_at < row.values.size()) {
                    row.values[id_at] = new_id;
                }
                written(Value{new_id}, m_whole_row ? &row.values : nullptr);
            }
            return;
        }
        // A known key: identical cells are a no-op, different ones an error unless --update.
        m_select->reset();
        m_select->bind(static_cast<int>(m_stored.size() + 1), *existing_key);
        m_select->step();
        std::optional<std::size_t> differs;
        for (std::size_t i = 0; i < m_stored.size() && !differs; ++i) {
            if (m_given[i] && m_select->value(static_cast<int>(i)) != row.values[i]) {
                differs = i;
            }
        }
        m_select->reset();
        if (!differs) {
            ++m_result.unchanged;
            return;
        }
        const std::string key_text = m_key == Key::natural ? fmt::format("'{}'", *row.natural)
                                     : row.natural
                                         ? fmt::format("'{}' (id {})", *row.natural, *existing)
                                         : std::to_string(*existing);
        if (!m_updatable) {
            bad(m_stored[*differs].shown,
                fmt::format("{} {} exists already with a different {}; the {} is append-only, so "
                            "--update does not apply",
                            m_what, key_text, m_stored[*differs].shown, m_what));
        }
        if (m_options.on_conflict != OnConflict::update) {
            bad(m_stored[*differs].shown,
                fmt::format("{} {} exists already with a different {}", m_what, key_text,
                            m_stored[*differs].shown),
                "pass --update to apply the file's cells");
        }
        m_update->reset();
        for (std::size_t i = 0; i < row.values.size(); ++i) {
            if (m_given[i] && m_stored[i].column != id_column()) {
                m_update->bind(static_cast<int>(i + 1), row.values[i]);
            }
        }
        m_update->bind(static_cast<int>(m_stored.size() + 1), *existing_key);
        m_update->run();
        m_update->reset();
        if (m_batched && row.natural) {
            m_naturals.insert(*row.natural); // it may have been another key before
        }
        ++m_result.updated;
        written(*existing_key, nullptr);
    }

    std::string m_table;
    std::string m_what;
    std::vector<Stored> m_stored;
    Key m_key;
    std::string m_natural_column;
    bool m_updatable;
    std::vector<bool> m_given;
    std::optional<Statement> m_insert, m_select, m_update, m_by_id, m_by_natural;
    bool m_whole_row = false;
    RowLayout m_layout; // of the stored columns, when they are the whole row
    std::size_t m_id_at = 0;
    // Several new rows per INSERT: SQLite builds the lists of the CHECK and partial index
    // constraints once per statement, which costs more than the row itself.
    bool m_batched = false;
    std::int64_t m_next_id = 1;
    std::int64_t m_first_new_id = 1; // one above the largest id at the start
    std::unique_ptr<BulkInsert> m_writer;
    IdSet m_new_ids;      // ids this import added
    KeyFilter m_naturals; // natural keys stored or added
    // The ids and natural keys of the rows the writer holds back.
    std::unordered_set<std::int64_t> m_pending_ids;
    std::unordered_set<std::string> m_pending_naturals;
    std::vector<std::string> m_dropped_indexes;
    std::int64_t m_drop_indexes_at = 0;  // rows created after which they are dropped; 0: never
    bool m_foreign_keys_dropped = false; // to be added again at the end (PostgreSQL)
};

// ---- customers ----------------------------------------------------------------------------------

class CustomerImporter final : public TableImporter {
public:
    CustomerImporter(Database& db, RecordSource& source, const ImportOptions& options,
                     const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::customers, "customer", "customer",
                        {{"id", "id"},
                         {"ref", "ref"},
                         {"name", "name"},
                         {"email", "email"},
                         {"phone", "phone"},
                         {"created_at", "created_at"}},
                        Key::id_or_ref, "ref", true),
          m_audit(m_spool, db, "customer", "customer", "id"),
          m_by_email(db, "SELECT id FROM customer WHERE email = $1") {}

protected:
    std::vector<std::string_view> required() const override { return {"name"}; }
    // before_write looks customers up by email.
    bool batch_inserts() const override { return false; }
    std::vector<std::string_view> derived() const override { return {"tickets", "open_tickets"}; }

    Prepared prepare() override {
        Prepared row;
        row.id = id(c_id);
        row.natural = code(c_ref);
        const auto email = text(c_email);
        row.values = {to_value(row.id),        to_value(row.natural),
                      required_text(c_name),   to_value(email),
                      to_value(text(c_phone)), time(c_created_at).value_or(m_stamp.now)};
        return row;
    }

    void before_write(Prepared& row, const std::optional<std::int64_t>& existing) override {
        if (const auto* email = std::get_if<std::string>(&row.values[3])) {
            const auto holder = lookup(m_by_email, *email);
            if (holder && holder != existing) {
                bad("email", fmt::format("email {} belongs to customer {}", *email, *holder));
            }
        }
    }

    void written(const Value& key, const std::vector<Value>* state) override {
        audit(m_audit, key, state);
    }
    void finish() override { m_audit.flush(); }

private:
    const std::size_t c_id = column("id"), c_ref = column("ref"), c_name = column("name"),
                      c_email = column("email"), c_phone = column("phone"),
                      c_created_at = column("created_at");
    BatchAudit m_audit;
    Statement m_by_email;
};

// ---- tickets ------------------------------------------------------------------------------------

class TicketImporter final : public TableImporter {
public:
    TicketImporter(Database& db, RecordSource& source, const ImportOptions& options,
                   const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::tickets, "ticket", "ticket",
                        {{"id", "id"},
                         {"ref", "ref"},
                         {"title", "title"},
                         {"description", "description"},
                         {"customer_id", "customer_id"},
                         {"category", "category"},
                         {"channel", "channel"},
                         {"priority", "priority"},
                         {"status", "status"},
                         {"assignee", "assignee"},
                         {"created_at", "created_at"},
                         {"updated_at", "updated_at"},
                         {"first_response_at", "first_response_at"},
                         {"resolved_at", "resolved_at"},
                         {"closed_at", "closed_at"},
                         {"cause", "cause"},
                         {"preventable", "preventable"},
                         {"satisfaction", "satisfaction"},
                         {"minutes", "minutes"}},
                        Key::id_or_ref, "ref", true),
          m_audit(m_spool, db, "ticket", "ticket", "id"),
          m_customer_audit(m_spool, db, "customer", "customer", "id"),
          m_customer_by_id(db, "SELECT id FROM customer WHERE id = $1"),
          m_customer_by_email(db, "SELECT id FROM customer WHERE email = $1"),
          m_customer_by_name(db, "SELECT id FROM customer WHERE name = $1 ORDER BY id LIMIT 2") {}

protected:
    std::vector<std::string_view> required() const override { return {"title"}; }
    std::vector<std::string_view> derived() const override { return {"cost"}; }

    void setup() override {
        // New customers arrive in the order the tickets name them, their ids at random: on
        // SQLite with foreign keys off for the import (import_dataset), they are staged in a
        // temporary table and written in id order when a lookup needs them or at the end,
        // instead of one by one at random places in the customer table and its indexes.
        m_stage = dialect(m_db) == Dialect::sqlite && !foreign_keys_on(m_db);
        if (m_stage) {
            exec(m_db, "CREATE TEMP TABLE IF NOT EXISTS import_customer (id INTEGER NOT NULL, "
                       "name TEXT NOT NULL, email TEXT, created_at INTEGER NOT NULL)");
            exec(m_db, "DELETE FROM temp.import_customer");
            m_move_customers.emplace(
                m_db, "INSERT OR FAIL INTO customer (id, name, email, created_at) SELECT id, name, "
                      "email, created_at FROM temp.import_customer WHERE rowid > $1 ORDER BY id");
        }
        m_new_customers =
            connection(m_db).bulk_insert(m_stage ? "temp.import_customer" : "customer",
                                         {"id", "name", "email", "created_at"}, nullptr);
        // On PostgreSQL they wait until a lookup or the tickets need them, or the end: sent as
        // they come, each block would end the tickets' COPY and wait for the server.
        m_new_customers->hold_until_flush();
        TableImporter::setup();
        if (!present(c_customer_id) && !present(c_customer)) {
            bad("customer", "missing from the header: a ticket needs customer_id or customer");
        }
        m_categories = setting_list(m_db, "categories");
        m_channels = setting_list(m_db, "channels");
        Statement next(m_db, "SELECT coalesce(max(id), 0) + 1 FROM customer");
        next.step();
        m_next_customer = next.int64(0);
        m_first_new_customer = m_next_customer;
        next.reset();
        // New customers arrive in any id order: into an empty table, the name index is built at
        // the end too, or before the first lookup by name.
        if (m_first_new_customer == 1 && is_batched()) {
            drop_indexes("customer", m_customer_indexes);
        }
        Statement emails(m_db, "SELECT email FROM customer WHERE email IS NOT NULL");
        while (emails.step()) {
            m_emails.insert(emails.text_view(0));
        }
        emails.reset();
    }

    // New customers are written before the tickets that name them, unless the foreign keys are
    // off or dropped for the import (every ticket's customer is checked here): SQLite stages
    // them, PostgreSQL sends them in blocks of their own.
    BulkInsert* before_rows() override {
        return m_stage || m_foreign_keys_dropped ? nullptr : m_new_customers.get();
    }

    // Writes the new customers held back, so that lookups see them. The staged rows stay (the
    // temporary file goes with the connection; emptying the table would read every page back):
    // the next write starts after the last row written.
    void flush_customers() {
        m_new_customers->flush();
        if (m_staged == 0) {
            return;
        }
        {
            // SQLite sorts in memory up to the size of the page cache, on top of the cache.
            const ScopedCacheSize sort_cache(m_db, k_sort_cache_kib);
            m_move_customers->reset();
            m_move_customers->bind(1, m_moved_rowid);
            m_move_customers->run();
            m_move_customers->reset();
        }
        m_moved_rowid += m_staged;
        m_staged = 0;
    }

    // Whether customer `id` exists (or is held back to be written). After a few lookups, every
    // stored id is read into m_known_customers at once: a file that names many customers of the
    // database then needs no lookup per customer (each would wait for the ticket writes handed
    // over, on SQLite).
    bool customer_exists(std::int64_t id) {
        if (m_known_customers.contains(id)) {
            return true;
        }
        if (IdSet::tracks(id) && (id >= m_first_new_customer || m_every_customer_known)) {
            return false; // above every id at the start, or not stored, and not added since
        }
        flush_customers();
        if (++m_customer_lookups == k_lookups_before_reading_all && !m_every_customer_known) {
            Statement ids(m_db, "SELECT id FROM customer");
            while (ids.step()) {
                m_known_customers.insert(ids.int64(0));
            }
            ids.reset();
            m_every_customer_known = true;
            if (IdSet::tracks(id)) {
                return m_known_customers.contains(id);
            }
        }
        if (!exists(m_customer_by_id, id)) {
            return false;
        }
        m_known_customers.insert(id);
        return true;
    }

    bool given(std::string_view shown) const override {
        if (shown == "customer_id") {
            return present(c_customer_id) || present(c_customer);
        }
        return TableImporter::given(shown);
    }

    std::string listed(std::size_t c, const std::vector<std::string>& allowed) const {
        const auto value = code(c);
        if (!value) {
            return "other";
        }
        if (std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
            bad(c, fmt::format("unknown {} '{}' (allowed: {})", m_columns[c].name, *value,
                               fmt::join(allowed, ", ")));
        }
        return *value;
    }

    Prepared prepare() override {
        Prepared row;
        row.id = id(c_id);
        row.natural = code(c_ref);
        std::string status = "new";
        if (const auto s = code(c_status)) {
            if (!parse_status(*s)) {
                bad(c_status, fmt::format("unknown status '{}' (statuses: new, open, "
                                          "in_progress, waiting_customer, waiting_parts, "
                                          "resolved, closed)",
                                          *s));
            }
            status = *s;
        }
        std::string priority = "normal";
        if (const auto p = code(c_priority)) {
            if (!parse_priority(*p)) {
                bad(c_priority,
                    fmt::format("unknown priority '{}' (priorities: low, normal, high, urgent)",
                                *p));
            }
            priority = *p;
        }
        const auto satisfaction = count(c_satisfaction);
        if (satisfaction && (*satisfaction < 1 || *satisfaction > 5)) {
            bad(c_satisfaction,
                fmt::format("invalid satisfaction {}: expected 1 to 5", *satisfaction));
        }
        const auto minutes = count(c_minutes).value_or(0);
        if (minutes > k_max_minutes) {
            bad(c_minutes, fmt::format("invalid minutes {}: too many", minutes));
        }
        const std::int64_t created = time(c_created_at).value_or(m_stamp.now);
        row.values = {to_value(row.id),
                      to_value(row.natural),
                      required_text(c_title),
                      to_value(text(c_description)),
                      Value{}, // customer_id: before_write
                      listed(c_category, m_categories),
                      listed(c_channel, m_channels),
                      priority,
                      status,
                      to_value(text(c_assignee)),
                      created,
                      time(c_updated_at).value_or(created),
                      to_value(time(c_first_response_at)),
                      to_value(time(c_resolved_at)),
                      to_value(time(c_closed_at)),
                      to_value(code(c_cause)),
                      to_value(boolean(c_preventable)),
                      to_value(satisfaction),
                      minutes};
        return row;
    }

    // The customer: customer_id when known; a new customer with that id (named by the customer
    // and email cells); else the customer with that email or that one name, or a new one.
    void before_write(Prepared& row, const std::optional<std::int64_t>& /*existing*/) override {
        const auto customer_id = id(c_customer_id);
        if (customer_id && customer_exists(*customer_id)) {
            row.values[4] = *customer_id;
            return;
        }
        const auto name = text(c_customer);
        const auto email = text(c_email);
        if (!name) {
            bad(present(c_customer) ? "customer" : "customer_id",
                customer_id ? fmt::format("no customer with id {}: give its name in the customer "
                                          "column to create it",
                                          *customer_id)
                            : std::string("a ticket needs a customer_id or a customer name"));
        }
        if (email && m_emails.may_contain(*email)) {
            flush_customers();
            if (const auto holder = lookup(m_customer_by_email, *email)) {
                if (customer_id) {
                    bad("email", fmt::format("email {} belongs to customer {}, not {}", *email,
                                             *holder, *customer_id));
                }
                row.values[4] = *holder;
                return;
            }
        } else if (!email && !customer_id) {
            flush_customers();
            create_customer_indexes();
            m_customer_by_name.reset();
            m_customer_by_name.bind(1, *name);
            std::vector<std::int64_t> ids;
            while (m_customer_by_name.step()) {
                ids.push_back(m_customer_by_name.int64(0));
            }
            m_customer_by_name.reset();
            if (ids.size() > 1) {
                bad("customer", fmt::format("several customers are named '{}': give customer_id "
                                            "or email",
                                            *name));
            }
            if (ids.size() == 1) {
                row.values[4] = ids.front();
                return;
            }
        }
        // The id SQLite would give: one above the largest so far.
        const std::int64_t new_id = customer_id.value_or(m_next_customer);
        m_next_customer = std::max(m_next_customer, new_id + 1);
        const std::int64_t created = std::get<std::int64_t>(row.values[10]);
        m_new_customers->add_int64(new_id);
        m_new_customers->add_text(*name);
        if (email) {
            m_new_customers->add_text(*email);
            m_emails.insert(*email);
        } else {
            m_new_customers->add_null();
        }
        m_new_customers->add_int64(created);
        m_staged += m_stage ? 1 : 0;
        m_known_customers.insert(new_id);
        m_customer_state = {new_id, Value{}, *name, to_value(email), Value{}, row.values[10]};
        m_customer_audit.add(Value{new_id}, m_customer_layout, m_customer_state);
        row.values[4] = new_id;
    }

    void written(const Value& key, const std::vector<Value>* state) override {
        audit(m_audit, key, state);
    }
    void end_of_rows() override {
        flush_customers();
        m_dropped_indexes.insert(m_dropped_indexes.end(), m_customer_indexes.begin(),
                                 m_customer_indexes.end());
        m_customer_indexes.clear();
        TableImporter::end_of_rows();
    }
    void create_customer_indexes() {
        for (const std::string& sql : m_customer_indexes) {
            exec(m_db, sql);
        }
        m_customer_indexes.clear();
    }
    std::vector<std::string> m_customer_indexes; // dropped, to be created again
    void finish() override {
        m_customer_audit.flush();
        m_audit.flush();
    }

private:
    const std::size_t c_id = column("id"), c_ref = column("ref"), c_title = column("title"),
                      c_status = column("status"), c_priority = column("priority"),
                      c_category = column("category"), c_channel = column("channel"),
                      c_customer_id = column("customer_id"), c_customer = column("customer"),
                      c_email = column("email"), c_assignee = column("assignee"),
                      c_created_at = column("created_at"), c_updated_at = column("updated_at"),
                      c_first_response_at = column("first_response_at"),
                      c_resolved_at = column("resolved_at"), c_closed_at = column("closed_at"),
                      c_cause = column("cause"), c_preventable = column("preventable"),
                      c_satisfaction = column("satisfaction"), c_minutes = column("minutes"),
                      c_description = column("description");
    BatchAudit m_audit;
    BatchAudit m_customer_audit;
    // A new customer's whole row, in the columns of the customer table.
    const RowLayout m_customer_layout =
        row_layout({"id", "ref", "name", "email", "phone", "created_at"});
    std::vector<Value> m_customer_state;
    Statement m_customer_by_id, m_customer_by_email, m_customer_by_name;
    std::unique_ptr<BulkInsert> m_new_customers;
    bool m_stage = false;           // new customers go through temp.import_customer
    std::int64_t m_staged = 0;      // rows there not yet written to the customer table
    std::int64_t m_moved_rowid = 0; // the last row there that was
    std::optional<Statement> m_move_customers;
    // Customers that exist or are held back, as far as seen; once m_every_customer_known, every
    // one whose id IdSet tracks.
    IdSet m_known_customers;
    static constexpr std::int64_t k_lookups_before_reading_all = 1024;
    std::int64_t m_customer_lookups = 0;
    bool m_every_customer_known = false;
    KeyFilter m_emails; // customers' emails, stored or held back
    std::int64_t m_next_customer = 1, m_first_new_customer = 1;
    std::vector<std::string> m_categories, m_channels;
};

// ---- parts --------------------------------------------------------------------------------------

class PartImporter final : public TableImporter {
public:
    PartImporter(Database& db, RecordSource& source, const ImportOptions& options,
                 const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::parts, "part", "part",
                        {{"sku", "sku"},
                         {"name", "name"},
                         {"location", "location"},
                         {"supplier", "supplier"},
                         {"reorder_point", "reorder_point"},
                         {"order_rule", "order_rule"},
                         {"reorder_qty", "reorder_qty"},
                         {"max_qty", "max_qty"},
                         {"min_order", "min_order"},
                         {"pack_size", "pack_size"},
                         {"lead_time_days", "lead_time_days"},
                         {"unit_cost", "unit_cost"},
                         {"holding_rate", "holding_rate"},
                         {"created_at", "", false}},
                        Key::natural, "sku", true),
          m_audit(m_spool, db, "part", "part", "id"),
          m_id_of(db, "SELECT id FROM part WHERE sku = $1") {}

protected:
    std::vector<std::string_view> required() const override { return {"sku", "name"}; }
    std::vector<std::string_view> derived() const override {
        return {"on_hand", "reserved", "on_order", "value"};
    }

    std::optional<std::int64_t> positive(std::size_t c) const {
        const auto n = count(c);
        if (n && *n == 0) {
            bad(c, "must be above 0");
        }
        return n;
    }

    Prepared prepare() override {
        Prepared row;
        const std::string_view sku = raw(c_sku);
        if (sku.empty() || trim(sku).size() != sku.size()) {
            bad(c_sku, fmt::format("invalid SKU '{}': it may not be empty or start or end with a "
                                   "space",
                                   sku));
        }
        if (starts_with_csv_guard(sku)) {
            bad(c_sku, fmt::format("invalid SKU '{}': it may not start with = + - @ ' or a "
                                   "control character",
                                   sku));
        }
        row.natural = std::string(sku);
        std::string rule = "fixed";
        if (const auto r = code(c_order_rule)) {
            const auto parsed = parse_order_rule(*r);
            if (!parsed) {
                bad(c_order_rule,
                    fmt::format("unknown order rule '{}' (rules: fixed, up_to_max, eoq)", *r));
            }
            rule = std::string(order_rule_name(*parsed));
        }
        row.values = {*row.natural,
                      required_text(c_name),
                      to_value(text(c_location)),
                      to_value(text(c_supplier)),
                      to_value(count(c_reorder_point)),
                      rule,
                      to_value(positive(c_reorder_qty)),
                      to_value(positive(c_max_qty)),
                      to_value(positive(c_min_order)),
                      to_value(positive(c_pack_size)),
                      count(c_lead_time_days).value_or(0),
                      money(c_unit_cost).value_or(0),
                      to_value(percent(c_holding_rate)),
                      m_stamp.now};
        return row;
    }

    void written(const Value& key, const std::vector<Value>* /*state*/) override {
        m_audit.add(Value{*lookup(m_id_of, key)});
    }
    void finish() override { m_audit.flush(); }

private:
    const std::size_t c_sku = column("sku"), c_name = column("name"),
                      c_location = column("location"), c_supplier = column("supplier"),
                      c_reorder_point = column("reorder_point"),
                      c_order_rule = column("order_rule"), c_reorder_qty = column("reorder_qty"),
                      c_max_qty = column("max_qty"), c_min_order = column("min_order"),
                      c_pack_size = column("pack_size"),
                      c_lead_time_days = column("lead_time_days"),
                      c_unit_cost = column("unit_cost"), c_holding_rate = column("holding_rate");
    BatchAudit m_audit;
    Statement m_id_of;
};

// ---- the ledger ---------------------------------------------------------------------------------

class MoveImporter final : public TableImporter {
public:
    MoveImporter(Database& db, RecordSource& source, const ImportOptions& options,
                 const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::moves, "stock_move", "move",
                        {{"id", "id"},
                         {"part_id", "sku"},
                         {"at", "at"},
                         {"kind", "kind"},
                         {"qty", "qty"},
                         {"ticket_id", "ticket_id"},
                         {"unit_cost", "unit_cost"},
                         {"actor", "actor"},
                         {"note", "note"}},
                        Key::id_or_ref, "", false),
          m_audit(m_spool, db, "part", "part", "id"),
          m_part(db, "SELECT id FROM part WHERE sku = $1"),
          m_ticket(db, "SELECT 1 FROM ticket WHERE id = $1"),
          m_stock(db, "UPDATE part SET on_hand = on_hand + $2 WHERE id = $1 AND on_hand + $2 >= 0"),
          m_on_hand(db, "SELECT on_hand FROM part WHERE id = $1") {}

protected:
    std::vector<std::string_view> required() const override {
        return {"at", "sku", "kind", "qty", "unit_cost", "actor"};
    }
    std::vector<std::string_view> derived() const override { return {}; }

    Prepared prepare() override {
        Prepared row;
        row.id = id(c_id);
        const auto sku = code(c_sku);
        if (!sku) {
            bad(c_sku, "may not be empty");
        }
        const auto part = lookup(m_part, Value{*sku});
        if (!part) {
            bad(c_sku, fmt::format("unknown part '{}'", *sku), "import the parts first");
        }
        const auto kind = code(c_kind);
        const auto qty = signed_number(c_qty);
        if (!kind ||
            (*kind != "receive" && *kind != "consume" && *kind != "return" && *kind != "adjust")) {
            bad(c_kind, fmt::format("unknown kind '{}' (kinds: receive, consume, return, adjust)",
                                    kind.value_or("")));
        }
        if (!qty || *qty == 0 || (*kind == "consume" && *qty > 0) ||
            ((*kind == "receive" || *kind == "return") && *qty < 0)) {
            bad(c_qty, fmt::format("invalid quantity '{}' for a {} (receive and return add, "
                                   "consume takes away, adjust may do either; never 0)",
                                   raw(c_qty), *kind));
        }
        const auto ticket = id(c_ticket_id);
        if (ticket && !exists(m_ticket, Value{*ticket})) {
            bad(c_ticket_id, fmt::format("no ticket with id {}", *ticket),
                "import the tickets first");
        }
        const auto at = time(c_at);
        if (!at) {
            bad(c_at, "may not be empty");
        }
        const auto cost = money(c_unit_cost);
        if (!cost) {
            bad(c_unit_cost, "may not be empty");
        }
        row.values = {to_value(row.id),
                      *part,
                      *at,
                      *kind,
                      *qty,
                      to_value(ticket),
                      *cost,
                      required_text(c_actor),
                      to_value(text(c_note))};
        return row;
    }

    void before_write(Prepared& row, const std::optional<std::int64_t>& existing) override {
        if (existing) {
            return;
        }
        const std::int64_t part = std::get<std::int64_t>(row.values[1]);
        const std::int64_t qty = std::get<std::int64_t>(row.values[4]);
        m_stock.reset();
        m_stock.bind_all(part, qty);
        if (m_stock.run() != 1) {
            m_stock.reset();
            bad(c_qty, fmt::format("'{}' has {} on hand: a move of {} would take it below zero",
                                   raw(c_sku), *lookup(m_on_hand, Value{part}), qty));
        }
        m_stock.reset();
        m_touched.insert(part);
    }

    void written(const Value& /*key*/, const std::vector<Value>* /*state*/) override {}

    void finish() override {
        for (const std::int64_t part : m_touched) {
            m_audit.add(Value{part});
        }
        m_audit.flush();
    }

private:
    const std::size_t c_id = column("id"), c_at = column("at"), c_sku = column("sku"),
                      c_kind = column("kind"), c_qty = column("qty"),
                      c_ticket_id = column("ticket_id"), c_unit_cost = column("unit_cost"),
                      c_actor = column("actor"), c_note = column("note");
    BatchAudit m_audit;
    Statement m_part, m_ticket, m_stock, m_on_hand;
    std::set<std::int64_t> m_touched;
};

// ---- the ticket history -------------------------------------------------------------------------

class EventImporter final : public TableImporter {
public:
    EventImporter(Database& db, RecordSource& source, const ImportOptions& options,
                  const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::events, "ticket_event", "event",
                        {{"id", "id"},
                         {"ticket_id", "ticket_id"},
                         {"at", "at"},
                         {"actor", "actor"},
                         {"kind", "kind"},
                         {"field", "field"},
                         {"old_value", "old_value"},
                         {"new_value", "new_value"},
                         {"minutes", "minutes"},
                         {"body", "body"}},
                        Key::id_or_ref, "", false),
          m_audit(m_spool, db, "ticket_event", "ticket_event", "id"),
          m_ticket(db, "SELECT 1 FROM ticket WHERE id = $1") {}

protected:
    std::vector<std::string_view> required() const override {
        return {"ticket_id", "at", "actor", "kind"};
    }
    std::vector<std::string_view> derived() const override { return {}; }

    Prepared prepare() override {
        static constexpr std::array<std::string_view, 6> k_kinds = {"created", "note",   "reply",
                                                                    "inbound", "status", "field"};
        Prepared row;
        row.id = id(c_id);
        const auto ticket = id(c_ticket_id);
        if (!ticket) {
            bad(c_ticket_id, "may not be empty");
        }
        if (!exists(m_ticket, Value{*ticket})) {
            bad(c_ticket_id, fmt::format("no ticket with id {}", *ticket),
                "import the tickets first");
        }
        const auto at = time(c_at);
        if (!at) {
            bad(c_at, "may not be empty");
        }
        const auto kind = code(c_kind);
        if (!kind || std::find(k_kinds.begin(), k_kinds.end(), *kind) == k_kinds.end()) {
            bad(c_kind, fmt::format("unknown kind '{}' (kinds: created, note, reply, inbound, "
                                    "status, field)",
                                    kind.value_or("")));
        }
        row.values = {to_value(row.id),
                      *ticket,
                      *at,
                      required_text(c_actor),
                      *kind,
                      to_value(code(c_field)),
                      to_value(text(c_old)),
                      to_value(text(c_new)),
                      to_value(count(c_minutes)),
                      to_value(text(c_body))};
        return row;
    }

    void written(const Value& key, const std::vector<Value>* state) override {
        audit(m_audit, key, state);
    }
    void finish() override { m_audit.flush(); }

private:
    const std::size_t c_id = column("id"), c_ticket_id = column("ticket_id"), c_at = column("at"),
                      c_actor = column("actor"), c_kind = column("kind"), c_field = column("field"),
                      c_old = column("old_value"), c_new = column("new_value"),
                      c_minutes = column("minutes"), c_body = column("body");
    BatchAudit m_audit;
    Statement m_ticket;
};

// ---- settings -----------------------------------------------------------------------------------

class SettingImporter final : public TableImporter {
public:
    SettingImporter(Database& db, RecordSource& source, const ImportOptions& options,
                    const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::settings, "setting", "setting",
                        {{"key", "key"}, {"value", "value"}}, Key::natural, "key", true),
          m_audit(m_spool, db, "setting", "setting", "key") {}

protected:
    std::vector<std::string_view> required() const override { return {"key", "value"}; }
    std::vector<std::string_view> derived() const override { return {}; }

    Prepared prepare() override {
        Prepared row;
        const auto key = code(c_key);
        if (!key) {
            bad(c_key, "may not be empty");
        }
        std::string value;
        try {
            check_setting_key(*key);
        } catch (const Error& e) {
            bad(c_key, e.what());
        }
        try {
            value = check_setting(*key, text(c_value).value_or(""));
        } catch (const Error& e) {
            bad(c_value, e.what());
        }
        row.natural = *key;
        row.values = {*key, value};
        return row;
    }

    void written(const Value& key, const std::vector<Value>* state) override {
        audit(m_audit, key, state);
    }
    void finish() override {
        m_audit.flush();
        m_db.impl().settings.reset();
    }

private:
    const std::size_t c_key = column("key"), c_value = column("value");
    BatchAudit m_audit;
};

// SQLite's foreign key enforcement off until the end of the scope, when `wanted` and it was on
// (set outside any transaction: inside one the pragma does nothing).
class ForeignKeysOff {
public:
    ForeignKeysOff(Database& db, bool wanted) : m_db(db) {
        if (!wanted || dialect(db) != Dialect::sqlite) {
            return;
        }
        m_was_on = foreign_keys_on(db);
        if (m_was_on) {
            exec(db, "PRAGMA foreign_keys = OFF");
        }
    }
    ~ForeignKeysOff() {
        if (!m_was_on) {
            return;
        }
        try {
            exec(m_db, "PRAGMA foreign_keys = ON");
        } catch (...) { // NOLINT(bugprone-empty-catch): the setting ends with the connection
        }
    }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

private:
    Database& m_db;
    bool m_was_on = false;
};

// Negative: KiB.
constexpr std::int64_t k_import_cache_kib = -8192;

std::unique_ptr<Importer> make_importer(Database& db, Dataset dataset, RecordSource& source,
                                        const ImportOptions& options, const Stamp& stamp) {
    switch (dataset) {
    case Dataset::tickets:
        return std::make_unique<TicketImporter>(db, source, options, stamp);
    case Dataset::customers:
        return std::make_unique<CustomerImporter>(db, source, options, stamp);
    case Dataset::parts:
        return std::make_unique<PartImporter>(db, source, options, stamp);
    case Dataset::moves:
        return std::make_unique<MoveImporter>(db, source, options, stamp);
    case Dataset::events:
        return std::make_unique<EventImporter>(db, source, options, stamp);
    case Dataset::settings:
        return std::make_unique<SettingImporter>(db, source, options, stamp);
    }
    return nullptr;
}

} // namespace

ImportResult import_dataset(Database& db, Dataset dataset, RecordSource& source,
                            const ImportOptions& options, const Stamp& stamp) {
    if (stamp.actor.empty()) {
        throw Error(ErrorKind::usage, "the actor may not be empty");
    }
    // A larger page cache for the length of the import: index pages stay in memory instead of
    // being read again from the file (a measured 2x on 100k tickets), within the memory budget.
    const ScopedCacheSize cache(db, k_import_cache_kib);
    // A ticket import checks every ticket's customer itself and may write new customers after
    // the tickets that name them: SQLite's foreign keys are off for its transaction.
    const ForeignKeysOff fk_off(db, dataset == Dataset::tickets);
    WriteTransaction tx(db);
    ImportResult result;
    {
        const auto importer = make_importer(db, dataset, source, options, stamp);
        result = importer->run();
    }
    if (options.dry_run == DryRun::no) {
        tx.commit();
    } else {
        db.impl().settings.reset();
    }
    return result;
}

} // namespace svcmgr
