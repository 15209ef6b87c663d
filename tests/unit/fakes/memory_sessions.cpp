#include "memory_sessions.hpp"

#include "core/error.hpp"
#include "memory_store.hpp"

#include <stdexcept>

namespace clockko::fakes {

void MemorySessions::CheckOpen() const {
    if (!open_) {
        throw std::logic_error("StoreTransaction used after its callback returned");
    }
}

std::int64_t MemorySessions::InsertSession(const store::SessionRecord& session) {
    CheckOpen();
    if (FindSessionByTokenHash(session.token_hash)) {
        throw core::StoreFailure("duplicate session token hash");
    }
    if (!users_.contains(CanonicalId(session.user_id))) {
        throw core::StoreFailure("session of an unknown user");
    }
    store::SessionRecord stored = session;
    stored.id = table_.next_id++;
    stored.user_id = CanonicalId(session.user_id);
    stored.rotated_at.reset();
    stored.successor_id.reset();
    stored.revoked_at.reset();
    table_.rows[stored.id] = stored;
    return stored.id;
}

std::optional<store::SessionRecord> MemorySessions::FindSessionByTokenHash(
    std::string_view token_hash
) {
    CheckOpen();
    for (const auto& [id, session] : table_.rows) {
        if (session.token_hash == token_hash) {
            return session;
        }
    }
    return std::nullopt;
}

std::optional<store::SessionRecord> MemorySessions::FindSessionById(std::int64_t id) {
    CheckOpen();
    const auto found = table_.rows.find(id);
    return found == table_.rows.end() ? std::nullopt : std::optional(found->second);
}

void MemorySessions::MarkSessionRotated(
    std::int64_t id, std::int64_t successor_id, core::TimePoint now
) {
    CheckOpen();
    const auto found = table_.rows.find(id);
    if (found == table_.rows.end()) {
        throw core::StoreFailure("no such session");
    }
    found->second.rotated_at = now;
    found->second.successor_id = successor_id;
}

std::int64_t MemorySessions::RevokeSessionFamily(std::string_view family_id, core::TimePoint now) {
    CheckOpen();
    std::int64_t revoked = 0;
    for (auto& [id, session] : table_.rows) {
        if (session.family_id == family_id && !session.revoked_at) {
            session.revoked_at = now;
            ++revoked;
        }
    }
    return revoked;
}

std::int64_t MemorySessions::RevokeUserSessions(std::string_view user_id, core::TimePoint now) {
    CheckOpen();
    const std::string canonical = CanonicalId(user_id);
    std::int64_t revoked = 0;
    for (auto& [id, session] : table_.rows) {
        if (session.user_id == canonical && !session.revoked_at) {
            session.revoked_at = now;
            ++revoked;
        }
    }
    return revoked;
}

std::int64_t MemorySessions::PurgeExpiredSessions(std::string_view user_id, core::TimePoint now) {
    CheckOpen();
    const std::string canonical = CanonicalId(user_id);
    std::int64_t purged = 0;
    for (auto it = table_.rows.begin(); it != table_.rows.end();) {
        if (it->second.user_id == canonical && it->second.expires_at < now) {
            it = table_.rows.erase(it);
            ++purged;
        } else {
            ++it;
        }
    }
    for (auto& [id, session] : table_.rows) {
        if (session.successor_id && !table_.rows.contains(*session.successor_id)) {
            session.successor_id.reset();  // as ON DELETE SET NULL does
        }
    }
    return purged;
}

void MemorySessions::RaiseTokenVersion(std::string_view user_id) {
    CheckOpen();
    const auto found = users_.find(CanonicalId(user_id));
    if (found == users_.end()) {
        throw core::StoreFailure("no such user");
    }
    ++found->second.token_version;
}

}  // namespace clockko::fakes
