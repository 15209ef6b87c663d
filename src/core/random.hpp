#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace clockko::core {

/// A source of cryptographically strong random bytes, injected so that tests can seed it.
/// @par Thread safety: implementations are safe to call from any thread.
class Random {
public:
    virtual ~Random() = default;
    /// Fills `out`; throws std::runtime_error if the source fails (never returns weak bytes).
    virtual void Fill(std::span<std::uint8_t> out) = 0;
};

/// OpenSSL's RAND_bytes.
std::unique_ptr<Random> MakeSystemRandom();

/// A uniform integer in [0, bound) without modulo bias (rejection sampling). `bound` > 0.
std::uint32_t UniformBelow(Random& random, std::uint32_t bound);

/// `byte_count` random bytes as lower-case hex.
std::string RandomHex(Random& random, std::size_t byte_count);

/// A random RFC 4122 version-4 UUID in its canonical 36-character form.
std::string RandomUuid(Random& random);

}  // namespace clockko::core
