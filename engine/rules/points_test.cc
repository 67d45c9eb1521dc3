#include "engine/rules/points.h"

#include <string>

#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

int32_t D(const char* s) { return *ParseDate(s); }

Teacher Base() {
  Teacher t;
  t.id = "T1";
  t.gender = Gender::kFemale;
  t.birth_day = D("1980-05-01");
  t.career_start_day = D("2004-09-01");
  t.school = "s1";
  t.school_join_day = D("2016-09-01");
  t.subjects = {"math"};
  return t;
}

int64_t Component(const PointsBreakdown& b, const std::string& name) {
  for (const auto& c : b.components) {
    if (c.component == name) return c.centipoints;
  }
  return 0;
}

TEST(PointsTest, BreakdownFromHistoryEvaluationsAndAttributes) {
  RoundPolicy policy;
  Teacher t = Base();
  t.service_history = {
      {"r1", D("2004-09-01"), D("2010-09-01"), Locality::kRural, true, false},
      {"u1", D("2010-09-01"), D("2016-09-01"), Locality::kUrban, false, false},
      {"s1", D("2016-09-01"), std::nullopt, Locality::kTeachingPoint, false,
       false},
  };
  t.evaluations = {{2020, EvaluationGrade::kIncompetent},  // too old
                   {2021, EvaluationGrade::kExcellent},
                   {2023, EvaluationGrade::kCompetent},
                   {2025, EvaluationGrade::kIncompetent},
                   {2026, EvaluationGrade::kExcellent}};  // not yet past
  t.backbone = BackboneLevel::kCity;
  t.title = Title::kSenior;
  t.hardships = {{HardshipKind::kSpouseSeparation, ""},
                 {HardshipKind::kDisability, ""}};
  PointsBreakdown b = ComputePoints(t, nullptr, policy, D("2026-09-01"));
  EXPECT_EQ(b.service_years, 22);
  EXPECT_EQ(b.rural_years, 16);  // 6 rural + 10 at a teaching point
  EXPECT_EQ(b.weak_school_years, 6);
  EXPECT_EQ(Component(b, "service years (22)"), 2200);
  EXPECT_EQ(Component(b, "rural years (16)"), 3200);
  EXPECT_EQ(Component(b, "weak-school years (6)"), 600);
  EXPECT_EQ(Component(b, "evaluation 2021: excellent"), 300);
  EXPECT_EQ(Component(b, "evaluation 2023: competent"), 100);
  EXPECT_EQ(Component(b, "evaluation 2025: incompetent"), -500);
  EXPECT_EQ(Component(b, "evaluation 2020: incompetent"), 0);
  EXPECT_EQ(Component(b, "evaluation 2026: excellent"), 0);
  EXPECT_EQ(Component(b, "backbone: city"), 500);
  EXPECT_EQ(Component(b, "title: senior"), 500);
  EXPECT_EQ(Component(b, "hardship: spouse separation"), 300);
  EXPECT_EQ(Component(b, "hardship: disability"), 300);
  int64_t sum = 0;
  for (const auto& c : b.components) sum += c.centipoints;
  EXPECT_EQ(b.total, sum);
  EXPECT_EQ(b.total, 2200 + 3200 + 600 + 300 + 100 - 500 + 500 + 500 + 600);
}

TEST(PointsTest, EmptyHistoryUsesCurrentSchoolAndPolicyWeights) {
  RoundPolicy policy;
  policy.points.per_rural_year = 50;
  Teacher t = Base();
  School s;
  s.id = "s1";
  s.locality = Locality::kRural;
  s.weak = true;
  PointsBreakdown b = ComputePoints(t, &s, policy, D("2026-08-31"));
  EXPECT_EQ(b.service_years, 21);  // one day short of 22
  EXPECT_EQ(b.rural_years, 9);     // 2016-09-01 .. 2026-08-31
  EXPECT_EQ(Component(b, "rural years (9)"), 450);
  EXPECT_EQ(Component(b, "weak-school years (9)"), 900);
}

TEST(PointsTest, TieChainAndRetirement) {
  RoundPolicy policy;
  policy.tie_chain = {TieBreaker::kHigherTitle, TieBreaker::kOlder,
                      TieBreaker::kBetterLastEvaluation};
  Teacher a = Base();
  a.title = Title::kIntermediate;
  a.evaluations = {{2024, EvaluationGrade::kCompetent},
                   {2025, EvaluationGrade::kExcellent}};
  std::vector<int64_t> v = TieChainValues(a, policy);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], 3);
  EXPECT_EQ(v[1], -int64_t{D("1980-05-01")});
  EXPECT_EQ(v[2], 4);
  Teacher older = a;
  older.birth_day = D("1979-05-01");
  EXPECT_GT(TieChainValues(older, policy), v);

  RetirementPolicy r;
  EXPECT_EQ(RetirementAge(a, r), 55);
  EXPECT_EQ(FormatDate(RetirementDay(a, r)), "2035-05-01");
  a.title = Title::kSenior;
  EXPECT_EQ(RetirementAge(a, r), 60);
  a.gender = Gender::kMale;
  a.title = Title::kJunior;
  EXPECT_EQ(RetirementAge(a, r), 60);
}

}  // namespace
}  // namespace rota::engine::rules
