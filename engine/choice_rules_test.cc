// Reserves, floors and ceilings inside DA: unit cases, brute force on small
// random markets (stability under the choice rules, strategy-proofness) and
// the reporting of unmet floors.
#include "engine/choice_rules.h"

#include <set>
#include <string>
#include <vector>

#include "engine/internal/market_util.h"
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
using testing::ModelBuilder;
using testing::MustSolve;

std::set<std::string> At(const Market& m, const MatchResult& r,
                         const std::string& post) {
  std::set<std::string> out;
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    if (r.post_of[t] >= 0 && m.post_ids[r.post_of[t]] == post)
      out.insert(m.teacher_ids[t]);
  }
  return out;
}

void AddTeacher(ModelBuilder& b, const std::string& id, int64_t points,
                std::vector<std::string> prefs) {
  b.Teacher(id, std::move(prefs), "", points);
  b.last_teacher().gender = id[0] == 'f' ? Gender::kFemale : Gender::kMale;
}

TEST(ChoiceRulesTest, ReserveFallsBackToOpenWhenNoMemberApplies) {
  ModelBuilder b;
  b.Post("p", 2);
  b.last_post().reserves = {{"gender:female", 1}};
  AddTeacher(b, "m1", 90, {"p"});
  AddTeacher(b, "m2", 80, {"p"});
  AddTeacher(b, "m3", 70, {"p"});
  auto [m, r] = MustSolve(b.model(), Mechanism::kDeferredAcceptance);
  EXPECT_EQ(At(m, r, "p"), (std::set<std::string>{"m1", "m2"}));
}

TEST(ChoiceRulesTest, ReservedSeatIsTheRecordedReason) {
  ModelBuilder b;
  b.Post("p", 2);
  b.last_post().reserves = {{"gender:female", 1}};
  b.last_post().reserve_precedence = ReservePrecedence::kOpenFirst;
  AddTeacher(b, "f1", 90, {"p"});
  AddTeacher(b, "m1", 80, {"p"});
  AddTeacher(b, "f2", 70, {"p"});
  auto [m, r] = MustSolve(b.model(), Mechanism::kDeferredAcceptance);
  const int32_t m1 = 2;  // ids sorted: f1, f2, m1
  ASSERT_EQ(m.teacher_ids[m1], "m1");
  EXPECT_EQ(r.outcome[m1], Outcome::kUnplaced);
  EXPECT_EQ(r.entry_reason[m.entry_begin[m1]], Reason::kReservedSeat);
  const Explanation x = Explain(m, r, m1);
  ASSERT_EQ(x.why_not.size(), 1u);
  EXPECT_EQ(x.why_not[0].higher_admitted, 1);  // f1 outranks her, f2 does not
  EXPECT_NE(x.text.find("reserved"), std::string::npos) << x.text;
}

TEST(ChoiceRulesTest, SoftCeilingYieldsHardCeilingDoesNot) {
  for (bool hard : {false, true}) {
    ModelBuilder b;
    b.Post("p", 3);
    b.last_post().bounds = {{.group = "gender:male",
                             .floor = 0,
                             .ceiling = 1,
                             .hard_ceiling = hard}};
    AddTeacher(b, "m1", 90, {"p"});
    AddTeacher(b, "m2", 80, {"p"});
    AddTeacher(b, "f1", 70, {"p"});
    auto [m, r] = MustSolve(b.model(), Mechanism::kDeferredAcceptance);
    if (hard) {
      EXPECT_EQ(At(m, r, "p"), (std::set<std::string>{"m1", "f1"}));
      EXPECT_EQ(r.entry_reason[m.entry_begin[2]], Reason::kCeiling);  // m2
    } else {
      EXPECT_EQ(At(m, r, "p"), (std::set<std::string>{"m1", "m2", "f1"}));
    }
  }
}

TEST(ChoiceRulesTest, UnmetFloorIsReportedWithItsReason) {
  // Floor of 2 women at p; only f1 and f2 apply and f2 prefers q, which
  // takes her.
  ModelBuilder b;
  b.Post("p", 3).Post("q", 1);
  b.model().posts[0].bounds = {{.group = "gender:female", .floor = 2}};
  AddTeacher(b, "f1", 50, {"p"});
  AddTeacher(b, "f2", 50, {"q", "p"});
  AddTeacher(b, "m1", 90, {"p"});
  AddTeacher(b, "m2", 80, {"p"});
  auto [m, r] = MustSolve(b.model(), Mechanism::kDeferredAcceptance);
  ASSERT_EQ(r.unmet_floors.size(), 1u);
  const UnmetFloor& u = r.unmet_floors[0];
  EXPECT_EQ(m.post_ids[u.post], "p");
  EXPECT_EQ(m.group_names[u.group], "gender:female");
  EXPECT_EQ(u.floor, 2);
  EXPECT_EQ(u.achieved, 1);
  EXPECT_EQ(u.applicants, 2);
  EXPECT_EQ(u.placed_higher, 1);
}

TEST(ChoiceRulesTest,
     DeferredAcceptanceStableUnderChoiceRulesOnRandomInstances) {
  RandomOptions o;
  o.rules = true;
  o.holders = true;
  for (uint64_t seed = 1; seed <= 5000; ++seed) {
    const Model model = RandomModel(seed, o);
    absl::StatusOr<Market> m = Compile(model);
    ASSERT_TRUE(m.ok()) << "seed " << seed << ": " << m.status();
    for (bool tenure : {false, true}) {
      absl::StatusOr<MatchResult> r =
          Solve(*m, tenure ? Mechanism::kTenureDeferredAcceptance
                           : Mechanism::kDeferredAcceptance);
      ASSERT_TRUE(r.ok()) << "seed " << seed;
      const View v(*m, tenure);
      ASSERT_EQ(oracle::CheckFeasible(v, r->post_of), "") << "seed " << seed;
      ASSERT_EQ(oracle::FindBlockingPair(v, r->post_of), "") << "seed " << seed;
      if (tenure) {
        ASSERT_EQ(oracle::CheckIndividuallyRational(v, r->post_of), "")
            << "seed " << seed;
      }
      // Every unmet floor is explained: too few applicants who stayed, or
      // (DA*) the rest of the seats kept by holders outside the group.
      const std::vector<int32_t> seats = internal::SeatsAfterExempt(*m);
      for (const UnmetFloor& u : r->unmet_floors) {
        ASSERT_LT(u.achieved, u.floor) << "seed " << seed;
        if (!tenure) {
          ASSERT_EQ(u.tenured_others, 0) << "seed " << seed;
        }
        if (u.achieved != u.applicants - u.placed_higher) {
          ASSERT_TRUE(tenure) << "seed " << seed;
          ASSERT_LT(u.achieved, u.applicants - u.placed_higher)
              << "seed " << seed;
          ASSERT_EQ(u.achieved + u.tenured_others, seats[u.post])
              << "seed " << seed;
        }
      }
    }
  }
}

TEST(ChoiceRulesTest, NoTeacherGainsByMisreportingUnderChoiceRules) {
  RandomOptions o;
  o.rules = true;
  o.max_posts = 3;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    ASSERT_EQ(oracle::FindProfitableMisreport(RandomModel(seed, o),
                                              Mechanism::kDeferredAcceptance,
                                              /*tenure=*/false, seed),
              "");
  }
}

}  // namespace
}  // namespace rota::engine
