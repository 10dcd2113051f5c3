#include "db/postgres/statement.hpp"

#include "db/postgres/connection.hpp"

#include <algorithm>

namespace svcmgr::pg {

std::vector<bool> placeholders(std::string_view sql) {
    std::vector<bool> used(1, false);
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            continue;
        }
        if (c != '$' || i + 1 >= sql.size() || sql[i + 1] < '0' || sql[i + 1] > '9') {
            continue;
        }
        std::size_t n = 0;
        const auto* end = sql.data() + sql.size();
        const auto [next, ec] = std::from_chars(sql.data() + i + 1, end, n);
        if (ec == std::errc{} && n > 0 && n <= 65535) {
            used.resize(std::max(used.size(), n + 1), false);
            used[n] = true;
        }
        i = static_cast<std::size_t>(next - sql.data()) - 1;
    }
    return used;
}

std::vector<Oid> parameter_types(std::string_view sql) {
    const auto used = placeholders(sql);
    std::vector<Oid> types(used.size() - 1, 0);
    for (std::size_t n = 1; n < used.size(); ++n) {
        types[n - 1] = used[n] ? 0 : k_text;
    }
    return types;
}

PgStatement::PgStatement(PgConnection& connection, std::string_view sql)
    : m_connection(connection), m_sql(sql), m_types(parameter_types(sql)) {
    m_values.resize(m_types.size());
}

PgStatement::~PgStatement() {
    discard_rest();
}

void PgStatement::execute() {
    m_result = m_connection.run(m_sql, m_types, m_values);
    describe(m_result.get());
    m_started = true;
    m_row = -1;
}

void PgStatement::start() {
    m_connection.send(*this, m_sql, m_types, m_values);
    m_started = true;
    m_streaming = true;
    m_types_out.clear();
    m_names.clear();
    m_row = -1;
}

bool PgStatement::take(Result& into) {
    const auto& pq = libpq();
    PGresult* raw = m_connection.next_result();
    if (raw == nullptr) {
        m_streaming = false;
        m_connection.ended(*this);
        return false;
    }
    Result result(raw);
    const ExecStatusType status = pq.PQresultStatus(raw);
    if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK ||
        status == PGRES_EMPTY_QUERY) {
        if (m_names.empty() && m_types_out.empty()) {
            describe(raw);
        }
        into = std::move(result);
        return true;
    }
    // An error (possibly after some rows): read the connection free, then report it.
    while (PGresult* more = m_connection.next_result()) {
        pq.PQclear(more);
    }
    m_streaming = false;
    m_connection.ended(*this);
    m_connection.fail(result.get());
}

bool PgStatement::advance() {
    const auto& pq = libpq();
    if (m_buffer_rows > 0) {
        if (static_cast<std::size_t>(m_buffer_row + 1) < m_buffer_rows) {
            ++m_buffer_row;
            return true;
        }
        clear_buffer();
        return false;
    }
    if (!m_streaming) {
        // Rows already here (run() or a statement that returned them whole).
        return m_result && ++m_row < pq.PQntuples(m_result.get());
    }
    while (true) {
        Result next;
        if (!take(next)) {
            return false;
        }
        const bool row = pq.PQresultStatus(next.get()) == PGRES_SINGLE_TUPLE;
        m_result = std::move(next); // the final result keeps the command's row count for run()
        m_row = 0;
        if (row) {
            return true;
        }
        if (pq.PQntuples(m_result.get()) > 0) {
            // Single-row mode was refused: the rows came whole.
            m_streaming = false;
            while (PGresult* more = m_connection.next_result()) {
                pq.PQclear(more);
            }
            m_connection.ended(*this);
            return true;
        }
    }
}

void PgStatement::buffer_rest() {
    const auto& pq = libpq();
    if (!m_streaming) {
        return;
    }
    const std::size_t columns = m_types_out.size();
    Result next;
    while (take(next)) {
        if (pq.PQresultStatus(next.get()) != PGRES_SINGLE_TUPLE) {
            continue;
        }
        for (std::size_t c = 0; c < columns; ++c) {
            const int col = static_cast<int>(c);
            Cell cell;
            cell.null = pq.PQgetisnull(next.get(), 0, col) != 0;
            cell.offset = m_buffer_text.size();
            cell.size = static_cast<std::size_t>(pq.PQgetlength(next.get(), 0, col));
            m_buffer_text.append(pq.PQgetvalue(next.get(), 0, col), cell.size);
            m_buffer_cells.push_back(cell);
        }
        ++m_buffer_rows;
    }
    // The current row stays the single-row result in m_result; the buffer follows it.
    m_buffer_row = -1;
}

void PgStatement::discard_rest() noexcept {
    if (!m_streaming) {
        return;
    }
    while (PGresult* more = m_connection.next_result()) {
        libpq().PQclear(more);
    }
    m_streaming = false;
    m_connection.ended(*this);
}

} // namespace svcmgr::pg
