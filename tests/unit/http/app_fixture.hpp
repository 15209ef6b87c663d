#pragma once

#include "config/config.hpp"
#include "fakes/counting_random.hpp"
#include "fakes/fake_auth_service.hpp"
#include "http/app.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

namespace clockko::http::testing {

inline HttpRequest MakeRequest(std::string method, std::string target, std::string body = {}) {
    HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    request.peer_address = "192.0.2.10";
    return request;
}

inline HttpRequest Get(std::string target) {
    return MakeRequest("GET", std::move(target));
}

inline HttpRequest PostJson(std::string target, std::string body) {
    HttpRequest request = MakeRequest("POST", std::move(target), std::move(body));
    request.headers.Add("Content-Type", "application/json");
    return request;
}

/// The body as JSON (an empty object when it does not parse, so that assertions fail clearly).
inline boost::json::object Json(const HttpResponse& response) {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(response.body, ec);
    if (ec || !value.is_object()) {
        ADD_FAILURE() << "not a JSON object: " << response.body;
        return {};
    }
    return value.get_object();
}

inline std::string Header(const HttpResponse& response, std::string_view name) {
    return std::string(response.headers.Find(name).value_or("<absent>"));
}

/// An App over a FakeAuthService, as the server drives it: Prepare, then Handle.
class AppTest : public ::testing::Test {
protected:
    AppTest() {
        config_.cors_origins = {"http://localhost:3000", "http://localhost:5173/"};
        config_.trusted_proxies = {"10.0.0.0/8"};
        app_ = std::make_unique<App>(
            config_, auth_, [this] { return ready_.load(); }, random_
        );
    }

    HttpResponse Send(HttpRequest request) {
        app_->Prepare(request);
        return app_->Handle(request);
    }

    config::Config config_;
    FakeAuthService auth_;
    CountingRandom random_;
    std::atomic<bool> ready_{true};
    std::unique_ptr<App> app_;
};

/// Asserts the contract's error body: detail, code and message, detail == message.
inline void ExpectProblem(const HttpResponse& response, int status, std::string_view code) {
    EXPECT_EQ(response.status, status) << response.body;
    const boost::json::object body = Json(response);
    EXPECT_EQ(
        body.if_contains("code") ? body.at("code") : boost::json::value(), boost::json::value(code)
    ) << response.body;
    ASSERT_TRUE(body.contains("detail") && body.contains("message")) << response.body;
    EXPECT_TRUE(body.at("message").is_string()) << response.body;
    EXPECT_EQ(response.content_type, "application/json");
}

}  // namespace clockko::http::testing
