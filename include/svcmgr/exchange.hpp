#pragma once

// Export and import of whole tables for spreadsheets and scripts (DESIGN.md section 7), streamed
// row by row so that memory stays constant whatever the size.

#include <svcmgr/db.hpp>
#include <svcmgr/table.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// What can be exported and imported.
enum class Dataset {
    tickets,   // the ticket machine columns
    customers, // id, ref, name, email, phone, created_at, tickets, open_tickets
    parts,     // the part machine columns
    moves,     // the inventory ledger: id, at, sku, kind, qty, ticket_id, unit_cost, actor, note
    events,    // the ticket history: id, ticket_id, at, actor, kind, field, old_value,
               // new_value, minutes, body
    settings,  // key, value: the settings set in this database (defaults are not exported)
};

// What each dataset is, in one table.
struct DatasetInfo {
    Dataset dataset;
    // The command whose export and import verbs carry it: "ticket", "ticket events", ...
    std::string_view command;
    // Every column, in order.
    std::vector<Column> (*columns)();
    // For the core: the query that reads every column, in columns() order and in key order.
    std::string (*select)();
};

// Every dataset, in the order of Dataset.
std::span<const DatasetInfo> datasets();
const DatasetInfo& dataset_info(Dataset dataset);

// Every column of a dataset, in order: dataset_info(dataset).columns().
std::vector<Column> dataset_columns(Dataset dataset);

// The columns `names` choose, in that order (all of them when `names` is empty). Throws
// Error(usage) naming an unknown or repeated column.
std::vector<Column> export_columns(Dataset dataset, const std::vector<std::string>& names);

using RowSink = std::function<void(const Row&)>;

// Reads every row of the dataset in key order (id; SKU for parts; key for settings) and passes
// each to `sink` as soon as it is read, with the cells of export_columns(dataset, names).
// Returns the number of rows.
std::int64_t export_dataset(Database& db, Dataset dataset, const std::vector<std::string>& names,
                            const RowSink& sink);

// ---- import -------------------------------------------------------------------------------------

// Records read from a file: a header naming the columns, then rows of cells in that order. An
// empty cell is NULL. Errors in the input are thrown as Error(bad_data) naming the row (the
// header is row 1 in CSV; the line in jsonl) and the column.
class RecordSource {
public:
    virtual ~RecordSource() = default;
    // The column names; false when the input is empty.
    virtual bool read_header(std::vector<std::string>& names) = 0;
    // The next row, one cell per header column; false at the end of the input.
    virtual bool next(std::vector<std::string>& cells) = 0;
    // The number of the record last read, for messages.
    virtual std::int64_t row() const = 0;
    // True when text cells carry the CSV apostrophe guard, which import removes once.
    virtual bool guarded() const = 0;
};

// CSV (RFC 4180, strict; LF or CRLF; an optional UTF-8 BOM) with a header line.
std::unique_ptr<RecordSource> csv_source(std::FILE* in, char delimiter = ',');
// JSON Lines: one object per line, keyed by column name, as `--format jsonl` writes them.
std::unique_ptr<RecordSource> jsonl_source(std::FILE* in);

enum class OnConflict { refuse, update };
enum class DryRun { no, yes };

struct ImportOptions {
    OnConflict on_conflict = OnConflict::refuse; // --update: apply the file's cells to known keys
    DryRun dry_run = DryRun::no;                 // validate everything, write nothing
    // Called every few thousand rows with the number of rows read so far.
    std::function<void(std::int64_t rows)> progress = {};
};

struct ImportResult {
    std::int64_t rows = 0;      // data rows read
    std::int64_t created = 0;   // new rows
    std::int64_t updated = 0;   // known keys whose cells changed (--update)
    std::int64_t unchanged = 0; // known keys with identical cells
};

// Imports every row of `source` in one write transaction: the first bad row throws
// Error(bad_data) "row N, column C: ..." and nothing is written. A row's key is its ref, else its
// id (SKU for parts, key for settings); a known key with identical cells is left alone, with
// different cells it is an error unless OnConflict::update. Ids from the file are kept. Derived
// columns (cost, value, on_hand, reserved, on_order, tickets, open_tickets) are ignored. The
// import is audited with batch records: one per entity and per 10000 rows.
ImportResult import_dataset(Database& db, Dataset dataset, RecordSource& source,
                            const ImportOptions& options, const Stamp& stamp);

} // namespace svcmgr
