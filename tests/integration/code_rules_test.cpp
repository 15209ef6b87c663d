// The rules of the contract's "One-time codes" section, checked through the real binary with the
// codes read from a real MailDev: one purpose per code, single use, five tries, expiry, and
// answers that do not tell who has an account. On SQLite and PostgreSQL.
#include "mail_fixture.hpp"

namespace clockko::testing {
namespace {

namespace json = boost::json;

class MailCodeRules : public MailTest {
protected:
    /// Registers `email` and returns the code of its welcome mail.
    std::string RegisterForCode(const std::string& email) {
        const HttpResult registered = Register(email);
        EXPECT_EQ(registered.status, 201) << registered.body;
        return WaitForCode(email, kWelcomeSubject);
    }

    /// Requests reset codes until one differs from `other` (equal once in a million) and
    /// returns it; `requested` counts the reset mails asked for so far.
    std::string ResetCodeOtherThan(
        const std::string& email, const std::string& other, std::size_t& requested
    ) {
        std::string code;
        while (requested < 3 && (code.empty() || code == other)) {
            EXPECT_EQ(Forgot(email).status, 200);
            code = WaitForCode(email, kResetSubject, ++requested);
            if (code.empty()) {
                break;
            }
        }
        EXPECT_NE(code, other);
        return code;
    }

    bool Verified(const std::string& email, const std::string& password = "Password123") {
        const HttpResult me = CurrentUser(Token(email, password));
        const json::value body = ParseJson(me.body);
        return body.is_object() && body.as_object().contains("is_verified") &&
               body.at("is_verified") == true;
    }
};

void ExpectTooManyAttempts(const HttpResult& result) {
    ExpectErrorBody(result, 429, "too_many_attempts");
    const std::string retry_after = result.Header("retry-after");
    ASSERT_FALSE(retry_after.empty()) << "every 429 carries Retry-After";
    EXPECT_TRUE(std::all_of(retry_after.begin(), retry_after.end(), [](char c) {
        return c >= '0' && c <= '9';
    })) << retry_after;
    EXPECT_GT(std::stol(retry_after), 0);
}

TEST_P(MailCodeRules, AVerificationCodeNeverResetsAPassword) {
    const std::string email = UniqueEmail("purpose-a");
    const std::string welcome = RegisterForCode(email);
    ASSERT_FALSE(welcome.empty());
    std::size_t requested = 0;
    const std::string reset = ResetCodeOtherThan(email, welcome, requested);
    ASSERT_FALSE(reset.empty());

    ExpectErrorBody(Reset(email, welcome, "NewPassword456"), 400, "invalid_otp");
    EXPECT_EQ(Login(email, "Password123").status, 200) << "the password is unchanged";
    EXPECT_EQ(Login(email, "NewPassword456").status, 401);
    // The misuse did not consume the code for its own purpose.
    EXPECT_EQ(Verify(email, welcome).status, 200);
}

TEST_P(MailCodeRules, AResetCodeNeverVerifiesAnEmail) {
    const std::string email = UniqueEmail("purpose-b");
    const std::string welcome = RegisterForCode(email);
    ASSERT_FALSE(welcome.empty());
    std::size_t requested = 0;
    const std::string reset = ResetCodeOtherThan(email, welcome, requested);
    ASSERT_FALSE(reset.empty());

    ExpectErrorBody(Verify(email, reset), 400, "invalid_otp");
    EXPECT_FALSE(Verified(email));
    EXPECT_EQ(Reset(email, reset, "NewPassword456").status, 200) << "still good for a reset";
}

TEST_P(MailCodeRules, ACodeWorksOnlyOnce) {
    const std::string email = UniqueEmail("once");
    const std::string welcome = RegisterForCode(email);
    ASSERT_FALSE(welcome.empty());
    EXPECT_EQ(Verify(email, welcome).status, 200);
    ExpectErrorBody(Verify(email, welcome), 400, "invalid_otp");

    ASSERT_EQ(Forgot(email).status, 200);
    const std::string reset = WaitForCode(email, kResetSubject);
    ASSERT_FALSE(reset.empty());
    EXPECT_EQ(Reset(email, reset, "NewPassword456").status, 200);
    ExpectErrorBody(Reset(email, reset, "OtherPassword789"), 400, "invalid_otp");
    EXPECT_EQ(Login(email, "NewPassword456").status, 200);
    EXPECT_EQ(Login(email, "OtherPassword789").status, 401);
}

TEST_P(MailCodeRules, FiveWrongVerificationCodesVoidTheCodeUntilANewOneIsMailed) {
    const std::string email = UniqueEmail("tries-v");
    const std::string welcome = RegisterForCode(email);
    ASSERT_FALSE(welcome.empty());
    for (int attempt = 1; attempt <= 5; ++attempt) {
        ExpectErrorBody(Verify(email, WrongCode(welcome)), 400, "invalid_otp");
    }
    ExpectTooManyAttempts(Verify(email, welcome));
    ExpectTooManyAttempts(Verify(email, welcome));  // it stays void
    EXPECT_FALSE(Verified(email));

    ASSERT_EQ(RequestVerification(email).status, 200);
    const std::string fresh = WaitForCode(email, kVerifySubject);
    ASSERT_FALSE(fresh.empty());
    EXPECT_EQ(Verify(email, fresh).status, 200);
    EXPECT_TRUE(Verified(email));
}

TEST_P(MailCodeRules, FiveWrongResetCodesVoidTheCodeUntilANewOneIsMailed) {
    const std::string email = UniqueEmail("tries-r");
    ASSERT_EQ(Register(email).status, 201);
    ASSERT_EQ(Forgot(email).status, 200);
    const std::string reset = WaitForCode(email, kResetSubject);
    ASSERT_FALSE(reset.empty());
    for (int attempt = 1; attempt <= 5; ++attempt) {
        ExpectErrorBody(Reset(email, WrongCode(reset), "NewPassword456"), 400, "invalid_otp");
    }
    ExpectTooManyAttempts(Reset(email, reset, "NewPassword456"));
    EXPECT_EQ(Login(email, "Password123").status, 200) << "the password is unchanged";

    ASSERT_EQ(Forgot(email).status, 200);
    const std::string fresh = WaitForCode(email, kResetSubject, 2);
    ASSERT_FALSE(fresh.empty());
    EXPECT_EQ(Reset(email, fresh, "NewPassword456").status, 200);
    EXPECT_EQ(Login(email, "NewPassword456").status, 200);
}

TEST_P(MailCodeRules, AnUnknownEmailGetsTheAnswerOfAWrongCode) {
    const std::string email = UniqueEmail("known");
    const std::string unknown = UniqueEmail("nobody");
    const std::string welcome = RegisterForCode(email);
    ASSERT_FALSE(welcome.empty());
    const std::string guess = WrongCode(welcome);

    const HttpResult wrong_verify = Verify(email, guess);
    const HttpResult unknown_verify = Verify(unknown, guess);
    ExpectErrorBody(wrong_verify, 400, "invalid_otp");
    ExpectErrorBody(unknown_verify, 400, "invalid_otp");
    EXPECT_EQ(unknown_verify.body, wrong_verify.body);

    ASSERT_EQ(Forgot(email).status, 200);
    const std::string reset = WaitForCode(email, kResetSubject);
    ASSERT_FALSE(reset.empty());
    const HttpResult wrong_reset = Reset(email, WrongCode(reset), "NewPassword456");
    const HttpResult unknown_reset = Reset(unknown, WrongCode(reset), "NewPassword456");
    ExpectErrorBody(wrong_reset, 400, "invalid_otp");
    ExpectErrorBody(unknown_reset, 400, "invalid_otp");
    EXPECT_EQ(unknown_reset.body, wrong_reset.body);
}

TEST_P(MailCodeRules, CodeRequestsAnswerAlikeForExistingAndUnknownEmails) {
    const std::string email = UniqueEmail("exists");
    const std::string unknown = UniqueEmail("nobody");
    ASSERT_EQ(Register(email).status, 201);

    const HttpResult forgot_known = Forgot(email);
    const HttpResult forgot_unknown = Forgot(unknown);
    EXPECT_EQ(forgot_known.status, 200) << forgot_known.body;
    EXPECT_EQ(forgot_unknown.status, forgot_known.status);
    EXPECT_EQ(forgot_unknown.body, forgot_known.body);
    EXPECT_EQ(forgot_unknown.Header("content-type"), forgot_known.Header("content-type"));

    const HttpResult send_known = RequestVerification(email);
    const HttpResult send_unknown = RequestVerification(unknown);
    EXPECT_EQ(send_known.status, 200) << send_known.body;
    EXPECT_EQ(send_unknown.status, send_known.status);
    EXPECT_EQ(send_unknown.body, send_known.body);
    EXPECT_EQ(send_unknown.Header("content-type"), send_known.Header("content-type"));

    // The existing account did get both codes; the unknown address got nothing.
    EXPECT_FALSE(WaitForCode(email, kResetSubject).empty());
    EXPECT_FALSE(WaitForCode(email, kVerifySubject).empty());
    EXPECT_FALSE(WaitForCode(email, kWelcomeSubject).empty());
    EXPECT_TRUE(Mail().MessagesTo(unknown).empty());
}

TEST_P(MailCodeRules, AWeakNewPasswordIsRefusedAndTheCodeKept) {
    const std::string email = UniqueEmail("weak");
    ASSERT_EQ(Register(email).status, 201);
    ASSERT_EQ(Forgot(email).status, 200);
    const std::string reset = WaitForCode(email, kResetSubject);
    ASSERT_FALSE(reset.empty());

    ExpectErrorBody(Reset(email, reset, "short"), 422, "validation_error");
    ExpectErrorBody(Reset(email, reset, email), 422, "validation_error");
    ExpectErrorBody(Reset(email, reset, std::string(73, 'a')), 422, "validation_error");
    EXPECT_EQ(Login(email, "Password123").status, 200);
    EXPECT_EQ(Reset(email, reset, "NewPassword456").status, 200) << "the code was not used up";
}

// The expiry without waiting OTP_EXPIRE_MINUTES: the stored expiry is moved into the past in the
// server's own database (the fake-clock unit tests cover the arithmetic).
TEST_P(MailCodeRules, AnExpiredCodeIsRefusedLikeAWrongOne) {
    const std::string email = UniqueEmail("expired");
    const std::string welcome = RegisterForCode(email);
    ASSERT_FALSE(welcome.empty());
    const HttpResult wrong = Verify(email, WrongCode(welcome));
    ASSERT_EQ(ExpireCodes(Database(), email, "verify_email"), 1);
    const HttpResult expired = Verify(email, welcome);
    ExpectErrorBody(expired, 400, "invalid_otp");
    EXPECT_EQ(expired.body, wrong.body);
    EXPECT_FALSE(Verified(email));

    ASSERT_EQ(Forgot(email).status, 200);
    const std::string reset = WaitForCode(email, kResetSubject);
    ASSERT_FALSE(reset.empty());
    ASSERT_EQ(ExpireCodes(Database(), email, "reset_password"), 1);
    ExpectErrorBody(Reset(email, reset, "NewPassword456"), 400, "invalid_otp");
    EXPECT_EQ(Login(email, "Password123").status, 200) << "the password is unchanged";
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(MailCodeRules);

}  // namespace
}  // namespace clockko::testing
