#include "engine/rules/internal/priced_assignment.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace rota::engine::rules::internal {
namespace {

__extension__ typedef __int128 int128;

PricedAssignmentResult FromSolver(const AssignmentResult& r,
                                  const AssignmentProblem& problem, int rounds,
                                  int64_t columns) {
  PricedAssignmentResult out;
  out.post_of_teacher = r.post_of_teacher;
  out.rounds = rounds;
  out.columns = columns;
  for (int t = 0; t < problem.num_teachers(); ++t) {
    const int p = r.post_of_teacher[t];
    if (p == kUnassigned) continue;
    ++out.placed;
    auto posts = problem.option_posts(t);
    auto costs = problem.option_costs(t);
    for (size_t k = 0; k < posts.size(); ++k) {
      if (posts[k] == p) out.cost += costs[k];
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<PricedAssignmentResult> SolvePricedAssignment(
    const std::vector<int64_t>& capacity,
    const std::vector<std::vector<AssignmentOption>>& options,
    const PricedAssignmentOptions& settings) {
  const int n = static_cast<int>(options.size());
  const int np = static_cast<int>(capacity.size());
  int64_t max_abs = 0;
  int64_t total_options = 0;
  for (int t = 0; t < n; ++t) {
    const std::vector<AssignmentOption>& o = options[t];
    total_options += static_cast<int64_t>(o.size());
    for (size_t k = 0; k < o.size(); ++k) {
      if (o[k].post < 0 || o[k].post >= np) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", t, ": unknown post ", o[k].post));
      }
      if (o[k].cost < 0 || o[k].cost > kMaxFlowCost ||
          (k > 0 && o[k].cost < o[k - 1].cost)) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", t, ": option costs must be in [0, ",
                         kMaxFlowCost, "] and ascending"));
      }
      max_abs = std::max(max_abs, o[k].cost);
    }
  }
  auto add_posts = [&](AssignmentProblem& p) {
    for (int s = 0; s < np; ++s) p.AddPost(capacity[s]);
  };
  const int128 m = int128{n + 1} * (2 * int128{max_abs} + 1) + 1;
  if (m > int128{kMaxFlowCost}) {
    // Too large a penalty for the solver's limits: the full lists, once.
    AssignmentProblem full;
    add_posts(full);
    full.ReserveTeachers(n, total_options);
    for (const auto& o : options) full.AddTeacher(o);
    full.set_unassigned_cost(std::nullopt);
    ROTA_ASSIGN_OR_RETURN(AssignmentResult r, SolveAssignment(full));
    return FromSolver(r, full, 1, total_options);
  }
  const int64_t penalty = static_cast<int64_t>(m);

  // included[t][k]: option k of teacher t is in the restricted problem.
  std::vector<std::vector<uint8_t>> included(n);
  for (int t = 0; t < n; ++t) {
    const size_t k0 = std::min<size_t>(
        options[t].size(), static_cast<size_t>(settings.initial_options));
    included[t].assign(options[t].size(), 0);
    std::fill(included[t].begin(), included[t].begin() + k0, 1);
  }
  std::vector<AssignmentOption> row;
  std::vector<int64_t> price(np, 0);
  for (int round = 1;; ++round) {
    AssignmentProblem problem;
    add_posts(problem);
    int64_t columns = 0;
    for (int t = 0; t < n; ++t) {
      row.clear();
      for (size_t k = 0; k < options[t].size(); ++k) {
        if (included[t][k]) row.push_back(options[t][k]);
      }
      columns += static_cast<int64_t>(row.size());
      problem.AddTeacher(row);
    }
    problem.set_unassigned_cost(penalty);
    // The previous round's prices: the solver starts near equilibrium.
    if (round > 1) problem.set_price_hint(price);
    ROTA_ASSIGN_OR_RETURN(AssignmentResult r, SolveAssignment(problem));
    ROTA_CHECK(r.status == FlowStatus::kOptimal);
    // Without floors a price is negative only at an empty post; raising it
    // to 0 keeps the certificate (nobody sits there, and others' best
    // options only get relatively better), so every price below is >= 0.
    for (int s = 0; s < np; ++s) price[s] = std::max<int64_t>(0, r.price[s]);
    bool added = false;
    for (int t = 0; t < n; ++t) {
      const int at = r.post_of_teacher[t];
      int64_t value = penalty;
      if (at != kUnassigned) {
        for (const AssignmentOption& o : options[t]) {
          if (o.post == at) {
            value = o.cost + price[at];
            break;
          }
        }
      }
      int budget = settings.max_added_per_round;
      for (size_t k = 0; k < options[t].size() && budget > 0; ++k) {
        const AssignmentOption& o = options[t][k];
        if (o.cost >= value) break;  // prices >= 0: nothing cheaper follows
        if (included[t][k] || o.cost + price[o.post] >= value) continue;
        included[t][k] = 1;
        --budget;
        added = true;
      }
    }
    if (!added) return FromSolver(r, problem, round, columns);
  }
}

}  // namespace rota::engine::rules::internal
