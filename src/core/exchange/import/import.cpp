// Import of whole tables: every row validated, one transaction, batch audit records.

#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>

#include "db/scoped_cache.hpp"
#include "db/sql.hpp"
#include "exchange/import/importer.hpp"

#include <array>
#include <memory>

namespace svcmgr {

namespace {

struct ImporterOf {
    Dataset dataset;
    ImporterFactory make;
};
constexpr std::array<ImporterOf, 6> k_importers = {{
    {Dataset::tickets, ticket_importer},
    {Dataset::customers, customer_importer},
    {Dataset::parts, part_importer},
    {Dataset::moves, move_importer},
    {Dataset::events, event_importer},
    {Dataset::settings, setting_importer},
}};

std::unique_ptr<Importer> make_importer(Database& db, Dataset dataset, RecordSource& source,
                                        const ImportOptions& options, const Stamp& stamp) {
    for (const auto& importer : k_importers) {
        if (importer.dataset == dataset) {
            return importer.make(db, source, options, stamp);
        }
    }
    return nullptr;
}

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
