// Email normalisation and validation (src/auth/email.*): any bytes, no crash, and an accepted
// address obeys every rule of the contract.
#include "auth/email.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

using clockko::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string normalized = clockko::auth::NormalizeEmail(input);
    Require(
        clockko::auth::NormalizeEmail(normalized) == normalized, "normalisation not idempotent"
    );
    const auto result = clockko::auth::NormalizeAndValidateEmail(input);
    if (!result) {
        Require(result.error().fields.size() == 1, "a rejection names one field");
        return 0;
    }
    const std::string& email = *result;
    Require(email == normalized, "accepted email differs from its normalisation");
    Require(email.size() <= clockko::auth::kMaxEmailBytes, "accepted email over 254 bytes", email);
    Require(
        std::count(email.begin(), email.end(), '@') == 1, "accepted email without one @", email
    );
    Require(email.front() != '@', "accepted email with an empty local part", email);
    Require(email.find('.', email.find('@')) != std::string::npos, "domain without a dot", email);
    for (const char c : email) {
        const auto byte = static_cast<unsigned char>(c);
        Require(byte > 0x20 && byte != 0x7f, "accepted email with a space or control byte", email);
        Require(c < 'A' || c > 'Z', "accepted email with an upper-case ASCII letter", email);
    }
    return 0;
}
