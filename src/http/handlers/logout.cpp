#include "http/dto.hpp"
#include "http/error_mapping.hpp"
#include "http/handlers/handlers.hpp"
#include "http/responses.hpp"

namespace clockko::http {
namespace {

// 204 carries no body (the session layer then sends no Content-Length either).
HttpResponse NoContent() {
    HttpResponse response;
    response.status = 204;
    response.headers.Set("Cache-Control", "no-store");
    return response;
}

}  // namespace

// The refresh token is the credential here: a Bearer header, when sent, is not needed.
HttpResponse HandleLogout(const HttpRequest& request, HandlerContext& context) {
    auto input = DecodeRefreshToken(request.body);
    if (!input) {
        return input.error();
    }
    auto done = context.auth.Logout(input->refresh_token);
    if (!done) {
        return ErrorResponse(done.error());
    }
    return NoContent();
}

HttpResponse HandleLogoutAll(const HttpRequest& request, HandlerContext& context) {
    const auto token = BearerToken(request.headers);
    if (!token) {
        return ErrorResponse(
            core::MakeError(core::ErrorCode::kNotAuthenticated, "Not authenticated")
        );
    }
    auto done = context.auth.LogoutAll(*token, request.client_address);
    if (!done) {
        return ErrorResponse(done.error(), /*bearer_token_sent=*/true);
    }
    return NoContent();
}

}  // namespace clockko::http
