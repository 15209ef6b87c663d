#pragma once

#include "auth/make_auth_service.hpp"
#include "auth/otp.hpp"
#include "fake_clock.hpp"
#include "fake_password_hasher.hpp"
#include "memory_store.hpp"
#include "seeded_random.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace clockko::testing {

inline constexpr std::string_view kSecret = "unit-test-secret-key-of-32-bytes!";
inline constexpr std::string_view kPassword = "Password123";

/// The service wired to fakes, plus helpers that read what a user would read (mail codes).
class AuthHarness {
public:
    AuthHarness() { Rebuild(); }

    /// Rebuilds the service after `settings` or `hasher` changed; the store keeps its data.
    void Rebuild() {
        service = auth::MakeAuthService(auth::AuthDependencies{
            .store = store,
            .clock = clock,
            .random = random,
            .settings = settings,
            .hasher = hasher,
            .tokens = nullptr,
            .common_passwords = common_passwords,
        });
    }

    static auth::AuthSettings DefaultSettings() {
        auth::AuthSettings defaults;
        defaults.secret_key = std::string(kSecret);
        return defaults;
    }

    auth::UserProfile Register(std::string email, std::string password = std::string(kPassword)) {
        auto profile = service->Register(auth::RegisterInput{
            .email = std::move(email), .password = std::move(password)});
        EXPECT_TRUE(profile.has_value()) << (profile ? "" : profile.error().log);
        return profile ? *profile : auth::UserProfile{};
    }

    std::string Login(std::string email, std::string password = std::string(kPassword)) {
        auto grant = service->Login(auth::LoginInput{
            .email = std::move(email),
            .password = std::move(password),
            .client_address = "127.0.0.1"});
        EXPECT_TRUE(grant.has_value()) << (grant ? "" : grant.error().log);
        return grant ? grant->access_token : std::string();
    }

    /// The mails queued to `recipient` with `template_name`, oldest first.
    std::vector<store::OutgoingMail> MailsTo(
        std::string_view recipient, std::string_view template_name
    ) const {
        std::vector<store::OutgoingMail> found;
        for (const store::OutgoingMail& mail : store.Mails()) {
            if (mail.recipient == recipient && mail.template_name == template_name) {
                found.push_back(mail);
            }
        }
        return found;
    }

    /// The "code" parameter of the newest such mail, or an empty string.
    std::string LastCode(std::string_view recipient, std::string_view template_name) const {
        const auto mails = MailsTo(recipient, template_name);
        return mails.empty() ? std::string() : CodeOf(mails.back());
    }

    static std::string CodeOf(const store::OutgoingMail& mail) {
        const std::string_view key = R"("code":")";
        const std::size_t at = mail.parameters_json.find(key);
        return at == std::string::npos ? std::string()
                                       : mail.parameters_json.substr(at + key.size(), 6);
    }

    /// A six-digit code that differs from `code`.
    static std::string OtherCode(const std::string& code) {
        std::string other = code;
        other[0] = other[0] == '9' ? '0' : static_cast<char>(other[0] + 1);
        return other;
    }

    fakes::MemoryStore store;
    fakes::FakeClock clock;
    fakes::SeededRandom random{7};
    std::shared_ptr<fakes::FakePasswordHasher> hasher =
        std::make_shared<fakes::FakePasswordHasher>();
    std::shared_ptr<const auth::CommonPasswords> common_passwords;
    auth::AuthSettings settings = DefaultSettings();
    std::unique_ptr<auth::AuthService> service;
};

}  // namespace clockko::testing
