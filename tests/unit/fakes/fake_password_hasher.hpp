#pragma once

#include "auth/password_hasher.hpp"

#include <atomic>
#include <string>
#include <string_view>

namespace clockko::fakes {

/// A cheap, transparent stand-in for bcrypt: "fake$<cost>$<password>". Same contract as the
/// real one (refuses NUL and over 72 bytes in Hash; Verify counts one computation per call).
/// @par Thread safety: every function may be called concurrently.
class FakePasswordHasher final : public auth::PasswordHasher {
public:
    explicit FakePasswordHasher(int cost = 4);

    [[nodiscard]] std::string Hash(std::string_view password) override;
    [[nodiscard]] bool Verify(std::string_view password, std::string_view hash) override;
    [[nodiscard]] bool NeedsRehash(std::string_view hash) const override;

    [[nodiscard]] const std::string& DummyHash() const override { return dummy_; }

    /// Simulates BCRYPT_ROUNDS being changed: later hashes use `cost`, older ones need a rehash.
    void SetCost(int cost);

    [[nodiscard]] int HashCount() const { return hash_count_.load(); }

    [[nodiscard]] int VerifyCount() const { return verify_count_.load(); }

private:
    [[nodiscard]] std::string Prefix() const;

    std::atomic<int> cost_;
    std::string dummy_ = "dummy$no-password-matches";
    std::atomic<int> hash_count_{0};
    std::atomic<int> verify_count_{0};
};

}  // namespace clockko::fakes
