// The common-password list through the real binary (issue 4), on every backend.
#include "fixture.hpp"

namespace clockko::testing {
namespace {

namespace json = boost::json;

class CommonPasswordRule : public BackendTest {};

TEST_P(CommonPasswordRule, RefusesAListedPasswordWithTheValidationShape) {
    // All of these meet the length rule and appear in @zxcvbn-ts/language-common's list.
    for (const char* password : {"password1", "qwerty123", "password123", "iloveyou1"}) {
        const HttpResult result = Register(UniqueEmail("common"), password);
        ExpectErrorBody(result, 422, "validation_error");
        const json::value body = ParseJson(result.body);
        ASSERT_TRUE(body.at("detail").is_array()) << result.body;
        ASSERT_EQ(body.at("detail").as_array().size(), 1U) << result.body;
        const json::object& first = body.at("detail").as_array().at(0).as_object();
        EXPECT_EQ(first.at("loc"), (json::array{"body", "password"})) << result.body;
        EXPECT_EQ(first.at("msg"), "is too common") << result.body;
        EXPECT_EQ(first.at("type"), "value_error") << result.body;
        EXPECT_EQ(body.at("message"), "password: is too common") << result.body;
    }
}

TEST_P(CommonPasswordRule, KeepsTheGuidesExampleWorkingBecauseTheMatchIsCaseSensitive) {
    EXPECT_EQ(Register(UniqueEmail("guide"), "password123").status, 422);
    const HttpResult result = Register(UniqueEmail("guide"), "Password123");
    EXPECT_EQ(result.status, 201) << result.body;
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(CommonPasswordRule);

}  // namespace
}  // namespace clockko::testing
