#include "auth/password_hasher.hpp"
#include "auth/password_policy.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <semaphore>
#include <stdexcept>
#include <thread>

namespace clockko::auth {
namespace {

constexpr int kMinCost = 4;
constexpr int kMaxCost = 31;
constexpr std::size_t kBcryptHashLength = 60;
constexpr std::string_view kWritePrefix = "$2b$";
// 31 characters of bcrypt's alphabet in place of a checksum: matching it would need a preimage.
constexpr std::string_view kDummyChecksum = "NoPasswordMatchesThisDummyHash.";
static_assert(kDummyChecksum.size() == 31);

bool IsBcryptAlphabet(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '/';
}

// Only bcrypt is accepted: libxcrypt would happily treat any other string as a DES or MD5
// setting and verify against it.
bool IsBcryptHash(std::string_view hash) {
    if (hash.size() != kBcryptHashLength || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' ||
        hash[6] != '$') {
        return false;
    }
    if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') {
        return false;
    }
    if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') {
        return false;
    }
    return std::all_of(hash.begin() + 7, hash.end(), IsBcryptAlphabet);
}

int HashCost(std::string_view hash) {
    return (hash[4] - '0') * 10 + (hash[5] - '0');
}

bool IsHashable(std::string_view password) {
    return password.size() <= kMaxPasswordBytes && password.find('\0') == std::string_view::npos;
}

std::string MakeSetting(int cost) {
    std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting{};
    // A null random-bytes argument makes libxcrypt draw the salt from the OS CSPRNG.
    if (crypt_gensalt_rn(
            kWritePrefix.data(),
            static_cast<unsigned long>(cost),
            nullptr,
            0,
            setting.data(),
            static_cast<int>(setting.size())
        ) == nullptr) {
        throw std::runtime_error("crypt_gensalt_rn failed");
    }
    return {setting.data()};
}

class SlotGuard final {
public:
    explicit SlotGuard(std::counting_semaphore<>& slots) : slots_(slots) { slots_.acquire(); }

    ~SlotGuard() { slots_.release(); }

    SlotGuard(const SlotGuard&) = delete;
    SlotGuard& operator=(const SlotGuard&) = delete;
    SlotGuard(SlotGuard&&) = delete;
    SlotGuard& operator=(SlotGuard&&) = delete;

private:
    std::counting_semaphore<>& slots_;
};

class BcryptHasher final : public PasswordHasher {
public:
    explicit BcryptHasher(BcryptOptions options)
        : cost_(options.cost),
          slots_(static_cast<std::ptrdiff_t>(SlotCount(options.max_concurrent))),
          dummy_hash_(MakeSetting(cost_) + std::string(kDummyChecksum)) {}

    std::string Hash(std::string_view password) override {
        if (!IsHashable(password)) {
            throw std::invalid_argument("password must be at most 72 bytes without NUL");
        }
        std::string hashed = Compute(password, MakeSetting(cost_));
        if (!IsBcryptHash(hashed)) {
            throw std::runtime_error("crypt_rn failed");
        }
        return hashed;
    }

    bool Verify(std::string_view password, std::string_view hash) override {
        // bcrypt reads the first 72 bytes only. The original backend (passlib) cut longer
        // passwords silently, so an adopted user who chose one still logs in with it; the policy
        // refuses such passwords for every new hash, so no hash of ours depends on this.
        const std::string_view significant =
            password.substr(0, std::min(password.size(), kMaxPasswordBytes));
        const bool usable = IsHashable(significant) && IsBcryptHash(hash);
        const std::string computed =
            Compute(significant, std::string(usable ? hash : std::string_view(dummy_hash_)));
        return usable && computed.size() == hash.size() &&
               CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
    }

    // Only ever upwards: a hash made at a higher cost (BCRYPT_ROUNDS lowered, or another
    // instance of a rolling deploy still at the old setting) is kept, never weakened. A $2a$ or
    // $2y$ hash is rewritten as $2b$ only when that costs no strength.
    [[nodiscard]] bool NeedsRehash(std::string_view hash) const override {
        if (!IsBcryptHash(hash)) {
            return true;  // not bcrypt at all (unreachable: nothing verifies against it)
        }
        const int cost = HashCost(hash);
        return cost < cost_ || (cost == cost_ && !hash.starts_with(kWritePrefix));
    }

    [[nodiscard]] const std::string& DummyHash() const override { return dummy_hash_; }

private:
    static unsigned SlotCount(unsigned requested) {
        return requested != 0 ? requested : std::max(std::thread::hardware_concurrency(), 1U);
    }

    // Returns crypt_rn's output, or an empty string when it fails.
    std::string Compute(std::string_view password, const std::string& setting) {
        std::string phrase(password);
        std::string result;
        {
            const SlotGuard slot(slots_);
            // 32 KiB: on the heap, never on a (coroutine) stack frame. Value-initialised, since
            // crypt_rn requires a zeroed object.
            const auto data = std::make_unique<crypt_data>();
            const char* output = crypt_rn(
                phrase.c_str(), setting.c_str(), data.get(), static_cast<int>(sizeof(crypt_data))
            );
            if (output != nullptr && output[0] != '*') {
                result = output;
            }
            OPENSSL_cleanse(data.get(), sizeof(crypt_data));
        }
        OPENSSL_cleanse(phrase.data(), phrase.size());
        return result;
    }

    int cost_;
    std::counting_semaphore<> slots_;
    std::string dummy_hash_;
};

}  // namespace

std::unique_ptr<PasswordHasher> MakeBcryptHasher(BcryptOptions options) {
    if (options.cost < kMinCost || options.cost > kMaxCost) {
        throw std::invalid_argument("bcrypt cost must be between 4 and 31");
    }
    return std::make_unique<BcryptHasher>(options);
}

}  // namespace clockko::auth
