// The HTTP request path as the server runs it (src/http/session.cpp → app.cpp): raw bytes go
// through Beast's request parser with the server's limits, become an HttpRequest the way
// session.cpp copies them, and App::Prepare + App::Handle answer them over the real AuthService
// (in-memory store, cheap hasher, fixed clock). Up to four pipelined requests per input share
// one fresh service, so a register followed by a login reaches the login path.
// Oracle: sanitizers, plus no 5xx (the store never fails here, so a 500 is an escaped
// exception) and the middleware headers on every answer.
#include "auth/make_auth_service.hpp"
#include "core/log.hpp"
#include "fake_clock.hpp"
#include "fake_password_hasher.hpp"
#include "fuzz_support.hpp"
#include "http/app.hpp"
#include "http/server.hpp"
#include "memory_store.hpp"
#include "seeded_random.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace {

namespace bhttp = boost::beast::http;
using clockko::fuzz::Require;
using clockko::http::HttpRequest;
using clockko::http::HttpResponse;
using clockko::http::Rejection;

constexpr int kMaxRequestsPerInput = 4;

/// The service behind the App, rebuilt for every input so that a crash reproduces alone.
struct Backend {
    Backend()
        : auth(clockko::auth::MakeAuthService({
              .store = store,
              .clock = clock,
              .random = random,
              .settings = {.secret_key = "fuzzing-secret-key-of-32-bytes!!", .bcrypt_cost = 4},
              .hasher = std::make_shared<clockko::fakes::FakePasswordHasher>(),
              .tokens = nullptr,
              .common_passwords = nullptr,
          })),
          app(
              Config(), *auth, [] { return true; }, random
          ) {}

    static clockko::config::Config Config() {
        clockko::config::Config config;
        config.cors_origins = {"http://localhost:3000"};
        config.trusted_proxies = {"192.0.2.0/24", "2001:db8::/32"};
        return config;
    }

    clockko::fakes::MemoryStore store;
    clockko::fakes::FakeClock clock;
    clockko::fakes::SeededRandom random;
    std::unique_ptr<clockko::auth::AuthService> auth;
    clockko::http::App app;
};

/// The server's own mapping of parser errors (session.cpp RejectionFor), nullopt: close silently.
std::optional<Rejection> RejectionFor(const boost::beast::error_code& ec) {
    if (ec == bhttp::error::header_limit) {
        return Rejection::kHeadersTooLarge;
    }
    if (ec == bhttp::error::body_limit) {
        return Rejection::kBodyTooLarge;
    }
    if (ec == bhttp::error::need_more || ec == bhttp::error::end_of_stream ||
        ec == bhttp::error::partial_message) {
        return std::nullopt;
    }
    return Rejection::kBadRequest;
}

void CheckResponse(const HttpResponse& response) {
    Require(
        response.status >= 200 && response.status < 500,
        "unexpected status",
        std::to_string(response.status) + " " + response.log_note
    );
    Require(response.headers.Contains("X-Request-ID"), "a response without X-Request-ID");
    Require(response.headers.Find("X-Content-Type-Options") == "nosniff", "no nosniff");
}

/// Parses one request from the front of `bytes`; returns false when the connection would close.
bool HandleOne(Backend& backend, std::string_view& bytes) {
    bhttp::request_parser<bhttp::string_body> parser;
    const clockko::http::ServerOptions limits;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!bytes.empty() && !parser.is_done()) {
        const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
        bytes.remove_prefix(used);
        if (ec || used == 0) {
            break;
        }
    }
    if (!ec && !parser.is_done()) {
        parser.put_eof(ec);  // the client closed: only a body read to EOF completes here
    }
    HttpRequest request;
    request.peer_address = "192.0.2.10";
    if (parser.is_header_done()) {
        const auto& message = parser.get();
        request.method = std::string(message.method_string());
        request.target = std::string(message.target());
        for (const auto& field : message) {
            request.headers.Add(std::string(field.name_string()), std::string(field.value()));
        }
    }
    if (ec || !parser.is_done()) {
        if (const auto why = RejectionFor(ec)) {
            CheckResponse(backend.app.Reject(request, *why));
        }
        return false;
    }
    request.body = std::move(parser.get().body());
    backend.app.Prepare(request);
    const HttpResponse response = backend.app.Handle(request);
    CheckResponse(response);
    return parser.get().keep_alive() && !response.close_connection;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    // Only errors: a 500 is logged with its cause, the rest would drown the fuzzer's output.
    clockko::core::ConfigureLogging(
        clockko::core::LogLevel::kError, clockko::core::LogFormat::kText
    );
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Backend backend;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    for (int i = 0; i < kMaxRequestsPerInput && !bytes.empty(); ++i) {
        if (!HandleOne(backend, bytes)) {
            break;
        }
    }
    return 0;
}
