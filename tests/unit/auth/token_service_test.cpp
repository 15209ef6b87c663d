#include "auth/token_service.hpp"

#include "seeded_random.hpp"

#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdlib>
#include <memory>

namespace clockko::auth {
namespace {

constexpr std::string_view kSecret = "unit-test-secret-key-of-32-bytes!";
constexpr std::string_view kUserId = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
constexpr core::TimePoint kNow{std::chrono::seconds{1'800'000'000}};

// Made by python-jose 3.3.0 (the original backend's library), `jwt.encode({"sub": …,
// "exp": 1800000600}, kSecret, algorithm="HS256")`: only sub and exp, as the old backend signed.
constexpr std::string_view kPythonJoseToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIzZjFjMmE0ZS01YjZkLTRlN2YtOGE5Yi0wYzFkMmUzZjRhNWIiLCJleHAiOjE4MDAwMDA2MDB9."
    "zgfD6MmvqwJef4Y_IHRj9fQvDmsFgSOAABY3isVVGHM";

std::string Base64Url(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(out.data()),
        reinterpret_cast<const unsigned char*>(bytes.data()),
        static_cast<int>(bytes.size())
    );
    out.resize(static_cast<std::size_t>(length));
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    for (char& c : out) {
        c = c == '+' ? '-' : (c == '/' ? '_' : c);
    }
    return out;
}

// Any header and payload, HS256-signed with `key`: for headers libjwt would not write.
std::string HandMade(
    std::string_view header_json, std::string_view payload_json, std::string_view key
) {
    const std::string input = Base64Url(header_json) + "." + Base64Url(payload_json);
    std::array<unsigned char, 32> mac{};
    unsigned int length = 0;
    HMAC(
        EVP_sha256(),
        key.data(),
        static_cast<int>(key.size()),
        reinterpret_cast<const unsigned char*>(input.data()),
        input.size(),
        mac.data(),
        &length
    );
    return input + "." +
           Base64Url(std::string_view(reinterpret_cast<const char*>(mac.data()), length));
}

// A token signed by libjwt with any algorithm, key and claims.
std::string Crafted(jwt_alg_t algorithm, std::string_view key, const std::string& claims_json) {
    jwt_t* raw = nullptr;
    EXPECT_EQ(jwt_new(&raw), 0);
    const std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
    EXPECT_EQ(jwt_add_grants_json(jwt.get(), claims_json.c_str()), 0);
    const std::string key_text(key);
    EXPECT_EQ(
        jwt_set_alg(
            jwt.get(),
            algorithm,
            algorithm == JWT_ALG_NONE ? nullptr
                                      : reinterpret_cast<const unsigned char*>(key_text.data()),
            algorithm == JWT_ALG_NONE ? 0 : static_cast<int>(key_text.size())
        ),
        0
    );
    char* token = jwt_encode_str(jwt.get());
    EXPECT_NE(token, nullptr);
    std::string out = token != nullptr ? token : "";
    // NOLINTNEXTLINE(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory): libjwt's malloc
    std::free(token);
    return out;
}

std::string Claims(long long exp, const std::string& extra = "") {
    return R"({"sub":")" + std::string(kUserId) + R"(","exp":)" + std::to_string(exp) + extra + "}";
}

class TokenServiceTest : public ::testing::Test {
protected:
    std::unique_ptr<TokenService> Make(std::string algorithm = "HS256", std::string previous = "") {
        return MakeJwtTokenService(
            TokenSettings{
                .algorithm = std::move(algorithm),
                .secret_key = std::string(kSecret),
                .previous_secret_key = std::move(previous),
                .lifetime = std::chrono::minutes{30},
            },
            random_
        );
    }

    void ExpectRejected(
        std::string_view token, core::ErrorCode code = core::ErrorCode::kInvalidToken
    ) {
        const auto result = tokens_->Verify(token, kNow);
        ASSERT_FALSE(result) << "accepted: " << token;
        EXPECT_EQ(result.error().code, code) << result.error().log;
        if (token.size() > 8) {
            EXPECT_EQ(result.error().log.find(token), std::string::npos)
                << "a token must never be logged";
        }
    }

    fakes::SeededRandom random_{3};
    std::unique_ptr<TokenService> tokens_ = Make();
};

TEST_F(TokenServiceTest, IssuesTokensThatVerifyWithTheirClaims) {
    const std::string token = tokens_->Issue(kUserId, 3, kNow);
    const auto claims = tokens_->Verify(token, kNow + std::chrono::minutes{29});
    ASSERT_TRUE(claims) << claims.error().log;
    EXPECT_EQ(claims->subject, kUserId);
    EXPECT_EQ(claims->version, 3);
    EXPECT_EQ(claims->issued_at, kNow);
    EXPECT_EQ(claims->expires_at, kNow + std::chrono::minutes{30});
    EXPECT_EQ(claims->token_id.size(), 32U);
    EXPECT_EQ(tokens_->Lifetime(), std::chrono::minutes{30});
}

TEST_F(TokenServiceTest, GivesEachTokenItsOwnId) {
    const auto first = tokens_->Verify(tokens_->Issue(kUserId, 0, kNow), kNow);
    const auto second = tokens_->Verify(tokens_->Issue(kUserId, 0, kNow), kNow);
    ASSERT_TRUE(first && second);
    EXPECT_NE(first->token_id, second->token_id);
}

// A refresh repeated within the grace window must answer the very same access token, possibly
// from another instance: IssueAt takes every claim from its arguments.
TEST_F(TokenServiceTest, IssueAtIsDeterministicAcrossServiceInstances) {
    const auto other_instance = Make();
    const std::string token =
        tokens_->IssueAt(kUserId, 2, kNow, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(other_instance->IssueAt(kUserId, 2, kNow, "0123456789abcdef0123456789abcdef"), token);
    EXPECT_NE(tokens_->IssueAt(kUserId, 2, kNow + std::chrono::seconds{1}, "0123"), token);
    const auto claims = tokens_->Verify(token, kNow);
    ASSERT_TRUE(claims) << claims.error().log;
    EXPECT_EQ(claims->token_id, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(claims->version, 2);
    EXPECT_EQ(claims->issued_at, kNow);
}

TEST_F(TokenServiceTest, RejectsAlgNone) {
    ExpectRejected(Crafted(JWT_ALG_NONE, "", Claims(core::ToUnixSeconds(kNow) + 60)));
    ExpectRejected(
        HandMade(R"({"alg":"none","typ":"JWT"})", Claims(core::ToUnixSeconds(kNow) + 60), kSecret)
    );
}

TEST_F(TokenServiceTest, RejectsAnotherHsAlgorithmWithTheSameKey) {
    // libjwt verifies with the header's algorithm, so these decode: the pin must reject them.
    ExpectRejected(Crafted(JWT_ALG_HS512, kSecret, Claims(core::ToUnixSeconds(kNow) + 60)));
    ExpectRejected(Crafted(JWT_ALG_HS384, kSecret, Claims(core::ToUnixSeconds(kNow) + 60)));
    EXPECT_TRUE(Make("HS512")->Verify(
        Crafted(JWT_ALG_HS512, kSecret, Claims(core::ToUnixSeconds(kNow) + 60)), kNow
    ));
}

TEST_F(TokenServiceTest, RejectsAnRsaHeaderSignedWithTheSecret) {
    ExpectRejected(
        HandMade(R"({"alg":"RS256","typ":"JWT"})", Claims(core::ToUnixSeconds(kNow) + 60), kSecret)
    );
}

TEST_F(TokenServiceTest, RejectsATamperedPayload) {
    const std::string mine = tokens_->Issue(kUserId, 0, kNow);
    const std::string other = tokens_->Issue("00000000-0000-4000-8000-000000000000", 0, kNow);
    const std::size_t mine_dot = mine.rfind('.');
    const std::size_t other_dot = other.rfind('.');
    ExpectRejected(other.substr(0, other_dot) + mine.substr(mine_dot));
    std::string flipped = mine;
    flipped[mine.find('.') + 5] = flipped[mine.find('.') + 5] == 'A' ? 'B' : 'A';
    ExpectRejected(flipped);
}

TEST_F(TokenServiceTest, RejectsAnotherKey) {
    ExpectRejected(
        Crafted(JWT_ALG_HS256, "some-other-secret", Claims(core::ToUnixSeconds(kNow) + 60))
    );
}

TEST_F(TokenServiceTest, AnswersTokenExpiredOnceExpIsReached) {
    const std::string token = tokens_->Issue(kUserId, 0, kNow - std::chrono::minutes{31});
    ExpectRejected(token, core::ErrorCode::kTokenExpired);
    const std::string at_limit = tokens_->Issue(kUserId, 0, kNow - std::chrono::minutes{30});
    ExpectRejected(at_limit, core::ErrorCode::kTokenExpired);
    EXPECT_TRUE(tokens_->Verify(tokens_->Issue(kUserId, 0, kNow - std::chrono::minutes{29}), kNow));
}

TEST_F(TokenServiceTest, RejectsAMissingOrMalformedExp) {
    ExpectRejected(
        Crafted(JWT_ALG_HS256, kSecret, R"({"sub":"3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"})")
    );
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, R"({"sub":"x","exp":"1800000600"})"));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, R"({"sub":"x","exp":1800000600.5})"));
}

TEST_F(TokenServiceTest, RejectsAMissingOrEmptySub) {
    const std::string exp = std::to_string(core::ToUnixSeconds(kNow) + 60);
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, R"({"exp":)" + exp + "}"));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, R"({"sub":"","exp":)" + exp + "}"));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, R"({"sub":42,"exp":)" + exp + "}"));
}

TEST_F(TokenServiceTest, RejectsMalformedOptionalClaims) {
    const long long exp = core::ToUnixSeconds(kNow) + 60;
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, Claims(exp, R"(,"ver":"1")")));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, Claims(exp, R"(,"ver":-1)")));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, Claims(exp, R"(,"iat":"now")")));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, Claims(exp, R"(,"nbf":1800000001)")));
    EXPECT_TRUE(
        tokens_->Verify(Crafted(JWT_ALG_HS256, kSecret, Claims(exp, R"(,"nbf":1800000000)")), kNow)
    );
}

// Found by tests/fuzz/fuzz_jwt: a time claim beyond year 2262 overflowed the nanosecond
// TimePoint (undefined behaviour) instead of being refused.
TEST_F(TokenServiceTest, RejectsTimeClaimsBeyondTheClockRange) {
    const long long exp = core::ToUnixSeconds(kNow) + 60;
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, R"({"sub":"x","exp":23600000000})"));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, R"({"sub":"x","exp":9223372036854775807})"));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, Claims(exp, R"(,"iat":23600000000)")));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, Claims(exp, R"(,"iat":-23600000000)")));
    ExpectRejected(Crafted(JWT_ALG_HS256, kSecret, Claims(exp, R"(,"nbf":-23600000000)")));
    EXPECT_TRUE(tokens_->Verify(
        Crafted(JWT_ALG_HS256, kSecret, R"({"sub":"x","exp":9000000000,"iat":0})"), kNow
    ));
}

TEST_F(TokenServiceTest, AcceptsTheOldBackendsTokensAsVersionZero) {
    const auto claims = tokens_->Verify(kPythonJoseToken, kNow);
    ASSERT_TRUE(claims) << claims.error().log;
    EXPECT_EQ(claims->subject, kUserId);
    EXPECT_EQ(claims->version, 0);
    EXPECT_FALSE(claims->issued_at);
    EXPECT_TRUE(claims->token_id.empty());
    EXPECT_EQ(claims->expires_at, core::FromUnixSeconds(1'800'000'600));
    EXPECT_EQ(
        tokens_->Verify(kPythonJoseToken, core::FromUnixSeconds(1'800'000'600)).error().code,
        core::ErrorCode::kTokenExpired
    );
}

TEST_F(TokenServiceTest, AcceptsThePreviousKeyForVerificationOnly) {
    auto old_tokens = MakeJwtTokenService(
        TokenSettings{
            .algorithm = "HS256",
            .secret_key = "the-previous-secret",
            .previous_secret_key = "",
            .lifetime = std::chrono::minutes{30}},
        random_
    );
    const std::string old_token = old_tokens->Issue(kUserId, 0, kNow);
    ExpectRejected(old_token);
    const auto rotated = Make("HS256", "the-previous-secret");
    EXPECT_TRUE(rotated->Verify(old_token, kNow));
    // New tokens are signed with the current key only.
    EXPECT_FALSE(old_tokens->Verify(rotated->Issue(kUserId, 0, kNow), kNow));
    EXPECT_TRUE(tokens_->Verify(rotated->Issue(kUserId, 0, kNow), kNow));
}

TEST_F(TokenServiceTest, RejectsGarbage) {
    ExpectRejected("");
    ExpectRejected("not-a-token");
    ExpectRejected("a.b.c");
    ExpectRejected(std::string(5000, 'a'));
    ExpectRejected(std::string(kPythonJoseToken) + '\0');
}

TEST(MakeJwtTokenService, RefusesUnsupportedSettings) {
    fakes::SeededRandom random;
    const auto make = [&](std::string algorithm, std::string key, std::chrono::seconds lifetime) {
        return MakeJwtTokenService(
            TokenSettings{
                .algorithm = std::move(algorithm),
                .secret_key = std::move(key),
                .previous_secret_key = "",
                .lifetime = lifetime},
            random
        );
    };
    EXPECT_THROW((void)make("none", "k", std::chrono::seconds{60}), std::invalid_argument);
    EXPECT_THROW((void)make("RS256", "k", std::chrono::seconds{60}), std::invalid_argument);
    EXPECT_THROW((void)make("HS256", "", std::chrono::seconds{60}), std::invalid_argument);
    EXPECT_THROW((void)make("HS256", "k", std::chrono::seconds{0}), std::invalid_argument);
    EXPECT_TRUE(IsSupportedAlgorithm("HS384"));
    EXPECT_FALSE(IsSupportedAlgorithm("hs256"));
}

}  // namespace
}  // namespace clockko::auth
