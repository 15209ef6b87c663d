#include "http/dto.hpp"
#include "http/error_mapping.hpp"
#include "http/handlers/handlers.hpp"
#include "http/responses.hpp"

namespace clockko::http {

HttpResponse HandleRegister(const HttpRequest& request, HandlerContext& context) {
    auto input = DecodeRegister(request.body);
    if (!input) {
        return input.error();
    }
    auto user = context.auth.Register(*input);
    if (!user) {
        return ErrorResponse(user.error());
    }
    HttpResponse response = JsonResponse(201, EncodeUser(*user));
    response.log_user_id = user->id;
    return response;
}

}  // namespace clockko::http
