// Debian's Abseil has its own absl::string_view, distinct from
// std::string_view; StrCat takes only the former. Sv bridges the two.
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace rota::engine::rules::internal {

inline absl::string_view Sv(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace rota::engine::rules::internal
