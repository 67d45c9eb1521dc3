// Itinerant teaching (走教): a hand-made zone with a known answer, and
// property tests over seeded synthetic counties and 1,000 seeded zones (caps,
// zones, trip caps, plans, coverage bookkeeping, true reasons, determinism).
// The optimum of the assignment step is checked against LEMON in
// itinerant_lemon_test.cc.
#include "engine/rules/itinerant_teaching.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/rules/internal/synthetic_county.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

School MakeSchool(const std::string& id, const std::string& zone) {
  School s;
  s.id = id;
  s.display_name = id;
  s.stages = {Stage::kPrimary};
  s.locality = Locality::kRural;
  s.zone = zone;
  s.headcount = 10;
  return s;
}

Teacher MakeTeacher(const std::string& id, const std::string& school, Gender g,
                    int32_t load, uint16_t free, bool volunteer) {
  Teacher t;
  t.id = id;
  t.display_name = id == "T1" ? "Alice" : "Bob";
  t.gender = g;
  t.birth_day = DaysFromCivil(1985, 1, 1);
  t.career_start_day = DaysFromCivil(2008, 9, 1);
  t.school_join_day = DaysFromCivil(2010, 9, 1);
  t.school = school;
  t.subjects = {"music"};
  t.certificate_stages = {Stage::kPrimary};
  t.weekly_load = load;
  t.free_half_days = free;
  t.itinerant_volunteer = volunteer;
  return t;
}

// s1..s3 in zone A, s4 in zone B. Alice (s1, volunteer, load 10, free on
// four mornings) and Bob (s3, load 16, free all week). s1 needs 2 music
// periods (Alice's load), s3 4 (Bob's load), s2 6 (nobody there), s4 2
// (no music teacher in zone B).
CountyInputs SmallZone() {
  CountyInputs in;
  in.effective_day = DaysFromCivil(2026, 9, 1);
  in.seed = 7;
  for (const char* id : {"s1", "s2", "s3"}) {
    in.schools.push_back(MakeSchool(id, "A"));
  }
  in.schools.push_back(MakeSchool("s4", "B"));
  const uint16_t mornings = (1u << HalfDayBit(0, 0)) |
                            (1u << HalfDayBit(1, 0)) |
                            (1u << HalfDayBit(2, 0)) | (1u << HalfDayBit(3, 0));
  in.teachers.push_back(
      MakeTeacher("T1", "s1", Gender::kFemale, 10, mornings, true));
  in.teachers.push_back(
      MakeTeacher("T2", "s3", Gender::kMale, 16, kAllHalfDays, false));
  in.period_requirements = {{"s1", "music", Stage::kPrimary, 2},
                            {"s2", "music", Stage::kPrimary, 6},
                            {"s3", "music", Stage::kPrimary, 4},
                            {"s4", "music", Stage::kPrimary, 2},
                            {"s2", "chinese", Stage::kPrimary, 30}};
  in.road_distances = {
      {"s1", "s2", 5000, 10}, {"s1", "s3", 12000, 25}, {"s2", "s3", 8000, 15}};
  return in;
}

const CoverageLine* Line(const RoundOutcome& out, const std::string& school) {
  for (const CoverageLine& c : out.itinerant.coverage) {
    if (c.school == school) return &c;
  }
  return nullptr;
}

TEST(ItinerantTeachingTest, SmallZoneKnownAnswer) {
  auto out = RunItinerantTeaching(SmallZone(), RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  // The volunteer takes all 6 periods at s2 (Bob, not a volunteer, stays).
  ASSERT_EQ(out->placements.size(), 1u);
  const Placement& p = out->placements[0];
  EXPECT_EQ(p.teacher, "T1");
  EXPECT_EQ(p.to_school, "s2");
  EXPECT_EQ(p.outcome, Outcome::kItinerant);
  EXPECT_EQ(p.via, "itinerant assignment");
  ASSERT_EQ(out->itinerant.assignments.size(), 1u);
  const ItinerantAssignment& a = out->itinerant.assignments[0];
  EXPECT_EQ(a.periods, 6);
  EXPECT_EQ(a.metres, 5000);
  EXPECT_EQ(a.minutes, 10);
  EXPECT_EQ(a.subsidy_yuan_per_month, 100);
  const ItinerantPlan* plan = out->itinerant.FindPlan("T1");
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->slots[HalfDayBit(0, 0)].school, "s2");
  EXPECT_EQ(plan->slots[HalfDayBit(0, 0)].periods, 4);
  EXPECT_EQ(plan->slots[HalfDayBit(1, 0)].school, "s2");
  EXPECT_EQ(plan->slots[HalfDayBit(1, 0)].periods, 2);
  EXPECT_EQ(plan->weekly_travel_metres, 20000);
  // Coverage: chinese is not a shortage subject, so it has no line.
  EXPECT_EQ(out->itinerant.coverage.size(), 4u);
  EXPECT_EQ(Line(*out, "s1")->own, 2);
  EXPECT_EQ(Line(*out, "s2")->itinerant, 6);
  EXPECT_EQ(Line(*out, "s2")->uncovered, 0);
  EXPECT_EQ(Line(*out, "s3")->own, 4);
  EXPECT_EQ(Line(*out, "s4")->uncovered, 2);
  EXPECT_EQ(Line(*out, "s4")->reason, UncoveredReason::kNoQualifiedTeacher);
  const TeacherExplanation* why = out->FindExplanation("T1");
  ASSERT_NE(why, nullptr);
  EXPECT_NE(why->notes[0].find("Alice (T1) teaches 6 periods at s2"),
            std::string::npos);
  EXPECT_NE(why->notes[1].find("she volunteered"), std::string::npos);

  // Period cap 12: Alice has 2 spare, Bob none: 4 periods at s2 uncovered
  // ... Bob is at 16 > 12, so only Alice's 2 count.
  RoundPolicy capped;
  capped.itinerant_teaching.max_weekly_periods = 12;
  auto out2 = RunItinerantTeaching(SmallZone(), capped);
  ASSERT_TRUE(out2.ok()) << out2.status();
  EXPECT_EQ(Line(*out2, "s2")->itinerant, 2);
  EXPECT_EQ(Line(*out2, "s2")->uncovered, 4);
  EXPECT_EQ(Line(*out2, "s2")->reason, UncoveredReason::kPeriodCap);

  // Without volunteers first and Alice's half-days cut to one: Bob (15
  // minutes) brings 2, Alice one visit of 4.
  CountyInputs in = SmallZone();
  in.teachers[0].free_half_days = 1;
  RoundPolicy plain;
  plain.itinerant_teaching.volunteers_first = false;
  auto out3 = RunItinerantTeaching(in, plain);
  ASSERT_TRUE(out3.ok()) << out3.status();
  EXPECT_EQ(Line(*out3, "s2")->itinerant, 6);
  EXPECT_EQ(out3->placements.size(), 2u);

  // Trip cap 9 minutes: nobody can reach s2.
  RoundPolicy near;
  near.itinerant_teaching.max_trip_minutes = 9;
  auto out4 = RunItinerantTeaching(SmallZone(), near);
  ASSERT_TRUE(out4.ok()) << out4.status();
  EXPECT_EQ(Line(*out4, "s2")->uncovered, 6);
  EXPECT_EQ(Line(*out4, "s2")->reason, UncoveredReason::kTravelCap);
}

TEST(ItinerantTeachingTest, LockWithoutSchoolExcludes) {
  CountyInputs in = SmallZone();
  in.locks.push_back({"T1", "", "on leave"});
  in.locks.push_back({"T2", "", "on leave"});
  auto out = RunItinerantTeaching(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->placements.empty());
  EXPECT_EQ(Line(*out, "s2")->reason, UncoveredReason::kExcluded);
}

// Eligibility at freeze: the shortage-subject teachers only, with spare
// periods, exemptions and volunteering in both languages.
TEST(ItinerantTeachingTest, EligibilityListsShortageSubjectTeachers) {
  CountyInputs in = SmallZone();
  Teacher maths =
      MakeTeacher("T3", "s2", Gender::kFemale, 12, kAllHalfDays, false);
  maths.subjects = {"math"};
  in.teachers.push_back(maths);
  Teacher full =
      MakeTeacher("T4", "s2", Gender::kMale, 18, kAllHalfDays, false);
  in.teachers.push_back(full);
  Teacher exempt =
      MakeTeacher("T5", "s2", Gender::kFemale, 8, kAllHalfDays, true);
  exempt.exemptions.push_back({ExemptionKind::kSeriousIllness, "",
                               DaysFromCivil(2026, 1, 1), std::nullopt});
  in.teachers.push_back(exempt);
  auto entries = ComputeItinerantEligibility(in, RoundPolicy{});
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 4u);  // not T3 (math)
  const EligibilityEntry& alice = (*entries)[0];
  EXPECT_EQ(alice.teacher, "T1");
  EXPECT_TRUE(alice.eligible);
  EXPECT_TRUE(alice.voluntary);
  EXPECT_NE(alice.reason.find("8 spare periods"), std::string::npos)
      << alice.reason;
  EXPECT_NE(alice.reason_zh.find("她任教音乐"), std::string::npos)
      << alice.reason_zh;
  EXPECT_NE(alice.reason_zh.find("本人自愿走教"), std::string::npos);
  const EligibilityEntry& bob = (*entries)[1];
  EXPECT_EQ(bob.teacher, "T2");
  EXPECT_TRUE(bob.eligible);
  EXPECT_NE(bob.reason.find("he teaches music"), std::string::npos)
      << bob.reason;
  const EligibilityEntry& at_cap = (*entries)[2];
  EXPECT_EQ(at_cap.teacher, "T4");
  EXPECT_FALSE(at_cap.eligible);
  EXPECT_NE(at_cap.reason_zh.find("已达每周 18 节上限"), std::string::npos)
      << at_cap.reason_zh;
  const EligibilityEntry& ill = (*entries)[3];
  EXPECT_EQ(ill.teacher, "T5");
  EXPECT_FALSE(ill.eligible);
  EXPECT_TRUE(ill.exempt);
}

// ---------------------------------------------------------------- property

CountyInputs SeededCounty(uint64_t seed) {
  internal::SyntheticOptions o;
  o.schools = 14 + static_cast<int>(seed % 10);
  o.teachers_per_school = 8;
  CountyInputs in = internal::SyntheticCounty(seed, o);
  internal::AddItinerantData(seed, internal::ItinerantOptions{}, &in);
  return in;
}

RoundPolicy SeededPolicy(uint64_t seed) {
  RoundPolicy p;
  ItinerantTeachingPolicy& it = p.itinerant_teaching;
  it.max_trip_minutes = 25 + static_cast<int32_t>(seed % 4) * 10;
  it.periods_per_half_day = 2 + static_cast<int32_t>(seed % 3);
  it.max_schools_per_teacher = 2 + static_cast<int32_t>(seed % 2);
  if (seed % 5 == 0) it.visit_days = {1, 3};
  if (seed % 7 == 0) it.same_zone_only = false;
  return p;
}

template <typename T>
void Shuffle(std::vector<T>* v, std::mt19937* g) {
  std::shuffle(v->begin(), v->end(), *g);
}

// Every cap, plan and bookkeeping rule; returns the number of violations
// (with messages naming the seed).
int CheckOutcome(uint64_t seed, const CountyInputs& in,
                 const RoundPolicy& policy, const RoundOutcome& out) {
  const ItinerantTeachingPolicy& it = policy.itinerant_teaching;
  int bad = 0;
  std::map<std::string, const School*> schools;
  for (const School& s : in.schools) schools[s.id] = &s;
  std::map<std::string, const Teacher*> teachers;
  for (const Teacher& t : in.teachers) teachers[t.id] = &t;
  uint16_t day_mask = kAllHalfDays;
  if (!it.visit_days.empty()) {
    day_mask = 0;
    for (int d : it.visit_days) day_mask |= 3u << (2 * d);
  }
  std::map<std::string, int32_t> used;
  std::map<std::string, std::map<std::string, int32_t>> visits;
  std::map<std::tuple<std::string, std::string, Stage>, int32_t> own, away;
  for (const ItinerantAssignment& a : out.itinerant.assignments) {
    const Teacher& t = *teachers.at(a.teacher);
    used[a.teacher] += a.periods;
    const bool home = a.school == t.school;
    (home ? own : away)[{a.school, a.subject, a.stage}] += a.periods;
    if (home != a.own_school) ++bad, ADD_FAILURE() << "seed " << seed;
    if (!home) {
      visits[a.teacher][a.school] += a.periods;
      const School& from = *schools.at(t.school);
      const School& to = *schools.at(a.school);
      if (it.same_zone_only && (from.zone.empty() || from.zone != to.zone)) {
        ++bad;
        ADD_FAILURE() << "seed " << seed << ": " << a.teacher
                      << " leaves her zone for " << a.school;
      }
      if (a.minutes > it.max_trip_minutes) {
        ++bad;
        ADD_FAILURE() << "seed " << seed << ": trip cap, " << a.teacher;
      }
    }
    bool q = std::find(t.subjects.begin(), t.subjects.end(), a.subject) !=
                 t.subjects.end() &&
             std::find(t.certificate_stages.begin(), t.certificate_stages.end(),
                       a.stage) != t.certificate_stages.end();
    if (!q) ++bad, ADD_FAILURE() << "seed " << seed << ": not qualified";
  }
  for (const auto& [id, n] : used) {
    if (teachers.at(id)->weekly_load + n > it.max_weekly_periods) {
      ++bad;
      ADD_FAILURE() << "seed " << seed << ": " << id << " over period cap";
    }
  }
  for (const auto& [id, v] : visits) {
    if (static_cast<int>(v.size()) + 1 > it.max_schools_per_teacher) {
      ++bad;
      ADD_FAILURE() << "seed " << seed << ": " << id << " at too many schools";
    }
    const ItinerantPlan* plan = out.itinerant.FindPlan(id);
    if (plan == nullptr) {
      ++bad;
      ADD_FAILURE() << "seed " << seed << ": no plan for " << id;
      continue;
    }
    std::map<std::string, int32_t> in_plan;
    const uint16_t free = teachers.at(id)->free_half_days & day_mask;
    for (int s = 0; s < kHalfDaysPerWeek; ++s) {
      const HalfDaySlot& slot = plan->slots[s];
      if (slot.school.empty()) continue;
      if (!((free >> s) & 1) || slot.periods > it.periods_per_half_day ||
          slot.periods <= 0) {
        ++bad;
        ADD_FAILURE() << "seed " << seed << ": bad slot " << s << " of " << id;
      }
      in_plan[slot.school] += slot.periods;
    }
    if (in_plan != v) {
      ++bad;
      ADD_FAILURE() << "seed " << seed << ": plan of " << id
                    << " does not hold her periods";
    }
    const Placement* p = out.FindPlacement(id);
    if (p == nullptr || p->outcome != Outcome::kItinerant ||
        !v.count(p->to_school)) {
      ++bad;
      ADD_FAILURE() << "seed " << seed << ": placement of " << id;
    }
  }
  // Coverage bookkeeping and true reasons.
  for (const CoverageLine& c : out.itinerant.coverage) {
    auto key = std::make_tuple(c.school, c.subject, c.stage);
    if (c.own + c.itinerant + c.uncovered != c.required || c.uncovered < 0 ||
        c.itinerant != away[key] || c.own < own[key]) {
      ++bad;
      ADD_FAILURE() << "seed " << seed << ": coverage of " << c.school << "/"
                    << c.subject;
    }
    if ((c.uncovered > 0) != (c.reason != UncoveredReason::kNone)) {
      ++bad;
      ADD_FAILURE() << "seed " << seed << ": reason presence " << c.school;
    }
    if (c.uncovered == 0) continue;
    // Independent checks of the reasons that need no solver state.
    const School& s = *schools.at(c.school);
    int qualified = 0, reachable = 0, with_spare = 0;
    for (const Teacher& t : in.teachers) {
      const School& h = *schools.at(t.school);
      if (it.same_zone_only &&
          (h.id != s.id && (h.zone.empty() || h.zone != s.zone))) {
        continue;
      }
      bool q =
          std::find(t.subjects.begin(), t.subjects.end(), c.subject) !=
              t.subjects.end() &&
          std::find(t.certificate_stages.begin(), t.certificate_stages.end(),
                    c.stage) != t.certificate_stages.end();
      if (!q) continue;
      ++qualified;
      Trip trip = TravelBetween(in, it, h, s);
      if (h.id != s.id && trip.minutes > it.max_trip_minutes) continue;
      ++reachable;
      if (t.weekly_load + used[t.id] < it.max_weekly_periods) ++with_spare;
    }
    bool ok = true;
    switch (c.reason) {
      case UncoveredReason::kNoQualifiedTeacher:
        ok = qualified == 0;
        break;
      case UncoveredReason::kTravelCap:
        ok = qualified > 0 && reachable == 0;
        break;
      case UncoveredReason::kPeriodCap:
        ok = reachable > 0 && with_spare == 0;
        break;
      case UncoveredReason::kHalfDayClash:
      case UncoveredReason::kSchoolCap:
        ok = with_spare > 0;
        break;
      case UncoveredReason::kExcluded:
        ok = reachable > 0;
        break;
      case UncoveredReason::kNone:
        ok = false;
        break;
    }
    if (!ok) {
      ++bad;
      ADD_FAILURE() << "seed " << seed << ": reason "
                    << UncoveredReasonCode(c.reason) << " untrue at "
                    << c.school << "/" << c.subject << " (qualified "
                    << qualified << ", reachable " << reachable
                    << ", with spare " << with_spare << ")";
    }
  }
  return bad;
}

TEST(ItinerantTeachingPropertyTest, CapsPlansCoverageReasonsDeterminism) {
  int bad = 0, covered = 0, uncovered = 0, placed = 0, replans = 0;
  std::set<UncoveredReason> reasons;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    CountyInputs in = SeededCounty(seed);
    RoundPolicy policy = SeededPolicy(seed);
    auto out = RunItinerantTeaching(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    bad += CheckOutcome(seed, in, policy, *out);
    for (const CoverageLine& c : out->itinerant.coverage) {
      covered += c.itinerant;
      uncovered += c.uncovered;
      reasons.insert(c.reason);
    }
    placed += static_cast<int>(out->placements.size());
    replans += out->itinerant.replans;
    // Same bytes whatever the input order.
    std::mt19937 g(static_cast<uint32_t>(seed));
    CountyInputs shuffled = in;
    Shuffle(&shuffled.schools, &g);
    Shuffle(&shuffled.teachers, &g);
    Shuffle(&shuffled.period_requirements, &g);
    Shuffle(&shuffled.road_distances, &g);
    for (RoadDistance& r : shuffled.road_distances) {
      if (g() % 2) std::swap(r.school_a, r.school_b);
    }
    auto again = RunItinerantTeaching(shuffled, policy);
    ASSERT_TRUE(again.ok()) << "seed " << seed;
    EXPECT_EQ(again->hash_hex, out->hash_hex) << "seed " << seed;
    EXPECT_EQ(again->canonical, out->canonical) << "seed " << seed;
  }
  EXPECT_EQ(bad, 0);
  // The generator must exercise the mechanism.
  EXPECT_GT(covered, 100);
  EXPECT_GT(uncovered, 0);
  EXPECT_GT(placed, 60);
  EXPECT_GE(reasons.size(), 4u);
  std::cout << "covered " << covered << " uncovered " << uncovered << " placed "
            << placed << " replans " << replans << " reasons " << reasons.size()
            << "\n";
}

// A lock on a teacher who visits several schools keeps her whole
// assignment and weekly plan on a re-run (not only the school where she
// teaches most); a lock whose periods another lock already took is refused.
TEST(ItinerantTeachingPropertyTest, LockKeepsTheWholeAssignment) {
  int locked = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    CountyInputs in = SeededCounty(seed);
    RoundPolicy policy = SeededPolicy(seed);
    auto out = RunItinerantTeaching(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    std::map<std::string, std::vector<ItinerantAssignment>> of;
    for (const ItinerantAssignment& a : out->itinerant.assignments)
      of[a.teacher].push_back(a);
    CountyInputs again = in;
    std::vector<std::string> teachers;
    for (const auto& [teacher, list] : of) {
      std::set<std::string> away;
      for (const ItinerantAssignment& a : list)
        if (!a.own_school) away.insert(a.school);
      if (away.size() < 2 || teachers.size() >= 3) continue;
      Lock lock{teacher, "", "keep"};
      for (const ItinerantAssignment& a : list)
        lock.itinerant.push_back({a.school, a.subject, a.stage, a.periods});
      again.locks.push_back(std::move(lock));
      teachers.push_back(teacher);
    }
    if (teachers.empty()) continue;
    auto rerun = RunItinerantTeaching(again, policy);
    ASSERT_TRUE(rerun.ok()) << "seed " << seed << ": " << rerun.status();
    EXPECT_EQ(CheckOutcome(seed, again, policy, *rerun), 0);
    std::map<std::string, std::vector<ItinerantAssignment>> now;
    for (const ItinerantAssignment& a : rerun->itinerant.assignments)
      now[a.teacher].push_back(a);
    for (const std::string& t : teachers) {
      ++locked;
      ASSERT_EQ(now[t].size(), of[t].size()) << "seed " << seed << " " << t;
      for (size_t i = 0; i < of[t].size(); ++i) {
        EXPECT_EQ(now[t][i].school, of[t][i].school) << seed << " " << t;
        EXPECT_EQ(now[t][i].periods, of[t][i].periods) << seed << " " << t;
      }
      const ItinerantPlan* before = out->itinerant.FindPlan(t);
      const ItinerantPlan* after = rerun->itinerant.FindPlan(t);
      ASSERT_NE(before, nullptr);
      ASSERT_NE(after, nullptr);
      for (int slot = 0; slot < kHalfDaysPerWeek; ++slot) {
        EXPECT_EQ(after->slots[slot].school, before->slots[slot].school);
        EXPECT_EQ(after->slots[slot].periods, before->slots[slot].periods);
      }
      bool pinned = false;
      for (const Placement& p : rerun->placements)
        pinned = pinned || (p.teacher == t && p.locked);
      EXPECT_TRUE(pinned) << seed << " " << t;
    }
    // The same periods kept twice: more than the lines need.
    CountyInputs twice = again;
    for (LockedPeriods& k : twice.locks[0].itinerant) k.periods *= 100;
    auto refused = RunItinerantTeaching(twice, policy);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
        << seed;
  }
  EXPECT_GT(locked, 10);
}

// Every cap on 1,000 seeded zones: small counties of one to three zones
// (zone_size 2..6 schools), policies varying every cap.
TEST(ItinerantTeachingPropertyTest, EveryPlanRespectsEveryCapOn1000Zones) {
  int zones = 0, bad = 0, placed = 0;
  uint64_t seed = 1000;
  for (; zones < 1000; ++seed) {
    internal::SyntheticOptions o;
    o.schools = 4 + static_cast<int>(seed % 9);
    o.teachers_per_school = 5 + static_cast<int>(seed % 5);
    CountyInputs in = internal::SyntheticCounty(seed, o);
    internal::ItinerantOptions io;
    io.zone_size = 2 + static_cast<int>(seed % 5);
    io.shortage_teacher_percent = 8;
    io.max_periods = 3 + static_cast<int>(seed % 6);
    internal::AddItinerantData(seed, io, &in);
    RoundPolicy policy = SeededPolicy(seed);
    policy.itinerant_teaching.max_weekly_periods =
        14 + static_cast<int32_t>(seed % 7);
    policy.itinerant_teaching.volunteers_first = seed % 3 != 0;
    auto out = RunItinerantTeaching(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    bad += CheckOutcome(seed, in, policy, *out);
    placed += static_cast<int>(out->placements.size());
    std::set<std::string> with_lines;
    std::map<std::string, const School*> schools;
    for (const School& s : in.schools) schools[s.id] = &s;
    for (const CoverageLine& c : out->itinerant.coverage) {
      const School& s = *schools.at(c.school);
      with_lines.insert(s.zone.empty() ? "\x01" + s.id : s.zone);
    }
    zones += static_cast<int>(with_lines.size());
  }
  EXPECT_EQ(bad, 0);
  EXPECT_GT(placed, 300);
  std::cout << zones << " zones from seeds 1000.." << seed - 1 << ", " << placed
            << " teachers placed\n";
}

}  // namespace
}  // namespace rota::engine::rules
