#include "db/schema.hpp"

#include "db/sql.hpp"
#include "ticket/statuses.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>

namespace svcmgr {

namespace {

// A table whose ids PostgreSQL numbers as SQLite numbers an INTEGER PRIMARY KEY (id_trigger).
struct Numbered {
    std::string_view table;
    std::string_view column;
};

// One migration: its DDL, written once for every dialect with the dialect's pieces as {names}
// (DialectPieces), and its tables with numbered ids.
struct Migration {
    std::string_view ddl;
    std::array<Numbered, 4> numbered;
};

// Each migration is applied once, in order, in its own transaction; PRAGMA user_version (on
// PostgreSQL the table svcmgr_schema) counts them. Never edit a released migration: append a new
// one. The SQLite text is what the database stores in sqlite_schema: it must not change.
constexpr std::array<Migration, 5> k_migrations = {{
    // 1: customers, tickets, their history, settings and the audit trail.
    {R"sql(
{functions}CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
){without_rowid};

CREATE TABLE customer (
    id         {int} PRIMARY KEY,
    ref        TEXT UNIQUE CHECK (ref <> ''),
    name       TEXT NOT NULL CHECK (name <> ''),
    email      TEXT UNIQUE CHECK (email <> ''),
    phone      TEXT CHECK (phone <> ''),
    created_at {int} NOT NULL
);
CREATE INDEX customer_name ON customer (name);

CREATE TABLE ticket (
    id                {int} PRIMARY KEY,
    ref               TEXT UNIQUE CHECK (ref <> ''),
    title             TEXT NOT NULL CHECK (title <> ''),
    description       TEXT CHECK (description <> ''),
    customer_id       {int} NOT NULL REFERENCES customer (id),
    category          TEXT NOT NULL,
    channel           TEXT NOT NULL,
    priority          TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status            TEXT NOT NULL CHECK (status IN ('new', 'open', 'in_progress',
                          'waiting_customer', 'waiting_parts', 'resolved', 'closed')),
    assignee          TEXT CHECK (assignee <> ''),
    created_at        {int} NOT NULL,
    updated_at        {int} NOT NULL,
    first_response_at {int},
    resolved_at       {int},
    closed_at         {int},
    cause             TEXT CHECK (cause <> ''),
    preventable       {int} CHECK (preventable IN (0, 1)),
    satisfaction      {int} CHECK (satisfaction BETWEEN 1 AND 5),
    minutes           {int} NOT NULL DEFAULT 0 CHECK (minutes >= 0)
);
CREATE INDEX ticket_status ON ticket (status);
CREATE INDEX ticket_customer ON ticket (customer_id, created_at);
CREATE INDEX ticket_created ON ticket (created_at);

CREATE TABLE ticket_event (
    id        {int} PRIMARY KEY,
    ticket_id {int} NOT NULL REFERENCES ticket (id),
    at        {int} NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('created', 'note', 'reply', 'inbound', 'status',
                                             'field')),
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    body      TEXT,
    minutes   {int}
);
CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, at);

CREATE TABLE audit (
    seq       {int} PRIMARY KEY,
    at        {int} NOT NULL,
    actor     TEXT NOT NULL CHECK (actor <> ''),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    change    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_id);
{audit_append_only})sql",
     {{{"customer", "id"}, {"ticket", "id"}, {"ticket_event", "id"}, {"audit", "seq"}}}},
    // 2: repair parts, their ledger, orders to suppliers, and the parts tickets need.
    {R"sql(
CREATE TABLE part (
    id             {int} PRIMARY KEY,
    sku            TEXT NOT NULL UNIQUE CHECK (sku <> ''),
    name           TEXT NOT NULL CHECK (name <> ''),
    location       TEXT CHECK (location <> ''),
    supplier       TEXT CHECK (supplier <> ''),
    unit_cost      {int} NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
    on_hand        {int} NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reorder_point  {int} CHECK (reorder_point >= 0),
    order_rule     TEXT NOT NULL DEFAULT 'fixed' CHECK (order_rule IN ('fixed', 'up_to_max', 'eoq')),
    reorder_qty    {int} CHECK (reorder_qty > 0),
    max_qty        {int} CHECK (max_qty > 0),
    min_order      {int} CHECK (min_order > 0),
    pack_size      {int} CHECK (pack_size > 0),
    lead_time_days {int} NOT NULL DEFAULT 0 CHECK (lead_time_days >= 0),
    holding_rate   {int} CHECK (holding_rate BETWEEN 0 AND 1000),
    created_at     {int} NOT NULL
);

CREATE TABLE stock_move (
    id        {int} PRIMARY KEY,
    part_id   {int} NOT NULL REFERENCES part (id),
    at        {int} NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('receive', 'consume', 'return', 'adjust')),
    qty       {int} NOT NULL CHECK (qty <> 0),
    ticket_id {int} REFERENCES ticket (id),
    unit_cost {int} NOT NULL CHECK (unit_cost >= 0),
    actor     TEXT NOT NULL,
    note      TEXT CHECK (note <> '')
);
CREATE INDEX stock_move_part ON stock_move (part_id, at);
CREATE INDEX stock_move_ticket ON stock_move (ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE stock_order (
    id           {int} PRIMARY KEY,
    part_id      {int} NOT NULL REFERENCES part (id),
    qty          {int} NOT NULL CHECK (qty > 0),
    supplier     TEXT CHECK (supplier <> ''),
    ordered_at   {int} NOT NULL,
    expected_at  {int},
    received_qty {int} NOT NULL DEFAULT 0 CHECK (received_qty BETWEEN 0 AND qty)
);
CREATE INDEX stock_order_open ON stock_order (part_id, ordered_at) WHERE received_qty < qty;

CREATE TABLE ticket_part (
    id        {int} PRIMARY KEY,
    ticket_id {int} NOT NULL REFERENCES ticket (id),
    part_id   {int} NOT NULL REFERENCES part (id),
    qty       {int} NOT NULL CHECK (qty > 0),
    state     TEXT NOT NULL CHECK (state IN ('needed', 'reserved')),
    at        {int} NOT NULL
);
CREATE INDEX ticket_part_part ON ticket_part (part_id, state);
CREATE INDEX ticket_part_ticket ON ticket_part (ticket_id);
)sql",
     {{{"part", "id"}, {"stock_move", "id"}, {"stock_order", "id"}, {"ticket_part", "id"}}}},
    // 3: reports find the tickets that changed in a period by the time of their events and of
    // the parts they used, and count the active ones from an index of their own
    // ({active_statuses} is k_active_status_sql: a unit test holds the text to what it has been).
    {R"sql(
CREATE INDEX ticket_event_at ON ticket_event (at, ticket_id);
CREATE INDEX stock_move_at ON stock_move (at) WHERE ticket_id IS NOT NULL;
CREATE INDEX ticket_active ON ticket (status, category, channel, created_at)
    WHERE status IN {active_statuses};
)sql",
     {}},
    // 4: an import's batch audit records are large (a hash per row) and do not compress: on
    // PostgreSQL their text is stored without trying (nothing on SQLite).
    {"{audit_storage}", {}},
    // 5: working calendars for the SLA clocks: a zone, versions of the weekly hours (each from a
    // local day, as days since 1970-01-01), and holidays ("2026-12-24", or "12-24" every year).
    {R"sql(
CREATE TABLE calendar (
    id         {int} PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
    tz         TEXT NOT NULL CHECK (tz <> ''),
    created_at {int} NOT NULL
);

CREATE TABLE calendar_hours (
    id          {int} PRIMARY KEY,
    calendar_id {int} NOT NULL REFERENCES calendar (id),
    from_day    {int} NOT NULL,
    hours       TEXT NOT NULL CHECK (hours <> ''),
    UNIQUE (calendar_id, from_day)
);

CREATE TABLE calendar_holiday (
    id          {int} PRIMARY KEY,
    calendar_id {int} NOT NULL REFERENCES calendar (id),
    date        TEXT NOT NULL CHECK (length(date) IN (5, 10)),
    name        TEXT NOT NULL CHECK (name <> ''),
    uid         TEXT CHECK (uid <> ''),
    UNIQUE (calendar_id, date)
);
)sql",
     {{{"calendar", "id"}, {"calendar_hours", "id"}, {"calendar_holiday", "id"}}}},
}};

// The pieces of the migrations that the dialects spell differently.
struct DialectPieces {
    // Every integer column: PostgreSQL's INTEGER is 32-bit.
    std::string_view integer;
    std::string_view without_rowid;
    // Functions the statements call that the engine lacks (SQLite's driver registers its own).
    std::string_view functions;
    // Triggers refusing UPDATE and DELETE (and on PostgreSQL TRUNCATE) on the audit trail.
    std::string_view audit_append_only;
    // How the audit's change text is stored (PostgreSQL: uncompressed, out of line when large).
    std::string_view audit_storage;
};

constexpr DialectPieces k_sqlite = {
    .integer = "INTEGER",
    .without_rowid = " WITHOUT ROWID",
    .functions = "",
    .audit_append_only = R"sql(CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
)sql",
    .audit_storage = "",
};

constexpr DialectPieces k_postgres = {
    .integer = "BIGINT",
    .without_rowid = "",
    .functions =
        R"sql(-- svc_fold as the SQLite driver's: NFC, then Unicode case folding (lower case, and the
-- foldings that lower case lacks), so free-word search finds the same rows.
CREATE FUNCTION svc_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT replace(replace(replace(lower(normalize($1, NFC) COLLATE "und-x-icu"),
                                   'ß', 'ss'), 'ς', 'σ'), 'ﬁ', 'fi')
$$;
CREATE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT strpos($1, $2)
$$;

)sql",
    .audit_append_only =
        R"sql(CREATE FUNCTION svcmgr_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION svcmgr_audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION svcmgr_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION svcmgr_audit_append_only();
)sql",
    .audit_storage = "ALTER TABLE audit ALTER COLUMN change SET STORAGE EXTERNAL;",
};

// PostgreSQL's ids as SQLite gives an INTEGER PRIMARY KEY: one more than the largest when none
// is given, and the id of the row inserted last is what last_insert_id reads (svcmgr.last_id).
// Writers hold the writer lock, so max + 1 cannot race.
std::string id_trigger(const Numbered& n) {
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
                       n.table, n.column);
}

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

std::string migration_sql(Dialect dialect, std::size_t index) {
    const Migration& m = k_migrations.at(index);
    const DialectPieces& d = dialect == Dialect::postgres ? k_postgres : k_sqlite;
    std::string sql = fmt::format(
        fmt::runtime(m.ddl), fmt::arg("int", d.integer), fmt::arg("without_rowid", d.without_rowid),
        fmt::arg("functions", d.functions), fmt::arg("audit_append_only", d.audit_append_only),
        fmt::arg("audit_storage", d.audit_storage),
        fmt::arg("active_statuses", k_active_status_sql));
    if (dialect == Dialect::postgres) {
        for (const Numbered& n : m.numbered) {
            if (!n.table.empty()) {
                sql += id_trigger(n);
            }
        }
    }
    return sql;
}

void refuse_newer_schema(Database& db, int version, int latest) {
    if (version > latest) {
        throw Error(ErrorKind::config,
                    fmt::format("database {} has schema version {}, newer than this svcmgr "
                                "understands ({})",
                                db.impl().path, version, latest),
                    "upgrade svcmgr to use this database");
    }
}

void migrate(Database& db) {
    if (dialect(db) == Dialect::postgres) {
        migrate_postgres(db);
        return;
    }
    const int latest = current_schema_version();
    int version = user_version(db);
    check_is_ours(db, version);
    refuse_newer_schema(db, version, latest);
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
        exec(db, migration_sql(Dialect::sqlite, static_cast<std::size_t>(version)));
        exec(db, fmt::format("PRAGMA user_version = {}", version + 1));
        tx.commit();
    }
}

} // namespace svcmgr
