#include "engine/min_cost_mechanism.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/internal/market_util.h"
#include "engine/min_cost_flow.h"

namespace rota::engine {

absl::Status RunMinCostAssignment(const Market& m, int64_t rank_cost,
                                  std::optional<int64_t> unassigned_cost,
                                  bool explain, MatchResult* result) {
  if (rank_cost < 0 || rank_cost > kMaxFlowCost / 1024) {
    return absl::InvalidArgumentError(absl::StrCat("rank_cost: ", rank_cost,
                                                   " is outside [0, ",
                                                   kMaxFlowCost / 1024, "]"));
  }
  if (unassigned_cost &&
      (*unassigned_cost < 0 || *unassigned_cost > kMaxFlowCost)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unassigned_cost: ", *unassigned_cost, " is out of range"));
  }
  const int32_t n = m.num_teachers;
  const std::vector<int32_t> seats = internal::SeatsAfterExempt(m);
  AssignmentProblem problem;
  for (int32_t p = 0; p < m.num_posts; ++p)
    problem.AddPost(seats[p], 0, m.post_ids[p]);
  problem.set_unassigned_cost(unassigned_cost);
  std::vector<int32_t> teacher_of;  // problem teacher -> market teacher
  std::vector<AssignmentOption> options;
  for (int32_t t = 0; t < n; ++t) {
    if (m.exempt[t]) continue;
    options.clear();
    for (int32_t e = m.entry_begin[t]; e < m.listed_end[t]; ++e) {
      if (m.entry_block[e] != EntryBlock::kNone) continue;
      options.push_back({m.entry_post[e], (e - m.entry_begin[t]) * rank_cost});
    }
    problem.AddTeacher(options);
    teacher_of.push_back(t);
  }
  ROTA_ASSIGN_OR_RETURN(AssignmentResult solved, SolveAssignment(problem));
  if (solved.status == FlowStatus::kOptimal) {
    absl::StatusOr<int64_t> checked =
        CheckAssignmentCertificate(problem, solved);
    ROTA_CHECK(checked.ok() && *checked == solved.cost)
        << "min-cost certificate rejected: " << checked.status().ToString();
  }
  result->post_of.assign(n, -1);
  for (size_t i = 0; i < teacher_of.size(); ++i) {
    result->post_of[teacher_of[i]] = solved.post_of_teacher[i];
  }
  for (int32_t t = 0; t < n; ++t) {
    if (m.exempt[t]) result->post_of[t] = m.own_post[t];
  }
  result->stats.total_cost = solved.cost;
  if (explain) {
    result->entry_reason.assign(m.num_entries(), Reason::kNotReached);
    for (int32_t t = 0; t < n; ++t) {
      for (int32_t e = m.entry_begin[t]; e < m.listed_end[t]; ++e) {
        if (m.entry_post[e] == result->post_of[t]) break;
        result->entry_reason[e] =
            m.entry_block[e] != EntryBlock::kNone
                ? internal::ReasonForBlock(m.entry_block[e])
                : Reason::kCostlier;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace rota::engine
