// JSON and form body decoding (src/http/dto.*): the first byte picks the decoder, the rest is the
// body. Any bytes give either a decoded value or a 422 response, never a crash or an exception.
#include "fuzz_support.hpp"
#include "http/dto.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using clockko::fuzz::Require;
using clockko::http::Decoded;

template <class T>
void Check(const Decoded<T>& decoded) {
    if (decoded) {
        return;
    }
    const clockko::http::HttpResponse& response = decoded.error();
    Require(
        response.status == 422, "a rejected body is not a 422", std::to_string(response.status)
    );
    Require(response.content_type == "application/json", "a 422 that is not JSON");
    Require(!response.body.empty() && response.body.front() == '{', "a 422 without an object body");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 6) {
        case 0:
            Check(clockko::http::DecodeRegister(body));
            break;
        case 1:
            Check(clockko::http::DecodeLoginJson(body));
            break;
        case 2:
            Check(clockko::http::DecodeLoginForm(body));
            break;
        case 3:
            Check(clockko::http::DecodeEmailBody(body));
            break;
        case 4:
            Check(clockko::http::DecodeVerifyEmail(body));
            break;
        default:
            Check(clockko::http::DecodeResetPassword(body));
            break;
    }
    return 0;
}
