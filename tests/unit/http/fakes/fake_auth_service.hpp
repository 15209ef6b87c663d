#pragma once

#include "auth/auth_service.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace clockko::http::testing {

/// An AuthService whose answers each test chooses; it records what it was asked.
/// Thread-safe (the session tests call it from worker threads).
class FakeAuthService final : public auth::AuthService {
public:
    FakeAuthService();

    std::function<core::Result<auth::UserProfile>(const auth::RegisterInput&)> on_register;
    std::function<core::Result<auth::TokenGrant>(const auth::LoginInput&)> on_login;
    std::function<core::Result<auth::UserProfile>(const std::string&)> on_current_user;
    std::function<core::Result<core::Done>(const std::string&)> on_send_verification;
    std::function<core::Result<core::Done>(const std::string&, const std::string&)> on_verify;
    std::function<core::Result<core::Done>(const std::string&)> on_forgot;
    std::function<
        core::Result<core::Done>(const std::string&, const std::string&, const std::string&)>
        on_reset;
    std::function<core::Result<auth::TokenGrant>(const std::string&, const std::string&)>
        on_refresh;
    std::function<core::Result<core::Done>(const std::string&)> on_logout;
    std::function<core::Result<core::Done>(const std::string&, const std::string&)> on_logout_all;

    core::Result<auth::UserProfile> Register(const auth::RegisterInput& input) override;
    core::Result<auth::TokenGrant> Login(const auth::LoginInput& input) override;
    core::Result<auth::UserProfile> CurrentUser(const std::string& access_token) override;
    core::Result<core::Done> SendVerificationCode(
        const std::string& email, const std::string& client_address
    ) override;
    core::Result<core::Done> VerifyEmail(
        const std::string& email, const std::string& code, const std::string& client_address
    ) override;
    core::Result<core::Done> ForgotPassword(
        const std::string& email, const std::string& client_address
    ) override;
    core::Result<core::Done> ResetPassword(
        const std::string& email,
        const std::string& code,
        const std::string& new_password,
        const std::string& client_address
    ) override;
    core::Result<auth::TokenGrant> Refresh(
        const std::string& refresh_token, const std::string& client_address
    ) override;
    core::Result<core::Done> Logout(const std::string& refresh_token) override;
    core::Result<core::Done> LogoutAll(
        const std::string& access_token, const std::string& client_address
    ) override;

    /// Every call as "Method(arg, …)", in order.
    [[nodiscard]] std::vector<std::string> Calls() const;
    [[nodiscard]] std::optional<auth::RegisterInput> LastRegister() const;
    [[nodiscard]] std::optional<auth::LoginInput> LastLogin() const;
    /// The client address of the last code call (send, verify, forgot, reset).
    [[nodiscard]] std::string LastCodeClientAddress() const;

private:
    void Record(std::string call);
    void RecordAddress(const std::string& client_address);

    mutable std::mutex mutex_;
    std::vector<std::string> calls_;
    std::optional<auth::RegisterInput> last_register_;
    std::optional<auth::LoginInput> last_login_;
    std::string last_code_client_address_;
};

/// The user the fake returns by default.
auth::UserProfile SampleUser();

}  // namespace clockko::http::testing
