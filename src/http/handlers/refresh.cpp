#include "http/dto.hpp"
#include "http/error_mapping.hpp"
#include "http/handlers/handlers.hpp"

namespace clockko::http {

HttpResponse HandleRefresh(const HttpRequest& request, HandlerContext& context) {
    auto input = DecodeRefreshToken(request.body);
    if (!input) {
        return input.error();
    }
    auto grant = context.auth.Refresh(input->refresh_token, request.client_address);
    if (!grant) {
        return ErrorResponse(grant.error());
    }
    return TokenResponse(*grant);
}

}  // namespace clockko::http
