#include "auth/code_flow.hpp"

#include "auth_harness.hpp"

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

TEST(FloorToSeconds, DropsTheFraction) {
    const core::TimePoint time = core::FromUnixSeconds(100) + std::chrono::milliseconds{999};
    EXPECT_EQ(auth::FloorToSeconds(time), core::FromUnixSeconds(100));
}

TEST(InvalidOtp, IsTheOneClientAnswer) {
    const core::Error first = auth::InvalidOtp("wrong code");
    const core::Error second = auth::InvalidOtp("expired");
    EXPECT_EQ(first.code, core::ErrorCode::kInvalidOtp);
    EXPECT_EQ(first.detail, second.detail);
    EXPECT_NE(first.log, second.log) << "operators still see why";
}

TEST(CheckCode, NeverMatchesAnotherUsersCode) {
    AuthHarness harness;
    harness.Register("a@example.com");
    harness.Register("b@example.com");
    const std::string code_of_a = harness.LastCode("a@example.com", "welcome");
    EXPECT_EQ(
        harness.service->VerifyEmail("b@example.com", code_of_a).error().code,
        core::ErrorCode::kInvalidOtp
    );
    EXPECT_TRUE(harness.service->VerifyEmail("a@example.com", code_of_a));
}

}  // namespace
}  // namespace clockko::testing
