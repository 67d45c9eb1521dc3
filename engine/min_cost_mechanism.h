// Min-cost assignment as a matching mechanism: the county allocation (调剂)
// view of a market. Every non-exempt teacher may take any usable post on her
// list (qualified, acceptable to the post; holders are not privileged) at
// cost k * rank_cost for her (k+1)-th choice, or stay unplaced at
// unassigned_cost; posts take at most their seats. The assignment of least
// total cost is found by engine/min_cost_flow.h (SolveAssignment) and its
// price certificate is verified (CheckAssignmentCertificate) before the
// result is returned, so a wrong optimum is a CHECK failure, never output.
//
// Priorities play no part (this is an optimisation, not a stable matching);
// ties between optimal assignments are resolved by the solver's
// deterministic order. Reasons: a better choice is kCostlier (the optimum
// needs the seat for others).
//
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::engine {

// Fills result->post_of, entry_reason (if explain), stats.total_cost.
// InvalidArgument when costs would overflow (rank_cost < 0 or too large).
absl::Status RunMinCostAssignment(const Market& market, int64_t rank_cost,
                                  std::optional<int64_t> unassigned_cost,
                                  bool explain, MatchResult* result);

}  // namespace rota::engine
