#include "cluster.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <csignal>
#include <future>
#include <iostream>
#include <sstream>

namespace clockko::compat {
namespace {

using clockko::testing::Get;
using clockko::testing::HttpResult;
using clockko::testing::PostJson;
using clockko::testing::ServerProcess;
using namespace std::chrono_literals;

long long WallMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()
    )
        .count();
}

// Requests nginx sent to 127.0.0.1:`port` at or after `since_ms` (wall clock), from its log
// lines "msec status upstream_addr method uri".
int RequestsRoutedTo(const std::string& access_log, int port, long long since_ms) {
    std::istringstream lines(access_log);
    std::string line;
    int count = 0;
    const std::string upstream = "127.0.0.1:" + std::to_string(port);
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        double msec = 0;
        std::string status;
        std::string address;
        fields >> msec >> status >> address;
        if (address == upstream && static_cast<long long>(msec * 1000.0) >= since_ms) {
            ++count;
        }
    }
    return count;
}

}  // namespace

Load::Load(
    int workers,
    int max_iterations,
    std::chrono::seconds max_duration,
    std::chrono::milliseconds pause,
    Step step
) {
    const auto deadline = SteadyClock::now() + max_duration;
    for (int worker = 0; worker < workers; ++worker) {
        threads_.emplace_back([this, worker, max_iterations, deadline, pause, step] {
            for (int i = 0; i < max_iterations && !stop_ && SteadyClock::now() < deadline; ++i) {
                Outcome outcome = step(worker, i);
                {
                    const std::scoped_lock lock(mutex_);
                    results_.push_back(std::move(outcome));
                }
                std::this_thread::sleep_for(pause);
            }
        });
    }
}

Load::~Load() {
    Stop();
}

std::vector<Outcome> Load::Stop() {
    stop_ = true;
    for (std::thread& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
    const std::scoped_lock lock(mutex_);
    return results_;
}

std::string Json(std::initializer_list<std::pair<const char*, std::string>> fields) {
    boost::json::object object;
    for (const auto& [key, value] : fields) {
        object[key] = value;
    }
    return boost::json::serialize(object);
}

HttpResult Register(const std::string& base, const std::string& email) {
    return PostJson(base + "/api/auth/register", Json({{"email", email}, {"password", kPassword}}));
}

HttpResult Login(const std::string& base, const std::string& email, const std::string& password) {
    return PostJson(base + "/api/auth/login", Json({{"email", email}, {"password", password}}));
}

std::string TokenOf(const HttpResult& login) {
    boost::system::error_code error;
    const auto body = boost::json::parse(login.body, error);
    if (error || !body.is_object() || !body.as_object().contains("access_token")) {
        return {};
    }
    return std::string(body.at("access_token").as_string());
}

HttpResult CurrentUser(const std::string& base, const std::string& token) {
    return Get(base + "/api/auth/user", {{"Authorization", "Bearer " + token}});
}

bool WaitReady(const ServerProcess& server, std::chrono::seconds patience) {
    const auto deadline = SteadyClock::now() + patience;
    while (SteadyClock::now() < deadline) {
        if (Get(server.BaseUrl() + "/health/ready").status == 200) {
            return true;
        }
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

void Cluster::SetUp() {
    maildev_ = Maildev::FromEnvironment();
    if (!maildev_) {
        if (MaildevRequired()) {
            FAIL() << "CLOCKKO_REQUIRE_MAILDEV=1 but no MailDev: run under scripts/with-maildev.sh";
        }
        GTEST_SKIP() << "no MailDev (run under scripts/with-maildev.sh)";
    }
    database_ = MakeEmptyDatabase(Engine::kPostgres);
    if (!Available(database_)) {
        GTEST_SKIP() << "no PostgreSQL (set CLOCKKO_TEST_POSTGRES_URL, or run make test)";
    }
    run_ = RandomHex(4);
}

void Cluster::TearDown() {
    // In parallel: each one waits out its shutdown delay.
    std::vector<std::future<int>> stopping;
    for (auto& instance : instances_) {
        if (instance && instance->Running()) {
            stopping.push_back(std::async(std::launch::async, [&instance] {
                return instance->StopWith(SIGTERM);
            }));
        }
    }
    for (auto& stop : stopping) {
        stop.get();
    }
}

std::map<std::string, std::string> Cluster::Environment() const {
    auto environment = ServerEnvironment(*database_);
    environment.merge(std::map<std::string, std::string>{
        {"SMTP_HOST", "127.0.0.1"},
        {"SMTP_PORT", std::to_string(maildev_->SmtpPort())},
        {"SMTP_TLS", "off"},
        {"SMTP_FROM", "noreply@clockko.test"},
        {"SMTP_FROM_NAME", "ClockKo"},
        {"FRONTEND_URL", "http://localhost:5173"},
        {"SHUTDOWN_DELAY_SECONDS", std::to_string(kShutdownDelaySeconds)},
        {"CODE_RESEND_SECONDS", "0"},
    });
    for (const auto& [key, value] : overrides_) {
        environment[key] = value;
    }
    return environment;
}

ServerProcess& Cluster::StartInstance() {
    instances_.push_back(std::make_unique<ServerProcess>(Environment()));
    return *instances_.back();
}

// Started at once, so that they also migrate the empty schema at once (advisory lock).
void Cluster::StartInstances(int count) {
    std::vector<std::future<std::unique_ptr<ServerProcess>>> starting;
    for (int i = 0; i < count; ++i) {
        starting.push_back(std::async(std::launch::async, [this] {
            return std::make_unique<ServerProcess>(Environment());
        }));
    }
    for (auto& start : starting) {
        instances_.push_back(start.get());
    }
    for (const auto& instance : instances_) {
        ASSERT_TRUE(WaitReady(*instance)) << instance->Output();
    }
}

std::string Cluster::Email(const std::string& tag, int worker, int n) const {
    return "mi-" + run_ + "-" + tag + "-w" + std::to_string(worker) + "-n" + std::to_string(n) +
           "@example.com";
}

// Waits for `count` messages to each recipient, then a quiet moment for duplicates. Mail a
// stopped or killed instance had claimed but not sent stays leased for the outbox's 60 s
// lease; rather than wait that out, once the outbox has stopped moving (no live instance is
// sending any more) such leases are ended by hand, as if the time had passed.
std::map<std::string, std::vector<MailMessage>> Cluster::Delivered(
    const std::set<std::string>& recipients, std::size_t count
) {
    const auto deadline = SteadyClock::now() + 40s;
    std::string last_pending;
    auto unchanged_since = SteadyClock::now();
    bool released = false;
    while (SteadyClock::now() < deadline) {
        const auto mail = maildev_->WaitFor(recipients, count, 0ms);
        if (std::all_of(recipients.begin(), recipients.end(), [&](const auto& recipient) {
                return mail.contains(recipient) && mail.at(recipient).size() >= count;
            })) {
            break;
        }
        const std::string pending =
            database_->Query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                .at(0)
                .at(0)
                .value_or("0");
        if (pending != last_pending) {
            last_pending = pending;
            unchanged_since = SteadyClock::now();
        } else if (!released && SteadyClock::now() - unchanged_since > 3s) {
            std::cout << "[ outbox idle with " << pending
                      << " message(s) pending: ending the leases of stopped instances ]\n"
                      << std::flush;
            database_->Execute("UPDATE outbox SET claimed_until = NULL WHERE status = 'pending'");
            released = true;
        }
        std::this_thread::sleep_for(200ms);
    }
    std::this_thread::sleep_for(1500ms);  // longer than the outbox poll: a duplicate would show
    return maildev_->WaitFor(recipients, count, 0ms);
}

// One step of ECS's rolling update: start the new task, register it once it is ready, then
// stop the old one (SIGTERM) while the load balancer still routes to it for a moment.
void Cluster::ReplaceInstance(Balancer& balancer, std::size_t old_index) {
    ServerProcess& replacement = StartInstance();
    ASSERT_TRUE(WaitReady(replacement)) << replacement.Output();
    balancer.Register(replacement.Port());
    ServerProcess& old = *instances_[old_index];
    const long long terminated_ms = WallMillis();
    auto stopped = std::async(std::launch::async, [&old] { return old.StopWith(SIGTERM, 30s); });
    std::this_thread::sleep_for(kDeregistrationLag);
    // Still serving, but no longer ready: a load balancer checking readiness stops here.
    EXPECT_EQ(Get(old.BaseUrl() + "/health/ready").status, 503);
    EXPECT_EQ(Get(old.BaseUrl() + "/health").status, 200);
    EXPECT_EQ(Get(old.BaseUrl() + "/").status, 200);
    balancer.Deregister(old.Port());
    EXPECT_EQ(stopped.get(), 0) << "SIGTERM must end in exit 0 in time:\n" << old.Output();
    const int during_delay = RequestsRoutedTo(balancer.AccessLog(), old.Port(), terminated_ms);
    std::cout << "[ instance " << old_index << ": " << during_delay
              << " request(s) routed to it after SIGTERM ]\n"
              << std::flush;
    EXPECT_GT(
        during_delay, 0
    ) << "no request reached the stopping instance: the test proved nothing";
}

}  // namespace clockko::compat
