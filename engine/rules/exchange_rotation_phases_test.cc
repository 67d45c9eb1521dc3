// The later phases of the exchange rotation: county allocation interleaved
// with offering freed seats, and returns from term exchanges.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/internal/synthetic_county.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

int32_t D(const char* s) { return *ParseDate(s); }

bool Qualified(const CountyInputs& in, const Teacher& t, const School& sc) {
  bool any_post = false;
  auto certified = [&](Stage st) {
    return std::find(t.certificate_stages.begin(), t.certificate_stages.end(),
                     st) != t.certificate_stages.end();
  };
  for (const Post& p : in.posts) {
    if (p.school != sc.id) continue;
    any_post = true;
    Stage st = p.stage == Stage::kUnspecified ? sc.stages[0] : p.stage;
    if (!certified(st)) continue;
    for (const std::string& s : t.subjects) {
      if (s == p.subject) return true;
    }
  }
  if (any_post) return false;
  return std::any_of(sc.stages.begin(), sc.stages.end(), certified);
}

bool Rural(Locality l) {
  return l == Locality::kRural || l == Locality::kTeachingPoint;
}

// The policy's direction rules (default directions: both).
bool MandatoryAllowed(const Teacher& t, const School& from, const School& to) {
  if (from.id == to.id) return false;
  if (t.role != Role::kTeacher) return true;  // principals go anywhere
  return LowerLocality(to.locality, from.locality) || (!from.weak && to.weak);
}

bool VoluntaryAllowed(const RoundPolicy& policy, const School& from,
                      const School& to) {
  return !(Rural(from.locality) && !Rural(to.locality)) ||
         policy.exchange_rotation.allow_rural_to_urban_training;
}

struct Violations {
  int unplaced_next_to_free_seat = 0;  // rule A
  int untrue_unplaced_reason = 0;      // rule A
  int below_free_listed_seat = 0;      // rule A
  int blocked_by_allocation = 0;       // rule B
};

// Checks the end state of one run against rules A and B and counts (and
// reports) every violation.
Violations CheckLaterPhases(const CountyInputs& in, const RoundPolicy& policy,
                            const RoundOutcome& out, uint64_t seed) {
  Violations v;
  std::map<std::string, const School*> schools;
  for (const School& s : in.schools) schools[s.id] = &s;
  std::map<std::string, const Teacher*> teachers;
  for (const Teacher& t : in.teachers) teachers[t.id] = &t;
  std::map<std::string, const Application*> apps;
  for (const Application& a : in.applications) apps[a.teacher] = &a;
  // Staff before the round counts those due back from a term exchange at
  // their home school too (where they serve, they were there before it).
  std::map<std::string, int64_t> before, after;
  std::map<std::string, std::vector<const Placement*>> at;
  for (const Placement& p : out.placements) {
    const Teacher& t = *teachers.at(p.teacher);
    const bool due =
        !t.home_school.empty() && *t.term_end_day <= in.effective_day;
    ++before[p.from_school];
    if (due) ++before[t.home_school];
    ++after[p.to_school];
    at[p.to_school].push_back(&p);
  }
  auto free_seat = [&](const School& s) {
    return after[s.id] < std::max<int64_t>(s.headcount, before[s.id]);
  };
  for (const Placement& p : out.placements) {
    // Fixed placements: pins, exemptions, returns from a term exchange.
    if (p.locked || p.overridden || p.outcome == Outcome::kExempt ||
        p.via == "return from a term exchange") {
      continue;
    }
    const Teacher& t = *teachers.at(p.teacher);
    // Leaders move only into leadership seats vacated in the run, never into
    // a free seat (leadership rotation; leadership_rotation_test checks it).
    if (t.role == Role::kPrincipal || t.role == Role::kVicePrincipal) continue;
    const School& from = *schools.at(p.from_school);
    // A: an unplaced mandatory mover has no free seat she may take, and her
    // reason counts exactly the schools she may go to.
    if (p.outcome == Outcome::kUnplaced) {
      int targets = 0;
      for (const School& s : in.schools) {
        if (!MandatoryAllowed(t, from, s) || !Qualified(in, t, s)) continue;
        ++targets;
        if (free_seat(s)) {
          ++v.unplaced_next_to_free_seat;
          ADD_FAILURE() << "seed " << seed << ": " << p.teacher
                        << " is unplaced but a seat she may take is free at "
                        << s.id << " (" << after[s.id] << " staff, headcount "
                        << s.headcount << ", " << before[s.id] << " before)";
        }
      }
      if (p.reason.find(absl::StrCat("all ", targets, " qualified")) ==
          std::string::npos) {
        ++v.untrue_unplaced_reason;
        ADD_FAILURE() << "seed " << seed << ": " << p.teacher << " (" << targets
                      << " targets): " << p.reason;
      }
    }
    auto a = apps.find(p.teacher);
    if (a == apps.end()) continue;
    const bool moved = p.to_school != p.from_school;
    const bool voluntary = a->second->voluntary && !p.mandatory;
    if (!voluntary && !p.mandatory) continue;
    // The schools she ranks above where she ends and may take.
    for (const std::string& id : a->second->preferences) {
      if (id == p.to_school && (moved || voluntary)) break;
      if (voluntary && id == p.from_school) break;
      const School& s = *schools.at(id);
      const bool allowed = voluntary ? VoluntaryAllowed(policy, from, s)
                                     : MandatoryAllowed(t, from, s);
      if (!allowed || !Qualified(in, t, s)) continue;
      // A: no such school has a free seat.
      if (moved || voluntary) {
        if (free_seat(s)) {
          ++v.below_free_listed_seat;
          ADD_FAILURE() << "seed " << seed << ": " << p.teacher << " ends at "
                        << p.to_school << " below " << s.id
                        << ", which has a free seat";
        }
      }
      // B: no newcomer of the county allocation there has lower points.
      for (const Placement* q : at[id]) {
        if (q->via != "county allocation (min-cost)") continue;
        if (p.points > q->points) {
          ++v.blocked_by_allocation;
          ADD_FAILURE() << "seed " << seed << ": " << p.teacher << " ("
                        << p.points << ", at " << p.to_school << " by " << p.via
                        << ") ranks " << id << " higher, where " << q->teacher
                        << " (" << q->points
                        << ") was placed by the county allocation";
        }
      }
    }
  }
  // Returns: everyone due back is home, by the return, and no school ends
  // above max(headcount, staff before) so counted.
  for (const Placement& p : out.placements) {
    const Teacher& t = *teachers.at(p.teacher);
    if (t.home_school.empty()) continue;
    if (*t.term_end_day > in.effective_day) {
      EXPECT_NE(p.via, "return from a term exchange") << p.teacher;
      continue;
    }
    if (p.locked || p.overridden) continue;
    EXPECT_EQ(p.to_school, t.home_school)
        << "seed " << seed << " " << p.teacher;
    EXPECT_EQ(p.via, "return from a term exchange") << p.teacher;
    EXPECT_EQ(p.outcome, Outcome::kMoved) << p.teacher;
    EXPECT_FALSE(p.mandatory) << p.teacher;
  }
  for (const School& s : in.schools) {
    EXPECT_LE(after[s.id], std::max<int64_t>(s.headcount, before[s.id]))
        << "seed " << seed << " school " << s.id;
  }
  return v;
}

RoundPolicy PolicyForSeed(uint64_t seed) {
  RoundPolicy policy;
  ExchangeRotationPolicy& ep = policy.exchange_rotation;
  if (seed % 3 == 1) ep.share_scope = ShareScope::kCountyWide;
  if (seed % 4 == 2) {
    ep.voluntary_mechanism = VoluntaryMechanism::kTenureDeferredAcceptance;
  }
  if (seed % 5 == 3) ep.mode = ExchangeMode::kTransfer;
  if (seed % 2 == 0) {
    ep.rotation_share_percent = 30;
    ep.backbone_share_percent = 40;
  }
  if (seed % 7 == 5) ep.allow_rural_to_urban_training = false;
  return policy;
}

internal::SyntheticOptions OptionsForSeed(uint64_t seed) {
  internal::SyntheticOptions o;
  o.schools = 8 + static_cast<int>(seed % 9);
  o.teachers_per_school = 8 + static_cast<int>(seed % 11);
  o.list_percent = 60;
  o.voluntary_percent = 20;
  if (seed > 80) o.term_exchange_percent = 6;
  return o;
}

// Rule A (no mandatory mover unplaced, and no applicant below a listed
// seat, while a seat she may take is free; the UNPLACED reason counts the
// schools she may take, all full) and rule B (the county allocation places
// nobody where an applicant with more points listed the school above where
// she ends) on 120 seeded synthetic counties, the last 40 with teachers on
// a term exchange (those due back return home, within capacity).
TEST(ExchangeRotationPhasesTest, NoFreeSeatLeftAndAllocationRespectsPriority) {
  Violations total;
  int unplaced = 0, allocated = 0, freed = 0, returned = 0;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    CountyInputs in = internal::SyntheticCounty(seed, OptionsForSeed(seed));
    RoundPolicy policy = PolicyForSeed(seed);
    auto out = RunExchangeRotation(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Violations v = CheckLaterPhases(in, policy, *out, seed);
    total.unplaced_next_to_free_seat += v.unplaced_next_to_free_seat;
    total.untrue_unplaced_reason += v.untrue_unplaced_reason;
    total.below_free_listed_seat += v.below_free_listed_seat;
    total.blocked_by_allocation += v.blocked_by_allocation;
    for (const Placement& p : out->placements) {
      unplaced += p.outcome == Outcome::kUnplaced;
      allocated += p.via == "county allocation (min-cost)";
      freed += p.via == "seats freed by later phases (da-star)";
      returned += p.via == "return from a term exchange";
    }
  }
  EXPECT_EQ(total.unplaced_next_to_free_seat, 0);
  EXPECT_EQ(total.untrue_unplaced_reason, 0);
  EXPECT_EQ(total.below_free_listed_seat, 0);
  EXPECT_EQ(total.blocked_by_allocation, 0);
  // Not vacuous.
  EXPECT_GT(unplaced, 20);
  EXPECT_GT(allocated, 100);
  EXPECT_GT(freed, 20);
  EXPECT_GT(returned, 50);
}

School MakeSchool(std::string id, Locality loc, int headcount) {
  School s;
  s.id = std::move(id);
  s.stages = {Stage::kPrimary};
  s.locality = loc;
  s.headcount = headcount;
  return s;
}

Teacher MakeTeacher(std::string id, std::string school, const char* join) {
  Teacher t;
  t.id = std::move(id);
  t.gender = Gender::kFemale;
  t.birth_day = D("1988-03-01");
  t.career_start_day = D("2010-09-01");
  t.school = std::move(school);
  t.school_join_day = D(join);
  t.subjects = {"math"};
  t.certificate_stages = {Stage::kPrimary};
  t.title = Title::kIntermediate;
  t.role = Role::kTeacher;
  return t;
}

// Urban home school h (full: a newcomer took the seat R left), rural host
// r; R serves at r on a term exchange from h.
CountyInputs TermExchangeCounty(const char* term_end) {
  CountyInputs in;
  in.effective_day = D("2029-09-01");
  in.seed = 5;
  in.schools = {MakeSchool("h", Locality::kUrban, 2),
                MakeSchool("r", Locality::kRural, 3)};
  in.teachers = {MakeTeacher("H1", "h", "2025-09-01"),
                 MakeTeacher("H2", "h", "2026-09-01"),
                 MakeTeacher("R", "r", "2026-09-01"),
                 MakeTeacher("R2", "r", "2024-09-01")};
  in.teachers[2].home_school = "h";
  in.teachers[2].term_end_day = D(term_end);
  // H1 and H2 rank above R2, R2 above R.
  in.teachers[0].backbone = BackboneLevel::kProvince;
  in.teachers[1].backbone = BackboneLevel::kProvince;
  return in;
}

TEST(ExchangeRotationPhasesTest, TermExchangeEndsWithAReturnHome) {
  RoundPolicy policy;
  CountyInputs in = TermExchangeCounty("2029-09-01");
  // A colleague at r wants h too; R's seat there is hers.
  in.applications = {{"R2", {"h"}, true}};
  auto out = RunExchangeRotation(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  const Placement* p = out->FindPlacement("R");
  EXPECT_EQ(p->to_school, "h");
  EXPECT_EQ(p->outcome, Outcome::kMoved);
  EXPECT_EQ(p->via, "return from a term exchange");
  EXPECT_FALSE(p->mandatory);
  EXPECT_FALSE(p->locked || p->overridden);
  EXPECT_FALSE(p->return_day.has_value());
  EXPECT_NE(p->reason.find("returns to her home school h: her term exchange "
                           "ended on 2029-09-01"),
            std::string::npos)
      << p->reason;
  for (const EligibilityEntry& e : out->eligibility) {
    if (e.teacher != "R") continue;
    EXPECT_FALSE(e.eligible);
    EXPECT_NE(e.reason.find("returns to her home school"), std::string::npos);
  }
  // h was full (2 of 2) without her; she takes her own seat back, and R2
  // is told who holds it.
  EXPECT_EQ(out->FindPlacement("R2")->to_school, "r");
  const TeacherExplanation* why = out->FindExplanation("R2");
  ASSERT_NE(why, nullptr);
  ASSERT_EQ(why->choices.size(), 1u);
  EXPECT_EQ(why->choices[0].verdict, Verdict::kFull);
  EXPECT_EQ(why->choices[0].competitor, "R") << why->choices[0].sentence;
  EXPECT_NE(why->choices[0].sentence.find("from a term exchange"),
            std::string::npos)
      << why->choices[0].sentence;
}

TEST(ExchangeRotationPhasesTest, NoReturnBeforeTheTermEndsOrWhenExtended) {
  RoundPolicy policy;
  auto out = RunExchangeRotation(TermExchangeCounty("2029-09-02"), policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("R")->to_school, "r");
  EXPECT_EQ(out->FindPlacement("R")->outcome, Outcome::kStayed);
  // An override keeping her at the host school (an extended term) wins.
  CountyInputs in = TermExchangeCounty("2029-08-31");
  in.overrides = {{"R", "", "term extended by one year"}};
  out = RunExchangeRotation(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("R")->to_school, "r");
  EXPECT_TRUE(out->FindPlacement("R")->overridden);
}

TEST(ExchangeRotationPhasesTest, HomeSchoolIsValidated) {
  CountyInputs in = TermExchangeCounty("2029-09-01");
  in.teachers[2].home_school = "nowhere";
  absl::Status s = ValidateCountyInputs(in, RoundKind::kExchangeRotation);
  EXPECT_NE(s.message().find("teachers[\"R\"].home_school"), std::string::npos)
      << s;
  in = TermExchangeCounty("2029-09-01");
  in.teachers[2].term_end_day.reset();
  s = ValidateCountyInputs(in, RoundKind::kExchangeRotation);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

}  // namespace
}  // namespace rota::engine::rules
