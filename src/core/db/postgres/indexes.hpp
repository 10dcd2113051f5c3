#pragma once

#include <string_view>

namespace svcmgr {

// The catalog query behind drop_indexes (db/indexes.hpp) on PostgreSQL: given the table as $1,
// one row per index that no constraint owns, per foreign key and for the enabled id trigger:
// what it is ('index', 'foreign key', 'trigger'), the statement that drops (or disables) it, the
// one that restores it.
std::string_view postgres_index_catalog();

} // namespace svcmgr
