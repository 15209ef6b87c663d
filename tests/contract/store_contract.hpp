#pragma once

#include "core/error.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"
#include "test_databases.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace clockko::store::testing {

/// The one contract suite over the Store interface, instantiated for every backend
/// (store_contract.cpp). Each test starts with a fresh, empty database.
class StoreContract : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override;

    Store& store() { return *store_; }

    TestDatabase& database() { return *database_; }

    /// A migrated store: most tests start here.
    void Migrate() { store_->Migrate(); }

    /// A valid user with a random id (canonical form), to insert.
    static UserRecord NewUser(const std::string& email, const std::string& username);

    /// Inserts `user` in its own transaction and expects kInserted.
    void InsertOrFail(const UserRecord& user);

    /// A fixed instant with microseconds, so that round trips can be compared exactly.
    static core::TimePoint T0() { return *core::ParseUtcTimestamp("2026-11-29 16:21:29.123456"); }

    // Destroyed in reverse order: the store before its database.
    std::unique_ptr<TestDatabase> database_;
    std::shared_ptr<Store> store_;
};

}  // namespace clockko::store::testing
