#pragma once

#include "store/postgres/pg_connection.hpp"

namespace clockko::store::postgres {

/// Applies the embedded PostgreSQL migrations the database lacks, in order, each in its own
/// transaction, while holding a session advisory lock (a fixed key), so that instances starting
/// together apply each migration once. Returns how many ran. Errors as Connection's.
int ApplyMigrations(Connection& connection);

/// The highest migration recorded in schema_migrations (0 when the table does not exist).
int AppliedMigrationVersion(Connection& connection);

}  // namespace clockko::store::postgres
