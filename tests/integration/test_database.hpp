#pragma once

#include "fixture.hpp"

#include <string>
#include <vector>

namespace clockko::testing {

/// A database of a test's own: a SQLite file in a fresh folder, or a fresh schema in the
/// PostgreSQL database of CLOCKKO_TEST_POSTGRES_URL. Its own, so that no server of another test
/// (other test programs run at the same time on that database, some with the log mailer) claims
/// its outbox rows. Removed (folder deleted, schema dropped) on destruction.
class TestDatabase final {
public:
    /// Throws std::runtime_error when PostgreSQL is asked for and unavailable.
    explicit TestDatabase(Backend backend);
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    [[nodiscard]] Backend Engine() const { return backend_; }

    /// The DATABASE_URL a server uses for it.
    [[nodiscard]] const std::string& Url() const { return url_; }

    /// Runs one statement with text parameters $1, $2, … (written in order of first use, so
    /// the same text works on both engines); returns the number of rows changed. Throws
    /// std::runtime_error with the engine's message on failure.
    long Execute(const std::string& sql, const std::vector<std::string>& parameters) const;

private:
    Backend backend_;
    std::string url_;
    std::string folder_;  ///< SQLite: the folder holding the file
    std::string path_;    ///< SQLite: the file
    std::string schema_;  ///< PostgreSQL: the schema's name
};

/// Moves the stored expiry of the user's open codes of `purpose` ("verify_email" or
/// "reset_password") into the past; returns how many codes changed.
long ExpireCodes(
    const TestDatabase& database, const std::string& email, const std::string& purpose
);

}  // namespace clockko::testing
