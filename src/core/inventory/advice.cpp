// Reorder advice and valuation, with exactly the definitions of DESIGN.md section 7.

#include <svcmgr/error.hpp>
#include <svcmgr/inventory.hpp>
#include <svcmgr/parse.hpp>
#include <svcmgr/settings.hpp>

#include "db/sql.hpp"
#include "inventory/queries.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace svcmgr {

namespace {

// Floating error may not add a unit: ceil of a value within this of an integer is that integer.
constexpr double k_epsilon = 1e-9;

struct PartFacts {
    std::int64_t id = 0;
    std::string sku;
    std::string name;
    std::int64_t on_hand = 0;
    std::int64_t unit_cost = 0; // minor units
    std::optional<std::int64_t> reorder_point;
    std::string order_rule;
    std::optional<std::int64_t> reorder_qty, max_qty, min_order, pack_size;
    std::int64_t lead_time_days = 0;
    std::int64_t holding_rate = 0; // tenths of a percent, the setting when the part has none
    std::int64_t reserved = 0;
    std::int64_t on_order = 0;
    std::int64_t needed = 0; // by active tickets waiting for it
    std::optional<std::int64_t> first_move_at;
};

struct Balance {
    double usage = 0; // per day
    double sigma = 0; // sample standard deviation of the daily usage
    double safety_stock = 0;
    std::int64_t reorder_point = 0;
    bool computed_reorder_point = true;
    std::int64_t position = 0;
    std::int64_t order_qty = 0;
};

// Sums per part of a query returning (part_id, n).
std::map<std::int64_t, std::int64_t> per_part(Database& db, std::string_view sql) {
    std::map<std::int64_t, std::int64_t> sums;
    Statement st(db, sql);
    while (st.step()) {
        sums[st.int64(0)] = st.int64(1);
    }
    return sums;
}

std::vector<PartFacts> load_parts(Database& db) {
    const std::int64_t default_rate = setting_percent(db, "holding_rate");
    // Reservations and open orders are few: two grouped queries cost less than two correlated
    // subqueries per part (the same sums as k_reserved_sql and k_on_order_sql).
    const auto reserved = per_part(db, joined<"SELECT r.part_id, sum(r.qty) FROM ticket_part r "
                                              "JOIN ticket t ON t.id = r.ticket_id "
                                              "WHERE r.state = 'reserved' AND t.status NOT IN ",
                                              k_inactive_status_list, " GROUP BY r.part_id">);
    const auto on_order = per_part(db, "SELECT part_id, sum(qty - received_qty) FROM stock_order "
                                       "WHERE received_qty < qty GROUP BY part_id");
    const auto needed = per_part(db, joined<"SELECT r.part_id, sum(r.qty) FROM ticket_part r "
                                            "JOIN ticket t ON t.id = r.ticket_id "
                                            "WHERE r.state = 'needed' AND t.status NOT IN ",
                                            k_inactive_status_list, " GROUP BY r.part_id">);
    const auto sum_for = [](const std::map<std::int64_t, std::int64_t>& sums, std::int64_t id) {
        const auto it = sums.find(id);
        return it == sums.end() ? std::int64_t{0} : it->second;
    };
    Statement st(db, "SELECT p.id, p.sku, p.name, p.on_hand, p.unit_cost, p.reorder_point, "
                     "p.order_rule, p.reorder_qty, p.max_qty, p.min_order, p.pack_size, "
                     "p.lead_time_days, p.holding_rate, "
                     "(SELECT min(at) FROM stock_move m WHERE m.part_id = p.id) "
                     "FROM part p ORDER BY p.sku");
    std::vector<PartFacts> parts;
    while (st.step()) {
        PartFacts p;
        p.id = st.int64(0);
        p.sku = st.text(1);
        p.name = st.text(2);
        p.on_hand = st.int64(3);
        p.unit_cost = st.int64(4);
        p.reorder_point = st.optional_int64(5);
        p.order_rule = st.text(6);
        p.reorder_qty = st.optional_int64(7);
        p.max_qty = st.optional_int64(8);
        p.min_order = st.optional_int64(9);
        p.pack_size = st.optional_int64(10);
        p.lead_time_days = st.int64(11);
        p.holding_rate = st.optional_int64(12).value_or(default_rate);
        p.reserved = sum_for(reserved, p.id);
        p.on_order = sum_for(on_order, p.id);
        p.needed = sum_for(needed, p.id);
        p.first_move_at = st.optional_int64(13);
        parts.push_back(std::move(p));
    }
    return parts;
}

// The starts of the last `days` local days, today included, and the start of tomorrow.
std::vector<std::int64_t> day_starts(std::int64_t days, std::int64_t now, const TimeZone& tz) {
    std::vector<std::int64_t> starts(static_cast<std::size_t>(days) + 1);
    const std::int64_t today = tz.start_of_day(now);
    // A local day lasts 23 to 25 hours: 36 hours after its start is always the next day.
    starts.back() = tz.start_of_day(today + 36 * 3600);
    for (std::size_t i = starts.size() - 1; i > 0; --i) {
        starts[i - 1] = tz.start_of_day(starts[i] - 1);
    }
    return starts;
}

// Daily usage (consumed − returned, at least 0) per part over the window, oldest day first.
std::map<std::int64_t, std::vector<std::int64_t>>
daily_usage(Database& db, const std::vector<std::int64_t>& starts) {
    std::map<std::int64_t, std::vector<std::int64_t>> usage;
    Statement st(db, "SELECT part_id, at, qty FROM stock_move WHERE kind IN ('consume', 'return') "
                     "AND at >= $1 AND at < $2");
    st.bind_all(starts.front(), starts.back());
    const std::size_t days = starts.size() - 1;
    while (st.step()) {
        auto& per_day = usage[st.int64(0)];
        per_day.resize(days, 0);
        const auto it = std::upper_bound(starts.begin(), starts.end(), st.int64(1));
        const auto day = static_cast<std::size_t>(it - starts.begin()) - 1;
        per_day[day] -= st.int64(2); // consumption is negative in the ledger
    }
    for (auto& [part, per_day] : usage) {
        for (auto& d : per_day) {
            d = std::max<std::int64_t>(d, 0);
        }
    }
    return usage;
}

__extension__ using Wide = __int128;

// The integer nearest to sqrt(n / d), halves rounded up, for n >= 0 and d > 0; exact.
std::int64_t rounded_sqrt(Wide n, Wide d) {
    auto k =
        static_cast<Wide>(std::sqrt(static_cast<long double>(n) / static_cast<long double>(d)));
    while (k > 0 && k * k * d > n) {
        --k;
    }
    while ((k + 1) * (k + 1) * d <= n) {
        ++k;
    }
    // Round up when sqrt(n / d) >= k + 1/2, that is 4n >= (2k + 1)^2 d.
    if (4 * n >= (2 * k + 1) * (2 * k + 1) * d) {
        ++k;
    }
    return static_cast<std::int64_t>(k);
}

std::int64_t ceil_units(double x) {
    return static_cast<std::int64_t>(std::ceil(x - k_epsilon));
}

std::int64_t round_up_to(std::int64_t qty, std::optional<std::int64_t> pack) {
    if (!pack || *pack <= 1) {
        return qty;
    }
    return (qty + *pack - 1) / *pack * *pack;
}

Balance balance_of(const PartFacts& p, const std::vector<std::int64_t>& starts,
                   const std::map<std::int64_t, std::vector<std::int64_t>>& usage, double z,
                   std::int64_t order_cost) {
    Balance b;
    const std::int64_t window = static_cast<std::int64_t>(starts.size()) - 1;
    // A part younger than the window: the days since its first ledger move (at least 1).
    std::int64_t days = window;
    if (p.first_move_at && *p.first_move_at > starts.front()) {
        const auto it = std::upper_bound(starts.begin(), starts.end(), *p.first_move_at);
        days = std::max<std::int64_t>(1, window - (it - starts.begin() - 1));
    }
    // Sums of the daily figures and of their squares, in integers: the sample variance is
    // (N·Σx² − (Σx)²) / (N·(N − 1)) with an exact numerator. Days without use add nothing.
    std::int64_t used = 0;
    std::int64_t squares = 0;
    if (const auto found = usage.find(p.id); found != usage.end()) {
        for (std::int64_t d = window - days; d < window; ++d) {
            const std::int64_t x = found->second[static_cast<std::size_t>(d)];
            used += x;
            squares += x * x;
        }
    }
    b.usage = static_cast<double>(used) / static_cast<double>(days);
    if (days > 1) {
        b.sigma = std::sqrt(static_cast<double>(days * squares - used * used) /
                            static_cast<double>(days * (days - 1)));
    }
    const auto lead = static_cast<double>(p.lead_time_days);
    b.safety_stock = z * b.sigma * std::sqrt(lead);
    b.reorder_point = ceil_units(b.usage * lead + b.safety_stock);
    if (p.reorder_point) {
        b.reorder_point = *p.reorder_point;
        b.computed_reorder_point = false;
    }
    b.position = p.on_hand - p.reserved + p.on_order;

    std::int64_t qty = p.reorder_qty.value_or(1);
    if (p.order_rule == "up_to_max" && p.max_qty) {
        qty = *p.max_qty - b.position;
    } else if (p.order_rule == "eoq" && p.unit_cost > 0 && p.holding_rate > 0) {
        // EOQ = sqrt(2·D·S/H) with D = usage·365, S = order cost, H = unit cost × holding rate:
        // exactly, as the square root of a ratio of integers (money in minor units, the rate
        // in tenths of a percent), so floating error cannot move it across a half.
        const Wide numerator = Wide{2} * 365 * 1000 * static_cast<Wide>(used) * order_cost;
        const Wide denominator = static_cast<Wide>(days) * p.unit_cost * p.holding_rate;
        qty = std::max<std::int64_t>(1, rounded_sqrt(numerator, denominator));
    }
    qty = std::max<std::int64_t>(qty, 0);
    if (qty > 0 && p.min_order) {
        qty = std::max(qty, *p.min_order);
    }
    b.order_qty = round_up_to(qty, p.pack_size);
    return b;
}

std::int64_t hundredths(double x) {
    return std::llround(x * 100.0);
}

// Half-up rounding of value × rate (tenths of a percent) to the minor unit.
std::int64_t holding_cost(std::int64_t value, std::int64_t rate) {
    return (value * rate * 2 + 1000) / 2000;
}

// Whether the part is to be ordered now: its position at or below its reorder point (set on
// the part, else computed) and something to order. Nothing used, no reorder point set and no
// ticket waiting for it: nothing to keep in stock. A part never used yet that a ticket waits for
// is short all the same.
bool to_order(const PartFacts& p, const Balance& b) {
    const bool dead = b.usage == 0 && b.computed_reorder_point && p.needed == 0;
    return !dead && b.position <= b.reorder_point && b.order_qty > 0;
}

struct Context {
    std::vector<PartFacts> parts;
    std::vector<std::int64_t> starts;
    std::map<std::int64_t, std::vector<std::int64_t>> usage;
    double z = 0;
    std::int64_t order_cost = 0;
};

Context gather(Database& db, const AdviceOptions& options, std::int64_t now, const TimeZone& tz) {
    if (options.window_days < 1 || options.window_days > 3660) {
        throw Error(ErrorKind::usage, fmt::format("invalid window of {} days: expected 1 to 3660",
                                                  options.window_days));
    }
    const std::int64_t level = options.service_level.value_or(setting_percent(db, "service_level"));
    if (level <= 0 || level >= 1000) {
        throw Error(ErrorKind::usage, "the service level must be above 0% and below 100%");
    }
    Context c;
    c.parts = load_parts(db);
    c.starts = day_starts(options.window_days, now, tz);
    c.usage = daily_usage(db, c.starts);
    c.z = inverse_normal(static_cast<double>(level) / 1000.0);
    c.order_cost = setting_money(db, "order_cost");
    return c;
}

} // namespace

double inverse_normal(double p) {
    // Acklam's rational approximation, refined by one step of Halley's method with erfc, which
    // brings it to full double precision.
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                   -2.759285104469687e+02, 1.383577518672690e+02,
                                   -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                   -1.556989798598866e+02, 6.680131188771972e+01,
                                   -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                   -2.400758277161838e+00, -2.549732539343734e+00,
                                   4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                   2.445134137142996e+00, 3.754408661907416e+00};
    constexpr double low = 0.02425;
    double x = 0;
    if (p < low) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - low) {
        const double q = p - 0.5;
        const double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = std::sqrt(-2 * std::log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
    const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

AdviceOptions parse_advice_options(std::string_view window, std::string_view service_level) {
    AdviceOptions options;
    const auto days = parse_duration(window);
    if (!days || days->count() <= 0 || days->count() % 86'400'000 != 0) {
        throw Error(ErrorKind::usage, fmt::format("invalid value '{}' for --window: expected whole "
                                                  "days such as 90d or 4w",
                                                  window));
    }
    options.window_days = days->count() / 86'400'000;
    if (!service_level.empty()) {
        options.service_level = parse_percent(service_level);
        if (!options.service_level || *options.service_level == 0 ||
            *options.service_level >= 1000) {
            throw Error(ErrorKind::usage,
                        fmt::format("invalid value '{}' for --service-level: expected a "
                                    "percentage above 0 and below 100 such as 95%",
                                    service_level));
        }
    }
    return options;
}

Table reorder_advice(Database& db, const AdviceOptions& options, std::int64_t now,
                     const TimeZone& tz) {
    const Context c = gather(db, options, now, tz);
    Table table;
    table.columns = {{"sku", ColumnType::code},
                     {"name", ColumnType::text},
                     {"usage_per_day", ColumnType::hundredths},
                     {"usage_sigma", ColumnType::hundredths},
                     {"days_of_cover", ColumnType::hundredths},
                     {"lead_time_days", ColumnType::integer},
                     {"safety_stock", ColumnType::hundredths},
                     {"position", ColumnType::integer},
                     {"reorder_point", ColumnType::integer},
                     {"order_qty", ColumnType::integer},
                     {"order_cost", ColumnType::money}};
    for (const PartFacts& p : c.parts) {
        const Balance b = balance_of(p, c.starts, c.usage, c.z, c.order_cost);
        if (!to_order(p, b)) {
            continue;
        }
        table.rows.push_back(
            {p.sku, p.name, hundredths(b.usage), hundredths(b.sigma),
             b.usage > 0 ? Value{hundredths(static_cast<double>(p.on_hand) / b.usage)} : Value{},
             p.lead_time_days, hundredths(b.safety_stock), b.position, b.reorder_point, b.order_qty,
             b.order_qty * p.unit_cost});
    }
    return table;
}

std::set<std::string> skus_to_order(Database& db, std::int64_t now, const TimeZone& tz) {
    const Context c = gather(db, {}, now, tz);
    std::set<std::string> skus;
    for (const PartFacts& p : c.parts) {
        if (to_order(p, balance_of(p, c.starts, c.usage, c.z, c.order_cost))) {
            skus.insert(p.sku);
        }
    }
    return skus;
}

Table inventory_value(Database& db, const ValueOptions& options, std::int64_t now,
                      const TimeZone& tz) {
    const Context c = gather(db, options.usage, now, tz);
    Table table;
    table.columns = {{"sku", ColumnType::code},
                     {"name", ColumnType::text},
                     {"on_hand", ColumnType::integer},
                     {"unit_cost", ColumnType::money},
                     {"value", ColumnType::money},
                     {"holding_rate", ColumnType::percent},
                     {"holding_cost", ColumnType::money},
                     {"usage_per_day", ColumnType::hundredths},
                     {"days_of_cover", ColumnType::hundredths},
                     {"dead", ColumnType::boolean},
                     {"excess_qty", ColumnType::integer},
                     {"excess_value", ColumnType::money},
                     {"excess_holding_cost", ColumnType::money}};
    std::int64_t total_value = 0, total_holding = 0, total_excess_value = 0,
                 total_excess_holding = 0;
    double daily_value_used = 0;
    for (const PartFacts& p : c.parts) {
        const Balance b = balance_of(p, c.starts, c.usage, c.z, c.order_cost);
        const std::int64_t value = p.on_hand * p.unit_cost;
        const std::int64_t holding = holding_cost(value, p.holding_rate);
        const std::int64_t ceiling =
            p.order_rule == "up_to_max" && p.max_qty ? *p.max_qty : b.reorder_point + b.order_qty;
        const std::int64_t excess = std::max<std::int64_t>(0, p.on_hand - ceiling);
        const std::int64_t excess_value = excess * p.unit_cost;
        const std::int64_t excess_holding = holding_cost(excess_value, p.holding_rate);
        total_value += value;
        total_holding += holding;
        total_excess_value += excess_value;
        total_excess_holding += excess_holding;
        daily_value_used += b.usage * static_cast<double>(p.unit_cost);
        table.rows.push_back(
            {p.sku, p.name, p.on_hand, p.unit_cost, value, p.holding_rate, holding,
             hundredths(b.usage),
             b.usage > 0 ? Value{hundredths(static_cast<double>(p.on_hand) / b.usage)} : Value{},
             std::int64_t{b.usage == 0 ? 1 : 0}, excess, excess_value, excess_holding});
    }
    if (options.total == TotalRow::yes) {
        table.rows.push_back(
            {Value{}, std::string("total"), Value{}, Value{}, total_value, Value{}, total_holding,
             Value{},
             daily_value_used > 0
                 ? Value{hundredths(static_cast<double>(total_value) / daily_value_used)}
                 : Value{},
             Value{}, Value{}, total_excess_value, total_excess_holding});
    }
    return table;
}

} // namespace svcmgr
