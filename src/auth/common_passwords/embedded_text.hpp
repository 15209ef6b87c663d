#pragma once

#include <string_view>

namespace clockko::auth::detail {

/// The embedded list: one password per line, most common first, '\n' after the last one.
/// Generated at configure time by src/auth/common_passwords/CMakeLists.txt.
/// @par Thread safety: immutable; safe from any thread.
std::string_view EmbeddedCommonPasswordsText();

/// Where the list comes from: package, version, file and licence (for the startup log).
std::string_view EmbeddedCommonPasswordsSource();

}  // namespace clockko::auth::detail
