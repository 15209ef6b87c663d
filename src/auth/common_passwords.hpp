#pragma once

#include "auth/password_policy.hpp"

#include <memory>
#include <string_view>

namespace clockko::auth {

/// The common passwords shipped in the binary: every entry of the password dictionary of the npm
/// package @zxcvbn-ts/language-common (see NOTICE), for exact, case-sensitive refusal.
/// Built on the first call (a few milliseconds), then shared.
/// @par Thread safety: safe from any thread.
[[nodiscard]] std::shared_ptr<const CommonPasswords> EmbeddedCommonPasswords();

/// Package, version, file and licence of the embedded list, for the startup log.
[[nodiscard]] std::string_view EmbeddedCommonPasswordsSource();

}  // namespace clockko::auth
