#pragma once

#include "core/error.hpp"
#include "http/request.hpp"

#include <string_view>

namespace clockko::http {

/// How one core::ErrorCode appears on the wire.
struct ErrorSpec {
    int status = 500;
    std::string_view code;             ///< the body's stable `code`
    std::string_view default_message;  ///< used when the Error carries no detail
};

/// The one table from domain error to HTTP (status, `code`, default message).
ErrorSpec SpecFor(core::ErrorCode code);

/// The response for a domain error: the contract's body (FastAPI's detail list for kValidation),
/// plus `WWW-Authenticate` on 401s and `Retry-After` on 429/503. `bearer_token_sent` adds
/// `error="invalid_token"` to the challenge of kNotAuthenticated. kInternal never shows the
/// Error's detail (it may name internals); its `log` goes to `log_note` instead.
HttpResponse ErrorResponse(const core::Error& error, bool bearer_token_sent = false);

}  // namespace clockko::http
