#include "auth/auth_context.hpp"
#include "auth/make_auth_service.hpp"

#include <stdexcept>

namespace clockko::auth {

UserProfile ToProfile(const store::UserRecord& user) {
    return UserProfile{
        .id = user.id,
        .email = user.email,
        .username = user.username,
        .full_name = user.full_name,
        .phone_number = user.phone_number,
        .is_active = user.is_active,
        .is_verified = user.is_verified,
        .otp_verified = user.otp_verified,
        .created_at = user.created_at,
    };
}

namespace {

class AuthServiceImpl final : public AuthService {
public:
    explicit AuthServiceImpl(AuthDependencies dependencies)
        : settings_(dependencies.settings),
          hasher_(MakeHasher(dependencies)),
          tokens_(MakeTokens(dependencies)),
          codes_(settings_.secret_key, settings_.secret_key_previous),
          passwords_(settings_.password_min_length, std::move(dependencies.common_passwords)),
          throttle_(dependencies.store, settings_.throttle),
          session_keys_(settings_.secret_key, settings_.secret_key_previous),
          context_{
              .store = dependencies.store,
              .clock = dependencies.clock,
              .random = dependencies.random,
              .hasher = *hasher_,
              .tokens = *tokens_,
              .codes = codes_,
              .passwords = passwords_,
              .otp_lifetime = settings_.otp_lifetime,
              .too_many_attempts_retry_after = settings_.too_many_attempts_retry_after,
              .throttle = throttle_,
              .sessions =
                  SessionPolicy{
                      .keys = session_keys_,
                      .lifetime = settings_.refresh_token_lifetime,
                      .reuse_grace = settings_.refresh_reuse_grace,
                  },
          } {
        if (settings_.otp_lifetime.count() <= 0 ||
            settings_.too_many_attempts_retry_after.count() <= 0) {
            throw std::invalid_argument("code lifetime and retry-after must be positive");
        }
        if (settings_.refresh_token_lifetime.count() <= 0 ||
            settings_.refresh_reuse_grace.count() < 0) {
            throw std::invalid_argument("refresh lifetime must be positive, grace not negative");
        }
    }

    core::Result<UserProfile> Register(const RegisterInput& input) override {
        return RegisterUser(context_, input);
    }

    core::Result<TokenGrant> Login(const LoginInput& input) override {
        return LogIn(context_, input);
    }

    core::Result<UserProfile> CurrentUser(const std::string& access_token) override {
        return GetCurrentUser(context_, access_token);
    }

    core::Result<core::Done> SendVerificationCode(
        const std::string& email, const std::string& client_address
    ) override {
        return RequestVerificationCode(context_, email, client_address);
    }

    core::Result<core::Done> VerifyEmail(
        const std::string& email, const std::string& code, const std::string& client_address
    ) override {
        return ConfirmEmail(context_, email, code, client_address);
    }

    core::Result<core::Done> ForgotPassword(
        const std::string& email, const std::string& client_address
    ) override {
        return RequestPasswordReset(context_, email, client_address);
    }

    core::Result<core::Done> ResetPassword(
        const std::string& email,
        const std::string& code,
        const std::string& new_password,
        const std::string& client_address
    ) override {
        return ResetPasswordWithCode(context_, email, code, new_password, client_address);
    }

    core::Result<TokenGrant> Refresh(
        const std::string& refresh_token, const std::string& client_address
    ) override {
        return RefreshSession(context_, refresh_token, client_address);
    }

    core::Result<core::Done> Logout(const std::string& refresh_token) override {
        return EndSession(context_, refresh_token);
    }

    core::Result<core::Done> LogoutAll(
        const std::string& access_token, const std::string& client_address
    ) override {
        return EndAllSessions(context_, access_token, client_address);
    }

private:
    static std::shared_ptr<PasswordHasher> MakeHasher(const AuthDependencies& dependencies) {
        if (dependencies.hasher) {
            return dependencies.hasher;
        }
        return MakeBcryptHasher(BcryptOptions{
            .cost = dependencies.settings.bcrypt_cost,
            .max_concurrent = dependencies.settings.bcrypt_max_concurrent,
        });
    }

    static std::shared_ptr<TokenService> MakeTokens(const AuthDependencies& dependencies) {
        if (dependencies.tokens) {
            return dependencies.tokens;
        }
        const AuthSettings& settings = dependencies.settings;
        return MakeJwtTokenService(
            TokenSettings{
                .algorithm = settings.algorithm,
                .secret_key = settings.secret_key,
                .previous_secret_key = settings.secret_key_previous,
                .lifetime = settings.access_token_lifetime,
            },
            dependencies.random
        );
    }

    AuthSettings settings_;
    std::shared_ptr<PasswordHasher> hasher_;
    std::shared_ptr<TokenService> tokens_;
    CodeHasher codes_;
    PasswordPolicy passwords_;
    Throttle throttle_;
    SessionKeys session_keys_;
    AuthContext context_;
};

}  // namespace

std::unique_ptr<AuthService> MakeAuthService(AuthDependencies dependencies) {
    return std::make_unique<AuthServiceImpl>(std::move(dependencies));
}

}  // namespace clockko::auth
