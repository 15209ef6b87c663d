#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clockko::http {

/// Decodes one `application/x-www-form-urlencoded` component: '+' is a space and %XX a byte.
/// A malformed escape ("%zz", a trailing "%") is kept literally, as browsers and Python do.
std::string DecodeFormComponent(std::string_view text);

/// Splits a form body on '&' into decoded (name, value) pairs, in order. A pair without '='
/// has an empty value; empty pairs are skipped.
std::vector<std::pair<std::string, std::string>> ParseForm(std::string_view body);

}  // namespace clockko::http
