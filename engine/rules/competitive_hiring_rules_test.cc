// Competitive hiring's employment and title-band rules (competitive_hiring.h
// "THE RUN", step 3): 编制 precedence, down-hiring only when no seat of her
// band is left, up-hiring only into seats nobody of that band needs. Small
// hand-made counties first, then properties over seeded synthetic counties
// (engine/rules/internal/synthetic_county.h) with 编外 teachers, contract
// seats and three title bands.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/rules/competitive_hiring.h"
#include "engine/rules/internal/synthetic_county.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

School MakeSchool(const std::string& id, double lon) {
  School s;
  s.id = id;
  s.stages = {Stage::kPrimary};
  s.locality = Locality::kUrban;
  s.has_location = true;
  s.latitude = 30.0;
  s.longitude = lon;
  s.headcount = 50;
  return s;
}

Post MakePost(const std::string& id, const std::string& school, Title band,
              int32_t count) {
  Post p;
  p.id = id;
  p.school = school;
  p.subject = "math";
  p.title_band = band;
  p.count = count;
  return p;
}

Teacher MakeTeacher(const std::string& id, const std::string& school,
                    const std::string& post, Title title, int start_year,
                    Employment employment = Employment::kEstablished) {
  Teacher t;
  t.id = id;
  t.gender = Gender::kFemale;
  t.birth_day = DaysFromCivil(1975, 3, 1);
  t.career_start_day = DaysFromCivil(start_year, 9, 1);
  t.school = school;
  t.school_join_day = t.career_start_day;
  t.post = post;
  t.subjects = {"math"};
  t.certificate_stages = {Stage::kPrimary};
  t.title = title;
  t.role = Role::kTeacher;
  t.employment = employment;
  return t;
}

CountyInputs BaseInputs() {
  CountyInputs in;
  in.county = "test";
  in.effective_day = DaysFromCivil(2026, 9, 1);
  in.seed = 7;
  in.schools = {MakeSchool("a", 120.0), MakeSchool("b", 120.1),
                MakeSchool("c", 120.2)};
  return in;
}

std::string Notes(const RoundOutcome& out, const std::string& teacher) {
  std::string all = out.FindPlacement(teacher)->reason;
  const TeacherExplanation* ex = out.FindExplanation(teacher);
  for (const std::string& n : ex->notes) absl::StrAppend(&all, " | ", n);
  for (const ChoiceExplanation& c : ex->choices) {
    absl::StrAppend(&all, " | ", c.sentence);
  }
  return all;
}

// A 编外 teacher holds school a's only math post (in-school precedence would
// let her keep it); an established teacher at school c has no post. The
// established teacher takes it; the 编外 teacher is told why.
TEST(CompetitiveHiringRulesTest, EstablishedTeacherTakesEstablishedPost) {
  CountyInputs in = BaseInputs();
  in.posts = {MakePost("a-math", "a", Title::kIntermediate, 1)};
  in.teachers = {MakeTeacher("N1", "a", "a-math", Title::kIntermediate, 1990,
                             Employment::kNonEstablished),
                 MakeTeacher("E1", "c", "", Title::kIntermediate, 2015)};
  for (StageMode mode : {StageMode::kSimultaneous, StageMode::kSequential}) {
    RoundPolicy policy;
    policy.competitive_hiring.stage_mode = mode;
    absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->FindPlacement("E1")->to_post, "a-math");
    EXPECT_EQ(out->FindPlacement("N1")->outcome, Outcome::kUnplaced);
    const std::string why = Notes(*out, "N1");
    EXPECT_TRUE(absl::StrContains(why, "编制 precedence")) << why;
    EXPECT_TRUE(absl::StrContains(why, "established teacher E1")) << why;
    EXPECT_FALSE(absl::StrContains(Notes(*out, "E1"), "N1"));
  }
  // A contract seat (non_established): equal terms, in-school precedence.
  in.posts[0].non_established = true;
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("N1")->outcome, Outcome::kStayed);
  EXPECT_EQ(out->FindPlacement("E1")->outcome, Outcome::kUnplaced);
}

// In the competition an established applicant outranks a 编外 one at a 编制
// post even with fewer points and from another school.
TEST(CompetitiveHiringRulesTest, EstablishedApplicantOutranksNonEstablished) {
  CountyInputs in = BaseInputs();
  in.posts = {MakePost("a-math", "a", Title::kIntermediate, 1),
              MakePost("b-math", "b", Title::kIntermediate, 1)};
  in.teachers = {MakeTeacher("N1", "a", "a-math", Title::kIntermediate, 1990,
                             Employment::kNonEstablished),
                 MakeTeacher("E1", "b", "b-math", Title::kIntermediate, 2015)};
  in.applications = {{"E1", {"a-math", "b-math"}, false}};
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("E1")->to_post, "a-math");
  EXPECT_EQ(out->FindPlacement("N1")->to_post, "b-math");
  for (const ChoiceExplanation& c : out->FindExplanation("N1")->choices) {
    if (c.choice != "a-math") continue;
    EXPECT_EQ(c.verdict, Verdict::kFull);
    EXPECT_EQ(c.competitor, "E1");
    EXPECT_TRUE(absl::StrContains(c.sentence, "编制 precedence")) << c.sentence;
  }
}

// A senior teacher whose school has only an intermediate post is not
// down-hired there while a senior post is vacant at school b; the
// intermediate teacher from school c then gets school a's post.
TEST(CompetitiveHiringRulesTest, DownHiringWaitsUntilNoSeatOfHerBandIsLeft) {
  CountyInputs in = BaseInputs();
  in.posts = {MakePost("a-int", "a", Title::kIntermediate, 1),
              MakePost("b-sen", "b", Title::kSenior, 1)};
  in.teachers = {MakeTeacher("S1", "a", "", Title::kSenior, 1990),
                 MakeTeacher("I1", "c", "", Title::kIntermediate, 2000)};
  in.applications = {{"S1", {"a-int"}, false}};
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("S1")->to_post, "b-sen");
  EXPECT_EQ(out->FindPlacement("S1")->outcome, Outcome::kMoved);
  EXPECT_EQ(out->FindPlacement("I1")->to_post, "a-int");
  const ChoiceExplanation& c = out->FindExplanation("S1")->choices.at(0);
  EXPECT_EQ(c.verdict, Verdict::kNotReached);
  EXPECT_TRUE(absl::StrContains(c.sentence, "低聘")) << c.sentence;

  // Without the senior post and the intermediate teacher she is down-hired,
  // and told why.
  in.posts.pop_back();
  in.teachers.pop_back();
  out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("S1")->outcome, Outcome::kDownHired);
  EXPECT_TRUE(absl::StrContains(out->FindPlacement("S1")->reason,
                                "no seat of her own band"))
      << out->FindPlacement("S1")->reason;
}

// Up-hiring: off by default; when allowed, a junior teacher with the
// required evaluations takes a vacant intermediate seat, but never one an
// intermediate teacher who qualifies needs.
TEST(CompetitiveHiringRulesTest, UpHiringOnlyIntoSeatsNobodyOfThatBandNeeds) {
  CountyInputs in = BaseInputs();
  in.posts = {MakePost("b-int", "b", Title::kIntermediate, 1)};
  Teacher j = MakeTeacher("J1", "a", "", Title::kJunior, 2010);
  j.evaluations = {{2023, EvaluationGrade::kCompetent},
                   {2024, EvaluationGrade::kCompetent},
                   {2025, EvaluationGrade::kExcellent}};
  in.teachers = {j};
  RoundPolicy policy;
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("J1")->outcome, Outcome::kUnplaced);

  policy.competitive_hiring.allow_up_hiring = true;
  out = RunCompetitiveHiring(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("J1")->outcome, Outcome::kUpHired);
  EXPECT_TRUE(absl::StrContains(out->FindPlacement("J1")->reason, "低职高聘"));

  // Her latest evaluation is only competent: not up-hired, and told why.
  in.teachers[0].evaluations.back().grade = EvaluationGrade::kCompetent;
  out = RunCompetitiveHiring(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("J1")->outcome, Outcome::kUnplaced);
  EXPECT_TRUE(absl::StrContains(out->FindPlacement("J1")->reason,
                                "latest evaluation to be excellent"))
      << out->FindPlacement("J1")->reason;

  // An intermediate teacher needs the seat: she gets it even with fewer
  // points, and even if the junior teacher listed it first.
  in.teachers[0] = j;
  in.teachers.push_back(MakeTeacher("I1", "c", "", Title::kIntermediate, 2020));
  in.applications = {{"J1", {"b-int"}, false}};
  out = RunCompetitiveHiring(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("I1")->to_post, "b-int");
  EXPECT_EQ(out->FindPlacement("J1")->outcome, Outcome::kUnplaced);
}

// ------------------------------------------------------------- properties

constexpr uint64_t kCounties = 80;

CountyInputs HiringCounty(uint64_t seed) {
  internal::SyntheticOptions o;
  o.non_established_percent = 30;
  o.title_bands = true;
  o.non_established_post_percent = 15;
  o.hold_posts = true;
  o.list_percent = 50;
  CountyInputs in = internal::SyntheticCounty(seed, o);
  // The generator's lists name schools: each becomes that school's posts of
  // her subjects, highest band first.
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

RoundPolicy HiringPolicy(uint64_t seed, StageMode mode, bool up) {
  RoundPolicy policy;
  auto& h = policy.competitive_hiring;
  h.stage_mode = mode;
  h.allow_down_hiring = seed % 5 != 0;
  h.max_bands_down = 1 + static_cast<int32_t>(seed % 2);
  h.allow_up_hiring = up;
  h.max_bands_up = 1 + static_cast<int32_t>(seed / 2 % 2);
  h.up_hiring_highest_band =
      seed % 3 == 0 ? Title::kSenior : Title::kIntermediate;
  h.up_hiring_requires_latest_excellent = seed % 4 == 0;
  h.up_hiring_competent_years = static_cast<int32_t>(seed % 3);
  return policy;
}

struct Checker {
  const CountyInputs& in;
  const RoundPolicy& policy;
  const RoundOutcome& out;
  std::map<std::string, const Teacher*> teachers;
  std::map<std::string, const Post*> posts;
  std::map<std::string, const School*> schools;
  std::map<std::string, std::vector<const Placement*>> at;

  Checker(const CountyInputs& i, const RoundPolicy& p, const RoundOutcome& o)
      : in(i), policy(p), out(o) {
    for (const Teacher& t : in.teachers) teachers[t.id] = &t;
    for (const Post& x : in.posts) posts[x.id] = &x;
    for (const School& x : in.schools) schools[x.id] = &x;
    for (const Placement& pl : out.placements) {
      if (!pl.to_post.empty()) at[pl.to_post].push_back(&pl);
    }
  }
  static int Band(const Teacher& t) {
    return static_cast<int>(HiringBand(t.title));
  }
  static bool Established(const Teacher& t) {
    return t.employment != Employment::kNonEstablished;
  }
  // Subject and certificate stage (no band rule).
  bool Fits(const Teacher& t, const Post& p) const {
    const Stage st = p.stage != Stage::kUnspecified
                         ? p.stage
                         : schools.at(p.school)->stages.front();
    return std::find(t.subjects.begin(), t.subjects.end(), p.subject) !=
               t.subjects.end() &&
           std::find(t.certificate_stages.begin(), t.certificate_stages.end(),
                     st) != t.certificate_stages.end();
  }
  // Her own post, or subject + stage + her band or a lower one within the
  // down-hiring rule.
  bool Qualified(const Teacher& t, const Post& p) const {
    if (t.post == p.id) return true;
    if (!Fits(t, p)) return false;
    const int diff = Band(t) - static_cast<int>(p.title_band);
    const auto& h = policy.competitive_hiring;
    return diff == 0 ||
           (diff > 0 && h.allow_down_hiring && diff <= h.max_bands_down);
  }
  bool Free(const Post& p) const {
    auto it = at.find(p.id);
    return (it == at.end() ? 0 : static_cast<int>(it->second.size())) < p.count;
  }
  static bool Fixed(const Placement& pl) {
    return pl.outcome == Outcome::kExempt || pl.locked || pl.overridden;
  }
};

struct Counts {
  int violations = 0;
  int non_established_on_established = 0;  // checked holders
  int unplaced_established = 0;
  int lost_to_precedence = 0;
  int down_hired = 0;
  int up_hired = 0;
};

// No 编外 teacher (not exempt/locked/overridden) holds a 编制 post that an
// UNPLACED established teacher qualifies for; no established teacher's
// explanation names a 编外 holder at a 编制 post; a 编外 teacher who lost a
// seat to the rule is told so, naming who holds it now.
void CheckPrecedence(const Checker& c, uint64_t seed, Counts* n) {
  std::vector<const Teacher*> unplaced;
  for (const Placement& pl : c.out.placements) {
    const Teacher& t = *c.teachers.at(pl.teacher);
    if (pl.outcome == Outcome::kUnplaced && Checker::Established(t)) {
      unplaced.push_back(&t);
      ++n->unplaced_established;
    }
  }
  for (const auto& [post, holders] : c.at) {
    const Post& p = *c.posts.at(post);
    if (p.non_established) continue;
    for (const Placement* h : holders) {
      if (Checker::Fixed(*h) ||
          Checker::Established(*c.teachers.at(h->teacher))) {
        continue;
      }
      ++n->non_established_on_established;
      for (const Teacher* u : unplaced) {
        if (c.Qualified(*u, p)) {
          ++n->violations;
          ADD_FAILURE() << "seed " << seed << ": 编外 " << h->teacher
                        << " holds 编制 post " << post << " while established "
                        << u->id << " who qualifies is 待岗";
          break;
        }
      }
    }
  }
  for (const TeacherExplanation& ex : c.out.explanations) {
    const Teacher& t = *c.teachers.at(ex.teacher);
    for (const ChoiceExplanation& ch : ex.choices) {
      if (ch.competitor.empty() || c.posts.at(ch.choice)->non_established) {
        continue;
      }
      const Teacher& o = *c.teachers.at(ch.competitor);
      if (Checker::Established(t)) {
        EXPECT_TRUE(Checker::Established(o))
            << "seed " << seed << ": " << ex.teacher << " at " << ch.choice
            << " is told 编外 " << o.id << " outranks her";
      }
      if (absl::StrContains(ch.sentence, "编制 precedence: she won") ||
          absl::StrContains(ch.sentence, "编制 precedence: he won")) {
        ++n->lost_to_precedence;
        EXPECT_FALSE(Checker::Established(t)) << "seed " << seed;
        EXPECT_TRUE(Checker::Established(o)) << "seed " << seed;
        EXPECT_EQ(c.out.FindPlacement(o.id)->to_post, ch.choice)
            << "seed " << seed << " " << ex.teacher;
        EXPECT_TRUE(absl::StrContains(c.out.FindPlacement(ex.teacher)->reason,
                                      "编制 precedence"))
            << "seed " << seed << " " << ex.teacher;
      }
    }
  }
}

// No DOWN_HIRED teacher while a post of her own band that she qualifies
// for (subject, stage) has a free seat at the end.
void CheckDownHiring(const Checker& c, uint64_t seed, Counts* n) {
  for (const Placement& pl : c.out.placements) {
    if (pl.outcome != Outcome::kDownHired) continue;
    ++n->down_hired;
    const Teacher& t = *c.teachers.at(pl.teacher);
    EXPECT_TRUE(absl::StrContains(pl.reason, "低聘")) << "seed " << seed;
    for (const Post& p : c.in.posts) {
      if (static_cast<int>(p.title_band) == Checker::Band(t) && c.Fits(t, p) &&
          c.Free(p)) {
        ++n->violations;
        ADD_FAILURE() << "seed " << seed << ": " << pl.teacher
                      << " down-hired at " << pl.to_post << " while " << p.id
                      << " of her band has a free seat";
        break;
      }
    }
  }
}

// Every UP_HIRED teacher is within the policy and meets its conditions, and
// no teacher of the post's band who qualifies for it ends UNPLACED or
// DOWN_HIRED.
void CheckUpHiring(const Checker& c, uint64_t seed, Counts* n) {
  const auto& h = c.policy.competitive_hiring;
  std::vector<const Teacher*> needy;
  for (const Placement& pl : c.out.placements) {
    if (pl.outcome == Outcome::kUnplaced || pl.outcome == Outcome::kDownHired) {
      needy.push_back(c.teachers.at(pl.teacher));
    }
  }
  for (const Placement& pl : c.out.placements) {
    if (pl.outcome != Outcome::kUpHired) continue;
    ++n->up_hired;
    const Teacher& t = *c.teachers.at(pl.teacher);
    const Post& p = *c.posts.at(pl.to_post);
    const int up = static_cast<int>(p.title_band) - Checker::Band(t);
    EXPECT_TRUE(h.allow_up_hiring) << "seed " << seed;
    EXPECT_GT(up, 0) << "seed " << seed;
    EXPECT_LE(up, h.max_bands_up) << "seed " << seed;
    EXPECT_LE(p.title_band, h.up_hiring_highest_band) << "seed " << seed;
    EXPECT_EQ(UpHiringProblem(t, h, c.in.effective_day), "") << "seed " << seed;
    EXPECT_TRUE(absl::StrContains(pl.reason, "低职高聘")) << "seed " << seed;
    for (const Teacher* x : needy) {
      if (Checker::Band(*x) == static_cast<int>(p.title_band) &&
          c.Fits(*x, p)) {
        ++n->violations;
        ADD_FAILURE() << "seed " << seed << ": " << pl.teacher
                      << " up-hired at " << p.id << " which " << x->id
                      << " of that band needs";
        break;
      }
    }
  }
}

TEST(CompetitiveHiringRulesPropertyTest, EstablishedStaffHavePrecedence) {
  Counts n;
  for (uint64_t seed = 1; seed <= kCounties; ++seed) {
    const CountyInputs in = HiringCounty(seed);
    for (StageMode mode : {StageMode::kSimultaneous, StageMode::kSequential}) {
      const RoundPolicy policy = HiringPolicy(seed, mode, seed % 2 == 0);
      absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
      ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
      CheckPrecedence(Checker(in, policy, *out), seed, &n);
      // Input order never matters.
      CountyInputs shuffled = in;
      std::mt19937_64 rng(seed);
      std::shuffle(shuffled.teachers.begin(), shuffled.teachers.end(), rng);
      std::shuffle(shuffled.posts.begin(), shuffled.posts.end(), rng);
      absl::StatusOr<RoundOutcome> again =
          RunCompetitiveHiring(shuffled, policy);
      ASSERT_TRUE(again.ok()) << "seed " << seed;
      EXPECT_EQ(again->hash_hex, out->hash_hex) << "seed " << seed;
    }
  }
  std::printf(
      "precedence: %d violations; %d 编外 holders of 编制 posts checked, %d "
      "established 待岗, %d seats lost to precedence\n",
      n.violations, n.non_established_on_established, n.unplaced_established,
      n.lost_to_precedence);
  EXPECT_GT(n.non_established_on_established, 100);
  EXPECT_GT(n.unplaced_established, 100);
  EXPECT_GT(n.lost_to_precedence, 10);
}

TEST(CompetitiveHiringRulesPropertyTest, DownHiredOnlyWhenNoSeatOfHerBand) {
  Counts n;
  for (uint64_t seed = 1; seed <= kCounties; ++seed) {
    const CountyInputs in = HiringCounty(seed);
    for (StageMode mode : {StageMode::kSimultaneous, StageMode::kSequential}) {
      const RoundPolicy policy = HiringPolicy(seed, mode, seed % 2 == 0);
      absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
      ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
      CheckDownHiring(Checker(in, policy, *out), seed, &n);
    }
  }
  std::printf("down-hiring: %d violations; %d down-hired checked\n",
              n.violations, n.down_hired);
  EXPECT_GT(n.down_hired, 100);
}

TEST(CompetitiveHiringRulesPropertyTest, UpHiredOnlyIntoSeatsNobodyNeeds) {
  Counts n;
  for (uint64_t seed = 1; seed <= kCounties; ++seed) {
    const CountyInputs in = HiringCounty(seed);
    for (StageMode mode : {StageMode::kSimultaneous, StageMode::kSequential}) {
      const RoundPolicy policy = HiringPolicy(seed, mode, /*up=*/true);
      absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
      ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
      const Checker c(in, policy, *out);
      CheckUpHiring(c, seed, &n);
      CheckDownHiring(c, seed, &n);
      CheckPrecedence(c, seed, &n);
    }
  }
  std::printf("up-hiring: %d violations; %d up-hired checked\n", n.violations,
              n.up_hired);
  EXPECT_GT(n.up_hired, 50);
}

}  // namespace
}  // namespace rota::engine::rules
