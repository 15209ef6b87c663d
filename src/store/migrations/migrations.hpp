#pragma once

#include <span>

namespace clockko::store::sql {

/// One numbered migration: `sql` is the whole file, possibly several statements. Versions run
/// 1, 2, 3, … without gaps (the build checks it).
struct Migration {
    int version = 0;
    const char* name = "";
    const char* sql = "";
};

/// The migrations of src/store/migrations/sqlite/, in order, embedded at build time.
std::span<const Migration> SqliteMigrations();

/// The migrations of src/store/migrations/postgres/, in order, embedded at build time.
std::span<const Migration> PostgresMigrations();

}  // namespace clockko::store::sql
