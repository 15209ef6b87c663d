#include "http/dto.hpp"
#include "http/error_mapping.hpp"
#include "http/handlers/handlers.hpp"

namespace clockko::http {

HttpResponse HandleLogin(const HttpRequest& request, HandlerContext& context) {
    // The OAuth2 password form lets the docs' "Authorize" button log in.
    const bool is_form = MediaType(request.headers.Find("Content-Type").value_or("")) ==
                         "application/x-www-form-urlencoded";
    auto input = is_form ? DecodeLoginForm(request.body) : DecodeLoginJson(request.body);
    if (!input) {
        return input.error();
    }
    input->client_address = request.client_address;
    auto grant = context.auth.Login(*input);
    if (!grant) {
        return ErrorResponse(grant.error());
    }
    return TokenResponse(*grant);
}

}  // namespace clockko::http
