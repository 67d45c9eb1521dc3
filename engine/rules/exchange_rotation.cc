#include "engine/rules/exchange_rotation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
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
#include "engine/rules/internal/priced_assignment.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/points.h"
#include "engine/solve.h"

namespace rota::engine::rules {
namespace {

using internal::Sv;

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
};

uint8_t StageBit(Stage st) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(st));
}

bool IsRural(Locality l) {
  return l == Locality::kRural || l == Locality::kTeachingPoint;
}

std::string_view ExemptionName(ExemptionKind k) {
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

// Great-circle (haversine) distance; 0 when a school has no location. The
// per-school parts (latitude in radians, its cosine) are computed once.
struct Geo {
  bool has_location = false;
  double latitude = 0, longitude = 0, la = 0, cos_la = 0;
};

Geo MakeGeo(const School& s) {
  constexpr double kPi = 3.14159265358979323846;
  Geo g;
  g.has_location = s.has_location;
  g.latitude = s.latitude;
  g.longitude = s.longitude;
  g.la = s.latitude * kPi / 180;
  g.cos_la = std::cos(g.la);
  return g;
}

double DistanceKm(const Geo& a, const Geo& b) {
  if (!a.has_location || !b.has_location) return 0;
  constexpr double kPi = 3.14159265358979323846;
  constexpr double kEarthKm = 6371.0;
  double dla = b.la - a.la;
  double dlo = (b.longitude - a.longitude) * kPi / 180;
  const double sin_dla = std::sin(dla / 2), sin_dlo = std::sin(dlo / 2);
  double h = sin_dla * sin_dla + a.cos_la * b.cos_la * sin_dlo * sin_dlo;
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(h)));
}

int64_t CeilPercent(int64_t percent, int64_t n) {
  return (percent * n + 99) / 100;
}

// Everything the run derives from the inputs, indexed densely in id order.
class Run {
 public:
  Run(const CountyInputs& in, const RoundPolicy& policy,
      const RunParameters& params, const OutcomeOptions& options = {})
      : in_(in),
        policy_(policy),
        ep_(policy.exchange_rotation),
        explanations_(options.explanations) {
    mechanism_ = params.voluntary_mechanism.value_or(ep_.voluntary_mechanism);
  }

  void Prepare();
  absl::Status ApplyPins();
  // After the last phase: every school that received a pinned arrival is
  // within its limit (FailedPrecondition naming the pin otherwise).
  absl::Status CheckPinnedCapacity() const;
  absl::Status Voluntary();
  void Select();
  absl::Status MandatoryByPreference();
  absl::Status Allocate();
  absl::Status FreedSeats();
  RoundOutcome Finish();
  std::vector<EligibilityEntry> Eligibility() const;

 private:
  // 0 = not qualified, 1 = via her primary subject, 2 = secondary only.
  int Qualification(int t, int s) const;
  bool MandatoryAllowed(int t, int s) const;
  // A mandatory move between schools of these classes (SchoolClass) is in
  // a policy direction.
  bool DirectionAllows(int from_class, int to_class) const;
  bool VoluntaryAllowed(int t, int s) const;
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
  std::string SelectionSentence(int t) const;

  const CountyInputs& in_;
  const RoundPolicy& policy_;
  const ExchangeRotationPolicy& ep_;
  VoluntaryMechanism mechanism_;
  const bool explanations_;  // OutcomeOptions

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
  std::vector<int64_t> limit_;  // max(headcount, staff before)
  std::vector<int64_t> initial_count_;

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
  std::vector<std::string> status_reason_;
  std::vector<const Application*> app_;
  std::vector<std::vector<int>> app_schools_;
  // Pins.
  std::vector<int> pin_target_;  // kNone = not pinned
  std::vector<uint8_t> pin_override_;
  std::vector<std::string> pin_reason_;
  // State.
  std::vector<int> cur_;
  std::vector<Phase> phase_;
  std::vector<uint8_t> mandatory_;
  std::vector<uint8_t> no_target_;  // eligible but no allowed school
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
  std::vector<std::string> selection_;  // SelectionSentence, per teacher
};

void Run::Prepare() {
  for (const School& s : in_.schools) schools_.push_back(&s);
  std::sort(schools_.begin(), schools_.end(),
            [](const School* a, const School* b) { return a->id < b->id; });
  school_index_.reserve(schools_.size());
  for (size_t i = 0; i < schools_.size(); ++i) {
    school_index_[schools_[i]->id] = static_cast<int>(i);
  }
  const int ns = static_cast<int>(schools_.size());
  posts_of_.resize(ns);
  for (const Post& p : in_.posts)
    posts_of_[school_index_.at(p.school)].push_back(&p);
  for (auto& v : posts_of_) {
    std::sort(v.begin(), v.end(),
              [](const Post* a, const Post* b) { return a->id < b->id; });
  }
  absl::flat_hash_map<std::string_view, int> subject_id;
  for (const Post& p : in_.posts) {
    subject_id.emplace(p.subject, static_cast<int>(subject_id.size()));
  }
  school_subjects_.resize(ns);
  school_stage_mask_.assign(ns, 0);
  school_class_.assign(ns, 0);
  for (int s = 0; s < ns; ++s) {
    const School& sc = *schools_[s];
    const int locality = static_cast<int>(sc.locality);
    ROTA_CHECK(locality >= 0 && locality * 2 + 1 < kNumClasses);
    school_class_[s] = static_cast<uint8_t>(locality * 2 + (sc.weak ? 1 : 0));
    for (Stage st : sc.stages) school_stage_mask_[s] |= StageBit(st);
    std::vector<std::pair<int, uint8_t>>& subj = school_subjects_[s];
    for (const Post* p : posts_of_[s]) {
      Stage st = p->stage == Stage::kUnspecified ? sc.stages.front() : p->stage;
      subj.push_back({subject_id.at(p->subject), StageBit(st)});
    }
    std::sort(subj.begin(), subj.end());
    // Merge the stages of one subject.
    size_t w = 0;
    for (size_t r = 0; r < subj.size(); ++r) {
      if (w > 0 && subj[w - 1].first == subj[r].first) {
        subj[w - 1].second |= subj[r].second;
      } else {
        subj[w++] = subj[r];
      }
    }
    subj.resize(w);
  }
  subject_schools_.resize(subject_id.size());
  for (int s = 0; s < ns; ++s) {
    if (posts_of_[s].empty()) postless_schools_.push_back(s);
    for (auto [id, mask] : school_subjects_[s]) {
      subject_schools_[id].push_back({s, mask});
    }
  }
  stamp_.assign(ns, 0);
  for (const Teacher& t : in_.teachers) teachers_.push_back(&t);
  std::sort(teachers_.begin(), teachers_.end(),
            [](const Teacher* a, const Teacher* b) { return a->id < b->id; });
  const int nt = static_cast<int>(teachers_.size());
  teacher_index_.reserve(nt);
  for (int t = 0; t < nt; ++t) teacher_index_[teachers_[t]->id] = t;
  subject_ids_.resize(nt);
  stage_mask_.assign(nt, 0);
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    for (Stage st : x.certificate_stages) stage_mask_[t] |= StageBit(st);
    for (const std::string& subj : x.subjects) {
      auto it = subject_id.find(subj);
      subject_ids_[t].push_back(it == subject_id.end() ? kNone : it->second);
    }
  }

  initial_count_.assign(ns, 0);
  orig_.resize(nt);
  points_.resize(nt);
  ties_.resize(nt);
  draw_.resize(nt);
  retire_.resize(nt);
  years_at_.resize(nt);
  status_.assign(nt, Status::kNotEligible);
  status_reason_.resize(nt);
  app_.assign(nt, nullptr);
  app_schools_.resize(nt);
  pin_target_.assign(nt, kNone);
  pin_override_.assign(nt, 0);
  pin_reason_.resize(nt);
  phase_.assign(nt, Phase::kStay);
  mandatory_.assign(nt, 0);
  no_target_.assign(nt, 0);
  const int32_t eff = in_.effective_day;
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    orig_[t] = school_index_.at(x.school);
    ++initial_count_[orig_[t]];
    points_[t] = ComputePoints(x, schools_[orig_[t]], policy_, eff);
    ties_[t] = TieChainValues(x, policy_);
    draw_[t] = LotteryDraw(in_.seed, x.id);
    retire_[t] = RetirementDay(x, policy_.retirement);
    years_at_[t] = FullYearsBetween(x.school_join_day, eff);
  }
  limit_.resize(ns);
  for (int s = 0; s < ns; ++s) {
    limit_[s] = std::max<int64_t>(schools_[s]->headcount, initial_count_[s]);
  }
  cur_ = orig_;

  // Priority order: points, tie chain, lottery, id (engine/model.h).
  std::vector<int> order(nt);
  std::iota(order.begin(), order.end(), 0);
  std::vector<int64_t> total(nt);  // contiguous: the sort reads it most
  for (int t = 0; t < nt; ++t) total[t] = points_[t].total;
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (total[a] != total[b]) return total[a] > total[b];
    if (ties_[a] != ties_[b]) return ties_[a] > ties_[b];
    if (draw_[a] != draw_[b]) return draw_[a] < draw_[b];
    return a < b;
  });
  prank_.resize(nt);
  for (int i = 0; i < nt; ++i) prank_[order[i]] = i;

  // Eligibility.
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    std::vector<std::string> exemptions;
    for (const Exemption& e : x.exemptions) {
      if (e.ActiveOn(eff)) {
        exemptions.push_back(absl::StrCat(Sv(ExemptionName(e.kind)),
                                          e.note.empty() ? "" : " (", e.note,
                                          e.note.empty() ? "" : ")"));
      }
    }
    std::sort(exemptions.begin(), exemptions.end());
    const bool principal =
        x.role == Role::kPrincipal || x.role == Role::kVicePrincipal;
    const std::string role = x.role == Role::kPrincipal       ? "principal"
                             : x.role == Role::kVicePrincipal ? "vice-principal"
                                                              : "teacher";
    const std::string years =
        absl::StrCat(years_at_[t], " years at ", x.school, "; retires ",
                     FormatDate(retire_[t]));
    if (!exemptions.empty()) {
      status_[t] = Status::kExempt;
      status_reason_[t] =
          absl::StrCat("exempt (", absl::StrJoin(exemptions, ", "),
                       "): never moved; ", years);
      continue;
    }
    if (principal) {
      if (years_at_[t] < ep_.principal_min_years) {
        status_reason_[t] = absl::StrCat(
            "not eligible: ", role, " with ", years_at_[t],
            " years at the school, fewer than ", ep_.principal_min_years);
      } else if (retire_[t] >
                 AddYears(eff, ep_.principal_min_years_to_retirement)) {
        status_[t] = Status::kPrincipalRotate;
        status_reason_[t] =
            absl::StrCat(role, " must rotate: ", years, " (more than ",
                         ep_.principal_min_years_to_retirement, " years away)");
      } else {
        status_[t] = Status::kInspector;
        status_reason_[t] = absl::StrCat(
            role, " within ", ep_.principal_min_years_to_retirement,
            " years of retirement: flagged for the full-time inspector role "
            "(专职督学) instead of rotating; ",
            years);
      }
      continue;
    }
    if (years_at_[t] < ep_.min_years_at_school) {
      status_reason_[t] = absl::StrCat("not eligible: ", years_at_[t],
                                       " years at the school, fewer than ",
                                       ep_.min_years_at_school);
    } else if (retire_[t] <= AddYears(eff, ep_.min_years_to_retirement)) {
      status_reason_[t] = absl::StrCat(
          "not eligible: retires ", FormatDate(retire_[t]), ", not more than ",
          ep_.min_years_to_retirement, " years after the effective date");
    } else {
      status_[t] = Status::kEligible;
      status_reason_[t] = absl::StrCat("eligible: ", years);
    }
  }

  for (const Application& a : in_.applications) {
    int t = teacher_index_.at(a.teacher);
    app_[t] = &a;
    for (const std::string& p : a.preferences) {
      app_schools_[t].push_back(school_index_.at(p));
    }
  }
}

int Run::Qualification(int t, int s) const {
  if (posts_of_[s].empty()) {
    return (school_stage_mask_[s] & stage_mask_[t]) != 0 ? 1 : 0;
  }
  // The best fit is her earliest subject taught at a stage she covers.
  const std::vector<std::pair<int, uint8_t>>& subj = school_subjects_[s];
  const std::vector<int>& ids = subject_ids_[t];
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == kNone) continue;
    auto it = std::lower_bound(
        subj.begin(), subj.end(), ids[i],
        [](const std::pair<int, uint8_t>& a, int id) { return a.first < id; });
    if (it != subj.end() && it->first == ids[i] &&
        (it->second & stage_mask_[t]) != 0) {
      return i == 0 ? 1 : 2;
    }
  }
  return 0;
}

bool Run::MandatoryAllowed(int t, int s) const {
  if (s == orig_[t]) return false;
  if (status_[t] == Status::kPrincipalRotate) return true;
  return DirectionAllows(school_class_[orig_[t]], school_class_[s]);
}

bool Run::VoluntaryAllowed(int t, int s) const {
  const School& from = *schools_[orig_[t]];
  const School& to = *schools_[s];
  if (IsRural(from.locality) && !IsRural(to.locality)) {
    return ep_.allow_rural_to_urban_training;
  }
  return true;
}

int64_t Run::CountAllowedTargets(int t) const {
  // Directions depend only on the two schools' classes (locality, weak),
  // and qualification only on her subjects and stages: count the qualified
  // schools of each class once per such profile.
  std::string profile(1, static_cast<char>(stage_mask_[t]));
  for (int id : subject_ids_[t]) {
    absl::StrAppend(
        &profile,
        Sv(std::string_view(reinterpret_cast<const char*>(&id), sizeof id)));
  }
  auto [it, inserted] = class_counts_.try_emplace(profile);
  std::array<int64_t, kNumClasses>& counts = it->second;
  if (inserted) {
    counts.fill(0);
    ++stamp_round_;
    auto see = [&](int s) {
      if (stamp_[s] == stamp_round_) return;
      stamp_[s] = stamp_round_;
      ++counts[school_class_[s]];
    };
    for (int id : subject_ids_[t]) {
      if (id == kNone) continue;
      for (auto [s, mask] : subject_schools_[id]) {
        if ((mask & stage_mask_[t]) != 0) see(s);
      }
    }
    for (int s : postless_schools_) {
      if ((school_stage_mask_[s] & stage_mask_[t]) != 0) see(s);
    }
  }
  const int from = orig_[t];
  const bool own = Qualification(t, from) > 0;
  int64_t n = 0;
  for (int c = 0; c < kNumClasses; ++c) {
    if (status_[t] == Status::kPrincipalRotate ||
        DirectionAllows(school_class_[from], c)) {
      n += counts[c];
    }
  }
  // Her own school is never a target; it is in an allowed class only for
  // principals (no direction leads from a class to itself).
  if (status_[t] == Status::kPrincipalRotate && own) --n;
  return n;
}

bool Run::DirectionAllows(int from_class, int to_class) const {
  const Locality from_locality = static_cast<Locality>(from_class / 2);
  const Locality to_locality = static_cast<Locality>(to_class / 2);
  const bool from_weak = from_class % 2 == 1, to_weak = to_class % 2 == 1;
  for (Direction d : ep_.mandatory_directions) {
    if (d == Direction::kUrbanToRural &&
        LowerLocality(to_locality, from_locality)) {
      return true;
    }
    if (d == Direction::kStrongToWeak && !from_weak && to_weak) return true;
  }
  return false;
}

bool Run::Outranks(int c, int t, int s) const {
  if (pin_target_[c] != kNone) return true;        // fixed by an administrator
  if (orig_[c] == s && cur_[c] == s) return true;  // tenure
  if (orig_[t] == s) return false;
  return prank_[c] < prank_[t];
}

absl::Status Run::ApplyPins() {
  const int nt = static_cast<int>(teachers_.size());
  auto pin = [&](const std::string& teacher, const std::string& to,
                 const std::string& reason, bool is_override) {
    int t = teacher_index_.at(teacher);
    pin_target_[t] = to.empty() ? orig_[t] : school_index_.at(to);
    pin_override_[t] = is_override ? 1 : 0;
    pin_reason_[t] = reason;
  };
  for (const Lock& l : in_.locks) pin(l.teacher, l.to, l.reason, false);
  for (const Override& o : in_.overrides) pin(o.teacher, o.to, o.reason, true);
  auto error = [&](int t, std::string_view rule, const std::string& what) {
    return absl::FailedPreconditionError(
        absl::StrCat(pin_override_[t] ? "override" : "lock", " for teacher \"",
                     TeacherId(t), "\": rule \"", Sv(rule), "\": ", what));
  };
  // Seats a pin certainly takes: pinned arrivals plus everyone who cannot
  // leave (pinned to stay, exempt). Other teachers there may still leave in
  // this run; whether they do is checked at the end (CheckPinnedCapacity).
  std::vector<int64_t> certain(schools_.size(), 0);
  for (int t = 0; t < nt; ++t) {
    const int s = pin_target_[t];
    if (s != kNone) {
      ++certain[s];
    } else if (status_[t] == Status::kExempt) {
      ++certain[orig_[t]];
    }
  }
  for (int t = 0; t < nt; ++t) {
    int s = pin_target_[t];
    if (s == kNone || s == orig_[t]) continue;
    if (status_[t] == Status::kExempt) {
      return error(t, "exemption",
                   absl::StrCat("she is ", status_reason_[t],
                                "; exempt teachers never move"));
    }
    if (Qualification(t, s) == 0) {
      return error(t, "qualification",
                   absl::StrCat("school \"", Name(s),
                                "\" has no post for her subjects (",
                                absl::StrJoin(teachers_[t]->subjects, ", "),
                                ") at a stage her certificate covers"));
    }
    if (certain[s] > limit_[s]) {
      return error(t, "capacity",
                   absl::StrCat("school \"", Name(s), "\" would have at least ",
                                certain[s],
                                " staff (locked, overridden or exempt), "
                                "above its limit ",
                                limit_[s]));
    }
  }
  for (int t = 0; t < nt; ++t) {
    if (pin_target_[t] == kNone) continue;
    cur_[t] = pin_target_[t];
    phase_[t] = Phase::kPin;
  }
  return absl::OkStatus();
}

absl::Status Run::CheckPinnedCapacity() const {
  const int nt = static_cast<int>(teachers_.size());
  std::vector<int64_t> count(schools_.size(), 0);
  for (int t = 0; t < nt; ++t) ++count[cur_[t]];
  for (int t = 0; t < nt; ++t) {
    const int s = pin_target_[t];
    if (s == kNone || s == orig_[t] || count[s] <= limit_[s]) continue;
    return absl::FailedPreconditionError(absl::StrCat(
        pin_override_[t] ? "override" : "lock", " for teacher \"", TeacherId(t),
        "\": rule \"capacity\": school \"", Name(s), "\" would end with ",
        count[s], " staff, above its limit ", limit_[s], " (headcount ",
        schools_[s]->headcount,
        "): not enough of its teachers leave in this run to make room for "
        "the locked and overridden arrivals; lock the departures that made "
        "room, or release this placement"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int>> Run::SolveMarket(
    const std::vector<std::vector<int>>& prefs, engine::Mechanism m) {
  engine::Model model;
  model.lottery_seed = in_.seed;
  const int ns = static_cast<int>(schools_.size());
  std::vector<int64_t> pinned_at(ns, 0), holders(ns, 0);
  const int nt = static_cast<int>(teachers_.size());
  for (int t = 0; t < nt; ++t) {
    if (pin_target_[t] != kNone) {
      ++pinned_at[pin_target_[t]];
    } else {
      ++holders[cur_[t]];
    }
  }
  // Under DA* a holder whose list is empty (or exempt) keeps her seat
  // wherever her colleagues cannot crowd her out (holders <= seats: they
  // rank first there by tenure), so she is left out and her seat with her:
  // the same matching for everyone else, on a much smaller market. TO-BE
  // needs every holder (a post gives up its lowest-priority one in play).
  const bool prune = m == engine::Mechanism::kTenureDeferredAcceptance;
  std::vector<int64_t> kept_out(ns, 0);
  std::vector<int> members;
  for (int t = 0; t < nt; ++t) {
    if (pin_target_[t] != kNone) continue;
    const int h = cur_[t];
    if (prune && holders[h] <= limit_[h] - pinned_at[h] &&
        (prefs[t].empty() || status_[t] == Status::kExempt)) {
      ++kept_out[h];
      continue;
    }
    members.push_back(t);
    engine::Teacher x;
    x.id = TeacherId(t);
    x.exempt = status_[t] == Status::kExempt;
    x.points = points_[t].total;
    x.tie_breakers = ties_[t];
    x.current_post = Name(cur_[t]);
    for (int s : prefs[t]) x.preferences.push_back(Name(s));
    model.teachers.push_back(std::move(x));
  }
  for (int s = 0; s < ns; ++s) {
    engine::Post p;
    p.id = Name(s);
    p.school = Name(s);
    p.capacity = limit_[s] - pinned_at[s] - kept_out[s];
    // TO-BE only trades seats (no school's staff count changes), and it
    // needs every holder to own one: where pinned arrivals wait for
    // colleagues to leave, it may count the seats they still hold.
    if (m == engine::Mechanism::kTeacherOptimalBlockExchange) {
      p.capacity = std::max(p.capacity, holders[s]);
    }
    model.posts.push_back(std::move(p));
  }
  engine::SolveOptions options;
  options.explain = false;
  options.encode = false;
  ROTA_ASSIGN_OR_RETURN(engine::MatchResult r,
                        engine::Solve(model, m, options));
  // A teacher with no post is one DA* pushed out of her own seat because
  // pins took seats there that her colleagues have not (yet) freed: she
  // stays, and no newcomer got in (holders rank first); CheckPinnedCapacity
  // reports the pin if the school is still over its limit at the end.
  std::vector<int> out = cur_;
  for (size_t k = 0; k < members.size(); ++k) {
    if (r.post_of[k] >= 0) out[members[k]] = r.post_of[k];
  }
  return out;
}

absl::Status Run::MoveByMarket(const std::vector<std::vector<int>>& prefs,
                               engine::Mechanism m, Phase phase) {
  if (std::all_of(prefs.begin(), prefs.end(),
                  [](const std::vector<int>& p) { return p.empty(); })) {
    return absl::OkStatus();
  }
  ROTA_ASSIGN_OR_RETURN(std::vector<int> next, SolveMarket(prefs, m));
  for (size_t t = 0; t < next.size(); ++t) {
    if (next[t] == cur_[t]) continue;
    // Under DA* a holder without a list keeps her seat: only applicants move.
    ROTA_CHECK(m != engine::Mechanism::kTenureDeferredAcceptance ||
               !prefs[t].empty());
    cur_[t] = next[t];
    phase_[t] = phase;
  }
  return absl::OkStatus();
}

absl::Status Run::Voluntary() {
  const int nt = static_cast<int>(teachers_.size());
  std::vector<std::vector<int>> prefs(nt);
  for (int t = 0; t < nt; ++t) {
    if (app_[t] == nullptr || !app_[t]->voluntary) continue;
    if (pin_target_[t] != kNone || status_[t] == Status::kExempt) continue;
    for (int s : app_schools_[t]) {
      if (s == orig_[t]) break;  // staying ends her list
      if (VoluntaryAllowed(t, s) && Qualification(t, s) > 0) {
        prefs[t].push_back(s);
      }
    }
  }
  engine::Mechanism m =
      mechanism_ == VoluntaryMechanism::kTenureDeferredAcceptance
          ? engine::Mechanism::kTenureDeferredAcceptance
          : engine::Mechanism::kTeacherOptimalBlockExchange;
  ROTA_RETURN_IF_ERROR(MoveByMarket(prefs, m, Phase::kVoluntary));
  if (m != engine::Mechanism::kTeacherOptimalBlockExchange) {
    return absl::OkStatus();
  }
  // TO-BE only trades seats (engine/teacher_optimal_block_exchange.h: with
  // no newcomers a vacancy is never filled). Free seats then go to the
  // voluntary applicants by DA* from where TO-BE left them: each list is cut
  // at her current school, so nobody ends worse than after TO-BE.
  for (int t = 0; t < nt; ++t) {
    auto it = std::find(prefs[t].begin(), prefs[t].end(), cur_[t]);
    prefs[t].erase(it, prefs[t].end());
  }
  return MoveByMarket(prefs, engine::Mechanism::kTenureDeferredAcceptance,
                      Phase::kVoluntaryFreeSeats);
}

absl::Status Run::FreedSeats() {
  const int nt = static_cast<int>(teachers_.size());
  std::vector<std::vector<int>> prefs(nt);
  for (int t = 0; t < nt; ++t) {
    if (app_[t] == nullptr || pin_target_[t] != kNone ||
        status_[t] == Status::kExempt) {
      continue;
    }
    const bool mover = mandatory_[t] != 0;
    // An unplaced mandatory mover found no free seat in an allowed
    // direction in the allocation, which tried them all.
    if (mover && cur_[t] == orig_[t]) continue;
    if (!mover && !app_[t]->voluntary) continue;
    for (int s : app_schools_[t]) {
      if (s == cur_[t] || (!mover && s == orig_[t])) break;  // no better
      const bool allowed =
          mover ? MandatoryAllowed(t, s) : VoluntaryAllowed(t, s);
      if (allowed && Qualification(t, s) > 0) prefs[t].push_back(s);
    }
  }
  return MoveByMarket(prefs, engine::Mechanism::kTenureDeferredAcceptance,
                      Phase::kFreedSeats);
}

void Run::Select() {
  const int nt = static_cast<int>(teachers_.size());
  const bool county = ep_.share_scope == ShareScope::kCountyWide;
  group_of_.assign(nt, kNone);
  if (county) {
    groups_.resize(1);
    groups_[0].scope = "county";
  } else {
    groups_.resize(schools_.size());
    for (size_t s = 0; s < schools_.size(); ++s) groups_[s].scope = Name(s);
  }
  for (int t = 0; t < nt; ++t) {
    int g = county ? 0 : orig_[t];
    const Teacher& x = *teachers_[t];
    const bool principal =
        x.role == Role::kPrincipal || x.role == Role::kVicePrincipal;
    if (status_[t] == Status::kExempt && !principal &&
        years_at_[t] >= ep_.min_years_at_school &&
        retire_[t] > AddYears(in_.effective_day, ep_.min_years_to_retirement)) {
      ++groups_[g].exempt_would_be;
      if (IsBackbone(x.backbone)) ++groups_[g].backbone_exempt;
    }
    if (status_[t] != Status::kEligible) continue;
    group_of_[t] = g;
    Group& gr = groups_[g];
    ++gr.eligible;
    if (IsBackbone(x.backbone)) ++gr.backbone_eligible;
    gr.members.push_back(t);
  }
  for (int t = 0; t < nt; ++t) {
    if (status_[t] == Status::kPrincipalRotate && pin_target_[t] == kNone &&
        cur_[t] == orig_[t]) {
      mandatory_[t] = 1;
    }
  }
  auto key = [&](int t) {
    std::vector<int64_t> k;
    for (SelectionCriterion c : ep_.selection_order) {
      switch (c) {
        case SelectionCriterion::kLongestAtSchool:
          k.push_back(teachers_[t]->school_join_day);
          break;
        case SelectionCriterion::kYoungest:
          k.push_back(-int64_t{retire_[t]});
          break;
        case SelectionCriterion::kLowestPoints:
          k.push_back(points_[t].total);
          break;
      }
    }
    return k;
  };
  std::vector<std::vector<int64_t>> keys(teachers_.size());
  std::vector<uint8_t> taken(teachers_.size(), 0);
  for (Group& g : groups_) {
    if (g.eligible == 0) continue;
    g.required = CeilPercent(ep_.rotation_share_percent, g.eligible);
    int64_t movers = 0, backbone = 0;
    std::vector<int> candidates;
    for (int t : g.members) {
      if (cur_[t] != orig_[t]) {
        ++movers;
        ++g.voluntary_movers;
        if (IsBackbone(teachers_[t]->backbone)) ++backbone;
        continue;
      }
      if (pin_target_[t] != kNone) continue;
      if (CountAllowedTargets(t) == 0) {
        no_target_[t] = 1;
        ++g.no_target;
        continue;
      }
      candidates.push_back(t);
    }
    for (int t : candidates) keys[t] = key(t);
    std::sort(candidates.begin(), candidates.end(), [&](int a, int b) {
      if (keys[a] != keys[b]) return keys[a] < keys[b];
      if (draw_[a] != draw_[b]) return draw_[a] < draw_[b];
      return a < b;
    });
    auto take = [&](bool backbone_only) {
      for (int t : candidates) {
        if (taken[t]) continue;
        if (backbone_only && !IsBackbone(teachers_[t]->backbone)) continue;
        taken[t] = 1;
        mandatory_[t] = 1;
        ++g.selected;
        ++movers;
        if (IsBackbone(teachers_[t]->backbone)) ++backbone;
        return true;
      }
      return false;
    };
    while (true) {
      int64_t planned = std::max(g.required, movers);
      if (backbone < CeilPercent(ep_.backbone_share_percent, planned) &&
          take(true)) {
        continue;
      }
      if (movers < g.required && take(false)) continue;
      break;
    }
  }
}

absl::Status Run::MandatoryByPreference() {
  const int nt = static_cast<int>(teachers_.size());
  std::vector<std::vector<int>> prefs(nt);
  for (int t = 0; t < nt; ++t) {
    if (!mandatory_[t] || app_[t] == nullptr) continue;
    for (int s : app_schools_[t]) {
      if (MandatoryAllowed(t, s) && Qualification(t, s) > 0) {
        prefs[t].push_back(s);
      }
    }
  }
  // Only listed mandatory movers move (MoveByMarket checks it).
  return MoveByMarket(prefs, engine::Mechanism::kTenureDeferredAcceptance,
                      Phase::kMandatoryPreference);
}

absl::Status Run::Allocate() {
  const int nt = static_cast<int>(teachers_.size());
  const int ns = static_cast<int>(schools_.size());
  const int64_t secondary =
      policy_.competitive_hiring.allocation_secondary_subject_cost;
  std::vector<int> waiting;
  std::vector<uint8_t> is_waiting(nt, 0);
  for (int t = 0; t < nt; ++t) {
    if (!mandatory_[t] || cur_[t] != orig_[t]) continue;
    waiting.push_back(t);
    is_waiting[t] = 1;
  }
  if (waiting.empty()) return absl::OkStatus();
  // Options are only ever needed at schools with a free seat, and most
  // schools never have one: each school's list of (cost, waiting mover it
  // may take: allowed direction, qualified) is built the first time it has
  // a free seat, cheapest first (ties by teacher).
  std::vector<std::vector<AssignmentOption>> takers(ns);  // post = teacher
  std::vector<uint8_t> built(ns, 0);
  // Waiting movers by the class of their school (principals apart: they may
  // go anywhere), so that a school visits only those who may come, and
  // distances by origin school, computed once per school built.
  std::vector<std::vector<int>> waiting_of_class(kNumClasses);
  std::vector<int> waiting_principals;
  for (int t : waiting) {
    if (status_[t] == Status::kPrincipalRotate) {
      waiting_principals.push_back(t);
    } else {
      waiting_of_class[school_class_[orig_[t]]].push_back(t);
    }
  }
  std::vector<int64_t> km_from(ns, -1);
  std::vector<uint8_t> subject_mask(subject_schools_.size(), 0);
  std::vector<uint64_t> keys;
  std::vector<Geo> geo(ns);
  for (int s = 0; s < ns; ++s) geo[s] = MakeGeo(*schools_[s]);
  auto build = [&](int s) {
    built[s] = 1;
    std::vector<AssignmentOption>& v = takers[s];
    // Qualification(t, s) with the school's subjects spread out by id.
    for (auto [id, mask] : school_subjects_[s]) subject_mask[id] = mask;
    const bool postless = posts_of_[s].empty();
    auto take = [&](int t) {
      int q = 0;
      if (postless) {
        q = (school_stage_mask_[s] & stage_mask_[t]) != 0 ? 1 : 0;
      } else {
        const std::vector<int>& ids = subject_ids_[t];
        for (size_t i = 0; i < ids.size() && q == 0; ++i) {
          if (ids[i] != kNone && (subject_mask[ids[i]] & stage_mask_[t]) != 0) {
            q = i == 0 ? 1 : 2;
          }
        }
      }
      if (q == 0) return;
      const int from = orig_[t];
      if (km_from[from] < 0) {
        km_from[from] = std::llround(DistanceKm(geo[from], geo[s]));
      }
      v.push_back({t, km_from[from] * ep_.allocation_cost_per_km +
                          (q == 2 ? secondary : 0)});
    };
    std::fill(km_from.begin(), km_from.end(), -1);
    for (int c = 0; c < kNumClasses; ++c) {
      if (!DirectionAllows(c, school_class_[s])) continue;
      for (int t : waiting_of_class[c]) take(t);
    }
    for (int t : waiting_principals) {
      if (orig_[t] != s) take(t);
    }
    for (auto [id, mask] : school_subjects_[s]) subject_mask[id] = 0;
    // By cost, then teacher: as one integer key when both fit (they do
    // unless the county has 2^24 teachers), which sorts much faster.
    constexpr int kTeacherBits = 24;
    const bool packed =
        nt < (1 << kTeacherBits) &&
        std::all_of(v.begin(), v.end(), [](const AssignmentOption& o) {
          return o.cost < (int64_t{1} << (64 - kTeacherBits - 1));
        });
    if (packed) {
      keys.clear();
      for (const AssignmentOption& o : v) {
        keys.push_back(static_cast<uint64_t>(o.cost) << kTeacherBits |
                       static_cast<uint64_t>(o.post));
      }
      std::sort(keys.begin(), keys.end());
      for (size_t i = 0; i < keys.size(); ++i) {
        v[i] = {static_cast<int>(keys[i] & ((1u << kTeacherBits) - 1)),
                static_cast<int64_t>(keys[i] >> kTeacherBits)};
      }
    } else {
      std::sort(v.begin(), v.end(),
                [](const AssignmentOption& a, const AssignmentOption& b) {
                  return a.cost != b.cost ? a.cost < b.cost : a.post < b.post;
                });
    }
  };
  std::vector<int64_t> count(ns, 0);
  for (int t = 0; t < nt; ++t) ++count[cur_[t]];
  std::vector<int> member_of(nt, kNone);
  while (!waiting.empty()) {
    // Free seats, and the waiting movers who can take one of them.
    std::vector<int> school_of_post;
    std::vector<int64_t> capacity;
    std::vector<std::vector<AssignmentOption>> by_post;  // post = member
    std::vector<int> members;
    int64_t seats = 0;
    for (int s = 0; s < ns; ++s) {
      if (count[s] >= limit_[s]) continue;
      if (!built[s]) build(s);
      std::vector<AssignmentOption> v;
      for (AssignmentOption o : takers[s]) {
        const int t = o.post;
        if (!is_waiting[t]) continue;
        if (member_of[t] == kNone) {
          member_of[t] = static_cast<int>(members.size());
          members.push_back(t);
        }
        v.push_back({member_of[t], o.cost});
      }
      if (v.empty()) continue;
      school_of_post.push_back(s);
      capacity.push_back(limit_[s] - count[s]);
      seats += capacity.back();
      by_post.push_back(std::move(v));
    }
    if (members.empty()) break;
    const int np = static_cast<int>(capacity.size());
    const int nm = static_cast<int>(members.size());
    // The most movers placed, then the least cost, exactly as SolveAssignment
    // over every option with no unassigned option would give, by pricing the
    // long option lists (engine/rules/internal/priced_assignment.h). The
    // matching reads the same from either side, and the solver is fastest
    // when the side it places one by one is the smaller: when free seats
    // are fewer than movers, each seat is placed at a mover instead (every
    // mover a post of capacity 1).
    std::vector<int> school_of_member(nm, kNone);
    if (seats < nm) {
      std::vector<std::vector<AssignmentOption>> seat_options;
      std::vector<int> post_of_seat;
      for (int p = 0; p < np; ++p) {
        for (int64_t i = 0; i < capacity[p]; ++i) {
          seat_options.push_back(by_post[p]);
          post_of_seat.push_back(p);
        }
      }
      ROTA_ASSIGN_OR_RETURN(internal::PricedAssignmentResult r,
                            internal::SolvePricedAssignment(
                                std::vector<int64_t>(nm, 1), seat_options));
      for (size_t u = 0; u < post_of_seat.size(); ++u) {
        const int k = r.post_of_teacher[u];
        if (k != kUnassigned)
          school_of_member[k] = school_of_post[post_of_seat[u]];
      }
    } else {
      std::vector<std::vector<AssignmentOption>> options(nm);
      for (int p = 0; p < np; ++p) {
        for (AssignmentOption o : by_post[p]) {
          options[o.post].push_back({p, o.cost});
        }
      }
      for (auto& v : options) {
        // By cost, ties by school (posts are in school order).
        std::stable_sort(
            v.begin(), v.end(),
            [](const AssignmentOption& a, const AssignmentOption& b) {
              return a.cost < b.cost;
            });
      }
      ROTA_ASSIGN_OR_RETURN(internal::PricedAssignmentResult r,
                            internal::SolvePricedAssignment(capacity, options));
      for (int k = 0; k < nm; ++k) {
        const int p = r.post_of_teacher[k];
        if (p != kUnassigned) school_of_member[k] = school_of_post[p];
      }
    }
    bool progress = false;
    for (int k = 0; k < nm; ++k) {
      const int t = members[k];
      member_of[t] = kNone;
      const int s = school_of_member[k];
      if (s == kNone) continue;
      --count[cur_[t]];
      cur_[t] = s;
      ++count[s];
      is_waiting[t] = 0;
      phase_[t] = Phase::kAllocation;
      progress = true;
    }
    if (!progress) break;
    std::vector<int> still;
    for (int t : waiting) {
      if (is_waiting[t]) still.push_back(t);
    }
    waiting.swap(still);
  }
  return absl::OkStatus();
}

std::string Run::SelectionSentence(int t) const {
  if (status_[t] == Status::kPrincipalRotate) {
    return "must rotate under the principal rule";
  }
  if (status_[t] != Status::kEligible) return "";
  if (pin_target_[t] != kNone) return "placement fixed by a lock or override";
  if (cur_[t] != orig_[t] && !mandatory_[t]) {
    return "moved voluntarily; counts towards the rotation share";
  }
  if (mandatory_[t]) {
    return absl::StrCat("selected to rotate (",
                        IsBackbone(teachers_[t]->backbone) ? "backbone; " : "",
                        "selection order then lottery)");
  }
  if (no_target_[t]) {
    return "not selected: no qualified school lies in an allowed direction "
           "for a mandatory move";
  }
  return "not selected: the rotation share was met by teachers picked before "
         "her (selection order then lottery)";
}

TeacherExplanation Run::Explain(int t) const {
  TeacherExplanation e;
  e.teacher = TeacherId(t);  // points_breakdown: moved in by Finish
  e.notes.push_back(status_reason_[t]);
  const std::string& sel = selection_[t];
  if (!sel.empty()) e.notes.push_back(sel);
  if (pin_target_[t] != kNone) {
    e.notes.push_back(absl::StrCat(pin_override_[t] ? "override" : "lock", ": ",
                                   pin_reason_[t]));
  }
  if (app_[t] == nullptr) return e;
  const int f = cur_[t];
  const bool mand = mandatory_[t] != 0;
  // A mandatory mover left at her own school did not "get" it even if she
  // listed it: she is unplaced, and every choice gets its real verdict.
  const bool unplaced = mand && f == orig_[t];
  int got_rank = 0;
  for (size_t i = 0; i < app_schools_[t].size() && !unplaced; ++i) {
    if (app_schools_[t][i] == f) got_rank = static_cast<int>(i) + 1;
  }
  int own_rank = 0;
  for (size_t i = 0; i < app_schools_[t].size(); ++i) {
    if (app_schools_[t][i] == orig_[t]) own_rank = static_cast<int>(i) + 1;
  }
  const bool vol = app_[t]->voluntary && status_[t] != Status::kExempt;
  const std::vector<int64_t>& count = final_count_;
  for (size_t i = 0; i < app_schools_[t].size(); ++i) {
    const int s = app_schools_[t][i];
    const int rank = static_cast<int>(i) + 1;
    ChoiceExplanation c;
    c.choice = Name(s);
    c.rank = rank;
    c.teacher_points = points_[t].total;
    c.admitted = static_cast<int32_t>(count[s]);
    const School& sc = *schools_[s];
    auto set = [&](Verdict v, std::string sentence) {
      c.verdict = v;
      c.sentence = std::move(sentence);
    };
    if (s == f && !unplaced) {
      set(Verdict::kGot, s == orig_[t] ? absl::StrCat("she stays at ", c.choice)
                                       : absl::StrCat("placed at ", c.choice,
                                                      " (choice ", rank, ")"));
    } else if (got_rank > 0 && rank > got_rank) {
      set(Verdict::kBetterChoiceHeld,
          absl::StrCat("she holds ", Name(f), ", her choice ", got_rank));
    } else if (status_[t] == Status::kExempt) {
      set(Verdict::kExempt, "she is exempt and never moves");
    } else if (pin_target_[t] != kNone) {
      set(Verdict::kNotReached,
          absl::StrCat("her placement is fixed by ",
                       pin_override_[t] ? "an override" : "a lock", ": ",
                       pin_reason_[t]));
    } else if (Qualification(t, s) == 0) {
      set(Verdict::kNotQualified,
          absl::StrCat(c.choice, " has no post for her subjects (",
                       absl::StrJoin(teachers_[t]->subjects, ", "),
                       ") at a stage her certificate covers"));
    } else if (s == orig_[t]) {
      set(Verdict::kQuota,
          mand ? "she must rotate, so she cannot stay at her own school"
               : "she could not stay at her own school");
    } else {
      const bool vol_considered =
          vol && (own_rank == 0 || rank < own_rank) && VoluntaryAllowed(t, s);
      const bool mand_considered = mand && MandatoryAllowed(t, s);
      if (!vol_considered && !mand_considered) {
        if (vol && own_rank > 0 && rank > own_rank) {
          set(Verdict::kNotReached,
              absl::StrCat("listed after her own school (choice ", own_rank,
                           "): staying ranks above it"));
        } else if (mand && !MandatoryAllowed(t, s)) {
          set(Verdict::kDirection,
              absl::StrCat("a mandatory move must go to a school of lower "
                           "locality or from a non-weak to a weak school; ",
                           c.choice, " is ", Sv(LocalityName(sc.locality)),
                           sc.weak ? " (weak)" : "", " and her school is ",
                           Sv(LocalityName(schools_[orig_[t]]->locality)),
                           schools_[orig_[t]]->weak ? " (weak)" : ""));
        } else if (vol && !VoluntaryAllowed(t, s)) {
          set(Verdict::kDirection,
              "moves from rural schools to urban or town schools are not "
              "allowed by the policy (allow_rural_to_urban_training)");
        } else if (status_[t] == Status::kEligible ||
                   status_[t] == Status::kPrincipalRotate) {
          set(Verdict::kQuota,
              absl::StrCat("she did not apply voluntarily and was ",
                           selection_[t]));
        } else {
          set(Verdict::kQuota,
              absl::StrCat("she did not apply voluntarily and cannot be "
                           "made to rotate: ",
                           status_reason_[t]));
        }
      } else if (count[s] >= limit_[s]) {
        // Occupants are sorted best first: the last who outranks her.
        int best = kNone;
        for (auto it = occupants_[s].rbegin(); it != occupants_[s].rend();
             ++it) {
          if (*it != t && Outranks(*it, t, s)) {
            best = *it;
            break;
          }
        }
        if (best != kNone) {
          c.competitor = TeacherId(best);
          c.competitor_points = points_[best].total;
          c.competitor_by_tenure =
              orig_[best] == s && pin_target_[best] == kNone;
          std::string how =
              pin_target_[best] != kNone
                  ? "holds her seat there by an administrator's lock or "
                    "override"
              : c.competitor_by_tenure
                  ? "keeps her own seat there (tenure)"
                  : absl::StrCat("has higher priority (", c.competitor_points,
                                 " vs ", c.teacher_points,
                                 " centipoints, then tie "
                                 "chain and lottery)");
          set(Verdict::kFull,
              absl::StrCat(c.choice, " is full (", count[s], " staff, limit ",
                           limit_[s], "); ", c.competitor, ", the last of ",
                           "those there who outrank her, ", how));
        } else if (vol_considered &&
                   mechanism_ ==
                       VoluntaryMechanism::kTeacherOptimalBlockExchange) {
          set(Verdict::kNotReached,
              absl::StrCat("TO-BE moves voluntary applicants only by "
                           "exchanges that leave every school at least as "
                           "well off, and none brought her to ",
                           c.choice,
                           "; its seats went to teachers who hold them by "
                           "such exchanges or by later phases"));
        } else {
          set(Verdict::kNotReached,
              absl::StrCat(c.choice,
                           "'s seats were filled after she had "
                           "been placed, in a later phase"));
        }
      } else {
        set(Verdict::kNotReached,
            absl::StrCat("a seat at ", c.choice,
                         " was freed only after she had been placed"));
      }
    }
    e.choices.push_back(std::move(c));
  }
  return e;
}

std::vector<EligibilityEntry> Run::Eligibility() const {
  std::vector<EligibilityEntry> out;
  for (size_t i = 0; i < teachers_.size(); ++i) {
    const int t = static_cast<int>(i);
    EligibilityEntry e;
    e.teacher = TeacherId(t);
    e.school = Name(orig_[t]);
    e.eligible = status_[t] == Status::kEligible ||
                 status_[t] == Status::kPrincipalRotate;
    e.mandatory = mandatory_[t] || status_[t] == Status::kPrincipalRotate;
    e.voluntary = app_[t] != nullptr && app_[t]->voluntary;
    e.exempt = status_[t] == Status::kExempt;
    e.points = points_[t].total;
    e.reason = status_reason_[t];
    out.push_back(std::move(e));
  }
  return out;
}

RoundOutcome Run::Finish() {
  RoundOutcome out;
  out.kind = RoundKind::kExchangeRotation;
  out.seed = in_.seed;
  out.mechanism = absl::StrCat(
      "voluntary ", Sv(VoluntaryMechanismName(mechanism_)),
      "; mandatory da-star by preference; county allocation min-cost");
  const int nt = static_cast<int>(teachers_.size());
  const int ns = static_cast<int>(schools_.size());
  std::vector<int64_t> count(ns, 0);
  for (int t = 0; t < nt; ++t) ++count[cur_[t]];
  selection_.resize(nt);
  for (int t = 0; t < nt; ++t) selection_[t] = SelectionSentence(t);
  out.placements.reserve(nt);
  if (explanations_) out.explanations.reserve(nt);
  const std::string vol_via =
      absl::StrCat("voluntary (", Sv(VoluntaryMechanismName(mechanism_)), ")");
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    Placement p;
    p.teacher = x.id;
    p.from_school = x.school;
    p.from_post = x.post;
    p.to_school = Name(cur_[t]);
    const bool moved = cur_[t] != orig_[t];
    p.to_post = moved ? "" : x.post;
    p.mandatory = mandatory_[t] != 0;
    p.points = points_[t].total;
    if (pin_target_[t] != kNone) {
      p.locked = !pin_override_[t];
      p.overridden = pin_override_[t];
      p.override_reason = pin_reason_[t];
    }
    if (app_[t] != nullptr && moved) {
      for (size_t i = 0; i < app_schools_[t].size(); ++i) {
        if (app_schools_[t][i] == cur_[t]) p.choice = static_cast<int>(i) + 1;
      }
    }
    switch (phase_[t]) {
      case Phase::kPin:
        p.via = pin_override_[t] ? "override" : "lock";
        break;
      case Phase::kVoluntary:
        p.via = vol_via;
        break;
      case Phase::kVoluntaryFreeSeats:
        p.via = "voluntary (da-star after to-be)";
        break;
      case Phase::kMandatoryPreference:
        p.via = "mandatory by preference (da-star)";
        break;
      case Phase::kAllocation:
        p.via = "county allocation (min-cost)";
        break;
      case Phase::kFreedSeats:
        p.via = "seats freed by later phases (da-star)";
        break;
      case Phase::kStay:
        break;
    }
    if (moved && ep_.mode == ExchangeMode::kTermExchange) {
      p.return_day = AddYears(in_.effective_day, ep_.term_years);
    }
    const std::string mode =
        ep_.mode == ExchangeMode::kTermExchange
            ? absl::StrCat("term exchange until ",
                           moved ? FormatDate(*p.return_day) : "")
            : "transfer";
    if (status_[t] == Status::kExempt) {
      p.outcome = Outcome::kExempt;
      p.reason = status_reason_[t];
    } else if (moved) {
      p.outcome = Outcome::kMoved;
      p.reason = absl::StrCat(
          "moves to ", p.to_school, " by ", p.via,
          p.choice > 0 ? absl::StrCat(", choice ", p.choice) : std::string(),
          "; ", mode);
    } else if (status_[t] == Status::kInspector) {
      p.outcome = Outcome::kInspector;
      p.reason = status_reason_[t];
    } else if (mandatory_[t]) {
      p.outcome = Outcome::kUnplaced;
      p.reason = absl::StrCat(
          "must rotate but could not be placed: all ", CountAllowedTargets(t),
          " qualified schools in an allowed direction are full; she stays at ",
          x.school);
    } else {
      p.outcome = Outcome::kStayed;
      const std::string& sel = selection_[t];
      p.reason = pin_target_[t] != kNone
                     ? absl::StrCat("stays at ", x.school, " (",
                                    pin_override_[t] ? "override" : "lock", ")")
                 : sel.empty() ? absl::StrCat("stays at ", x.school, "; ",
                                              status_reason_[t])
                               : absl::StrCat("stays at ", x.school, "; ", sel);
    }
    out.placements.push_back(std::move(p));
  }
  final_count_ = count;
  occupants_.assign(ns, {});
  for (int t = 0; t < nt; ++t) occupants_[cur_[t]].push_back(t);
  for (auto& v : occupants_) {
    std::sort(v.begin(), v.end(),
              [&](int a, int b) { return prank_[a] < prank_[b]; });
  }
  for (int t = 0; t < nt && explanations_; ++t) {
    out.explanations.push_back(Explain(t));
    // Their last use: moved, not copied (and freed once, with the outcome).
    out.explanations.back().points_breakdown = std::move(points_[t].components);
  }
  out.eligibility = Eligibility();
  for (int t = 0; t < nt; ++t) {
    const std::string& sel = selection_[t];
    if (!sel.empty()) absl::StrAppend(&out.eligibility[t].reason, "; ", sel);
  }

  // Quota lines.
  const bool county = ep_.share_scope == ShareScope::kCountyWide;
  int64_t sum_required = 0, sum_achieved = 0, sum_bb_required = 0,
          sum_bb_achieved = 0;
  std::vector<std::string> failing_rotation, failing_backbone;
  for (const Group& g : groups_) {
    if (g.eligible == 0) continue;
    int64_t achieved = 0, bb = 0, unplaced = 0, pinned_stay = 0;
    for (int t : g.members) {
      if (cur_[t] != orig_[t]) {
        ++achieved;
        if (IsBackbone(teachers_[t]->backbone)) ++bb;
      } else if (mandatory_[t]) {
        ++unplaced;
      } else if (pin_target_[t] != kNone) {
        ++pinned_stay;
      }
    }
    QuotaLine rot;
    rot.scope = g.scope;
    rot.quota = "rotation share";
    rot.required = g.required;
    rot.achieved = achieved;
    rot.holds = achieved >= g.required;
    if (!rot.holds) {
      rot.reason = absl::StrCat("required ", g.required, " (",
                                ep_.rotation_share_percent, "% of ", g.eligible,
                                " eligible");
      if (g.exempt_would_be > 0) {
        absl::StrAppend(&rot.reason, "; ", g.exempt_would_be,
                        " exempt not counted");
      }
      absl::StrAppend(&rot.reason, "); ", g.voluntary_movers,
                      " moved voluntarily or by lock/override, ", g.selected,
                      " selected");
      if (g.no_target > 0) {
        absl::StrAppend(&rot.reason, "; ", g.no_target,
                        " eligible have no qualified school in an allowed "
                        "direction");
      }
      if (pinned_stay > 0) {
        absl::StrAppend(&rot.reason, "; ", pinned_stay,
                        " kept in place by lock/override");
      }
      if (unplaced > 0) {
        absl::StrAppend(&rot.reason, "; ", unplaced,
                        " selected could not be placed (every qualified "
                        "school in an allowed direction is full)");
      }
      failing_rotation.push_back(g.scope);
    }
    QuotaLine bbl;
    bbl.scope = g.scope;
    bbl.quota = "backbone share";
    bbl.required = CeilPercent(ep_.backbone_share_percent, achieved);
    bbl.achieved = bb;
    bbl.holds = bb >= bbl.required;
    if (!bbl.holds) {
      int64_t bb_unplaced = 0, bb_no_target = 0;
      for (int t : g.members) {
        if (!IsBackbone(teachers_[t]->backbone)) continue;
        if (mandatory_[t] && cur_[t] == orig_[t]) ++bb_unplaced;
        if (no_target_[t]) ++bb_no_target;
      }
      bbl.reason = absl::StrCat("required ", bbl.required, " (",
                                ep_.backbone_share_percent, "% of ", achieved,
                                " movers); only ", g.backbone_eligible,
                                " backbone teachers eligible");
      if (g.backbone_exempt > 0) {
        absl::StrAppend(&bbl.reason, " (", g.backbone_exempt, " more exempt)");
      }
      if (bb_no_target > 0) {
        absl::StrAppend(&bbl.reason, "; ", bb_no_target,
                        " of them have no qualified school in an allowed "
                        "direction");
      }
      if (bb_unplaced > 0) {
        absl::StrAppend(&bbl.reason, "; ", bb_unplaced,
                        " selected could not be placed");
      }
      failing_backbone.push_back(g.scope);
    }
    sum_required += rot.required;
    sum_achieved += achieved;
    sum_bb_required += bbl.required;
    sum_bb_achieved += bb;
    out.quotas.push_back(std::move(rot));
    out.quotas.push_back(std::move(bbl));
  }
  auto list = [](const std::vector<std::string>& v) {
    std::vector<std::string> head(v.begin(),
                                  v.begin() + std::min<size_t>(v.size(), 10));
    return absl::StrCat(absl::StrJoin(head, ", "),
                        v.size() > 10 ? ", ..." : "");
  };
  if (!county) {
    QuotaLine rot;
    rot.scope = "county";
    rot.quota = "rotation share";
    rot.required = sum_required;
    rot.achieved = sum_achieved;
    rot.holds = sum_achieved >= sum_required;
    if (!rot.holds) {
      rot.reason =
          absl::StrCat(failing_rotation.size(),
                       " schools below their share: ", list(failing_rotation));
    }
    QuotaLine bbl;
    bbl.scope = "county";
    bbl.quota = "backbone share";
    bbl.required = sum_bb_required;
    bbl.achieved = sum_bb_achieved;
    bbl.holds = sum_bb_achieved >= sum_bb_required;
    if (!bbl.holds) {
      bbl.reason =
          absl::StrCat(failing_backbone.size(),
                       " schools below their share: ", list(failing_backbone));
    }
    out.quotas.push_back(std::move(rot));
    out.quotas.push_back(std::move(bbl));
  }
  int64_t principals = 0, principals_moved = 0;
  std::vector<std::string> principals_stuck;
  for (int t = 0; t < nt; ++t) {
    if (status_[t] != Status::kPrincipalRotate) continue;
    ++principals;
    if (cur_[t] != orig_[t]) {
      ++principals_moved;
    } else {
      principals_stuck.push_back(TeacherId(t));
    }
  }
  if (principals > 0) {
    QuotaLine q;
    q.scope = "county";
    q.quota = "principal rotation";
    q.required = principals;
    q.achieved = principals_moved;
    q.holds = principals_moved == principals;
    if (!q.holds) {
      q.reason = absl::StrCat(
          "not moved (no free seat at a qualified school, "
          "or kept by lock/override): ",
          list(principals_stuck));
    }
    out.quotas.push_back(std::move(q));
  }
  out.notes.push_back(absl::StrCat(
      "shares ", county ? "county-wide" : "per school", ": rotation ",
      ep_.rotation_share_percent, "% of the eligible, backbone ",
      ep_.backbone_share_percent, "% of movers"));
  out.notes.push_back(ep_.mode == ExchangeMode::kTermExchange
                          ? absl::StrCat("term exchange of ", ep_.term_years,
                                         " years: movers return on ",
                                         FormatDate(AddYears(in_.effective_day,
                                                             ep_.term_years)))
                          : std::string("transfer: personnel relations move"));
  out.notes.push_back(absl::StrCat("voluntary applicants by ",
                                   Sv(VoluntaryMechanismName(mechanism_))));
  FinishOutcome(in_, &out);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<EligibilityEntry>> ComputeEligibility(
    const CountyInputs& inputs, const RoundPolicy& policy) {
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kExchangeRotation));
  Run run(inputs, policy, RunParameters{});
  run.Prepare();
  return run.Eligibility();
}

absl::StatusOr<RoundOutcome> RunExchangeRotation(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters, const OutcomeOptions& options) {
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kExchangeRotation));
  if (parameters.voluntary_mechanism.has_value()) {
    int v = static_cast<int>(*parameters.voluntary_mechanism);
    if (v < 1 || v > 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameters.voluntary_mechanism: unknown value ", v));
    }
  }
  Run run(inputs, policy, parameters, options);
  run.Prepare();
  ROTA_RETURN_IF_ERROR(run.ApplyPins());
  ROTA_RETURN_IF_ERROR(run.Voluntary());
  run.Select();
  ROTA_RETURN_IF_ERROR(run.MandatoryByPreference());
  ROTA_RETURN_IF_ERROR(run.Allocate());
  ROTA_RETURN_IF_ERROR(run.FreedSeats());
  ROTA_RETURN_IF_ERROR(run.CheckPinnedCapacity());
  return run.Finish();
}

}  // namespace rota::engine::rules
