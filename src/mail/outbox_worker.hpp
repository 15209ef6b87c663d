#pragma once

#include "core/clock.hpp"
#include "core/random.hpp"
#include "mail/mailer.hpp"
#include "mail/template_renderer.hpp"
#include "store/store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace clockko::mail {

/// Tuning of the outbox sender; the defaults suit production.
struct OutboxWorkerOptions {
    /// Messages claimed per pass.
    std::size_t batch_size = 10;
    /// How long a claimed message is reserved for this instance before another may take it
    /// (longer than one SMTP transfer can last).
    std::chrono::seconds lease{60};
    /// Pause between passes when nothing is due and no Wake() came.
    std::chrono::milliseconds poll_interval{1000};
    /// Backoff after a temporary failure: full jitter over base × 2^(failures − 1), capped.
    std::chrono::milliseconds retry_base{5000};
    std::chrono::milliseconds retry_cap{std::chrono::minutes{10}};
    /// Attempts (sends) before a temporarily failing message is marked failed.
    int max_attempts = 8;
    /// Longest pause between passes while the database is unreachable (doubling from
    /// poll_interval).
    std::chrono::milliseconds store_backoff_cap{std::chrono::seconds{30}};
};

/// Totals since start, for metrics.
struct OutboxStats {
    std::uint64_t sent = 0;
    std::uint64_t retried = 0;
    std::uint64_t failed = 0;
};

/// The background sender of the outbox: claims due messages from the store, renders and sends
/// each, and records the outcome (sent; retry later with backoff; failed after `max_attempts`
/// or on a permanent failure). Logs each failure with the recipient's domain and the reason,
/// never the address's local part, the body or a code. Delivery is at least once: a message
/// sent just before the database became unreachable may be sent again after its lease.
/// @par Thread safety: Start, Wake, Stop and Stats may be called from any thread; PollOnce
/// must not run concurrently with the background thread.
class OutboxWorker final {
public:
    /// Every reference must outlive the worker.
    OutboxWorker(
        store::Store& store,
        Mailer& mailer,
        MailRenderer renderer,
        core::Clock& clock,
        core::Random& random,
        OutboxWorkerOptions options = {}
    );
    ~OutboxWorker();
    OutboxWorker(const OutboxWorker&) = delete;
    OutboxWorker& operator=(const OutboxWorker&) = delete;
    OutboxWorker(OutboxWorker&&) = delete;
    OutboxWorker& operator=(OutboxWorker&&) = delete;

    /// Starts the background thread (once; later calls do nothing). Mail left pending by an
    /// earlier run is sent on its first pass.
    void Start();
    /// Asks for a pass now (call after enqueuing mail) instead of at the next poll.
    void Wake();
    /// Finishes the message being sent, then joins the thread. Messages claimed but not yet
    /// sent are released at once, so another instance may take them. Idempotent; also run by
    /// the destructor.
    void Stop();

    /// One pass of the background thread: claims up to batch_size due messages and handles
    /// each. Never throws for a store outage (core::StoreUnavailable is logged and backed off)
    /// or any other std::exception (logged as an error). Returns how long to wait before the
    /// next pass: zero when a full batch suggests more mail is due.
    std::chrono::milliseconds PollOnce();

    [[nodiscard]] OutboxStats Stats() const;

private:
    void Run();
    void ReleaseUntried(const std::vector<store::OutboxEntry>& batch, std::size_t tried);
    void Handle(const store::OutboxEntry& entry);
    void Retry(const store::OutboxEntry& entry, const SendOutcome& outcome);
    void Fail(const store::OutboxEntry& entry, std::string_view reason);

    store::Store& store_;
    Mailer& mailer_;
    MailRenderer renderer_;
    core::Clock& clock_;
    core::Random& random_;
    OutboxWorkerOptions options_;

    std::mutex mutex_;
    std::condition_variable wake_condition_;
    bool wake_requested_ = false;
    std::atomic<bool> stopping_{false};
    std::chrono::milliseconds store_backoff_{0};
    std::atomic<std::uint64_t> sent_{0};
    std::atomic<std::uint64_t> retried_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::jthread thread_;  // last: it runs on the members above, so it must join first
};

}  // namespace clockko::mail
