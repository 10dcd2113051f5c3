#pragma once

// A progress line on stderr for long imports and exports: rows, rows/s and, when the share done
// is known, the time left. Only when stderr is a terminal and the job is long (it has run for a
// second or passed 65,536 rows); nothing otherwise, so logs and pipes never see it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace svcmgr::cli {

class Progress {
public:
    // `done_share` returns the share of the work done (0..1), when known.
    explicit Progress(std::string label, std::function<double()> done_share = {});
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress();

    void tick() {
        if (++m_rows % 4096 == 0) {
            show();
        }
    }
    void set(std::int64_t rows) {
        m_rows = rows;
        show();
    }
    // Clears the line, if one was drawn.
    void done();

private:
    void show();

    std::string m_label;
    std::function<double()> m_done_share;
    bool m_enabled = false;
    bool m_drawn = false;
    std::int64_t m_rows = 0;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last;
};

} // namespace svcmgr::cli
