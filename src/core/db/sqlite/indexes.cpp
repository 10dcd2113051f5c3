#include "db/sqlite/indexes.hpp"

namespace svcmgr {

std::string_view sqlite_index_catalog() {
    return "SELECT 'index', 'DROP INDEX \"' || name || '\"', sql FROM sqlite_schema "
           "WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name";
}

} // namespace svcmgr
