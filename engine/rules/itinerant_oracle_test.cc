// Brute force as an oracle for itinerant teaching (走教) on small counties
// (at most 6 schools and 6 teachers): every assignment of the teachers'
// spare periods to coverage lines within the real caps (period cap, trip
// cap, zone, qualification, exemptions and pins, at most
// max_schools_per_teacher schools with her own, and one school per usable
// half-day: sum over visited schools of ceil(periods / periods_per_half_day)
// <= her usable half-days) is enumerated, and the lexicographic optimum
// (periods covered, non-volunteer periods away, travel, load balance; the
// objective of itinerant_teaching.h) must equal the engine's values. Only the
// values are compared: several assignments may be optimal.
//
// The objective is a sum over teachers, so the enumeration is a dynamic
// program over teachers whose state is what is left of each line's need;
// each teacher's every plan is tried in every state.
#include <algorithm>
#include <array>
#include <cstdint>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/rules/itinerant_teaching.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

// (-periods covered, non-volunteer periods away, travel, balance).
using Value = std::array<int64_t, 4>;

Value Add(const Value& a, const Value& b) {
  return {a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]};
}

constexpr const char* kSubjects[] = {"music", "pe", "art"};

// A small county: 2-6 schools in zones "A", "B" or none, 1-6 teachers with
// 0-4 spare periods and a few free half-days, requirements of 1-3 shortage
// subjects per school, roads for some pairs; random policy caps.
struct Instance {
  CountyInputs in;
  RoundPolicy policy;
};

Instance MakeInstance(uint64_t seed) {
  std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ULL + 17);
  auto below = [&rng](int n) { return static_cast<int>(rng() % n); };
  Instance x;
  CountyInputs& in = x.in;
  ItinerantTeachingPolicy& p = x.policy.itinerant_teaching;
  in.effective_day = DaysFromCivil(2026, 9, 1);
  in.seed = seed;
  p.max_weekly_periods = 12;
  p.periods_per_half_day = 1 + below(3);
  p.max_schools_per_teacher = 2 + below(2);
  p.max_trip_minutes = 15 + 5 * below(4);
  p.volunteers_first = below(4) != 0;
  p.same_zone_only = below(5) != 0;
  if (below(5) == 0) p.visit_days = {below(5)};
  if (below(5) == 0) p.visit_days = {1, 3};
  const int schools = 2 + below(5);
  for (int s = 0; s < schools; ++s) {
    School sc;
    sc.id = "s" + std::to_string(s + 1);
    sc.display_name = sc.id;
    sc.locality = Locality::kRural;
    sc.headcount = 10;
    const int zone = below(6);
    sc.zone = zone < 3 ? "A" : zone < 5 ? "B" : "";
    sc.stages = below(3) == 0
                    ? std::vector<Stage>{Stage::kPrimary, Stage::kJunior}
                    : std::vector<Stage>{Stage::kPrimary};
    sc.has_location = below(8) != 0;
    sc.latitude = 30 + below(100) / 1000.0;
    sc.longitude = 110 + below(100) / 1000.0;
    in.schools.push_back(sc);
  }
  for (int a = 0; a < schools; ++a) {
    for (int b = a + 1; b < schools; ++b) {
      if (below(2) == 0) continue;
      in.road_distances.push_back({in.schools[a].id, in.schools[b].id,
                                   1000 + 500 * below(30), 5 + below(30)});
    }
  }
  const int teachers = 1 + below(6);
  for (int i = 0; i < teachers; ++i) {
    Teacher t;
    t.id = "T" + std::to_string(i + 1);
    t.display_name = t.id;
    t.gender = below(2) == 0 ? Gender::kFemale : Gender::kMale;
    t.birth_day = DaysFromCivil(1985, 1, 1);
    t.career_start_day = DaysFromCivil(2008, 9, 1);
    t.school_join_day = DaysFromCivil(2010, 9, 1);
    t.school = in.schools[below(schools)].id;
    t.subjects = {kSubjects[below(3)]};
    if (below(3) == 0) t.subjects.push_back(kSubjects[below(3)]);
    if (t.subjects.size() == 2 && t.subjects[0] == t.subjects[1]) {
      t.subjects.pop_back();
    }
    if (below(6) == 0) t.subjects.insert(t.subjects.begin(), "chinese");
    t.certificate_stages = {Stage::kPrimary};
    if (below(3) == 0) t.certificate_stages.push_back(Stage::kJunior);
    t.weekly_load = p.max_weekly_periods - below(5);
    if (below(3) == 0) t.weekly_load -= 2 + below(4);  // load at home
    for (int k = 0, n = 1 + below(4); k < n; ++k) {
      t.free_half_days |= static_cast<uint16_t>(1u << below(10));
    }
    t.itinerant_volunteer = below(2) == 0;
    if (below(12) == 0) {
      Exemption e;
      e.kind = ExemptionKind::kSeriousIllness;
      e.start_day = in.effective_day - 10;
      t.exemptions.push_back(e);
    }
    in.teachers.push_back(t);
  }
  if (below(5) == 0) {
    in.locks.push_back({in.teachers[below(teachers)].id,
                        below(3) == 0 ? "" : in.schools[below(schools)].id,
                        "held"});
  }
  for (const School& s : in.schools) {
    for (Stage st : s.stages) {
      for (const char* subject : kSubjects) {
        if (below(3) == 0) continue;
        in.period_requirements.push_back(
            {s.id, subject, st, 1 + below(st == Stage::kPrimary ? 5 : 3)});
      }
    }
    if (below(4) == 0) {
      in.period_requirements.push_back({s.id, "chinese", Stage::kPrimary, 9});
    }
  }
  return x;
}

struct Line {
  std::string school, subject;
  Stage stage;
  int32_t need = 0;
};

bool Qualifies(const Teacher& t, const Line& l) {
  return std::count(t.subjects.begin(), t.subjects.end(), l.subject) > 0 &&
         std::count(t.certificate_stages.begin(), t.certificate_stages.end(),
                    l.stage) > 0;
}

// The brute-force optimum, and the total periods of need after the own
// teachers' loads (to check the engine's bookkeeping).
struct Oracle {
  Value best{};
  int64_t need = 0;
  int64_t states = 0;
};

Oracle BruteForce(const Instance& x) {
  const CountyInputs& in = x.in;
  const ItinerantTeachingPolicy& p = x.policy.itinerant_teaching;
  std::map<std::string, const School*> school;
  for (const School& s : in.schools) school[s.id] = &s;
  std::vector<Line> lines;
  for (const PeriodRequirement& r : in.period_requirements) {
    if (std::count(p.shortage_subjects.begin(), p.shortage_subjects.end(),
                   r.subject) == 0) {
      continue;
    }
    lines.push_back({r.school, r.subject, r.stage, r.periods});
  }
  std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return std::tie(a.school, a.subject, a.stage) <
           std::tie(b.school, b.subject, b.stage);
  });
  std::vector<const Teacher*> teachers;
  for (const Teacher& t : in.teachers) teachers.push_back(&t);
  std::sort(teachers.begin(), teachers.end(),
            [](const Teacher* a, const Teacher* b) { return a->id < b->id; });
  // Own loads first: teachers by id, subjects in order, lines by stage.
  for (const Teacher* t : teachers) {
    int32_t left = t->weekly_load;
    for (const std::string& subject : t->subjects) {
      for (Line& l : lines) {
        if (l.school != t->school || l.subject != subject ||
            !Qualifies(*t, l)) {
          continue;
        }
        const int32_t take = std::min(left, l.need);
        l.need -= take;
        left -= take;
      }
    }
  }
  Oracle o;
  for (const Line& l : lines) o.need += l.need;
  std::map<std::string, std::string> pin;  // teacher -> only school
  std::set<std::string> out;
  for (const Lock& l : in.locks) pin[l.teacher] = l.to;
  for (const Override& v : in.overrides) pin[v.teacher] = v.to;
  uint16_t days = kAllHalfDays;
  if (!p.visit_days.empty()) {
    days = 0;
    for (int32_t d : p.visit_days) days |= 3u << (2 * d);
  }
  auto zone = [&](const std::string& id) {
    const School& s = *school.at(id);
    if (!p.same_zone_only) return std::string();
    return s.zone.empty() ? "-" + s.id : s.zone;
  };
  // DP over teachers: state = remaining need per line (mixed radix).
  std::vector<int64_t> radix(lines.size());
  int64_t r = 1;
  for (size_t i = 0; i < lines.size(); ++i) {
    radix[i] = r;
    r *= lines[i].need + 1;
  }
  int64_t start = 0;
  for (size_t i = 0; i < lines.size(); ++i) start += lines[i].need * radix[i];
  std::map<int64_t, Value> dp = {{start, Value{}}};
  for (const Teacher* t : teachers) {
    const int32_t spare = std::max(0, p.max_weekly_periods - t->weekly_load);
    bool exempt = false;
    for (const Exemption& e : t->exemptions) {
      exempt = exempt || e.ActiveOn(in.effective_day);
    }
    auto pinned = pin.find(t->id);
    if (exempt || spare == 0 ||
        (pinned != pin.end() && pinned->second.empty())) {
      continue;
    }
    const int half_days = __builtin_popcount(t->free_half_days & days);
    // The lines she may teach, with the travel of each.
    std::vector<int> mine;
    std::vector<int64_t> metres(lines.size(), 0);
    for (size_t i = 0; i < lines.size(); ++i) {
      const Line& l = lines[i];
      if (l.need == 0 || !Qualifies(*t, l)) continue;
      if (zone(l.school) != zone(t->school)) continue;
      if (l.school != t->school) {
        if (pinned != pin.end() && pinned->second != l.school) continue;
        if (half_days == 0) continue;
        const Trip trip =
            TravelBetween(in, p, *school.at(t->school), *school.at(l.school));
        if (trip.minutes > p.max_trip_minutes) continue;
        metres[i] = trip.metres;
      }
      mine.push_back(static_cast<int>(i));
    }
    if (mine.empty()) continue;
    std::map<int64_t, Value> next;
    for (const auto& entry : dp) {
      // Named copies: clang 14 cannot capture structured bindings.
      const int64_t state = entry.first;
      const Value& value = entry.second;
      // Every plan: x[k] periods of line mine[k].
      std::vector<int32_t> xs(mine.size(), 0);
      auto visit = [&](auto&& self, size_t k, int32_t used) -> void {
        if (k == mine.size()) {
          std::map<std::string, int32_t> away;
          Value v{};
          int64_t s = state;
          for (size_t j = 0; j < mine.size(); ++j) {
            const Line& l = lines[mine[j]];
            s -= xs[j] * radix[mine[j]];
            v[0] -= xs[j];
            if (l.school != t->school && xs[j] > 0) {
              away[l.school] += xs[j];
              if (p.volunteers_first && !t->itinerant_volunteer) v[1] += xs[j];
              v[2] += xs[j] * metres[mine[j]];
            }
          }
          int halves = 0;
          for (const auto& [s2, y] : away) {
            halves += (y + p.periods_per_half_day - 1) / p.periods_per_half_day;
          }
          if (halves > half_days ||
              static_cast<int>(away.size()) > p.max_schools_per_teacher - 1) {
            return;
          }
          const int64_t load = t->weekly_load + used;
          v[3] = load * load - int64_t{t->weekly_load} * t->weekly_load;
          const Value total = Add(value, v);
          auto [it, fresh] = next.emplace(s, total);
          if (!fresh && total < it->second) it->second = total;
          return;
        }
        const int64_t left = state / radix[mine[k]] % (lines[mine[k]].need + 1);
        for (int32_t q = 0; q <= left && used + q <= spare; ++q) {
          xs[k] = q;
          self(self, k + 1, used + q);
        }
        xs[k] = 0;
      };
      visit(visit, 0, 0);
    }
    dp = std::move(next);
    o.states += static_cast<int64_t>(dp.size());
  }
  o.best = dp.begin()->second;
  for (const auto& [state, value] : dp) o.best = std::min(o.best, value);
  return o;
}

// The engine's values, and whether its assignment keeps the half-day and
// school caps ("" if it does).
Value EngineValue(const Instance& x, const RoundOutcome& out,
                  std::string* broken) {
  const ItinerantTeachingPolicy& p = x.policy.itinerant_teaching;
  std::map<std::string, const Teacher*> teacher;
  for (const Teacher& t : x.in.teachers) teacher[t.id] = &t;
  Value v{};
  std::map<std::string, std::map<std::string, int32_t>> away;
  std::map<std::string, int32_t> used;
  for (const ItinerantAssignment& a : out.itinerant.assignments) {
    const Teacher& t = *teacher.at(a.teacher);
    v[0] -= a.periods;
    used[a.teacher] += a.periods;
    if (a.own_school) continue;
    away[a.teacher][a.school] += a.periods;
    if (p.volunteers_first && !t.itinerant_volunteer) v[1] += a.periods;
    v[2] += a.periods * a.metres;
  }
  for (const auto& [id, n] : used) {
    const int64_t load = teacher.at(id)->weekly_load;
    v[3] += (load + n) * (load + n) - load * load;
  }
  for (const auto& [id, visits] : away) {
    int halves = 0;
    for (const auto& [s, y] : visits) {
      halves += (y + p.periods_per_half_day - 1) / p.periods_per_half_day;
    }
    const ItinerantPlan* plan = out.itinerant.FindPlan(id);
    int slots = 0;
    if (plan != nullptr) {
      for (const HalfDaySlot& h : plan->slots)
        slots += h.school.empty() ? 0 : 1;
    }
    if (slots != halves ||
        static_cast<int>(visits.size()) > p.max_schools_per_teacher - 1) {
      *broken = id + " breaks the half-day or school cap";
    }
  }
  return v;
}

std::string Show(const Value& v) {
  return "covered " + std::to_string(-v[0]) + ", non-volunteer away " +
         std::to_string(v[1]) + ", travel " + std::to_string(v[2]) +
         ", balance " + std::to_string(v[3]);
}

TEST(ItinerantOracleTest, EngineEqualsBruteForceOnSmallCounties) {
  constexpr uint64_t kSeeds = 1000;
  int mismatches = 0, with_need = 0;
  int64_t states = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Instance x = MakeInstance(seed);
    auto out = RunItinerantTeaching(x.in, x.policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    const Oracle o = BruteForce(x);
    states += o.states;
    with_need += o.need > 0 ? 1 : 0;
    std::string broken;
    const Value engine = EngineValue(x, *out, &broken);
    EXPECT_EQ(broken, "") << "seed " << seed;
    int64_t uncovered = 0;
    for (const CoverageLine& c : out->itinerant.coverage) {
      uncovered += c.uncovered;
    }
    EXPECT_EQ(uncovered, o.need + engine[0])
        << "seed " << seed << ": coverage lines disagree with the assignments";
    if (engine != o.best) ++mismatches;
    EXPECT_EQ(Show(engine), Show(o.best))
        << "seed " << seed << ": engine (left, " << out->itinerant.replans
        << " re-plans) is not the brute-force optimum";
  }
  EXPECT_GE(with_need, 200);
  std::cout << kSeeds << " seeds, " << with_need << " with periods to cover, "
            << mismatches << " mismatches, " << states
            << " brute-force states\n";
}

}  // namespace
}  // namespace rota::engine::rules
