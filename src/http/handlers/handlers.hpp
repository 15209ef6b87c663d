#pragma once

#include "auth/auth_service.hpp"
#include "http/request.hpp"

#include <functional>
#include <optional>
#include <string>

namespace clockko::http {

/// Answers whether the service can serve (database reachable, schema current, not draining).
/// May block; may throw (counted as "not ready").
using ReadinessProbe = std::function<bool()>;

/// What handlers may use. One per App, shared by all threads.
struct HandlerContext {
    auth::AuthService& auth;
    ReadinessProbe readiness;
};

/// The bearer token of an `Authorization` header: scheme `Bearer` in any case, then the token.
/// nullopt when the header is missing, has another scheme, or an empty token.
std::optional<std::string> BearerToken(const Headers& headers);

// One handler per endpoint (handlers/<endpoint>.cpp).
HttpResponse HandleRegister(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleLogin(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleCurrentUser(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleSendVerificationEmail(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleVerifyEmail(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleForgotPassword(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleResetPassword(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleRefresh(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleLogout(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleLogoutAll(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleRoot(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleHealth(const HttpRequest& request, HandlerContext& context);
HttpResponse HandleReady(const HttpRequest& request, HandlerContext& context);
/// GET /openapi.json, /docs, /docs/*, /redoc, /redoc/* from docs::FindAsset.
HttpResponse HandleDocs(const HttpRequest& request, HandlerContext& context);

}  // namespace clockko::http
