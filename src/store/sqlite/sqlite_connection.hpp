#pragma once

#include "store/migrations/sql_support.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

namespace clockko::store::sqlite {

/// One SQLite connection with its prepared statements (cached by Statement::name).
/// Errors throw core::StoreUnavailable (cannot open; busy beyond the timeout) or
/// core::StoreFailure (anything else; the message names the statement, never values).
/// @par Thread safety: none; the pool hands a connection to one thread at a time.
class Connection final {
public:
    /// Opens or creates `path` (or ":memory:") with the busy timeout and foreign keys on, and
    /// WAL journaling for files. Throws core::StoreUnavailable when it cannot be opened.
    static std::unique_ptr<Connection> Open(
        const std::string& path, std::chrono::milliseconds busy_timeout
    );

    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&&) = delete;
    Connection& operator=(Connection&&) = delete;

    /// Runs `statement` with `params` bound in order (?1, ?2, …) and returns every row.
    sql::Rows Query(const sql::Statement& statement, std::initializer_list<sql::Param> params);

    /// Runs a statement that returns no rows; returns how many rows it changed.
    std::int64_t Execute(const sql::Statement& statement, std::initializer_list<sql::Param> params);

    /// Runs a script of several parameterless statements (a migration file).
    void ExecuteScript(const char* name, const char* script);

    /// Runs `work` inside BEGIN IMMEDIATE … COMMIT, so that concurrent writers serialise; rolls
    /// back and rethrows when `work` throws. BEGIN and COMMIT are retried while the database is
    /// busy, up to the busy timeout (then core::StoreUnavailable).
    void RunImmediate(const std::function<void()>& work);

    /// True while a transaction is open (autocommit off).
    [[nodiscard]] bool InTransaction() const;

    /// Rolls back an open transaction; false when that failed and the connection should be
    /// dropped.
    [[nodiscard]] bool RollbackIfOpen() noexcept;

private:
    struct Impl;
    explicit Connection(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> impl_;
};

}  // namespace clockko::store::sqlite
