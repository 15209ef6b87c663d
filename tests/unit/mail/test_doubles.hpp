#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "mail/mailer.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace clockko::mail::testing {

/// A clock that moves only when told to.
class FakeClock final : public core::Clock {
public:
    [[nodiscard]] core::TimePoint Now() const override {
        const std::scoped_lock lock(mutex_);
        return now_;
    }

    void Advance(std::chrono::milliseconds step) {
        const std::scoped_lock lock(mutex_);
        now_ += step;
    }

private:
    mutable std::mutex mutex_;
    core::TimePoint now_ = core::FromUnixSeconds(1'796'000'000);
};

/// Deterministic bytes (SplitMix64) from a seed.
class SeededRandom final : public core::Random {
public:
    explicit SeededRandom(std::uint64_t seed) : state_(seed) {}

    void Fill(std::span<std::uint8_t> out) override {
        const std::scoped_lock lock(mutex_);
        for (std::uint8_t& byte : out) {
            state_ += 0x9E3779B97F4A7C15ULL;
            std::uint64_t z = state_;
            z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
            byte = static_cast<std::uint8_t>(z ^ (z >> 31U));
        }
    }

private:
    std::mutex mutex_;
    std::uint64_t state_;
};

/// Returns the given 32-bit values, big-endian, one per 4-byte draw (what UniformBelow reads).
class ScriptedRandom final : public core::Random {
public:
    explicit ScriptedRandom(std::vector<std::uint32_t> values) : values_(std::move(values)) {}

    void Fill(std::span<std::uint8_t> out) override {
        if (out.size() != 4 || next_ >= values_.size()) {
            throw std::logic_error("ScriptedRandom: unexpected draw");
        }
        const std::uint32_t value = values_[next_++];
        for (std::size_t i = 0; i < 4; ++i) {
            out[i] = static_cast<std::uint8_t>(value >> (24U - 8U * i));
        }
    }

private:
    std::vector<std::uint32_t> values_;
    std::size_t next_ = 0;
};

/// Records every message and answers with scripted outcomes (then kDelivered).
class FakeMailer final : public Mailer {
public:
    [[nodiscard]] SendOutcome Send(const MailMessage& message) override {
        if (on_send_) {
            on_send_();  // outside the lock: it may call back into the worker
        }
        const std::scoped_lock lock(mutex_);
        sent_.push_back(message);
        SendOutcome outcome = SendOutcome::Delivered();
        if (!script_.empty()) {
            outcome = script_.front();
            script_.pop_front();
        }
        changed_.notify_all();
        return outcome;
    }

    /// Runs before each send, on the sending thread (set before the worker starts).
    void OnSend(std::function<void()> hook) { on_send_ = std::move(hook); }

    void Script(std::vector<SendOutcome> outcomes) {
        const std::scoped_lock lock(mutex_);
        script_.assign(outcomes.begin(), outcomes.end());
    }

    [[nodiscard]] std::vector<MailMessage> Sent() const {
        const std::scoped_lock lock(mutex_);
        return sent_;
    }

    /// Waits (real time, bounded) until at least `count` sends happened.
    bool WaitForSends(std::size_t count, std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, limit, [&] { return sent_.size() >= count; });
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<SendOutcome> script_;
    std::vector<MailMessage> sent_;
    std::function<void()> on_send_;
};

/// The outbox part of a Store, in memory, with the claim and lease rules of the real ones.
class FakeOutboxStore final : public store::Store {
public:
    enum class State { kPending, kSent, kFailed };

    struct Row {
        std::int64_t id = 0;
        store::OutgoingMail mail;
        int attempts = 0;
        core::TimePoint next_attempt;
        core::TimePoint leased_until;
        State state = State::kPending;
        std::string last_error;
    };

    std::int64_t Add(store::OutgoingMail mail, core::TimePoint now) {
        const std::scoped_lock lock(mutex_);
        Row row;
        row.id = next_id_;
        row.mail = std::move(mail);
        row.next_attempt = now;
        rows_.push_back(std::move(row));
        return next_id_++;
    }

    /// The next `count` ClaimMail calls throw core::StoreUnavailable.
    void FailClaims(int count) {
        const std::scoped_lock lock(mutex_);
        failing_claims_ = count;
    }

    [[nodiscard]] Row Get(std::int64_t id) const {
        const std::scoped_lock lock(mutex_);
        return *Find(id);
    }

    /// How many claims were given back with ReleaseMail.
    [[nodiscard]] int Released() const {
        const std::scoped_lock lock(mutex_);
        return released_;
    }

    [[nodiscard]] int ClaimCalls() const {
        const std::scoped_lock lock(mutex_);
        return claim_calls_;
    }

    void Transact(const std::function<void(store::StoreTransaction&)>& /*work*/) override {
        throw std::logic_error("FakeOutboxStore: Transact is not used by the mail layer");
    }

    [[nodiscard]] std::optional<store::UserRecord> FindUserById(std::string_view /*id*/) override {
        return std::nullopt;
    }

    void Ping() override {}

    int Migrate() override { return 0; }

    [[nodiscard]] int AppliedSchemaVersion() override { return 1; }

    [[nodiscard]] int ExpectedSchemaVersion() const override { return 1; }

    [[nodiscard]] store::ThrottleCount HitThrottle(
        std::string_view /*key*/, core::TimePoint /*now*/, std::chrono::seconds /*window*/
    ) override {
        throw std::logic_error("FakeOutboxStore: throttles are not used by the mail layer");
    }

    [[nodiscard]] std::optional<store::ThrottleCount> ReadThrottle(
        std::string_view /*key*/, core::TimePoint /*now*/
    ) override {
        throw std::logic_error("FakeOutboxStore: throttles are not used by the mail layer");
    }

    void ClearThrottle(std::string_view /*key*/) override {
        throw std::logic_error("FakeOutboxStore: throttles are not used by the mail layer");
    }

    [[nodiscard]] std::vector<store::OutboxEntry> ClaimMail(
        std::size_t limit, core::TimePoint now, std::chrono::seconds lease
    ) override {
        const std::scoped_lock lock(mutex_);
        ++claim_calls_;
        if (failing_claims_ > 0) {
            --failing_claims_;
            throw core::StoreUnavailable("fake database is down");
        }
        std::vector<store::OutboxEntry> claimed;
        for (Row& row : rows_) {
            if (claimed.size() < limit && row.state == State::kPending && row.next_attempt <= now &&
                row.leased_until <= now) {
                row.leased_until = now + lease;
                claimed.push_back(store::OutboxEntry{
                    .id = row.id, .mail = row.mail, .attempts = row.attempts});
            }
        }
        return claimed;
    }

    void MarkMailSent(std::int64_t id, core::TimePoint /*now*/) override {
        const std::scoped_lock lock(mutex_);
        Row* row = Find(id);
        row->state = State::kSent;
        row->mail.parameters_json.clear();
    }

    void MarkMailRetry(std::int64_t id, core::TimePoint next_attempt, std::string_view error)
        override {
        const std::scoped_lock lock(mutex_);
        Row* row = Find(id);
        ++row->attempts;
        row->next_attempt = next_attempt;
        row->leased_until = {};
        row->last_error = error;
    }

    void MarkMailFailed(std::int64_t id, std::string_view error) override {
        const std::scoped_lock lock(mutex_);
        Row* row = Find(id);
        row->state = State::kFailed;
        row->mail.parameters_json.clear();
        row->last_error = error;
    }

    void ReleaseMail(std::int64_t id) override {
        const std::scoped_lock lock(mutex_);
        Row* row = Find(id);
        if (row->state == State::kPending) {
            row->leased_until = {};
        }
        ++released_;
    }

    [[nodiscard]] std::int64_t PendingMailCount() override {
        const std::scoped_lock lock(mutex_);
        return std::count_if(rows_.begin(), rows_.end(), [](const Row& row) {
            return row.state == State::kPending;
        });
    }

private:
    Row* Find(std::int64_t id) {
        const auto found =
            std::find_if(rows_.begin(), rows_.end(), [id](const Row& row) { return row.id == id; });
        if (found == rows_.end()) {
            throw std::logic_error("FakeOutboxStore: unknown id");
        }
        return &*found;
    }

    [[nodiscard]] const Row* Find(std::int64_t id) const {
        return const_cast<FakeOutboxStore*>(this)->Find(id
        );  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    }

    mutable std::mutex mutex_;
    std::vector<Row> rows_;
    std::int64_t next_id_ = 1;
    int failing_claims_ = 0;
    int claim_calls_ = 0;
    int released_ = 0;
};

}  // namespace clockko::mail::testing
