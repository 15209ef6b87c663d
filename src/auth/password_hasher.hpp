#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace clockko::auth {

/// One-way password hashing.
/// @par Thread safety: implementations are safe to call concurrently; Hash and Verify block
/// (bcrypt takes about 260 ms at cost 12): call them from a worker thread, never an I/O thread.
class PasswordHasher {
public:
    virtual ~PasswordHasher() = default;

    /// Hashes a password that passed PasswordPolicy. Throws std::invalid_argument for one the
    /// algorithm cannot take whole (a NUL, more than 72 bytes): that is a caller's bug.
    /// Throws std::runtime_error when the library fails.
    [[nodiscard]] virtual std::string Hash(std::string_view password) = 0;

    /// True when `password` matches `hash`, compared in constant time. Costs one hash
    /// computation whatever the inputs (a malformed hash or an impossible password is checked
    /// against DummyHash() and answers false), so that the time says nothing about why it failed.
    [[nodiscard]] virtual bool Verify(std::string_view password, std::string_view hash) = 0;

    /// True when `hash` is weaker than the current settings: not bcrypt, a lower cost, or the
    /// same cost in an older variant ($2a$, $2y$). A login then stores a fresh hash. Never true for
    /// a hash of a higher cost: an upgrade only ever raises the cost.
    [[nodiscard]] virtual bool NeedsRehash(std::string_view hash) const = 0;

    /// A well-formed hash at the current settings that no password matches: verifying an
    /// unknown email's password against it costs as much as a real check.
    [[nodiscard]] virtual const std::string& DummyHash() const = 0;
};

struct BcryptOptions {
    int cost = 12;  ///< BCRYPT_ROUNDS, 4…31
    /// Hashes computed at once; the others wait. 0 means the number of hardware threads, so
    /// that logins cannot occupy every worker.
    unsigned max_concurrent = 0;
};

/// bcrypt through libxcrypt: writes `$2b$` hashes (passlib's format) and verifies `$2a$`,
/// `$2b$` and `$2y$` ones. Throws std::invalid_argument for a cost outside 4…31.
[[nodiscard]] std::unique_ptr<PasswordHasher> MakeBcryptHasher(BcryptOptions options);

}  // namespace clockko::auth
