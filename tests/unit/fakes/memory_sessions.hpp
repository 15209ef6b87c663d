#pragma once

#include "store/records.hpp"
#include "store/sessions.hpp"

#include <map>
#include <string>

namespace clockko::fakes {

/// The refresh sessions of a MemoryState.
struct MemorySessionTable {
    std::map<std::int64_t, store::SessionRecord> rows;  ///< by id
    std::int64_t next_id = 1;
};

/// store::SessionOperations over the copy of the state a MemoryStore transaction works on.
/// `users` is needed for RaiseTokenVersion; `open` is the transaction's "still usable" flag.
class MemorySessions final : public store::SessionOperations {
public:
    MemorySessions(
        MemorySessionTable& table, std::map<std::string, store::UserRecord>& users, const bool& open
    )
        : table_(table), users_(users), open_(open) {}

    std::int64_t InsertSession(const store::SessionRecord& session) override;
    [[nodiscard]] std::optional<store::SessionRecord> FindSessionByTokenHash(
        std::string_view token_hash
    ) override;
    [[nodiscard]] std::optional<store::SessionRecord> FindSessionById(std::int64_t id) override;
    void MarkSessionRotated(std::int64_t id, std::int64_t successor_id, core::TimePoint now)
        override;
    std::int64_t RevokeSessionFamily(std::string_view family_id, core::TimePoint now) override;
    std::int64_t RevokeUserSessions(std::string_view user_id, core::TimePoint now) override;
    std::int64_t PurgeExpiredSessions(std::string_view user_id, core::TimePoint now) override;
    void RaiseTokenVersion(std::string_view user_id) override;

private:
    void CheckOpen() const;

    MemorySessionTable& table_;
    std::map<std::string, store::UserRecord>& users_;
    const bool& open_;
};

}  // namespace clockko::fakes
