#include "fake_password_hasher.hpp"

#include "auth/password_policy.hpp"

#include <stdexcept>

namespace clockko::fakes {
namespace {

bool IsHashable(std::string_view password) {
    return password.size() <= auth::kMaxPasswordBytes &&
           password.find('\0') == std::string_view::npos;
}

}  // namespace

FakePasswordHasher::FakePasswordHasher(int cost) : cost_(cost) {}

std::string FakePasswordHasher::Prefix() const {
    return "fake$" + std::to_string(cost_.load()) + "$";
}

std::string FakePasswordHasher::Hash(std::string_view password) {
    if (!IsHashable(password)) {
        throw std::invalid_argument("password must be at most 72 bytes without NUL");
    }
    ++hash_count_;
    return Prefix() + std::string(password);
}

bool FakePasswordHasher::Verify(std::string_view password, std::string_view hash) {
    ++verify_count_;
    if (!IsHashable(password) || !hash.starts_with("fake$")) {
        return false;
    }
    const std::size_t end = hash.find('$', 5);
    return end != std::string_view::npos && hash.substr(end + 1) == password;
}

bool FakePasswordHasher::NeedsRehash(std::string_view hash) const {
    return !hash.starts_with(Prefix());
}

void FakePasswordHasher::SetCost(int cost) {
    cost_.store(cost);
}

}  // namespace clockko::fakes
