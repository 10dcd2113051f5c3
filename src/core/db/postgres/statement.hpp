#pragma once

// A statement on a PostgreSQL connection, and how its SQL text is read for its parameters.

#include "db/driver.hpp"
#include "db/postgres/libpq.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr::pg {

// Type OIDs (pg_type.dat) that svcmgr reads as integers.
constexpr Oid k_bool = 16;
constexpr Oid k_int8 = 20;
constexpr Oid k_int2 = 21;
constexpr Oid k_int4 = 23;
constexpr Oid k_text = 25;
constexpr Oid k_numeric = 1700;

// The $N placeholders of `sql` outside quotes: their highest N and which N occur (element N is
// true when $N occurs; element 0 is always false). An N of 0 or above 65535 is not one.
std::vector<bool> placeholders(std::string_view sql);

// The types of $1..$N of `sql` as sent with it: unknown (0) for each $N that occurs, so that the
// server infers it from the text; text for each gap in the numbering, which it could not infer.
std::vector<Oid> parameter_types(std::string_view sql);

class PgConnection;

// A statement's rows are read as they arrive (libpq's single-row mode), so a big SELECT runs in
// constant memory. The protocol carries one result at a time: when another statement needs the
// connection while rows are still coming, the rest of them are first read into the streaming
// statement's own compact buffer (PgConnection::settle), so nested statements stay correct and
// only then cost memory.
class PgStatement final : public DriverStatement {
public:
    PgStatement(PgConnection& connection, std::string_view sql);
    ~PgStatement() override;
    PgStatement(const PgStatement&) = delete;
    PgStatement& operator=(const PgStatement&) = delete;

    void bind_null(int n) override {
        if (in_range(n)) {
            m_values[index(n)].reset();
        }
    }
    void bind_int64(int n, std::int64_t value) override {
        if (in_range(n)) {
            char buffer[24];
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
            m_values[index(n)] = std::string(buffer, end);
        }
    }
    void bind_text(int n, std::string_view value) override {
        if (in_range(n)) {
            m_values[index(n)] = std::string(value);
        }
    }
    bool step() override {
        if (!m_started) {
            start();
        }
        if (m_peeked) {
            m_peeked = false;
            return m_has_row;
        }
        m_has_row = advance();
        return m_has_row;
    }
    int run() override {
        if (!m_started) {
            execute();
        } else {
            discard_rest();
        }
        if (!m_result) {
            return 0;
        }
        const char* changed = libpq().PQcmdTuples(m_result.get());
        int n = 0;
        std::from_chars(changed, changed + std::strlen(changed), n);
        return n;
    }
    void reset() override {
        discard_rest();
        m_result.reset();
        clear_buffer();
        m_started = false;
        m_peeked = false;
        m_has_row = false;
        for (auto& v : m_values) {
            v.reset();
        }
    }
    ColumnKind kind(int col) const override {
        if (is_null(col)) {
            return ColumnKind::null;
        }
        switch (m_types_out[static_cast<std::size_t>(col)]) {
        case k_bool:
        case k_int2:
        case k_int4:
        case k_int8:
            return ColumnKind::integer;
        case k_numeric: {
            // An integer sum is NUMERIC in PostgreSQL and an integer in SQLite.
            const std::string_view v = raw(col);
            return v.find('.') == std::string_view::npos ? ColumnKind::integer : ColumnKind::text;
        }
        default:
            return ColumnKind::text;
        }
    }
    std::int64_t int64(int col) const override {
        const std::string_view v = raw(col);
        if (v == "t") {
            return 1;
        }
        std::int64_t n = 0;
        std::from_chars(v.data(), v.data() + v.size(), n);
        return n;
    }
    std::string_view text(int col) const override {
        if (m_types_out[static_cast<std::size_t>(col)] == k_bool) {
            return raw(col) == "t" ? "1" : "0";
        }
        return raw(col);
    }
    int column_count() const override {
        if (!m_started) {
            // Before the first step: a statement that returns columns has to run to know them.
            auto* self = const_cast<PgStatement*>(this);
            self->start();
            self->m_has_row = self->advance();
            self->m_peeked = true;
        }
        return static_cast<int>(m_types_out.size());
    }
    std::string column_name(int col) const override {
        return m_names[static_cast<std::size_t>(col)];
    }

    // Reads the rows still to come into the buffer (the connection is needed for another
    // statement). The current row stays readable.
    void buffer_rest();

private:
    // A cell of a buffered row: its bytes in m_buffer_text, or NULL.
    struct Cell {
        std::size_t offset = 0;
        std::size_t size = 0;
        bool null = false;
    };

    PgConnection& m_connection;
    std::string m_sql;
    std::vector<Oid> m_types; // of $1..$N: unknown (0) lets the server infer it from the text
    std::vector<std::optional<std::string>> m_values;
    // The current row: row m_row of m_result, or (m_buffer_row >= 0) a row of the buffer.
    Result m_result;
    int m_row = -1;
    std::vector<Oid> m_types_out; // of the result's columns
    std::vector<std::string> m_names;
    bool m_started = false;   // executed since the last reset
    bool m_streaming = false; // rows still to come from the connection
    bool m_peeked = false;    // column_count() read the first row ahead of step()
    bool m_has_row = false;
    std::string m_buffer_text;
    std::vector<Cell> m_buffer_cells;
    std::size_t m_buffer_rows = 0;
    std::ptrdiff_t m_buffer_row = -1;

    bool in_range(int n) const { return n > 0 && static_cast<std::size_t>(n) <= m_values.size(); }
    static std::size_t index(int n) { return static_cast<std::size_t>(n - 1); }
    const Cell* buffered(int col) const {
        if (m_buffer_row < 0) {
            return nullptr;
        }
        return &m_buffer_cells[static_cast<std::size_t>(m_buffer_row) * m_types_out.size() +
                               static_cast<std::size_t>(col)];
    }
    bool is_null(int col) const {
        if (const Cell* cell = buffered(col)) {
            return cell->null;
        }
        return libpq().PQgetisnull(m_result.get(), m_row, col) != 0;
    }
    std::string_view raw(int col) const {
        if (const Cell* cell = buffered(col)) {
            return {m_buffer_text.data() + cell->offset, cell->size};
        }
        const auto& pq = libpq();
        return {pq.PQgetvalue(m_result.get(), m_row, col),
                static_cast<std::size_t>(pq.PQgetlength(m_result.get(), m_row, col))};
    }
    void describe(const PGresult* result) {
        const auto& pq = libpq();
        const int n = pq.PQnfields(result);
        m_types_out.resize(static_cast<std::size_t>(n));
        m_names.resize(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            m_types_out[static_cast<std::size_t>(i)] = pq.PQftype(result, i);
            m_names[static_cast<std::size_t>(i)] = pq.PQfname(result, i);
        }
    }
    void clear_buffer() {
        m_buffer_text.clear();
        m_buffer_text.shrink_to_fit();
        m_buffer_cells.clear();
        m_buffer_cells.shrink_to_fit();
        m_buffer_rows = 0;
        m_buffer_row = -1;
    }
    // Runs the statement to completion at once (run()).
    void execute();
    // Sends the statement; its rows are then read one by one.
    void start();
    // The next row: from the buffer, else from the connection. False at the end.
    bool advance();
    // Reads and drops the rows still to come.
    void discard_rest() noexcept;
    // Takes the next result of the streaming statement; false at its end (after which the
    // connection is free). Throws the statement's error.
    bool take(Result& into);
};

} // namespace svcmgr::pg
