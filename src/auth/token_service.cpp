#include "auth/token_service.hpp"

#include <jwt.h>

#include <charconv>
#include <climits>
#include <cstdlib>
#include <stdexcept>

namespace clockko::auth {
namespace {

// Far above any token we issue (about 250 bytes); bounds the work spent on garbage.
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::size_t kTokenIdBytes = 16;

struct JwtDeleter {
    void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct MallocDeleter {
    void operator()(char* text) const {
        // libjwt 1.10 allocates its strings with malloc and has no function to free them.
        // NOLINTNEXTLINE(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
        std::free(text);
    }
};

using MallocString = std::unique_ptr<char, MallocDeleter>;

jwt_alg_t ParseAlgorithm(std::string_view algorithm) {
    if (algorithm == "HS256") {
        return JWT_ALG_HS256;
    }
    if (algorithm == "HS384") {
        return JWT_ALG_HS384;
    }
    if (algorithm == "HS512") {
        return JWT_ALG_HS512;
    }
    return JWT_ALG_INVAL;
}

const unsigned char* KeyBytes(const std::string& key) {
    return reinterpret_cast<const unsigned char*>(key.data());
}

int KeyLength(const std::string& key) {
    return static_cast<int>(key.size());
}

void Check(int rc, const char* what) {
    if (rc != 0) {
        throw std::runtime_error(std::string("libjwt: ") + what + " failed");
    }
}

core::Error InvalidToken(std::string log) {
    core::Error error =
        core::MakeError(core::ErrorCode::kInvalidToken, "Could not validate credentials");
    error.log = "invalid token: " + std::move(log);
    return error;
}

JwtPtr Decode(const std::string& token, const std::string& key) {
    jwt_t* raw = nullptr;
    if (jwt_decode(&raw, token.c_str(), KeyBytes(key), KeyLength(key)) != 0) {
        jwt_free(raw);
        return nullptr;
    }
    return JwtPtr(raw);
}

struct IntegerClaim {
    bool present = false;
    std::optional<long long> value;  ///< nullopt when present but not a JSON integer
};

// The largest |seconds| a core::TimePoint (nanoseconds in 64 bits, until 2262) can hold: a
// claim beyond it would overflow in FromUnixSeconds (found by tests/fuzz/fuzz_jwt).
constexpr long long kMaxClaimSeconds =
    std::chrono::duration_cast<std::chrono::seconds>(core::TimePoint::duration::max()).count();

// jwt_get_grant_int answers 0 for a string or a real, so read the claim's JSON text instead.
// An integer outside the TimePoint range counts as malformed.
IntegerClaim ReadIntegerClaim(jwt_t* jwt, const char* name) {
    const MallocString json(jwt_get_grants_json(jwt, name));
    if (!json) {
        return {};
    }
    const std::string_view text(json.get());
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value > kMaxClaimSeconds ||
        value < -kMaxClaimSeconds) {
        return {.present = true, .value = std::nullopt};
    }
    return {.present = true, .value = value};
}

class JwtTokenService final : public TokenService {
public:
    JwtTokenService(TokenSettings settings, core::Random& random)
        : settings_(std::move(settings)),
          algorithm_(ParseAlgorithm(settings_.algorithm)),
          random_(random) {
        if (algorithm_ == JWT_ALG_INVAL) {
            throw std::invalid_argument("unsupported JWT algorithm");
        }
        if (settings_.secret_key.empty() || settings_.secret_key.size() > INT_MAX ||
            settings_.previous_secret_key.size() > INT_MAX) {
            throw std::invalid_argument("JWT secret key must not be empty");
        }
        if (settings_.lifetime.count() <= 0) {
            throw std::invalid_argument("token lifetime must be positive");
        }
    }

    std::string Issue(std::string_view user_id, std::int64_t token_version, core::TimePoint now)
        override {
        return IssueAt(user_id, token_version, now, core::RandomHex(random_, kTokenIdBytes));
    }

    std::string IssueAt(
        std::string_view user_id,
        std::int64_t token_version,
        core::TimePoint issued_at,
        std::string_view token_id_view
    ) override {
        const std::string subject(user_id);
        const std::string token_id(token_id_view);
        if (subject.empty() || subject.find('\0') != std::string::npos ||
            token_id.find('\0') != std::string::npos) {
            throw std::invalid_argument("token subject must be a non-empty id");
        }
        const long long issued = core::ToUnixSeconds(issued_at);
        jwt_t* raw = nullptr;
        Check(jwt_new(&raw), "jwt_new");
        const JwtPtr jwt(raw);
        Check(jwt_add_grant(jwt.get(), "sub", subject.c_str()), "add sub");
        Check(jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(issued)), "add iat");
        Check(
            jwt_add_grant_int(
                jwt.get(), "exp", static_cast<long>(issued + settings_.lifetime.count())
            ),
            "add exp"
        );
        Check(jwt_add_grant(jwt.get(), "jti", token_id.c_str()), "add jti");
        Check(jwt_add_grant_int(jwt.get(), "ver", static_cast<long>(token_version)), "add ver");
        Check(
            jwt_set_alg(
                jwt.get(),
                algorithm_,
                KeyBytes(settings_.secret_key),
                KeyLength(settings_.secret_key)
            ),
            "set alg"
        );
        const MallocString token(jwt_encode_str(jwt.get()));
        if (!token) {
            throw std::runtime_error("libjwt: encode failed");
        }
        return {token.get()};
    }

    [[nodiscard]] core::Result<TokenClaims> Verify(std::string_view token, core::TimePoint now)
        const override {
        if (token.empty() || token.size() > kMaxTokenBytes ||
            token.find('\0') != std::string_view::npos) {
            return InvalidToken("malformed");
        }
        const std::string text(token);
        JwtPtr jwt = Decode(text, settings_.secret_key);
        if (!jwt && !settings_.previous_secret_key.empty()) {
            jwt = Decode(text, settings_.previous_secret_key);
        }
        if (!jwt) {
            return InvalidToken("signature or format rejected");
        }
        // libjwt verifies with whatever algorithm the header names: pin ours.
        if (jwt_get_alg(jwt.get()) != algorithm_) {
            return InvalidToken("algorithm not allowed");
        }
        return ReadClaims(jwt.get(), now);
    }

    [[nodiscard]] std::chrono::seconds Lifetime() const override { return settings_.lifetime; }

private:
    static core::Result<TokenClaims> ReadClaims(jwt_t* jwt, core::TimePoint now) {
        const long long now_seconds = core::ToUnixSeconds(now);
        const IntegerClaim exp = ReadIntegerClaim(jwt, "exp");
        if (!exp.value) {
            return InvalidToken("exp missing or not an integer");
        }
        const IntegerClaim nbf = ReadIntegerClaim(jwt, "nbf");
        const IntegerClaim iat = ReadIntegerClaim(jwt, "iat");
        const IntegerClaim ver = ReadIntegerClaim(jwt, "ver");
        if ((nbf.present && (!nbf.value || *nbf.value > now_seconds)) ||
            (iat.present && !iat.value) || (ver.present && (!ver.value || *ver.value < 0))) {
            return InvalidToken("nbf, iat or ver malformed");
        }
        const char* subject = jwt_get_grant(jwt, "sub");
        if (subject == nullptr || *subject == '\0') {
            return InvalidToken("sub missing");
        }
        if (*exp.value <= now_seconds) {
            core::Error error =
                core::MakeError(core::ErrorCode::kTokenExpired, "Token has expired");
            error.log = "token expired";
            return error;
        }
        TokenClaims claims;
        claims.subject = subject;
        claims.version = ver.value.value_or(0);
        if (iat.value) {
            claims.issued_at = core::FromUnixSeconds(*iat.value);
        }
        claims.expires_at = core::FromUnixSeconds(*exp.value);
        const char* token_id = jwt_get_grant(jwt, "jti");
        claims.token_id = token_id != nullptr ? token_id : "";
        return claims;
    }

    TokenSettings settings_;
    jwt_alg_t algorithm_;
    core::Random& random_;
};

}  // namespace

bool IsSupportedAlgorithm(std::string_view algorithm) {
    return ParseAlgorithm(algorithm) != JWT_ALG_INVAL;
}

std::unique_ptr<TokenService> MakeJwtTokenService(TokenSettings settings, core::Random& random) {
    return std::make_unique<JwtTokenService>(std::move(settings), random);
}

}  // namespace clockko::auth
