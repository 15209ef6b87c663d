#include "compat_support.hpp"

#include "server_process.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX name

namespace clockko::compat {
namespace {

std::string Text(const boost::json::object& object, const char* key) {
    return std::string(object.at(key).as_string());
}

std::optional<std::string> OptionalText(const boost::json::object& object, const char* key) {
    const auto& value = object.at(key);
    return value.is_null() ? std::nullopt : std::optional<std::string>(value.as_string());
}

std::vector<std::string> TextList(const boost::json::value& value) {
    std::vector<std::string> items;
    for (const auto& item : value.as_array()) {
        items.emplace_back(item.as_string());
    }
    return items;
}

FixtureUser ReadUser(const boost::json::object& object) {
    FixtureUser user;
    user.key = Text(object, "key");
    user.id = Text(object, "id");
    user.compact_id = Text(object, "compact_id");
    user.username = Text(object, "username");
    user.stored_email = Text(object, "stored_email");
    user.login_email = Text(object, "login_email");
    user.full_name = OptionalText(object, "full_name");
    user.phone_number = OptionalText(object, "phone_number");
    user.password = Text(object, "password");
    user.hashed_password = Text(object, "hashed_password");
    user.is_active = object.at("is_active").as_bool();
    user.is_verified = object.at("is_verified").as_bool();
    user.otp_verified = object.at("otp_verified").as_bool();
    user.password_over_72_bytes = object.at("password_over_72_bytes").as_bool();
    user.old_token = Text(object, "old_token");
    user.expired_old_token = Text(object, "expired_old_token");
    user.old_token_compact_sub = Text(object, "old_token_compact_sub");
    user.foreign_key_token = Text(object, "foreign_key_token");
    return user;
}

Expectations ParseExpectations() {
    const boost::json::value document = boost::json::parse(ReadFixture("expectations.json"));
    const auto& object = document.as_object();
    Expectations expectations;
    expectations.secret_key = Text(object, "secret_key");
    expectations.cleared_columns = TextList(object.at("cleared_columns"));
    expectations.user_columns = TextList(object.at("user_columns"));
    expectations.task_count = static_cast<int>(object.at("task_count").as_int64());
    for (const auto& user : object.at("users").as_array()) {
        expectations.users.push_back(ReadUser(user.as_object()));
    }
    return expectations;
}

}  // namespace

const FixtureUser& Expectations::User(const std::string& key) const {
    for (const FixtureUser& user : users) {
        if (user.key == key) {
            return user;
        }
    }
    throw std::out_of_range("no fixture user " + key);
}

const Expectations& LoadExpectations() {
    static const Expectations expectations = ParseExpectations();
    return expectations;
}

std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
    return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

std::map<std::string, std::string> ServerEnvironment(const TestDatabase& database) {
    return {
        {"DATABASE_URL", database.DatabaseUrl()},
        {"SECRET_KEY", LoadExpectations().secret_key},
        {"BCRYPT_ROUNDS", "4"},
        {"LOG_FORMAT", "json"},
        {"LOG_LEVEL", "info"},
        {"DB_CONNECT_TIMEOUT_SECONDS", "5"},
    };
}

int RunMigrate(const TestDatabase& database, std::string& output) {
    return clockko::testing::ServerProcess::RunToCompletion(
        {"migrate"}, ServerEnvironment(database), output
    );
}

int RunProgram(
    const std::vector<std::string>& arguments, std::string& output, int timeout_seconds
) {
    const std::string output_path =
        (std::filesystem::temp_directory_path() / ("clockko-compat-run-" + RandomHex(6))).string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(
        &actions, STDOUT_FILENO, output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600
    );
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<std::string> copies = arguments;
    std::vector<char*> argv;
    for (std::string& argument : copies) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        output = "cannot run " + arguments.front();
        return -1;
    }
    int code = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{timeout_seconds};
    for (;;) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    std::ifstream file(output_path);
    std::ostringstream text;
    text << file.rdbuf();
    output = text.str();
    std::filesystem::remove(output_path);
    return code;
}

std::string ReadFixture(const std::string& name) {
    std::ifstream file(std::string(CLOCKKO_COMPAT_FIXTURES) + "/" + name);
    if (!file) {
        throw std::runtime_error("missing fixture " + name);
    }
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

std::string RandomHex(std::size_t bytes) {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes * 2; ++i) {
        out.push_back(kDigits[generator() % 16]);
    }
    return out;
}

}  // namespace clockko::compat