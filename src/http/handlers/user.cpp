#include "http/dto.hpp"
#include "http/error_mapping.hpp"
#include "http/handlers/handlers.hpp"
#include "http/responses.hpp"

namespace clockko::http {

std::optional<std::string> BearerToken(const Headers& headers) {
    const auto value = headers.Find("Authorization");
    if (!value) {
        return std::nullopt;
    }
    const std::string_view text = TrimOws(*value);
    const auto space = text.find_first_of(" \t");
    if (space == std::string_view::npos || !EqualsIgnoreCase(text.substr(0, space), "Bearer")) {
        return std::nullopt;
    }
    const std::string_view token = TrimOws(text.substr(space));
    if (token.empty()) {
        return std::nullopt;
    }
    return std::string(token);
}

HttpResponse HandleCurrentUser(const HttpRequest& request, HandlerContext& context) {
    const auto token = BearerToken(request.headers);
    if (!token) {
        return ErrorResponse(
            core::MakeError(core::ErrorCode::kNotAuthenticated, "Not authenticated")
        );
    }
    auto user = context.auth.CurrentUser(*token);
    if (!user) {
        return ErrorResponse(user.error(), /*bearer_token_sent=*/true);
    }
    HttpResponse response = JsonResponse(200, EncodeUser(*user));
    // Personal data: no shared cache may keep it.
    response.headers.Set("Cache-Control", "no-store");
    response.log_user_id = user->id;
    return response;
}

}  // namespace clockko::http
