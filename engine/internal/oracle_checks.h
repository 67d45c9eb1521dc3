// Shared property checks used by several engine test files.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/internal/oracle.h"
#include "engine/solve.h"
#include "gtest/gtest.h"

namespace rota::engine::oracle {

// Solves `truth` and every variant where one teacher submits an arrangement
// (permutation of a truncation) of her list. Returns "" if nobody gains,
// else a description naming the seed, the teacher and the lie.
inline std::string FindProfitableMisreport(const Model& truth,
                                           Mechanism mechanism, bool tenure,
                                           uint64_t seed) {
  absl::StatusOr<Market> market = Compile(truth);
  if (!market.ok())
    return absl::StrCat("seed ", seed, ": ", market.status().ToString());
  SolveOptions fast;
  fast.explain = false;
  fast.encode = false;
  absl::StatusOr<MatchResult> honest = Solve(*market, mechanism, fast);
  if (!honest.ok())
    return absl::StrCat("seed ", seed, ": ", honest.status().ToString());
  const View v(*market, tenure);
  for (size_t i = 0; i < truth.teachers.size(); ++i) {
    const Teacher& me = truth.teachers[i];
    if (me.exempt) continue;
    const int32_t t = static_cast<int32_t>(
        std::lower_bound(market->teacher_ids.begin(), market->teacher_ids.end(),
                         me.id) -
        market->teacher_ids.begin());
    const int32_t honest_rank = v.Rank(t, honest->post_of[t]);
    for (const std::vector<std::string>& lie : Arrangements(me.preferences)) {
      Model variant = truth;
      variant.teachers[i].preferences = lie;
      absl::StatusOr<Market> vm = Compile(variant);
      if (!vm.ok()) return vm.status().ToString();
      absl::StatusOr<MatchResult> r = Solve(*vm, mechanism, fast);
      if (!r.ok()) return r.status().ToString();
      if (v.Rank(t, r->post_of[t]) < honest_rank) {
        return absl::StrCat("seed ", seed, ": teacher ", me.id, " gains under ",
                            std::string(MechanismName(mechanism)),
                            " by reporting [", absl::StrJoin(lie, ","),
                            "] instead of [",
                            absl::StrJoin(me.preferences, ","), "]");
      }
    }
  }
  return "";
}

}  // namespace rota::engine::oracle
