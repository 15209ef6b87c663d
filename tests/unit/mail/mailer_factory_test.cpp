#include "mail/smtp/mailer_factory.hpp"

#include "mail/log_mailer.hpp"
#include "test_doubles.hpp"

#include <gtest/gtest.h>

namespace clockko::mail {
namespace {

class SmtpMailerFactory : public ::testing::Test {
protected:
    testing::FakeClock clock_;
    testing::SeededRandom random_{3};
    config::Config config_;
};

TEST_F(SmtpMailerFactory, NoSmtpHostInDevelopmentWritesMailToTheLog) {
    config_.app_env = config::AppEnv::kDevelopment;
    auto mailer = MakeMailer(config_, clock_, random_);
    ASSERT_TRUE(mailer) << mailer.error().log;
    EXPECT_NE(dynamic_cast<LogMailer*>(mailer->get()), nullptr);
}

TEST_F(SmtpMailerFactory, NoSmtpHostInProductionIsRefused) {
    config_.app_env = config::AppEnv::kProduction;
    const auto mailer = MakeMailer(config_, clock_, random_);
    ASSERT_FALSE(mailer);
    EXPECT_NE(mailer.error().log.find("SMTP_HOST"), std::string::npos);
}

TEST_F(SmtpMailerFactory, SmtpHostGivesTheSmtpMailerWithTheConfiguredSettings) {
    config_.app_env = config::AppEnv::kProduction;
    config_.smtp_host = "email-smtp.eu-west-1.amazonaws.com";
    config_.smtp_port = 587;
    config_.smtp_user = "AKIAEXAMPLE";
    config_.smtp_password = "secret";
    config_.smtp_from = "noreply@clockko.app";
    auto mailer = MakeMailer(config_, clock_, random_);
    ASSERT_TRUE(mailer) << mailer.error().log;
    const auto* smtp = dynamic_cast<SmtpMailer*>(mailer->get());
    ASSERT_NE(smtp, nullptr);
    EXPECT_EQ(smtp->Url(), "smtp://email-smtp.eu-west-1.amazonaws.com:587/clockko.app");
}

TEST_F(SmtpMailerFactory, InvalidSmtpSettingsAreReportedTogether) {
    config_.smtp_host = "smtp.gmail.com";
    config_.smtp_from = "";
    config_.smtp_user = "team@clockko.app";
    const auto mailer = MakeMailer(config_, clock_, random_);
    ASSERT_FALSE(mailer);
    EXPECT_NE(mailer.error().log.find("SMTP_FROM"), std::string::npos);
    EXPECT_NE(mailer.error().log.find("; "), std::string::npos) << mailer.error().log;
}

}  // namespace
}  // namespace clockko::mail
