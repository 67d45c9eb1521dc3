// Deferred acceptance and DA* against brute force on small random markets.
#include "engine/deferred_acceptance.h"

#include <map>
#include <string>
#include <vector>

#include "engine/internal/oracle.h"
#include "engine/internal/oracle_checks.h"
#include "engine/internal/testing.h"
#include "engine/solve.h"
#include "gtest/gtest.h"

namespace rota::engine {
namespace {

using oracle::EnumerateMatchings;
using oracle::RandomModel;
using oracle::RandomOptions;
using oracle::View;

constexpr uint64_t kInstances = 5000;

// DA is stable and every teacher weakly prefers it to every stable matching;
// post-proposing DA is stable and every teacher weakly prefers every stable
// matching to it.
TEST(DeferredAcceptanceTest, StableAndTeacherOptimalOnRandomInstances) {
  RandomOptions o;
  o.holders = true;
  o.exempt = true;
  for (uint64_t seed = 1; seed <= kInstances; ++seed) {
    const Model model = RandomModel(seed, o);
    absl::StatusOr<Market> m = Compile(model);
    ASSERT_TRUE(m.ok()) << "seed " << seed << ": " << m.status();
    absl::StatusOr<MatchResult> da = Solve(*m, Mechanism::kDeferredAcceptance);
    absl::StatusOr<MatchResult> posts =
        Solve(*m, Mechanism::kPostProposingDeferredAcceptance);
    ASSERT_TRUE(da.ok() && posts.ok()) << "seed " << seed;
    const View v(*m, /*tenure=*/false);
    ASSERT_EQ(oracle::CheckFeasible(v, da->post_of), "") << "seed " << seed;
    ASSERT_EQ(oracle::FindBlockingPair(v, da->post_of), "") << "seed " << seed;
    ASSERT_EQ(oracle::CheckFeasible(v, posts->post_of), "") << "seed " << seed;
    ASSERT_EQ(oracle::FindBlockingPair(v, posts->post_of), "")
        << "seed " << seed;
    int stable = 0;
    EnumerateMatchings(v, [&](const std::vector<int32_t>& mu) {
      if (!oracle::FindBlockingPair(v, mu).empty()) return;
      ++stable;
      for (int32_t t = 0; t < m->num_teachers; ++t) {
        ASSERT_LE(v.Rank(t, da->post_of[t]), v.Rank(t, mu[t]))
            << "seed " << seed << ": DA not teacher-optimal for "
            << m->teacher_ids[t];
        ASSERT_GE(v.Rank(t, posts->post_of[t]), v.Rank(t, mu[t]))
            << "seed " << seed << ": post-proposing DA not post-optimal for "
            << m->teacher_ids[t];
      }
    });
    ASSERT_GE(stable, 1) << "seed " << seed;
  }
}

TEST(TenureDeferredAcceptanceTest,
     IndividuallyRationalAndStableForTenureAdjustedPriorities) {
  RandomOptions o;
  o.holders = true;
  o.exempt = true;
  for (uint64_t seed = 1; seed <= kInstances; ++seed) {
    const Model model = RandomModel(seed, o);
    absl::StatusOr<Market> m = Compile(model);
    ASSERT_TRUE(m.ok()) << "seed " << seed << ": " << m.status();
    absl::StatusOr<MatchResult> r =
        Solve(*m, Mechanism::kTenureDeferredAcceptance);
    ASSERT_TRUE(r.ok()) << "seed " << seed;
    const View v(*m, /*tenure=*/true);
    ASSERT_EQ(oracle::CheckFeasible(v, r->post_of), "") << "seed " << seed;
    ASSERT_EQ(oracle::CheckIndividuallyRational(v, r->post_of), "")
        << "seed " << seed;
    ASSERT_EQ(oracle::FindBlockingPair(v, r->post_of), "") << "seed " << seed;
    // Teacher-optimal among the tenure-stable matchings, too.
    EnumerateMatchings(v, [&](const std::vector<int32_t>& mu) {
      if (!oracle::FindBlockingPair(v, mu).empty()) return;
      for (int32_t t = 0; t < m->num_teachers; ++t) {
        ASSERT_LE(v.Rank(t, r->post_of[t]), v.Rank(t, mu[t]))
            << "seed " << seed;
      }
    });
  }
}

TEST(DeferredAcceptanceTest, NoTeacherGainsByMisreporting) {
  RandomOptions o;
  o.max_posts = 3;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    ASSERT_EQ(oracle::FindProfitableMisreport(RandomModel(seed, o),
                                              Mechanism::kDeferredAcceptance,
                                              /*tenure=*/false, seed),
              "");
  }
}

TEST(TenureDeferredAcceptanceTest, NoTeacherGainsByMisreporting) {
  RandomOptions o;
  o.max_posts = 3;
  o.holders = true;
  o.exempt = true;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    ASSERT_EQ(oracle::FindProfitableMisreport(
                  RandomModel(seed, o), Mechanism::kTenureDeferredAcceptance,
                  /*tenure=*/true, seed),
              "");
  }
}

// Competitive hiring stage 1: a post cut from 3 seats to 2 keeps its two
// best holders; the third competes elsewhere and, failing that, is unplaced
// with the reason recorded.
TEST(TenureDeferredAcceptanceTest, HoldersOfACutPostCompeteByPriority) {
  testing::ModelBuilder b;
  b.Post("p", 2).Post("q", 1);
  b.Teacher("h1", {}, "p", 90)
      .Teacher("h2", {}, "p", 80)
      .Teacher("h3", {"q"}, "p", 70);
  b.Teacher("n", {"q"}, "", 95);
  auto [m, r] =
      testing::MustSolve(b.model(), Mechanism::kTenureDeferredAcceptance);
  EXPECT_EQ(testing::AssignmentOf(m, r),
            (std::map<std::string, std::string>{
                {"h1", "p"}, {"h2", "p"}, {"h3", ""}, {"n", "q"}}));
  const int32_t h3 = 2;
  EXPECT_EQ(r.outcome[h3], Outcome::kUnplaced);
  const Explanation x = Explain(m, r, h3);
  ASSERT_EQ(x.why_not.size(), 1u);  // q; her own post p is implicit
  EXPECT_EQ(x.why_not[0].reason, Reason::kFull);
  EXPECT_EQ(m.teacher_ids[x.why_not[0].lowest_admitted], "n");
  EXPECT_EQ(r.entry_reason[m.own_entry[h3]], Reason::kFull);
}

// The misreport oracle must be able to see a manipulation: post-proposing DA
// is not strategy-proof for teachers, and some small market shows it.
TEST(DeferredAcceptanceTest, OracleFindsManipulationOfPostProposingDA) {
  RandomOptions o;
  o.max_posts = 3;
  int found = 0;
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    if (!oracle::FindProfitableMisreport(
             RandomModel(seed, o), Mechanism::kPostProposingDeferredAcceptance,
             /*tenure=*/false, seed)
             .empty()) {
      ++found;
    }
  }
  EXPECT_GT(found, 0);
}

}  // namespace
}  // namespace rota::engine
