// report inventory: both failure modes of an unbalanced inventory side by side: shortage
// (stock-outs, parts below their reorder point, tickets waiting on parts and the time they lost)
// and excess (overstock, its value and yearly holding cost).

#include <svcmgr/inventory.hpp>

#include "db/sql.hpp"
#include "inventory/queries.hpp"
#include "report/builders.hpp"
#include "report/history.hpp"
#include "ticket/statuses.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace svcmgr::report {

namespace {

std::size_t column(const Table& t, std::string_view name) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].name == name) {
            return i;
        }
    }
    return t.columns.size();
}

std::int64_t integer_or_zero(const Value& v) {
    const auto* n = std::get_if<std::int64_t>(&v);
    return n != nullptr ? *n : 0;
}

} // namespace

std::vector<Column> inventory_columns() {
    using enum ColumnType;
    return {{"sku", code},
            {"name", text},
            {"on_hand", integer},
            {"stockout", boolean},
            {"below_reorder", boolean},
            {"tickets_waiting", integer},
            {"value", money},
            {"holding_cost", money},
            {"excess_qty", integer},
            {"excess_value", money},
            {"wait_time", duration}};
}

ReportResult inventory_report(Database& db, const ReportOptions& options, std::int64_t now,
                              const TimeZone& tz) {
    const Table value = inventory_value(db, {}, now, tz);
    const std::set<std::string> below = skus_to_order(db, now, tz);
    std::map<std::string, std::int64_t> waiting;
    {
        Statement st(db, joined<"SELECT p.sku, count(DISTINCT tp.ticket_id) FROM ticket_part tp "
                                "JOIN part p ON p.id = tp.part_id "
                                "JOIN ticket t ON t.id = tp.ticket_id "
                                "WHERE tp.state = 'needed' AND t.status IN ",
                                k_active_status_list, " GROUP BY p.sku">);
        while (st.step()) {
            waiting[st.text(0)] = st.int64(1);
        }
    }
    std::int64_t tickets_waiting = 0;
    {
        Statement st(db, joined<"SELECT count(DISTINCT tp.ticket_id) FROM ticket_part tp "
                                "JOIN ticket t ON t.id = tp.ticket_id WHERE tp.state = 'needed' "
                                "AND t.status IN ",
                                k_active_status_list>);
        st.step();
        tickets_waiting = st.int64(0);
    }
    // SLA time lost to parts: time tickets spent in waiting_parts within the period, up to now.
    // A ticket that did not change in the period waited all through it: those are counted.
    const std::optional<std::int64_t> since = options.period.since;
    const std::int64_t until = std::min(options.period.until, now + 1);
    std::int64_t wait_time = 0;
    std::int64_t unchanged = 0;
    if (since) {
        for (const auto& a : count_active(db, until)) {
            unchanged += a.status == Status::waiting_parts ? a.count : 0;
        }
    }
    for_each_ticket(db, since, until, [&](const TicketHistory& h) {
        if (since && h.status == Status::waiting_parts) {
            --unchanged;
        }
        wait_time += h.time_in(Status::waiting_parts, since, until);
    });
    if (since && until > *since) {
        wait_time += unchanged * (until - *since);
    }

    ReportResult result;
    result.table.columns = inventory_columns();
    const std::size_t sku = column(value, "sku");
    std::int64_t stockouts = 0, below_count = 0, on_hand = 0, total_value = 0, holding = 0,
                 excess_qty = 0, excess_value = 0;
    for (const auto& row : value.rows) {
        const auto& code = std::get<std::string>(row[sku]);
        const std::int64_t qty = integer_or_zero(row[column(value, "on_hand")]);
        const bool out = qty == 0;
        const bool low = below.count(code) != 0;
        const auto need = waiting.find(code);
        const Value& v = row[column(value, "value")];
        const Value& h = row[column(value, "holding_cost")];
        const Value& eq = row[column(value, "excess_qty")];
        const Value& ev = row[column(value, "excess_value")];
        result.table.rows.push_back({code, row[column(value, "name")], qty,
                                     std::int64_t{out ? 1 : 0}, std::int64_t{low ? 1 : 0},
                                     need == waiting.end() ? 0 : need->second, v, h, eq, ev,
                                     Value{}});
        stockouts += out ? 1 : 0;
        below_count += low ? 1 : 0;
        on_hand += qty;
        total_value += integer_or_zero(v);
        holding += integer_or_zero(h);
        excess_qty += integer_or_zero(eq);
        excess_value += integer_or_zero(ev);
    }
    // Counts of stock-outs and parts below reorder are metrics: the boolean columns stay empty.
    result.table.rows.push_back({Value{}, std::string("total"), on_hand, Value{}, Value{},
                                 tickets_waiting, total_value, holding, excess_qty, excess_value,
                                 wait_time});
    result.metrics = {{"stockouts", stockouts},
                      {"below_reorder", below_count},
                      {"tickets_waiting_parts", tickets_waiting},
                      {"parts_wait_time", wait_time},
                      {"excess_value", excess_value},
                      {"total_value", total_value},
                      {"holding_cost", holding}};
    return result;
}

} // namespace svcmgr::report
