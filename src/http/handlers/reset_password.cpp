#include "http/dto.hpp"
#include "http/error_mapping.hpp"
#include "http/handlers/handlers.hpp"

namespace clockko::http {

HttpResponse HandleResetPassword(const HttpRequest& request, HandlerContext& context) {
    auto input = DecodeResetPassword(request.body);
    if (!input) {
        return input.error();
    }
    auto reset = context.auth.ResetPassword(
        input->email, input->otp, input->new_password, request.client_address
    );
    if (!reset) {
        return ErrorResponse(reset.error());
    }
    return MessageResponse("Password has been reset successfully.");
}

}  // namespace clockko::http
