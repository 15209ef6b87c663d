#include "mail/retry_backoff.hpp"

#include "test_doubles.hpp"

#include <gtest/gtest.h>

#include <climits>

namespace clockko::mail {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

TEST(RetryDelay, DrawsUniformlyUpToADoublingCeiling) {
    // UniformBelow(bound) answers the drawn value modulo the bound; each line pins one ceiling.
    testing::ScriptedRandom random({4999, 5000, 12345, 19999, 4'000'000'000U});
    EXPECT_EQ(RetryDelay(1, 5s, 10min, random), 4999ms);   // bound 5001
    EXPECT_EQ(RetryDelay(1, 5s, 10min, random), 5000ms);   // the ceiling itself is possible
    EXPECT_EQ(RetryDelay(2, 5s, 10min, random), 2344ms);   // bound 10001
    EXPECT_EQ(RetryDelay(3, 5s, 10min, random), 19999ms);  // bound 20001
    EXPECT_EQ(
        RetryDelay(30, 5s, 10min, random), milliseconds{4'000'000'000U % 600'001U}
    );  // capped
}

TEST(RetryDelay, SeededScheduleStaysUnderTheCapAndSpreadsOut) {
    testing::SeededRandom random(7);
    for (int failures = 1; failures <= 12; ++failures) {
        const milliseconds ceiling = std::min<milliseconds>(5s * (1LL << (failures - 1)), 10min);
        milliseconds smallest = ceiling;
        milliseconds largest{0};
        for (int draw = 0; draw < 400; ++draw) {
            const milliseconds delay = RetryDelay(failures, 5s, 10min, random);
            ASSERT_GE(delay.count(), 0);
            ASSERT_LE(delay, ceiling);
            smallest = std::min(smallest, delay);
            largest = std::max(largest, delay);
        }
        // Full jitter: the draws cover most of [0, ceiling].
        EXPECT_LT(smallest, ceiling / 10) << failures;
        EXPECT_GT(largest, ceiling * 9 / 10) << failures;
    }
}

TEST(RetryDelay, HugeFailureCountsAndOddInputsAreSafe) {
    testing::SeededRandom random(1);
    EXPECT_LE(RetryDelay(INT_MAX, 5s, 10min, random), 10min);
    EXPECT_LE(RetryDelay(0, 5s, 10min, random), 5s);
    EXPECT_LE(RetryDelay(-3, 5s, 10min, random), 5s);
    EXPECT_EQ(RetryDelay(INT_MAX, 0ms, 10min, random), 0ms);
    EXPECT_LE(RetryDelay(3, 5s, 1s, random), 1s) << "a cap below the base wins";
    EXPECT_LE(RetryDelay(64, 1000h, 100000h, random).count(), std::int64_t{UINT32_MAX});
}

}  // namespace
}  // namespace clockko::mail
