#include "http/responses.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace clockko::http {

HttpResponse JsonResponse(int status, std::string json) {
    HttpResponse response;
    response.status = status;
    response.content_type = kJsonContentType;
    response.body = std::move(json);
    return response;
}

HttpResponse ProblemResponse(int status, std::string_view code, std::string_view message) {
    const boost::json::object body{{"detail", message}, {"code", code}, {"message", message}};
    return JsonResponse(status, boost::json::serialize(body));
}

HttpResponse UnavailableResponse(std::string_view message, int retry_after_seconds) {
    HttpResponse response = ProblemResponse(503, "service_unavailable", message);
    response.headers.Set("Retry-After", std::to_string(std::max(retry_after_seconds, 1)));
    return response;
}

}  // namespace clockko::http
