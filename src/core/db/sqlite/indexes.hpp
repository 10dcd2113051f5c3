#pragma once

#include <string_view>

namespace svcmgr {

// The catalog query behind drop_indexes (db/indexes.hpp) on SQLite: given the table as $1, one
// row per secondary index: what it is ('index'), the statement that drops it, the one that
// restores it.
std::string_view sqlite_index_catalog();

} // namespace svcmgr
