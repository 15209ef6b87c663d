// The Beast session over real sockets: HttpServer on 127.0.0.1, port 0, with the fake App.
#include "config/config.hpp"
#include "fakes/counting_random.hpp"
#include "fakes/fake_auth_service.hpp"
#include "http/server.hpp"
#include "raw_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace clockko::http::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kGetUser =
    "GET /api/auth/user HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer tok\r\n\r\n";
constexpr std::string_view kGetHealth = "GET /health HTTP/1.1\r\nHost: t\r\n\r\n";

std::string PostJson(std::string_view path, std::string_view body) {
    return "POST " + std::string(path) +
           " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

/// Holds the fake's callers until the test opens it.
class Gate final {
public:
    void Arrive() {
        std::unique_lock lock(mutex_);
        ++arrived_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
    }

    bool AwaitArrivals(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 5s, [&] { return arrived_ >= count; });
    }

    void Open() {
        const std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int arrived_ = 0;
    bool open_ = false;
};

// GET /api/auth/user is these tests' blocking route: with PostgreSQL it runs on a worker (with
// SQLite it is a point read on the I/O thread, issue 7).
config::Config WorkerReadsConfig() {
    config::Config config;
    config.database.kind = config::DatabaseKind::kPostgres;
    return config;
}

class SessionTest : public ::testing::Test {
protected:
    SessionTest()
        : app_(
              WorkerReadsConfig(), auth_, [] { return true; }, random_
          ) {}

    void TearDown() override {
        gate_.Open();
        if (server_) {
            server_->Stop();
            server_->Wait();
        }
    }

    static ServerOptions Options() {
        ServerOptions options;
        options.host = "127.0.0.1";
        options.port = 0;
        options.io_threads = 2;
        options.worker_threads = 2;
        return options;
    }

    void Start(const ServerOptions& options = Options()) {
        server_ = std::make_unique<HttpServer>(options, app_);
        server_->Start();
        port_ = server_->BoundPort();
    }

    void BlockCurrentUser() {
        auth_.on_current_user = [this](const std::string&) -> core::Result<auth::UserProfile> {
            gate_.Arrive();
            return SampleUser();
        };
    }

    /// Runs Wait() on another thread; the future is ready when it returned.
    std::future<void> WaitAsync() {
        return std::async(std::launch::async, [this] { server_->Wait(); });
    }

    FakeAuthService auth_;
    CountingRandom random_;
    App app_;
    Gate gate_;
    std::unique_ptr<HttpServer> server_;
    unsigned short port_ = 0;
};

TEST_F(SessionTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    Start();
    RawClient client(port_);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(client.Send(kGetHealth));
        const auto response = client.Read();
        ASSERT_TRUE(response) << i;
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->body, R"({"status":"ok"})");
        EXPECT_NE(response->Header("connection"), "close");
    }
    EXPECT_EQ(server_->OpenConnections(), 1U);
}

TEST_F(SessionTest, ResponsesCarryTheMiddlewareHeaders) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send("GET /missing HTTP/1.1\r\nHost: t\r\nX-Request-ID: wire-1\r\n\r\n"));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 404);
    EXPECT_EQ(response->Header("x-request-id"), "wire-1");
    EXPECT_EQ(response->Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(response->Header("content-type"), "application/json");
    EXPECT_EQ(response->body, R"({"detail":"Not Found","code":"not_found","message":"Not Found"})");
}

TEST_F(SessionTest, PipelinedRequestsAreAnsweredInOrder) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send(std::string(kGetHealth) + "GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    const auto first = client.Read();
    const auto second = client.Read();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->body, R"({"status":"ok"})");
    EXPECT_EQ(second->body, R"({"message":"ClockKo API is running"})");
}

TEST_F(SessionTest, WorkerRoutesAnswerThroughThePool) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send(PostJson("/api/auth/login", R"({"email":"a@b.co","password":"pw"})")));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->Header("cache-control"), "no-store");
    ASSERT_TRUE(auth_.LastLogin());
    EXPECT_EQ(auth_.LastLogin()->client_address, "127.0.0.1");
}

TEST_F(SessionTest, ConnectionCloseIsHonoured) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_TRUE(client.ClosedWithin(3s));
}

TEST_F(SessionTest, Http10ClosesAfterTheResponse) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send("GET /health HTTP/1.0\r\n\r\n"));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(client.ClosedWithin(3s));
}

TEST_F(SessionTest, HeadSendsHeadersOnly) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send("HEAD /health HTTP/1.1\r\nHost: t\r\n\r\n"));
    const auto head = client.Read(/*head=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->Header("content-length"), "15");
    // Had a body been sent, it would be read as the next response's status line.
    ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    const auto next = client.Read();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body, R"({"message":"ClockKo API is running"})");
}

TEST_F(SessionTest, PreflightAnswers204WithoutBody) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(
        client.Send("OPTIONS /api/auth/login HTTP/1.1\r\nHost: t\r\nOrigin: http://x.example\r\n"
                    "Access-Control-Request-Method: POST\r\n\r\n")
    );
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 204);
    EXPECT_EQ(response->Header("access-control-allow-methods"), "POST, OPTIONS");
    EXPECT_EQ(response->Header("content-length"), "<absent>");
    ASSERT_TRUE(client.Send(kGetHealth));  // the connection is still in step
    EXPECT_EQ(client.Read().value_or(RawClient::Response{}).status, 200);
}

TEST_F(SessionTest, DeclaredBodyOverLimitAnswers413AndCloses) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send(
        "POST /api/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Content-Length: 70000\r\nX-Request-ID: big-1\r\n\r\n"
    ));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_NE(response->body.find(R"("code":"payload_too_large")"), std::string::npos);
    EXPECT_EQ(response->Header("x-request-id"), "big-1");
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_TRUE(client.ClosedWithin(5s));
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(SessionTest, SentBodyOverLimitStillGetsTheAnswer) {
    Start();
    RawClient client(port_);
    const std::string body(std::size_t{200} * 1024, 'x');
    ASSERT_TRUE(client.Send(PostJson("/api/auth/register", body)));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
}

TEST_F(SessionTest, ChunkedBodyOverLimitAnswers413) {
    Start();
    RawClient client(port_);
    std::string request =
        "POST /api/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 5; ++i) {
        request += "4000\r\n" + std::string(0x4000, 'a') + "\r\n";
    }
    request += "0\r\n\r\n";
    ASSERT_TRUE(client.Send(request));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
}

TEST_F(SessionTest, BodyAtTheLimitIsAccepted) {
    Start();
    RawClient client(port_);
    std::string body = R"({"email":"a@b.co","password":"p","pad":")";
    body += std::string(kMaxBodyBytes - body.size() - 2, 'x') + "\"}";
    ASSERT_EQ(body.size(), kMaxBodyBytes);
    ASSERT_TRUE(client.Send(PostJson("/api/auth/register", body)));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 201);
}

TEST_F(SessionTest, OversizedHeadersAnswer431AndClose) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send(
        "GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(std::size_t{17} * 1024, 'a') +
        "\r\n\r\n"
    ));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);
    EXPECT_NE(
        response->body.find(R"("code":"request_header_fields_too_large")"), std::string::npos
    );
    EXPECT_TRUE(client.ClosedWithin(5s));
}

TEST_F(SessionTest, MalformedRequestsAnswer400AndClose) {
    Start();
    for (const std::string bad :
         {"NOT-HTTP\r\n\r\n",
          "GET /health HTTP/9\r\n\r\n",
          "GET /health HTTP/1.1\r\nBad Header\r\n\r\n",
          "POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n"}) {
        RawClient client(port_);
        ASSERT_TRUE(client.Send(bad));
        const auto response = client.Read();
        ASSERT_TRUE(response) << bad;
        EXPECT_EQ(response->status, 400) << bad;
        EXPECT_NE(response->body.find(R"("code":"bad_request")"), std::string::npos);
        EXPECT_NE(response->Header("x-request-id"), "<absent>");
        EXPECT_TRUE(client.ClosedWithin(5s)) << bad;
    }
}

TEST_F(SessionTest, ExpectContinueGetsAnInterimResponse) {
    Start();
    RawClient client(port_);
    ASSERT_TRUE(client.Send(
        "POST /api/auth/forgot-password HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Content-Length: 18\r\nExpect: 100-continue\r\n\r\n"
    ));
    const auto interim = client.Read(/*head=*/true);
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(client.Send(R"({"email":"a@b.co"})"));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
}

TEST_F(SessionTest, SlowHeadersAreCutOff) {
    ServerOptions options = Options();
    options.header_timeout = 300ms;
    Start(options);
    RawClient client(port_);
    ASSERT_TRUE(client.Send("GET /health HTTP/1.1\r\nHost: t\r\n"));
    EXPECT_TRUE(client.ClosedWithin(3s));
}

TEST_F(SessionTest, SilentNewConnectionIsCutOffAfterTheHeaderTimeout) {
    ServerOptions options = Options();
    options.header_timeout = 300ms;
    Start(options);
    RawClient client(port_);
    EXPECT_TRUE(client.ClosedWithin(3s));
}

TEST_F(SessionTest, IdleKeepAliveConnectionIsClosed) {
    ServerOptions options = Options();
    options.idle_timeout = 300ms;
    Start(options);
    RawClient client(port_);
    ASSERT_TRUE(client.Send(kGetHealth));
    ASSERT_TRUE(client.Read());
    EXPECT_TRUE(client.ClosedWithin(3s));
}

TEST_F(SessionTest, SlowBodyIsCutOff) {
    ServerOptions options = Options();
    options.body_timeout = 300ms;
    Start(options);
    RawClient client(port_);
    ASSERT_TRUE(
        client.Send("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: "
                    "application/json\r\nContent-Length: 100\r\n\r\n{")
    );
    EXPECT_TRUE(client.ClosedWithin(3s));
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(SessionTest, FullWorkerQueueAnswers503WithoutBlockingInlineRoutes) {
    ServerOptions options = Options();
    options.worker_threads = 1;
    options.worker_queue_limit = 0;
    Start(options);
    BlockCurrentUser();
    RawClient busy(port_);
    ASSERT_TRUE(busy.Send(kGetUser));
    ASSERT_TRUE(gate_.AwaitArrivals(1));

    RawClient refused(port_);
    ASSERT_TRUE(refused.Send(kGetUser));
    const auto overloaded = refused.Read();
    ASSERT_TRUE(overloaded);
    EXPECT_EQ(overloaded->status, 503);
    EXPECT_EQ(overloaded->Header("retry-after"), "1");
    EXPECT_NE(overloaded->body.find(R"("code":"service_unavailable")"), std::string::npos);

    RawClient health(port_);
    ASSERT_TRUE(health.Send(kGetHealth));
    const auto alive = health.Read();
    ASSERT_TRUE(alive);
    EXPECT_EQ(alive->status, 200);

    gate_.Open();
    const auto done = busy.Read();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->status, 200);
}

TEST_F(SessionTest, QueueLimitLetsThatManyJobsWait) {
    ServerOptions options = Options();
    options.worker_threads = 1;
    options.worker_queue_limit = 1;
    Start(options);
    BlockCurrentUser();
    RawClient running(port_);
    ASSERT_TRUE(running.Send(kGetUser));
    ASSERT_TRUE(gate_.AwaitArrivals(1));
    RawClient waiting(port_);
    ASSERT_TRUE(waiting.Send(kGetUser));
    for (int i = 0; i < 500 && server_->QueuedJobs() < 1; ++i) {
        std::this_thread::sleep_for(10ms);  // polling a real queue; nothing to fake here
    }
    ASSERT_EQ(server_->QueuedJobs(), 1U);
    RawClient refused(port_);
    ASSERT_TRUE(refused.Send(kGetUser));
    const auto overloaded = refused.Read();
    ASSERT_TRUE(overloaded);
    EXPECT_EQ(overloaded->status, 503);
    gate_.Open();
    EXPECT_EQ(running.Read().value_or(RawClient::Response{}).status, 200);
    EXPECT_EQ(waiting.Read().value_or(RawClient::Response{}).status, 200);
}

TEST_F(SessionTest, ConnectionsPastTheCapGet503) {
    ServerOptions options = Options();
    options.max_connections = 1;
    Start(options);
    RawClient first(port_);
    ASSERT_TRUE(first.Send(kGetHealth));
    ASSERT_TRUE(first.Read());
    RawClient second(port_);
    const auto refused = second.Read();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503);
    EXPECT_NE(refused->Header("retry-after"), "<absent>");
    EXPECT_EQ(refused->Header("connection"), "close");
    EXPECT_TRUE(second.ClosedWithin(5s));
    ASSERT_TRUE(first.Send(kGetHealth));
    EXPECT_TRUE(first.Read());
}

TEST_F(SessionTest, StopDrainsAnInFlightRequest) {
    Start();
    BlockCurrentUser();
    RawClient client(port_);
    ASSERT_TRUE(client.Send(kGetUser));
    ASSERT_TRUE(gate_.AwaitArrivals(1));
    server_->Stop();
    std::future<void> waited = WaitAsync();
    bool refused = false;
    for (int i = 0; i < 300 && !refused; ++i) {
        refused = !RawClient::CanConnect(port_);
        if (!refused) {
            std::this_thread::sleep_for(10ms);
        }
    }
    EXPECT_TRUE(refused) << "still accepting after Stop()";
    EXPECT_EQ(waited.wait_for(100ms), std::future_status::timeout)
        << "Wait() did not wait for the request";
    gate_.Open();
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_EQ(waited.wait_for(5s), std::future_status::ready);
}

TEST_F(SessionTest, StopClosesIdleConnectionsAtOnce) {
    ServerOptions options = Options();
    options.shutdown_grace = 30s;
    Start(options);
    RawClient idle(port_);
    ASSERT_TRUE(idle.Send(kGetHealth));
    ASSERT_TRUE(idle.Read());
    RawClient silent(port_);
    const auto started = std::chrono::steady_clock::now();
    server_->Stop();
    std::future<void> waited = WaitAsync();
    EXPECT_TRUE(idle.ClosedWithin(5s));
    EXPECT_TRUE(silent.ClosedWithin(5s));
    ASSERT_EQ(waited.wait_for(5s), std::future_status::ready);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(SessionTest, GraceElapsedClosesWhatIsLeft) {
    ServerOptions options = Options();
    options.shutdown_grace = 300ms;
    Start(options);
    RawClient slow(port_);
    ASSERT_TRUE(slow.Send("GET /health HTTP/1.1\r\nHost: t\r\n"));  // headers never finish
    std::this_thread::sleep_for(50ms);  // let the server read the partial request
    server_->Stop();
    std::future<void> waited = WaitAsync();
    EXPECT_EQ(waited.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(slow.ClosedWithin(1s));
}

TEST_F(SessionTest, TakenPortIsAClearError) {
    Start();
    ServerOptions options = Options();
    options.port = port_;
    HttpServer second(options, app_);
    try {
        second.Start();
        FAIL() << "Start() bound a taken port";
    } catch (const std::runtime_error& error) {
        EXPECT_EQ(
            std::string(error.what()),
            "cannot listen on 127.0.0.1:" + std::to_string(port_) + ": Address already in use"
        );
    }
}

TEST_F(SessionTest, ProbeHealthSeesARunningServer) {
    Start();
    EXPECT_TRUE(ProbeHealth("127.0.0.1", port_, 2s));
    EXPECT_TRUE(ProbeHealth("0.0.0.0", port_, 2s));
    server_->Stop();
    server_->Wait();
    EXPECT_FALSE(ProbeHealth("127.0.0.1", port_, 2s));
}

// Issue 7: password work runs on the hash pool, so logins waiting for bcrypt never take the
// workers that token checks need (before, they filled every worker and GET /user queued).
TEST_F(SessionTest, LoginsOnTheHashPoolLeaveTheWorkersFree) {
    ServerOptions options = Options();
    options.worker_threads = 1;
    options.hash_threads = 1;
    options.worker_queue_limit = 0;
    Start(options);
    auth_.on_login = [this](const auth::LoginInput&) -> core::Result<auth::TokenGrant> {
        gate_.Arrive();
        return core::MakeError(core::ErrorCode::kInvalidCredentials, "Incorrect email or password");
    };
    RawClient login(port_);
    ASSERT_TRUE(login.Send(PostJson("/api/auth/login", R"({"email":"a@b.co","password":"pw"})")));
    ASSERT_TRUE(gate_.AwaitArrivals(1));
    RawClient user(port_);
    ASSERT_TRUE(user.Send(kGetUser));
    EXPECT_EQ(user.Read().value_or(RawClient::Response{}).status, 200);
    gate_.Open();
    EXPECT_EQ(login.Read().value_or(RawClient::Response{}).status, 401);
}

// Under a login load the CPU must go to the I/O threads that answer token checks first.
TEST_F(SessionTest, PasswordWorkRunsAtALowerCpuPriority) {
    ServerOptions options = Options();
    options.hash_threads = 1;
    Start(options);
    std::atomic<int> seen{-100};
    auth_.on_login = [&seen](const auth::LoginInput&) -> core::Result<auth::TokenGrant> {
        seen = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
        return core::MakeError(core::ErrorCode::kInvalidCredentials, "Incorrect email or password");
    };
    RawClient login(port_);
    ASSERT_TRUE(login.Send(PostJson("/api/auth/login", R"({"email":"a@b.co","password":"pw"})")));
    EXPECT_EQ(login.Read().value_or(RawClient::Response{}).status, 401);
    const int base = ::getpriority(PRIO_PROCESS, 0);
    EXPECT_EQ(seen.load(), std::min(base + options.hash_nice, 19));
    if (base < 19) {  // already the lowest: nothing to lower
        EXPECT_GT(seen.load(), base);
    }
}

}  // namespace
}  // namespace clockko::http::testing
