#include "auth/password_hasher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace clockko::auth {
namespace {

// Known-answer vectors made by Python passlib 1.7.4 (bcrypt backend) on Debian 12:
//   python3 -c "from passlib.hash import bcrypt; print(bcrypt.using(rounds=4).hash('Password123'))"
// and the same with rounds=12 (passlib's default), ident='2a' and ident='2y'.
constexpr std::string_view kPasslibCost4 =
    "$2b$04$sZ66LbriBihYZG/IcZykseeyxTg6RGp5fP7sInFukhCWw9Sz6O2um";
constexpr std::string_view kPasslibCost12 =
    "$2b$12$tOGl32qlci0m9f9k//Ops.SuX8ngIoXCjhT7XU9cANQPOEu/ycpoK";
constexpr std::string_view kPasslib2a =
    "$2a$04$bRl10nbDjxl.6KMi.4TxeOud8WLkJEDE/vwoSsi4E.2hhJD0xpRJG";
constexpr std::string_view kPasslib2y =
    "$2y$04$OJbBIAQa0vuIrPrgXj.UVOvFAPwvuoQj5S8L0TQRpnyGQRzeY.3Me";
// bcrypt.using(rounds=4).hash('pässwörd-ÜTF8'): UTF-8 bytes are hashed as they are.
constexpr std::string_view kPasslibUtf8 =
    "$2b$04$t4DLT6DimsImnFsWdODSiepuuX8X8U0/.dvo8GvAmqlzCcyI6LZr.";

std::unique_ptr<PasswordHasher> Hasher(int cost = 4, unsigned concurrent = 0) {
    return MakeBcryptHasher(BcryptOptions{.cost = cost, .max_concurrent = concurrent});
}

TEST(BcryptHasher, VerifiesPasslibHashes) {
    const auto hasher = Hasher();
    EXPECT_TRUE(hasher->Verify("Password123", kPasslibCost4));
    EXPECT_TRUE(hasher->Verify("Password123", kPasslibCost12));
    EXPECT_TRUE(hasher->Verify("Password123", kPasslib2a));
    EXPECT_TRUE(hasher->Verify("Password123", kPasslib2y));
    EXPECT_TRUE(hasher->Verify("p\xC3\xA4ssw\xC3\xB6rd-\xC3\x9CTF8", kPasslibUtf8));
}

TEST(BcryptHasher, RefusesWrongPasswordsForPasslibHashes) {
    const auto hasher = Hasher();
    EXPECT_FALSE(hasher->Verify("Password124", kPasslibCost4));
    EXPECT_FALSE(hasher->Verify("password123", kPasslib2a));
    EXPECT_FALSE(hasher->Verify("", kPasslib2y));
}

TEST(BcryptHasher, WritesPasslibsFormatAtTheConfiguredCost) {
    const auto hasher = Hasher();
    const std::string hashed = hasher->Hash("Password123");
    EXPECT_EQ(hashed.size(), 60U);
    EXPECT_EQ(hashed.substr(0, 7), "$2b$04$");
    EXPECT_TRUE(hasher->Verify("Password123", hashed));
    EXPECT_FALSE(hasher->Verify("Password12", hashed));
    EXPECT_NE(hasher->Hash("Password123"), hashed) << "salts must differ";
}

TEST(BcryptHasher, RefusesToHashWhatItCannotTakeWhole) {
    const auto hasher = Hasher();
    EXPECT_THROW((void)hasher->Hash(std::string(73, 'a')), std::invalid_argument);
    EXPECT_THROW((void)hasher->Hash(std::string("abc") + '\0' + "def"), std::invalid_argument);
    EXPECT_NO_THROW((void)hasher->Hash(std::string(72, 'a')));
}

TEST(BcryptHasher, NeverMatchesPastANul) {
    const auto hasher = Hasher();
    const std::string abc = hasher->Hash("abcdefgh");
    EXPECT_FALSE(hasher->Verify(std::string("abcdefgh") + '\0' + "tail", abc));
}

// passlib, which made the original backend's hashes, cut passwords at 72 bytes like bcrypt.
TEST(BcryptHasher, ComparesTheFirst72BytesAsPasslibDid) {
    const auto hasher = Hasher();
    const std::string prefix(72, 'a');
    const std::string hashed = hasher->Hash(prefix);
    EXPECT_TRUE(hasher->Verify(prefix, hashed));
    EXPECT_TRUE(hasher->Verify(prefix + "anything after byte 72", hashed));
    EXPECT_FALSE(hasher->Verify(std::string(71, 'a') + "b" + "tail", hashed));
    EXPECT_FALSE(hasher->Verify(std::string(71, 'a'), hashed));
}

TEST(BcryptHasher, RefusesNonBcryptHashes) {
    const auto hasher = Hasher();
    // libxcrypt would treat these as DES or MD5 settings.
    EXPECT_FALSE(hasher->Verify("Password123", "gae0.vm7U2FJA"));
    EXPECT_FALSE(hasher->Verify("Password123", "$1$saltsalt$"));
    EXPECT_FALSE(hasher->Verify("Password123", ""));
    EXPECT_FALSE(hasher->Verify("Password123", std::string(kPasslibCost4.substr(0, 59))));
    EXPECT_FALSE(hasher->Verify(
        "Password123", "$2x$04$sZ66LbriBihYZG/IcZykseeyxTg6RGp5fP7sInFukhCWw9Sz6O2um"
    ));
}

TEST(BcryptHasher, AsksForARehashWhenTheCostIsLowerOrTheVariantOlder) {
    const auto hasher = Hasher(4);
    EXPECT_FALSE(hasher->NeedsRehash(kPasslibCost4));
    EXPECT_TRUE(hasher->NeedsRehash(kPasslib2a));
    EXPECT_TRUE(hasher->NeedsRehash(kPasslib2y));
    EXPECT_TRUE(hasher->NeedsRehash("garbage"));
    EXPECT_TRUE(Hasher(5)->NeedsRehash(kPasslibCost4));
    EXPECT_TRUE(Hasher(12)->NeedsRehash(kPasslib2a));
}

// BCRYPT_ROUNDS lowered (or an instance of a rolling deploy still at the old value) must never
// weaken a stored hash: an upgrade only raises the cost.
TEST(BcryptHasher, NeverAsksForARehashThatWouldLowerTheCost) {
    EXPECT_FALSE(Hasher(4)->NeedsRehash(kPasslibCost12));
    EXPECT_FALSE(Hasher(11)->NeedsRehash(kPasslibCost12));
    EXPECT_FALSE(Hasher(12)->NeedsRehash(kPasslibCost12));
    EXPECT_TRUE(Hasher(13)->NeedsRehash(kPasslibCost12));
}

TEST(BcryptHasher, DummyHashIsWellFormedAndMatchesNothing) {
    const auto hasher = Hasher();
    const std::string& dummy = hasher->DummyHash();
    EXPECT_EQ(dummy.size(), 60U);
    EXPECT_EQ(dummy.substr(0, 7), "$2b$04$");
    EXPECT_FALSE(hasher->NeedsRehash(dummy));
    EXPECT_FALSE(hasher->Verify("", dummy));
    EXPECT_FALSE(hasher->Verify("Password123", dummy));
}

TEST(BcryptHasher, RefusesCostsOutsideBcryptsRange) {
    EXPECT_THROW((void)Hasher(3), std::invalid_argument);
    EXPECT_THROW((void)Hasher(32), std::invalid_argument);
}

TEST(BcryptHasher, IsSafeFromManyThreadsUnderAConcurrencyCap) {
    const auto hasher = Hasher(4, 1);
    const std::string hashed = hasher->Hash("Password123");
    std::atomic<int> matched{0};
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            for (int k = 0; k < 3; ++k) {
                matched += hasher->Verify("Password123", hashed) ? 1 : 0;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(matched.load(), 12);
}

}  // namespace
}  // namespace clockko::auth
