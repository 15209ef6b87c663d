// JWT parsing and verification (src/auth/token_service.*). Two modes, picked by the first byte:
//   raw     the rest is the token text, as an attacker sends it (signature and format checks);
//   signed  the rest is a claims object that this harness signs with the service's key through
//           libjwt, so that the claim checks (exp, nbf, iat, ver, sub types and ranges) are
//           reached, which a forged signature never allows.
#include "auth/token_service.hpp"
#include "core/clock.hpp"
#include "fuzz_support.hpp"

#include <jwt.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

using clockko::fuzz::Require;

constexpr std::string_view kKey = "fuzzing-secret-key-of-32-bytes!!";
constexpr long long kNow = 1'800'000'000;

/// A Random that is never asked for bytes while verifying (Issue is not called).
class ZeroRandom final : public clockko::core::Random {
public:
    void Fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), 0); }
};

clockko::auth::TokenService& Service() {
    static ZeroRandom random;
    static const auto service = clockko::auth::MakeJwtTokenService(
        {.algorithm = "HS256", .secret_key = std::string(kKey), .previous_secret_key = "old-key"},
        random
    );
    return *service;
}

/// The claims JSON signed HS256 with kKey, or empty when libjwt refuses the JSON.
std::string Sign(const std::string& claims) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) {
        return {};
    }
    const std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
    if (jwt_add_grants_json(jwt.get(), claims.c_str()) != 0 ||
        jwt_set_alg(
            jwt.get(),
            JWT_ALG_HS256,
            reinterpret_cast<const unsigned char*>(kKey.data()),
            static_cast<int>(kKey.size())
        ) != 0) {
        return {};
    }
    char* token = jwt_encode_str(jwt.get());
    if (token == nullptr) {
        return {};
    }
    std::string text(token);
    std::free(token);  // NOLINT(cppcoreguidelines-no-malloc): libjwt's allocation
    return text;
}

void CheckVerdict(std::string_view token) {
    const auto now = clockko::core::FromUnixSeconds(kNow);
    const auto result = Service().Verify(token, now);
    if (!result) {
        const auto code = result.error().code;
        Require(
            code == clockko::core::ErrorCode::kInvalidToken ||
                code == clockko::core::ErrorCode::kTokenExpired,
            "Verify failed with another error code"
        );
        return;
    }
    Require(!result->subject.empty(), "a verified token without sub");
    Require(result->expires_at > now, "a verified token that has expired");
    Require(result->version >= 0, "a verified token with a negative ver");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0) {
        // The seeds hold real tokens signed with kKey: mutations of them must fail cleanly, and
        // whatever verifies must still obey the claim rules.
        CheckVerdict(rest);
        return 0;
    }
    const std::string token = Sign(rest);
    if (!token.empty()) {
        CheckVerdict(token);
    }
    return 0;
}
