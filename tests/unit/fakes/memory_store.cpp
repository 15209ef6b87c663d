#include "memory_store.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace clockko::fakes {
namespace {

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

class MemoryTransaction final : public store::StoreTransaction {
public:
    explicit MemoryTransaction(MemoryState& state)
        : state_(state), sessions_(state.sessions, state.users, open_) {}

    void Close() { open_ = false; }

    std::optional<store::UserRecord> FindUserByEmail(std::string_view email) override {
        CheckOpen();
        for (const auto& [id, user] : state_.users) {
            if (user.email == email) {
                return user;
            }
        }
        return std::nullopt;
    }

    std::optional<store::UserRecord> FindUserById(std::string_view id) override {
        CheckOpen();
        const auto found = state_.users.find(CanonicalId(id));
        return found == state_.users.end() ? std::nullopt : std::optional(found->second);
    }

    bool UsernameExists(std::string_view username) override {
        CheckOpen();
        return std::any_of(state_.users.begin(), state_.users.end(), [&](const auto& entry) {
            return entry.second.username == username;
        });
    }

    store::InsertUserOutcome InsertUser(const store::UserRecord& user) override {
        CheckOpen();
        if (FindUserByEmail(user.email)) {
            return store::InsertUserOutcome::kEmailTaken;
        }
        if (UsernameExists(user.username)) {
            return store::InsertUserOutcome::kUsernameTaken;
        }
        store::UserRecord stored = user;
        stored.id = CanonicalId(user.id);
        state_.users[stored.id] = stored;
        return store::InsertUserOutcome::kInserted;
    }

    void UpdatePasswordHash(std::string_view user_id, std::string_view hashed_password) override {
        User(user_id).hashed_password = hashed_password;
    }

    void MarkVerified(std::string_view user_id) override {
        store::UserRecord& user = User(user_id);
        user.is_verified = true;
        user.otp_verified = true;
    }

    void ResetPassword(std::string_view user_id, std::string_view hashed_password) override {
        store::UserRecord& user = User(user_id);
        user.hashed_password = hashed_password;
        user.is_verified = true;
        user.otp_verified = true;
        ++user.token_version;
    }

    void ReplaceCode(const store::CodeRecord& code) override {
        CheckOpen();
        for (StoredCode& stored : state_.codes) {
            if (stored.record.user_id == code.user_id && stored.record.purpose == code.purpose) {
                stored.voided = true;
            }
        }
        StoredCode stored{.record = code, .voided = false, .consumed_at = std::nullopt};
        stored.record.id = state_.next_code_id++;
        state_.codes.push_back(stored);
    }

    std::optional<store::CodeRecord> FindCurrentCode(
        std::string_view user_id, store::CodePurpose purpose
    ) override {
        CheckOpen();
        // The newest first: ids grow with insertion order.
        const auto found =
            std::find_if(state_.codes.rbegin(), state_.codes.rend(), [&](const StoredCode& code) {
                return code.record.user_id == user_id && code.record.purpose == purpose &&
                       !code.voided && !code.consumed_at;
            });
        return found == state_.codes.rend() ? std::nullopt : std::optional(found->record);
    }

    void RecordFailedAttempt(std::int64_t code_id) override {
        Code(code_id).record.failed_attempts++;
    }

    void ConsumeCode(std::int64_t code_id, core::TimePoint now) override {
        Code(code_id).consumed_at = now;
    }

    void EnqueueMail(const store::OutgoingMail& mail, core::TimePoint now) override {
        CheckOpen();
        state_.outbox.push_back(StoredMail{
            .id = state_.next_mail_id++,
            .mail = mail,
            .created_at = now,
            .next_attempt = now,
            .leased_until = std::nullopt,
            .last_error = {},
        });
    }

    store::SessionOperations& Sessions() override {
        CheckOpen();
        return sessions_;
    }

private:
    void CheckOpen() const {
        if (!open_) {
            throw std::logic_error("StoreTransaction used after its callback returned");
        }
    }

    store::UserRecord& User(std::string_view id) {
        CheckOpen();
        const auto found = state_.users.find(CanonicalId(id));
        if (found == state_.users.end()) {
            throw core::StoreFailure("no such user");
        }
        return found->second;
    }

    StoredCode& Code(std::int64_t id) {
        CheckOpen();
        for (StoredCode& code : state_.codes) {
            if (code.record.id == id) {
                return code;
            }
        }
        throw core::StoreFailure("no such code");
    }

    MemoryState& state_;
    bool open_ = true;
    MemorySessions sessions_;
};

// Marks the calling thread as inside a Transact callback for the guard's lifetime.
class OwnerGuard final {
public:
    explicit OwnerGuard(std::atomic<std::thread::id>& owner) : owner_(owner) {
        owner_.store(std::this_thread::get_id());
    }

    ~OwnerGuard() { owner_.store(std::thread::id{}); }

    OwnerGuard(const OwnerGuard&) = delete;
    OwnerGuard& operator=(const OwnerGuard&) = delete;
    OwnerGuard(OwnerGuard&&) = delete;
    OwnerGuard& operator=(OwnerGuard&&) = delete;

private:
    std::atomic<std::thread::id>& owner_;
};

}  // namespace

std::string CanonicalId(std::string_view id) {
    std::string lower = Lower(id);
    if (lower.size() == 32 && lower.find('-') == std::string::npos) {
        for (const std::size_t position : {8U, 13U, 18U, 23U}) {
            lower.insert(position, 1, '-');
        }
    }
    return lower;
}

void MemoryStore::CheckCall() const {
    if (transacting_thread_.load() == std::this_thread::get_id()) {
        throw std::logic_error("Store called from inside a Transact callback");
    }
    if (unavailable_.load()) {
        throw core::StoreUnavailable("memory store set unavailable");
    }
}

void MemoryStore::BeforeTransaction(int number, std::function<void()> hook) {
    const std::lock_guard lock(hook_mutex_);
    hook_at_ = transactions_.load() + number;
    hook_ = std::move(hook);
}

void MemoryStore::Transact(const std::function<void(store::StoreTransaction&)>& work) {
    CheckCall();
    std::function<void()> hook;
    {
        const std::lock_guard lock(hook_mutex_);
        if (hook_ && hook_at_ == transactions_.load() + 1) {
            hook = std::exchange(hook_, nullptr);
        }
    }
    if (hook) {
        hook();  // may itself call Transact: it runs before this one counts
    }
    const std::lock_guard lock(mutex_);
    const OwnerGuard owner(transacting_thread_);

    ++transactions_;
    for (int attempt = 0; attempt <= retries_.load(); ++attempt) {
        MemoryState copy = state_;
        MemoryTransaction transaction(copy);
        work(transaction);  // a throw leaves state_ untouched: rolled back
        transaction.Close();
        if (attempt == retries_.load()) {
            state_ = std::move(copy);
        }
    }
}

std::optional<store::UserRecord> MemoryStore::FindUserById(std::string_view id) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    const auto found = state_.users.find(CanonicalId(id));
    return found == state_.users.end() ? std::nullopt : std::optional(found->second);
}

void MemoryStore::Ping() {
    CheckCall();
}

int MemoryStore::Migrate() {
    CheckCall();
    const std::lock_guard lock(mutex_);
    const int ran = ExpectedSchemaVersion() - applied_version_;
    applied_version_ = ExpectedSchemaVersion();
    return ran;
}

int MemoryStore::AppliedSchemaVersion() {
    CheckCall();
    const std::lock_guard lock(mutex_);
    return applied_version_;
}

std::vector<store::OutboxEntry> MemoryStore::ClaimMail(
    std::size_t limit, core::TimePoint now, std::chrono::seconds lease
) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    std::vector<store::OutboxEntry> claimed;
    for (StoredMail& row : state_.outbox) {
        if (claimed.size() >= limit) {
            break;
        }
        const bool leased = row.leased_until && *row.leased_until > now;
        if (row.status == MailStatus::kPending && row.next_attempt <= now && !leased) {
            row.leased_until = now + lease;
            claimed.push_back(store::OutboxEntry{
                .id = row.id, .mail = row.mail, .attempts = row.attempts});
        }
    }
    return claimed;
}

void MemoryStore::MarkMailSent(std::int64_t id, core::TimePoint /*now*/) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    for (StoredMail& row : state_.outbox) {
        if (row.id == id) {
            row.status = MailStatus::kSent;
            row.mail.parameters_json.clear();
            row.leased_until.reset();
        }
    }
}

void MemoryStore::MarkMailRetry(
    std::int64_t id, core::TimePoint next_attempt, std::string_view error
) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    for (StoredMail& row : state_.outbox) {
        if (row.id == id) {
            ++row.attempts;
            row.next_attempt = next_attempt;
            row.leased_until.reset();
            row.last_error = error;
        }
    }
}

void MemoryStore::MarkMailFailed(std::int64_t id, std::string_view error) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    for (StoredMail& row : state_.outbox) {
        if (row.id == id) {
            row.status = MailStatus::kFailed;
            row.mail.parameters_json.clear();
            row.leased_until.reset();
            row.last_error = error;
        }
    }
}

void MemoryStore::ReleaseMail(std::int64_t id) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    for (StoredMail& row : state_.outbox) {
        if (row.id == id && row.status == MailStatus::kPending) {
            row.leased_until.reset();
        }
    }
}

std::int64_t MemoryStore::PendingMailCount() {
    CheckCall();
    const std::lock_guard lock(mutex_);
    return std::count_if(state_.outbox.begin(), state_.outbox.end(), [](const StoredMail& row) {
        return row.status == MailStatus::kPending;
    });
}

MemoryState MemoryStore::Snapshot() const {
    const std::lock_guard lock(mutex_);
    return state_;
}

std::optional<store::UserRecord> MemoryStore::UserByEmail(std::string_view email) const {
    const std::lock_guard lock(mutex_);
    for (const auto& [id, user] : state_.users) {
        if (user.email == email) {
            return user;
        }
    }
    return std::nullopt;
}

std::vector<store::OutgoingMail> MemoryStore::Mails() const {
    const std::lock_guard lock(mutex_);
    std::vector<store::OutgoingMail> mails;
    for (const StoredMail& row : state_.outbox) {
        mails.push_back(row.mail);
    }
    return mails;
}

void MemoryStore::PutUser(const store::UserRecord& user) {
    const std::lock_guard lock(mutex_);
    store::UserRecord stored = user;
    stored.id = CanonicalId(user.id);
    state_.users[stored.id] = stored;
}

}  // namespace clockko::fakes
