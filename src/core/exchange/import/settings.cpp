// Import of the settings, each checked as `config set` checks it.

#include <svcmgr/settings.hpp>

#include "exchange/import/importer.hpp"

#include <fmt/format.h>

namespace svcmgr {

namespace {

class SettingImporter final : public TableImporter {
public:
    SettingImporter(Database& db, RecordSource& source, const ImportOptions& options,
                    const Stamp& stamp)
        : TableImporter(db, source, options, stamp, Dataset::settings, "setting", "setting",
                        {{"key", "key"}, {"value", "value"}}, Key::natural, "key", true),
          m_audit(m_spool, db, "setting", "setting", "key") {}

protected:
    std::vector<std::string_view> required() const override { return {"key", "value"}; }
    std::vector<std::string_view> derived() const override { return {}; }

    Prepared prepare() override {
        Prepared row;
        const auto key = code(c_key);
        if (!key) {
            bad(c_key, "may not be empty");
        }
        std::string value;
        try {
            check_setting_key(*key);
        } catch (const Error& e) {
            bad(c_key, e.what());
        }
        try {
            value = check_setting(*key, text(c_value).value_or(""));
        } catch (const Error& e) {
            bad(c_value, e.what());
        }
        row.natural = *key;
        row.values = {*key, value};
        return row;
    }

    void written(const Value& key, const std::vector<Value>* state) override {
        audit(m_audit, key, state);
    }
    void finish() override {
        m_audit.flush();
        m_db.impl().settings.reset();
        // The rows together: each priority's calendar exists, and has no target in days.
        check_sla_settings(m_db);
    }

private:
    const std::size_t c_key = column("key"), c_value = column("value");
    BatchAudit m_audit;
};

} // namespace

std::unique_ptr<Importer> setting_importer(Database& db, RecordSource& source,
                                           const ImportOptions& options, const Stamp& stamp) {
    return std::make_unique<SettingImporter>(db, source, options, stamp);
}

} // namespace svcmgr
