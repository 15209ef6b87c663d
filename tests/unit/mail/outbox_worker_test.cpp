#include "mail/outbox_worker.hpp"

#include "test_doubles.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clockko::mail {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeMailer;
using testing::FakeOutboxStore;
using testing::SeededRandom;
using State = FakeOutboxStore::State;

store::OutgoingMail CodeMail(std::string recipient = "ada@example.com") {
    return {
        .recipient = std::move(recipient),
        .template_name = "verify_code",
        .parameters_json = R"({"code":"482913","name":"Ada","expires_minutes":10})",
    };
}

class OutboxWorkerTest : public ::testing::Test {
protected:
    OutboxWorker MakeWorker(OutboxWorkerOptions options = {}) {
        return {
            store_,
            mailer_,
            MailRenderer({.frontend_url = "https://app.test"}),
            clock_,
            random_,
            options};
    }

    FakeOutboxStore store_;
    FakeMailer mailer_;
    FakeClock clock_;
    SeededRandom random_{99};
};

TEST_F(OutboxWorkerTest, SendsRenderedMailAndMarksItSent) {
    const auto first = store_.Add(CodeMail("ada@example.com"), clock_.Now());
    const auto second = store_.Add(CodeMail("bob@example.org"), clock_.Now());
    auto worker = MakeWorker();
    worker.PollOnce();
    const auto sent = mailer_.Sent();
    ASSERT_EQ(sent.size(), 2U);
    EXPECT_EQ(sent[0].recipient, "ada@example.com");
    EXPECT_NE(sent[0].text.find("482913"), std::string::npos);
    EXPECT_NE(sent[0].html.find("https://app.test/verify-email"), std::string::npos);
    EXPECT_EQ(store_.Get(first).state, State::kSent);
    EXPECT_EQ(store_.Get(second).state, State::kSent);
    EXPECT_EQ(worker.Stats().sent, 2U);
    EXPECT_EQ(store_.PendingMailCount(), 0);
}

TEST_F(OutboxWorkerTest, EachMessageIsSentOnce) {
    store_.Add(CodeMail(), clock_.Now());
    auto worker = MakeWorker();
    for (int i = 0; i < 5; ++i) {
        worker.PollOnce();
        clock_.Advance(2min);  // past any lease
    }
    EXPECT_EQ(mailer_.Sent().size(), 1U);
}

TEST_F(OutboxWorkerTest, TemporaryFailureIsRetriedAfterTheBackoffThenSent) {
    const auto id = store_.Add(CodeMail(), clock_.Now());
    mailer_.Script({SendOutcome::Temporary("smtp: connection refused")});
    auto worker = MakeWorker({.retry_base = 5s});
    const core::TimePoint failed_at = clock_.Now();
    worker.PollOnce();
    auto row = store_.Get(id);
    EXPECT_EQ(row.state, State::kPending);
    EXPECT_EQ(row.attempts, 1);
    EXPECT_EQ(row.last_error, "smtp: connection refused");
    EXPECT_GE(row.next_attempt, failed_at);
    EXPECT_LE(row.next_attempt, failed_at + 5s);

    // Not before its time.
    if (row.next_attempt > clock_.Now()) {
        worker.PollOnce();
        EXPECT_EQ(mailer_.Sent().size(), 1U);
    }
    clock_.Advance(5s);
    worker.PollOnce();
    EXPECT_EQ(mailer_.Sent().size(), 2U);
    EXPECT_EQ(store_.Get(id).state, State::kSent);
    EXPECT_EQ(worker.Stats().retried, 1U);
    EXPECT_EQ(worker.Stats().sent, 1U);
}

TEST_F(OutboxWorkerTest, PermanentFailureIsMarkedFailedAtOnce) {
    const auto id = store_.Add(CodeMail(), clock_.Now());
    mailer_.Script({SendOutcome::Permanent("smtp: reply 550")});
    auto worker = MakeWorker();
    worker.PollOnce();
    clock_.Advance(1h);
    worker.PollOnce();
    EXPECT_EQ(mailer_.Sent().size(), 1U);
    EXPECT_EQ(store_.Get(id).state, State::kFailed);
    EXPECT_EQ(store_.Get(id).last_error, "smtp: reply 550");
    EXPECT_EQ(worker.Stats().failed, 1U);
}

TEST_F(OutboxWorkerTest, GivesUpAfterMaxAttempts) {
    const auto id = store_.Add(CodeMail(), clock_.Now());
    mailer_.Script(std::vector<SendOutcome>(10, SendOutcome::Temporary("smtp: timeout")));
    auto worker = MakeWorker({.retry_base = 1s, .retry_cap = 1min, .max_attempts = 4});
    for (int i = 0; i < 10; ++i) {
        worker.PollOnce();
        clock_.Advance(1min);
    }
    EXPECT_EQ(mailer_.Sent().size(), 4U);
    const auto row = store_.Get(id);
    EXPECT_EQ(row.state, State::kFailed);
    EXPECT_NE(row.last_error.find("gave up after 4 attempts"), std::string::npos);
    EXPECT_EQ(worker.Stats().retried, 3U);
}

TEST_F(OutboxWorkerTest, BackoffGrowsWithEachFailure) {
    const auto id = store_.Add(CodeMail(), clock_.Now());
    mailer_.Script(std::vector<SendOutcome>(6, SendOutcome::Temporary("smtp: 451")));
    auto worker = MakeWorker({.retry_base = 1s, .retry_cap = 1h, .max_attempts = 100});
    for (int failures = 1; failures <= 6; ++failures) {
        const core::TimePoint now = clock_.Now();
        worker.PollOnce();
        const auto wait = store_.Get(id).next_attempt - now;
        EXPECT_LE(wait, 1s * (1 << (failures - 1))) << failures;
        clock_.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(wait) + 1ms);
    }
    EXPECT_EQ(store_.Get(id).attempts, 6);
}

TEST_F(OutboxWorkerTest, UnrenderableMailFailsWithoutBeingSent) {
    const auto unknown = store_.Add(
        {.recipient = "a@b.test", .template_name = "nope", .parameters_json = "{}"}, clock_.Now()
    );
    const auto missing = store_.Add(
        {.recipient = "a@b.test", .template_name = "welcome", .parameters_json = "{}"}, clock_.Now()
    );
    auto worker = MakeWorker();
    worker.PollOnce();
    EXPECT_TRUE(mailer_.Sent().empty());
    EXPECT_EQ(store_.Get(unknown).state, State::kFailed);
    EXPECT_EQ(store_.Get(missing).state, State::kFailed);
}

TEST_F(OutboxWorkerTest, SurvivesAnUnavailableStoreAndBacksOff) {
    store_.Add(CodeMail(), clock_.Now());
    store_.FailClaims(3);
    auto worker = MakeWorker({.poll_interval = 100ms, .store_backoff_cap = 300ms});
    EXPECT_EQ(worker.PollOnce(), 100ms);
    EXPECT_EQ(worker.PollOnce(), 200ms);
    EXPECT_EQ(worker.PollOnce(), 300ms);
    EXPECT_TRUE(mailer_.Sent().empty());
    EXPECT_EQ(worker.PollOnce(), 100ms) << "back to the normal poll";
    EXPECT_EQ(mailer_.Sent().size(), 1U);
}

TEST_F(OutboxWorkerTest, AFullBatchAsksForAnotherPassAtOnce) {
    for (int i = 0; i < 3; ++i) {
        store_.Add(CodeMail(), clock_.Now());
    }
    auto worker = MakeWorker({.batch_size = 2});
    EXPECT_EQ(worker.PollOnce(), 0ms);
    EXPECT_EQ(worker.PollOnce(), 1000ms);
    EXPECT_EQ(mailer_.Sent().size(), 3U);
}

TEST_F(OutboxWorkerTest, FailureLogsNameTheDomainButNeverTheCodeOrTheAddress) {
    store_.Add(CodeMail("secret.person@example.com"), clock_.Now());
    mailer_.Script({SendOutcome::Temporary("smtp: 451"), SendOutcome::Permanent("smtp: 550")});
    auto worker = MakeWorker({.retry_base = 1ms});
    ::testing::internal::CaptureStdout();
    worker.PollOnce();
    clock_.Advance(1s);
    worker.PollOnce();
    const std::string log = ::testing::internal::GetCapturedStdout();
    EXPECT_NE(log.find("example.com"), std::string::npos) << log;
    EXPECT_NE(log.find("550"), std::string::npos) << log;
    EXPECT_EQ(log.find("482913"), std::string::npos) << log;
    EXPECT_EQ(log.find("secret.person"), std::string::npos) << log;
}

TEST_F(OutboxWorkerTest, BackgroundThreadSendsPendingMailAtStartAndOnWake) {
    store_.Add(CodeMail("first@example.com"), clock_.Now());
    // An hour between polls: only the start and Wake() can make these sends happen in time.
    auto worker = MakeWorker({.poll_interval = 1h});
    worker.Start();
    ASSERT_TRUE(mailer_.WaitForSends(1, 10s));
    store_.Add(CodeMail("second@example.com"), clock_.Now());
    worker.Wake();
    ASSERT_TRUE(mailer_.WaitForSends(2, 10s));
    worker.Stop();
    EXPECT_EQ(mailer_.Sent().size(), 2U);
    EXPECT_EQ(store_.PendingMailCount(), 0);
}

TEST_F(OutboxWorkerTest, StopReturnsPromptlyAndIsIdempotent) {
    auto worker = MakeWorker({.poll_interval = 1h});
    worker.Start();
    const auto started = std::chrono::steady_clock::now();
    worker.Stop();
    worker.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(OutboxWorkerTest, StoppingMidBatchReleasesTheUntriedMessagesAtOnce) {
    for (int i = 0; i < 3; ++i) {
        store_.Add(CodeMail(), clock_.Now());
    }
    auto worker = MakeWorker({.batch_size = 10});
    mailer_.OnSend([&worker] { worker.Stop(); });  // no thread started: Stop only flags
    worker.PollOnce();
    EXPECT_EQ(mailer_.Sent().size(), 1U);
    EXPECT_EQ(store_.Released(), 2);
    // Claimable again now, not after the 60 s lease.
    EXPECT_EQ(store_.ClaimMail(10, clock_.Now(), 60s).size(), 2U);
}

TEST_F(OutboxWorkerTest, BackgroundThreadKeepsGoingThroughAStoreOutage) {
    store_.Add(CodeMail(), clock_.Now());
    store_.FailClaims(2);
    auto worker = MakeWorker({.poll_interval = 1ms, .store_backoff_cap = 4ms});
    worker.Start();
    ASSERT_TRUE(mailer_.WaitForSends(1, 10s));
    worker.Stop();
    EXPECT_GE(store_.ClaimCalls(), 3);
}

}  // namespace
}  // namespace clockko::mail
