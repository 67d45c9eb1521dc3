#include "engine/rules/county.h"

#include "engine/rules/policy.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

TEST(DateTest, RoundTripsAndKnownValues) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  for (int32_t d = -800000; d < 800000; d += 37) {
    CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d) << d;
  }
  EXPECT_EQ(FormatDate(*ParseDate("2026-09-01")), "2026-09-01");
  EXPECT_FALSE(ParseDate("2026-02-29").ok());
  EXPECT_TRUE(ParseDate("2024-02-29").ok());
  EXPECT_FALSE(ParseDate("2026-9-1").ok());
}

TEST(DateTest, YearsAndAnniversaries) {
  int32_t join = *ParseDate("2020-09-01");
  EXPECT_EQ(FullYearsBetween(join, *ParseDate("2026-09-01")), 6);
  EXPECT_EQ(FullYearsBetween(join, *ParseDate("2026-08-31")), 5);
  EXPECT_EQ(FullYearsBetween(join, *ParseDate("2019-08-31")), 0);
  EXPECT_EQ(FormatDate(AddYears(*ParseDate("2024-02-29"), 1)), "2025-02-28");
  EXPECT_EQ(FormatDate(AddYears(*ParseDate("2024-02-29"), 4)), "2028-02-29");
  // Born on 29 Feb: a full year on 28 Feb of a common year.
  EXPECT_EQ(
      FullYearsBetween(*ParseDate("2024-02-29"), *ParseDate("2025-02-28")), 1);
}

TEST(PolicyTest, DefaultsAreValidAndBadFieldsAreNamed) {
  RoundPolicy p;
  EXPECT_TRUE(ValidatePolicy(p).ok());
  EXPECT_EQ(p.exchange_rotation.min_years_at_school, 6);
  EXPECT_EQ(p.tie_chain.size(), 3u);
  p.exchange_rotation.rotation_share_percent = 120;
  absl::Status s = ValidatePolicy(p);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("policy.exchange_rotation.rotation_share_percent"),
            std::string::npos)
      << s;
  p = RoundPolicy();
  p.tie_chain.push_back(TieBreaker::kOlder);
  s = ValidatePolicy(p);
  EXPECT_NE(s.message().find("policy.tie_chain[3]"), std::string::npos) << s;
}

CountyInputs SmallCounty() {
  CountyInputs in;
  in.effective_day = *ParseDate("2026-09-01");
  School s;
  s.id = "s1";
  s.locality = Locality::kUrban;
  s.stages = {Stage::kPrimary};
  s.headcount = 2;
  in.schools.push_back(s);
  Teacher t;
  t.id = "T1";
  t.gender = Gender::kFemale;
  t.birth_day = *ParseDate("1980-01-01");
  t.career_start_day = *ParseDate("2002-09-01");
  t.school = "s1";
  t.school_join_day = *ParseDate("2010-09-01");
  t.subjects = {"math"};
  in.teachers.push_back(t);
  return in;
}

TEST(ValidateCountyInputsTest, NamesTheField) {
  CountyInputs in = SmallCounty();
  EXPECT_TRUE(ValidateCountyInputs(in, RoundKind::kExchangeRotation).ok());
  in.teachers[0].school = "s9";
  absl::Status s = ValidateCountyInputs(in, RoundKind::kExchangeRotation);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("teachers[\"T1\"].school"), std::string::npos)
      << s;
  in = SmallCounty();
  in.applications.push_back({"T1", {"s1", "s1"}, true});
  s = ValidateCountyInputs(in, RoundKind::kExchangeRotation);
  EXPECT_NE(s.message().find("applications[\"T1\"].preferences[1]"),
            std::string::npos)
      << s;
  in = SmallCounty();
  in.overrides.push_back({"T1", "s2", "why"});
  s = ValidateCountyInputs(in, RoundKind::kExchangeRotation);
  EXPECT_NE(s.message().find("overrides[\"T1\"].to"), std::string::npos) << s;
}

TEST(ValidateCountyInputsTest, BoundsPostCountsAndHeadcounts) {
  CountyInputs in = SmallCounty();
  Post& p = in.posts.emplace_back();
  p.id = "p1";
  p.school = "s1";
  p.subject = "math";
  p.title_band = Title::kIntermediate;
  p.count = kMaxPostCount;
  in.schools[0].headcount = kMaxSchoolHeadcount;
  EXPECT_TRUE(ValidateCountyInputs(in, RoundKind::kCompetitiveHiring).ok());
  in.posts[0].count = 2147483647;
  absl::Status s = ValidateCountyInputs(in, RoundKind::kCompetitiveHiring);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("posts[\"p1\"].count"), std::string::npos) << s;
  in.posts[0].count = kMaxPostCount;
  in.schools[0].headcount = kMaxSchoolHeadcount + 1;
  s = ValidateCountyInputs(in, RoundKind::kExchangeRotation);
  EXPECT_NE(s.message().find("schools[\"s1\"].headcount"), std::string::npos)
      << s;
}

}  // namespace
}  // namespace rota::engine::rules
