// The itinerant teaching (走教) mechanism's run state, shared by
// itinerant_teaching.cc (preparation, reasons, outcome) and
// itinerant_zone_flow.cc (each zone's flow, re-plan and branch and bound).
// See itinerant_teaching.h for the mechanism. Not part of the engine's
// interface.
//
// Thread-safety: one ItinerantRun per call.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/rules/county.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/internal/itinerant_network.h"
#include "engine/rules/itinerant_result.h"
#include "engine/rules/itinerant_teaching.h"
#include "engine/rules/policy.h"
#include "engine/rules/round_outcome.h"

namespace rota::engine::rules::internal {

inline constexpr int kStages = kItinerantObjectives;

inline Trip StraightLineTrip(const ItinerantTeachingPolicy& policy,
                             const School& a, const School& b) {
  Trip t;
  t.metres =
      SchoolDistanceMetres(a, b) * policy.straight_line_factor_percent / 100;
  const int64_t per_hour = int64_t{policy.speed_kmh} * 1000;
  t.minutes = static_cast<int32_t>((t.metres * 60 + per_hour - 1) / per_hour);
  return t;
}  // coverage, volunteers, travel, balance

inline bool Qualifies(const Teacher& t, const PeriodRequirement& r) {
  return std::find(t.subjects.begin(), t.subjects.end(), r.subject) !=
             t.subjects.end() &&
         std::find(t.certificate_stages.begin(), t.certificate_stages.end(),
                   r.stage) != t.certificate_stages.end();
}

inline bool ExemptOn(const Teacher& t, int32_t day) {
  for (const Exemption& e : t.exemptions) {
    if (e.ActiveOn(day)) return true;
  }
  return false;
}

inline int PopCount(uint32_t v) {
  int n = 0;
  for (; v != 0; v &= v - 1) ++n;
  return n;
}

inline int32_t CeilDiv(int32_t a, int32_t b) { return (a + b - 1) / b; }

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
  // Locked with her whole assignment: kept as it is, outside the flow.
  const std::vector<LockedPeriods>* kept = nullptr;
};

// Per teacher and visited school: the cap set by a re-plan (-1 = none) and
// why.
struct Cut {
  int32_t cap = -1;
  UncoveredReason why = UncoveredReason::kNone;
};

using Arc = ItinerantArc;

// Solves the branch and bound may spend on one connected part of a zone.
inline constexpr int kBranchSolves = 64;

class ItinerantRun {
 public:
  ItinerantRun(const CountyInputs& in, const RoundPolicy& policy,
               const OutcomeOptions& options)
      : in_(in), pol_(policy.itinerant_teaching), options_(options) {}

  absl::StatusOr<RoundOutcome> Go();
  // Records each zone's final network (internal/itinerant_network.h).
  void CaptureNetworks(std::vector<ItinerantZoneNetwork>* out) {
    capture_ = out;
  }

 private:
  void Prepare();
  // Locks that keep a whole assignment: its periods leave their lines' need
  // and go straight into flow_. FailedPrecondition if a line no longer needs
  // them (another lock or an override took them).
  absl::Status KeepLockedAssignments();
  // One zone's flow under `cuts`: periods per (candidate, line), the value
  // of each objective and the network (when captured).
  using Value = std::array<int64_t, kStages>;
  using Periods = std::map<std::pair<int, int>, int32_t>;  // (cand, line)
  struct ZoneFlow {
    Periods periods;
    Value value{};
    bool pruned = false;  // stopped early: not better than the bound
    ItinerantZoneNetwork network;
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
  std::vector<ItinerantZoneNetwork>* capture_ = nullptr;
};

}  // namespace rota::engine::rules::internal
