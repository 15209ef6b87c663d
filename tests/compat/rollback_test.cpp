// Rolling back to the old FastAPI service must keep working on what the new one wrote: its rows,
// its re-hashed passwords and its tokens are checked the way the old backend reads them (passlib,
// python-jose's checks, SQLAlchemy's GUID and SQLite formats) by old_backend_check.py.
#include "compat_support.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

namespace clockko::compat {
namespace {

using clockko::testing::HttpResult;
using clockko::testing::PostJson;
using clockko::testing::ServerProcess;

constexpr const char* kNewEmail = "new.person@example.com";
constexpr const char* kNewPassword = "Brand-New-Pass-1";

std::string AccessToken(const HttpResult& login) {
    boost::system::error_code error;
    const boost::json::value body = boost::json::parse(login.body, error);
    if (error || !body.is_object() || !body.as_object().contains("access_token")) {
        ADD_FAILURE() << "no token: " << login.body;
        return {};
    }
    return std::string(body.at("access_token").as_string());
}

HttpResult Login(
    const ServerProcess& server, const std::string& email, const std::string& password
) {
    const boost::json::object body{{"email", email}, {"password", password}};
    return PostJson(server.BaseUrl() + "/api/auth/login", boost::json::serialize(body));
}

// Hands `input` to old_backend_check.py; returns its verdict and output.
int CheckLikeTheOldBackend(const boost::json::object& input, std::string& output) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("clockko-rollback-" + RandomHex(6) + ".json"))
            .string();
    std::ofstream(path) << boost::json::serialize(input);
    const int code = RunProgram(
        {CLOCKKO_COMPAT_PYTHON,
         std::string(CLOCKKO_COMPAT_SOURCE_DIR) + "/old_backend_check.py",
         path},
        output
    );
    std::filesystem::remove(path);
    return code;
}

class Rollback : public ::testing::TestWithParam<Engine> {
protected:
    void SetUp() override {
        database_ = MakeOriginalDatabase(GetParam());
        if (!Available(database_)) {
            GTEST_SKIP() << "no PostgreSQL (set CLOCKKO_TEST_POSTGRES_URL, or run make test)";
        }
    }

    std::unique_ptr<TestDatabase> database_;
};

TEST_P(Rollback, TheOldBackendStillReadsWhatTheNewOneWrote) {
    const Expectations& expectations = LoadExpectations();
    std::string output;
    ASSERT_EQ(RunMigrate(*database_, output), 0) << output;
    // A cost above passlib's 12: every login re-hashes, and the new hashes must still verify.
    auto environment = ServerEnvironment(*database_);
    environment["BCRYPT_ROUNDS"] = "13";
    const ServerProcess server(environment);

    // A new account, and a login of every old one.
    const boost::json::object registration{
        {"email", "New.Person@Example.com"}, {"password", kNewPassword}};
    const HttpResult registered =
        PostJson(server.BaseUrl() + "/api/auth/register", boost::json::serialize(registration));
    ASSERT_EQ(registered.status, 201) << registered.body;
    const std::string new_id =
        std::string(boost::json::parse(registered.body).at("id").as_string());

    boost::json::array tokens;
    std::map<std::string, std::string> password_by_email{{kNewEmail, kNewPassword}};
    tokens.push_back(
        {{"label", "new user"},
         {"token", AccessToken(Login(server, kNewEmail, kNewPassword))},
         {"sub", new_id}}
    );
    for (const FixtureUser& user : expectations.users) {
        // A few kinds of old account (each re-hash at cost 13 takes half a second).
        if (user.key != "capitals" && user.key != "unicode" && user.key != "null_booleans") {
            continue;
        }
        const HttpResult login = Login(server, user.login_email, user.password);
        ASSERT_EQ(login.status, 200) << user.key << ": " << login.body;
        tokens.push_back({{"label", user.key}, {"token", AccessToken(login)}, {"sub", user.id}});
        password_by_email[user.stored_email] = user.password;
    }

    boost::json::array hashes;
    boost::json::array ids;
    boost::json::array datetimes;
    boost::json::array booleans;
    int rehashed = 0;
    for (const Row& row : database_->Query(
             "SELECT email, hashed_password, id, created_at, is_active, is_verified, otp_verified "
             "FROM users"
         )) {
        ids.emplace_back(row[2].value_or("NULL").c_str());
        const auto password = password_by_email.find(row[0].value_or(""));
        if (password != password_by_email.end()) {
            hashes.push_back(
                {{"label", password->first},
                 {"password", password->second},
                 {"hash", row[1].value_or("")}}
            );
            rehashed += row[1].value_or("").starts_with("$2b$13$") ? 1 : 0;
        }
        if (GetParam() == Engine::kSqlite && row[0] == kNewEmail) {
            // The row the new service inserted must be one SQLAlchemy reads back.
            EXPECT_EQ(row[2].value_or("").size(), 32U) << "SQLite ids are 32 hex digits";
            datetimes.emplace_back(row[3].value_or("NULL").c_str());
            for (std::size_t column = 4; column <= 6; ++column) {
                booleans.emplace_back(row[column].value_or("NULL").c_str());
            }
        }
        if (row[0] == kNewEmail) {
            EXPECT_TRUE(row[4] && row[5] && row[6]) << "the new row's booleans must not be NULL";
        }
    }
    EXPECT_EQ(hashes.size(), password_by_email.size());
    EXPECT_EQ(static_cast<std::size_t>(rehashed), hashes.size())
        << "every login was expected to re-hash at BCRYPT_ROUNDS=13";

    const boost::json::object input{
        {"secret_key", expectations.secret_key},
        {"hashes", hashes},
        {"tokens", tokens},
        {"ids", ids},
        {"sqlite_datetimes", datetimes},
        {"sqlite_booleans", booleans}};
    EXPECT_EQ(CheckLikeTheOldBackend(input, output), 0) << output;
    EXPECT_NE(output.find("0 problem(s)"), std::string::npos) << output;
}

// The checker itself must be able to say no: a wrong password, a token signed with another key,
// a malformed id and a DATETIME in another format are all reported.
TEST(RollbackCheck, RejectsWhatTheOldBackendWouldReject) {
    const FixtureUser& user = LoadExpectations().User("capitals");
    const boost::json::object input{
        {"secret_key", LoadExpectations().secret_key},
        {"hashes",
         boost::json::array{
             {{"label", "wrong"}, {"password", "nope"}, {"hash", user.hashed_password}}}},
        {"tokens",
         boost::json::array{
             {{"label", "foreign"}, {"token", user.foreign_key_token}, {"sub", user.id}}}},
        {"ids", boost::json::array{"not-a-uuid"}},
        {"sqlite_datetimes", boost::json::array{"2024-03-01T10:00:00Z"}},
        {"sqlite_booleans", boost::json::array{"true"}}};
    std::string output;
    EXPECT_EQ(CheckLikeTheOldBackend(input, output), 1) << output;
    EXPECT_NE(output.find("5 problem(s)"), std::string::npos) << output;
}

CLOCKKO_COMPAT_INSTANTIATE_ON_EVERY_ENGINE(Rollback);

}  // namespace
}  // namespace clockko::compat
