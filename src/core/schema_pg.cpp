#include "schema.hpp"

#include "sql.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>

namespace svcmgr {

namespace {

// Ids as SQLite gives an INTEGER PRIMARY KEY: one more than the largest when none is given,
// and the id of the row inserted last is what last_insert_id reads (svcmgr.last_id). Writers hold
// the writer lock, so max + 1 cannot race.
std::string id_trigger(std::string_view table, std::string_view column) {
    return fmt::format(R"sql(
CREATE FUNCTION svcmgr_id_{0}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.{1} IS NULL THEN
        NEW.{1} := (SELECT coalesce(max({1}), 0) + 1 FROM {0});
    END IF;
    PERFORM set_config('svcmgr.last_id', NEW.{1}::text, false);
    RETURN NEW;
END $$;
CREATE TRIGGER {0}_id BEFORE INSERT ON {0} FOR EACH ROW EXECUTE FUNCTION svcmgr_id_{0}();
)sql",
                       table, column);
}

// The migrations of schema.cpp in PostgreSQL's dialect, one for one: the same tables, columns,
// constraints, indexes and triggers, with BIGINT for every integer (PostgreSQL's INTEGER is
// 32-bit). The audit's change stays TEXT, byte for byte.
std::string migration(std::size_t version) {
    switch (version) {
    case 0:
        return R"sql(
-- svc_fold as the SQLite driver's: NFC, then Unicode case folding (lower case, and the
-- foldings that lower case lacks), so free-word search finds the same rows.
CREATE FUNCTION svc_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT replace(replace(replace(lower(normalize($1, NFC) COLLATE "und-x-icu"),
                                   'ß', 'ss'), 'ς', 'σ'), 'ﬁ', 'fi')
$$;
CREATE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT strpos($1, $2)
$$;

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE customer (
    id         BIGINT PRIMARY KEY,
    ref        TEXT UNIQUE CHECK (ref <> ''),
    name       TEXT NOT NULL CHECK (name <> ''),
    email      TEXT UNIQUE CHECK (email <> ''),
    phone      TEXT CHECK (phone <> ''),
    created_at BIGINT NOT NULL
);
CREATE INDEX customer_name ON customer (name);

CREATE TABLE ticket (
    id                BIGINT PRIMARY KEY,
    ref               TEXT UNIQUE CHECK (ref <> ''),
    title             TEXT NOT NULL CHECK (title <> ''),
    description       TEXT CHECK (description <> ''),
    customer_id       BIGINT NOT NULL REFERENCES customer (id),
    category          TEXT NOT NULL,
    channel           TEXT NOT NULL,
    priority          TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status            TEXT NOT NULL CHECK (status IN ('new', 'open', 'in_progress',
                          'waiting_customer', 'waiting_parts', 'resolved', 'closed')),
    assignee          TEXT CHECK (assignee <> ''),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at       BIGINT,
    closed_at         BIGINT,
    cause             TEXT CHECK (cause <> ''),
    preventable       BIGINT CHECK (preventable IN (0, 1)),
    satisfaction      BIGINT CHECK (satisfaction BETWEEN 1 AND 5),
    minutes           BIGINT NOT NULL DEFAULT 0 CHECK (minutes >= 0)
);
CREATE INDEX ticket_status ON ticket (status);
CREATE INDEX ticket_customer ON ticket (customer_id, created_at);
CREATE INDEX ticket_created ON ticket (created_at);

CREATE TABLE ticket_event (
    id        BIGINT PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES ticket (id),
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('created', 'note', 'reply', 'inbound', 'status',
                                             'field')),
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    body      TEXT,
    minutes   BIGINT
);
CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, at);

CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL CHECK (actor <> ''),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    change    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_id);
CREATE FUNCTION svcmgr_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION svcmgr_audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION svcmgr_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION svcmgr_audit_append_only();
)sql" + id_trigger("customer", "id") +
               id_trigger("ticket", "id") + id_trigger("ticket_event", "id") +
               id_trigger("audit", "seq");
    case 1:
        return R"sql(
CREATE TABLE part (
    id             BIGINT PRIMARY KEY,
    sku            TEXT NOT NULL UNIQUE CHECK (sku <> ''),
    name           TEXT NOT NULL CHECK (name <> ''),
    location       TEXT CHECK (location <> ''),
    supplier       TEXT CHECK (supplier <> ''),
    unit_cost      BIGINT NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
    on_hand        BIGINT NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reorder_point  BIGINT CHECK (reorder_point >= 0),
    order_rule     TEXT NOT NULL DEFAULT 'fixed' CHECK (order_rule IN ('fixed', 'up_to_max', 'eoq')),
    reorder_qty    BIGINT CHECK (reorder_qty > 0),
    max_qty        BIGINT CHECK (max_qty > 0),
    min_order      BIGINT CHECK (min_order > 0),
    pack_size      BIGINT CHECK (pack_size > 0),
    lead_time_days BIGINT NOT NULL DEFAULT 0 CHECK (lead_time_days >= 0),
    holding_rate   BIGINT CHECK (holding_rate BETWEEN 0 AND 1000),
    created_at     BIGINT NOT NULL
);

CREATE TABLE stock_move (
    id        BIGINT PRIMARY KEY,
    part_id   BIGINT NOT NULL REFERENCES part (id),
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('receive', 'consume', 'return', 'adjust')),
    qty       BIGINT NOT NULL CHECK (qty <> 0),
    ticket_id BIGINT REFERENCES ticket (id),
    unit_cost BIGINT NOT NULL CHECK (unit_cost >= 0),
    actor     TEXT NOT NULL,
    note      TEXT CHECK (note <> '')
);
CREATE INDEX stock_move_part ON stock_move (part_id, at);
CREATE INDEX stock_move_ticket ON stock_move (ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE stock_order (
    id           BIGINT PRIMARY KEY,
    part_id      BIGINT NOT NULL REFERENCES part (id),
    qty          BIGINT NOT NULL CHECK (qty > 0),
    supplier     TEXT CHECK (supplier <> ''),
    ordered_at   BIGINT NOT NULL,
    expected_at  BIGINT,
    received_qty BIGINT NOT NULL DEFAULT 0,
    CHECK (received_qty BETWEEN 0 AND qty)
);
CREATE INDEX stock_order_open ON stock_order (part_id, ordered_at) WHERE received_qty < qty;

CREATE TABLE ticket_part (
    id        BIGINT PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES ticket (id),
    part_id   BIGINT NOT NULL REFERENCES part (id),
    qty       BIGINT NOT NULL CHECK (qty > 0),
    state     TEXT NOT NULL CHECK (state IN ('needed', 'reserved')),
    at        BIGINT NOT NULL
);
CREATE INDEX ticket_part_part ON ticket_part (part_id, state);
CREATE INDEX ticket_part_ticket ON ticket_part (ticket_id);
)sql" + id_trigger("part", "id") +
               id_trigger("stock_move", "id") + id_trigger("stock_order", "id") +
               id_trigger("ticket_part", "id");
    case 2:
        return R"sql(
CREATE INDEX ticket_event_at ON ticket_event (at, ticket_id);
CREATE INDEX stock_move_at ON stock_move (at) WHERE ticket_id IS NOT NULL;
CREATE INDEX ticket_active ON ticket (status, category, channel, created_at)
    WHERE status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts');
)sql";
    default:
        return {};
    }
}

constexpr int k_pg_migrations = 3;

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
    static_assert(k_pg_migrations > 0);
    const int latest = current_schema_version();
    if (latest != k_pg_migrations) {
        throw Error(ErrorKind::config, "the PostgreSQL schema lags the SQLite schema");
    }
    int version = schema_version_pg(db);
    if (version > latest) {
        throw Error(ErrorKind::config,
                    fmt::format("database {} has schema version {}, newer than this svcmgr "
                                "understands ({})",
                                db.impl().path, version, latest),
                    "upgrade svcmgr to use this database");
    }
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
        exec(db, migration(static_cast<std::size_t>(version)));
        exec(db, fmt::format("UPDATE svcmgr_schema SET version = {}", version + 1));
        tx.commit();
        ++version;
    }
}

} // namespace svcmgr
