// The data-access layer: statements bound by name, transactions, migrations and where the
// database lives.

#include <svcmgr/db.hpp>
#include <svcmgr/error.hpp>

#include "db/schema.hpp"
#include "db/scoped_cache.hpp"
#include "db/sql.hpp"
#include "db/sqlite/driver.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace svcmgr;
using namespace svcmgr::test;

namespace {

// A fresh temporary directory, removed with its files at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = "/tmp/svcmgr-unit.XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        m_path = pattern;
    }
    ~TempDir() { std::system(("rm -rf '" + m_path + "'").c_str()); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

std::int64_t pragma(Database& db, std::string_view name) {
    return scalar(db, std::string("PRAGMA ") + std::string(name));
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return st.st_mode & 0777U;
}

void create_notes(Database& db) {
    exec(db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)");
}

} // namespace

TEST_CASE("placeholders are bound by name: $2 before $1 and a repeated $1") {
    Database db = Database::open_memory();
    Statement st(db, "SELECT $2 || '-' || $1 || '-' || $1");
    st.bind_all("one", "two");
    REQUIRE(st.step());
    CHECK(st.text(0) == "two-one-one");
}

TEST_CASE("bind_all binds NULL, integers, text and optionals") {
    Database db = Database::open_memory();
    create_notes(db);
    Statement insert(db, "INSERT INTO notes (a, b) VALUES ($1, $2)");
    insert.bind_all(std::optional<std::string>{}, std::int64_t{9007199254740993}).run();
    insert.reset();
    insert.bind_all("Šimić 100% _x_ '; DROP TABLE notes; --", std::optional<std::int64_t>{}).run();

    Statement st(db, "SELECT a, b FROM notes ORDER BY id");
    REQUIRE(st.step());
    CHECK(st.is_null(0));
    CHECK_FALSE(st.optional_text(0).has_value());
    CHECK(st.int64(1) == 9007199254740993);
    REQUIRE(st.step());
    CHECK(st.text(0) == "Šimić 100% _x_ '; DROP TABLE notes; --");
    CHECK_FALSE(st.optional_int64(1).has_value());
    CHECK_FALSE(st.step());
}

TEST_CASE("text with an embedded NUL byte survives binding") {
    Database db = Database::open_memory();
    Statement st(db, "SELECT length(CAST($1 AS BLOB))");
    st.bind(1, std::string_view("a\0b", 3));
    REQUIRE(st.step());
    CHECK(st.int64(0) == 3);
}

TEST_CASE("value() types cells as NULL, integer or text") {
    Database db = Database::open_memory();
    Statement st(db, "SELECT NULL AS n, 42 AS i, 'x' AS t");
    REQUIRE(st.step());
    CHECK(std::holds_alternative<std::monostate>(st.value(0)));
    CHECK(std::get<std::int64_t>(st.value(1)) == 42);
    CHECK(std::get<std::string>(st.value(2)) == "x");
    CHECK(st.column_count() == 3);
    CHECK(st.column_name(2) == "t");
}

TEST_CASE("a committed transaction keeps its writes") {
    Database db = Database::open_memory();
    create_notes(db);
    {
        WriteTransaction tx(db);
        Statement(db, "INSERT INTO notes (a) VALUES ($1)").bind(1, "kept").run();
        tx.commit();
    }
    CHECK(scalar(db, "SELECT count(*) FROM notes") == 1);
}

TEST_CASE("a transaction rolls back when an exception leaves its scope") {
    Database db = Database::open_memory();
    create_notes(db);
    CHECK_THROWS_AS(
        [&] {
            WriteTransaction tx(db);
            Statement(db, "INSERT INTO notes (a) VALUES ($1)").bind(1, "lost").run();
            throw Error(ErrorKind::refused, "changed my mind");
        }(),
        Error);
    CHECK(scalar(db, "SELECT count(*) FROM notes") == 0);
    // and the connection is usable for the next transaction
    WriteTransaction tx(db);
    Statement(db, "INSERT INTO notes (a) VALUES ($1)").bind(1, "next").run();
    tx.commit();
    CHECK(scalar(db, "SELECT count(*) FROM notes") == 1);
}

TEST_CASE("a transaction without commit rolls back") {
    Database db = Database::open_memory();
    create_notes(db);
    {
        WriteTransaction tx(db);
        Statement(db, "INSERT INTO notes (a) VALUES ('x')").run();
    }
    CHECK(scalar(db, "SELECT count(*) FROM notes") == 0);
}

TEST_CASE("a constraint violation is an Error and rolls back the whole transaction") {
    Database db = Database::open_memory();
    exec(db, "CREATE TABLE t (v TEXT NOT NULL CHECK (v <> ''))");
    CHECK(kind_of([&] {
              WriteTransaction tx(db);
              Statement(db, "INSERT INTO t VALUES ('ok')").run();
              Statement(db, "INSERT INTO t VALUES ('')").run();
              tx.commit();
          }) == ErrorKind::refused);
    CHECK(scalar(db, "SELECT count(*) FROM t") == 0);
}

TEST_CASE("invalid SQL is an Error naming the database, not a crash") {
    Database db = Database::open_memory();
    try {
        Statement st(db, "SELEKT 1");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("database :memory:") == 0);
        CHECK(std::string(e.what()).find("syntax error") != std::string::npos);
    }
}

TEST_CASE("run() returns the number of changed rows and last_insert_id the new id") {
    Database db = Database::open_memory();
    create_notes(db);
    Statement(db, "INSERT INTO notes (a) VALUES ('x')").run();
    CHECK(last_insert_id(db) == 1);
    Statement(db, "INSERT INTO notes (a) VALUES ('y')").run();
    CHECK(last_insert_id(db) == 2);
    CHECK(Statement(db, "UPDATE notes SET b = 1").run() == 2);
}

TEST_CASE("a new database is migrated to the current schema") {
    Database db = Database::open_memory();
    CHECK(pragma(db, "user_version") == Database::schema_version());
    CHECK(Database::schema_version() == current_schema_version());
    CHECK(pragma(db, "foreign_keys") == 1);
    CHECK(pragma(db, "application_id") == 0x53564d47);
    for (const char* table : {"setting", "customer", "ticket", "ticket_event", "audit"}) {
        CAPTURE(table);
        Statement st(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = $1");
        st.bind(1, table);
        st.step();
        CHECK(st.int64(0) == 1);
    }
}

TEST_CASE("the migrations are one text per table, with each dialect's pieces filled in") {
    for (int i = 0; i < current_schema_version(); ++i) {
        CAPTURE(i);
        const auto index = static_cast<std::size_t>(i);
        for (const Dialect d : {Dialect::sqlite, Dialect::postgres}) {
            const std::string sql = migration_sql(d, index);
            CHECK(sql.find('{') == std::string::npos);
            CHECK(sql.find('}') == std::string::npos);
        }
        // PostgreSQL's INTEGER is 32-bit: every integer column is BIGINT there.
        CHECK(migration_sql(Dialect::postgres, index).find("INTEGER") == std::string::npos);
        CHECK(migration_sql(Dialect::sqlite, index).find("BIGINT") == std::string::npos);
    }
    CHECK(migration_sql(Dialect::sqlite, 0).find(") WITHOUT ROWID;") != std::string::npos);
    CHECK(migration_sql(Dialect::postgres, 0).find("CREATE TRIGGER audit_id BEFORE INSERT") !=
          std::string::npos);
}

TEST_CASE("foreign keys are enforced") {
    Database db = Database::open_memory();
    CHECK(kind_of([&] {
              exec(db, "INSERT INTO ticket (title, customer_id, category, channel, priority, "
                       "status, created_at, updated_at) VALUES ('t', 99, 'other', 'other', "
                       "'normal', 'new', 0, 0)");
          }) == ErrorKind::refused);
}

TEST_CASE("migrating twice is a no-op") {
    Database db = Database::open_memory();
    migrate(db);
    CHECK(pragma(db, "user_version") == current_schema_version());
}

TEST_CASE("the audit table refuses UPDATE and DELETE") {
    Database db = Database::open_memory();
    exec(db, "INSERT INTO audit (at, actor, action, entity, entity_id, change, prev_hash, hash) "
             "VALUES (1, 'a', 'set', 'setting', 'k', '{}', 'p', 'h')");
    CHECK_THROWS_AS(exec(db, "UPDATE audit SET actor = 'b'"), Error);
    CHECK_THROWS_AS(exec(db, "DELETE FROM audit"), Error);
    CHECK(scalar(db, "SELECT count(*) FROM audit WHERE actor = 'a'") == 1);
}

TEST_CASE("a scoped cache size holds for its scope, and only_if_smaller never grows it") {
    Database db = Database::open_memory();
    exec(db, "PRAGMA cache_size = -2000");
    {
        const ScopedCacheSize bulk(db, -65536);
        CHECK(pragma(db, "cache_size") == -65536);
    }
    CHECK(pragma(db, "cache_size") == -2000);
    {
        const ScopedCacheSize sort(db, -1024, CacheChange::only_if_smaller);
        CHECK(pragma(db, "cache_size") == -1024);
    }
    CHECK(pragma(db, "cache_size") == -2000);
    exec(db, "PRAGMA cache_size = -512");
    {
        const ScopedCacheSize sort(db, -1024, CacheChange::only_if_smaller);
        CHECK(pragma(db, "cache_size") == -512);
    }
    // A size in pages is compared in bytes: 100 pages of 4 KiB are 400 KiB.
    exec(db, "PRAGMA cache_size = 100");
    {
        const ScopedCacheSize sort(db, -1024, CacheChange::only_if_smaller);
        CHECK(pragma(db, "cache_size") == 100);
    }
    CHECK(pragma(db, "cache_size") == 100);
}

TEST_CASE("open creates a 0600 WAL database file and migrates it") {
    TempDir dir;
    const std::string path = dir.file("svcmgr.db");
    {
        Database db = Database::open({path, false});
        CHECK(pragma(db, "user_version") == current_schema_version());
        CHECK(pragma(db, "foreign_keys") == 1);
    }
    CHECK(mode_of(path) == 0600);
    Database again = Database::open({path, false});
    Statement st(again, "PRAGMA journal_mode");
    st.step();
    CHECK(st.text(0) == "wal");
}

TEST_CASE("open creates the default directory 0700, parents included") {
    TempDir dir;
    const std::string path = dir.file("home/.local/share/svcmgr/svcmgr.db");
    Database::open({path, true});
    CHECK(mode_of(dir.file("home/.local/share/svcmgr")) == 0700);
    CHECK(mode_of(path) == 0600);
}

TEST_CASE("open does not create directories for a path that is not the default") {
    TempDir dir;
    CHECK(kind_of([&] {
              Database::open({dir.file("missing/x.db"), false});
          }) == ErrorKind::no_input);
}

TEST_CASE("open initialises a zero-byte file") {
    TempDir dir;
    const std::string path = dir.file("zero.db");
    std::ofstream(path).close();
    Database db = Database::open({path, false});
    CHECK(pragma(db, "user_version") == current_schema_version());
}

TEST_CASE("open refuses a directory, a text file and another program's database") {
    TempDir dir;
    CHECK(kind_of([&] { Database::open({dir.file(""), false}); }) == ErrorKind::no_input);

    const std::string csv = dir.file("tickets.csv");
    std::ofstream(csv) << "id,title\r\n1,Invoice\r\n";
    CHECK(kind_of([&] { Database::open({csv, false}); }) == ErrorKind::no_input);
    CHECK(read_bytes(csv) == "id,title\r\n1,Invoice\r\n");

    // Another program's database: a table, user_version 0, no application_id.
    const std::string other = dir.file("other.db");
    {
        sqlite3* raw = nullptr;
        sqlite3_open(other.c_str(), &raw);
        sqlite3_exec(raw, "CREATE TABLE notes (body TEXT)", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
    }
    const std::string before = read_bytes(other);
    CHECK(kind_of([&] { Database::open({other, false}); }) == ErrorKind::no_input);
    CHECK(read_bytes(other) == before);
}

TEST_CASE("open refuses a newer schema with Error(config) and leaves the file byte-identical") {
    TempDir dir;
    const std::string path = dir.file("newer.db");
    {
        Database db = Database::open({path, false});
        exec(db, "PRAGMA user_version = 99");
    }
    const std::string before = read_bytes(path);
    try {
        Database::open({path, false});
        FAIL("opened a newer database");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::config);
        CHECK(std::string(e.what()).find("schema version 99") != std::string::npos);
    }
    CHECK(read_bytes(path) == before);
}

TEST_CASE("open refuses database URIs it cannot serve") {
    CHECK(kind_of([] { Database::open({"mysql://host/db", false}); }) == ErrorKind::usage);
}

TEST_CASE("resolve_database: flag, then SVCMGR_DB, then XDG_DATA_HOME, then HOME") {
    std::map<std::string, std::string> env;
    const auto getenv = [&env](const char* name) -> const char* {
        const auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    env = {{"SVCMGR_DB", "/env.db"}, {"XDG_DATA_HOME", "/xdg"}, {"HOME", "/home/a"}};
    CHECK(resolve_database(std::string("/flag.db"), getenv).path == "/flag.db");
    CHECK_FALSE(resolve_database(std::string("/flag.db"), getenv).is_default);
    CHECK(resolve_database(std::nullopt, getenv).path == "/env.db");
    CHECK(resolve_database(std::string(), getenv).path == "/env.db");

    env.erase("SVCMGR_DB");
    CHECK(resolve_database(std::nullopt, getenv).path == "/xdg/svcmgr/svcmgr.db");
    CHECK(resolve_database(std::nullopt, getenv).is_default);

    env["XDG_DATA_HOME"] = "relative/dir"; // ignored, as the XDG spec says
    CHECK(resolve_database(std::nullopt, getenv).path == "/home/a/.local/share/svcmgr/svcmgr.db");
    env["SVCMGR_DB"] = ""; // empty is unset
    CHECK(resolve_database(std::nullopt, getenv).path == "/home/a/.local/share/svcmgr/svcmgr.db");

    env.clear();
    CHECK(kind_of([&] { resolve_database(std::nullopt, getenv); }) == ErrorKind::config);
    env["HOME"] = "";
    CHECK(kind_of([&] { resolve_database(std::nullopt, getenv); }) == ErrorKind::config);
}

// ---- which engine --db names ------------------------------------------------------------------

namespace {

// The error classify_database throws for `where`, or "" when it accepts it.
std::string refusal(std::string_view where) {
    try {
        classify_database(where);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("postgresql://, postgres:// and service= name PostgreSQL; anything else is a file") {
    CHECK(classify_database("postgresql://db.example/support") == Backend::postgres);
    CHECK(classify_database("POSTGRES://db.example/support") == Backend::postgres);
    CHECK(classify_database("postgresql:///support?host=/run/postgresql") == Backend::postgres);
    CHECK(classify_database("service=support") == Backend::postgres);
    CHECK(classify_database("/srv/svcmgr/svcmgr.db") == Backend::sqlite);
    CHECK(classify_database("svcmgr.db") == Backend::sqlite);
    CHECK(classify_database("postgresql.db") == Backend::sqlite);
    CHECK(refusal("mysql://db.example/svc") == "unsupported database URI mysql://db.example/svc");
    CHECK(refusal("file:///tmp/x.db") == "unsupported database URI file:///tmp/x.db");
}

TEST_CASE("a password in a connection string is refused and shown redacted") {
    CHECK(refusal("postgresql://agent:pw@db.example/support") ==
          "a password in the database connection string postgresql://agent:***@db.example/support "
          "is refused");
    CHECK(refusal("postgres:///support?host=/run/pg&password=pw&sslmode=disable") ==
          "a password in the database connection string "
          "postgres:///support?host=/run/pg&password=***&sslmode=disable is refused");
    CHECK(refusal("service=support password='a b'") ==
          "a password in the database connection string service=support password=*** is refused");
    // A user without a password, and an @ in the path, are no password.
    CHECK(refusal("postgresql://agent@db.example/support") == "");
    CHECK(refusal("postgresql:///support?host=/run/pg&application_name=a:b@c") == "");
}

TEST_CASE("redact_database hides every password and nothing else") {
    CHECK(redact_database("postgresql://a:secret@h:5432/db?sslpassword=x") ==
          "postgresql://a:***@h:5432/db?sslpassword=***");
    CHECK(redact_database("mysql://root:secret@h/db") == "mysql://root:***@h/db");
    CHECK(redact_database("service=s password=secret user=u") == "service=s password=*** user=u");
    CHECK(redact_database("/srv/svcmgr.db") == "/srv/svcmgr.db");
}
