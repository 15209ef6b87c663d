#pragma once

#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

namespace clockko::testing {

enum class Backend { kSqlite, kPostgres };

/// "Sqlite" / "Postgres", for test names.
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

/// The secret every test server signs with, so tests can forge and inspect tokens.
inline constexpr const char* kTestSecret = "integration-test-secret-key-0123456789abcdef";

/// The environment of a test server on `backend`: cheap bcrypt, a fixed secret, JSON logs.
/// Returns nullopt when PostgreSQL is asked for but CLOCKKO_TEST_POSTGRES_URL is unset.
std::optional<std::map<std::string, std::string>> TestEnvironment(Backend backend);

/// Skips (or, with CLOCKKO_REQUIRE_POSTGRES=1, fails) a PostgreSQL test without a database.
/// Returns false when the test must not go on.
bool BackendAvailable(Backend backend);

/// One server per backend per test process, started on first use.
ServerProcess& SharedServer(Backend backend);

/// An email no other test (or earlier run against the same database) has used.
std::string UniqueEmail(const std::string& prefix = "user");

/// Parses a response body; fails the test (and returns null) when it is not JSON.
boost::json::value ParseJson(const std::string& body);

/// Asserts the contract's error body: detail, code and message, with the given code.
void ExpectErrorBody(const HttpResult& result, long status, const std::string& code);

/// A test on every backend, with helpers bound to the shared server.
class BackendTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override;

    [[nodiscard]] std::string Url(const std::string& path) const;
    HttpResult Register(const std::string& email, const std::string& password = "Password123");
    /// Registers and logs in; returns the access token.
    std::string RegisterAndLogin(
        const std::string& email, const std::string& password = "Password123"
    );
    HttpResult Login(const std::string& email, const std::string& password);
    HttpResult CurrentUser(const std::string& token);

    ServerProcess* server_ = nullptr;
};

#define CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(suite)                                      \
    INSTANTIATE_TEST_SUITE_P(                                                            \
        Backends,                                                                        \
        suite,                                                                           \
        ::testing::Values(                                                               \
            ::clockko::testing::Backend::kSqlite, ::clockko::testing::Backend::kPostgres \
        ),                                                                               \
        ::clockko::testing::BackendName                                                  \
    )

}  // namespace clockko::testing
