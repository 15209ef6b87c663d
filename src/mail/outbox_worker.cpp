#include "mail/outbox_worker.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "mail/retry_backoff.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

namespace clockko::mail {
namespace {

// Only the domain is logged: the local part identifies a person.
std::string RecipientDomain(std::string_view recipient) {
    const std::size_t at = recipient.rfind('@');
    return at == std::string_view::npos ? std::string("?") : std::string(recipient.substr(at + 1));
}

std::int64_t Milliseconds(std::chrono::milliseconds duration) {
    return static_cast<std::int64_t>(duration.count());
}

}  // namespace

OutboxWorker::OutboxWorker(
    store::Store& store,
    Mailer& mailer,
    MailRenderer renderer,
    core::Clock& clock,
    core::Random& random,
    OutboxWorkerOptions options
)
    : store_(store),
      mailer_(mailer),
      renderer_(std::move(renderer)),
      clock_(clock),
      random_(random),
      options_(options) {
    options_.batch_size = std::max<std::size_t>(options_.batch_size, 1);
    options_.max_attempts = std::max(options_.max_attempts, 1);
}

OutboxWorker::~OutboxWorker() {
    Stop();
}

void OutboxWorker::Start() {
    const std::scoped_lock lock(mutex_);
    if (thread_.joinable() || stopping_) {
        return;
    }
    thread_ = std::jthread([this] { Run(); });
}

void OutboxWorker::Wake() {
    {
        const std::scoped_lock lock(mutex_);
        wake_requested_ = true;
    }
    wake_condition_.notify_one();
}

void OutboxWorker::Stop() {
    {
        const std::scoped_lock lock(mutex_);
        stopping_ = true;
    }
    wake_condition_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
}

OutboxStats OutboxWorker::Stats() const {
    return {.sent = sent_.load(), .retried = retried_.load(), .failed = failed_.load()};
}

void OutboxWorker::Run() {
    core::LogInfo("outbox sender started", {{"poll_ms", Milliseconds(options_.poll_interval)}});
    for (;;) {
        const std::chrono::milliseconds pause = PollOnce();
        std::unique_lock lock(mutex_);
        if (pause.count() > 0) {
            wake_condition_.wait_for(lock, pause, [this] { return stopping_ || wake_requested_; });
        }
        if (stopping_) {
            break;
        }
        wake_requested_ = false;
    }
    core::LogInfo("outbox sender stopped");
}

std::chrono::milliseconds OutboxWorker::PollOnce() {
    std::size_t handled = 0;
    try {
        const auto batch = store_.ClaimMail(options_.batch_size, clock_.Now(), options_.lease);
        if (store_backoff_.count() > 0) {
            core::LogInfo("outbox: database reachable again");
            store_backoff_ = std::chrono::milliseconds{0};
        }
        for (const store::OutboxEntry& entry : batch) {
            if (stopping_) {
                break;
            }
            Handle(entry);
            ++handled;
        }
        ReleaseUntried(batch, handled);
    } catch (const std::exception& error) {
        // One warning when the outage starts; while it lasts, the pause doubles quietly.
        const bool first = store_backoff_.count() == 0;
        store_backoff_ = first ? options_.poll_interval
                               : std::min(store_backoff_ * 2, options_.store_backoff_cap);
        store_backoff_ = std::max(store_backoff_, std::chrono::milliseconds{1});
        if (first) {
            const bool outage = dynamic_cast<const core::StoreUnavailable*>(&error) != nullptr;
            core::Log(
                outage ? core::LogLevel::kWarning : core::LogLevel::kError,
                outage ? "outbox: database unavailable, will retry"
                       : "outbox: pass failed, will retry",
                {{"reason", std::string(error.what())}}
            );
        }
        return store_backoff_;
    }
    return handled == options_.batch_size ? std::chrono::milliseconds{0} : options_.poll_interval;
}

// Stopping mid-batch: the rest goes back now, so that another instance (or this one after a
// restart) sends it without waiting for the lease to end.
void OutboxWorker::ReleaseUntried(const std::vector<store::OutboxEntry>& batch, std::size_t tried) {
    for (std::size_t i = tried; i < batch.size(); ++i) {
        store_.ReleaseMail(batch[i].id);
    }
}

void OutboxWorker::Handle(const store::OutboxEntry& entry) {
    auto message = renderer_.Render(entry.mail);
    if (!message) {
        Fail(entry, message.error().log);
        return;
    }
    SendOutcome outcome;
    try {
        outcome = mailer_.Send(*message);
    } catch (const std::exception& error) {
        outcome = SendOutcome::Temporary(std::string("mailer error: ") + error.what());
    }
    switch (outcome.status) {
        case SendStatus::kDelivered:
            store_.MarkMailSent(entry.id, clock_.Now());
            ++sent_;
            core::LogInfo(
                "mail sent",
                {{"mail_id", entry.id},
                 {"template", entry.mail.template_name},
                 {"domain", RecipientDomain(entry.mail.recipient)},
                 {"attempt", std::int64_t{entry.attempts} + 1}}
            );
            return;
        case SendStatus::kTemporaryFailure:
            Retry(entry, outcome);
            return;
        case SendStatus::kPermanentFailure:
            Fail(entry, outcome.reason);
            return;
    }
}

void OutboxWorker::Retry(const store::OutboxEntry& entry, const SendOutcome& outcome) {
    const int failures = entry.attempts + 1;
    if (failures >= options_.max_attempts) {
        Fail(entry, "gave up after " + std::to_string(failures) + " attempts: " + outcome.reason);
        return;
    }
    const auto delay = RetryDelay(failures, options_.retry_base, options_.retry_cap, random_);
    store_.MarkMailRetry(entry.id, clock_.Now() + delay, outcome.reason);
    ++retried_;
    core::LogWarning(
        "mail not sent, will retry",
        {{"mail_id", entry.id},
         {"template", entry.mail.template_name},
         {"domain", RecipientDomain(entry.mail.recipient)},
         {"attempt", std::int64_t{failures}},
         {"retry_in_ms", Milliseconds(delay)},
         {"reason", outcome.reason}}
    );
}

void OutboxWorker::Fail(const store::OutboxEntry& entry, std::string_view reason) {
    store_.MarkMailFailed(entry.id, reason);
    ++failed_;
    core::LogError(
        "mail failed, given up",
        {{"mail_id", entry.id},
         {"template", entry.mail.template_name},
         {"domain", RecipientDomain(entry.mail.recipient)},
         {"attempt", std::int64_t{entry.attempts} + 1},
         {"reason", std::string(reason)}}
    );
}

}  // namespace clockko::mail
