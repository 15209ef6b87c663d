// The command line, configuration refusals and graceful shutdown of the real binary.
#include "fixture.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

namespace clockko::testing {
namespace {

std::map<std::string, std::string> SqliteEnvironment() {
    return *TestEnvironment(Backend::kSqlite);
}

int CountLines(const std::string& text) {
    int lines = 0;
    for (const char c : text) {
        lines += c == '\n' ? 1 : 0;
    }
    return lines;
}

TEST(CommandLine, PrintsVersionAndHelp) {
    std::string output;
    EXPECT_EQ(ServerProcess::RunToCompletion({"version"}, {}, output), 0);
    EXPECT_NE(output.find('.'), std::string::npos) << output;
    EXPECT_EQ(ServerProcess::RunToCompletion({"--help"}, {}, output), 0);
    for (const char* command : {"serve", "migrate", "healthcheck", "version"}) {
        EXPECT_NE(output.find(command), std::string::npos) << output;
    }
}

TEST(CommandLine, RefusesInvalidValuesWithOneLineAndExitCodeTwo) {
    for (const auto& [name, value] : std::map<std::string, std::string>{
             {"PORT", "abc"},
             {"ALGORITHM", "RS256"},
             {"DATABASE_URL", "mysql://u@h/d"},
             {"TRUSTED_PROXIES", "10.0.0.0/8,not-an-address"}}) {
        auto environment = SqliteEnvironment();
        environment[name] = value;
        std::string output;
        EXPECT_EQ(ServerProcess::RunToCompletion({"serve"}, environment, output), 2) << output;
        EXPECT_NE(output.find(name), std::string::npos) << output;
        EXPECT_EQ(CountLines(output), 1) << output;
    }
}

TEST(CommandLine, ProductionRefusesToStartWithoutSecretOrMail) {
    auto environment = SqliteEnvironment();
    environment["APP_ENV"] = "production";
    environment["SECRET_KEY"] = "too-short";
    std::string output;
    EXPECT_NE(ServerProcess::RunToCompletion({"serve"}, environment, output), 0);
    EXPECT_NE(output.find("SECRET_KEY"), std::string::npos) << output;
}

TEST(CommandLine, ReadsAnEnvFileAndLetsTheEnvironmentWin) {
    const std::string path = ::testing::TempDir() + "clockko-test.env";
    std::ofstream(path) << "PORT=not-a-number\n";
    std::string output;
    EXPECT_EQ(
        ServerProcess::RunToCompletion({"serve", "--env-file", path}, SqliteEnvironment(), output),
        2
    ) << output;
    EXPECT_NE(output.find("PORT"), std::string::npos) << output;

    auto environment = SqliteEnvironment();
    environment["PORT"] = std::to_string(ServerProcess::FreePort());
    EXPECT_EQ(
        ServerProcess::RunToCompletion({"healthcheck", "--env-file", path}, environment, output), 1
    ) << output;
    EXPECT_EQ(
        ServerProcess::RunToCompletion(
            {"serve", "--env-file", "/nonexistent.env"}, environment, output
        ),
        2
    ) << output;
}

TEST(CommandLine, GivesUpOnAnUnreachableDatabaseWithOneClearLine) {
    auto environment = SqliteEnvironment();
    environment["DATABASE_URL"] = "postgresql://clockko:secret@127.0.0.1:1/clockko";
    environment["DB_CONNECT_TIMEOUT_SECONDS"] = "1";
    std::string output;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_NE(ServerProcess::RunToCompletion({"serve"}, environment, output), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{15});
    EXPECT_NE(output.find("database"), std::string::npos) << output;
    EXPECT_EQ(output.find("secret"), std::string::npos) << output;
}

TEST(CommandLine, MigratesAFileDatabaseAndIsIdempotent) {
    const std::filesystem::path file =
        std::filesystem::path(::testing::TempDir()) / "migrate-test.db";
    std::filesystem::remove(file);
    auto environment = SqliteEnvironment();
    environment["DATABASE_URL"] = "sqlite:///" + file.string();
    std::string output;
    EXPECT_EQ(ServerProcess::RunToCompletion({"migrate"}, environment, output), 0) << output;
    EXPECT_TRUE(std::filesystem::exists(file));
    EXPECT_EQ(ServerProcess::RunToCompletion({"migrate"}, environment, output), 0) << output;
    std::filesystem::remove(file);
}

TEST(CommandLine, HealthcheckReportsWhetherTheServerIsUp) {
    ServerProcess server(SqliteEnvironment());
    auto environment = SqliteEnvironment();
    environment["PORT"] = std::to_string(server.Port());
    std::string output;
    EXPECT_EQ(ServerProcess::RunToCompletion({"healthcheck"}, environment, output), 0) << output;
    server.StopWith(SIGTERM);
    EXPECT_EQ(ServerProcess::RunToCompletion({"healthcheck"}, environment, output), 1) << output;
}

TEST(Shutdown, AnswersInFlightRequestsThenExitsZeroOnSigterm) {
    auto environment = SqliteEnvironment();
    environment["BCRYPT_ROUNDS"] = "10";  // slow enough that requests are in flight
    ServerProcess server(environment);
    std::vector<std::future<long>> answers;
    for (int i = 0; i < 16; ++i) {
        answers.push_back(std::async(std::launch::async, [&server, i] {
            return PostJson(
                       server.BaseUrl() + "/api/auth/register",
                       R"({"email":"drain)" + std::to_string(i) +
                           R"(@example.com","password":"Password123"})"
            )
                .status;
        }));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{150});
    const int exit_code = server.StopWith(SIGTERM);
    for (auto& answer : answers) {
        EXPECT_EQ(answer.get(), 201);
    }
    EXPECT_EQ(exit_code, 0) << server.Output();
}

TEST(Logging, WritesOneJsonObjectPerRequestLine) {
    ServerProcess server(SqliteEnvironment());
    ASSERT_EQ(Get(server.BaseUrl() + "/health", {{"X-Request-ID", "trace-me-42"}}).status, 200);
    server.StopWith(SIGTERM);
    const std::string output = server.Output();
    bool found = false;
    std::size_t start = 0;
    while (start < output.size()) {
        const std::size_t end = output.find('\n', start);
        const std::string line = output.substr(start, end - start);
        start = end == std::string::npos ? output.size() : end + 1;
        const boost::json::value entry = ParseJson(line);
        ASSERT_TRUE(entry.is_object()) << line;
        if (entry.as_object().contains("request_id") && entry.at("request_id") == "trace-me-42") {
            found = true;
            EXPECT_EQ(entry.at("method"), "GET");
            EXPECT_EQ(entry.at("path"), "/health");
            EXPECT_EQ(entry.at("status").to_number<int>(), 200);
            EXPECT_TRUE(entry.as_object().contains("duration_ms"));
            EXPECT_TRUE(entry.as_object().contains("ts"));
        }
    }
    EXPECT_TRUE(found) << output;
}

}  // namespace
}  // namespace clockko::testing
