// Who takes part in exchange rotation and which moves are forbidden:
// non-established staff, the stage scope, the schools that carry the
// rotation share and its rounding, service obligations and the retirement
// schedule. Each property runs over 60 seeded synthetic counties.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "engine/rules/competitive_hiring.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/internal/synthetic_county.h"
#include "engine/rules/obligations.h"
#include "engine/rules/points.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

constexpr uint64_t kSeeds = 60;

int32_t D(const char* s) { return *ParseDate(s); }

CountyInputs County(uint64_t seed, internal::SyntheticOptions o) {
  o.schools = 6 + static_cast<int>(seed % 10);
  o.teachers_per_school = 6 + static_cast<int>(seed % 14);
  return internal::SyntheticCounty(seed, o);
}

// Varies the mechanism and the share scope with the seed.
RoundPolicy PolicyFor(uint64_t seed) {
  RoundPolicy policy;
  if (seed % 3 == 1) {
    policy.exchange_rotation.share_scope = ShareScope::kCountyWide;
  }
  if (seed % 4 == 2) {
    policy.exchange_rotation.voluntary_mechanism =
        VoluntaryMechanism::kTenureDeferredAcceptance;
  }
  return policy;
}

bool IsLeader(const Teacher& t) {
  return t.role == Role::kPrincipal || t.role == Role::kVicePrincipal;
}

struct Index {
  explicit Index(const CountyInputs& in) {
    for (const School& s : in.schools) schools[s.id] = &s;
    for (const Teacher& t : in.teachers) teachers[t.id] = &t;
  }
  std::map<std::string, const School*> schools;
  std::map<std::string, const Teacher*> teachers;
};

const EligibilityEntry* FindEntry(const RoundOutcome& out,
                                  const std::string& id) {
  for (const EligibilityEntry& e : out.eligibility) {
    if (e.teacher == id) return &e;
  }
  return nullptr;
}

// ---- 1. non-established (编外) teachers ----

TEST(RotationEligibilityTest, NonEstablishedAreNotMoversAndHoldNoHeadcount) {
  int64_t violations = 0, non_established = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    internal::SyntheticOptions o;
    o.non_established_percent = 25;
    o.voluntary_percent = 40;
    CountyInputs in = County(seed, o);
    RoundPolicy policy = PolicyFor(seed);
    auto out = RunExchangeRotation(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Index ix(in);
    std::map<std::string, int64_t> est_before, est_after;
    for (const Placement& p : out->placements) {
      const Teacher& t = *ix.teachers.at(p.teacher);
      if (t.employment != Employment::kNonEstablished) {
        ++est_before[p.from_school];
        ++est_after[p.to_school];
        continue;
      }
      ++non_established;
      const EligibilityEntry* e = FindEntry(*out, p.teacher);
      if (p.to_school != p.from_school || p.mandatory || e->eligible) {
        ++violations;
        ADD_FAILURE() << "seed " << seed << ": non-established " << p.teacher
                      << " moved, selected or eligible: " << p.reason;
      }
    }
    // Established staff against the headcount (编制数).
    for (const School& s : in.schools) {
      if (est_after[s.id] > std::max<int64_t>(s.headcount, est_before[s.id])) {
        ++violations;
        ADD_FAILURE() << "seed " << seed << ": school " << s.id << " ends with "
                      << est_after[s.id] << " established staff, headcount "
                      << s.headcount;
      }
    }
    // Opted in by policy: they take part.
    policy.exchange_rotation.rotate_non_established = true;
    auto in_rotation = RunExchangeRotation(in, policy);
    ASSERT_TRUE(in_rotation.ok()) << "seed " << seed;
    for (const EligibilityEntry& e : in_rotation->eligibility) {
      if (ix.teachers.at(e.teacher)->employment ==
          Employment::kNonEstablished) {
        EXPECT_EQ(e.reason.find("non-established"), std::string::npos)
            << "seed " << seed << " " << e.teacher;
      }
    }
  }
  EXPECT_GT(non_established, 500);
  EXPECT_EQ(violations, 0);
}

// Established staff below the headcount get the free seats even when
// non-established staff fill the school beyond it.
TEST(RotationEligibilityTest, HeadcountCountsEstablishedStaff) {
  CountyInputs in;
  in.effective_day = D("2026-09-01");
  in.seed = 3;
  School u;
  u.id = "u1";
  u.stages = {Stage::kPrimary};
  u.locality = Locality::kUrban;
  u.headcount = 1;
  School r = u;
  r.id = "r1";
  r.locality = Locality::kRural;
  r.headcount = 3;  // 1 established + 3 non-established: 2 seats free
  in.schools = {u, r};
  auto teacher = [&](std::string id, std::string school, Employment e) {
    Teacher t;
    t.id = std::move(id);
    t.gender = Gender::kMale;
    t.birth_day = D("1985-03-01");
    t.career_start_day = D("2008-09-01");
    t.school = std::move(school);
    t.school_join_day = D("2010-09-01");
    t.subjects = {"math"};
    t.certificate_stages = {Stage::kPrimary};
    t.employment = e;
    return t;
  };
  in.teachers = {teacher("A", "u1", Employment::kEstablished),
                 teacher("R0", "r1", Employment::kEstablished)};
  for (const char* id : {"X1", "X2", "X3"}) {
    in.teachers.push_back(teacher(id, "r1", Employment::kNonEstablished));
  }
  in.applications.push_back({"A", {"r1"}, true});
  auto out = RunExchangeRotation(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("A")->to_school, "r1")
      << out->FindPlacement("A")->reason;
  for (const char* id : {"X1", "X2", "X3"}) {
    EXPECT_EQ(out->FindPlacement(id)->to_school, "r1");
  }
}

// ---- 2. stage scope ----

TEST(RotationEligibilityTest, OnlySchoolsInStageScopeTakePart) {
  int64_t violations = 0, out_of_scope_teachers = 0, nine_year_eligible = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    internal::SyntheticOptions o;
    o.other_stage_percent = 40;
    o.voluntary_percent = 40;
    CountyInputs in = County(seed, o);
    const RoundPolicy policy = PolicyFor(seed);
    auto out = RunExchangeRotation(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Index ix(in);
    auto in_scope = [&](const std::string& id) {
      for (Stage st : ix.schools.at(id)->stages) {
        if (st == Stage::kPrimary || st == Stage::kJunior) return true;
      }
      return false;
    };
    for (const Placement& p : out->placements) {
      const EligibilityEntry* e = FindEntry(*out, p.teacher);
      if (!in_scope(p.from_school)) {
        ++out_of_scope_teachers;
        if (e->eligible || e->mandatory || p.to_school != p.from_school) {
          ++violations;
          ADD_FAILURE() << "seed " << seed << ": " << p.teacher << " at "
                        << p.from_school
                        << " (out of scope) takes part: " << p.reason;
        }
      } else if (ix.schools.at(p.from_school)->stages.size() == 2 &&
                 e->eligible) {
        ++nine_year_eligible;
      }
      if (p.to_school != p.from_school && !in_scope(p.to_school)) {
        ++violations;
        ADD_FAILURE() << "seed " << seed << ": " << p.teacher << " sent to "
                      << p.to_school << " (out of scope)";
      }
    }
    for (const QuotaLine& q : out->quotas) {
      if (q.scope != "county" && !in_scope(q.scope)) {
        ++violations;
        ADD_FAILURE() << "seed " << seed << ": quota line for " << q.scope;
      }
    }
  }
  EXPECT_GT(out_of_scope_teachers, 500);
  EXPECT_GT(nine_year_eligible, 20);
  EXPECT_EQ(violations, 0);
}

// ---- 3. service obligations ----

TEST(RotationEligibilityTest, UnservedObligationNeverEndsAtANonRuralSchool) {
  int64_t violations = 0, bound = 0, bound_moved = 0, noted = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    internal::SyntheticOptions o;
    o.obligation_percent = 30;
    o.voluntary_percent = 40;
    CountyInputs in = County(seed, o);
    const RoundPolicy policy = PolicyFor(seed);
    auto out = RunExchangeRotation(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Index ix(in);
    for (const Placement& p : out->placements) {
      const Teacher& t = *ix.teachers.at(p.teacher);
      auto ob =
          FindBindingObligation(t, ix.schools.at(t.school), in.effective_day);
      if (!ob.has_value()) continue;
      ++bound;
      if (p.to_school == p.from_school) continue;
      ++bound_moved;
      if (!ServesObligation(ix.schools.at(p.to_school)->locality)) {
        ++violations;
        ADD_FAILURE() << "seed " << seed << ": " << p.teacher << " ("
                      << ObligationSentence(*ob) << ") moved to " << p.to_school
                      << " by " << p.via;
      }
    }
    for (const TeacherExplanation& e : out->explanations) {
      for (const std::string& n : e.notes) {
        if (n.find("service obligation") != std::string::npos) ++noted;
      }
    }
  }
  EXPECT_GT(bound, 300);
  EXPECT_GT(bound_moved, 10);  // to rural schools
  EXPECT_GT(noted, 300);
  EXPECT_EQ(violations, 0);
}

TEST(RotationEligibilityTest, ServedYearsComeFromTheServiceHistory) {
  Teacher t;
  t.id = "T";
  t.school = "u1";
  t.service_history = {
      {"r1", D("2019-09-01"), D("2022-09-01"), Locality::kRural, false, false},
      {"u1", D("2022-09-01"), std::nullopt, Locality::kUrban, false, false}};
  t.obligations = {{ObligationKind::kPublicFundedGraduate, 6, D("2019-09-01")}};
  School u1;
  u1.id = "u1";
  u1.locality = Locality::kUrban;
  School r2 = u1;
  r2.id = "r2";
  r2.locality = Locality::kTeachingPoint;
  School u2 = u1;
  u2.id = "u2";
  u2.locality = Locality::kTown;
  const int32_t day = D("2026-09-01");
  auto ob = FindBindingObligation(t, &u1, day);
  ASSERT_TRUE(ob.has_value());
  EXPECT_EQ(ObligationSentence(*ob),
            "service obligation (public-funded graduate): 3 of 6 rural "
            "years served");
  EXPECT_EQ(ObligationProblem(t, &u1, u1, day), "");  // staying
  EXPECT_EQ(ObligationProblem(t, &u1, r2, day), "");  // teaching point
  EXPECT_NE(ObligationProblem(t, &u1, u2, day).find("3 of 6"),
            std::string::npos);
  // Spells before the start do not count; six years served unbind her.
  t.obligations[0].start_day = D("2020-09-01");
  EXPECT_EQ(FindBindingObligation(t, &u1, day)->served_years, 2);
  t.obligations[0].required_rural_years = 2;
  EXPECT_FALSE(FindBindingObligation(t, &u1, day).has_value());
}

TEST(RotationEligibilityTest, PinsBreakingAnObligationAreRefused) {
  int refused = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    internal::SyntheticOptions o;
    o.obligation_percent = 30;
    CountyInputs in = County(seed, o);
    Index ix(in);
    // A bound teacher and a non-rural school that qualifies her.
    auto qualifies = [&](const Teacher& t, const School& s) {
      for (const Post& p : in.posts) {
        if (p.school == s.id && p.subject == t.subjects[0] &&
            std::count(t.certificate_stages.begin(), t.certificate_stages.end(),
                       s.stages[0]) > 0) {
          return true;
        }
      }
      return false;
    };
    const Teacher* bound = nullptr;
    const School* urban = nullptr;
    for (const Teacher& t : in.teachers) {
      if (bound != nullptr) break;
      // A leader's pin is judged by the leadership rotation's rules.
      if (!t.exemptions.empty() || IsLeader(t) ||
          !FindBindingObligation(t, ix.schools.at(t.school), in.effective_day)
               .has_value()) {
        continue;
      }
      for (const School& s : in.schools) {
        if (s.id != t.school && !ServesObligation(s.locality) &&
            qualifies(t, s)) {
          bound = &t;
          urban = &s;
          break;
        }
      }
    }
    if (bound == nullptr) continue;
    in.overrides.push_back({bound->id, urban->id, "needed there"});
    auto out = RunExchangeRotation(in, PolicyFor(seed));
    ASSERT_FALSE(out.ok()) << "seed " << seed;
    EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(out.status().message().find("rule \"obligation\""),
              std::string::npos)
        << "seed " << seed << ": " << out.status();
    ++refused;
  }
  EXPECT_GT(refused, 50);
}

// Competitive hiring: a post at a non-rural school is not open to her while
// the obligation binds (her own school's posts stay open).
TEST(RotationEligibilityTest, HiringKeepsAnObligatedTeacherRural) {
  CountyInputs in;
  in.effective_day = D("2026-09-01");
  in.seed = 5;
  School r;
  r.id = "r1";
  r.stages = {Stage::kPrimary};
  r.locality = Locality::kRural;
  r.headcount = 5;
  School u = r;
  u.id = "u1";
  u.locality = Locality::kUrban;
  in.schools = {r, u};
  for (const School& s : in.schools) {
    Post p;
    p.id = s.id + "-math";
    p.school = s.id;
    p.subject = "math";
    p.title_band = Title::kIntermediate;
    p.count = 2;
    in.posts.push_back(p);
  }
  Teacher t;
  t.id = "O1";
  t.gender = Gender::kFemale;
  t.birth_day = D("2000-03-01");
  t.career_start_day = D("2023-09-01");
  t.school = "r1";
  t.school_join_day = D("2023-09-01");
  t.post = "r1-math";
  t.subjects = {"math"};
  t.certificate_stages = {Stage::kPrimary};
  t.title = Title::kIntermediate;
  t.obligations = {{ObligationKind::kSpecialPostPlan, 5, D("2023-09-01")}};
  in.teachers = {t};
  in.applications = {{"O1", {"u1-math", "r1-math"}, true}};
  auto out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("O1")->to_post, "r1-math");
  const TeacherExplanation* e = out->FindExplanation("O1");
  ASSERT_NE(e, nullptr);
  ASSERT_FALSE(e->choices.empty());
  EXPECT_EQ(e->choices[0].verdict, Verdict::kNotQualified);
  EXPECT_NE(e->choices[0].sentence.find(
                "service obligation (special-post plan): 3 of 5 rural years "
                "served"),
            std::string::npos)
      << e->choices[0].sentence;
  // Served: the urban post is open.
  in.teachers[0].obligations[0].required_rural_years = 3;
  auto served = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(served->FindPlacement("O1")->to_post, "u1-math");
}

// ---- 4. which schools carry the share, and its rounding ----

TEST(RotationEligibilityTest, ShareFallsOnUrbanNonWeakSchoolsRoundedToNearest) {
  int64_t violations = 0, lines = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CountyInputs in = County(seed, {});
    RoundPolicy policy;  // per school
    auto out = RunExchangeRotation(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Index ix(in);
    auto carries = [&](const School& s) {
      return (s.locality == Locality::kUrban ||
              s.locality == Locality::kTown) &&
             !s.weak;
    };
    std::map<std::string, int64_t> eligible;
    for (const EligibilityEntry& e : out->eligibility) {
      if (e.eligible && ix.teachers.at(e.teacher)->role == Role::kTeacher) {
        ++eligible[e.school];
      }
    }
    for (const Placement& p : out->placements) {
      const Teacher& t = *ix.teachers.at(p.teacher);
      if (p.mandatory && t.role == Role::kTeacher &&
          !carries(*ix.schools.at(p.from_school))) {
        ++violations;
        ADD_FAILURE() << "seed " << seed << ": " << p.teacher << " selected at "
                      << p.from_school << ", which carries no share";
      }
    }
    for (const QuotaLine& q : out->quotas) {
      if (q.scope == "county" || q.quota != "rotation share") continue;
      ++lines;
      const School& s = *ix.schools.at(q.scope);
      const int64_t n = eligible[q.scope];
      if (!carries(s) || q.required != (10 * n + 50) / 100 ||
          (n > 0 && q.required == n && n < 5)) {
        ++violations;
        ADD_FAILURE() << "seed " << seed << ": " << q.scope << " ("
                      << LocalityName(s.locality) << (s.weak ? ", weak" : "")
                      << ") owes " << q.required << " of " << n;
      }
    }
  }
  EXPECT_GT(lines, 100);
  EXPECT_EQ(violations, 0);
}

TEST(RotationEligibilityTest, RoundingModesAndCarriersFollowThePolicy) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CountyInputs in = County(seed, {});
    RoundPolicy policy;
    policy.exchange_rotation.share_localities = {
        Locality::kUrban, Locality::kTown, Locality::kRural,
        Locality::kTeachingPoint};
    policy.exchange_rotation.weak_schools_carry_share = true;
    policy.exchange_rotation.share_rounding = ShareRounding::kUp;
    auto up = RunExchangeRotation(in, policy);
    policy.exchange_rotation.share_rounding = ShareRounding::kDown;
    auto down = RunExchangeRotation(in, policy);
    ASSERT_TRUE(up.ok() && down.ok()) << "seed " << seed;
    std::map<std::string, int64_t> up_required;
    for (const QuotaLine& q : up->quotas) {
      if (q.quota == "rotation share") up_required[q.scope] = q.required;
    }
    int64_t schools_with_lines = 0;
    for (const QuotaLine& q : down->quotas) {
      if (q.quota != "rotation share" || q.scope == "county") continue;
      ++schools_with_lines;
      EXPECT_LE(q.required, up_required[q.scope]) << "seed " << seed;
      EXPECT_GE(q.required + 1, up_required[q.scope]) << "seed " << seed;
    }
    EXPECT_EQ(static_cast<size_t>(schools_with_lines) + 1, up_required.size())
        << "seed " << seed;
  }
}

// ---- 5. retirement by the delay schedule ----

// The published rule, written out independently: from the first birth
// month that reaches the base age in 2025-01, one month of delay per
// `step` months of birth (the first month already one), at most `max`.
int32_t PublishedRetirementDay(const Teacher& t) {
  const CivilDate b = CivilFromDays(t.birth_day);
  int base = 60, max = 36, step = 4;
  if (t.gender == Gender::kFemale && t.title != Title::kSenior) base = 55;
  if (t.gender == Gender::kFemale && t.title == Title::kSenior) max = 0;
  // Birth months counted from the first one that reaches the base age in
  // 2025-01; each step-th of them (from the first) adds a month.
  const int k = (b.year - (2025 - base)) * 12 + (b.month - 1);
  int delay = 0;
  for (int since = 0; since <= k; ++since) {
    if (since % step == 0 && delay < max) ++delay;
  }
  return AddMonths(t.birth_day, base * 12 + delay);
}

TEST(RotationEligibilityTest, EligibilityFollowsTheRetirementSchedule) {
  int64_t violations = 0, delayed_eligible = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CountyInputs in = County(seed, {});
    const RoundPolicy policy;
    auto el = ComputeEligibility(in, policy);
    ASSERT_TRUE(el.ok()) << "seed " << seed;
    Index ix(in);
    for (const EligibilityEntry& e : *el) {
      const Teacher& t = *ix.teachers.at(e.teacher);
      if (t.role != Role::kTeacher || e.exempt ||
          FullYearsBetween(t.school_join_day, in.effective_day) < 6) {
        continue;
      }
      const int32_t retire = PublishedRetirementDay(t);
      const bool want = retire > AddYears(in.effective_day, 5);
      if (want != e.eligible) {
        ++violations;
        ADD_FAILURE() << "seed " << seed << ": " << e.teacher << " retires "
                      << FormatDate(retire) << " but eligible=" << e.eligible
                      << ": " << e.reason;
      }
      const int32_t fixed = AddYears(
          t.birth_day,
          t.gender == Gender::kMale || t.title == Title::kSenior ? 60 : 55);
      if (want && fixed <= AddYears(in.effective_day, 5)) ++delayed_eligible;
    }
  }
  EXPECT_GT(delayed_eligible, 20);
  EXPECT_EQ(violations, 0);
}

}  // namespace
}  // namespace rota::engine::rules
