// A password reset ends every session: refresh tokens as well as access tokens. The reset code
// is read from MailDev, as a user would read it.
#include "mail_fixture.hpp"
#include "session_helpers.hpp"

namespace clockko::testing {
namespace {

class SessionsAndReset : public MailTest {};

TEST_P(SessionsAndReset, APasswordResetRevokesEverySession) {
    const std::string email = UniqueEmail("reset-sessions");
    ASSERT_EQ(Register(email).status, 201);
    const Pair laptop = ReadPair(Keep(Login(email, "Password123")));
    const Pair phone = ReadPair(Keep(Login(email, "Password123")));
    const Pair rotated = ReadPair(Keep(Refresh(Server(), phone.refresh_token)));

    ASSERT_EQ(Forgot(email).status, 200);
    const std::string code = WaitForCode(email, kResetSubject);
    ASSERT_FALSE(code.empty());
    ASSERT_EQ(Reset(email, code, "An0ther-Passw0rd").status, 200);

    for (const std::string& token :
         {laptop.refresh_token, phone.refresh_token, rotated.refresh_token}) {
        ExpectErrorBody(Keep(Refresh(Server(), token)), 401, "invalid_token");
    }
    ExpectErrorBody(Keep(CurrentUser(laptop.access_token)), 401, "invalid_token");
    ExpectErrorBody(Keep(CurrentUser(rotated.access_token)), 401, "invalid_token");
    const Pair fresh = ReadPair(Keep(Login(email, "An0ther-Passw0rd")));
    EXPECT_EQ(Keep(Refresh(Server(), fresh.refresh_token)).status, 200);
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(SessionsAndReset);

}  // namespace
}  // namespace clockko::testing
