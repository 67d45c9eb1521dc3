#include "engine/rules/points.h"

#include <string>
#include <vector>

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

// 走教 service committed by itinerant teaching rounds: each school year
// begun before the effective date counts once (a year without periods or
// starting on the effective date does not), times points_per_year.
TEST(PointsTest, ItinerantTeachingYearsCountPerSchoolYear) {
  RoundPolicy policy;
  Teacher t = Base();
  t.itinerant_service = {{2024, D("2024-09-01"), 8},
                         {2025, D("2025-09-01"), 6},
                         {2025, D("2025-09-01"), 6},
                         {2023, D("2023-09-01"), 0},
                         {2026, D("2026-09-01"), 4}};
  EXPECT_EQ(ItinerantServiceYears(t, D("2026-09-01")), 2);
  PointsBreakdown off = ComputePoints(t, nullptr, policy, D("2026-09-01"));
  EXPECT_EQ(off.itinerant_years, 2);
  EXPECT_EQ(Component(off, "itinerant teaching years (2)"), 0);  // default 0
  policy.itinerant_teaching.points_per_year = 150;
  PointsBreakdown on = ComputePoints(t, nullptr, policy, D("2026-09-01"));
  EXPECT_EQ(Component(on, "itinerant teaching years (2)"), 300);
  EXPECT_EQ(on.total, off.total + 300);
  EXPECT_EQ(ItinerantServiceYears(t, D("2026-09-02")), 3);
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

  // Without the delay schedule: the fixed ages 55 / 60 / 60.
  RetirementPolicy r;
  r.male_max_delay_months = 0;
  r.female_max_delay_months = 0;
  EXPECT_EQ(RetirementAgeMonths(a, r), 55 * 12);
  EXPECT_EQ(FormatDate(RetirementDay(a, r)), "2035-05-01");
  a.title = Title::kSenior;
  EXPECT_EQ(RetirementAgeMonths(a, r), 60 * 12);
  a.gender = Gender::kMale;
  a.title = Title::kJunior;
  EXPECT_EQ(RetirementAgeMonths(a, r), 60 * 12);
}

// Rows of the tables published with the 2024 decision on gradually raising
// the statutory retirement age (from 2025-01-01): birth month -> age at
// retirement (years, months) and retirement month.
struct RetirementRow {
  const char* birth;  // YYYY-MM-DD
  int years, months;
  const char* retires;  // YYYY-MM-DD
};

void CheckRows(const Teacher& base, const RetirementPolicy& r,
               const std::vector<RetirementRow>& rows) {
  for (const RetirementRow& row : rows) {
    Teacher t = base;
    t.birth_day = D(row.birth);
    EXPECT_EQ(RetirementAgeMonths(t, r), row.years * 12 + row.months)
        << "born " << row.birth;
    EXPECT_EQ(FormatDate(RetirementDay(t, r)), row.retires)
        << "born " << row.birth;
  }
}

TEST(RetirementTest, MenFollowThePublishedTable) {
  Teacher t;
  t.gender = Gender::kMale;
  t.title = Title::kSenior;  // a man's title does not matter
  CheckRows(t, RetirementPolicy{},
            {{"1964-12-15", 60, 0, "2024-12-15"},
             {"1965-01-01", 60, 1, "2025-02-01"},
             {"1965-01-31", 60, 1, "2025-02-28"},
             {"1965-04-10", 60, 1, "2025-05-10"},
             {"1965-05-10", 60, 2, "2025-07-10"},
             {"1965-12-01", 60, 3, "2026-03-01"},
             {"1966-01-01", 60, 4, "2026-05-01"},
             {"1970-01-01", 61, 4, "2031-05-01"},
             {"1976-08-01", 62, 11, "2039-07-01"},
             {"1976-09-01", 63, 0, "2039-09-01"},
             {"1990-06-01", 63, 0, "2053-06-01"}});
}

TEST(RetirementTest, WomenCadresFollowThePublishedTable) {
  Teacher t;
  t.gender = Gender::kFemale;
  t.title = Title::kIntermediate;
  CheckRows(t, RetirementPolicy{},
            {{"1969-12-01", 55, 0, "2024-12-01"},
             {"1970-01-01", 55, 1, "2025-02-01"},
             {"1970-05-01", 55, 2, "2025-07-01"},
             {"1975-01-01", 56, 4, "2031-05-01"},
             {"1981-08-01", 57, 11, "2039-07-01"},
             {"1981-09-01", 58, 0, "2039-09-01"}});
}

TEST(RetirementTest, WomenWorkersScheduleIsExpressibleByPolicy) {
  // 50 -> 55 by one month per 2 months of birth.
  RetirementPolicy r;
  r.female_age = 50;
  r.female_max_delay_months = 60;
  r.female_birth_months_per_delay_month = 2;
  Teacher t;
  t.gender = Gender::kFemale;
  CheckRows(t, r,
            {{"1974-12-01", 50, 0, "2024-12-01"},
             {"1975-01-01", 50, 1, "2025-02-01"},
             {"1975-03-01", 50, 2, "2025-05-01"},
             {"1980-01-01", 52, 7, "2032-08-01"},
             {"1984-10-01", 54, 11, "2039-09-01"},
             {"1984-11-01", 55, 0, "2039-11-01"}});
}

TEST(RetirementTest, SeniorTitleWomenKeepSixtyByDefault) {
  Teacher t;
  t.gender = Gender::kFemale;
  t.title = Title::kSenior;
  CheckRows(t, RetirementPolicy{},
            {{"1966-03-01", 60, 0, "2026-03-01"},
             {"1985-03-01", 60, 0, "2045-03-01"}});
  RetirementPolicy r;
  r.female_senior_title_max_delay_months = 36;
  CheckRows(t, r, {{"1966-03-01", 60, 4, "2026-07-01"}});
}

// Property: over every birth month 1950-2000, the age never falls as birth
// moves later, rises by at most one month per month of birth, stays within
// [base, base + max], and reaches the maximum from the published month on.
TEST(RetirementTest, ScheduleIsMonotoneAndBounded) {
  const RetirementPolicy r;
  for (Gender g : {Gender::kMale, Gender::kFemale}) {
    Teacher t;
    t.gender = g;
    const int base = g == Gender::kMale ? 60 * 12 : 55 * 12;
    int prev = 0;
    for (int y = 1950; y <= 2000; ++y) {
      for (int m = 1; m <= 12; ++m) {
        t.birth_day = DaysFromCivil(y, m, 1);
        const int age = RetirementAgeMonths(t, r);
        ASSERT_GE(age, base) << y << "-" << m;
        ASSERT_LE(age, base + 36) << y << "-" << m;
        if (prev > 0) {
          ASSERT_GE(age, prev) << y << "-" << m;
          ASSERT_LE(age, prev + 1) << y << "-" << m;
        }
        const int full_from =
            g == Gender::kMale ? 1976 * 12 + 8 : 1981 * 12 + 8;
        if (y * 12 + m - 1 >= full_from) {
          ASSERT_EQ(age, base + 36);
        }
        prev = age;
      }
    }
  }
}

}  // namespace
}  // namespace rota::engine::rules
