// Top trading cycles against brute force on small random markets.
#include "engine/top_trading_cycles.h"

#include <vector>

#include "engine/internal/oracle.h"
#include "engine/internal/oracle_checks.h"
#include "engine/internal/testing.h"
#include "engine/solve.h"
#include "gtest/gtest.h"

namespace rota::engine {
namespace {

using oracle::RandomModel;
using oracle::RandomOptions;
using oracle::View;

TEST(TopTradingCyclesTest,
     ParetoEfficientAndIndividuallyRationalOnRandomInstances) {
  RandomOptions o;
  o.holders = true;
  o.exempt = true;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    const Model model = RandomModel(seed, o);
    absl::StatusOr<Market> m = Compile(model);
    ASSERT_TRUE(m.ok()) << "seed " << seed << ": " << m.status();
    absl::StatusOr<MatchResult> r = Solve(*m, Mechanism::kTopTradingCycles);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
    const View v(*m, /*tenure=*/true);
    ASSERT_EQ(oracle::CheckFeasible(v, r->post_of), "") << "seed " << seed;
    ASSERT_EQ(oracle::CheckIndividuallyRational(v, r->post_of), "")
        << "seed " << seed;
    oracle::EnumerateMatchings(v, [&](const std::vector<int32_t>& mu) {
      bool strictly = false;
      for (int32_t t = 0; t < m->num_teachers; ++t) {
        const int32_t a = v.Rank(t, mu[t]), b = v.Rank(t, r->post_of[t]);
        if (a > b) return;  // someone worse off: not a Pareto improvement
        if (a < b) strictly = true;
      }
      ASSERT_FALSE(strictly)
          << "seed " << seed << ": TTC result is Pareto dominated";
    });
  }
}

// Not promised by the issue, but holds for reorderings and truncations of a
// teacher's own list (a teacher could still gain by listing a post she does
// not want, since posts point only to teachers who listed them).
TEST(TopTradingCyclesTest, NoTeacherGainsByReorderingOrTruncating) {
  RandomOptions o;
  o.max_posts = 3;
  o.holders = true;
  o.exempt = true;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    ASSERT_EQ(oracle::FindProfitableMisreport(RandomModel(seed, o),
                                              Mechanism::kTopTradingCycles,
                                              /*tenure=*/true, seed),
              "");
  }
}

TEST(TopTradingCyclesTest, RejectsMoreHoldersThanSeats) {
  testing::ModelBuilder b;
  b.Post("p", 1).Teacher("a", {"p"}, "p").Teacher("b", {"p"}, "p");
  absl::StatusOr<MatchResult> r =
      Solve(b.model(), Mechanism::kTopTradingCycles);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("post \"p\": 2 holders for 1 seats"),
            absl::string_view::npos)
      << r.status();
}

TEST(TopTradingCyclesTest, HolderWhoDidNotListHerPostKeepsIt) {
  testing::ModelBuilder b;
  b.Post("p", 1).Post("q", 1).Teacher("a", {"q"}, "p").Teacher("c", {"q"}, "q");
  auto [m, r] = testing::MustSolve(b.model(), Mechanism::kTopTradingCycles);
  EXPECT_EQ(r.post_of[0], 0);  // a keeps p
  EXPECT_EQ(r.outcome[0], Outcome::kKeptOwnPost);
  EXPECT_EQ(r.choice_of[0], -1);
}

}  // namespace
}  // namespace rota::engine
