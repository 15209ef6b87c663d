#include "http/dto.hpp"
#include "http/error_mapping.hpp"
#include "http/handlers/handlers.hpp"

namespace clockko::http {

HttpResponse HandleSendVerificationEmail(const HttpRequest& request, HandlerContext& context) {
    auto input = DecodeEmailBody(request.body);
    if (!input) {
        return input.error();
    }
    auto sent = context.auth.SendVerificationCode(input->email, request.client_address);
    if (!sent) {
        return ErrorResponse(sent.error());
    }
    // The same words whether or not the account exists or is verified (no enumeration).
    return MessageResponse(
        "If the account exists and is not verified yet, a verification code has been sent."
    );
}

}  // namespace clockko::http
