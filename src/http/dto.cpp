#include "http/dto.hpp"

#include "core/time_format.hpp"
#include "http/error_mapping.hpp"
#include "http/responses.hpp"
#include "http/url_encoding.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <optional>

namespace clockko::http {
namespace {

// Pydantic v2's wording, which FastAPI clients already handle.
constexpr std::string_view kMissingMessage = "Field required";
constexpr std::string_view kMissingType = "missing";
constexpr std::string_view kNotStringMessage = "Input should be a valid string";
constexpr std::string_view kNotStringType = "string_type";
constexpr std::string_view kNotObjectMessage =
    "Input should be a valid dictionary or object to extract fields from";
constexpr std::string_view kNotObjectType = "model_attributes_type";

/// Collects every field error of one body, as FastAPI reports them all at once.
class FieldErrors final {
public:
    void Add(std::string_view field, std::string_view message, std::string_view type) {
        if (error_.fields.empty()) {
            error_.detail = field.empty() ? std::string(message)
                                          : std::string(field) + ": " + std::string(message);
            error_.log = error_.detail;
        }
        error_.fields.push_back(core::FieldError{
            .field = std::string(field), .message = std::string(message), .type = std::string(type)}
        );
    }

    template <class T>
    Decoded<T> Finish(T value) {
        if (error_.fields.empty()) {
            return value;
        }
        return ErrorResponse(error_);
    }

private:
    core::Error error_ = core::MakeError(core::ErrorCode::kValidation, "");
};

/// Reads string members of one JSON object, recording what is missing or mistyped.
class JsonFields final {
public:
    JsonFields(const boost::json::object& object, FieldErrors& errors)
        : object_(object), errors_(errors) {}

    std::string Required(std::string_view name) {
        const boost::json::value* value = object_.if_contains(name);
        if (value == nullptr) {
            errors_.Add(name, kMissingMessage, kMissingType);
            return {};
        }
        return StringOf(name, *value);
    }

    std::optional<std::string> Optional(std::string_view name) {
        const boost::json::value* value = object_.if_contains(name);
        if (value == nullptr || value->is_null()) {
            return std::nullopt;
        }
        return StringOf(name, *value);
    }

private:
    std::string StringOf(std::string_view name, const boost::json::value& value) {
        if (!value.is_string()) {
            errors_.Add(name, kNotStringMessage, kNotStringType);
            return {};
        }
        return std::string(value.get_string());
    }

    const boost::json::object& object_;
    FieldErrors& errors_;
};

Decoded<boost::json::object> ParseObject(std::string_view body) {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    if (ec) {
        return ProblemResponse(422, "invalid_json", "Request body is not valid JSON");
    }
    if (!value.is_object()) {
        FieldErrors errors;
        errors.Add({}, kNotObjectMessage, kNotObjectType);
        return errors.Finish(boost::json::object{});
    }
    return std::move(value.get_object());
}

}  // namespace

Decoded<auth::RegisterInput> DecodeRegister(std::string_view body) {
    auto object = ParseObject(body);
    if (!object) {
        return object.error();
    }
    FieldErrors errors;
    JsonFields fields(*object, errors);
    auth::RegisterInput input;
    input.email = fields.Required("email");
    input.password = fields.Required("password");
    input.username = fields.Optional("username");
    input.full_name = fields.Optional("full_name");
    if (auto name = fields.Optional("name"); !input.full_name) {
        input.full_name = std::move(name);
    }
    input.phone_number = fields.Optional("phone_number");
    return errors.Finish(std::move(input));
}

Decoded<auth::LoginInput> DecodeLoginJson(std::string_view body) {
    auto object = ParseObject(body);
    if (!object) {
        return object.error();
    }
    FieldErrors errors;
    JsonFields fields(*object, errors);
    auth::LoginInput input;
    input.email = fields.Required("email");
    input.password = fields.Required("password");
    return errors.Finish(std::move(input));
}

Decoded<auth::LoginInput> DecodeLoginForm(std::string_view body) {
    std::optional<std::string> username;
    std::optional<std::string> password;
    for (auto& [name, value] : ParseForm(body)) {
        if (name == "username" && !username) {
            username = std::move(value);
        } else if (name == "password" && !password) {
            password = std::move(value);
        }
    }
    FieldErrors errors;
    if (!username) {
        errors.Add("username", kMissingMessage, kMissingType);
    }
    if (!password) {
        errors.Add("password", kMissingMessage, kMissingType);
    }
    auth::LoginInput input;
    input.email = username.value_or("");
    input.password = password.value_or("");
    return errors.Finish(std::move(input));
}

Decoded<EmailBody> DecodeEmailBody(std::string_view body) {
    auto object = ParseObject(body);
    if (!object) {
        return object.error();
    }
    FieldErrors errors;
    JsonFields fields(*object, errors);
    EmailBody input{.email = fields.Required("email")};
    return errors.Finish(std::move(input));
}

Decoded<VerifyEmailBody> DecodeVerifyEmail(std::string_view body) {
    auto object = ParseObject(body);
    if (!object) {
        return object.error();
    }
    FieldErrors errors;
    JsonFields fields(*object, errors);
    VerifyEmailBody input;
    input.email = fields.Required("email");
    input.otp = fields.Required("otp");
    return errors.Finish(std::move(input));
}

Decoded<ResetPasswordBody> DecodeResetPassword(std::string_view body) {
    auto object = ParseObject(body);
    if (!object) {
        return object.error();
    }
    FieldErrors errors;
    JsonFields fields(*object, errors);
    ResetPasswordBody input;
    input.email = fields.Required("email");
    input.otp = fields.Required("otp");
    input.new_password = fields.Required("new_password");
    return errors.Finish(std::move(input));
}

Decoded<RefreshTokenBody> DecodeRefreshToken(std::string_view body) {
    auto object = ParseObject(body);
    if (!object) {
        return object.error();
    }
    FieldErrors errors;
    JsonFields fields(*object, errors);
    RefreshTokenBody input{.refresh_token = fields.Required("refresh_token")};
    return errors.Finish(std::move(input));
}

std::string EncodeUser(const auth::UserProfile& user) {
    const auto optional = [](const std::optional<std::string>& text) {
        return text ? boost::json::value(*text) : boost::json::value(nullptr);
    };
    const boost::json::object object{
        {"id", user.id},
        {"email", user.email},
        {"username", user.username},
        {"full_name", optional(user.full_name)},
        {"name", user.Name()},
        {"phone_number", optional(user.phone_number)},
        {"is_active", user.is_active},
        {"is_verified", user.is_verified},
        {"otp_verified", user.otp_verified},
        {"created_at", core::FormatRfc3339(user.created_at)},
    };
    return boost::json::serialize(object);
}

HttpResponse TokenResponse(const auth::TokenGrant& grant) {
    boost::json::object object{
        {"access_token", grant.access_token},
        {"token_type", grant.token_type},
        {"expires_in", grant.expires_in_seconds},
    };
    if (!grant.refresh_token.empty()) {
        object["refresh_token"] = grant.refresh_token;
    }
    HttpResponse response = JsonResponse(200, boost::json::serialize(object));
    response.headers.Set("Cache-Control", "no-store");
    response.headers.Set("Pragma", "no-cache");
    return response;
}

HttpResponse MessageResponse(std::string_view message) {
    const boost::json::object object{{"detail", message}, {"message", message}};
    return JsonResponse(200, boost::json::serialize(object));
}

}  // namespace clockko::http
