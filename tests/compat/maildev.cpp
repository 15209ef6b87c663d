#include "maildev.hpp"

#include "http_client.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <thread>

namespace clockko::compat {
namespace {

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

std::string TextField(const boost::json::object& object, const char* key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::optional<MailMessage> ReadMessage(const boost::json::value& value) {
    if (!value.is_object()) {
        return std::nullopt;
    }
    const auto& object = value.as_object();
    const auto* to = object.if_contains("to");
    if (to == nullptr || !to->is_array() || to->as_array().empty() ||
        !to->as_array()[0].is_object()) {
        return std::nullopt;
    }
    return MailMessage{
        .to = Lower(TextField(to->as_array()[0].as_object(), "address")),
        .subject = TextField(object, "subject"),
        .text = TextField(object, "text"),
    };
}

}  // namespace

std::optional<Maildev> Maildev::FromEnvironment() {
    const char* smtp =
        std::getenv("CLOCKKO_TEST_MAILDEV_SMTP_PORT");  // NOLINT(concurrency-mt-unsafe)
    const char* web =
        std::getenv("CLOCKKO_TEST_MAILDEV_WEB_PORT");  // NOLINT(concurrency-mt-unsafe)
    if (smtp == nullptr || web == nullptr || *smtp == '\0' || *web == '\0') {
        return std::nullopt;
    }
    return Maildev(std::stoi(smtp), std::stoi(web));
}

std::optional<std::map<std::string, std::vector<MailMessage>>> Maildev::ByRecipient() const {
    const auto answer =
        clockko::testing::Get("http://127.0.0.1:" + std::to_string(web_port_) + "/api/email");
    if (answer.status != 200) {
        return std::nullopt;
    }
    boost::system::error_code error;
    const boost::json::value list = boost::json::parse(answer.body, error);
    if (error || !list.is_array()) {
        return std::nullopt;
    }
    std::map<std::string, std::vector<MailMessage>> messages;
    for (const auto& value : list.as_array()) {
        if (auto message = ReadMessage(value)) {
            messages[message->to].push_back(*std::move(message));
        }
    }
    return messages;
}

std::map<std::string, std::vector<MailMessage>> Maildev::WaitFor(
    const std::set<std::string>& recipients, std::size_t count, std::chrono::milliseconds patience
) const {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    std::map<std::string, std::vector<MailMessage>> found;
    for (;;) {
        found.clear();
        bool complete = true;
        if (const auto all = ByRecipient()) {
            for (const std::string& recipient : recipients) {
                const auto it = all->find(Lower(recipient));
                if (it != all->end()) {
                    found[recipient] = it->second;
                }
                complete = complete && it != all->end() && it->second.size() >= count;
            }
        } else {
            complete = false;
        }
        if (complete || std::chrono::steady_clock::now() >= deadline) {
            return found;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
}

bool MaildevRequired() {
    const char* required = std::getenv("CLOCKKO_REQUIRE_MAILDEV");  // NOLINT(concurrency-mt-unsafe)
    return required != nullptr && std::string(required) == "1";
}

std::optional<std::string> FindCode(const std::string& text) {
    // The templates put the code alone on its line; names and links may hold digits too.
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t end = std::min(text.find('\n', begin), text.size());
        std::string line = text.substr(begin, end - begin);
        line.erase(0, line.find_first_not_of(" \t"));
        line.erase(line.find_last_not_of(" \t\r") + 1);
        if (line.size() == 6 && std::all_of(line.begin(), line.end(), [](unsigned char c) {
                return std::isdigit(c) != 0;
            })) {
            return line;
        }
        begin = end + 1;
    }
    return std::nullopt;
}

}  // namespace clockko::compat
