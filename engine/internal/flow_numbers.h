// Numbers and words shared by the two solvers (min_cost_flow.cc and
// assignment_solver.cc). Internal to engine/.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rota::engine::internal {

__extension__ typedef __int128 int128;

inline constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;
// Bound on |potential| and |distance| values; checked before solving.
inline constexpr int128 kSumLimit = int128{1} << 62;

inline int64_t Abs(int64_t x) { return x < 0 ? -x : x; }

// "a, b, c and 4 more".
inline std::string JoinLimited(const std::vector<std::string>& items,
                               size_t limit = 8) {
  if (items.size() <= limit) return absl::StrJoin(items, ", ");
  std::vector<std::string> head(items.begin(), items.begin() + limit);
  return absl::StrCat(absl::StrJoin(head, ", "), " and ", items.size() - limit,
                      " more");
}

}  // namespace rota::engine::internal
