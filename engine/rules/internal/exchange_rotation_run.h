// The exchange rotation run (exchange_rotation.h) as one class whose phases
// live in four files: exchange_rotation.cc (preparation, eligibility,
// direction and qualification rules, pins, the public entry points),
// exchange_rotation_leaders.cc (the leadership rotation of principals and
// vice-principals, its explanations and quota line),
// exchange_rotation_phases.cc (voluntary, selection, mandatory, allocation,
// freed seats) and exchange_rotation_outcome.cc (explanations, quota lines,
// the RoundOutcome). Internal to engine/rules; not an API.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "engine/min_cost_flow.h"
#include "engine/model.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/internal/bilingual.h"
#include "engine/rules/internal/priced_assignment.h"
#include "engine/rules/internal/pronouns.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/internal/words_zh.h"
#include "engine/rules/obligations.h"
#include "engine/rules/points.h"
#include "engine/solve.h"

namespace rota::engine::rules::exchange_internal {

using internal::AddNote;
using internal::Append;
using internal::PointsText;
using internal::Pronouns;
using internal::PronounsOf;
using internal::Sv;
using internal::Text;

constexpr int kNone = -1;

enum class Status : uint8_t {
  kNotEligible,
  kEligible,         // in the rotation-share pool
  kPrincipalRotate,  // principal / vice-principal who must rotate
  kInspector,        // principal near retirement: 专职督学
  kExempt,
};

enum class Phase : uint8_t {
  kStay,
  kPin,
  kVoluntary,
  kVoluntaryFreeSeats,  // DA* over free seats after TO-BE
  kMandatoryPreference,
  kAllocation,
  kFreedSeats,  // seats freed by later phases, offered back (FreedSeats)
  kReturn,      // back to her home school at the end of a term exchange
  kLeadership,  // leadership rotation (RotateLeaders)
};

inline uint8_t StageBit(Stage st) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(st));
}

inline bool IsRural(Locality l) {
  return l == Locality::kRural || l == Locality::kTeachingPoint;
}

inline std::string_view ExemptionName(ExemptionKind k) {
  switch (k) {
    case ExemptionKind::kPregnancyOrNursing:
      return "pregnancy or nursing";
    case ExemptionKind::kSeriousIllness:
      return "serious illness";
    case ExemptionKind::kNearRetirement:
      return "near retirement";
    case ExemptionKind::kCountyDefined:
    case ExemptionKind::kUnspecified:
      return "county-defined";
  }
  return "county-defined";
}

// The first ten of `ids`, comma-separated, then ", ..." if there are more.
inline std::string ListHead(const std::vector<std::string>& ids) {
  std::vector<std::string> head(ids.begin(),
                                ids.begin() + std::min<size_t>(ids.size(), 10));
  return absl::StrCat(absl::StrJoin(head, ", "),
                      ids.size() > 10 ? ", ..." : "");
}

inline int64_t CeilPercent(int64_t percent, int64_t n) {
  return (percent * n + 99) / 100;
}

// percent% of n as a whole number, rounded as the policy says.
inline int64_t SharePercent(int64_t percent, int64_t n, ShareRounding r) {
  switch (r) {
    case ShareRounding::kUp:
      return CeilPercent(percent, n);
    case ShareRounding::kDown:
      return percent * n / 100;
    case ShareRounding::kNearest:
      return (percent * n + 50) / 100;
  }
  return CeilPercent(percent, n);
}

// Everything the run derives from the inputs, indexed densely in id order.
class Run {
 public:
  Run(const CountyInputs& in, const RoundPolicy& policy,
      const RunParameters& params, const OutcomeOptions& options = {})
      : in_(in),
        policy_(policy),
        ep_(policy.exchange_rotation),
        explanations_(options.explanations),
        legacy_pronouns_(options.legacy_pronouns) {
    mechanism_ = params.voluntary_mechanism.value_or(ep_.voluntary_mechanism);
  }

  void Prepare();
  // Teachers whose term exchange has ended by the effective date go back to
  // their home school: fixed there before every phase (as a pin is), not
  // eligible, and counted in the home school's staff before the round.
  // Called at the end of Prepare.
  void PrepareReturns();
  absl::Status ApplyPins();
  // After the last phase: every school that received a pinned arrival is
  // within its limit (FailedPrecondition naming the pin otherwise).
  absl::Status CheckPinnedCapacity() const;
  // Principals and vice-principals who must rotate, within the annual cap,
  // exchange their leadership seats (exchange_rotation_leaders.cc); also
  // checks pinned leaders (HardRuleError, rule "qualification",
  // "leadership" or "leadership cap").
  absl::Status RotateLeaders();
  absl::Status Voluntary();
  void Select();
  absl::Status MandatoryByPreference();
  // Steps 6 and 7: FreedSeats, then county allocation rounds, each followed
  // by FreedSeats, until a round places nobody.
  absl::Status Allocate();
  // One DA* from where they are over the seats free now: voluntary
  // applicants and placed movers up their lists (cut where they are),
  // unplaced movers over every listed school their direction allows.
  absl::Status FreedSeats();
  RoundOutcome Finish();
  // Eligibility entries; selection codes only once Finish computed them.
  std::vector<EligibilityEntry> Eligibility() const;

 private:
  // 0 = not qualified, 1 = via her primary subject, 2 = secondary only.
  int Qualification(int t, int s) const;
  bool MandatoryAllowed(int t, int s) const;
  // A mandatory move between schools of these classes (SchoolClass) is in
  // a policy direction.
  bool DirectionAllows(int from_class, int to_class) const;
  bool VoluntaryAllowed(int t, int s) const;
  // The hard rules on the target that bind every phase of teachers (the
  // leadership rotation has its own, LeaderAllowed): s is in rotation
  // scope, and the move keeps her service obligation (obligations.h).
  bool TargetOpen(int t, int s) const {
    return in_scope_[s] &&
           (!obligation_[t].has_value() || school_serves_obligation_[s]);
  }
  // Why !TargetOpen(t, s), in words naming the rule.
  Text TargetProblem(int t, int s) const;
  // Schools with MandatoryAllowed(t, s) and Qualification(t, s) > 0.
  int64_t CountAllowedTargets(int t) const;
  bool Outranks(int c, int t, int s) const;
  std::string Name(int s) const { return schools_[s]->id; }
  std::string TeacherId(int t) const { return teachers_[t]->id; }
  absl::StatusOr<std::vector<int>> SolveMarket(
      const std::vector<std::vector<int>>& prefs, engine::Mechanism m);
  // Runs the market (SolveMarket) on `prefs` (nothing if all are empty) and
  // moves everyone it reassigns, marking them `phase`.
  absl::Status MoveByMarket(const std::vector<std::vector<int>>& prefs,
                            engine::Mechanism m, Phase phase);
  TeacherExplanation Explain(int t) const;
  // How she got where she is (Placement::via); "" if she stays.
  Route RouteOf(int t) const;    // the phase that placed her, as a Route
  std::string Via(int t) const;  // RouteSentence(RouteOf(t))
  // The selection sentence of teacher t ("" if none); *code gets its Reason.
  Text SelectionSentence(int t, Reason* code) const;
  // Selection order keys of teacher t (policy selection_order), smallest
  // first; leaders' time at the school counts from office_start_.
  std::vector<int64_t> SelectionKey(int t) const;

  // Leadership rotation (exchange_rotation_leaders.cc). Role index: 0 =
  // principal, 1 = vice-principal, kNone = not a leader.
  int LeaderRole(int t) const;
  // A leader may be rotated from her school to s: s is another school, in a
  // leader direction, teaching a stage her certificate covers.
  bool LeaderAllowed(int t, int s) const;
  bool LeaderDirectionAllows(int from_class, int to_class) const;
  bool LeaderQualified(int t, int s) const;
  // Verdict of a school a leader listed (not where she ended).
  void ExplainLeaderChoice(int t, int s, ChoiceExplanation* c) const;
  // SelectionSentence of a leader; *code gets its Reason.
  Text LeaderSentence(int t, Reason* code) const;
  // Placement reason of a leader who must rotate but stays; *code likewise.
  Text LeaderStayReason(int t, Reason* code) const;
  // The policy's leader directions, named, joined by `separator`.
  std::string LeaderDirectionsText(std::string_view separator) const;
  std::string LeaderDirectionsZh() const;        // the same in Chinese, "或"
  void AddLeaderQuota(RoundOutcome* out) const;  // "principal rotation"

  const CountyInputs& in_;
  const RoundPolicy& policy_;
  const ExchangeRotationPolicy& ep_;
  VoluntaryMechanism mechanism_;
  const bool explanations_;     // OutcomeOptions
  const bool legacy_pronouns_;  // OutcomeOptions
  // Teacher t's pronouns in sentences.
  Pronouns P(int t) const {
    return PronounsOf(teachers_[t]->gender, legacy_pronouns_);
  }

  std::vector<const School*> schools_;
  absl::flat_hash_map<std::string_view, int> school_index_;
  std::vector<std::vector<const Post*>> posts_of_;
  // Qualification, precomputed: subjects are numbered; a school with posts
  // keeps its subjects (ascending ids) with the stages its posts of that
  // subject teach (bit 1 << stage); a school without posts its stages.
  std::vector<std::vector<std::pair<int, uint8_t>>> school_subjects_;
  std::vector<uint8_t> school_stage_mask_;
  std::vector<std::vector<int>> subject_ids_;  // per teacher, -1 = no post
  std::vector<uint8_t> stage_mask_;            // per teacher: certificates
  // Per school: locality x 2 + weak, all that directions look at.
  static constexpr int kNumClasses = 10;
  std::vector<uint8_t> school_class_;
  // CountAllowedTargets: qualified schools per class, per qualification
  // profile (stage mask, subject ids).
  mutable absl::flat_hash_map<std::string, std::array<int64_t, kNumClasses>>
      class_counts_;
  // Per subject id: the schools with posts of it, and their stages.
  std::vector<std::vector<std::pair<int, uint8_t>>> subject_schools_;
  std::vector<int> postless_schools_;
  mutable std::vector<int> stamp_;  // per school, for CountAllowedTargets
  mutable int stamp_round_ = 0;
  // max(headcount, staff before counted against it) + staff held outside
  // it (non-established teachers who take no part in the rotation).
  std::vector<int64_t> limit_;
  std::vector<int64_t> initial_count_;
  // Per school: non-established staff who take no part (outside the
  // headcount, which counts established staff).
  std::vector<int64_t> outside_;
  std::vector<uint8_t> in_scope_;       // a stage in policy stage_scope
  std::vector<uint8_t> carries_share_;  // share_localities, weak rule
  std::vector<uint8_t> school_serves_obligation_;  // rural, teaching point

  std::vector<const Teacher*> teachers_;
  absl::flat_hash_map<std::string_view, int> teacher_index_;
  std::vector<int> orig_;
  std::vector<PointsBreakdown> points_;
  std::vector<std::vector<int64_t>> ties_;
  std::vector<uint64_t> draw_;
  std::vector<int32_t> prank_;
  std::vector<int32_t> retire_;
  std::vector<int32_t> years_at_;
  std::vector<Status> status_;
  std::vector<Text> status_reason_;
  std::vector<Reason> status_code_;  // the code of status_reason_
  // Her binding service obligation on the effective day, if any.
  std::vector<std::optional<BindingObligation>> obligation_;
  // Her application; nullptr too for teachers who take no part (non-
  // established, out of scope): their lists are not read.
  std::vector<const Application*> app_;
  std::vector<std::vector<int>> app_schools_;
  // Pins.
  std::vector<int> pin_target_;  // kNone = not pinned
  std::vector<uint8_t> pin_override_;
  std::vector<std::string> pin_reason_;
  // Returns (PrepareReturns): her home school if she is due back, else
  // kNone; returning_ while no lock or override fixes her elsewhere.
  std::vector<int> home_;
  std::vector<uint8_t> returning_;
  // State.
  std::vector<int> cur_;
  std::vector<Phase> phase_;
  std::vector<uint8_t> mandatory_;
  std::vector<uint8_t> no_target_;  // eligible but no allowed school
  std::vector<uint8_t> no_share_;   // eligible at a school not carrying it
  // Leaders: role principal or vice-principal; office_start_ is the day her
  // time in office at her school starts (school_join_day for teachers).
  std::vector<uint8_t> leader_;
  std::vector<int32_t> office_start_;
  std::vector<uint8_t> leader_capped_;  // must rotate, beyond the cap
  // Leaders who must rotate: the schools of the other leaders of her role
  // who must rotate or are pinned elsewhere that she may take
  // (LeaderAllowed): where a seat could be vacated for her. 0 = none, so
  // she is not picked within the cap. kNone for other leaders.
  std::vector<int> leader_partners_;
  // Members of the market: leadership seats vacated in the run that she may
  // take; kNone for leaders not in the market.
  std::vector<int> leader_options_;
  std::array<int64_t, 2> leader_total_{}, leader_cap_{};  // per role
  // Quota bookkeeping per group (school index, or 0 for county-wide).
  struct Group {
    std::string scope;
    int64_t eligible = 0, exempt_would_be = 0, required = 0;
    int64_t voluntary_movers = 0, selected = 0, no_target = 0;
    int64_t backbone_eligible = 0, backbone_exempt = 0;
    std::vector<int> members;
  };
  std::vector<Group> groups_;
  std::vector<int> group_of_;
  // Filled by Finish: staff per school at the end, occupants best first.
  std::vector<int64_t> final_count_;
  std::vector<std::vector<int>> occupants_;
  std::vector<Text> selection_;         // SelectionSentence, per teacher
  std::vector<Reason> selection_code_;  // its code
};

}  // namespace rota::engine::rules::exchange_internal
