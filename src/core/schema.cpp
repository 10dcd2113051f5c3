#include "schema.hpp"

#include "sql.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace svcmgr {

namespace {

// Each migration is applied once, in order, in its own transaction; PRAGMA user_version counts
// them. Never edit a released migration: append a new one.
constexpr std::array<std::string_view, 3> k_migrations = {
    // 1: customers, tickets, their history, settings and the audit trail.
    R"sql(
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE customer (
    id         INTEGER PRIMARY KEY,
    ref        TEXT UNIQUE CHECK (ref <> ''),
    name       TEXT NOT NULL CHECK (name <> ''),
    email      TEXT UNIQUE CHECK (email <> ''),
    phone      TEXT CHECK (phone <> ''),
    created_at INTEGER NOT NULL
);
CREATE INDEX customer_name ON customer (name);

CREATE TABLE ticket (
    id                INTEGER PRIMARY KEY,
    ref               TEXT UNIQUE CHECK (ref <> ''),
    title             TEXT NOT NULL CHECK (title <> ''),
    description       TEXT CHECK (description <> ''),
    customer_id       INTEGER NOT NULL REFERENCES customer (id),
    category          TEXT NOT NULL,
    channel           TEXT NOT NULL,
    priority          TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status            TEXT NOT NULL CHECK (status IN ('new', 'open', 'in_progress',
                          'waiting_customer', 'waiting_parts', 'resolved', 'closed')),
    assignee          TEXT CHECK (assignee <> ''),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    first_response_at INTEGER,
    resolved_at       INTEGER,
    closed_at         INTEGER,
    cause             TEXT CHECK (cause <> ''),
    preventable       INTEGER CHECK (preventable IN (0, 1)),
    satisfaction      INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    minutes           INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0)
);
CREATE INDEX ticket_status ON ticket (status);
CREATE INDEX ticket_customer ON ticket (customer_id, created_at);
CREATE INDEX ticket_created ON ticket (created_at);

CREATE TABLE ticket_event (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES ticket (id),
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('created', 'note', 'reply', 'inbound', 'status',
                                             'field')),
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    body      TEXT,
    minutes   INTEGER
);
CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, at);

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL CHECK (actor <> ''),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    change    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
)sql",
    // 2: repair parts, their ledger, orders to suppliers, and the parts tickets need.
    R"sql(
CREATE TABLE part (
    id             INTEGER PRIMARY KEY,
    sku            TEXT NOT NULL UNIQUE CHECK (sku <> ''),
    name           TEXT NOT NULL CHECK (name <> ''),
    location       TEXT CHECK (location <> ''),
    supplier       TEXT CHECK (supplier <> ''),
    unit_cost      INTEGER NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
    on_hand        INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reorder_point  INTEGER CHECK (reorder_point >= 0),
    order_rule     TEXT NOT NULL DEFAULT 'fixed' CHECK (order_rule IN ('fixed', 'up_to_max', 'eoq')),
    reorder_qty    INTEGER CHECK (reorder_qty > 0),
    max_qty        INTEGER CHECK (max_qty > 0),
    min_order      INTEGER CHECK (min_order > 0),
    pack_size      INTEGER CHECK (pack_size > 0),
    lead_time_days INTEGER NOT NULL DEFAULT 0 CHECK (lead_time_days >= 0),
    holding_rate   INTEGER CHECK (holding_rate BETWEEN 0 AND 1000),
    created_at     INTEGER NOT NULL
);

CREATE TABLE stock_move (
    id        INTEGER PRIMARY KEY,
    part_id   INTEGER NOT NULL REFERENCES part (id),
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('receive', 'consume', 'return', 'adjust')),
    qty       INTEGER NOT NULL CHECK (qty <> 0),
    ticket_id INTEGER REFERENCES ticket (id),
    unit_cost INTEGER NOT NULL CHECK (unit_cost >= 0),
    actor     TEXT NOT NULL,
    note      TEXT CHECK (note <> '')
);
CREATE INDEX stock_move_part ON stock_move (part_id, at);
CREATE INDEX stock_move_ticket ON stock_move (ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE stock_order (
    id           INTEGER PRIMARY KEY,
    part_id      INTEGER NOT NULL REFERENCES part (id),
    qty          INTEGER NOT NULL CHECK (qty > 0),
    supplier     TEXT CHECK (supplier <> ''),
    ordered_at   INTEGER NOT NULL,
    expected_at  INTEGER,
    received_qty INTEGER NOT NULL DEFAULT 0 CHECK (received_qty BETWEEN 0 AND qty)
);
CREATE INDEX stock_order_open ON stock_order (part_id, ordered_at) WHERE received_qty < qty;

CREATE TABLE ticket_part (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES ticket (id),
    part_id   INTEGER NOT NULL REFERENCES part (id),
    qty       INTEGER NOT NULL CHECK (qty > 0),
    state     TEXT NOT NULL CHECK (state IN ('needed', 'reserved')),
    at        INTEGER NOT NULL
);
CREATE INDEX ticket_part_part ON ticket_part (part_id, state);
CREATE INDEX ticket_part_ticket ON ticket_part (ticket_id);
)sql",
    // 3: reports find the tickets that changed in a period by the time of their events and of
    // the parts they used, and count the active ones from an index of their own.
    R"sql(
CREATE INDEX ticket_event_at ON ticket_event (at, ticket_id);
CREATE INDEX stock_move_at ON stock_move (at) WHERE ticket_id IS NOT NULL;
CREATE INDEX ticket_active ON ticket (status, category, channel, created_at)
    WHERE status IN ('new', 'open', 'in_progress', 'waiting_customer', 'waiting_parts');
)sql",
};

// PRAGMA application_id of an svcmgr database: "SVMG".
constexpr std::int64_t k_application_id = 0x53564d47;

std::int64_t pragma_value(Database& db, std::string_view pragma) {
    Statement st(db, fmt::format("PRAGMA {}", pragma));
    st.step();
    return st.int64(0);
}

int user_version(Database& db) {
    return static_cast<int>(pragma_value(db, "user_version"));
}

// Refuses another program's SQLite file rather than adding svcmgr's tables to it.
void check_is_ours(Database& db, int version) {
    const std::int64_t application_id = pragma_value(db, "application_id");
    bool ours = application_id == k_application_id;
    if (application_id == 0 && version == 0) {
        Statement st(db, "SELECT count(*) FROM sqlite_schema");
        st.step();
        ours = st.int64(0) == 0; // empty: a new database
    } else if (application_id == 0) {
        ours = true; // created before svcmgr set its application id
    }
    if (!ours) {
        throw Error(
            ErrorKind::no_input,
            fmt::format("{} is a database of another program, not svcmgr's", db.impl().path),
            "pass --db with the path of an svcmgr database");
    }
}

} // namespace

int current_schema_version() {
    return static_cast<int>(k_migrations.size());
}

void migrate(Database& db) {
    if (dialect(db) == Dialect::postgres) {
        migrate_postgres(db);
        return;
    }
    const int latest = current_schema_version();
    int version = user_version(db);
    check_is_ours(db, version);
    if (version > latest) {
        throw Error(ErrorKind::config,
                    fmt::format("database {} has schema version {}, newer than this svcmgr "
                                "understands ({})",
                                db.impl().path, version, latest),
                    "upgrade svcmgr to use this database");
    }
    if (version == latest) {
        exec(db, "PRAGMA foreign_keys = ON");
        return;
    }
    if (db.impl().read_only) {
        throw Error(
            ErrorKind::permission,
            fmt::format("database {} is read-only and needs a schema upgrade", db.impl().path));
    }
    if (version == 0 && db.impl().path != ":memory:") {
        exec(db, "PRAGMA journal_mode = WAL");
    }
    exec(db, "PRAGMA foreign_keys = ON");
    while (true) {
        WriteTransaction tx(db);
        // Another process may have migrated between our read and BEGIN IMMEDIATE.
        version = user_version(db);
        if (version >= latest) {
            break;
        }
        if (version == 0) {
            exec(db, fmt::format("PRAGMA application_id = {}", k_application_id));
        }
        exec(db, k_migrations[static_cast<std::size_t>(version)]);
        exec(db, fmt::format("PRAGMA user_version = {}", version + 1));
        tx.commit();
    }
}

} // namespace svcmgr
