// Settings kept in the database: defaults, per-key validation, audit rows.

#include <svcmgr/calendar.hpp>
#include <svcmgr/error.hpp>
#include <svcmgr/settings.hpp>

#include "db/sql.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>

using namespace svcmgr;
using svcmgr::test::kind_of;

namespace {

const Stamp k_stamp{"lena", 1795348383};

std::int64_t audit_rows(Database& db) {
    Statement st(db, "SELECT count(*) FROM audit");
    st.step();
    return st.int64(0);
}

std::string last_change(Database& db) {
    Statement st(db, "SELECT action || ' ' || entity_id || ' ' || change FROM audit "
                     "ORDER BY seq DESC LIMIT 1");
    st.step();
    return st.text(0);
}

} // namespace

TEST_CASE("every key has the default of DESIGN.md section 3") {
    Database db = Database::open_memory();
    CHECK(get_setting(db, "currency") == "EUR");
    CHECK(get_setting(db, "hourly_cost") == "0.00");
    CHECK(get_setting(db, "sla.urgent.first_response") == "1h");
    CHECK(get_setting(db, "sla.urgent.resolution") == "4h");
    CHECK(get_setting(db, "sla.high.first_response") == "4h");
    CHECK(get_setting(db, "sla.high.resolution") == "1d");
    CHECK(get_setting(db, "sla.normal.first_response") == "8h");
    CHECK(get_setting(db, "sla.normal.resolution") == "3d");
    CHECK(get_setting(db, "sla.low.first_response") == "24h");
    CHECK(get_setting(db, "sla.low.resolution") == "7d");
    CHECK(get_setting(db, "categories") ==
          "purchasing,billing,troubleshooting,returns,repair,website,other");
    CHECK(get_setting(db, "channels") == "phone,email,store,web,other");
    CHECK(get_setting(db, "repeat_window") == "30d");
    CHECK(get_setting(db, "holding_rate") == "25%");
    CHECK(get_setting(db, "order_cost") == "25.00");
    CHECK(get_setting(db, "service_level") == "95%");
    CHECK(get_setting(db, "sla.calendar") == "none");
    CHECK(get_setting(db, "sla.urgent.calendar") == "none");
    CHECK(setting_keys().size() == 21);
}

TEST_CASE("typed readers convert the stored text") {
    Database db = Database::open_memory();
    CHECK(setting_seconds(db, "sla.normal.resolution") == 3 * 86400);
    CHECK(setting_seconds(db, "repeat_window") == 30 * 86400);
    CHECK(setting_money(db, "order_cost") == 2500);
    CHECK(setting_percent(db, "service_level") == 950);
    CHECK(setting_list(db, "channels") ==
          std::vector<std::string>{"phone", "email", "store", "web", "other"});
    set_setting(db, "hourly_cost", "42.5", k_stamp);
    CHECK(setting_money(db, "hourly_cost") == 4250);
    set_setting(db, "holding_rate", "12.5%", k_stamp);
    CHECK(setting_percent(db, "holding_rate") == 125);
}

TEST_CASE("set_setting normalises, stores and writes one audit row") {
    Database db = Database::open_memory();
    CHECK(set_setting(db, "hourly_cost", "12.5", k_stamp) == "12.50");
    CHECK(get_setting(db, "hourly_cost") == "12.50");
    CHECK(audit_rows(db) == 1);
    CHECK(last_change(db) ==
          R"(set hourly_cost {"after":{"key":"hourly_cost","value":"12.50"},"before":null})");

    CHECK(set_setting(db, "hourly_cost", "13", k_stamp) == "13.00");
    CHECK(audit_rows(db) == 2);
    CHECK(last_change(db) == R"(set hourly_cost {"after":{"key":"hourly_cost","value":"13.00"},)"
                             R"("before":{"key":"hourly_cost","value":"12.50"}})");
}

TEST_CASE("setting the value already stored writes no audit row") {
    Database db = Database::open_memory();
    set_setting(db, "holding_rate", "30", k_stamp);
    set_setting(db, "holding_rate", "30%", k_stamp);
    CHECK(audit_rows(db) == 1);
}

TEST_CASE("unset_setting restores the default and reports whether anything was set") {
    Database db = Database::open_memory();
    CHECK_FALSE(unset_setting(db, "currency", k_stamp));
    CHECK(audit_rows(db) == 0);
    set_setting(db, "currency", "SEK", k_stamp);
    CHECK(unset_setting(db, "currency", k_stamp));
    CHECK(get_setting(db, "currency") == "EUR");
    CHECK(audit_rows(db) == 2);
    CHECK(last_change(db) ==
          R"(unset currency {"after":null,"before":{"key":"currency","value":"SEK"}})");
}

TEST_CASE("list_settings shows value, default and source for every key in order") {
    Database db = Database::open_memory();
    set_setting(db, "repeat_window", "2w", k_stamp);
    const Table t = list_settings(db);
    REQUIRE(t.columns.size() == 4);
    CHECK(t.columns[0].name == "key");
    CHECK(t.columns[1].name == "value");
    CHECK(t.columns[2].name == "default");
    CHECK(t.columns[3].name == "source");
    REQUIRE(t.rows.size() == setting_keys().size());
    CHECK(std::get<std::string>(t.rows[0][0]) == "currency");
    const Row& window = t.rows[17];
    CHECK(std::get<std::string>(window[0]) == "repeat_window");
    CHECK(std::get<std::string>(window[1]) == "2w");
    CHECK(std::get<std::string>(window[2]) == "30d");
    CHECK(std::get<std::string>(window[3]) == "set");
    CHECK(std::get<std::string>(t.rows[1][3]) == "default");
}

TEST_CASE("check_setting validates each key by its own rule, without a database") {
    struct Case {
        const char* key;
        const char* value;
        const char* stored; // nullptr: refused
    };
    const Case cases[] = {
        {"currency", "SEK", "SEK"},
        {"currency", "sek", nullptr},
        {"currency", "EURO", nullptr},
        {"hourly_cost", "12", "12.00"},
        {"hourly_cost", "12.5", "12.50"},
        {"hourly_cost", "1e3", nullptr},
        {"hourly_cost", "12,5", nullptr},
        {"hourly_cost", "-1", nullptr},
        {"hourly_cost", "", nullptr},
        {"sla.high.resolution", "8h", "8h"},
        {"sla.high.resolution", "90m", "90m"},
        {"sla.high.resolution", "1s", "1s"},
        {"sla.high.resolution", "0h", nullptr},
        {"sla.high.resolution", "500ms", nullptr},
        {"sla.high.resolution", "1500ms", nullptr},
        {"sla.high.resolution", "8", nullptr},
        {"repeat_window", "2w", "2w"},
        {"holding_rate", "30", "30%"},
        {"holding_rate", "0%", "0%"},
        {"holding_rate", "100%", "100%"},
        {"holding_rate", "101%", nullptr},
        {"service_level", "99.9%", "99.9%"},
        {"service_level", "100%", nullptr},
        {"service_level", "0%", nullptr},
        {"categories", "billing,repair", "billing,repair"},
        {"categories", "billing,,repair", nullptr},
        {"categories", "billing,billing", nullptr},
        {"categories", "Billing", nullptr},
        {"channels", "", nullptr},
    };
    for (const Case& c : cases) {
        CAPTURE(c.key);
        CAPTURE(c.value);
        if (c.stored != nullptr) {
            CHECK(check_setting(c.key, c.value) == c.stored);
        } else {
            CHECK(kind_of([&] { check_setting(c.key, c.value); }) == ErrorKind::usage);
        }
    }
}

TEST_CASE("an invalid value names the key and the value, and writes nothing") {
    Database db = Database::open_memory();
    try {
        set_setting(db, "order_cost", "12,50", k_stamp);
        FAIL("accepted 12,50");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()) ==
              "invalid value '12,50' for order_cost: expected an amount such as 12.50");
    }
    CHECK(audit_rows(db) == 0);
    CHECK(get_setting(db, "order_cost") == "25.00");
}

TEST_CASE("an unknown key is Error(usage) for every operation") {
    Database db = Database::open_memory();
    CHECK(kind_of([&] { get_setting(db, "nosuch"); }) == ErrorKind::usage);
    CHECK(kind_of([&] { set_setting(db, "nosuch", "1", k_stamp); }) == ErrorKind::usage);
    CHECK(kind_of([&] { unset_setting(db, "nosuch", k_stamp); }) == ErrorKind::usage);
    CHECK(kind_of([] { check_setting_key("sla.high"); }) == ErrorKind::usage);
    CHECK_NOTHROW(check_setting_key("sla.high.resolution"));
    CHECK(audit_rows(db) == 0);
}

TEST_CASE("SLA targets are durations or business days") {
    CHECK(parse_sla_target("8h")->seconds == 8 * 3600);
    CHECK_FALSE(parse_sla_target("8h")->in_days);
    CHECK(parse_sla_target("3d")->in_days);
    CHECK(parse_sla_target("1w")->in_days);
    CHECK(parse_sla_target("3bd")->business_days == 3);
    CHECK(parse_sla_target("3bd")->seconds == 0);
    for (const char* bad : {"0bd", "bd", "-1bd", "1.5bd", "3 bd", "3BD", "500ms", "0s", ""}) {
        CHECK_MESSAGE(!parse_sla_target(bad), bad);
    }
    CHECK(check_setting("sla.normal.resolution", "3bd") == "3bd");
}

TEST_CASE("a priority's calendar inherits sla.calendar until it is set") {
    Database db = Database::open_memory();
    add_calendar(db, "office", "Europe/Stockholm", parse_hours("mon-fri 08:00-17:00"), k_stamp);
    for (const char* p : {"urgent", "high", "normal", "low"}) {
        set_setting(db, fmt::format("sla.{}.resolution", p), "8h", k_stamp);
    }
    set_setting(db, "sla.calendar", "office", k_stamp);
    CHECK(get_setting(db, "sla.normal.calendar") == "office");
    set_setting(db, "sla.urgent.calendar", "none", k_stamp);
    CHECK(get_setting(db, "sla.urgent.calendar") == "none");
    const Table t = list_settings(db);
    const auto row = std::find_if(t.rows.begin(), t.rows.end(), [](const Row& r) {
        return std::get<std::string>(r[0]) == "sla.high.calendar";
    });
    REQUIRE(row != t.rows.end());
    CHECK(*row == Row{std::string("sla.high.calendar"), std::string("office"),
                      std::string("office"), std::string("default")});
}

TEST_CASE("a calendar clock refuses a target in days, and an unknown calendar, writing nothing") {
    Database db = Database::open_memory();
    add_calendar(db, "office", "Europe/Stockholm", parse_hours("mon-fri 08:00-17:00"), k_stamp);
    const std::int64_t before = audit_rows(db);
    // The defaults hold high 1d, normal 3d and low 7d.
    try {
        set_setting(db, "sla.calendar", "office", k_stamp);
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::config);
        CHECK(std::string(e.what()) == "sla.high.resolution is 1d, but the high clocks run on "
                                       "calendar office: a day there is ambiguous");
        CHECK(e.hint() == "give sla.high.resolution in hours or business days, such as 24h or "
                          "1bd");
    }
    CHECK(get_setting(db, "sla.calendar") == "none");
    CHECK(kind_of([&] { set_setting(db, "sla.calendar", "shop", k_stamp); }) == ErrorKind::refused);
    CHECK(audit_rows(db) == before);
    // Urgent runs 1h and 4h: its own calendar is fine, and then its targets cannot be in days.
    set_setting(db, "sla.urgent.calendar", "office", k_stamp);
    CHECK(kind_of([&] { set_setting(db, "sla.urgent.resolution", "1d", k_stamp); }) ==
          ErrorKind::config);
    CHECK(get_setting(db, "sla.urgent.resolution") == "4h");
    set_setting(db, "sla.urgent.resolution", "1bd", k_stamp);
    CHECK(get_setting(db, "sla.urgent.resolution") == "1bd");
}
