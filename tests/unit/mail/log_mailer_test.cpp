#include "mail/log_mailer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clockko::mail {
namespace {

TEST(LogMailer, WritesTheWholeMessageCodeIncludedForDevelopers) {
    LogMailer mailer;
    ::testing::internal::CaptureStdout();
    const SendOutcome outcome = mailer.Send({
        .recipient = "dev@example.com",
        .subject = "Your ClockKo verification code",
        .text = "Hello,\n\n    482913\n\nexpires in 10 minutes\n",
        .html = "<p>482913</p>",
    });
    const std::string log = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(outcome.status, SendStatus::kDelivered);
    EXPECT_NE(log.find("dev@example.com"), std::string::npos) << log;
    EXPECT_NE(log.find("Your ClockKo verification code"), std::string::npos) << log;
    EXPECT_NE(log.find("482913"), std::string::npos) << log;
    EXPECT_NE(log.find("expires in 10 minutes"), std::string::npos) << log;
}

}  // namespace
}  // namespace clockko::mail
