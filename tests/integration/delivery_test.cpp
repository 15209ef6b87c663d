// Durable delivery through the outbox, end to end: an SMTP server that is down when the request
// arrives, a restart with mail pending, and two instances sharing one database. Each test runs
// its servers on a database of its own, so that no other server claims its mail.
#include "mail_fixture.hpp"

#include <csignal>
#include <thread>

namespace clockko::testing {
namespace {

using namespace std::chrono_literals;

// The outbox worker's log lines (src/mail/outbox_worker.cpp).
constexpr const char* kRetryLogLine = "mail not sent, will retry";
constexpr const char* kSentLogLine = R"("msg":"mail sent")";

bool WaitForOutput(
    const ServerProcess& server, const std::string& text, std::chrono::seconds patience
) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < deadline) {
        if (server.Output().find(text) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

std::size_t Occurrences(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++count;
    }
    return count;
}

/// Two distinct loopback ports with nothing listening on them a moment ago.
std::pair<int, int> TwoFreePorts() {
    const int first = ServerProcess::FreePort();
    int second = ServerProcess::FreePort();
    while (second == first) {
        second = ServerProcess::FreePort();
    }
    return {first, second};
}

class MailDelivery : public MailTest {};

TEST_P(MailDelivery, MailQueuedWhileSmtpIsDownArrivesOnceItIsUp) {
    const auto [smtp_port, web_port] = TwoFreePorts();
    TestDatabase database(GetParam());
    ServerProcess server(MailServerEnvironment(database, smtp_port));
    UseServer(server, database);

    const std::string email = UniqueEmail("smtp-down");
    const auto started = std::chrono::steady_clock::now();
    const HttpResult registered = Register(email);
    ASSERT_EQ(registered.status, 201) << registered.body;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "the answer never waits for SMTP";
    ASSERT_TRUE(WaitForOutput(server, kRetryLogLine, 15s))
        << "expected a failed first attempt, scheduled for a retry:\n"
        << server.Output();

    OwnMaildev maildev(smtp_port, web_port);
    std::string maildev_log;
    ASSERT_TRUE(maildev.WaitUntilHealthy(30s, maildev_log)) << "MailDev did not start:\n"
                                                            << maildev_log;
    // The retry base is 5 s with full jitter, doubling: a few attempts fit in this bound.
    const auto messages = maildev.Client().WaitForMessages(email, kWelcomeSubject, 1, 60s);
    ASSERT_TRUE(messages) << "the mail never arrived; server output:\n" << server.Output();
    ASSERT_EQ(messages->size(), 1U);
    const std::optional<std::string> code = ExtractCode(messages->front().text);
    ASSERT_TRUE(code);
    Remember(*code);
    EXPECT_EQ(Verify(email, *code).status, 200) << "the delayed code still works";
    // MailDev holds the message as soon as SMTP is done; the worker logs after recording it.
    EXPECT_TRUE(WaitForOutput(server, kSentLogLine, 10s)) << server.Output();
    EXPECT_TRUE(Mail().MessagesTo(email).empty()) << "it went to the MailDev that was down";
}

TEST_P(MailDelivery, MailPendingAtARestartIsSentByTheNextServer) {
    const int unreachable_port = ServerProcess::FreePort();
    TestDatabase database(GetParam());
    const std::string email = UniqueEmail("restart");
    {
        ServerProcess first(MailServerEnvironment(database, unreachable_port));
        UseServer(first, database);
        ASSERT_EQ(Register(email).status, 201);
        ASSERT_TRUE(WaitForOutput(first, kRetryLogLine, 15s)) << first.Output();
        EXPECT_EQ(first.StopWith(SIGTERM), 0) << first.Output();
    }
    EXPECT_TRUE(Mail().MessagesTo(email).empty());

    ServerProcess second(MailServerEnvironment(database, SharedPorts().smtp_port));
    UseServer(second, database);
    // Due again within one retry delay (at most 5 s after the first failure).
    const std::string code = WaitForCode(email, kWelcomeSubject, 1, 30s);
    ASSERT_FALSE(code.empty());
    EXPECT_EQ(Verify(email, code).status, 200);
    EXPECT_EQ(Mail().MostMessagesDuring(email, 1500ms), 1U);
}

TEST_P(MailDelivery, TwoInstancesOnOneDatabaseSendEachMessageOnce) {
    constexpr std::size_t kUsers = 10;
    TestDatabase database(GetParam());
    const auto environment = MailServerEnvironment(database, SharedPorts().smtp_port);
    ServerProcess first(environment);
    ServerProcess second(environment);
    std::vector<std::string> emails;
    for (std::size_t i = 0; i < kUsers; ++i) {
        ServerProcess& server = i % 2 == 0 ? first : second;
        UseServer(server, database);
        emails.push_back(UniqueEmail("twice"));
        ASSERT_EQ(Register(emails.back()).status, 201);
    }
    for (const std::string& email : emails) {
        EXPECT_FALSE(WaitForCode(email, kWelcomeSubject, 1, 30s).empty());
    }
    // Settle: a duplicate would come from the other instance's next pass (1 s apart) or after a
    // lease (60 s, far beyond any send here).
    std::this_thread::sleep_for(3s);
    for (const std::string& email : emails) {
        EXPECT_EQ(Mail().MessagesTo(email).size(), 1U) << email;
    }
    const std::size_t sent =
        Occurrences(first.Output(), kSentLogLine) + Occurrences(second.Output(), kSentLogLine);
    EXPECT_EQ(sent, kUsers) << "each instance logs each mail it sent";
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(MailDelivery);

}  // namespace
}  // namespace clockko::testing
