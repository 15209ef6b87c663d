#pragma once

#include <string_view>
#include <vector>

namespace clockko::mail::detail {

/// One mail template as compiled into the binary from src/mail/templates/<name>.*.
struct EmbeddedTemplate {
    std::string_view name;
    std::string_view subject;  ///< <name>.subject.txt, surrounding whitespace stripped
    std::string_view text;     ///< <name>.txt
    std::string_view html;     ///< <name>.html
};

/// Every embedded template (generated at build time by templates/embed_templates.cmake).
const std::vector<EmbeddedTemplate>& EmbeddedTemplates();

}  // namespace clockko::mail::detail
