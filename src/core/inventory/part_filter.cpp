// inventory list: the part filter terms, compiled to SQL over `part p`.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/text.hpp>

#include "inventory/queries.hpp"
#include "inventory/shared.hpp"

#include <fmt/format.h>

namespace svcmgr {

Table list_parts(Database& db, const std::vector<std::string>& terms, std::int64_t now,
                 const TimeZone& tz) {
    std::vector<std::string> where;
    std::optional<std::set<std::string>> to_order; // below:reorder
    std::vector<Value> params;
    const auto param = [&](Value v) {
        params.push_back(std::move(v));
        return fmt::format("${}", params.size());
    };
    for (const std::string& term : terms) {
        const auto colon = term.find(':');
        const std::string_view key = std::string_view(term).substr(0, colon);
        const std::string_view value = colon == std::string::npos
                                           ? std::string_view{}
                                           : std::string_view(term).substr(colon + 1);
        if (colon == std::string::npos) {
            where.push_back(fmt::format("instr(svc_fold(p.sku || '\n' || p.name), {}) > 0",
                                        param(fold_case(term))));
        } else if (key == "below" && value == "reorder") {
            if (!to_order) {
                to_order = skus_to_order(db, now, tz);
            }
        } else if (key == "stock") {
            const auto n = parse_count(value);
            if (!n) {
                throw Error(ErrorKind::usage, fmt::format("invalid filter term '{}': expected "
                                                          "stock:N",
                                                          term));
            }
            where.push_back(fmt::format("p.on_hand = {}", param(*n)));
        } else if (key == "location" && !value.empty()) {
            where.push_back(fmt::format("p.location = {}", param(std::string(value))));
        } else if (key == "supplier" && !value.empty()) {
            where.push_back(fmt::format("p.supplier = {}", param(std::string(value))));
        } else {
            throw Error(ErrorKind::usage, fmt::format("invalid filter term '{}'", term),
                        "terms: below:reorder, stock:N, location:L, supplier:S, or words");
        }
    }
    Table table;
    table.columns = part_table_columns();
    Statement st(
        db, fmt::format("{} WHERE {} ORDER BY p.sku", part_select(),
                        where.empty() ? "1 = 1" : fmt::format("{}", fmt::join(where, " AND "))));
    for (std::size_t i = 0; i < params.size(); ++i) {
        st.bind(static_cast<int>(i) + 1, params[i]);
    }
    while (st.step()) {
        if (!to_order || to_order->contains(st.text(0))) {
            table.rows.push_back(read_row(st, 17));
        }
    }
    return table;
}

} // namespace svcmgr
