// The URL- and address-shaped inputs: DATABASE_URL (src/config/database_url.cpp), form bodies
// and request targets (src/http/url_encoding.cpp, request.cpp), TRUSTED_PROXIES entries and
// X-Forwarded-For (src/http/client_address.cpp). The first byte picks the parser.
#include "config/config.hpp"
#include "fuzz_support.hpp"
#include "http/client_address.hpp"
#include "http/request.hpp"
#include "http/url_encoding.hpp"

#include <cstddef>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>
#include <stdexcept>
#include <string>

namespace {

using clockko::fuzz::Fail;
using clockko::fuzz::Require;

void DatabaseUrl(const std::string& text) {
    std::string problem;
    const auto url = clockko::config::ParseDatabaseUrl(text, problem);
    if (!url) {
        Require(!problem.empty(), "a refused DATABASE_URL without a reason");
        return;
    }
    if (url->kind == clockko::config::DatabaseKind::kPostgres) {
        Require(url->port > 0 && url->port <= 65535, "port out of range", text);
    } else {
        Require(!url->sqlite_path.empty(), "sqlite URL without a path", text);
    }
}

void Form(const std::string& text) {
    const std::string decoded = clockko::http::DecodeFormComponent(text);
    Require(decoded.size() <= text.size(), "decoding made the text longer");
    for (const auto& [name, value] : clockko::http::ParseForm(text)) {
        Require(name.size() + value.size() <= text.size(), "a form pair longer than the body");
    }
}

void Target(const std::string& text) {
    std::string path;
    std::string query;
    clockko::http::SplitTarget(text, path, query);
    Require(!path.empty(), "SplitTarget gave an empty path", text);
    Require(path.find('?') == std::string::npos, "a path with a query in it", text);
}

void Proxies(FuzzedDataProvider& provider) {
    const std::string entry = provider.ConsumeRandomLengthString(64);
    const std::string peer = provider.ConsumeRandomLengthString(64);
    const std::string forwarded_for = provider.ConsumeRemainingBytesAsString();
    const bool valid = !clockko::http::TrustedProxies::Problem(entry).has_value();
    try {
        const clockko::http::TrustedProxies proxies({entry, "10.0.0.0/8", "2001:db8::/32"});
        Require(valid, "TrustedProxies accepted an entry Problem refuses", entry);
        const std::string client = proxies.ClientAddress(peer, forwarded_for);
        if (!proxies.Contains(peer)) {
            Require(client == peer, "an untrusted peer's X-Forwarded-For was believed", peer);
        }
        Require(client.size() <= std::max(peer.size(), forwarded_for.size()), "client too long");
    } catch (const std::invalid_argument&) {
        Require(!valid, "TrustedProxies refused an entry Problem accepts", entry);
    } catch (const std::exception& error) {
        Fail("unexpected exception", error.what());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider provider(data, size);
    switch (provider.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
            DatabaseUrl(provider.ConsumeRemainingBytesAsString());
            break;
        case 1:
            Form(provider.ConsumeRemainingBytesAsString());
            break;
        case 2:
            Target(provider.ConsumeRemainingBytesAsString());
            break;
        default:
            Proxies(provider);
            break;
    }
    return 0;
}
