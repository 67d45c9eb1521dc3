// The golden cases E1-E8 of issue 4, exactly as written there.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/internal/testing.h"
#include "engine/solve.h"
#include "gtest/gtest.h"

namespace rota::engine {
namespace {

using testing::AssignmentOf;
using testing::ModelBuilder;
using testing::MustSolve;
using Assignment = std::map<std::string, std::string>;

// Men are teachers, women are posts with one seat each.
Model E1() {
  ModelBuilder b;
  b.Post("A", 1, {"beta", "gamma", "alpha"})
      .Post("B", 1, {"gamma", "alpha", "beta"})
      .Post("C", 1, {"alpha", "beta", "gamma"})
      .Teacher("alpha", {"A", "B", "C"})
      .Teacher("beta", {"B", "C", "A"})
      .Teacher("gamma", {"C", "A", "B"});
  return b.model();
}

TEST(GoldenCasesTest, E1MenProposingAndWomenProposing) {
  auto [m, men] = MustSolve(E1(), Mechanism::kDeferredAcceptance);
  EXPECT_EQ(AssignmentOf(m, men),
            (Assignment{{"alpha", "A"}, {"beta", "B"}, {"gamma", "C"}}));
  auto [m2, women] =
      MustSolve(E1(), Mechanism::kPostProposingDeferredAcceptance);
  EXPECT_EQ(AssignmentOf(m2, women),
            (Assignment{{"alpha", "C"}, {"beta", "A"}, {"gamma", "B"}}));
}

TEST(GoldenCasesTest, E2UniqueStableMatching) {
  ModelBuilder b;
  b.Post("A", 1, {"delta", "gamma", "alpha", "beta"})
      .Post("B", 1, {"beta", "delta", "alpha", "gamma"})
      .Post("C", 1, {"delta", "alpha", "beta", "gamma"})
      .Post("D", 1, {"gamma", "beta", "alpha", "delta"})
      .Teacher("alpha", {"A", "B", "C", "D"})
      .Teacher("beta", {"A", "D", "C", "B"})
      .Teacher("gamma", {"B", "A", "C", "D"})
      .Teacher("delta", {"D", "B", "C", "A"});
  const Assignment want{
      {"gamma", "A"}, {"delta", "B"}, {"alpha", "C"}, {"beta", "D"}};
  auto [m, men] = MustSolve(b.model(), Mechanism::kDeferredAcceptance);
  EXPECT_EQ(AssignmentOf(m, men), want);
  auto [m2, women] =
      MustSolve(b.model(), Mechanism::kPostProposingDeferredAcceptance);
  EXPECT_EQ(AssignmentOf(m2, women), want);
}

// Agent i owns house i.
TEST(GoldenCasesTest, E3ShapleyScarfTopTradingCycles) {
  ModelBuilder b;
  for (int i = 1; i <= 6; ++i) b.Post(absl::StrCat("h", i), 1);
  b.Teacher("1", {"h3", "h2", "h4", "h1"}, "h1")
      .Teacher("2", {"h3", "h5", "h6", "h2"}, "h2")
      .Teacher("3", {"h3", "h1"}, "h3")
      .Teacher("4", {"h2", "h5", "h6", "h4"}, "h4")
      .Teacher("5", {"h1", "h3", "h2", "h5"}, "h5")
      .Teacher("6", {"h2", "h4", "h5", "h6"}, "h6");
  auto [m, r] = MustSolve(b.model(), Mechanism::kTopTradingCycles);
  EXPECT_EQ(AssignmentOf(m, r), (Assignment{{"1", "h2"},
                                            {"2", "h5"},
                                            {"3", "h3"},
                                            {"4", "h6"},
                                            {"5", "h1"},
                                            {"6", "h4"}}));
  EXPECT_EQ(r.stats.cycles, 3);
}

Model E4() {
  ModelBuilder b;
  b.Post("s1", 1, {"i1", "i3", "i2"})
      .Post("s2", 1, {"i2", "i1", "i3"})
      .Post("s3", 1, {"i3", "i1", "i2"})
      .Teacher("i1", {"s2", "s1", "s3"})
      .Teacher("i2", {"s1", "s2", "s3"})
      .Teacher("i3", {"s1", "s2", "s3"});
  return b.model();
}

TEST(GoldenCasesTest, E4DeferredAcceptance) {
  auto [m, r] = MustSolve(E4(), Mechanism::kDeferredAcceptance);
  EXPECT_EQ(AssignmentOf(m, r),
            (Assignment{{"i1", "s1"}, {"i2", "s2"}, {"i3", "s3"}}));
}

TEST(GoldenCasesTest, E4TopTradingCycles) {
  auto [m, r] = MustSolve(E4(), Mechanism::kTopTradingCycles);
  EXPECT_EQ(AssignmentOf(m, r),
            (Assignment{{"i1", "s2"}, {"i2", "s1"}, {"i3", "s3"}}));
}

Model E5() {
  ModelBuilder b;
  b.Post("s1", 1, {"t3", "t2", "t1"})
      .Post("s2", 1, {"t3", "t1", "t2"})
      .Post("s3", 1, {"t3", "t1", "t2"})
      .Teacher("t1", {"s2", "s1", "s3"}, "s1")
      .Teacher("t2", {"s1", "s2", "s3"}, "s2")
      .Teacher("t3", {"s1", "s2", "s3"}, "s3");
  return b.model();
}

TEST(GoldenCasesTest, E5TenureDeferredAcceptanceMovesNobody) {
  auto [m, r] = MustSolve(E5(), Mechanism::kTenureDeferredAcceptance);
  EXPECT_EQ(AssignmentOf(m, r),
            (Assignment{{"t1", "s1"}, {"t2", "s2"}, {"t3", "s3"}}));
  for (Outcome o : r.outcome) EXPECT_EQ(o, Outcome::kKeptOwnPost);
}

TEST(GoldenCasesTest, E5TeacherOptimalBlockExchangeSwapsT1AndT2) {
  auto [m, r] = MustSolve(E5(), Mechanism::kTeacherOptimalBlockExchange);
  EXPECT_EQ(AssignmentOf(m, r),
            (Assignment{{"t1", "s2"}, {"t2", "s1"}, {"t3", "s3"}}));
  EXPECT_EQ(r.outcome[2], Outcome::kKeptOwnPost);
}

TEST(GoldenCasesTest, E5PlainDeferredAcceptanceIgnoresTenure) {
  auto [m, r] = MustSolve(E5(), Mechanism::kDeferredAcceptance);
  EXPECT_EQ(AssignmentOf(m, r),
            (Assignment{{"t1", "s2"}, {"t2", "s3"}, {"t3", "s1"}}));
}

TEST(GoldenCasesTest, E6CapacityTwo) {
  ModelBuilder b;
  b.Post("a", 2, {"u0", "u3"})
      .Post("b", 2, {"u0", "u1"})
      .Post("c", 2, {"u2", "u1"})
      .Post("d", 2, {"u3"})
      .Teacher("u0", {"a", "b"})
      .Teacher("u1", {"b", "c"})
      .Teacher("u2", {"c"})
      .Teacher("u3", {"a", "d"});
  auto [m, r] = MustSolve(b.model(), Mechanism::kDeferredAcceptance);
  EXPECT_EQ(AssignmentOf(m, r),
            (Assignment{{"u0", "a"}, {"u1", "b"}, {"u2", "c"}, {"u3", "a"}}));
}

// One post, 2 seats, one reserved for women; scores f1 > m1 > f2 > m2.
Model E7(ReservePrecedence precedence) {
  ModelBuilder b;
  b.Post("post", 2);
  b.last_post().reserves = {{"gender:female", 1}};
  b.last_post().reserve_precedence = precedence;
  const std::vector<std::pair<std::string, int64_t>> scores = {
      {"f1", 90}, {"m1", 80}, {"f2", 70}, {"m2", 60}};
  for (const auto& [id, points] : scores) {
    b.Teacher(id, {"post"}, "", points);
    b.last_teacher().gender = id[0] == 'f' ? Gender::kFemale : Gender::kMale;
  }
  return b.model();
}

std::set<std::string> Admitted(const Market& m, const MatchResult& r) {
  std::set<std::string> out;
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    if (r.post_of[t] >= 0) out.insert(m.teacher_ids[t]);
  }
  return out;
}

TEST(GoldenCasesTest, E7ReserveSeatFirst) {
  auto [m, r] = MustSolve(E7(ReservePrecedence::kReserveFirst),
                          Mechanism::kDeferredAcceptance);
  EXPECT_EQ(Admitted(m, r), (std::set<std::string>{"f1", "m1"}));
}

TEST(GoldenCasesTest, E7OpenSeatFirst) {
  auto [m, r] = MustSolve(E7(ReservePrecedence::kOpenFirst),
                          Mechanism::kDeferredAcceptance);
  EXPECT_EQ(Admitted(m, r), (std::set<std::string>{"f1", "f2"}));
}

TEST(GoldenCasesTest, E8Floor) {
  ModelBuilder b;
  b.Post("post", 4);
  b.last_post().bounds = {{.group = "gender:female", .floor = 2}};
  const std::vector<std::string> order = {"m1", "m2", "m3", "f1", "m4", "f2"};
  for (size_t i = 0; i < order.size(); ++i) {
    b.Teacher(order[i], {"post"}, "", static_cast<int64_t>(100 - i));
    b.last_teacher().gender =
        order[i][0] == 'f' ? Gender::kFemale : Gender::kMale;
  }
  auto [m, r] = MustSolve(b.model(), Mechanism::kDeferredAcceptance);
  EXPECT_EQ(Admitted(m, r), (std::set<std::string>{"f1", "f2", "m1", "m2"}));
  EXPECT_TRUE(r.unmet_floors.empty());
}

}  // namespace
}  // namespace rota::engine
