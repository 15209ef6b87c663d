#include "store/sqlite/sqlite_throttle.hpp"

#include <atomic>

namespace clockko::store::sqlite {
namespace {

// Expired counters are deleted on one hit in this many: cheap (indexed), and the table stays
// bounded by the keys seen in one window however many distinct keys an attacker sends.
constexpr unsigned kPurgeEvery = 64;

std::atomic<unsigned> hits_since_purge{0};

// The SET expressions read the row as it was before this statement, so a window that ended
// restarts at this hit, and an open one counts it; the write lock makes it atomic.
constexpr sql::Statement kHitThrottle{
    "hit_throttle",
    "INSERT INTO throttle_counters (key, hits, window_ends_at) VALUES (?1, 1, ?2 + ?3) "
    "ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN throttle_counters.window_ends_at <= ?2 THEN 1 "
    "ELSE throttle_counters.hits + 1 END, "
    "window_ends_at = CASE WHEN throttle_counters.window_ends_at <= ?2 "
    "THEN excluded.window_ends_at ELSE throttle_counters.window_ends_at END "
    "RETURNING hits, window_ends_at"};
constexpr sql::Statement kReadThrottle{
    "read_throttle",
    "SELECT hits, window_ends_at FROM throttle_counters WHERE key = ?1 AND window_ends_at > ?2"};
constexpr sql::Statement kClearThrottle{
    "clear_throttle", "DELETE FROM throttle_counters WHERE key = ?1"};
constexpr sql::Statement kPurgeThrottles{
    "purge_throttles", "DELETE FROM throttle_counters WHERE window_ends_at <= ?1"};

ThrottleCount ToCount(const sql::Rows& rows) {
    return ThrottleCount{
        .hits = rows.Int64(0, 0),
        .window_ends_at = core::FromUnixSeconds(rows.Int64(0, 1)),
    };
}

}  // namespace

ThrottleCount HitThrottle(
    Connection& connection, std::string_view key, core::TimePoint now, std::chrono::seconds window
) {
    const std::int64_t now_seconds = core::ToUnixSeconds(now);
    const bool purge = hits_since_purge.fetch_add(1) % kPurgeEvery == 0;
    ThrottleCount count;
    connection.RunImmediate([&] {
        if (purge) {
            connection.Execute(kPurgeThrottles, {now_seconds});
        }
        count = ToCount(connection.Query(
            kHitThrottle, {key, now_seconds, static_cast<std::int64_t>(window.count())}
        ));
    });
    return count;
}

std::optional<ThrottleCount> ReadThrottle(
    Connection& connection, std::string_view key, core::TimePoint now
) {
    const sql::Rows rows =
        connection.Query(kReadThrottle, {key, std::int64_t{core::ToUnixSeconds(now)}});
    if (rows.Empty()) {
        return std::nullopt;
    }
    return ToCount(rows);
}

void ClearThrottle(Connection& connection, std::string_view key) {
    connection.RunImmediate([&] { connection.Execute(kClearThrottle, {key}); });
}

}  // namespace clockko::store::sqlite
