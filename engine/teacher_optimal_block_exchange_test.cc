// TO-BE against brute force on small random markets.
#include "engine/teacher_optimal_block_exchange.h"

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

TEST(TeacherOptimalBlockExchangeTest,
     IndividuallyRationalAndNoBlockExchangeLeft) {
  RandomOptions o;
  o.holders = true;
  o.exempt = true;
  for (uint64_t seed = 1; seed <= 5000; ++seed) {
    const Model model = RandomModel(seed, o);
    absl::StatusOr<Market> m = Compile(model);
    ASSERT_TRUE(m.ok()) << "seed " << seed << ": " << m.status();
    absl::StatusOr<MatchResult> r =
        Solve(*m, Mechanism::kTeacherOptimalBlockExchange);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
    const View v(*m, /*tenure=*/true, /*tenure_first=*/false);
    ASSERT_EQ(oracle::CheckFeasible(v, r->post_of), "") << "seed " << seed;
    ASSERT_EQ(oracle::CheckIndividuallyRational(v, r->post_of), "")
        << "seed " << seed;
    ASSERT_EQ(oracle::FindBlockExchange(v, r->post_of), "") << "seed " << seed;
    // Every post keeps its holders or gets, for each holder who left, a
    // teacher it ranks higher: no post is worse off than it started.
    for (int32_t t = 0; t < m->num_teachers; ++t) {
      if (m->exempt[t] || m->own_post[t] < 0 || r->post_of[t] == m->own_post[t])
        continue;
      const int32_t p = m->own_post[t];
      bool replaced = false;
      for (int32_t u = 0; u < m->num_teachers; ++u) {
        if (r->post_of[u] == p && m->own_post[u] != p &&
            v.Key(u, p) < v.Key(t, p)) {
          replaced = true;
        }
      }
      ASSERT_TRUE(replaced) << "seed " << seed << ": " << m->teacher_ids[t]
                            << " left without a higher-priority replacement";
    }
  }
}

TEST(TeacherOptimalBlockExchangeTest, NoTeacherGainsByMisreporting) {
  RandomOptions o;
  o.max_posts = 3;
  o.holders = true;
  o.exempt = true;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    ASSERT_EQ(oracle::FindProfitableMisreport(
                  RandomModel(seed, o), Mechanism::kTeacherOptimalBlockExchange,
                  /*tenure=*/true, seed),
              "");
  }
}

TEST(TeacherOptimalBlockExchangeTest, NewcomerFillsVacancyAfterChain) {
  // n (newcomer) outranks a at p; a prefers q, which has a vacancy.
  testing::ModelBuilder b;
  b.Post("p", 1, {"n", "a"}).Post("q", 1, {"a", "n"});
  b.Teacher("a", {"q", "p"}, "p").Teacher("n", {"p", "q"});
  auto [m, r] =
      testing::MustSolve(b.model(), Mechanism::kTeacherOptimalBlockExchange);
  EXPECT_EQ(testing::AssignmentOf(m, r),
            (std::map<std::string, std::string>{{"a", "q"}, {"n", "p"}}));
}

TEST(TeacherOptimalBlockExchangeTest, HolderDoesNotLeaveWithoutReplacement) {
  // a wants the vacant q, but nobody can take her seat at p.
  testing::ModelBuilder b;
  b.Post("p", 1).Post("q", 1).Teacher("a", {"q", "p"}, "p");
  auto [m, r] =
      testing::MustSolve(b.model(), Mechanism::kTeacherOptimalBlockExchange);
  EXPECT_EQ(r.post_of[0], 0);
  EXPECT_EQ(r.entry_reason[m.entry_begin[0]], Reason::kNoExchange);
}

// The block-exchange oracle must see the exchange DA* leaves in E5.
TEST(TeacherOptimalBlockExchangeTest, OracleFindsBlockExchangeLeftByTenureDA) {
  testing::ModelBuilder b;
  b.Post("s1", 1, {"t3", "t2", "t1"})
      .Post("s2", 1, {"t3", "t1", "t2"})
      .Post("s3", 1, {"t3", "t1", "t2"})
      .Teacher("t1", {"s2", "s1", "s3"}, "s1")
      .Teacher("t2", {"s1", "s2", "s3"}, "s2")
      .Teacher("t3", {"s1", "s2", "s3"}, "s3");
  auto [m, r] =
      testing::MustSolve(b.model(), Mechanism::kTenureDeferredAcceptance);
  const View v(m, /*tenure=*/true, /*tenure_first=*/false);
  EXPECT_NE(oracle::FindBlockExchange(v, r.post_of), "");
}

}  // namespace
}  // namespace rota::engine
