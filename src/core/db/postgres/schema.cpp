#include "db/schema.hpp"

#include "db/sql.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

namespace svcmgr {

namespace {

int schema_version_pg(Database& db) {
    // A scan of the catalog, not a name lookup (to_regclass): a lookup that fails is cached by
    // the server, and would still fail after the writer lock is granted to a process that waited
    // for another's migration.
    Statement exists(db, "SELECT count(*) FROM pg_catalog.pg_class c "
                         "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE c.relname = 'svcmgr_schema' AND n.nspname = current_schema()");
    exists.step();
    if (exists.int64(0) == 0) {
        return 0;
    }
    Statement st(db, "SELECT version FROM svcmgr_schema");
    return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

} // namespace

void migrate_postgres(Database& db) {
    const int latest = current_schema_version();
    int version = schema_version_pg(db);
    refuse_newer_schema(db, version, latest);
    // Two processes starting at once: the writer lock serialises them, and the second finds the
    // work done.
    while (version < latest) {
        WriteTransaction tx(db);
        version = schema_version_pg(db);
        if (version >= latest) {
            break;
        }
        if (version == 0) {
            exec(db, "CREATE TABLE svcmgr_schema (version BIGINT NOT NULL); "
                     "INSERT INTO svcmgr_schema VALUES (0)");
        }
        exec(db, migration_sql(Dialect::postgres, static_cast<std::size_t>(version)));
        exec(db, fmt::format("UPDATE svcmgr_schema SET version = {}", version + 1));
        tx.commit();
        ++version;
    }
}

} // namespace svcmgr
