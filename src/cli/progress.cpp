#include "progress.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>

namespace svcmgr::cli {

namespace {

// A job is long once it has run for a second or passed this many rows.
constexpr auto k_quiet_start = std::chrono::seconds(1);
constexpr std::int64_t k_long_rows = 65536;
constexpr auto k_interval = std::chrono::milliseconds(200);

std::string minutes_seconds(double seconds) {
    const auto s = static_cast<long long>(seconds + 0.5);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

} // namespace

Progress::Progress(std::string label, std::function<double()> done_share)
    : m_label(std::move(label)), m_done_share(std::move(done_share)),
      m_enabled(isatty(STDERR_FILENO) == 1), m_start(std::chrono::steady_clock::now()),
      m_last(m_start) {}

Progress::~Progress() {
    done();
}

void Progress::show() {
    if (!m_enabled) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    const bool long_job = m_rows >= k_long_rows || now - m_start >= k_quiet_start;
    if (!long_job || (m_drawn && now - m_last < k_interval)) {
        return;
    }
    m_last = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double rate = elapsed > 0.0 ? static_cast<double>(m_rows) / elapsed : 0.0;
    std::string line = fmt::format("\r{} {} rows, {:.0f} rows/s", m_label, m_rows, rate);
    if (m_done_share) {
        const double share = m_done_share();
        if (share > 0.0 && share <= 1.0) {
            line += fmt::format(", {:.0f}%, {} left", share * 100.0,
                                minutes_seconds(elapsed / share - elapsed));
        }
    }
    line += "\x1b[K";
    std::fputs(line.c_str(), stderr);
    m_drawn = true;
}

void Progress::done() {
    if (m_drawn) {
        std::fputs("\r\x1b[K", stderr);
        m_drawn = false;
    }
}

} // namespace svcmgr::cli
