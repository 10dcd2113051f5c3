#pragma once

// The SQLite driver's own pieces, shared by its files (driver.cpp, bulk_insert.cpp): the thread
// that writes a bulk insert's batches, and the bulk writer itself.

#include "db/driver.hpp"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace svcmgr {

// The bulk writers' INSERTs run on a thread of their own, in the order they were handed over,
// while the caller reads and checks the rows to come. The connection is still used by one thread
// at a time (it is opened without SQLite's own mutexes): every other use of it first waits until
// the writes handed over are done (settle). A failed write is thrown there, and at every use
// after it, until the transaction it broke is rolled back.
class WriteBehind {
public:
    WriteBehind() = default;
    ~WriteBehind() { stop(); }
    WriteBehind(const WriteBehind&) = delete;
    WriteBehind& operator=(const WriteBehind&) = delete;

    // Runs `job` after the jobs handed over before it; `busy` (true) is set false once it ran,
    // or was skipped after a failed one.
    void post(std::function<void()> job, bool& busy) {
        {
            const std::lock_guard lock(m_mutex);
            if (!m_thread.joinable()) {
                m_thread = std::thread([this] { run(); });
            }
            m_jobs.push_back({std::move(job), &busy});
            m_pending.fetch_add(1, std::memory_order_relaxed);
        }
        m_work.notify_one();
    }

    // Waits until the jobs handed over are done; throws the error of a failed one.
    void settle() {
        wait();
        if (m_failed.load(std::memory_order_acquire)) {
            const std::lock_guard lock(m_mutex);
            std::rethrow_exception(m_error);
        }
    }

    // Waits until `busy` is false (a job's buffer is free again); throws a failed job's error.
    void wait_until_free(const bool& busy) {
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [&busy] { return !busy; });
        if (m_error) {
            std::rethrow_exception(m_error);
        }
    }

    // Waits until the jobs handed over are done, without throwing (before a statement is
    // finalized); with `forget`, a failure is forgotten (its transaction is being rolled back).
    void wait(bool forget = false) noexcept {
        if (m_pending.load(std::memory_order_acquire) == 0 &&
            !m_failed.load(std::memory_order_acquire)) {
            return;
        }
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [this] { return m_jobs.empty() && !m_running; });
        if (forget) {
            m_error = nullptr;
            m_failed.store(false, std::memory_order_release);
        }
    }

private:
    struct Job {
        std::function<void()> run;
        bool* busy;
    };

    void run() {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_work.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_jobs.empty()) {
                return;
            }
            Job job = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_running = true;
            std::exception_ptr error;
            if (!m_error) {
                lock.unlock();
                try {
                    job.run();
                } catch (...) {
                    error = std::current_exception();
                }
                lock.lock();
            }
            if (error) {
                m_error = error;
                m_failed.store(true, std::memory_order_release);
            }
            *job.busy = false;
            m_running = false;
            m_pending.fetch_sub(1, std::memory_order_release);
            m_done.notify_all();
        }
    }

    void stop() noexcept {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_work.notify_one();
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_work; // a job was handed over, or the thread is to stop
    std::condition_variable m_done; // a job ran
    std::deque<Job> m_jobs;
    bool m_running = false;
    bool m_stop = false;
    std::exception_ptr m_error; // the first failed job's
    // Read without the lock on every use of the connection: jobs handed over and not done yet,
    // and whether one failed.
    std::atomic<std::size_t> m_pending{0};
    std::atomic<bool> m_failed{false};
    std::thread m_thread; // started with the first job
};

// A bulk writer into `table` (see SqliteBulkInsert in bulk_insert.cpp) on the connection `db`,
// named `name` in errors, whose batches `behind` writes.
std::unique_ptr<BulkInsert> make_sqlite_bulk_insert(sqlite3* db, const std::string& name,
                                                    WriteBehind& behind, std::string_view table,
                                                    const std::vector<std::string>& columns,
                                                    BulkInsert* before);

} // namespace svcmgr
