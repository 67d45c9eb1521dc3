#include "engine/rules/round_outcome.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/rules/internal/strings.h"

namespace rota::engine::rules {

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kUnspecified:
      return "OUTCOME_UNSPECIFIED";
    case Outcome::kStayed:
      return "STAYED";
    case Outcome::kMoved:
      return "MOVED";
    case Outcome::kUnplaced:
      return "UNPLACED";
    case Outcome::kExempt:
      return "EXEMPT";
    case Outcome::kInspector:
      return "INSPECTOR";
    case Outcome::kDownHired:
      return "DOWN_HIRED";
    case Outcome::kUpHired:
      return "UP_HIRED";
    case Outcome::kItinerant:
      return "ITINERANT";
    case Outcome::kRecruited:
      return "RECRUITED";
    case Outcome::kNotRecruited:
      return "NOT_RECRUITED";
  }
  return "UNKNOWN";
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kGot:
      return "GOT";
    case Verdict::kBetterChoiceHeld:
      return "BETTER_CHOICE_HELD";
    case Verdict::kFull:
      return "FULL";
    case Verdict::kNotQualified:
      return "NOT_QUALIFIED";
    case Verdict::kReserved:
      return "RESERVED";
    case Verdict::kExempt:
      return "EXEMPT";
    case Verdict::kQuota:
      return "QUOTA";
    case Verdict::kDirection:
      return "DIRECTION";
    case Verdict::kNotReached:
      return "NOT_REACHED";
  }
  return "UNKNOWN";
}

std::string_view RouteName(Route r) {
  switch (r) {
    case Route::kNone:
      return "NONE";
    case Route::kLock:
      return "LOCK";
    case Route::kOverride:
      return "OVERRIDE";
    case Route::kExempt:
      return "EXEMPT";
    case Route::kVoluntaryToBe:
      return "VOLUNTARY_TO_BE";
    case Route::kVoluntaryDaStar:
      return "VOLUNTARY_DA_STAR";
    case Route::kVoluntaryAfterToBe:
      return "VOLUNTARY_AFTER_TO_BE";
    case Route::kMandatoryByPreference:
      return "MANDATORY_BY_PREFERENCE";
    case Route::kCountyAllocation:
      return "COUNTY_ALLOCATION";
    case Route::kFreedSeats:
      return "FREED_SEATS";
    case Route::kTermReturn:
      return "TERM_RETURN";
    case Route::kLeadershipMarket:
      return "LEADERSHIP_MARKET";
    case Route::kCompetition:
      return "COMPETITION";
    case Route::kInSchoolStage1:
      return "IN_SCHOOL_STAGE1";
    case Route::kCrossSchoolStage2:
      return "CROSS_SCHOOL_STAGE2";
    case Route::kUnplaced:
      return "UNPLACED";
    case Route::kRecruitment:
      return "RECRUITMENT";
    case Route::kNotRecruited:
      return "NOT_RECRUITED";
    case Route::kItinerantAssignment:
      return "ITINERANT_ASSIGNMENT";
  }
  return "UNKNOWN";
}

std::string_view RouteSentence(Route r) {
  switch (r) {
    case Route::kNone:
      return "";
    case Route::kLock:
      return "lock";
    case Route::kOverride:
      return "override";
    case Route::kExempt:
      return "exempt";
    case Route::kVoluntaryToBe:
      return "voluntary (to-be)";
    case Route::kVoluntaryDaStar:
      return "voluntary (da-star)";
    case Route::kVoluntaryAfterToBe:
      return "voluntary (da-star after to-be)";
    case Route::kMandatoryByPreference:
      return "mandatory by preference (da-star)";
    case Route::kCountyAllocation:
      return "county allocation (min-cost)";
    case Route::kFreedSeats:
      return "seats freed by later phases (da-star)";
    case Route::kTermReturn:
      return "return from a term exchange";
    case Route::kLeadershipMarket:
      return "leadership rotation (exact assignment)";
    case Route::kCompetition:
      return "competition (simultaneous da-star)";
    case Route::kInSchoolStage1:
      return "in-school competition (sequential stage 1)";
    case Route::kCrossSchoolStage2:
      return "cross-school competition (sequential stage 2)";
    case Route::kUnplaced:
      return "unplaced (待岗)";
    case Route::kRecruitment:
      return "recruitment (applicant-proposing da with reserves)";
    case Route::kNotRecruited:
      return "not recruited";
    case Route::kItinerantAssignment:
      return "itinerant assignment";
  }
  return "";
}

std::string_view ReasonName(Reason r) {
  switch (r) {
    case Reason::kNone:
      return "NONE";
    case Reason::kEligible:
      return "ELIGIBLE";
    case Reason::kExempt:
      return "EXEMPT";
    case Reason::kNonEstablished:
      return "NON_ESTABLISHED";
    case Reason::kOutOfStageScope:
      return "OUT_OF_STAGE_SCOPE";
    case Reason::kLeaderNotDue:
      return "LEADER_NOT_DUE";
    case Reason::kLeaderMustRotate:
      return "LEADER_MUST_ROTATE";
    case Reason::kLeaderInspector:
      return "LEADER_INSPECTOR";
    case Reason::kTooFewYears:
      return "TOO_FEW_YEARS";
    case Reason::kNearRetirement:
      return "NEAR_RETIREMENT";
    case Reason::kTermReturn:
      return "TERM_RETURN";
    case Reason::kCompetesWithApplication:
      return "COMPETES_WITH_APPLICATION";
    case Reason::kCompetesForOwnSchool:
      return "COMPETES_FOR_OWN_SCHOOL";
    case Reason::kPinned:
      return "PINNED";
    case Reason::kMovedVoluntarily:
      return "MOVED_VOLUNTARILY";
    case Reason::kSelected:
      return "SELECTED";
    case Reason::kShareNotCarried:
      return "SHARE_NOT_CARRIED";
    case Reason::kNoTargetInDirection:
      return "NO_TARGET_IN_DIRECTION";
    case Reason::kShareMet:
      return "SHARE_MET";
    case Reason::kLeaderNoVacatableSeat:
      return "LEADER_NO_VACATABLE_SEAT";
    case Reason::kLeaderBeyondCap:
      return "LEADER_BEYOND_CAP";
    case Reason::kLeaderWithinCap:
      return "LEADER_WITHIN_CAP";
    case Reason::kMovedByRoute:
      return "MOVED_BY_ROUTE";
    case Reason::kNoFreeSeatInDirection:
      return "NO_FREE_SEAT_IN_DIRECTION";
    case Reason::kLeaderNoPartner:
      return "LEADER_NO_PARTNER";
    case Reason::kLeaderNoSeatVacated:
      return "LEADER_NO_SEAT_VACATED";
    case Reason::kLeaderNoCycle:
      return "LEADER_NO_CYCLE";
    case Reason::kHiredInCompetition:
      return "HIRED_IN_COMPETITION";
    case Reason::kAllocated:
      return "ALLOCATED";
    case Reason::kLostToEstablished:
      return "LOST_TO_ESTABLISHED";
    case Reason::kNoFittingPost:
      return "NO_FITTING_POST";
    case Reason::kAllQualifiedFull:
      return "ALL_QUALIFIED_FULL";
    case Reason::kLostThenAllFull:
      return "LOST_THEN_ALL_FULL";
    case Reason::kRecruited:
      return "RECRUITED";
    case Reason::kInterviewFailed:
      return "INTERVIEW_FAILED";
    case Reason::kBelowMinScore:
      return "BELOW_MIN_SCORE";
    case Reason::kListedNoPost:
      return "LISTED_NO_POST";
    case Reason::kNoListedPostTookHer:
      return "NO_LISTED_POST_TOOK_HER";
    case Reason::kItinerantAssigned:
      return "ITINERANT_ASSIGNED";
  }
  return "UNKNOWN";
}

std::string_view QuotaName(QuotaCode q) {
  switch (q) {
    case QuotaCode::kNone:
      return "";
    case QuotaCode::kRotationShare:
      return "rotation share";
    case QuotaCode::kBackboneShare:
      return "backbone share";
    case QuotaCode::kPrincipalRotation:
      return "principal rotation";
    case QuotaCode::kGenderRule:
      return "gender rule";
  }
  return "";
}

const Placement* RoundOutcome::FindPlacement(std::string_view teacher) const {
  auto it = std::lower_bound(
      placements.begin(), placements.end(), teacher,
      [](const Placement& p, std::string_view id) { return p.teacher < id; });
  return it != placements.end() && it->teacher == teacher ? &*it : nullptr;
}

const TeacherExplanation* RoundOutcome::FindExplanation(
    std::string_view teacher) const {
  auto it =
      std::lower_bound(explanations.begin(), explanations.end(), teacher,
                       [](const TeacherExplanation& e, std::string_view id) {
                         return e.teacher < id;
                       });
  return it != explanations.end() && it->teacher == teacher ? &*it : nullptr;
}

namespace {

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Bool(bool b) { U8(b ? 1 : 0); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void I32(int32_t v) { U32(static_cast<uint32_t>(v)); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  void Raw(std::string_view s) { out_.append(s.data(), s.size()); }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Placed at a post by the round (possibly her own, by the band rules).
bool IsHire(Outcome o) {
  return o == Outcome::kMoved || o == Outcome::kDownHired ||
         o == Outcome::kUpHired || o == Outcome::kRecruited;
}

bool IsMove(const Placement& p) {
  return IsHire(p.outcome) &&
         (p.to_school != p.from_school || p.to_post != p.from_post);
}

}  // namespace

namespace {

void EncodeV1(const RoundOutcome& o, Writer& w) {
  w.Raw("ROTA-ROUND");
  w.U8(kOutcomeEncodingV1);
  w.U8(static_cast<uint8_t>(o.kind));
  w.U64(o.seed);
  w.Str(o.mechanism);
  w.U32(static_cast<uint32_t>(o.placements.size()));
  for (const Placement& p : o.placements) {
    w.Str(p.teacher);
    w.Str(p.from_school);
    w.Str(p.from_post);
    w.Str(p.to_school);
    w.Str(p.to_post);
    w.U8(static_cast<uint8_t>(p.outcome));
    w.I32(p.choice);
    w.Str(p.via);
    w.Bool(p.mandatory);
    w.Bool(p.locked);
    w.Bool(p.overridden);
    w.Str(p.override_reason);
    w.Bool(p.return_day.has_value());
    w.I32(p.return_day.value_or(0));
    w.I64(p.points);
    w.Str(p.reason);
  }
  w.U32(static_cast<uint32_t>(o.eligibility.size()));
  for (const EligibilityEntry& e : o.eligibility) {
    w.Str(e.teacher);
    w.Str(e.school);
    w.Bool(e.eligible);
    w.Bool(e.mandatory);
    w.Bool(e.voluntary);
    w.Bool(e.exempt);
    w.I64(e.points);
    w.Str(e.reason);
  }
  w.U32(static_cast<uint32_t>(o.quotas.size()));
  for (const QuotaLine& q : o.quotas) {
    w.Str(q.scope);
    w.Str(q.quota);
    w.I64(q.required);
    w.I64(q.achieved);
    w.Bool(q.holds);
    w.Str(q.reason);
  }
  w.U32(static_cast<uint32_t>(o.notes.size()));
  for (const std::string& n : o.notes) w.Str(n);
  if (o.kind == RoundKind::kItinerantTeaching) {
    w.Raw(EncodeItinerant(o.itinerant));
  }
  if (o.kind == RoundKind::kRecruitment) {
    w.Raw(EncodeRecruitmentResult(o.recruitment));
  }
}

// Version 2, the header.
void EncodeHeader(const RoundOutcome& o, Writer& w) {
  w.Raw("ROTA-ROUND");
  w.U8(kOutcomeEncodingV2);
  w.U8(static_cast<uint8_t>(o.kind));
  w.U64(o.seed);
  w.U8(o.mechanism_code);
}

// Version 2, the sections every round kind has.
void EncodeCommonSections(const RoundOutcome& o, Writer& w) {
  w.U32(static_cast<uint32_t>(o.placements.size()));
  for (const Placement& p : o.placements) {
    w.Str(p.teacher);
    w.Str(p.from_school);
    w.Str(p.from_post);
    w.Str(p.to_school);
    w.Str(p.to_post);
    w.U8(static_cast<uint8_t>(p.outcome));
    w.I32(p.choice);
    w.U8(static_cast<uint8_t>(p.route));
    w.U8(static_cast<uint8_t>(p.reason_code));
    w.Bool(p.mandatory);
    w.Bool(p.locked);
    w.Bool(p.overridden);
    w.Str(p.override_reason);
    w.Bool(p.return_day.has_value());
    w.I32(p.return_day.value_or(0));
    w.I64(p.points);
  }
  w.U32(static_cast<uint32_t>(o.eligibility.size()));
  for (const EligibilityEntry& e : o.eligibility) {
    w.Str(e.teacher);
    w.Str(e.school);
    w.Bool(e.eligible);
    w.Bool(e.mandatory);
    w.Bool(e.voluntary);
    w.Bool(e.exempt);
    w.I64(e.points);
    w.U8(static_cast<uint8_t>(e.reason_code));
    w.U8(static_cast<uint8_t>(e.selection_code));
  }
  // The list is sorted by quota name (version 1); here by code and post, so
  // that a reworded name never reorders the encoding.
  std::vector<const QuotaLine*> quotas;
  quotas.reserve(o.quotas.size());
  for (const QuotaLine& q : o.quotas) quotas.push_back(&q);
  std::stable_sort(
      quotas.begin(), quotas.end(), [](const QuotaLine* a, const QuotaLine* b) {
        const bool ca = a->scope == "county";
        const bool cb = b->scope == "county";
        return std::make_tuple(!ca, std::string_view(a->scope), a->quota_code,
                               std::string_view(a->post)) <
               std::make_tuple(!cb, std::string_view(b->scope), b->quota_code,
                               std::string_view(b->post));
      });
  w.U32(static_cast<uint32_t>(quotas.size()));
  for (const QuotaLine* q : quotas) {
    w.Str(q->scope);
    w.U8(static_cast<uint8_t>(q->quota_code));
    w.Str(q->post);
    w.I64(q->required);
    w.I64(q->achieved);
    w.Bool(q->holds);
  }
}

// Version 2, the round kind's own section: what a kind's result holds
// beyond the common sections (ids, numbers, codes only).
void EncodeKindSection(const RoundOutcome& o, Writer& w) {
  switch (o.kind) {
    case RoundKind::kExchangeRotation:
    case RoundKind::kCompetitiveHiring:
      break;  // everything is in the common sections
    case RoundKind::kItinerantTeaching:
      w.Raw(EncodeItinerant(o.itinerant));
      break;
    case RoundKind::kRecruitment:
      w.Raw(EncodeRecruitmentResult(o.recruitment));
      break;
  }
}

}  // namespace

bool KnownOutcomeEncoding(int32_t version) {
  return version == kOutcomeEncodingV1 || version == kOutcomeEncodingV2;
}

std::string EncodeOutcome(const RoundOutcome& o, int32_t version) {
  ROTA_CHECK(KnownOutcomeEncoding(version));
  Writer w;
  if (version == kOutcomeEncodingV1) {
    EncodeV1(o, w);
  } else {
    EncodeHeader(o, w);
    EncodeCommonSections(o, w);
    EncodeKindSection(o, w);
  }
  return w.Take();
}

std::string EncodeItinerant(const ItinerantResult& r) {
  Writer w;
  w.Raw("ITIN");
  w.U32(static_cast<uint32_t>(r.assignments.size()));
  for (const ItinerantAssignment& a : r.assignments) {
    w.Str(a.teacher);
    w.Str(a.school);
    w.Str(a.subject);
    w.U8(static_cast<uint8_t>(a.stage));
    w.I32(a.periods);
    w.Bool(a.own_school);
    w.I64(a.metres);
    w.I32(a.minutes);
    w.I64(a.subsidy_yuan_per_month);
  }
  w.U32(static_cast<uint32_t>(r.plans.size()));
  for (const ItinerantPlan& p : r.plans) {
    w.Str(p.teacher);
    for (const HalfDaySlot& s : p.slots) {
      w.Str(s.school);
      w.I32(s.periods);
    }
    w.I32(p.itinerant_periods);
    w.I32(p.own_extra_periods);
    w.I64(p.weekly_travel_metres);
    w.I64(p.subsidy_yuan_per_month);
  }
  w.U32(static_cast<uint32_t>(r.coverage.size()));
  for (const CoverageLine& c : r.coverage) {
    w.Str(c.school);
    w.Str(c.subject);
    w.U8(static_cast<uint8_t>(c.stage));
    w.I32(c.required);
    w.I32(c.own);
    w.I32(c.itinerant);
    w.I32(c.uncovered);
    w.U8(static_cast<uint8_t>(c.reason));
  }
  w.I32(r.replans);
  return w.Take();
}

std::string EncodeRecruitmentResult(const RecruitmentResult& r) {
  Writer w;
  w.U32(static_cast<uint32_t>(r.posts.size()));
  for (const RecruitmentPostResult& p : r.posts) {
    w.Str(p.post);
    w.Str(p.school);
    w.I32(p.seats);
    w.I32(p.reserved_female);
    w.I32(p.reserved_male);
    w.I32(p.reserved_channel);
    w.I32(p.hired_female);
    w.I32(p.hired_male);
    w.I64(p.cutoff_female);
    w.I64(p.cutoff_male);
    w.I64(p.cutoff_gap);
    w.I64(p.open_cutoff);
    w.I32(p.unfilled);
    w.U8(static_cast<uint8_t>(p.unfilled_reason));
    w.Bool(p.gender_rule_applies);
    w.Bool(p.gender_rule_holds);
  }
  w.U32(static_cast<uint32_t>(r.applicants.size()));
  for (const RecruitmentApplicantResult& a : r.applicants) {
    w.Str(a.applicant);
    w.Str(a.post);
    w.U8(static_cast<uint8_t>(a.seat));
    w.U8(static_cast<uint8_t>(a.seat_channel));
    w.U32(static_cast<uint32_t>(a.beaten.size()));
    for (const BeatenAt& b : a.beaten) {
      w.Str(b.post);
      w.Str(b.competitor);
      w.I64(b.competitor_score);
    }
  }
  return w.Take();
}

std::string OutcomeHashHex(const RoundOutcome& o, int32_t version) {
  return ToHex(Sha256(EncodeOutcome(o, version)));
}

std::string_view UncoveredReasonCode(UncoveredReason r) {
  switch (r) {
    case UncoveredReason::kNone:
      return "";
    case UncoveredReason::kNoQualifiedTeacher:
      return "NO_QUALIFIED_TEACHER";
    case UncoveredReason::kTravelCap:
      return "TRAVEL_CAP";
    case UncoveredReason::kPeriodCap:
      return "PERIOD_CAP";
    case UncoveredReason::kHalfDayClash:
      return "HALF_DAY_CLASH";
    case UncoveredReason::kSchoolCap:
      return "SCHOOL_CAP";
    case UncoveredReason::kExcluded:
      return "EXCLUDED";
  }
  return "UNKNOWN";
}

const ItinerantPlan* ItinerantResult::FindPlan(std::string_view teacher) const {
  auto it = std::lower_bound(plans.begin(), plans.end(), teacher,
                             [](const ItinerantPlan& p, std::string_view id) {
                               return p.teacher < id;
                             });
  return it != plans.end() && it->teacher == teacher ? &*it : nullptr;
}

void FinishOutcome(const CountyInputs& inputs, RoundOutcome* o) {
  std::sort(o->placements.begin(), o->placements.end(),
            [](const Placement& a, const Placement& b) {
              return a.teacher < b.teacher;
            });
  std::sort(o->explanations.begin(), o->explanations.end(),
            [](const TeacherExplanation& a, const TeacherExplanation& b) {
              return a.teacher < b.teacher;
            });
  std::sort(o->eligibility.begin(), o->eligibility.end(),
            [](const EligibilityEntry& a, const EligibilityEntry& b) {
              return a.teacher < b.teacher;
            });
  std::sort(o->quotas.begin(), o->quotas.end(),
            [](const QuotaLine& a, const QuotaLine& b) {
              bool ca = a.scope == "county", cb = b.scope == "county";
              return std::make_tuple(!ca, a.scope, a.quota) <
                     std::make_tuple(!cb, b.scope, b.quota);
            });

  std::map<std::string_view, const School*> schools;
  for (const School& s : inputs.schools) schools.emplace(s.id, &s);
  ReportCounts c;
  std::map<std::string, int64_t> by_direction, by_locality;
  std::map<int32_t, int64_t> by_choice;
  int64_t allocated = 0;
  for (const Placement& p : o->placements) {
    ++c.teachers;
    switch (p.outcome) {
      case Outcome::kMoved:
      case Outcome::kDownHired:
      case Outcome::kUpHired:
        if (IsMove(p)) {
          ++c.moved;
        } else {
          ++c.stayed;
        }
        break;
      case Outcome::kRecruited:
        ++c.moved;
        break;
      case Outcome::kStayed:
        ++c.stayed;
        break;
      case Outcome::kNotRecruited:
      case Outcome::kUnplaced:
        ++c.unplaced;
        break;
      case Outcome::kExempt:
        ++c.exempt;
        break;
      case Outcome::kInspector:
        ++c.inspector;
        break;
      case Outcome::kItinerant:
        ++c.itinerant;
        break;
      case Outcome::kUnspecified:
        break;
    }
    if (IsHire(p.outcome)) {
      if (p.choice > 0) {
        ++by_choice[p.choice];
      } else {
        ++allocated;
      }
    }
    if (IsMove(p) && p.to_school != p.from_school) {
      auto f = schools.find(p.from_school);
      auto t = schools.find(p.to_school);
      if (f != schools.end() && t != schools.end()) {
        const School& a = *f->second;
        const School& b = *t->second;
        std::string dir;
        if (LowerLocality(b.locality, a.locality)) {
          dir = "urban-to-rural";
        } else if (!a.weak && b.weak) {
          dir = "strong-to-weak";
        } else if (LowerLocality(a.locality, b.locality)) {
          dir = "rural-to-urban";
        } else {
          dir = "lateral";
        }
        ++by_direction[dir];
        ++by_locality[absl::StrCat(internal::Sv(LocalityName(a.locality)), "->",
                                   internal::Sv(LocalityName(b.locality)))];
      }
    }
  }
  for (const QuotaLine& q : o->quotas) {
    if (!q.holds) ++c.quota_violations;
  }
  for (const auto& [k, v] : by_direction)
    c.movers_by_direction.push_back({k, v});
  for (const auto& [k, v] : by_locality) c.movers_by_locality.push_back({k, v});
  for (const auto& [k, v] : by_choice) {
    c.rank_distribution.push_back({absl::StrCat("choice ", k), v});
  }
  c.rank_distribution.push_back({"allocated", allocated});
  c.rank_distribution.push_back({"stayed", c.stayed});
  c.rank_distribution.push_back({"unplaced", c.unplaced});
  o->counts = std::move(c);
  o->canonical = EncodeOutcome(*o);
  o->digest = Sha256(o->canonical);
  o->hash_hex = ToHex(o->digest);
}

std::string FirstDifference(const RoundOutcome& a, const RoundOutcome& b) {
  size_t i = 0, j = 0;
  auto describe = [](const Placement& p) {
    return absl::StrCat(p.to_school, "/", p.to_post, " ",
                        internal::Sv(OutcomeName(p.outcome)), " choice ",
                        p.choice, " via ", p.via);
  };
  while (i < a.placements.size() || j < b.placements.size()) {
    if (j >= b.placements.size() ||
        (i < a.placements.size() &&
         a.placements[i].teacher < b.placements[j].teacher)) {
      return absl::StrCat("teacher ", a.placements[i].teacher,
                          ": only in the first result");
    }
    if (i >= a.placements.size() ||
        b.placements[j].teacher < a.placements[i].teacher) {
      return absl::StrCat("teacher ", b.placements[j].teacher,
                          ": only in the second result");
    }
    const Placement& p = a.placements[i];
    const Placement& q = b.placements[j];
    if (describe(p) != describe(q) || p.route != q.route ||
        p.reason_code != q.reason_code || p.mandatory != q.mandatory ||
        p.locked != q.locked || p.overridden != q.overridden ||
        p.return_day != q.return_day || p.points != q.points ||
        p.reason != q.reason || p.from_school != q.from_school ||
        p.from_post != q.from_post) {
      return absl::StrCat("teacher ", p.teacher, ": ", describe(p), " vs ",
                          describe(q));
    }
    ++i;
    ++j;
  }
  return "";
}

}  // namespace rota::engine::rules
