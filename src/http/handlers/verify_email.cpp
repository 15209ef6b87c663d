#include "http/dto.hpp"
#include "http/error_mapping.hpp"
#include "http/handlers/handlers.hpp"

namespace clockko::http {

HttpResponse HandleVerifyEmail(const HttpRequest& request, HandlerContext& context) {
    auto input = DecodeVerifyEmail(request.body);
    if (!input) {
        return input.error();
    }
    auto verified = context.auth.VerifyEmail(input->email, input->otp, request.client_address);
    if (!verified) {
        return ErrorResponse(verified.error());
    }
    return MessageResponse("Email verified successfully.");
}

}  // namespace clockko::http
