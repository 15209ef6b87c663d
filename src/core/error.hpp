#pragma once

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace clockko::core {

/// Every failure a client can see, shared by the domain and the wire. The HTTP layer maps each
/// enumerator to a status and a stable `code` string (http/error_mapping.cpp).
enum class ErrorCode {
    kInvalidCredentials,
    kEmailTaken,
    kAccountDisabled,
    kInvalidOtp,
    kTooManyAttempts,
    kRateLimited,
    kNotAuthenticated,
    kInvalidToken,
    kTokenExpired,
    kValidation,
    kUnavailable,
    kInternal,
};

/// One rejected input field, in FastAPI's terms: `field` becomes `loc: ["body", field]`.
struct FieldError {
    std::string field;
    std::string message;
    std::string type;
};

/// An expected failure. `detail` is safe to show a client; `log` is for operators and must never
/// carry a password, code or token.
struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string detail;
    std::string log;
    std::vector<FieldError> fields;
    int retry_after_seconds = 0;
};

/// Builds an Error with a client-safe detail (and the same text for the log).
inline Error MakeError(ErrorCode code, std::string detail) {
    Error error{.code = code, .detail = std::move(detail), .log = {}, .fields = {}};
    error.log = error.detail;
    return error;
}

/// A validation failure for a single field.
inline Error ValidationError(std::string field, std::string message, std::string type) {
    Error error{
        .code = ErrorCode::kValidation, .detail = field + ": " + message, .log = {}, .fields = {}};
    error.log = error.detail;
    error.fields.push_back(FieldError{
        .field = std::move(field), .message = std::move(message), .type = std::move(type)});
    return error;
}

/// Thrown by store adapters when the database cannot be reached; answered with 503.
class StoreUnavailable final : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown by adapters for an unexpected database failure; answered with 500.
class StoreFailure final : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown when `Result::value()` is called on an error: a bug in the caller.
class UnexpectedError final : public std::logic_error {
public:
    explicit UnexpectedError(const Error& error) : std::logic_error(error.log) {}
};

/// Found by boost::system::result through ADL.
[[noreturn]] inline void throw_exception_from_error(  // NOLINT(readability-identifier-naming)
    const Error& error,
    const boost::source_location& /*location*/
) {
    throw UnexpectedError(error);
}

/// The domain's return type for anything that can fail in an expected way.
template <class T>
using Result = boost::system::result<T, Error>;

/// For use cases that return nothing on success.
struct Done {};

}  // namespace clockko::core
