// Itinerant teaching (走教): see itinerant_teaching.h for the mechanism.
#include "engine/rules/itinerant_teaching.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "engine/min_cost_flow.h"
#include "engine/rules/internal/itinerant_network.h"
#include "engine/rules/internal/strings.h"

namespace rota::engine::rules {
namespace {

using internal::Sv;

constexpr int kStages = internal::kItinerantObjectives;

Trip StraightLineTrip(const ItinerantTeachingPolicy& policy, const School& a,
                      const School& b) {
  Trip t;
  t.metres =
      SchoolDistanceMetres(a, b) * policy.straight_line_factor_percent / 100;
  const int64_t per_hour = int64_t{policy.speed_kmh} * 1000;
  t.minutes = static_cast<int32_t>((t.metres * 60 + per_hour - 1) / per_hour);
  return t;
}  // coverage, volunteers, travel, balance

bool Qualifies(const Teacher& t, const PeriodRequirement& r) {
  return std::find(t.subjects.begin(), t.subjects.end(), r.subject) !=
             t.subjects.end() &&
         std::find(t.certificate_stages.begin(), t.certificate_stages.end(),
                   r.stage) != t.certificate_stages.end();
}

bool ExemptOn(const Teacher& t, int32_t day) {
  for (const Exemption& e : t.exemptions) {
    if (e.ActiveOn(day)) return true;
  }
  return false;
}

int PopCount(uint32_t v) {
  int n = 0;
  for (; v != 0; v &= v - 1) ++n;
  return n;
}

int32_t CeilDiv(int32_t a, int32_t b) { return (a + b - 1) / b; }

// A coverage line in the making.
struct Line {
  const PeriodRequirement* req = nullptr;
  int32_t load_cover = 0;  // from own teachers' loads
  int32_t need = 0;        // required - load_cover
  int32_t own_spare = 0;   // own teachers' spare periods (flow)
  int32_t itinerant = 0;   // other schools' teachers (flow)
};

struct Candidate {
  const Teacher* t = nullptr;
  int32_t spare = 0;
  int32_t half_days = 0;  // usable (free and on a visit day)
  uint16_t usable_mask = 0;
  bool volunteer = false;
  std::string only_school;  // pinned to this school ("" = any)
  bool locked = false, overridden = false;
  std::string pin_reason;
};

// Per teacher and visited school: the cap set by a re-plan (-1 = none) and
// why.
struct Cut {
  int32_t cap = -1;
  UncoveredReason why = UncoveredReason::kNone;
};

using Arc = internal::ItinerantArc;

// Solves the branch and bound may spend on one connected part of a zone.
constexpr int kBranchSolves = 64;

class Run {
 public:
  Run(const CountyInputs& in, const RoundPolicy& policy,
      const OutcomeOptions& options)
      : in_(in), pol_(policy.itinerant_teaching), options_(options) {}

  absl::StatusOr<RoundOutcome> Go();
  // Records each zone's final network (internal/itinerant_network.h).
  void CaptureNetworks(std::vector<internal::ItinerantZoneNetwork>* out) {
    capture_ = out;
  }

 private:
  void Prepare();
  // One zone's flow under `cuts`: periods per (candidate, line), the value
  // of each objective and the network (when captured).
  using Value = std::array<int64_t, kStages>;
  using Periods = std::map<std::pair<int, int>, int32_t>;  // (cand, line)
  struct ZoneFlow {
    Periods periods;
    Value value{};
    bool pruned = false;  // stopped early: not better than the bound
    internal::ItinerantZoneNetwork network;
  };
  using Cuts = std::map<std::pair<int, std::string>, Cut>;
  // A candidate whose visits break the school cap (too_many) or do not fit
  // her half-days; one of `visits` (school order) must shrink. `pick` is the
  // re-plan's choice.
  struct Breach {
    int cand = -1;
    bool too_many = false;
    std::vector<std::pair<std::string, int32_t>> visits;
    std::string pick;
  };
  absl::Status SolveZone(const std::string& zone, const std::vector<int>& lines,
                         const std::vector<int>& cands);
  absl::Status SolveCut(const std::string& zone, const std::vector<int>& lines,
                        const std::vector<int>& cands, const Cuts& cuts,
                        const Value* bound, ZoneFlow* out,
                        const Periods* given = nullptr) const;
  std::vector<Breach> Breaches(const ZoneFlow& f,
                               const std::vector<int>& cands) const;
  // The cut that shrinks b's visit to `school`.
  Cut CutFor(const Breach& b, const std::string& school) const;
  // Whether candidate c may teach line l (qualified, and at her own school
  // or a school she may visit).
  bool Serves(const Candidate& c, int l) const {
    const PeriodRequirement& r = *lines_[l].req;
    if (!Qualifies(*c.t, r)) return false;
    if (r.school == c.t->school) return true;
    if (!c.only_school.empty() && c.only_school != r.school) return false;
    return c.half_days > 0 && Reachable(*c.t, r.school);
  }
  // The objectives' values of `periods` restricted to `cands`.
  Value ValueOf(const Periods& periods, const std::vector<int>& cands) const;
  // Branch and bound on one component of a zone whose re-plan cut visits;
  // improves *best (periods, cuts, cuts made) only if strictly better.
  absl::Status Improve(const std::string& zone, const std::vector<int>& lines,
                       const std::vector<int>& cands, Value incumbent,
                       Periods* periods, Cuts* cuts, int32_t* depth,
                       bool* improved) const;
  void Finish(RoundOutcome* out);
  UncoveredReason ReasonFor(int line) const;
  // "一村小学 (s-v1)".
  std::string SchoolName(const std::string& id) const;
  std::string ReasonSentence(UncoveredReason r, const CoverageLine& c) const;
  std::string Name(const Teacher& t) const {
    return absl::StrCat(t.display_name.empty() ? t.id : t.display_name, " (",
                        t.id, ")");
  }
  int SchoolIndex(const std::string& id) const { return school_index_.at(id); }
  const School& SchoolOf(const std::string& id) const {
    return in_.schools[SchoolIndex(id)];
  }
  static uint64_t PairKey(int a, int b) {
    return (uint64_t{static_cast<uint32_t>(a)} << 32) |
           static_cast<uint32_t>(b);
  }
  // The road row of the pair, else the straight-line fallback (computed once
  // per ordered pair).
  Trip TravelOf(const std::string& a, const std::string& b) const {
    if (a == b) return {};
    const int ia = SchoolIndex(a), ib = SchoolIndex(b);
    auto it = roads_.find(ia < ib ? PairKey(ia, ib) : PairKey(ib, ia));
    if (it != roads_.end()) return it->second;
    auto [line, fresh] = straight_.try_emplace(PairKey(ia, ib));
    if (fresh) {
      line->second = StraightLineTrip(pol_, in_.schools[ia], in_.schools[ib]);
    }
    return line->second;
  }
  Trip TripOf(const Candidate& c, const std::string& school) const {
    return TravelOf(c.t->school, school);
  }
  bool Reachable(const Teacher& t, const std::string& school) const {
    return t.school == school ||
           TravelOf(t.school, school).minutes <= pol_.max_trip_minutes;
  }
  std::string ZoneKey(const School& s) const {
    if (!pol_.same_zone_only) return "";
    return s.zone.empty() ? absl::StrCat("\x01", s.id) : s.zone;
  }

  const CountyInputs& in_;
  const ItinerantTeachingPolicy& pol_;
  const OutcomeOptions& options_;
  // School id -> index in in_.schools.
  absl::flat_hash_map<std::string, int> school_index_;
  absl::flat_hash_map<uint64_t, Trip> roads_;  // PairKey(a, b), a < b
  mutable absl::flat_hash_map<uint64_t, Trip> straight_;  // PairKey(a, b)
  std::vector<const Teacher*> teachers_;                  // by id
  // Zone key -> its teachers, by id.
  std::map<std::string, std::vector<const Teacher*>> zone_teachers_;
  std::vector<Line> lines_;             // school, subject, stage order
  std::vector<Candidate> cands_;        // by teacher id
  std::map<std::string, int> cand_of_;  // teacher id -> index
  std::set<std::string> excluded_;      // exempt or pinned out
  // (candidate, school) -> periods per line, from the final flow.
  std::map<std::pair<int, int>, int32_t> flow_;  // (cand, line) -> periods
  std::map<std::pair<int, std::string>, Cut> cuts_;
  int32_t replans_ = 0;
  // Per candidate, after the last solve: periods used, periods per visited
  // school.
  std::vector<int32_t> used_;
  std::vector<std::map<std::string, int32_t>> visits_;
  std::vector<internal::ItinerantZoneNetwork>* capture_ = nullptr;
};

void Run::Prepare() {
  for (int i = 0; i < static_cast<int>(in_.schools.size()); ++i) {
    school_index_.emplace(in_.schools[i].id, i);
  }
  for (const RoadDistance& r : in_.road_distances) {
    const int a = SchoolIndex(r.school_a), b = SchoolIndex(r.school_b);
    roads_[a < b ? PairKey(a, b) : PairKey(b, a)] = {r.metres, r.minutes};
  }
  for (const Teacher& t : in_.teachers) teachers_.push_back(&t);
  std::sort(teachers_.begin(), teachers_.end(),
            [](const Teacher* a, const Teacher* b) { return a->id < b->id; });
  for (const Teacher* t : teachers_) {
    zone_teachers_[ZoneKey(SchoolOf(t->school))].push_back(t);
  }
  std::set<std::string> shortage(pol_.shortage_subjects.begin(),
                                 pol_.shortage_subjects.end());
  for (const PeriodRequirement& r : in_.period_requirements) {
    if (!shortage.count(r.subject)) continue;
    Line l;
    l.req = &r;
    lines_.push_back(l);
  }
  std::sort(lines_.begin(), lines_.end(), [](const Line& a, const Line& b) {
    return std::tie(a.req->school, a.req->subject, a.req->stage) <
           std::tie(b.req->school, b.req->subject, b.req->stage);
  });
  // 1. Own coverage from loads.
  std::map<std::string, std::vector<int>> lines_at;
  for (int i = 0; i < static_cast<int>(lines_.size()); ++i) {
    lines_[i].need = lines_[i].req->periods;
    lines_at[lines_[i].req->school].push_back(i);
  }
  for (const Teacher* t : teachers_) {
    int32_t left = t->weekly_load;
    auto it = lines_at.find(t->school);
    if (it == lines_at.end()) continue;
    for (const std::string& subject : t->subjects) {
      for (int i : it->second) {
        Line& l = lines_[i];
        if (l.req->subject != subject || !Qualifies(*t, *l.req)) continue;
        int32_t take = std::min(left, l.need);
        l.load_cover += take;
        l.need -= take;
        left -= take;
      }
    }
  }
  // 2. Candidates.
  std::map<std::string, std::pair<std::string, const Lock*>> pins;
  for (const Lock& l : in_.locks) pins[l.teacher] = {l.to, &l};
  std::map<std::string, const Override*> overrides;
  for (const Override& o : in_.overrides) overrides[o.teacher] = &o;
  uint16_t day_mask = kAllHalfDays;
  if (!pol_.visit_days.empty()) {
    day_mask = 0;
    for (int32_t d : pol_.visit_days) day_mask |= 3u << (2 * d);
  }
  std::set<std::pair<std::string, Stage>> taught;  // lines' subject x stage
  for (const Line& l : lines_) taught.emplace(l.req->subject, l.req->stage);
  for (const Teacher* t : teachers_) {
    Candidate c;
    c.t = t;
    c.spare = std::max(0, pol_.max_weekly_periods - t->weekly_load);
    c.usable_mask = t->free_half_days & day_mask;
    c.half_days = PopCount(c.usable_mask);
    c.volunteer = t->itinerant_volunteer;
    bool pinned_out = false;
    if (auto it = pins.find(t->id); it != pins.end()) {
      c.locked = true;
      c.only_school = it->second.first;
      c.pin_reason = it->second.second->reason;
      pinned_out = c.only_school.empty();
    }
    if (auto it = overrides.find(t->id); it != overrides.end()) {
      c.overridden = true;
      c.only_school = it->second->to;
      c.pin_reason = it->second->reason;
      pinned_out = c.only_school.empty();
    }
    if (pinned_out || ExemptOn(*t, in_.effective_day)) {
      excluded_.insert(t->id);
      continue;
    }
    if (c.spare == 0) continue;
    bool any = false;
    for (const std::string& subject : t->subjects) {
      for (Stage st : t->certificate_stages) {
        any = any || taught.count({subject, st}) > 0;
      }
    }
    if (!any) continue;
    cand_of_[t->id] = static_cast<int>(cands_.size());
    cands_.push_back(std::move(c));
  }
}

absl::Status Run::SolveCut(const std::string& zone,
                           const std::vector<int>& lines,
                           const std::vector<int>& cands, const Cuts& cuts,
                           const Value* bound, ZoneFlow* out,
                           const Periods* given) const {
  const int32_t P = pol_.periods_per_half_day;
  std::vector<Arc> arcs;
  int nodes = 2;  // 0 source, 1 sink
  int64_t total = 0;
  std::map<int, int> line_node;
  for (int l : lines) {
    if (lines_[l].need <= 0) continue;
    line_node[l] = nodes++;
    arcs.push_back({line_node[l], 1, 0, lines_[l].need, {-1, 0, 0, 0}});
  }
  // Flow arcs to read back: (arc, cand, line).
  std::vector<std::tuple<int, int, int>> reads;
  for (int ci : cands) {
    const Candidate& c = cands_[ci];
    const Teacher& t = *c.t;
    const int tn = nodes++;
    const int away = nodes++;
    total += c.spare;
    for (int k = 1; k <= c.spare; ++k) {
      arcs.push_back(
          {0, tn, 0, 1, {0, 0, 0, 2 * int64_t{t.weekly_load + k} - 1}});
    }
    arcs.push_back({tn,
                    away,
                    0,
                    int64_t{P} * c.half_days,
                    {0, pol_.volunteers_first && !c.volunteer ? 1 : 0, 0, 0}});
    std::map<std::string, std::vector<int>> by_school;
    for (const auto& [l, ln] : line_node) {
      if (!Serves(c, l)) continue;
      const PeriodRequirement& r = *lines_[l].req;
      if (r.school == t.school) {
        reads.emplace_back(static_cast<int>(arcs.size()), ci, l);
        arcs.push_back({tn, ln, 0, c.spare, {}});
        continue;
      }
      by_school[r.school].push_back(l);
    }
    for (const auto& [school, ls] : by_school) {
      int64_t cap = int64_t{P} * c.half_days;
      if (auto it = cuts.find({ci, school}); it != cuts.end()) {
        cap = std::min<int64_t>(cap, it->second.cap);
      }
      if (cap <= 0) continue;
      const int ts = nodes++;
      arcs.push_back({away, ts, 0, cap, {0, 0, TripOf(c, school).metres, 0}});
      for (int l : ls) {
        reads.emplace_back(static_cast<int>(arcs.size()), ci, l);
        arcs.push_back({ts, line_node[l], 0, c.spare, {}});
      }
    }
  }
  arcs.push_back({0, 1, 0, total, {}});
  if (capture_ != nullptr) out->network = {zone, nodes, total, arcs, {}};
  if (given != nullptr) {
    // The network's flow carrying `given`: every other arc follows by
    // conservation (unit arcs in cost order).
    std::vector<int64_t> flow(arcs.size(), 0), out_of(nodes, 0), into(nodes, 0);
    std::vector<char> read(arcs.size(), 0);
    for (const auto& [arc, ci, l] : reads) {
      auto it = given->find({ci, l});
      flow[arc] = it == given->end() ? 0 : it->second;
      read[arc] = 1;
      out_of[arcs[arc].tail] += flow[arc];
      into[arcs[arc].head] += flow[arc];
    }
    int64_t sent = 0;
    for (size_t i = arcs.size(); i-- > 0;) {
      const Arc& a = arcs[i];
      if (read[i] || a.tail == 0 || a.head == 1) continue;
      flow[i] = out_of[a.head];  // tn -> away, away -> ts
      out_of[a.tail] += flow[i];
    }
    for (size_t i = 0; i < arcs.size(); ++i) {
      const Arc& a = arcs[i];
      if (a.tail == 0 && a.head != 1 && out_of[a.head] > 0) {
        flow[i] = 1;  // unit arcs into a teacher node
        --out_of[a.head];
        ++sent;
      } else if (a.head == 1 && a.tail != 0) {
        flow[i] = into[a.tail];
      } else if (a.tail == 0 && a.head == 1) {
        flow[i] = total - sent;
      }
    }
    out->periods = *given;
    out->network.flow = std::move(flow);
    return absl::OkStatus();
  }
  const std::vector<Arc> original = arcs;
  std::vector<int64_t> flow;
  out->pruned = false;
  out->value = {};
  for (int stage = 0; stage < kStages; ++stage) {
    MinCostFlowProblem p;
    for (int v = 0; v < nodes; ++v)
      p.AddNode(v == 0 ? total : v == 1 ? -total : 0);
    for (const Arc& a : arcs) {
      p.AddArc(a.tail, a.head, a.lower, a.upper, a.cost[stage]);
    }
    ROTA_ASSIGN_OR_RETURN(MinCostFlowResult r, SolveMinCostFlow(p));
    if (r.status != FlowStatus::kOptimal) {
      return absl::InternalError(
          absl::StrCat("itinerant teaching: zone flow infeasible: ",
                       r.infeasibility.reason));
    }
    absl::StatusOr<int64_t> check =
        CheckMinCostFlowCertificate(p, r.flow, r.potential);
    if (!check.ok()) {
      return absl::InternalError(
          absl::StrCat("itinerant teaching: optimality certificate failed: ",
                       check.status().message()));
    }
    // Keep only this objective's optimal solutions for the next one.
    for (size_t i = 0; i < arcs.size(); ++i) {
      Arc& a = arcs[i];
      int64_t rc = a.cost[stage] + r.potential[a.tail] - r.potential[a.head];
      if (rc > 0) a.upper = a.lower;
      if (rc < 0) a.lower = a.upper;
    }
    flow = std::move(r.flow);
    // This objective's optimum is known now: stop once the flow cannot be
    // better than `bound`.
    for (size_t i = 0; i < original.size(); ++i) {
      out->value[stage] += original[i].cost[stage] * flow[i];
    }
    if (bound != nullptr) {
      if (out->value[stage] > (*bound)[stage] ||
          (stage == kStages - 1 && out->value[stage] == (*bound)[stage])) {
        out->pruned = true;
        return absl::OkStatus();
      }
      if (out->value[stage] < (*bound)[stage]) bound = nullptr;
    }
  }
  out->periods.clear();
  for (const auto& [arc, ci, l] : reads) {
    if (flow[arc] > 0) out->periods[{ci, l}] = static_cast<int32_t>(flow[arc]);
  }
  if (capture_ != nullptr) out->network.flow = std::move(flow);
  return absl::OkStatus();
}

std::vector<Run::Breach> Run::Breaches(const ZoneFlow& f,
                                       const std::vector<int>& cands) const {
  const int32_t P = pol_.periods_per_half_day;
  std::vector<Breach> out;
  for (int ci : cands) {
    const Candidate& c = cands_[ci];
    std::map<std::string, int32_t> visits;
    for (auto it = f.periods.lower_bound({ci, 0});
         it != f.periods.end() && it->first.first == ci; ++it) {
      const std::string& school = lines_[it->first.second].req->school;
      if (school != c.t->school) visits[school] += it->second;
    }
    int32_t halves = 0;
    for (const auto& [s, x] : visits) halves += CeilDiv(x, P);
    Breach b;
    b.cand = ci;
    b.too_many =
        static_cast<int32_t>(visits.size()) > pol_.max_schools_per_teacher - 1;
    if (!b.too_many && halves <= c.half_days) continue;
    // The visit the re-plan cuts: fewest periods (school cap) or smallest
    // remainder (half-days), then farthest, then highest id.
    int32_t pick_key = 0;
    int64_t pick_metres = 0;
    for (const auto& [s, x] : visits) {
      const int32_t key = b.too_many ? x : (x % P == 0 ? P + 1 : x % P);
      const int64_t metres = TripOf(c, s).metres;
      // Later schools have higher ids, so ">=" on metres prefers them.
      if (b.pick.empty() || key < pick_key ||
          (key == pick_key && metres >= pick_metres)) {
        b.pick = s;
        pick_key = key;
        pick_metres = metres;
      }
    }
    b.visits.assign(visits.begin(), visits.end());
    out.push_back(std::move(b));
  }
  return out;
}

Cut Run::CutFor(const Breach& b, const std::string& school) const {
  if (b.too_many) return {0, UncoveredReason::kSchoolCap};
  const int32_t P = pol_.periods_per_half_day;
  int32_t x = 0;
  for (const auto& [s, periods] : b.visits) {
    if (s == school) x = periods;
  }
  // One half-day fewer at `school`.
  return {P * (CeilDiv(x, P) - 1), UncoveredReason::kHalfDayClash};
}

Run::Value Run::ValueOf(const Periods& periods,
                        const std::vector<int>& cands) const {
  Value v{};
  for (int ci : cands) {
    const Candidate& c = cands_[ci];
    int64_t used = 0;
    for (auto it = periods.lower_bound({ci, 0});
         it != periods.end() && it->first.first == ci; ++it) {
      const int32_t x = it->second;
      const std::string& school = lines_[it->first.second].req->school;
      used += x;
      if (school == c.t->school) continue;
      if (pol_.volunteers_first && !c.volunteer) v[1] += x;
      v[2] += x * TripOf(c, school).metres;
    }
    const int64_t load = c.t->weekly_load;
    v[0] -= used;
    v[3] += (load + used) * (load + used) - load * load;
  }
  return v;
}

absl::Status Run::Improve(const std::string& zone,
                          const std::vector<int>& lines,
                          const std::vector<int>& cands, Value incumbent,
                          Periods* periods, Cuts* cuts, int32_t* depth,
                          bool* improved) const {
  struct Frame {
    Cuts cuts;
    int32_t depth = 0;
    ZoneFlow flow;
  };
  int budget = kBranchSolves;
  std::set<std::vector<std::tuple<int, std::string, int32_t>>> seen;
  absl::Status status;
  auto explore = [&](auto&& self, const Frame& node) -> void {
    if (!status.ok() || node.flow.pruned || !(node.flow.value < incumbent)) {
      return;
    }
    const std::vector<Breach> breaches = Breaches(node.flow, cands);
    if (breaches.empty()) {
      incumbent = node.flow.value;
      *periods = node.flow.periods;
      *cuts = node.cuts;
      *depth = node.depth;
      *improved = true;
      return;
    }
    const Breach& b = breaches.front();
    std::vector<std::string> order = {b.pick};
    for (const auto& [s, x] : b.visits) {
      if (s != b.pick) order.push_back(s);
    }
    for (const std::string& s : order) {
      if (budget <= 0) return;
      Frame child;
      child.cuts = node.cuts;
      child.cuts[{b.cand, s}] = CutFor(b, s);
      child.depth = node.depth + 1;
      std::vector<std::tuple<int, std::string, int32_t>> key;
      for (const auto& [k, cut] : child.cuts) {
        key.emplace_back(k.first, k.second, cut.cap);
      }
      if (!seen.insert(std::move(key)).second) continue;
      --budget;
      const Value bound = incumbent;
      status = SolveCut(zone, lines, cands, child.cuts, &bound, &child.flow);
      if (!status.ok()) return;
      self(self, child);
    }
  };
  Frame root;
  const Value bound = incumbent;
  ROTA_RETURN_IF_ERROR(
      SolveCut(zone, lines, cands, root.cuts, &bound, &root.flow));
  explore(explore, root);
  return status;
}

absl::Status Run::SolveZone(const std::string& zone,
                            const std::vector<int>& lines,
                            const std::vector<int>& cands) {
  // 4. The re-plan: cut each breaching teacher's picked visit and solve
  // again until every teacher's visits fit.
  Cuts cuts;
  std::map<int, int32_t> cut_count;  // per candidate
  ZoneFlow best;
  ROTA_RETURN_IF_ERROR(SolveCut(zone, lines, cands, cuts, nullptr, &best));
  for (;;) {
    const std::vector<Breach> breaches = Breaches(best, cands);
    if (breaches.empty()) break;
    for (const Breach& b : breaches) {
      cuts[{b.cand, b.pick}] = CutFor(b, b.pick);
      ++cut_count[b.cand];
    }
    ROTA_RETURN_IF_ERROR(SolveCut(zone, lines, cands, cuts, nullptr, &best));
  }
  // Then branch and bound from the uncut flow, on each connected part of
  // the zone (candidates and the lines they may teach) where the re-plan
  // cut: a breaching teacher keeps a fitting plan only if one of her visits
  // shrinks (loses a half-day, or goes for the school cap), so one branch
  // per visit covers every fitting assignment; a branch whose flow is not
  // lexicographically better than the best fitting one found cannot lead
  // to a better one. The parts are independent, so each is solved alone.
  bool changed = false;
  if (!cut_count.empty()) {
    std::vector<int> zone_lines;
    for (int l : lines) {
      if (lines_[l].need > 0) zone_lines.push_back(l);
    }
    // Union-find over candidates [0, n) and lines [n, n + lines).
    const int n = static_cast<int>(cands.size());
    std::vector<int> parent(n + zone_lines.size());
    for (size_t i = 0; i < parent.size(); ++i) parent[i] = static_cast<int>(i);
    auto find = [&parent](int v) {
      while (parent[v] != v) v = parent[v] = parent[parent[v]];
      return v;
    };
    for (int i = 0; i < n; ++i) {
      for (size_t j = 0; j < zone_lines.size(); ++j) {
        if (Serves(cands_[cands[i]], zone_lines[j])) {
          parent[find(i)] = find(n + static_cast<int>(j));
        }
      }
    }
    std::map<int, std::pair<std::vector<int>, std::vector<int>>> parts;
    for (int i = 0; i < n; ++i) {
      if (cut_count.count(cands[i])) parts[find(i)];
    }
    for (int i = 0; i < n; ++i) {
      if (auto it = parts.find(find(i)); it != parts.end()) {
        it->second.second.push_back(cands[i]);
      }
    }
    for (size_t j = 0; j < zone_lines.size(); ++j) {
      if (auto it = parts.find(find(n + static_cast<int>(j)));
          it != parts.end()) {
        it->second.first.push_back(zone_lines[j]);
      }
    }
    for (const auto& [root, part] : parts) {
      const auto& [part_lines, part_cands] = part;
      Periods periods;
      Cuts part_cuts;
      int32_t depth = 0;
      bool improved = false;
      ROTA_RETURN_IF_ERROR(Improve(zone, part_lines, part_cands,
                                   ValueOf(best.periods, part_cands), &periods,
                                   &part_cuts, &depth, &improved));
      if (!improved) continue;
      changed = true;
      for (int ci : part_cands) {
        best.periods.erase(best.periods.lower_bound({ci, 0}),
                           best.periods.lower_bound({ci + 1, 0}));
        cuts.erase(cuts.lower_bound({ci, ""}), cuts.lower_bound({ci + 1, ""}));
        cut_count.erase(ci);
      }
      best.periods.insert(periods.begin(), periods.end());
      cuts.insert(part_cuts.begin(), part_cuts.end());
      cut_count[part_cands.front()] += depth;
    }
  }
  if (changed && capture_ != nullptr) {
    const Periods periods = best.periods;
    ROTA_RETURN_IF_ERROR(
        SolveCut(zone, lines, cands, cuts, nullptr, &best, &periods));
  }
  flow_.insert(best.periods.begin(), best.periods.end());
  cuts_.insert(cuts.begin(), cuts.end());
  for (const auto& [ci, k] : cut_count) replans_ += k;
  if (capture_ != nullptr) capture_->push_back(std::move(best.network));
  return absl::OkStatus();
}

UncoveredReason Run::ReasonFor(int li) const {
  const PeriodRequirement& r = *lines_[li].req;
  const School& s = SchoolOf(r.school);
  bool qualified = false, reachable = false, eligible = false;
  bool all_at_cap = true, any_school_cap = false;
  bool excluded_with_spare = false;
  auto zone = zone_teachers_.find(ZoneKey(s));
  if (zone == zone_teachers_.end()) return UncoveredReason::kNoQualifiedTeacher;
  for (const Teacher* t : zone->second) {
    if (!Qualifies(*t, r)) continue;
    qualified = true;
    if (!Reachable(*t, r.school)) continue;
    reachable = true;
    const bool has_spare = t->weekly_load < pol_.max_weekly_periods;
    auto it = cand_of_.find(t->id);
    if (it == cand_of_.end()) {
      if (excluded_.count(t->id)) {
        excluded_with_spare = excluded_with_spare || has_spare;
        continue;
      }
      eligible = true;  // no spare periods: at her cap
      continue;
    }
    const Candidate& c = cands_[it->second];
    if (!c.only_school.empty() && c.only_school != r.school &&
        t->school != r.school) {
      // Pinned to another school: excluded here.
      excluded_with_spare = excluded_with_spare || used_[it->second] < c.spare;
      continue;
    }
    eligible = true;
    const std::map<std::string, int32_t>& visits = visits_[it->second];
    if (used_[it->second] >= c.spare) continue;  // at her period cap
    all_at_cap = false;
    auto cut = cuts_.find({it->second, r.school});
    if (cut != cuts_.end() && cut->second.why == UncoveredReason::kSchoolCap) {
      any_school_cap = true;
    } else if (cut == cuts_.end() && !visits.count(r.school) &&
               static_cast<int32_t>(visits.size()) >=
                   pol_.max_schools_per_teacher - 1) {
      any_school_cap = true;
    }
  }
  if (!qualified) return UncoveredReason::kNoQualifiedTeacher;
  if (!reachable) return UncoveredReason::kTravelCap;
  if (!eligible) return UncoveredReason::kExcluded;
  if (all_at_cap) {
    return excluded_with_spare ? UncoveredReason::kExcluded
                               : UncoveredReason::kPeriodCap;
  }
  return any_school_cap ? UncoveredReason::kSchoolCap
                        : UncoveredReason::kHalfDayClash;
}

std::string Pronoun(const Teacher& t) {
  return t.gender == Gender::kMale ? "he" : "she";
}
std::string Object(const Teacher& t) {
  return t.gender == Gender::kMale ? "him" : "her";
}
std::string Capital(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = s[0] - 'a' + 'A';
  return s;
}

std::string Run::SchoolName(const std::string& id) const {
  const School& s = SchoolOf(id);
  if (s.display_name.empty()) return s.id;
  return absl::StrCat(s.display_name, " (", s.id, ")");
}

std::string Run::ReasonSentence(UncoveredReason r,
                                const CoverageLine& c) const {
  std::string what = absl::StrCat(
      c.uncovered, c.uncovered == 1 ? " weekly period" : " weekly periods",
      " of ", c.subject, " (", Sv(StageName(c.stage)), ") at ",
      SchoolName(c.school), " stay uncovered: ");
  switch (r) {
    case UncoveredReason::kNoQualifiedTeacher:
      return what + "no teacher of its zone teaches " + c.subject +
             " with a certificate for this stage.";
    case UncoveredReason::kTravelCap:
      return absl::StrCat(what,
                          "every teacher of its zone who could teach them is "
                          "more than ",
                          pol_.max_trip_minutes,
                          " minutes away (the trip-time cap).");
    case UncoveredReason::kPeriodCap:
      return absl::StrCat(what,
                          "every qualified teacher within reach already "
                          "teaches the most periods a week allowed (",
                          pol_.max_weekly_periods, ").");
    case UncoveredReason::kHalfDayClash:
      return what +
             "the qualified teachers with spare periods have no free "
             "half-day left for another visit (one school per half-day).";
    case UncoveredReason::kSchoolCap:
      return absl::StrCat(what,
                          "the qualified teachers with spare periods already "
                          "teach at the most schools allowed (",
                          pol_.max_schools_per_teacher,
                          ", their own school included).");
    case UncoveredReason::kExcluded:
      return what +
             "the only qualified teachers within reach are exempt or held "
             "elsewhere by a lock or an override.";
    case UncoveredReason::kNone:
      break;
  }
  return "";
}

void Run::Finish(RoundOutcome* out) {
  ItinerantResult& res = out->itinerant;
  res.replans = replans_;
  const int32_t P = pol_.periods_per_half_day;
  used_.assign(cands_.size(), 0);
  visits_.assign(cands_.size(), {});
  for (const auto& [key, x] : flow_) {
    Line& l = lines_[key.second];
    used_[key.first] += x;
    if (cands_[key.first].t->school == l.req->school) {
      l.own_spare += x;
    } else {
      l.itinerant += x;
      visits_[key.first][l.req->school] += x;
    }
  }
  for (size_t li = 0; li < lines_.size(); ++li) {
    const Line& l = lines_[li];
    CoverageLine c;
    c.school = l.req->school;
    c.subject = l.req->subject;
    c.stage = l.req->stage;
    c.required = l.req->periods;
    c.own = l.load_cover + l.own_spare;
    c.itinerant = l.itinerant;
    c.uncovered = c.required - c.own - c.itinerant;
    if (c.uncovered > 0) {
      c.reason = ReasonFor(static_cast<int>(li));
      if (options_.explanations) c.sentence = ReasonSentence(c.reason, c);
    }
    res.coverage.push_back(std::move(c));
  }
  for (size_t ci = 0; ci < cands_.size(); ++ci) {
    const Candidate& c = cands_[ci];
    const Teacher& t = *c.t;
    ItinerantPlan plan;
    plan.teacher = t.id;
    plan.home_school = t.school;
    plan.own_load = t.weekly_load;
    std::map<std::string, int32_t> visits;
    int64_t longest = -1;
    for (auto it = flow_.lower_bound({static_cast<int>(ci), 0});
         it != flow_.end() && it->first.first == static_cast<int>(ci); ++it) {
      const int32_t x = it->second;
      const PeriodRequirement& r = *lines_[it->first.second].req;
      ItinerantAssignment a;
      a.teacher = t.id;
      a.school = r.school;
      a.subject = r.subject;
      a.stage = r.stage;
      a.periods = x;
      a.own_school = r.school == t.school;
      if (a.own_school) {
        plan.own_extra_periods += x;
      } else {
        Trip trip = TripOf(c, r.school);
        a.metres = trip.metres;
        a.minutes = trip.minutes;
        a.subsidy_yuan_per_month = SubsidyFor(pol_, trip.metres);
        longest = std::max(longest, trip.metres);
        plan.itinerant_periods += x;
        visits[r.school] += x;
      }
      res.assignments.push_back(std::move(a));
    }
    if (plan.own_extra_periods == 0 && plan.itinerant_periods == 0) continue;
    int slot = 0;
    for (const auto& [school, x] : visits) {
      int32_t left = x;
      while (left > 0) {
        // Fits: SolveZone re-plans until the half-days suffice.
        while (slot < kHalfDaysPerWeek && !((c.usable_mask >> slot) & 1)) {
          ++slot;
        }
        if (slot >= kHalfDaysPerWeek) break;
        plan.slots[slot] = {school, std::min(left, P)};
        left -= plan.slots[slot].periods;
        plan.weekly_travel_metres += 2 * TripOf(c, school).metres;
        ++slot;
      }
    }
    if (longest >= 0) plan.subsidy_yuan_per_month = SubsidyFor(pol_, longest);
    if (!visits.empty()) {
      std::string to;
      int32_t most = 0;
      for (const auto& [school, x] : visits) {
        if (x > most) most = x, to = school;
      }
      Placement p;
      p.teacher = t.id;
      p.from_school = t.school;
      p.from_post = t.post;
      p.to_school = to;
      p.outcome = Outcome::kItinerant;
      p.via = "itinerant assignment";
      p.locked = c.locked;
      p.overridden = c.overridden;
      p.override_reason = c.pin_reason;
      TeacherExplanation e;
      e.teacher = t.id;
      if (options_.explanations) {
        std::vector<std::string> parts;
        for (const auto& [school, x] : visits) {
          Trip trip = TripOf(c, school);
          parts.push_back(absl::StrCat(
              x, x == 1 ? " period" : " periods", " at ", SchoolName(school),
              ", ", trip.metres, " m and ", trip.minutes, " minutes away"));
        }
        p.reason =
            absl::StrCat(Name(t), " teaches ", absl::StrJoin(parts, "; "),
                         " each week by itinerant teaching (走教).");
        e.notes.push_back(p.reason);
        e.notes.push_back(absl::StrCat(
            "Why ", Object(t), ": ",
            c.volunteer ? absl::StrCat(Pronoun(t), " volunteered; ") : "",
            Pronoun(t), " teaches ", t.weekly_load, " periods at ",
            SchoolName(t.school), " and had ", c.spare,
            " to spare below the cap of ", pol_.max_weekly_periods,
            " periods a week; ", Pronoun(t),
            " is qualified for these classes and lives within ",
            pol_.max_trip_minutes,
            " minutes of them. The assignment first covers as many required "
            "periods as it can, then prefers volunteers, then the least "
            "travel, then the most even loads."));
        if (plan.own_extra_periods > 0) {
          e.notes.push_back(absl::StrCat(
              Capital(Pronoun(t)), " also teaches ", plan.own_extra_periods,
              " extra period(s) at ", SchoolName(t.school), "."));
        }
      }
      out->placements.push_back(std::move(p));
      out->explanations.push_back(std::move(e));
    }
    res.plans.push_back(std::move(plan));
  }
  std::sort(res.assignments.begin(), res.assignments.end(),
            [](const ItinerantAssignment& a, const ItinerantAssignment& b) {
              return std::tie(a.teacher, a.school, a.subject, a.stage) <
                     std::tie(b.teacher, b.school, b.subject, b.stage);
            });
  int64_t uncovered = 0;
  for (const CoverageLine& c : res.coverage) uncovered += c.uncovered;
  out->notes.push_back(
      absl::StrCat("itinerant teaching (走教): ", res.coverage.size(),
                   " required subject lines, ", uncovered,
                   " period(s) a week left uncovered, ", out->placements.size(),
                   " teacher(s) teach at other schools, ", res.replans,
                   " visit(s) re-planned to fit the caps"));
}

absl::StatusOr<RoundOutcome> Run::Go() {
  Prepare();
  // Zones: lines and candidates by zone key.
  std::map<std::string, std::pair<std::vector<int>, std::vector<int>>> zones;
  for (int l = 0; l < static_cast<int>(lines_.size()); ++l) {
    zones[ZoneKey(SchoolOf(lines_[l].req->school))].first.push_back(l);
  }
  for (int c = 0; c < static_cast<int>(cands_.size()); ++c) {
    zones[ZoneKey(SchoolOf(cands_[c].t->school))].second.push_back(c);
  }
  for (const auto& [key, zone] : zones) {
    if (zone.first.empty() || zone.second.empty()) continue;
    ROTA_RETURN_IF_ERROR(SolveZone(key, zone.first, zone.second));
  }
  RoundOutcome out;
  out.kind = RoundKind::kItinerantTeaching;
  out.seed = in_.seed;
  out.mechanism = "min-cost flow (lexicographic)";
  Finish(&out);
  FinishOutcome(in_, &out);
  return out;
}

}  // namespace

Trip TravelBetween(const CountyInputs& inputs,
                   const ItinerantTeachingPolicy& policy, const School& a,
                   const School& b) {
  if (a.id == b.id) return {};
  for (const RoadDistance& r : inputs.road_distances) {
    if ((r.school_a == a.id && r.school_b == b.id) ||
        (r.school_a == b.id && r.school_b == a.id)) {
      return {r.metres, r.minutes};
    }
  }
  return StraightLineTrip(policy, a, b);
}

int64_t SubsidyFor(const ItinerantTeachingPolicy& policy, int64_t metres) {
  for (const SubsidyTier& t : policy.subsidy_tiers) {
    if (metres <= t.up_to_metres) return t.yuan_per_month;
  }
  return policy.subsidy_tiers.empty()
             ? 0
             : policy.subsidy_tiers.back().yuan_per_month;
}

namespace internal {

absl::StatusOr<std::vector<ItinerantZoneNetwork>> ItinerantZoneNetworks(
    const CountyInputs& inputs, const RoundPolicy& policy) {
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kItinerantTeaching));
  std::vector<ItinerantZoneNetwork> out;
  OutcomeOptions options;
  options.explanations = false;
  Run run(inputs, policy, options);
  run.CaptureNetworks(&out);
  ROTA_RETURN_IF_ERROR(run.Go().status());
  return out;
}

}  // namespace internal

absl::StatusOr<RoundOutcome> RunItinerantTeaching(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters, const OutcomeOptions& options) {
  (void)parameters;
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kItinerantTeaching));
  Run run(inputs, policy, options);
  return run.Go();
}

}  // namespace rota::engine::rules
