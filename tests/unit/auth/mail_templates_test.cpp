#include "auth/mail_templates.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace clockko::auth {
namespace {

TEST(MakeUserMail, CarriesTheCommonAndExtraParametersAsAJsonObject) {
    store::UserRecord user;
    user.email = "ada@example.com";
    user.username = "ada";
    user.full_name = "Ada \"A\\L\" Lovelace\n\xC3\xA9";
    const store::OutgoingMail mail = MakeUserMail(
        user,
        kResetCodeTemplate,
        {{"code", std::string_view("012345")}, {"expires_minutes", std::int64_t{10}}}
    );
    EXPECT_EQ(mail.recipient, "ada@example.com");
    EXPECT_EQ(mail.template_name, "reset_code");
    const boost::json::object parameters = boost::json::parse(mail.parameters_json).as_object();
    EXPECT_EQ(parameters.size(), 5U);
    EXPECT_EQ(parameters.at("email").as_string(), "ada@example.com");
    EXPECT_EQ(parameters.at("username").as_string(), "ada");
    EXPECT_EQ(parameters.at("name").as_string(), *user.full_name);
    EXPECT_EQ(parameters.at("code").as_string(), "012345");
    EXPECT_EQ(parameters.at("expires_minutes").as_int64(), 10);
}

TEST(MakeUserMail, NamesTheUserByUsernameWithoutAFullName) {
    store::UserRecord user;
    user.email = "bob@example.com";
    user.username = "bob";
    const auto parameters =
        boost::json::parse(MakeUserMail(user, kPasswordChangedTemplate, {}).parameters_json)
            .as_object();
    EXPECT_EQ(parameters.at("name").as_string(), "bob");
    EXPECT_EQ(parameters.size(), 3U);
}

}  // namespace
}  // namespace clockko::auth
