#pragma once

#include "fixture.hpp"

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace clockko::testing {

inline constexpr const char* kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The two tokens of a login or refresh answer (empty, with a test failure, when absent).
struct Pair {
    std::string access_token;
    std::string refresh_token;
};

Pair ReadPair(const HttpResult& result);

HttpResult Refresh(const ServerProcess& server, const std::string& refresh_token);
HttpResult Logout(const ServerProcess& server, const std::string& refresh_token);
HttpResult LogoutAll(const ServerProcess& server, const std::string& access_token);

/// The id of the user an access token opens (GET /api/auth/user), or "" with a failure.
std::string ReadUserId(const ServerProcess& server, const std::string& access_token);

/// The JSON log lines of `server` whose `event` is `event` and `user_id` is `user_id`, once at
/// least `count` are there (or after a few seconds, whatever is there).
std::vector<boost::json::object> WaitForEvents(
    const ServerProcess& server,
    const std::string& event,
    const std::string& user_id,
    std::size_t count
);

}  // namespace clockko::testing
