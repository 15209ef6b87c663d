#include "session_helpers.hpp"

#include <chrono>
#include <sstream>
#include <thread>

namespace clockko::testing {

namespace json = boost::json;

Pair ReadPair(const HttpResult& result) {
    EXPECT_EQ(result.status, 200) << result.body;
    const json::value body = ParseJson(result.body);
    if (!body.is_object() || !body.as_object().contains("access_token") ||
        !body.as_object().contains("refresh_token")) {
        ADD_FAILURE() << "no token pair in " << result.body;
        return {};
    }
    return {
        .access_token = std::string(body.at("access_token").as_string()),
        .refresh_token = std::string(body.at("refresh_token").as_string()),
    };
}

HttpResult Refresh(const ServerProcess& server, const std::string& refresh_token) {
    return PostJson(
        server.BaseUrl() + "/api/auth/refresh",
        json::serialize(json::object{{"refresh_token", refresh_token}})
    );
}

HttpResult Logout(const ServerProcess& server, const std::string& refresh_token) {
    return PostJson(
        server.BaseUrl() + "/api/auth/logout",
        json::serialize(json::object{{"refresh_token", refresh_token}})
    );
}

HttpResult LogoutAll(const ServerProcess& server, const std::string& access_token) {
    return Request(
        "POST",
        server.BaseUrl() + "/api/auth/logout-all",
        {{"Authorization", "Bearer " + access_token}}
    );
}

std::string ReadUserId(const ServerProcess& server, const std::string& access_token) {
    const HttpResult me =
        Get(server.BaseUrl() + "/api/auth/user", {{"Authorization", "Bearer " + access_token}});
    if (me.status != 200) {
        ADD_FAILURE() << "GET /api/auth/user: " << me.status << " " << me.body;
        return {};
    }
    return std::string(ParseJson(me.body).at("id").as_string());
}

namespace {

std::vector<json::object> MatchingLines(
    const std::string& output, const std::string& event, const std::string& user_id
) {
    std::vector<json::object> found;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        boost::system::error_code error;
        const json::value value = json::parse(line, error);
        if (error || !value.is_object()) {
            continue;
        }
        const json::object& object = value.as_object();
        const auto* event_field = object.if_contains("event");
        const auto* user_field = object.if_contains("user_id");
        if (event_field != nullptr && user_field != nullptr && *event_field == event.c_str() &&
            *user_field == user_id.c_str()) {
            found.push_back(object);
        }
    }
    return found;
}

}  // namespace

std::vector<json::object> WaitForEvents(
    const ServerProcess& server,
    const std::string& event,
    const std::string& user_id,
    std::size_t count
) {
    // The line is written before the response is sent, but through a buffered pipe to a file.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    std::vector<json::object> found;
    while (true) {
        found = MatchingLines(server.Output(), event, user_id);
        if (found.size() >= count || std::chrono::steady_clock::now() >= deadline) {
            return found;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
}

}  // namespace clockko::testing
