// Itinerant teaching (走教), step 3-4 of itinerant_teaching.h: each zone's
// lexicographic min-cost flow, the re-plan of teachers whose visits do not
// fit, and the branch and bound over the same cuts.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/min_cost_flow.h"
#include "engine/rules/internal/itinerant_run.h"

namespace rota::engine::rules::internal {

absl::Status ItinerantRun::SolveCut(const std::string& zone,
                                    const std::vector<int>& lines,
                                    const std::vector<int>& cands,
                                    const Cuts& cuts, const Value* bound,
                                    ZoneFlow* out, const Periods* given) const {
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

std::vector<ItinerantRun::Breach> ItinerantRun::Breaches(
    const ZoneFlow& f, const std::vector<int>& cands) const {
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

Cut ItinerantRun::CutFor(const Breach& b, const std::string& school) const {
  if (b.too_many) return {0, UncoveredReason::kSchoolCap};
  const int32_t P = pol_.periods_per_half_day;
  int32_t x = 0;
  for (const auto& [s, periods] : b.visits) {
    if (s == school) x = periods;
  }
  // One half-day fewer at `school`.
  return {P * (CeilDiv(x, P) - 1), UncoveredReason::kHalfDayClash};
}

ItinerantRun::Value ItinerantRun::ValueOf(const Periods& periods,
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

absl::Status ItinerantRun::Improve(const std::string& zone,
                                   const std::vector<int>& lines,
                                   const std::vector<int>& cands,
                                   Value incumbent, Periods* periods,
                                   Cuts* cuts, int32_t* depth,
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

absl::Status ItinerantRun::SolveZone(const std::string& zone,
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

}  // namespace rota::engine::rules::internal
