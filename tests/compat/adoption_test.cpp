// Adopting a database the original FastAPI backend made (fixtures by make_fixtures.py, hashes
// by passlib, tokens as python-jose signed them): `clockko migrate`, then the real server.
#include "compat_support.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

namespace clockko::compat {
namespace {

// The newest migration the binary carries: the number of files in src/store/migrations/sqlite/
// (versions run 1, 2, 3, ... without gaps; the build checks it), so that adding a migration
// does not mean editing this test.
int LatestSchemaVersion() {
    const std::filesystem::path folder = std::filesystem::path(CLOCKKO_COMPAT_SOURCE_DIR) / ".." /
                                         ".." / "src" / "store" / "migrations" / "sqlite";
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        count += entry.path().extension() == ".sql" ? 1 : 0;
    }
    return count;
}

std::string SchemaVersionLine() {
    return "schema version " + std::to_string(LatestSchemaVersion()) + "\n";
}

using clockko::testing::Get;
using clockko::testing::HttpResult;
using clockko::testing::PostJson;
using clockko::testing::ServerProcess;

boost::json::object ParseObject(const std::string& body) {
    boost::system::error_code error;
    boost::json::value value = boost::json::parse(body, error);
    if (error || !value.is_object()) {
        ADD_FAILURE() << "not a JSON object: " << body;
        return {};
    }
    return value.as_object();
}

std::string Code(const HttpResult& result) {
    const auto body = ParseObject(result.body);
    const auto* code = body.if_contains("code");
    return code != nullptr && code->is_string() ? std::string(code->as_string()) : std::string();
}

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

std::string Trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

std::string UserColumnList(const Expectations& expectations) {
    std::string list;
    for (const std::string& column : expectations.user_columns) {
        list += (list.empty() ? "" : ", ") + column;
    }
    return list;
}

Rows Users(TestDatabase& database) {
    return database.Query(
        "SELECT " + UserColumnList(LoadExpectations()) + " FROM users ORDER BY id"
    );
}

Rows Tasks(TestDatabase& database) {
    return database.Query("SELECT id, user_id, title, created_at, completed FROM tasks ORDER BY id"
    );
}

// The definition of the `tasks` table as the engine reports it.
Rows TasksDefinition(TestDatabase& database) {
    if (database.GetEngine() == Engine::kSqlite) {
        return database.Query(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'tasks' ORDER BY name"
        );
    }
    Rows rows = database.Query(
        "SELECT column_name, data_type, is_nullable, column_default FROM "
        "information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'tasks' ORDER BY ordinal_position"
    );
    for (Row& row : database.Query("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                   "WHERE conrelid = 'tasks'::regclass ORDER BY conname")) {
        rows.push_back(std::move(row));
    }
    return rows;
}

// Everything a second migration could conceivably touch.
Rows WholeDatabase(TestDatabase& database) {
    Rows all = database.Query("SELECT *, '|' FROM users ORDER BY id");
    for (const char* query :
         {"SELECT *, '|' FROM tasks ORDER BY id",
          "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
          "SELECT COUNT(*) FROM one_time_codes",
          "SELECT COUNT(*) FROM outbox"}) {
        for (Row& row : database.Query(query)) {
            all.push_back(std::move(row));
        }
    }
    const char* catalog = database.GetEngine() == Engine::kSqlite
                              ? "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
                              : "SELECT tablename, indexname, indexdef FROM pg_indexes "
                                "WHERE schemaname = current_schema() ORDER BY tablename, indexname";
    for (Row& row : database.Query(catalog)) {
        all.push_back(std::move(row));
    }
    return all;
}

std::string Describe(const Row& row) {
    std::string text;
    for (const auto& value : row) {
        text += (text.empty() ? "" : " | ") + value.value_or("NULL");
    }
    return text;
}

class Adoption : public ::testing::TestWithParam<Engine> {
protected:
    void SetUp() override {
        database_ = MakeOriginalDatabase(GetParam());
        if (!Available(database_)) {
            GTEST_SKIP() << "no PostgreSQL (set CLOCKKO_TEST_POSTGRES_URL, or run make test)";
        }
    }

    void Migrate() {
        std::string output;
        ASSERT_EQ(RunMigrate(*database_, output), 0) << output;
    }

    // Migrates, then starts the server on the adopted database.
    ServerProcess& Serve() {
        Migrate();
        server_ = std::make_unique<ServerProcess>(ServerEnvironment(*database_));
        return *server_;
    }

    HttpResult Login(const std::string& email, const std::string& password) {
        const boost::json::object body{{"email", email}, {"password", password}};
        return PostJson(Url("/api/auth/login"), boost::json::serialize(body));
    }

    HttpResult CurrentUser(const std::string& token) {
        return Get(Url("/api/auth/user"), {{"Authorization", "Bearer " + token}});
    }

    [[nodiscard]] std::string Url(const std::string& path) const {
        return server_->BaseUrl() + path;
    }

    // The profile must be this user's row, read through the new service.
    static void ExpectProfileOf(const FixtureUser& user, const HttpResult& result) {
        ASSERT_EQ(result.status, 200) << user.key << ": " << result.body;
        const auto profile = ParseObject(result.body);
        EXPECT_EQ(profile.at("id"), user.id.c_str()) << result.body;
        EXPECT_EQ(profile.at("username"), user.username.c_str()) << result.body;
        EXPECT_EQ(Lower(Trim(std::string(profile.at("email").as_string()))), user.login_email);
        if (user.full_name) {
            EXPECT_EQ(profile.at("full_name"), user.full_name->c_str()) << result.body;
            EXPECT_EQ(profile.at("name"), user.full_name->c_str()) << result.body;
        } else {
            EXPECT_TRUE(profile.at("full_name").is_null()) << result.body;
            EXPECT_EQ(profile.at("name"), user.username.c_str()) << result.body;
        }
        if (user.phone_number) {
            EXPECT_EQ(profile.at("phone_number"), user.phone_number->c_str()) << result.body;
        }
        EXPECT_EQ(profile.at("is_active").as_bool(), user.is_active) << result.body;
        EXPECT_EQ(profile.at("is_verified").as_bool(), user.is_verified) << result.body;
        EXPECT_EQ(profile.at("otp_verified").as_bool(), user.otp_verified) << result.body;
    }

    std::unique_ptr<TestDatabase> database_;
    std::unique_ptr<ServerProcess> server_;
};

TEST_P(Adoption, MigrateKeepsEveryRowAndClearsOnlyThePlaintextSecrets) {
    const Expectations& expectations = LoadExpectations();
    const Rows before = Users(*database_);
    ASSERT_EQ(before.size(), expectations.users.size());
    std::string output;
    ASSERT_EQ(RunMigrate(*database_, output), 0) << output;
    EXPECT_NE(output.find(SchemaVersionLine()), std::string::npos) << output;

    const Rows after = Users(*database_);
    ASSERT_EQ(after.size(), before.size());
    const auto& columns = expectations.user_columns;
    const auto& cleared = expectations.cleared_columns;
    int plaintext_before = 0;
    for (std::size_t row = 0; row < before.size(); ++row) {
        for (std::size_t column = 0; column < columns.size(); ++column) {
            const bool must_clear =
                std::find(cleared.begin(), cleared.end(), columns[column]) != cleared.end();
            if (must_clear) {
                plaintext_before += before[row][column].has_value() ? 1 : 0;
                EXPECT_FALSE(after[row][column].has_value())
                    << columns[column] << " kept in row " << Describe(after[row]);
            } else {
                EXPECT_EQ(after[row][column], before[row][column])
                    << columns[column] << " changed in row " << Describe(before[row]);
            }
        }
    }
    EXPECT_GT(plaintext_before, 5) << "the fixture must hold plaintext codes to clear";
    // What the new service added, with its neutral value.
    for (const Row& row : database_->Query("SELECT token_version FROM users")) {
        EXPECT_EQ(row[0], "0");
    }
    const Rows versions = database_->Query("SELECT version FROM schema_migrations ORDER BY 1");
    ASSERT_EQ(versions.size(), static_cast<std::size_t>(LatestSchemaVersion()));
    for (std::size_t i = 0; i < versions.size(); ++i) {
        EXPECT_EQ(versions[i][0], std::to_string(i + 1));
    }
}

TEST_P(Adoption, LeavesOtherTablesAlone) {
    const Rows tasks_before = Tasks(*database_);
    const Rows definition_before = TasksDefinition(*database_);
    ASSERT_EQ(tasks_before.size(), static_cast<std::size_t>(LoadExpectations().task_count));
    Serve();
    EXPECT_EQ(Tasks(*database_), tasks_before);
    EXPECT_EQ(TasksDefinition(*database_), definition_before);
    // The original's own indexes and constraints on users are still there.
    const char* index_query = GetParam() == Engine::kSqlite
                                  ? "SELECT name FROM sqlite_master WHERE type = 'index' "
                                    "AND tbl_name = 'users' ORDER BY name"
                                  : "SELECT indexname FROM pg_indexes WHERE tablename = 'users' "
                                    "AND schemaname = current_schema() ORDER BY indexname";
    std::string indexes;
    for (const Row& row : database_->Query(index_query)) {
        indexes += row[0].value_or("") + " ";
    }
    EXPECT_NE(indexes.find("ix_users_email "), std::string::npos) << indexes;
    EXPECT_NE(indexes.find("ix_users_id "), std::string::npos) << indexes;
    // The old foreign key still holds: a task cannot point at a user that does not exist.
    if (GetParam() == Engine::kPostgres) {
        EXPECT_THROW(
            database_->Execute("INSERT INTO tasks (user_id, title) VALUES "
                               "('00000000-0000-4000-8000-000000000000', 'orphan')"),
            std::runtime_error
        );
    }
}

TEST_P(Adoption, MigrateTwiceChangesNothing) {
    Migrate();
    const Rows once = WholeDatabase(*database_);
    std::string output;
    ASSERT_EQ(RunMigrate(*database_, output), 0) << output;
    EXPECT_NE(output.find(SchemaVersionLine()), std::string::npos) << output;
    EXPECT_EQ(WholeDatabase(*database_), once);
    // Start-up migrates too: a server started on it changes nothing either.
    { const ServerProcess server(ServerEnvironment(*database_)); }
    EXPECT_EQ(WholeDatabase(*database_), once);
}

TEST_P(Adoption, EveryUserLogsInWithTheirOldPassword) {
    Serve();
    for (const FixtureUser& user : LoadExpectations().users) {
        SCOPED_TRACE(user.key);
        // As typed today (lower case), and as the old backend stored it (capitals, spaces).
        for (const std::string& email : {user.login_email, user.stored_email}) {
            const HttpResult login = Login(email, user.password);
            if (!user.is_active) {
                EXPECT_EQ(login.status, 403) << login.body;
                EXPECT_EQ(Code(login), "account_disabled") << login.body;
                continue;
            }
            ASSERT_EQ(login.status, 200) << email << ": " << login.body;
            const auto body = ParseObject(login.body);
            ExpectProfileOf(user, CurrentUser(std::string(body.at("access_token").as_string())));
        }
        // Prepended: bcrypt ignores what follows byte 72 of the long password.
        const HttpResult wrong = Login(user.login_email, "x" + user.password);
        EXPECT_EQ(wrong.status, 401) << wrong.body;
        EXPECT_EQ(Code(wrong), "invalid_credentials") << wrong.body;
    }
}

TEST_P(Adoption, AnOldEmailInAnotherSpellingIsTaken) {
    Serve();
    for (const char* email :
         {"OLD.USER@EXAMPLE.COM", " old.user@example.com", "mixed.case@example.org"}) {
        const boost::json::object body{{"email", email}, {"password", "Password123"}};
        const HttpResult registered =
            PostJson(Url("/api/auth/register"), boost::json::serialize(body));
        EXPECT_EQ(registered.status, 409) << email << ": " << registered.body;
        EXPECT_EQ(Code(registered), "email_taken") << registered.body;
    }
    const Rows count = database_->Query("SELECT COUNT(*) FROM users");
    EXPECT_EQ(count.at(0).at(0), std::to_string(LoadExpectations().users.size()));
}

// passlib cut passwords silently at 72 bytes, so the old backend accepted longer ones; bcrypt
// reads those 72 bytes only, and so does the login of the new service.
TEST_P(Adoption, APasswordLongerThan72BytesStillLogsIn) {
    Serve();
    const FixtureUser& user = LoadExpectations().User("over_72_bytes");
    ASSERT_TRUE(user.password_over_72_bytes);
    const HttpResult login = Login(user.login_email, user.password);
    EXPECT_EQ(login.status, 200) << login.body;
}

TEST_P(Adoption, OldTokensOpenTheCurrentUserUntilTheyExpire) {
    Serve();
    for (const FixtureUser& user : LoadExpectations().users) {
        SCOPED_TRACE(user.key);
        if (user.is_active) {
            ExpectProfileOf(user, CurrentUser(user.old_token));
            // A `sub` in the 32-hex form SQLite stored is the same user.
            ExpectProfileOf(user, CurrentUser(user.old_token_compact_sub));
        } else {
            const HttpResult disabled = CurrentUser(user.old_token);
            EXPECT_EQ(disabled.status, 401) << disabled.body;
            EXPECT_EQ(Code(disabled), "invalid_token") << disabled.body;
        }
        const HttpResult expired = CurrentUser(user.expired_old_token);
        EXPECT_EQ(expired.status, 401) << expired.body;
        EXPECT_EQ(Code(expired), "token_expired") << expired.body;
        EXPECT_NE(expired.Header("www-authenticate").find("invalid_token"), std::string::npos);
        const HttpResult foreign = CurrentUser(user.foreign_key_token);
        EXPECT_EQ(foreign.status, 401) << foreign.body;
        EXPECT_EQ(Code(foreign), "invalid_token") << foreign.body;
    }
}

TEST_P(Adoption, ThePlaintextCodesOfTheOldBackendNoLongerWork) {
    // The fixture row held otp 482913 and reset token in clear: neither is trusted after adoption.
    const FixtureUser& user = LoadExpectations().User("capitals");
    Serve();
    const boost::json::object verify{{"email", user.login_email}, {"otp", "482913"}};
    const HttpResult verified =
        PostJson(Url("/api/auth/verify-email"), boost::json::serialize(verify));
    EXPECT_EQ(verified.status, 400) << verified.body;
    EXPECT_EQ(Code(verified), "invalid_otp") << verified.body;
    const boost::json::object reset{
        {"email", user.login_email}, {"otp", "482913"}, {"new_password", "Another-Pass-77"}};
    const HttpResult was_reset =
        PostJson(Url("/api/auth/reset-password"), boost::json::serialize(reset));
    EXPECT_EQ(was_reset.status, 400) << was_reset.body;
    EXPECT_EQ(Code(was_reset), "invalid_otp") << was_reset.body;
    EXPECT_EQ(Login(user.login_email, user.password).status, 200);
    EXPECT_EQ(Login(user.login_email, "Another-Pass-77").status, 401);
}

int ReadyStatus(const ServerProcess& server) {
    return static_cast<int>(Get(server.BaseUrl() + "/health/ready").status);
}

// The server migrates at start, so a running server only sees an older schema when the database
// changes under it (a snapshot restored, a schema rolled back): simulated here by removing the
// record of the newest migration, then putting it back.
TEST_P(Adoption, ReadinessFailsWhileTheSchemaIsOlderThanTheBinary) {
    ServerProcess& server = Serve();
    EXPECT_EQ(ReadyStatus(server), 200);
    const Rows newest = database_->Query(
        "SELECT version, name, applied_at FROM schema_migrations ORDER BY version DESC LIMIT 1"
    );
    ASSERT_EQ(newest.size(), 1U);
    database_->Execute(
        "DELETE FROM schema_migrations WHERE version = " + newest[0][0].value_or("0")
    );
    EXPECT_EQ(ReadyStatus(server), 503);
    EXPECT_EQ(Get(server.BaseUrl() + "/health").status, 200) << "liveness must not depend on it";
    EXPECT_EQ(Get(server.BaseUrl() + "/").status, 200);
    database_->Execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (" +
        newest[0][0].value_or("0") + ", '" + newest[0][1].value_or("") + "', '" +
        newest[0][2].value_or("") + "')"
    );
    EXPECT_EQ(ReadyStatus(server), 200);
}

CLOCKKO_COMPAT_INSTANTIATE_ON_EVERY_ENGINE(Adoption);

}  // namespace
}  // namespace clockko::compat
