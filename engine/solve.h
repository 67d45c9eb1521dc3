// Entry point of the matching core: Market -> Solve(mechanism) -> MatchResult.
//
//   ROTA_ASSIGN_OR_RETURN(Market market, Compile(model));
//   ROTA_ASSIGN_OR_RETURN(MatchResult result,
//                         Solve(market, Mechanism::kTenureDeferredAcceptance));
//
// Mechanisms (each in its own file):
//   da        engine/deferred_acceptance.h   teacher-proposing DA: stable,
//             teacher-optimal, strategy-proof for teachers. Ignores holdings.
//   da-posts  engine/deferred_acceptance.h   post-proposing DA (post-optimal
//             stable matching); responsive posts only.
//   da-star   engine/deferred_acceptance.h   DA*: holders rank first at their
//             own post and lists end at the own post; individually rational.
//   to-be     engine/teacher_optimal_block_exchange.h   TO-BE (Combe,
//             Tercieux and Terrier 2022): individually rational, no block
//             exchange left, strategy-proof for teachers.
//   ttc       engine/top_trading_cycles.h    top trading cycles with holders
//             (Shapley-Scarf; YRMH-IGYT with vacancies and newcomers).
//   min-cost  engine/min_cost_mechanism.h    least total cost assignment
//             (cost = rank x rank_cost, or unassigned_cost), solved by
//             engine/min_cost_flow.h and checked by its dual certificate.
// Distributional rules (reserves, floors, ceilings; engine/choice_rules.h)
// apply inside da and da-star.
//
// Thread-safety: Solve only reads the market; concurrent calls are safe.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::engine {

struct SolveOptions {
  // Record per-entry reasons (MatchResult::entry_reason) for explanations.
  // Costs one byte per preference entry and a few stores per rejection.
  bool explain = true;
  // Compute the canonical encoding and its SHA-256.
  bool encode = true;
  // min-cost only: placing a teacher at her (k+1)-th choice costs
  // k * rank_cost; leaving her unplaced costs unassigned_cost (nullopt: she
  // must be placed; if that cannot hold she is unplaced in the closest
  // assignment, see engine/min_cost_mechanism.h).
  int64_t rank_cost = 100;
  std::optional<int64_t> unassigned_cost = 20000;
};

// Runs `mechanism` on `market`. Errors (InvalidArgument) only when the
// mechanism cannot handle the market's features, e.g. TO-BE or TTC with more
// holders than seats at a post, or da-posts with distributional rules. An
// unplaced teacher or an unmet floor is a result, not an error.
absl::StatusOr<MatchResult> Solve(const Market& market, Mechanism mechanism,
                                  const SolveOptions& options = {});

// Compile(model) then Solve.
absl::StatusOr<MatchResult> Solve(const Model& model, Mechanism mechanism,
                                  const SolveOptions& options = {});

}  // namespace rota::engine
