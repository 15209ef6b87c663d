#pragma once

#include "config/config.hpp"
#include "store/store.hpp"

#include <chrono>
#include <cstddef>
#include <memory>

namespace clockko::store {

/// How to open the PostgreSQL backend.
struct PostgresOptions {
    /// Decoded host, port, user, password and database; `parameters` (sslmode, …) are passed to
    /// libpq as connection keywords and may override the others.
    config::DatabaseUrl url;
    /// Most connections open at once (the worker count is a good value).
    std::size_t pool_size = 8;
    /// libpq's connect_timeout for one connection attempt (libpq treats 1 as 2).
    int connect_timeout_seconds = 5;
    /// How long a caller waits for a free pooled connection before core::StoreUnavailable.
    std::chrono::milliseconds pool_wait_timeout{5000};
};

/// Makes the PostgreSQL backend. Connects lazily: no connection is made here (call Ping or
/// Migrate at start and retry on core::StoreUnavailable). Broken connections are dropped and
/// replaced on demand, so the store recovers by itself when the database comes back.
/// Throws core::StoreFailure when a URL parameter is not a libpq keyword.
/// @par Thread safety: the returned store may be used from any number of threads. Do not call
/// the store from inside a Transact callback (use the transaction).
std::unique_ptr<Store> OpenPostgresStore(const PostgresOptions& options);

}  // namespace clockko::store
