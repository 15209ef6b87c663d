#pragma once

#include "store/store.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace clockko::store {

/// How to open the SQLite backend.
struct SqliteOptions {
    /// A file path (created if missing; WAL journaling) or ":memory:" (one private database,
    /// gone when the store is destroyed).
    std::string path = "./clockko.db";
    /// How long a statement waits for another connection's lock before giving up
    /// (core::StoreUnavailable); also the longest wait for a free pooled connection.
    std::chrono::milliseconds busy_timeout{5000};
    /// Connections to a file database (readers run in parallel under WAL; writers serialise).
    /// Ignored for ":memory:", which always uses one connection.
    std::size_t pool_size = 4;
};

/// Opens the SQLite backend; does not migrate (call Store::Migrate).
/// Throws core::StoreUnavailable when the database cannot be opened and core::StoreFailure when
/// it cannot be configured (for instance: not a database file).
/// @par Thread safety: the returned store may be used from any number of threads. Do not call
/// the store from inside a Transact callback (use the transaction): with ":memory:" that waits
/// for the one connection the callback holds.
std::unique_ptr<Store> OpenSqliteStore(const SqliteOptions& options);

}  // namespace clockko::store
