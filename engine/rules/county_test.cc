#include "engine/rules/county.h"

#include <algorithm>
#include <cmath>

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

School At(double latitude, double longitude) {
  School s;
  s.has_location = true;
  s.latitude = latitude;
  s.longitude = longitude;
  return s;
}

// Haversine on the same sphere, with libm: the reference the fixed
// approximation is held to.
double HaversineMetres(const School& a, const School& b) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dla = (b.latitude - a.latitude) * kRad;
  const double dlo = (b.longitude - a.longitude) * kRad;
  const double h = std::sin(dla / 2) * std::sin(dla / 2) +
                   std::cos(a.latitude * kRad) * std::cos(b.latitude * kRad) *
                       std::sin(dlo / 2) * std::sin(dlo / 2);
  return 2 * 6371008.8 * std::asin(std::min(1.0, std::sqrt(h)));
}

TEST(DistanceTest, KnownValues) {
  // One degree of a great circle on the 6,371,008.8 m sphere: 111,195.08 m.
  EXPECT_EQ(SchoolDistanceMetres(At(0, 0), At(1, 0)), 111195);
  EXPECT_EQ(SchoolDistanceMetres(At(0, 0), At(0, 1)), 111195);
  EXPECT_EQ(SchoolDistanceMetres(At(30, 120), At(31, 120)), 111195);
  // A degree of longitude shrinks with the cosine of the latitude.
  EXPECT_EQ(SchoolDistanceMetres(At(60, 10), At(60, 11)), 55598);
  // Across the 180th meridian: the short way round.
  EXPECT_EQ(SchoolDistanceMetres(At(0, 179.5), At(0, -179.5)), 111195);
  // Pinned bits (a change here changes allocation costs and result hashes).
  EXPECT_EQ(SchoolDistanceMetres(At(30.0, 120.0), At(30.1, 120.0)), 11120);
  EXPECT_EQ(SchoolDistanceMetres(At(30.123, 110.456), At(30.987, 110.012)),
            105059);
  // No coordinates: 0 (no distance cost).
  School none;
  EXPECT_EQ(SchoolDistanceMetres(none, At(30, 120)), 0);
  EXPECT_EQ(SchoolDistanceMetres(At(30, 120), none), 0);
  EXPECT_EQ(SchoolDistanceMetres(At(30, 120), At(30, 120)), 0);
}

TEST(DistanceTest, SymmetricAndCloseToTheGreatCircleAtCountyScale) {
  uint64_t x = 42;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(x >> 11) / static_cast<double>(1ULL << 53);
  };
  for (int i = 0; i < 2000; ++i) {
    // Two schools within about 1 degree of each other, anywhere in China.
    const School a = At(18 + 35 * next(), 75 + 60 * next());
    const School b = At(a.latitude + next() - 0.5, a.longitude + next() - 0.5);
    const int64_t d = SchoolDistanceMetres(a, b);
    EXPECT_EQ(d, SchoolDistanceMetres(b, a)) << i;
    const double ref = HaversineMetres(a, b);
    EXPECT_LE(std::abs(static_cast<double>(d) - ref), 1 + 0.001 * ref)
        << i << ": " << d << " vs " << ref;
  }
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
