#include "config/config.hpp"

#include <charconv>
#include <string_view>

namespace clockko::config {
namespace {

int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// Decodes %XX escapes; false when an escape is malformed.
bool PercentDecode(std::string_view text, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) {
            return false;
        }
        const int high = HexValue(text[i + 1]);
        const int low = HexValue(text[i + 2]);
        if (high < 0 || low < 0) {
            return false;
        }
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return true;
}

bool ParseQuery(std::string_view query, DatabaseUrl& url) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const std::size_t equals = pair.find('=');
        std::string key;
        std::string value;
        if (equals == std::string_view::npos || !PercentDecode(pair.substr(0, equals), key) ||
            !PercentDecode(pair.substr(equals + 1), value) || key.empty()) {
            return false;
        }
        url.parameters[key] = value;
    }
    return true;
}

bool ParseHostPort(std::string_view host_port, DatabaseUrl& url) {
    std::string_view host = host_port;
    std::string_view port;
    if (host_port.starts_with('[')) {  // [IPv6]:port
        const std::size_t close = host_port.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        host = host_port.substr(1, close - 1);
        const std::string_view after = host_port.substr(close + 1);
        if (!after.empty() && (after.front() != ':' || after.size() < 2)) {
            return false;
        }
        port = after.empty() ? after : after.substr(1);
    } else if (const std::size_t colon = host_port.rfind(':'); colon != std::string_view::npos) {
        host = host_port.substr(0, colon);
        port = host_port.substr(colon + 1);
    }
    url.host = host.empty() ? "localhost" : std::string(host);
    if (!port.empty()) {
        const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), url.port);
        if (error != std::errc{} || end != port.data() + port.size() || url.port < 1 ||
            url.port > 65535) {
            return false;
        }
    }
    return true;
}

bool ParseUserInfo(std::string_view user_info, DatabaseUrl& url) {
    const std::size_t colon = user_info.find(':');
    if (!PercentDecode(user_info.substr(0, colon), url.user)) {
        return false;
    }
    return colon == std::string_view::npos ||
           PercentDecode(user_info.substr(colon + 1), url.password);
}

std::optional<DatabaseUrl> ParsePostgres(std::string_view rest, std::string& problem) {
    DatabaseUrl url;
    url.kind = DatabaseKind::kPostgres;
    const std::size_t question = rest.find('?');
    if (question != std::string_view::npos && !ParseQuery(rest.substr(question + 1), url)) {
        problem = "DATABASE_URL has a malformed query string";
        return std::nullopt;
    }
    rest = rest.substr(0, question);
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash == std::string_view::npos || !PercentDecode(rest.substr(slash + 1), url.database) ||
        url.database.empty()) {
        problem = "DATABASE_URL must name a database: postgresql://user:password@host:5432/dbname";
        return std::nullopt;
    }
    // The password may itself contain '@' when unencoded; the last '@' ends the user info.
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        if (!ParseUserInfo(authority.substr(0, at), url)) {
            problem = "DATABASE_URL has a malformed percent-escape in the user or password";
            return std::nullopt;
        }
        authority = authority.substr(at + 1);
    }
    if (!ParseHostPort(authority, url)) {
        problem = "DATABASE_URL has an invalid host or port";
        return std::nullopt;
    }
    return url;
}

}  // namespace

std::optional<DatabaseUrl> ParseDatabaseUrl(const std::string& text, std::string& problem) {
    const std::string_view view(text);
    constexpr std::string_view kSqlite = "sqlite:///";
    if (view.starts_with(kSqlite)) {
        DatabaseUrl url;
        url.kind = DatabaseKind::kSqlite;
        url.sqlite_path = std::string(view.substr(kSqlite.size()));
        if (url.sqlite_path.empty()) {
            problem = "DATABASE_URL sqlite:/// needs a file path, or :memory:";
            return std::nullopt;
        }
        return url;
    }
    for (const std::string_view scheme :
         {"postgresql://", "postgres://", "postgresql+psycopg2://"}) {
        if (view.starts_with(scheme)) {
            return ParsePostgres(view.substr(scheme.size()), problem);
        }
    }
    problem =
        "DATABASE_URL is not supported: use sqlite:///path, sqlite:///:memory: or "
        "postgresql://user:password@host:5432/dbname";
    return std::nullopt;
}

}  // namespace clockko::config
