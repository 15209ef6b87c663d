#pragma once

#include "store/migrations/sql_support.hpp"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>

namespace clockko::store::postgres {

/// libpq connection keywords and values (host, port, user, password, dbname, sslmode, …).
using ConnectParams = std::map<std::string, std::string>;

/// One libpq connection. Statements are prepared once per connection (named by
/// Statement::name) and run with bound text parameters.
/// Errors throw core::StoreUnavailable when the connection is lost or cannot be made, else
/// core::StoreFailure (the message names the statement and the SQLSTATE, never values).
/// @par Thread safety: none; the pool hands a connection to one thread at a time.
class Connection final {
public:
    /// Connects (PQconnectdbParams with keyword arrays); throws core::StoreUnavailable.
    static std::unique_ptr<Connection> Open(const ConnectParams& params);

    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&&) = delete;
    Connection& operator=(Connection&&) = delete;

    /// Runs `statement` with `params` bound in order ($1, $2, …) and returns every row.
    sql::Rows Query(const sql::Statement& statement, std::initializer_list<sql::Param> params);

    /// Runs a statement; returns the number of rows it affected.
    std::int64_t Execute(const sql::Statement& statement, std::initializer_list<sql::Param> params);

    /// Runs constant SQL without parameters, possibly several statements (a migration file,
    /// BEGIN, ROLLBACK). Never pass text containing values.
    void ExecuteScript(const char* name, const char* script);

    /// COMMIT; throws core::StoreFailure when the server rolled back instead (the transaction
    /// had failed).
    void Commit();

    /// Rolls back an open transaction; false when that failed and the connection should be
    /// dropped.
    [[nodiscard]] bool RollbackIfOpen() noexcept;

    /// Reads whatever the server sent while the connection was idle (a shutdown notice, the
    /// end of the stream) without blocking; true if the connection still looks usable and is
    /// outside any transaction.
    [[nodiscard]] bool Healthy();

    /// True once the connection is known to be lost (or was marked so).
    [[nodiscard]] bool Broken() const;

    /// Makes the pool drop this connection when it is given back (its session state, such as
    /// an advisory lock, could not be cleaned up).
    void MarkBroken();

    /// The SQLSTATE of the last failed statement ("" if none failed).
    [[nodiscard]] const std::string& LastSqlState() const;

private:
    struct Impl;
    explicit Connection(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> impl_;
};

/// Throws core::StoreFailure naming the first keyword libpq does not know (a typo in the
/// database URL's parameters), before any connection is tried.
void CheckKeywords(const ConnectParams& params);

}  // namespace clockko::store::postgres
