// Explanations use the teacher's own pronoun: over seeded synthetic counties
// (exchange rotation and competitive hiring), every sentence about a teacher
// (placement reason, eligibility reason, notes, and each choice's sentence
// that names no other teacher) says he/his/him of a man and she/her of a
// woman. A run made as a version-1 run is re-run (legacy_pronouns) keeps the
// old sentences, "she" of everyone.
#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/competitive_hiring.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/internal/synthetic_county.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

constexpr int kSeeds = 60;

// Teachers' competitive hiring lists: the posts of the listed schools in
// their subjects.
CountyInputs HiringCounty(uint64_t seed) {
  internal::SyntheticOptions o;
  o.schools = 8;
  o.teachers_per_school = 8;
  o.title_bands = true;
  o.hold_posts = true;
  o.list_percent = 60;
  CountyInputs in = internal::SyntheticCounty(seed, o);
  std::map<std::string, const Teacher*> teachers;
  for (const Teacher& t : in.teachers) teachers[t.id] = &t;
  std::vector<Application> apps;
  for (const Application& a : in.applications) {
    const Teacher& t = *teachers.at(a.teacher);
    Application b{a.teacher, {}, false};
    for (const std::string& school : a.preferences) {
      for (const Post& p : in.posts) {
        if (p.school == school &&
            std::find(t.subjects.begin(), t.subjects.end(), p.subject) !=
                t.subjects.end()) {
          b.preferences.push_back(p.id);
        }
      }
    }
    if (!b.preferences.empty()) apps.push_back(std::move(b));
  }
  in.applications = std::move(apps);
  return in;
}

// Counts of sentences with each set of pronouns, and the mistakes.
struct Tally {
  int male_he = 0;
  int female_she = 0;
  int violations = 0;
  std::string first;  // the first mistake, for the failure message
};

const std::regex& Feminine() {
  static const std::regex* r = new std::regex("\\b([Ss]he|[Hh]er|herself)\\b");
  return *r;
}
const std::regex& Masculine() {
  static const std::regex* r = new std::regex("\\b([Hh]e|[Hh]is|[Hh]im)\\b");
  return *r;
}

void Check(const std::string& text, Gender g, const std::string& where,
           Tally* tally) {
  const bool fem = std::regex_search(text, Feminine());
  const bool masc = std::regex_search(text, Masculine());
  if (g == Gender::kMale) {
    tally->male_he += masc;
    if (fem) {
      ++tally->violations;
      if (tally->first.empty()) tally->first = absl::StrCat(where, ": ", text);
    }
  } else {
    tally->female_she += fem;
    if (masc) {
      ++tally->violations;
      if (tally->first.empty()) tally->first = absl::StrCat(where, ": ", text);
    }
  }
}

Tally Inspect(const CountyInputs& in, const RoundOutcome& out, uint64_t seed) {
  std::map<std::string, Gender> gender;
  for (const Teacher& t : in.teachers) gender[t.id] = t.gender;
  Tally tally;
  for (const Placement& p : out.placements) {
    Check(p.reason, gender.at(p.teacher),
          absl::StrCat("seed ", seed, " teacher ", p.teacher, " reason"),
          &tally);
  }
  for (const EligibilityEntry& e : out.eligibility) {
    Check(e.reason, gender.at(e.teacher),
          absl::StrCat("seed ", seed, " teacher ", e.teacher, " eligibility"),
          &tally);
  }
  for (const TeacherExplanation& x : out.explanations) {
    const Gender g = gender.at(x.teacher);
    for (const std::string& n : x.notes) {
      Check(n, g, absl::StrCat("seed ", seed, " teacher ", x.teacher, " note"),
            &tally);
    }
    for (const ChoiceExplanation& c : x.choices) {
      // A sentence about a competitor uses the competitor's pronoun too.
      if (!c.competitor.empty()) continue;
      Check(c.sentence, g,
            absl::StrCat("seed ", seed, " teacher ", x.teacher, " choice ",
                         c.rank),
            &tally);
    }
  }
  return tally;
}

TEST(ExplanationPronounsTest, ExchangeRotationSaysHeOfMenAndSheOfWomen) {
  internal::SyntheticOptions o;
  o.term_exchange_percent = 10;
  o.non_established_percent = 10;
  o.obligation_percent = 10;
  int male = 0, female = 0, legacy_violations = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const CountyInputs in = internal::SyntheticCounty(seed, o);
    absl::StatusOr<RoundOutcome> out = RunExchangeRotation(in, RoundPolicy{});
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    const Tally t = Inspect(in, *out, seed);
    EXPECT_EQ(t.violations, 0) << t.first;
    male += t.male_he;
    female += t.female_she;
    OutcomeOptions legacy;
    legacy.legacy_pronouns = true;
    absl::StatusOr<RoundOutcome> old =
        RunExchangeRotation(in, RoundPolicy{}, {}, legacy);
    ASSERT_TRUE(old.ok()) << "seed " << seed << ": " << old.status();
    legacy_violations += Inspect(in, *old, seed).violations;
    EXPECT_EQ(old->hash_hex, out->hash_hex) << "seed " << seed;
  }
  EXPECT_GT(male, 0);
  EXPECT_GT(female, 0);
  // The sentences as they were ("she" of everyone) fail the check.
  EXPECT_GT(legacy_violations, 0);
  std::printf(
      "exchange rotation: %d he/his sentences of men, %d she/her of "
      "women; %d sentences said she/her of a man before\n",
      male, female, legacy_violations);
}

TEST(ExplanationPronounsTest, CompetitiveHiringSaysHeOfMenAndSheOfWomen) {
  int male = 0, female = 0, legacy_violations = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const CountyInputs in = HiringCounty(seed);
    absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    const Tally t = Inspect(in, *out, seed);
    EXPECT_EQ(t.violations, 0) << t.first;
    male += t.male_he;
    female += t.female_she;
    OutcomeOptions legacy;
    legacy.legacy_pronouns = true;
    absl::StatusOr<RoundOutcome> old =
        RunCompetitiveHiring(in, RoundPolicy{}, {}, legacy);
    ASSERT_TRUE(old.ok()) << "seed " << seed << ": " << old.status();
    legacy_violations += Inspect(in, *old, seed).violations;
  }
  EXPECT_GT(male, 0);
  EXPECT_GT(female, 0);
  EXPECT_GT(legacy_violations, 0);
  std::printf(
      "competitive hiring: %d he/his sentences of men, %d she/her of "
      "women; %d sentences said she/her of a man before\n",
      male, female, legacy_violations);
}

}  // namespace
}  // namespace rota::engine::rules
