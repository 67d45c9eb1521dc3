// The min-cost mechanism against brute force on small random markets.
#include "engine/min_cost_mechanism.h"

#include <limits>
#include <vector>

#include "engine/internal/oracle.h"
#include "engine/internal/testing.h"
#include "engine/solve.h"
#include "gtest/gtest.h"

namespace rota::engine {
namespace {

TEST(MinCostMechanismTest, EqualsBruteForceOptimumOnRandomInstances) {
  oracle::RandomOptions o;
  o.holders = true;
  o.exempt = true;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    absl::StatusOr<Market> m = Compile(oracle::RandomModel(seed, o));
    ASSERT_TRUE(m.ok()) << m.status();
    SolveOptions opt;
    opt.rank_cost = 100;
    opt.unassigned_cost = 250;
    absl::StatusOr<MatchResult> r = Solve(*m, Mechanism::kMinCost, opt);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
    const oracle::View v(*m, /*tenure=*/false);
    ASSERT_EQ(oracle::CheckFeasible(v, r->post_of), "") << "seed " << seed;
    auto cost = [&](const std::vector<int32_t>& mu) {
      int64_t c = 0;
      for (int32_t t = 0; t < m->num_teachers; ++t) {
        if (m->exempt[t]) continue;
        c += mu[t] < 0 ? 250 : 100 * v.Rank(t, mu[t]);
      }
      return c;
    };
    int64_t best = std::numeric_limits<int64_t>::max();
    oracle::EnumerateMatchings(v, [&](const std::vector<int32_t>& mu) {
      best = std::min(best, cost(mu));
    });
    ASSERT_EQ(cost(r->post_of), best) << "seed " << seed;
    ASSERT_EQ(r->stats.total_cost, best) << "seed " << seed;
  }
}

TEST(MinCostMechanismTest, PlacesEveryoneWhenUnassignedIsForbiddenAndPossible) {
  testing::ModelBuilder b;
  b.Post("a", 1).Post("b", 1).Teacher("x", {"a", "b"}).Teacher("y", {"a"});
  SolveOptions opt;
  opt.unassigned_cost = std::nullopt;
  absl::StatusOr<Market> m = Compile(b.model());
  ASSERT_TRUE(m.ok());
  absl::StatusOr<MatchResult> r = Solve(*m, Mechanism::kMinCost, opt);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->post_of, (std::vector<int32_t>{1, 0}));  // x -> b, y -> a
  EXPECT_EQ(r->entry_reason[m->entry_begin[0]], Reason::kCostlier);
  EXPECT_EQ(r->stats.total_cost, 100);
}

}  // namespace
}  // namespace rota::engine
