#include "store/postgres/postgres_throttle.hpp"

#include <atomic>

namespace clockko::store::postgres {
namespace {

// Expired counters are deleted on one hit in this many: cheap (indexed), and the table stays
// bounded by the keys seen in one window however many distinct keys an attacker sends.
constexpr unsigned kPurgeEvery = 64;

std::atomic<unsigned> hits_since_purge{0};

// ON CONFLICT DO UPDATE locks the row: concurrent hits from several instances queue on it and
// each sees the previous one's count, so none is lost. SET reads the row as it was, so a window
// that ended restarts at this hit and an open one counts it.
constexpr sql::Statement kHitThrottle{
    "hit_throttle",
    "INSERT INTO throttle_counters (key, hits, window_ends_at) "
    "VALUES ($1::text, 1, $2::bigint + $3::bigint) "
    "ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN throttle_counters.window_ends_at <= $2::bigint THEN 1 "
    "ELSE throttle_counters.hits + 1 END, "
    "window_ends_at = CASE WHEN throttle_counters.window_ends_at <= $2::bigint "
    "THEN excluded.window_ends_at ELSE throttle_counters.window_ends_at END "
    "RETURNING hits, window_ends_at"};
constexpr sql::Statement kReadThrottle{
    "read_throttle",
    "SELECT hits, window_ends_at FROM throttle_counters "
    "WHERE key = $1::text AND window_ends_at > $2::bigint"};
constexpr sql::Statement kClearThrottle{
    "clear_throttle", "DELETE FROM throttle_counters WHERE key = $1::text"};
constexpr sql::Statement kPurgeThrottles{
    "purge_throttles", "DELETE FROM throttle_counters WHERE window_ends_at <= $1::bigint"};

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
    if (hits_since_purge.fetch_add(1) % kPurgeEvery == 0) {
        connection.Execute(kPurgeThrottles, {now_seconds});
    }
    return ToCount(connection.Query(
        kHitThrottle, {key, now_seconds, static_cast<std::int64_t>(window.count())}
    ));
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
    connection.Execute(kClearThrottle, {key});
}

}  // namespace clockko::store::postgres
