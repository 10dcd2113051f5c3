#include "db/indexes.hpp"

#include "db/sql.hpp"
#include "db/sqlite/indexes.hpp"

#ifndef SVCMGR_POSTGRES
#error "SVCMGR_POSTGRES must be 0 or 1 (CMakeLists.txt sets it for this file)"
#elif SVCMGR_POSTGRES
#include "db/postgres/indexes.hpp"
#endif

namespace svcmgr {

namespace {

std::string_view index_catalog(Database& db) {
#if SVCMGR_POSTGRES
    if (dialect(db) == Dialect::postgres) {
        return postgres_index_catalog();
    }
#else
    static_cast<void>(db); // a build without PostgreSQL opens no PostgreSQL database
#endif
    return sqlite_index_catalog();
}

} // namespace

bool drop_indexes(Database& db, std::string_view table, std::vector<std::string>& restore) {
    Statement list(db, index_catalog(db));
    list.bind(1, table);
    std::vector<std::string> drops;
    bool foreign_keys = false;
    while (list.step()) {
        foreign_keys = foreign_keys || list.text_view(0) == "foreign key";
        drops.push_back(list.text(1));
        restore.push_back(list.text(2));
    }
    list.reset();
    for (const std::string& drop : drops) {
        exec(db, drop);
    }
    return foreign_keys;
}

void restore_indexes(Database& db, std::vector<std::string>& restore) {
    for (const std::string& sql : restore) {
        exec(db, sql);
    }
    restore.clear();
}

} // namespace svcmgr
