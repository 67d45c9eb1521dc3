// Properties of the leadership rotation (exchange_rotation.h step 2b) on
// seeded synthetic counties: every school keeps its principals and
// vice-principals, leader moves follow the leader directions and the school's
// stages, the annual cap holds, years in office count from the role start
// date, and every leader who must rotate but stays says why, truthfully.
// Failure messages start with a [tag] and name the seed.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>

#include "engine/rules/exchange_rotation.h"
#include "engine/rules/internal/synthetic_county.h"
#include "engine/rules/points.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

bool IsLeader(const Teacher& t) {
  return t.role == Role::kPrincipal || t.role == Role::kVicePrincipal;
}

bool IsRuralSchool(const School& s) {
  return s.locality == Locality::kRural ||
         s.locality == Locality::kTeachingPoint;
}

bool DirectionOk(const RoundPolicy& policy, const School& from,
                 const School& to) {
  for (LeaderDirection d : policy.exchange_rotation.leader_directions) {
    if (d == LeaderDirection::kAnySchool) return true;
    if (d == LeaderDirection::kUrbanRuralExchange &&
        IsRuralSchool(from) != IsRuralSchool(to)) {
      return true;
    }
    if (d == LeaderDirection::kStrongWeakExchange && from.weak != to.weak) {
      return true;
    }
  }
  return false;
}

bool StageFits(const Teacher& t, const School& s) {
  for (Stage st : s.stages) {
    if (std::find(t.certificate_stages.begin(), t.certificate_stages.end(),
                  st) != t.certificate_stages.end()) {
      return true;
    }
  }
  return false;
}

struct County {
  std::map<std::string, const School*> schools;
  std::map<std::string, const Teacher*> teachers;
  explicit County(const CountyInputs& in) {
    for (const School& s : in.schools) schools[s.id] = &s;
    for (const Teacher& t : in.teachers) teachers[t.id] = &t;
  }
};

// Counts of (school, role) for leaders, before and after.
std::map<std::pair<std::string, Role>, int> LeadersAt(const County& c,
                                                      const RoundOutcome& out,
                                                      bool after) {
  std::map<std::pair<std::string, Role>, int> n;
  for (const Placement& p : out.placements) {
    const Teacher& t = *c.teachers.at(p.teacher);
    if (!IsLeader(t)) continue;
    ++n[{after ? p.to_school : p.from_school, t.role}];
  }
  return n;
}

// Checks the leadership properties; returns the number of violations.
int CheckLeadership(const CountyInputs& in, const RoundPolicy& policy,
                    const RoundOutcome& out, uint64_t seed,
                    std::map<std::string, int>* seen) {
  int violations = 0;
  auto fail = [&](const std::string& tag, const std::string& what) {
    ++violations;
    ADD_FAILURE() << "[" << tag << "] seed " << seed << ": " << what;
  };
  County c(in);
  const ExchangeRotationPolicy& ep = policy.exchange_rotation;
  // 1. Every school ends with the leaders it started with, role by role.
  auto before = LeadersAt(c, out, false), after = LeadersAt(c, out, true);
  for (const auto& [key, n] : before) {
    auto it = after.find(key);
    const int m = it == after.end() ? 0 : it->second;
    if (m != n) {
      fail("leadership count",
           absl::StrCat(key.first, " had ", n, " of role ",
                        static_cast<int>(key.second), ", ends with ", m));
    }
  }
  for (const auto& [key, m] : after) {
    if (!before.count(key)) {
      fail("leadership count", absl::StrCat(key.first, " gains ", m,
                                            " leaders of a role it had not"));
    }
  }
  // 2. Moves obey the leader directions and the school's stages; 3. the cap.
  std::map<Role, int> total, moved;
  std::map<std::string, const EligibilityEntry*> elig;
  for (const EligibilityEntry& e : out.eligibility) elig[e.teacher] = &e;
  for (const Placement& p : out.placements) {
    const Teacher& t = *c.teachers.at(p.teacher);
    if (!IsLeader(t)) continue;
    ++total[t.role];
    if (p.to_school == p.from_school) continue;
    ++moved[t.role];
    ++(*seen)["leader moved"];
    const School& from = *c.schools.at(p.from_school);
    const School& to = *c.schools.at(p.to_school);
    if (!p.locked && !p.overridden && !DirectionOk(policy, from, to)) {
      fail("leader direction", absl::StrCat(p.teacher, " ", from.id, " -> ",
                                            to.id, " via ", p.via));
    }
    if (!StageFits(t, to)) {
      fail("leader stage", absl::StrCat(p.teacher, " -> ", to.id));
    }
  }
  for (const auto& [role, n] : moved) {
    const int cap = ep.leader_rotation_cap_percent * total[role] / 100;
    if (n > cap) {
      fail("leader cap",
           absl::StrCat(n, " leaders of role ", static_cast<int>(role),
                        " moved, cap ", cap, " of ", total[role]));
    }
  }
  // 4. Years in office count from the later of joining and the role start.
  for (const Teacher& t : in.teachers) {
    if (!IsLeader(t)) continue;
    const EligibilityEntry& e = *elig.at(t.id);
    if (e.exempt) continue;
    int32_t start = t.school_join_day;
    if (t.role_start_day.has_value()) {
      start = std::max(start, *t.role_start_day);
    }
    const bool due =
        FullYearsBetween(start, in.effective_day) >= ep.principal_min_years &&
        RetirementDay(t, policy.retirement) >
            AddYears(in.effective_day, ep.principal_min_years_to_retirement);
    if (due != e.mandatory) {
      fail("years in office",
           absl::StrCat(t.id, " in office since ", FormatDate(start),
                        (due ? " is due" : " is not due"),
                        " but the run says mandatory=", e.mandatory, ": ",
                        e.reason));
    }
    if (t.role_start_day.has_value() && *t.role_start_day > t.school_join_day &&
        FullYearsBetween(t.school_join_day, in.effective_day) >=
            ep.principal_min_years &&
        !due) {
      ++(*seen)["role start keeps a leader in place"];
    }
  }
  // 5. A leader who must rotate but stays says why, and the reason is true.
  std::map<std::pair<std::string, Role>, std::set<std::string>> vacated;
  for (const Placement& p : out.placements) {
    const Teacher& t = *c.teachers.at(p.teacher);
    if (IsLeader(t) && p.to_school != p.from_school) {
      vacated[{p.from_school, t.role}].insert(p.teacher);
    }
  }
  for (const Placement& p : out.placements) {
    const Teacher& t = *c.teachers.at(p.teacher);
    if (!IsLeader(t) || !elig.at(p.teacher)->mandatory ||
        p.to_school != p.from_school || p.locked || p.overridden) {
      continue;
    }
    if (p.reason.find("annual cap") != std::string::npos) {
      ++(*seen)["leader beyond the cap"];
      continue;
    }
    if (p.outcome != Outcome::kUnplaced ||
        p.reason.find("must rotate but stays") == std::string::npos) {
      fail("leader reason", absl::StrCat(p.teacher, ": ", p.reason));
      continue;
    }
    const School& own = *c.schools.at(p.from_school);
    auto allowed = [&](const std::string& school) {
      const School& to = *c.schools.at(school);
      return school != p.from_school && DirectionOk(policy, own, to) &&
             StageFits(t, to);
    };
    if (p.reason.find("no other ") != std::string::npos) {
      // No other leader of her role who must rotate sits where she may go.
      ++(*seen)["leader with no partner"];
      for (const Placement& q : out.placements) {
        const Teacher& x = *c.teachers.at(q.teacher);
        if (x.role == t.role && elig.at(q.teacher)->mandatory &&
            allowed(q.from_school)) {
          fail("leader reason",
               absl::StrCat(p.teacher, " says no partner, but ", q.teacher,
                            " must rotate at ", q.from_school));
        }
      }
    } else if (p.reason.find("beyond the annual cap") != std::string::npos) {
      // No seat of her role was vacated where she may go.
      ++(*seen)["leader whose partners are capped"];
      for (const auto& [key, who] : vacated) {
        if (key.second == t.role && allowed(key.first)) {
          fail("leader reason",
               absl::StrCat(p.teacher, " says no seat vacated, but ", key.first,
                            " was vacated by ", *who.begin()));
        }
      }
    } else {
      ++(*seen)["leader in no cycle"];
    }
  }
  return violations;
}

RoundPolicy PolicyFor(uint64_t seed) {
  RoundPolicy policy;
  ExchangeRotationPolicy& ep = policy.exchange_rotation;
  const int caps[] = {20, 50, 100};
  ep.leader_rotation_cap_percent = caps[seed % 3];
  if (seed % 4 == 1) {
    ep.leader_directions = {LeaderDirection::kUrbanRuralExchange};
  } else if (seed % 4 == 2) {
    ep.leader_directions = {LeaderDirection::kStrongWeakExchange};
  } else if (seed % 4 == 3) {
    ep.leader_directions = {LeaderDirection::kAnySchool};
  }
  if (seed % 5 == 2) {
    ep.selection_order = {SelectionCriterion::kYoungest,
                          SelectionCriterion::kLowestPoints};
  }
  if (seed % 6 == 3) {
    ep.voluntary_mechanism = VoluntaryMechanism::kTenureDeferredAcceptance;
  }
  return policy;
}

CountyInputs CountyFor(uint64_t seed) {
  internal::SyntheticOptions o;
  o.schools = 8 + static_cast<int>(seed % 13);
  o.teachers_per_school = 6 + static_cast<int>(seed % 9);
  o.vice_principal_percent = 70;
  o.varied_role_start = true;
  return internal::SyntheticCounty(seed, o);
}

TEST(LeadershipRotationTest, PropertiesOnSyntheticCounties) {
  std::map<std::string, int> seen;
  int violations = 0;
  for (uint64_t seed = 1; seed <= 64; ++seed) {
    const CountyInputs in = CountyFor(seed);
    const RoundPolicy policy = PolicyFor(seed);
    auto out = RunExchangeRotation(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    violations += CheckLeadership(in, policy, *out, seed, &seen);
  }
  std::cout << "leadership violations: " << violations << "\n";
  for (const auto& [k, n] : seen) std::cout << k << ": " << n << "\n";
  // Not vacuous.
  EXPECT_GT(seen["leader moved"], 100);
  EXPECT_GT(seen["leader beyond the cap"], 5);
  EXPECT_GT(seen["leader with no partner"], 5);
  EXPECT_GT(seen["role start keeps a leader in place"], 10);
}

// Locks of leaders: keeping every proposed move re-runs to the same moves;
// keeping part of a swap or cycle is kept (the market completes it) or
// refused naming rule "leadership"; moving a principal into a school whose
// principal stays is refused.
TEST(LeadershipRotationTest, LocksKeepLeadershipCounts) {
  int kept = 0, refused = 0;
  for (uint64_t seed = 1; seed <= 64; ++seed) {
    const CountyInputs in = CountyFor(seed);
    const RoundPolicy policy = PolicyFor(seed);
    auto out = RunExchangeRotation(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    County c(in);
    std::vector<const Placement*> leader_moves;
    for (const Placement& p : out->placements) {
      if (IsLeader(*c.teachers.at(p.teacher)) && p.to_school != p.from_school)
        leader_moves.push_back(&p);
    }
    CountyInputs all = in;
    for (const Placement* p : leader_moves) {
      all.locks.push_back({p->teacher, p->to_school, "keep"});
    }
    auto relocked = RunExchangeRotation(all, policy);
    ASSERT_TRUE(relocked.ok()) << "seed " << seed << ": " << relocked.status();
    std::map<std::string, int> seen;
    EXPECT_EQ(CheckLeadership(all, policy, *relocked, seed, &seen), 0);
    for (const Placement* p : leader_moves) {
      EXPECT_EQ(relocked->FindPlacement(p->teacher)->to_school, p->to_school)
          << "seed " << seed << " " << p->teacher;
    }
    std::mt19937_64 rng(seed);
    CountyInputs some = in;
    for (const Placement* p : leader_moves) {
      if (rng() % 2 == 0) some.locks.push_back({p->teacher, p->to_school, "k"});
    }
    auto partial = RunExchangeRotation(some, policy);
    if (partial.ok()) {
      ++kept;
      EXPECT_EQ(CheckLeadership(some, policy, *partial, seed, &seen), 0);
      for (const Lock& l : some.locks) {
        EXPECT_EQ(partial->FindPlacement(l.teacher)->to_school, l.to)
            << "seed " << seed << " " << l.teacher;
      }
    } else {
      ++refused;
      EXPECT_NE(partial.status().message().find("rule \"leadership"),
                std::string::npos)
          << "seed " << seed << ": " << partial.status();
    }
    // A principal overridden into a school whose principal is not due.
    std::map<std::string, const EligibilityEntry*> elig;
    for (const EligibilityEntry& e : out->eligibility) elig[e.teacher] = &e;
    const Placement* stay = nullptr;
    const Placement* mover = nullptr;
    for (const Placement& p : out->placements) {
      const Teacher& t = *c.teachers.at(p.teacher);
      if (t.role == Role::kPrincipal && !elig.at(p.teacher)->mandatory &&
          !elig.at(p.teacher)->exempt) {
        stay = &p;
        break;
      }
    }
    for (const Placement& p : out->placements) {
      const Teacher& t = *c.teachers.at(p.teacher);
      if (stay == nullptr || t.role != Role::kPrincipal ||
          p.from_school == stay->from_school || elig.at(p.teacher)->exempt ||
          !StageFits(t, *c.schools.at(stay->from_school))) {
        continue;
      }
      mover = &p;
      break;
    }
    if (stay == nullptr || mover == nullptr) continue;
    CountyInputs bad = in;
    bad.overrides.push_back({mover->teacher, stay->from_school, "why not"});
    auto refusal = RunExchangeRotation(bad, policy);
    ASSERT_FALSE(refusal.ok()) << "seed " << seed;
    EXPECT_EQ(refusal.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(refusal.status().message().find("rule \"leadership"),
              std::string::npos)
        << "seed " << seed << ": " << refusal.status();
  }
  EXPECT_GT(kept, 20) << refused;
}

}  // namespace
}  // namespace rota::engine::rules
