#include "token_forge.hpp"

#include <boost/json.hpp>

#include <jwt.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

namespace clockko::testing {
namespace {

std::string Base64UrlDecode(std::string text) {
    for (char& c : text) {
        c = c == '-' ? '+' : (c == '_' ? '/' : c);
    }
    while (text.size() % 4 != 0) {
        text.push_back('=');
    }
    std::vector<unsigned char> out(text.size());
    const int length = EVP_DecodeBlock(
        out.data(),
        reinterpret_cast<const unsigned char*>(text.data()),
        static_cast<int>(text.size())
    );
    if (length < 0) {
        throw std::runtime_error("bad base64");
    }
    std::size_t size = static_cast<std::size_t>(length);
    for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) {
        --size;
    }
    return {reinterpret_cast<const char*>(out.data()), size};
}

std::string Base64UrlEncode(const std::string& text) {
    std::vector<unsigned char> out(4 * ((text.size() + 2) / 3) + 1);
    const int length = EVP_EncodeBlock(
        out.data(),
        reinterpret_cast<const unsigned char*>(text.data()),
        static_cast<int>(text.size())
    );
    std::string encoded(
        reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(length)
    );
    while (!encoded.empty() && encoded.back() == '=') {
        encoded.pop_back();
    }
    for (char& c : encoded) {
        c = c == '+' ? '-' : (c == '/' ? '_' : c);
    }
    return encoded;
}

struct JwtDeleter {
    void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

}  // namespace

TokenClaims ReadClaims(const std::string& token) {
    const std::size_t first = token.find('.');
    const std::size_t second = token.find('.', first + 1);
    if (first == std::string::npos || second == std::string::npos) {
        throw std::runtime_error("not a JWT");
    }
    const boost::json::object payload =
        boost::json::parse(Base64UrlDecode(token.substr(first + 1, second - first - 1)))
            .as_object();
    TokenClaims claims;
    claims.sub = std::string(payload.at("sub").as_string());
    if (payload.contains("jti")) {
        claims.jti = std::string(payload.at("jti").as_string());
    }
    claims.iat = payload.contains("iat") ? payload.at("iat").to_number<long long>() : 0;
    claims.exp = payload.contains("exp") ? payload.at("exp").to_number<long long>() : 0;
    return claims;
}

std::string ForgeToken(
    const std::string& algorithm,
    const std::string& key,
    const std::string& sub,
    long long iat,
    std::optional<long long> exp
) {
    if (algorithm == "none") {
        boost::json::object payload{{"sub", sub}, {"iat", iat}};
        if (exp) {
            payload["exp"] = *exp;
        }
        return Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
               Base64UrlEncode(boost::json::serialize(payload)) + ".";
    }
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) {
        throw std::runtime_error("jwt_new failed");
    }
    std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
    jwt_add_grant(jwt.get(), "sub", sub.c_str());
    jwt_add_grant_int(jwt.get(), "iat", iat);
    if (exp) {
        jwt_add_grant_int(jwt.get(), "exp", *exp);
    }
    const jwt_alg_t alg = jwt_str_alg(algorithm.c_str());
    if (jwt_set_alg(
            jwt.get(),
            alg,
            reinterpret_cast<const unsigned char*>(key.data()),
            static_cast<int>(key.size())
        ) != 0) {
        throw std::runtime_error("jwt_set_alg failed");
    }
    char* encoded = jwt_encode_str(jwt.get());
    if (encoded == nullptr) {
        throw std::runtime_error("jwt_encode_str failed");
    }
    std::string token(encoded);
    free(encoded);  // NOLINT(cppcoreguidelines-no-malloc): libjwt 1.10 allocates with malloc
    return token;
}

std::string TamperPayload(const std::string& token) {
    const std::size_t first = token.find('.');
    const std::size_t second = token.find('.', first + 1);
    std::string payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
    const std::size_t at = payload.find("\"sub\":\"") + 7;
    payload[at] = payload[at] == 'a' ? 'b' : 'a';
    return token.substr(0, first + 1) + Base64UrlEncode(payload) + token.substr(second);
}

}  // namespace clockko::testing
