#include "store_contract.hpp"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace clockko::store::testing {
namespace {

using std::chrono::seconds;

TEST_P(StoreContract, ThrottleWindowStartsAtTheFirstHitAndCountsEachHit) {
    Migrate();
    const ThrottleCount first = store().HitThrottle("login:a", T0(), seconds{900});
    EXPECT_EQ(first.hits, 1);
    EXPECT_EQ(first.window_ends_at, std::chrono::floor<seconds>(T0()) + seconds{900});
    const ThrottleCount second = store().HitThrottle("login:a", T0() + seconds{100}, seconds{900});
    EXPECT_EQ(second.hits, 2);
    EXPECT_EQ(second.window_ends_at, first.window_ends_at) << "a hit never extends the window";
    const std::optional<ThrottleCount> read = store().ReadThrottle("login:a", T0() + seconds{899});
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->hits, 2);
    EXPECT_EQ(read->window_ends_at, first.window_ends_at);
    EXPECT_FALSE(store().ReadThrottle("login:b", T0()).has_value()) << "keys are separate";
}

TEST_P(StoreContract, ThrottleWindowRestartsOnceItEnded) {
    Migrate();
    (void)store().HitThrottle("code:a", T0(), seconds{60});
    (void)store().HitThrottle("code:a", T0(), seconds{60});
    const core::TimePoint later = std::chrono::floor<seconds>(T0()) + seconds{60};
    EXPECT_FALSE(store().ReadThrottle("code:a", later).has_value()) << "the window has ended";
    const ThrottleCount restarted = store().HitThrottle("code:a", later, seconds{60});
    EXPECT_EQ(restarted.hits, 1);
    EXPECT_EQ(restarted.window_ends_at, later + seconds{60});
}

TEST_P(StoreContract, ClearThrottleForgetsOneKey) {
    Migrate();
    (void)store().HitThrottle("k1", T0(), seconds{60});
    (void)store().HitThrottle("k2", T0(), seconds{60});
    store().ClearThrottle("k1");
    store().ClearThrottle("never-hit");
    EXPECT_FALSE(store().ReadThrottle("k1", T0()).has_value());
    EXPECT_EQ(store().HitThrottle("k1", T0(), seconds{60}).hits, 1);
    EXPECT_EQ(store().ReadThrottle("k2", T0())->hits, 1);
}

TEST_P(StoreContract, ConcurrentThrottleHitsFromTwoStoresAreNeverLost) {
    Migrate();
    // Two stores on one database stand for two instances: every hit is counted once.
    const std::shared_ptr<Store> other = database().OpenStore();
    constexpr int kThreads = 4;
    constexpr int kHitsPerThread = 25;
    std::vector<std::vector<std::int64_t>> seen(kThreads);
    std::vector<std::thread> threads;
    for (int thread = 0; thread < kThreads; ++thread) {
        threads.emplace_back([&, thread] {
            Store& target = thread % 2 == 0 ? store() : *other;
            for (int hit = 0; hit < kHitsPerThread; ++hit) {
                seen[static_cast<std::size_t>(thread)].push_back(
                    target.HitThrottle("shared", T0(), seconds{900}).hits
                );
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    std::set<std::int64_t> counts;
    for (const auto& values : seen) {
        counts.insert(values.begin(), values.end());
    }
    EXPECT_EQ(counts.size(), static_cast<std::size_t>(kThreads * kHitsPerThread))
        << "each hit saw a distinct count";
    EXPECT_EQ(*counts.rbegin(), kThreads * kHitsPerThread);
    EXPECT_EQ(store().ReadThrottle("shared", T0())->hits, kThreads * kHitsPerThread);
}

TEST_P(StoreContract, ExpiredThrottleCountersAreCleanedUp) {
    Migrate();
    if (!database().SupportsRawAccess()) {
        GTEST_SKIP() << "needs raw access to count rows";
    }
    for (int key = 0; key < 200; ++key) {
        (void)store().HitThrottle("old" + std::to_string(key), T0(), seconds{60});
    }
    // Enough later hits that the periodic clean-up runs at least once.
    for (int hit = 0; hit < 200; ++hit) {
        (void)store().HitThrottle("new", T0() + seconds{3600}, seconds{60});
    }
    const std::optional<std::string> left =
        database().QueryRaw("SELECT COUNT(*) FROM throttle_counters");
    ASSERT_TRUE(left.has_value());
    EXPECT_EQ(*left, "1") << "only the live counter is left";
}

}  // namespace
}  // namespace clockko::store::testing
