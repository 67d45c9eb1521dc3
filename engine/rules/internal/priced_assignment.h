// Min-cost assignment over long option lists by column generation (pricing).
//
// County allocation gives every waiting mover an option at every allowed,
// qualified school with a free seat: thousands per teacher, although she
// ends at one of her cheapest few. SolvePricedAssignment solves the same
// problem as engine::SolveAssignment with no unassigned option (place as
// many teachers as possible, then at least total cost), exactly, while
// handing the solver only a few options per teacher:
//  - Penalised form: leaving a teacher out costs M = (n + 1)(2 max|c| + 1)
//    + 1, more than any change in real cost, so minimising the penalised
//    cost places the most teachers first (the solver's own device).
//  - Restricted problem: each teacher's `initial_options` cheapest options.
//    SolveAssignment returns it with post prices pi (its dual certificate);
//    each later round starts the solver from the previous round's prices
//    (AssignmentProblem::set_price_hint).
//  - Pricing: a left-out option (t, s) is added when c(t, s) + pi(s) is
//    below what t pays where she sits (c + pi there, or M when out). Lists
//    are sorted by cost and prices of empty posts may be raised to 0, so a
//    teacher's scan stops at the first cost >= her value.
//  - When no option is left with a negative reduced cost, the prices certify
//    the restricted optimum for the full lists (every teacher at an option
//    minimising c + pi over ALL her options, pi > 0 only at full posts:
//    engine::CheckAssignmentCertificate's conditions), so it is an exact
//    optimum of the full problem. Only equal-cost ties may resolve
//    differently from a solve over the full lists.
// If M would exceed the solver's cost limit, it solves the full lists once.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/min_cost_flow.h"

namespace rota::engine::rules::internal {

struct PricedAssignmentOptions {
  // Options per teacher in the first restricted problem (her cheapest).
  int initial_options = 8;
  // Most options added per teacher per pricing round (the cheapest of those
  // with a negative reduced cost); keeps rounds small when many teachers
  // cannot be placed.
  int max_added_per_round = 16;
};

struct PricedAssignmentResult {
  std::vector<int> post_of_teacher;  // post index or engine::kUnassigned
  int64_t placed = 0;                // teachers with a post
  int64_t cost = 0;                  // sum of the chosen options' costs
  int rounds = 0;                    // restricted problems solved
  int64_t columns = 0;               // options in the last restricted problem
};

// capacity[p] >= 0 seats at post p; options[t] = teacher t's (post, cost)
// pairs, sorted by cost ascending (ties in any fixed order), each post at
// most once, costs >= 0. Result: the most teachers placed, then the least
// total cost, as engine::SolveAssignment with unassigned_cost nullopt.
// InvalidArgument for bad input (as SolveAssignment).
absl::StatusOr<PricedAssignmentResult> SolvePricedAssignment(
    const std::vector<int64_t>& capacity,
    const std::vector<std::vector<AssignmentOption>>& options,
    const PricedAssignmentOptions& settings = {});

}  // namespace rota::engine::rules::internal
