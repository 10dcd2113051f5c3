#include "db/postgres/indexes.hpp"

namespace svcmgr {

std::string_view postgres_index_catalog() {
    return "WITH t AS (SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace "
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
           "'_id' AND g.tgenabled <> 'D' ORDER BY 1, 2";
}

} // namespace svcmgr
