#pragma once

#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace clockko::store::postgres {

/// Store::HitThrottle, ReadThrottle and ClearThrottle on one connection (see store.hpp).
[[nodiscard]] ThrottleCount HitThrottle(
    Connection& connection, std::string_view key, core::TimePoint now, std::chrono::seconds window
);
[[nodiscard]] std::optional<ThrottleCount> ReadThrottle(
    Connection& connection, std::string_view key, core::TimePoint now
);
void ClearThrottle(Connection& connection, std::string_view key);

}  // namespace clockko::store::postgres
