#pragma once

#include "memory_sessions.hpp"
#include "store/store.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace clockko::fakes {

/// A one-time code as the in-memory store keeps it.
struct StoredCode {
    store::CodeRecord record;
    bool voided = false;
    std::optional<core::TimePoint> consumed_at;
};

enum class MailStatus { kPending, kSent, kFailed };

/// An outbox row as the in-memory store keeps it.
struct StoredMail {
    std::int64_t id = 0;
    store::OutgoingMail mail;
    core::TimePoint created_at;
    MailStatus status = MailStatus::kPending;
    int attempts = 0;
    core::TimePoint next_attempt;
    std::optional<core::TimePoint> leased_until;
    std::string last_error;
};

/// Everything the store holds; copied at the start of each transaction and swapped in on commit.
struct MemoryState {
    std::map<std::string, store::UserRecord> users;  ///< by canonical id
    std::vector<StoredCode> codes;
    std::vector<StoredMail> outbox;
    std::int64_t next_code_id = 1;
    std::int64_t next_mail_id = 1;
    std::map<std::string, store::ThrottleCount> throttles;  ///< by key, expired ones included
    MemorySessionTable sessions;
};

/// store::Store in memory, faithful to the interface's contract: transactions are serialised,
/// all-or-nothing (rolled back when the callback throws), the transaction object is unusable
/// after the callback, and a callback may be run more than once (SetRetries) to prove callers
/// have no side effects outside it. Calling the Store itself from inside a callback throws
/// std::logic_error (a real pool could deadlock there).
/// @par Thread safety: every function may be called concurrently.
class MemoryStore final : public store::Store {
public:
    void Transact(const std::function<void(store::StoreTransaction&)>& work) override;
    [[nodiscard]] std::optional<store::UserRecord> FindUserById(std::string_view id) override;
    void Ping() override;
    int Migrate() override;
    [[nodiscard]] int AppliedSchemaVersion() override;

    [[nodiscard]] int ExpectedSchemaVersion() const override { return 1; }

    [[nodiscard]] std::vector<store::OutboxEntry> ClaimMail(
        std::size_t limit, core::TimePoint now, std::chrono::seconds lease
    ) override;
    void MarkMailSent(std::int64_t id, core::TimePoint now) override;
    void MarkMailRetry(std::int64_t id, core::TimePoint next_attempt, std::string_view error)
        override;
    void MarkMailFailed(std::int64_t id, std::string_view error) override;
    void ReleaseMail(std::int64_t id) override;
    [[nodiscard]] std::int64_t PendingMailCount() override;

    /// Throttle counters: whole seconds, as the SQL backends keep them (memory_store_throttle.cpp).
    [[nodiscard]] store::ThrottleCount HitThrottle(
        std::string_view key, core::TimePoint now, std::chrono::seconds window
    ) override;
    [[nodiscard]] std::optional<store::ThrottleCount> ReadThrottle(
        std::string_view key, core::TimePoint now
    ) override;
    void ClearThrottle(std::string_view key) override;

    /// Test controls.
    /// While set, every call throws core::StoreUnavailable.
    void SetUnavailable(bool unavailable) { unavailable_.store(unavailable); }

    /// Each Transact first runs its callback this many extra times on a discarded copy, as an
    /// engine asking for a retry would.
    void SetRetries(int retries) { retries_.store(retries); }

    /// Runs `hook` once, just before the `number`-th Transact from now (1 = the next one) takes
    /// its lock: lets a test slip a concurrent request in between two transactions of a use case.
    void BeforeTransaction(int number, std::function<void()> hook);

    /// Inspection and seeding (outside any transaction).
    [[nodiscard]] MemoryState Snapshot() const;
    [[nodiscard]] std::optional<store::UserRecord> UserByEmail(std::string_view email) const;
    /// Every mail ever queued, oldest first.
    [[nodiscard]] std::vector<store::OutgoingMail> Mails() const;
    /// Inserts or replaces a user directly (for legacy or disabled accounts).
    void PutUser(const store::UserRecord& user);

    [[nodiscard]] int TransactionCount() const { return transactions_.load(); }

private:
    void CheckCall() const;

    mutable std::mutex mutex_;
    MemoryState state_;
    std::atomic<std::thread::id> transacting_thread_{};
    std::atomic<bool> unavailable_{false};
    std::atomic<int> retries_{0};
    std::atomic<int> transactions_{0};
    std::mutex hook_mutex_;
    int hook_at_ = 0;
    std::function<void()> hook_;
    int applied_version_ = 0;
};

/// The canonical lower-case 36-character form of a 32-hex or 36-character id (as given if neither).
[[nodiscard]] std::string CanonicalId(std::string_view id);

}  // namespace clockko::fakes
