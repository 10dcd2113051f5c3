#pragma once

// The run loop every dataset's importer shares (the header, typed cells, identity and the write
// itself), and the factories of the importers, one per dataset.

#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/text.hpp>

#include "audit/batch.hpp"
#include "db/sql.hpp"
#include "exchange/import/keys.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace svcmgr {

// The page cache while SQLite sorts (building an index, writing staged rows in key order): its
// sorter holds as much as the cache again. Negative: KiB.
inline constexpr std::int64_t k_sort_cache_kib = -2048;

template <typename T>
Value to_value(const std::optional<T>& v) {
    return v ? Value{*v} : Value{};
}

// Whether SQLite enforces foreign keys on this connection.
bool foreign_keys_on(Database& db);

// How the cells of a type are read: their name in messages and an example of what is expected
// ("invalid WHAT 'CELL': expected EXPECTED"), and `parse`, nullopt for a cell it rejects.
struct CellType {
    std::string_view what;
    std::string_view expected;
    std::optional<std::int64_t> (*parse)(std::string_view);
};

// The cell types of the datasets (constants, so that each read calls its parser directly).
inline constexpr CellType k_count_cell = {"number", "a whole number such as 12", parse_count};
inline constexpr CellType k_signed_cell = {
    "number", "a whole number such as -3", [](std::string_view s) -> std::optional<std::int64_t> {
        const bool negative = s.starts_with('-');
        const auto n = parse_count(negative ? s.substr(1) : s);
        if (!n) {
            return std::nullopt;
        }
        return negative ? -*n : *n;
    }};
inline constexpr CellType k_time_cell = {"time", "UTC such as 2026-11-22T11:53:03Z",
                                         parse_utc_timestamp};
inline constexpr CellType k_money_cell = {"amount", "a sum such as 12.50",
                                          [](std::string_view s) { return parse_money(s); }};
inline constexpr CellType k_boolean_cell = {"value", "yes, no or nothing",
                                            [](std::string_view s) -> std::optional<std::int64_t> {
                                                if (s == "yes") {
                                                    return 1;
                                                }
                                                if (s == "no") {
                                                    return 0;
                                                }
                                                return std::nullopt;
                                            }};
inline constexpr CellType k_percent_cell = {"percentage", "0 to 100 such as 25.0", parse_percent};

// How the codes of a closed list are named in messages: "unknown WHAT 'CELL' (LABEL: NAMES)".
struct CodeList {
    std::string_view what;
    std::string_view label;
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
             Dataset dataset);
    virtual ~Importer() = default;
    Importer(const Importer&) = delete;
    Importer& operator=(const Importer&) = delete;

    ImportResult run();

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

    std::size_t column(std::string_view name) const;

    bool present(std::size_t c) const { return m_index[c] >= 0; }

    std::string_view raw(std::size_t c) const {
        return m_index[c] < 0 ? std::string_view{}
                              : std::string_view{m_cells[static_cast<std::size_t>(m_index[c])]};
    }

    [[noreturn]] void bad(std::string_view column_name, std::string_view what,
                          std::string hint = {}) const;
    [[noreturn]] void bad(std::size_t c, std::string_view what, std::string hint = {}) const {
        bad(m_columns[c].name, what, std::move(hint));
    }

    // Free text: the CSV guard apostrophe removed once; blank is nullopt. The view is into the
    // current row.
    std::optional<std::string_view> text_view(std::size_t c) const {
        std::string_view s = raw(c);
        if (m_source.guarded() && s.starts_with('\'')) {
            s.remove_prefix(1);
        }
        if (trim(s).empty()) {
            return std::nullopt;
        }
        return s;
    }
    // Free text, as stored: blank is NULL.
    std::optional<std::string> text(std::size_t c) const {
        const auto s = text_view(c);
        return s ? std::optional<std::string>(*s) : std::nullopt;
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

    // A code of a closed list, read by code(): `blank` when the cell is blank (no `blank`: a
    // blank cell is unknown); else the name `accepts` stores for it, nullopt when unknown.
    template <typename Names, typename Accepts>
    std::string one_of(std::size_t c, const std::optional<std::string>& value,
                       std::optional<std::string_view> blank, const Accepts& accepts,
                       const CodeList& list, const Names& names) const {
        if (!value && blank) {
            return std::string(*blank);
        }
        std::optional<std::string_view> stored;
        if (value) {
            stored = accepts(std::string_view(*value));
        }
        if (!stored) {
            bad(c, fmt::format("unknown {} '{}' ({}: {})", list.what, value.value_or(""),
                               list.label, fmt::join(names, ", ")));
        }
        return std::string(*stored);
    }
    // The same for a list whose names are the codes.
    template <typename Names>
    std::string one_of(std::size_t c, const std::optional<std::string>& value,
                       std::optional<std::string_view> blank, const CodeList& list,
                       const Names& names) const {
        return one_of(
            c, value, blank,
            [&](std::string_view s) -> std::optional<std::string_view> {
                return std::find(std::begin(names), std::end(names), s) != std::end(names)
                           ? std::optional(s)
                           : std::nullopt;
            },
            list, names);
    }

    // A typed cell: blank is NULL; a cell `type` rejects is "invalid WHAT 'CELL': expected ...".
    std::optional<std::int64_t> typed(std::size_t c, const CellType& type) const {
        const std::string_view s = raw(c);
        if (s.empty()) {
            return std::nullopt;
        }
        const auto n = type.parse(s);
        if (!n) {
            bad(c, fmt::format("invalid {} '{}': expected {}", type.what, s, type.expected));
        }
        return n;
    }

    std::optional<std::int64_t> count(std::size_t c) const { return typed(c, k_count_cell); }
    std::optional<std::int64_t> signed_number(std::size_t c) const {
        return typed(c, k_signed_cell);
    }
    std::optional<std::int64_t> time(std::size_t c) const { return typed(c, k_time_cell); }
    std::optional<std::int64_t> money(std::size_t c) const { return typed(c, k_money_cell); }
    std::optional<std::int64_t> boolean(std::size_t c) const { return typed(c, k_boolean_cell); }
    std::optional<std::int64_t> percent(std::size_t c) const { return typed(c, k_percent_cell); }

    std::optional<std::int64_t> id(std::size_t c) const {
        const auto n = count(c);
        if (n && *n == 0) {
            bad(c, "invalid id 0: ids start at 1");
        }
        return n;
    }

    static bool exists(Statement& st, const Value& key) {
        st.reset();
        st.bind(1, key);
        const bool found = st.step();
        st.reset();
        return found;
    }

    static std::optional<std::int64_t> lookup(Statement& st, const Value& key) {
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
    void map_header(const std::vector<std::string>& header);
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
    // The writer whose rows this table's new rows reference (flushed before each of its writes).
    virtual BulkInsert* before_rows() { return nullptr; }
    // Whether the file has the column that sets a stored one.
    virtual bool given(std::string_view shown) const;

    // Audits a written row from its values when they are the whole row, else reads it back.
    void audit(BatchAudit& batch, const Value& key, const std::vector<Value>* state) const {
        if (state != nullptr) {
            batch.add(key, m_layout, *state);
        } else {
            batch.add(key);
        }
    }

    void setup() override;
    void import_row() override;
    void end_of_rows() override;

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
    // Drops the indexes of `table` as db/indexes.hpp says, adding the statements that restore
    // them to `into`.
    void drop_indexes(std::string_view table, std::vector<std::string>& into);

    bool is_batched() const { return m_batched; }

    // Writes the rows held back.
    void flush_inserts();

    std::string_view id_column() const { return m_key == Key::id_or_ref ? "id" : ""; }

    std::size_t stored_index(std::string_view column_name) const;

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

// The importer of each dataset, for the rows of `source`.
using ImporterFactory = std::unique_ptr<Importer> (*)(Database& db, RecordSource& source,
                                                      const ImportOptions& options,
                                                      const Stamp& stamp);
std::unique_ptr<Importer> customer_importer(Database& db, RecordSource& source,
                                            const ImportOptions& options, const Stamp& stamp);
std::unique_ptr<Importer> ticket_importer(Database& db, RecordSource& source,
                                          const ImportOptions& options, const Stamp& stamp);
std::unique_ptr<Importer> part_importer(Database& db, RecordSource& source,
                                        const ImportOptions& options, const Stamp& stamp);
std::unique_ptr<Importer> move_importer(Database& db, RecordSource& source,
                                        const ImportOptions& options, const Stamp& stamp);
std::unique_ptr<Importer> event_importer(Database& db, RecordSource& source,
                                         const ImportOptions& options, const Stamp& stamp);
std::unique_ptr<Importer> setting_importer(Database& db, RecordSource& source,
                                           const ImportOptions& options, const Stamp& stamp);

} // namespace svcmgr
