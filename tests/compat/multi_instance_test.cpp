// Three `clockko` instances on one PostgreSQL (a schema of their own), behind nginx configured
// like the ALB (balancer.hpp), sending mail to the run's MailDev (cluster.hpp): shared state, a
// SIGKILL and a rolling restart under load.
#include "cluster.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <iostream>
#include <thread>

namespace clockko::compat {
namespace {

using clockko::testing::HttpResult;
using clockko::testing::PostJson;
using namespace std::chrono_literals;

using MultiInstance = Cluster;

TEST_F(MultiInstance, ACodeRequestedThroughOneInstanceVerifiesThroughAnother) {
    StartInstances(kInstances);
    const std::string a = instances_[0]->BaseUrl();
    const std::string b = instances_[1]->BaseUrl();
    const std::string c = instances_[2]->BaseUrl();
    const std::string email = Email("code", 0, 0);

    ASSERT_EQ(Register(a, email).status, 201);
    auto mail = maildev_->WaitFor({email}, 1, 20s);
    ASSERT_EQ(mail[email].size(), 1U) << "the welcome email did not arrive";
    const auto welcome_code = FindCode(mail[email][0].text);
    ASSERT_TRUE(welcome_code) << mail[email][0].text;
    const HttpResult verified =
        PostJson(b + "/api/auth/verify-email", Json({{"email", email}, {"otp", *welcome_code}}));
    EXPECT_EQ(verified.status, 200) << verified.body;
    const HttpResult me = CurrentUser(a, TokenOf(Login(c, email, kPassword)));
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_TRUE(boost::json::parse(me.body).at("is_verified").as_bool()) << me.body;

    ASSERT_EQ(PostJson(c + "/api/auth/forgot-password", Json({{"email", email}})).status, 200);
    mail = maildev_->WaitFor({email}, 2, 20s);
    ASSERT_EQ(mail[email].size(), 2U) << "the reset email did not arrive";
    const auto reset_code = FindCode(mail[email][1].text);
    ASSERT_TRUE(reset_code) << mail[email][1].text;
    const HttpResult reset = PostJson(
        a + "/api/auth/reset-password",
        Json({{"email", email}, {"otp", *reset_code}, {"new_password", "Another-Pass-2024"}})
    );
    EXPECT_EQ(reset.status, 200) << reset.body;
    EXPECT_EQ(Login(b, email, "Another-Pass-2024").status, 200);
    EXPECT_EQ(Login(c, email, kPassword).status, 401);

    // Welcome, reset code, "password changed": each exactly once although three senders poll.
    mail = Delivered({email}, 3);
    ASSERT_EQ(mail[email].size(), 3U);
    std::set<std::string> subjects;
    for (const MailMessage& message : mail[email]) {
        subjects.insert(message.subject);
    }
    EXPECT_EQ(subjects.size(), 3U);
    const Rows sent = database_->Query(
        "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND recipient = '" + email + "'"
    );
    EXPECT_EQ(sent.at(0).at(0), "3");
}

// The throttle counters live in the shared database: failures on one instance count on all.
TEST_F(MultiInstance, ThrottleHoldsAcrossInstances) {
    overrides_ = {{"LOGIN_MAX_FAILURES", "3"}};
    StartInstances(kInstances);
    const std::string email = Email("throttle", 0, 0);
    ASSERT_EQ(Register(instances_[0]->BaseUrl(), email).status, 201);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(Login(instances_[0]->BaseUrl(), email, "wrong-password").status, 401);
    }
    const HttpResult elsewhere = Login(instances_[1]->BaseUrl(), email, "wrong-password");
    EXPECT_EQ(elsewhere.status, 429) << elsewhere.body;
    EXPECT_TRUE(elsewhere.HasHeader("retry-after"));
    const HttpResult right = Login(instances_[2]->BaseUrl(), email, kPassword);
    EXPECT_EQ(right.status, 429) << "the limit holds whatever the password, on every instance";
}

TEST_F(MultiInstance, SigkillDuringRegistrationsLosesNoAnsweredRegistration) {
    StartInstances(kInstances);
    Balancer balancer({});
    for (const auto& instance : instances_) {
        balancer.Register(instance->Port());
    }
    const std::string base = balancer.BaseUrl();
    Load load(4, 150, 20s, 50ms, [&](int worker, int i) {
        Outcome outcome;
        outcome.email = Email("kill", worker, i);
        outcome.started = SteadyClock::now();
        outcome.status = Register(base, outcome.email).status;
        outcome.ok = outcome.status == 201;
        return outcome;
    });
    std::this_thread::sleep_for(1500ms);
    const auto killed_at = SteadyClock::now();
    ASSERT_EQ(instances_[1]->StopWith(SIGKILL), 128 + SIGKILL);
    std::this_thread::sleep_for(3s);
    const std::vector<Outcome> outcomes = load.Stop();

    EXPECT_FALSE(balancer.InRotation().contains(instances_[1]->Port()))
        << "the health check must have taken the dead target out";
    std::set<std::string> answered;
    int late_failures = 0;
    for (const Outcome& outcome : outcomes) {
        if (outcome.ok) {
            answered.insert(outcome.email);
        } else if (outcome.started > killed_at + 1500ms) {
            ++late_failures;  // after the balancer had time to notice
        }
    }
    std::cout << "[ " << outcomes.size() << " registrations through nginx, " << answered.size()
              << " answered 201 ]\n"
              << std::flush;
    ASSERT_GT(answered.size(), 20U) << "too little load to mean anything";
    EXPECT_EQ(late_failures, 0) << balancer.ErrorLog();
    // Every answered registration is there, once, and logs in (through a surviving instance).
    for (const std::string& email : answered) {
        EXPECT_EQ(Login(instances_[0]->BaseUrl(), email, kPassword).status, 200) << email;
    }
    const Rows stored =
        database_->Query("SELECT COUNT(*) FROM users WHERE email LIKE 'mi-" + run_ + "-kill-%'");
    EXPECT_GE(std::stoul(stored.at(0).at(0).value_or("0")), answered.size());
    // Nothing lost: every welcome email arrives. Delivery is at least once, so the one message
    // the killed instance may have been sending when it died may come twice.
    const auto mail = Delivered(answered, 1);
    std::size_t duplicates = 0;
    for (const std::string& email : answered) {
        ASSERT_TRUE(mail.contains(email)) << "no welcome email for " << email;
        duplicates += mail.at(email).size() - 1;
    }
    EXPECT_LE(duplicates, 1U);
}

TEST_F(MultiInstance, RollingRestartUnderLoadFailsNoRequest) {
    StartInstances(kInstances);
    Balancer balancer({});
    for (const auto& instance : instances_) {
        balancer.Register(instance->Port());
    }
    const std::string base = balancer.BaseUrl();
    Load load(3, 400, 60s, 100ms, [&](int worker, int i) {
        Outcome outcome;
        outcome.email = Email("roll", worker, i);
        outcome.started = SteadyClock::now();
        const HttpResult registered = Register(base, outcome.email);
        outcome.status = registered.status;
        if (registered.status != 201) {
            outcome.failure =
                "register " + std::to_string(registered.status) + " " + registered.body;
            return outcome;
        }
        const HttpResult login = Login(base, outcome.email, kPassword);
        const HttpResult me = CurrentUser(base, TokenOf(login));
        if (login.status != 200 || me.status != 200) {
            outcome.failure = "login " + std::to_string(login.status) + ", user " +
                              std::to_string(me.status) + " " + me.body;
            return outcome;
        }
        outcome.ok = true;
        return outcome;
    });

    // ECS's rolling update, one task at a time.
    for (std::size_t old_index = 0; old_index < static_cast<std::size_t>(kInstances); ++old_index) {
        ReplaceInstance(balancer, old_index);
        if (HasFatalFailure()) {
            return;
        }
    }
    std::this_thread::sleep_for(1s);
    const std::vector<Outcome> outcomes = load.Stop();

    std::set<std::string> registered;
    for (const Outcome& outcome : outcomes) {
        EXPECT_TRUE(outcome.ok) << outcome.email << ": " << outcome.failure;
        if (outcome.status == 201) {
            registered.insert(outcome.email);
        }
    }
    std::cout << "[ " << outcomes.size() << " iterations (register, login, user) through nginx ]\n"
              << std::flush;
    ASSERT_GT(outcomes.size(), 30U) << "too little load to mean anything";
    const auto mail = Delivered(registered, 1);
    for (const std::string& email : registered) {
        ASSERT_TRUE(mail.contains(email)) << "no welcome email for " << email;
        EXPECT_EQ(mail.at(email).size(), 1U) << email;
    }
}

}  // namespace
}  // namespace clockko::compat
