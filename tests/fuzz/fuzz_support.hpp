#pragma once

// Helpers shared by the libFuzzer targets of tests/fuzz (built only by `cmake --preset fuzz`).

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace clockko::fuzz {

/// Stops the run with a message: libFuzzer saves the input that got here as a crash reproducer.
/// Used for broken invariants that no sanitizer would notice (a 500, a rule violated).
[[noreturn]] inline void Fail(std::string_view what, std::string_view detail = {}) {
    std::fprintf(
        stderr,
        "fuzz invariant broken: %.*s %.*s\n",
        static_cast<int>(what.size()),
        what.data(),
        static_cast<int>(detail.size()),
        detail.data()
    );
    std::abort();
}

inline void Require(bool condition, std::string_view what, std::string_view detail = {}) {
    if (!condition) {
        Fail(what, detail);
    }
}

}  // namespace clockko::fuzz
