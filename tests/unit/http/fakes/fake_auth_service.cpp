#include "fakes/fake_auth_service.hpp"

namespace clockko::http::testing {

auth::UserProfile SampleUser() {
    auth::UserProfile user;
    user.id = "3f1c2b7e-0000-4000-8000-000000000001";
    user.email = "test@example.com";
    user.username = "test";
    user.created_at = core::FromUnixSeconds(1795969289);  // 2026-11-29T16:21:29Z
    return user;
}

FakeAuthService::FakeAuthService()
    : on_register([](const auth::RegisterInput&) -> core::Result<auth::UserProfile> {
          return SampleUser();
      }),
      on_login([](const auth::LoginInput&) -> core::Result<auth::TokenGrant> {
          return auth::TokenGrant{
              .access_token = "token-1",
              .token_type = "bearer",
              .expires_in_seconds = 1800,
              .refresh_token = {}};
      }),
      on_current_user([](const std::string&) -> core::Result<auth::UserProfile> {
          return SampleUser();
      }),
      on_send_verification([](const std::string&) -> core::Result<core::Done> {
          return core::Done{};
      }),
      on_verify([](const std::string&, const std::string&) -> core::Result<core::Done> {
          return core::Done{};
      }),
      on_forgot([](const std::string&) -> core::Result<core::Done> { return core::Done{}; }),
      on_reset(
          [](const std::string&,
             const std::string&,
             const std::string&) -> core::Result<core::Done> { return core::Done{}; }
      ),
      on_refresh([](const std::string&, const std::string&) -> core::Result<auth::TokenGrant> {
          return auth::TokenGrant{
              .access_token = "token-2",
              .token_type = "bearer",
              .expires_in_seconds = 1800,
              .refresh_token = "refresh-2"};
      }),
      on_logout([](const std::string&) -> core::Result<core::Done> { return core::Done{}; }),
      on_logout_all([](const std::string&, const std::string&) -> core::Result<core::Done> {
          return core::Done{};
      }) {}

void FakeAuthService::Record(std::string call) {
    const std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
}

core::Result<auth::UserProfile> FakeAuthService::Register(const auth::RegisterInput& input) {
    Record("Register(" + input.email + ")");
    {
        const std::lock_guard lock(mutex_);
        last_register_ = input;
    }
    return on_register(input);
}

core::Result<auth::TokenGrant> FakeAuthService::Login(const auth::LoginInput& input) {
    Record("Login(" + input.email + ")");
    {
        const std::lock_guard lock(mutex_);
        last_login_ = input;
    }
    return on_login(input);
}

core::Result<auth::UserProfile> FakeAuthService::CurrentUser(const std::string& access_token) {
    Record("CurrentUser(" + access_token + ")");
    return on_current_user(access_token);
}

core::Result<core::Done> FakeAuthService::SendVerificationCode(
    const std::string& email, const std::string& client_address
) {
    Record("SendVerificationCode(" + email + ")");
    RecordAddress(client_address);
    return on_send_verification(email);
}

core::Result<core::Done> FakeAuthService::VerifyEmail(
    const std::string& email, const std::string& code, const std::string& client_address
) {
    Record("VerifyEmail(" + email + ", " + code + ")");
    RecordAddress(client_address);
    return on_verify(email, code);
}

core::Result<core::Done> FakeAuthService::ForgotPassword(
    const std::string& email, const std::string& client_address
) {
    Record("ForgotPassword(" + email + ")");
    RecordAddress(client_address);
    return on_forgot(email);
}

core::Result<core::Done> FakeAuthService::ResetPassword(
    const std::string& email,
    const std::string& code,
    const std::string& new_password,
    const std::string& client_address
) {
    Record("ResetPassword(" + email + ", " + code + ", " + new_password + ")");
    RecordAddress(client_address);
    return on_reset(email, code, new_password);
}

void FakeAuthService::RecordAddress(const std::string& client_address) {
    const std::lock_guard lock(mutex_);
    last_code_client_address_ = client_address;
}

std::string FakeAuthService::LastCodeClientAddress() const {
    const std::lock_guard lock(mutex_);
    return last_code_client_address_;
}

core::Result<auth::TokenGrant> FakeAuthService::Refresh(
    const std::string& refresh_token, const std::string& client_address
) {
    Record("Refresh(" + refresh_token + ", " + client_address + ")");
    return on_refresh(refresh_token, client_address);
}

core::Result<core::Done> FakeAuthService::Logout(const std::string& refresh_token) {
    Record("Logout(" + refresh_token + ")");
    return on_logout(refresh_token);
}

core::Result<core::Done> FakeAuthService::LogoutAll(
    const std::string& access_token, const std::string& client_address
) {
    Record("LogoutAll(" + access_token + ", " + client_address + ")");
    return on_logout_all(access_token, client_address);
}

std::vector<std::string> FakeAuthService::Calls() const {
    const std::lock_guard lock(mutex_);
    return calls_;
}

std::optional<auth::RegisterInput> FakeAuthService::LastRegister() const {
    const std::lock_guard lock(mutex_);
    return last_register_;
}

std::optional<auth::LoginInput> FakeAuthService::LastLogin() const {
    const std::lock_guard lock(mutex_);
    return last_login_;
}

}  // namespace clockko::http::testing
