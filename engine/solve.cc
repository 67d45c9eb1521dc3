#include "engine/solve.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/deferred_acceptance.h"
#include "engine/min_cost_mechanism.h"
#include "engine/teacher_optimal_block_exchange.h"
#include "engine/top_trading_cycles.h"

namespace rota::engine {

absl::StatusOr<MatchResult> Solve(const Market& market, Mechanism mechanism,
                                  const SolveOptions& options) {
  MatchResult result;
  result.mechanism = mechanism;
  switch (mechanism) {
    case Mechanism::kDeferredAcceptance:
      RunDeferredAcceptance(market, /*tenure=*/false, options.explain, &result);
      break;
    case Mechanism::kTenureDeferredAcceptance:
      RunDeferredAcceptance(market, /*tenure=*/true, options.explain, &result);
      break;
    case Mechanism::kPostProposingDeferredAcceptance:
      ROTA_RETURN_IF_ERROR(
          RunPostProposingDeferredAcceptance(market, options.explain, &result));
      break;
    case Mechanism::kTeacherOptimalBlockExchange:
      ROTA_RETURN_IF_ERROR(
          RunTeacherOptimalBlockExchange(market, options.explain, &result));
      break;
    case Mechanism::kTopTradingCycles:
      ROTA_RETURN_IF_ERROR(
          RunTopTradingCycles(market, options.explain, &result));
      break;
    case Mechanism::kMinCost:
      ROTA_RETURN_IF_ERROR(RunMinCostAssignment(market, options.rank_cost,
                                                options.unassigned_cost,
                                                options.explain, &result));
      break;
  }
  if (static_cast<int32_t>(result.post_of.size()) != market.num_teachers) {
    return absl::InvalidArgumentError(
        absl::StrCat("mechanism: unknown value ", static_cast<int>(mechanism)));
  }
  FinishResult(market, options.encode, &result);
  return result;
}

absl::StatusOr<MatchResult> Solve(const Model& model, Mechanism mechanism,
                                  const SolveOptions& options) {
  ROTA_ASSIGN_OR_RETURN(Market market, Compile(model));
  return Solve(market, mechanism, options);
}

}  // namespace rota::engine
