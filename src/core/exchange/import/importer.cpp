// The run loop of every importer: the header, the rows, identity and the write.

#include "exchange/import/importer.hpp"

#include "db/indexes.hpp"

#include <fmt/format.h>

namespace svcmgr {

namespace {

constexpr std::int64_t k_progress_rows = 8192;

void add_cell(BulkInsert& writer, const Value& v) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
        writer.add_int64(*n);
    } else if (const auto* t = std::get_if<std::string>(&v)) {
        writer.add_text(*t);
    } else {
        writer.add_null();
    }
}

} // namespace

bool foreign_keys_on(Database& db) {
    Statement st(db, "PRAGMA foreign_keys");
    const bool on = st.step() && st.int64(0) != 0;
    st.reset();
    return on;
}

// ---- the header and the rows --------------------------------------------------------------------

Importer::Importer(Database& db, RecordSource& source, const ImportOptions& options,
                   const Stamp& stamp, Dataset dataset)
    : m_db(db), m_source(source), m_options(options), m_stamp(stamp),
      m_columns(dataset_columns(dataset)), m_index(m_columns.size(), -1), m_spool(db, stamp) {}

ImportResult Importer::run() {
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

std::size_t Importer::column(std::string_view name) const {
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        if (m_columns[i].name == name) {
            return i;
        }
    }
    throw Error(ErrorKind::bad_data, fmt::format("no column {}", name)); // a bug in a table
}

void Importer::bad(std::string_view column_name, std::string_view what, std::string hint) const {
    throw Error(ErrorKind::bad_data,
                fmt::format("row {}, column {}: {}", m_source.row(), column_name, what),
                std::move(hint));
}

void Importer::map_header(const std::vector<std::string>& header) {
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

// ---- one file row to one table row --------------------------------------------------------------

void TableImporter::setup() {
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
    m_select.emplace(m_db, fmt::format("SELECT {} FROM {} WHERE {} = ${}", fmt::join(names, ", "),
                                       m_table, key_column, m_stored.size() + 1));
    if (!sets.empty()) {
        m_update.emplace(m_db, fmt::format("UPDATE {} SET {} WHERE {} = ${}", m_table,
                                           fmt::join(sets, ", "), key_column, m_stored.size() + 1));
    }
    if (m_key == Key::id_or_ref) {
        m_by_id.emplace(m_db, fmt::format("SELECT id FROM {} WHERE id = $1", m_table));
        if (!m_natural_column.empty()) {
            m_by_natural.emplace(
                m_db, fmt::format("SELECT id FROM {} WHERE {} = $1", m_table, m_natural_column));
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

void TableImporter::end_of_rows() {
    flush_inserts();
    m_writer.reset();
    if (!m_dropped_indexes.empty() && dialect(m_db) == Dialect::sqlite) {
        // SQLite sorts the keys of a new index in memory up to the size of the page cache,
        // on top of the cache: a smaller one for the sort keeps the import within its memory.
        exec(m_db, fmt::format("PRAGMA cache_size = {}", k_sort_cache_kib));
    }
    restore_indexes(m_db, m_dropped_indexes);
}

void TableImporter::flush_inserts() {
    if (m_writer) {
        m_writer->flush();
    }
    m_pending_ids.clear();
    m_pending_naturals.clear();
}

bool TableImporter::given(std::string_view shown) const {
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        if (m_columns[i].name == shown) {
            return present(i);
        }
    }
    return false;
}

std::size_t TableImporter::stored_index(std::string_view column_name) const {
    for (std::size_t i = 0; i < m_stored.size(); ++i) {
        if (m_stored[i].column == column_name) {
            return i;
        }
    }
    return m_stored.size();
}

void TableImporter::drop_indexes(std::string_view table, std::vector<std::string>& into) {
    m_foreign_keys_dropped = svcmgr::drop_indexes(m_db, table, into) || m_foreign_keys_dropped;
}

void TableImporter::import_row() {
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
            bad("id",
                fmt::format("{} '{}' has id {}, not {}", m_what, *row.natural, *existing, *row.id));
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

} // namespace svcmgr
