#include "maildev_client.hpp"

#include "http_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, for execve

namespace clockko::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// MailDev keeps every message of the run; polling more often only loads the shared machine.
constexpr auto kPollInterval = 200ms;

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

std::string StringField(const json::object& object, std::string_view key) {
    const json::value* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string{};
}

// The first (name, address) of a MailDev address list such as "from".
std::pair<std::string, std::string> FirstAddress(const json::object& email, std::string_view key) {
    const json::value* list = email.if_contains(key);
    if (list == nullptr || !list->is_array() || list->as_array().empty() ||
        !list->as_array().front().is_object()) {
        return {};
    }
    const json::object& first = list->as_array().front().as_object();
    return {StringField(first, "name"), StringField(first, "address")};
}

ReceivedMail ToReceivedMail(const json::object& email) {
    ReceivedMail mail;
    mail.id = StringField(email, "id");
    mail.subject = StringField(email, "subject");
    mail.text = StringField(email, "text");
    mail.html = StringField(email, "html");
    std::tie(mail.from_name, mail.from_address) = FirstAddress(email, "from");
    if (const json::value* to = email.if_contains("to"); to != nullptr && to->is_array()) {
        for (const json::value& entry : to->as_array()) {
            if (entry.is_object()) {
                mail.to.push_back(Lower(StringField(entry.as_object(), "address")));
            }
        }
    }
    mail.json = email;
    return mail;
}

bool AddressedTo(const ReceivedMail& mail, const std::string& recipient) {
    return std::find(mail.to.begin(), mail.to.end(), Lower(recipient)) != mail.to.end();
}

std::string ReadFile(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace

std::optional<MaildevPorts> SharedMaildevPorts() {
    // Read on the test's main thread; nothing sets the environment while tests run.
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
    const char* smtp = std::getenv("CLOCKKO_TEST_MAILDEV_SMTP_PORT");
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
    const char* web = std::getenv("CLOCKKO_TEST_MAILDEV_WEB_PORT");
    if (smtp == nullptr || web == nullptr || *smtp == '\0' || *web == '\0') {
        return std::nullopt;
    }
    return MaildevPorts{.smtp_port = std::stoi(smtp), .web_port = std::stoi(web)};
}

bool MaildevRequired() {
    const char* required = std::getenv("CLOCKKO_REQUIRE_MAILDEV");  // NOLINT(concurrency-mt-unsafe)
    return required != nullptr && std::string_view(required) == "1";
}

MaildevClient::MaildevClient(int web_port)
    : base_url_("http://127.0.0.1:" + std::to_string(web_port)) {}

std::optional<std::vector<ReceivedMail>> MaildevClient::AllMessages() const {
    const HttpResult listed = Get(base_url_ + "/api/email");
    if (listed.status != 200) {
        return std::nullopt;
    }
    boost::system::error_code error;
    const json::value list = json::parse(listed.body, error);
    if (error || !list.is_array()) {
        return std::nullopt;
    }
    std::vector<ReceivedMail> messages;
    for (const json::value& email : list.as_array()) {
        if (email.is_object()) {
            messages.push_back(ToReceivedMail(email.as_object()));
        }
    }
    return messages;
}

std::vector<ReceivedMail> MaildevClient::MessagesTo(const std::string& recipient) const {
    const auto all = AllMessages();
    if (!all) {
        ADD_FAILURE() << "MailDev at " << base_url_ << " did not list its messages";
        return {};
    }
    std::vector<ReceivedMail> matching;
    std::copy_if(all->begin(), all->end(), std::back_inserter(matching), [&](const auto& mail) {
        return AddressedTo(mail, recipient);
    });
    return matching;
}

std::optional<std::vector<ReceivedMail>> MaildevClient::WaitForMessages(
    const std::string& recipient,
    const std::string& subject_part,
    std::size_t count,
    std::chrono::milliseconds patience
) const {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    for (;;) {
        std::vector<ReceivedMail> matching;
        for (ReceivedMail& mail : AllMessages().value_or(std::vector<ReceivedMail>{})) {
            if (AddressedTo(mail, recipient) &&
                mail.subject.find(subject_part) != std::string::npos) {
                matching.push_back(std::move(mail));
            }
        }
        if (matching.size() >= count) {
            return matching;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
}

std::size_t MaildevClient::MostMessagesDuring(
    const std::string& recipient, std::chrono::milliseconds duration
) const {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    std::size_t most = 0;
    do {
        most = std::max(most, MessagesTo(recipient).size());
        std::this_thread::sleep_for(kPollInterval);
    } while (std::chrono::steady_clock::now() < deadline);
    return most;
}

std::optional<std::string> MaildevClient::Source(const std::string& id) const {
    const HttpResult source = Get(base_url_ + "/api/email/" + id + "/source");
    if (source.status != 200) {
        return std::nullopt;
    }
    return source.body;
}

bool MaildevClient::Healthy() const {
    return Get(base_url_ + "/api/healthz").status == 200;
}

std::optional<std::string> ExtractCode(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const std::size_t first = line.find_first_not_of(" \t\r");
        const std::size_t last = line.find_last_not_of(" \t\r");
        if (first == std::string::npos) {
            continue;
        }
        const std::string trimmed = line.substr(first, last - first + 1);
        if (trimmed.size() == 6 && std::all_of(trimmed.begin(), trimmed.end(), [](char c) {
                return c >= '0' && c <= '9';
            })) {
            return trimmed;
        }
    }
    return std::nullopt;
}

std::string MaildevBinary() {
    return CLOCKKO_MAILDEV_BINARY;
}

OwnMaildev::OwnMaildev(int smtp_port, int web_port) : web_port_(web_port) {
    std::string pattern = ::testing::TempDir() + "clockko-maildev-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    folder_ = pattern;
    std::vector<std::string> arguments{
        MaildevBinary(),
        "--ip",
        "127.0.0.1",
        "--web-ip",
        "127.0.0.1",
        "--smtp",
        std::to_string(smtp_port),
        "--web",
        std::to_string(web_port),
        "--mail-directory",
        folder_ + "/mail",
    };
    std::vector<char*> argv;
    argv.reserve(arguments.size() + 1);
    for (std::string& argument : arguments) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    const std::string log_path = folder_ + "/maildev.log";
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        // A test killed by a timeout must not leave its MailDev behind.
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) {
            _exit(127);
        }
        // Only async-signal-safe calls between fork and exec.
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): open(2) is variadic
        const int out = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (out < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0) {
            _exit(127);
        }
        execve(argv[0], argv.data(), environ);
        _exit(127);
    }
    pid_ = pid;
}

OwnMaildev::~OwnMaildev() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        int status = 0;
        while (waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() >= deadline) {
                kill(pid_, SIGKILL);
                waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(50ms);
        }
    }
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
}

bool OwnMaildev::WaitUntilHealthy(std::chrono::seconds patience, std::string& log) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    const MaildevClient client(web_port_);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (pid_ <= 0 || waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;  // it exited (and is reaped): never signal that pid again
            break;
        }
        if (client.Healthy()) {
            return true;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
    log = ReadFile(folder_ + "/maildev.log");
    return false;
}

}  // namespace clockko::testing
