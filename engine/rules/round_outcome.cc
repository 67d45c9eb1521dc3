#include "engine/rules/round_outcome.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
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

std::string EncodeOutcome(const RoundOutcome& o) {
  Writer w;
  w.Raw("ROTA-ROUND");
  w.U8(1);
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
  std::string out = w.Take();
  if (o.kind == RoundKind::kItinerantTeaching) {
    out += EncodeItinerant(o.itinerant);
  }
  if (o.kind == RoundKind::kRecruitment) {
    out += EncodeRecruitmentResult(o.recruitment);
  }
  return out;
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
    if (describe(p) != describe(q) || p.mandatory != q.mandatory ||
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
