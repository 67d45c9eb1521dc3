#include "engine/rules/points.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/rules/internal/strings.h"

namespace rota::engine::rules {

using internal::Sv;

int32_t RetirementAge(const Teacher& t, const RetirementPolicy& p) {
  if (t.gender == Gender::kFemale) {
    return t.title == Title::kSenior ? p.female_senior_title_age : p.female_age;
  }
  return p.male_age;
}

int32_t RetirementDay(const Teacher& t, const RetirementPolicy& p) {
  return AddYears(t.birth_day, RetirementAge(t, p));
}

namespace {

// Years of service summed over spells: each spell's completed calendar
// years, plus the spells' leftover days pooled (365 days = a year).
struct YearCounter {
  int64_t years = 0;
  int64_t days = 0;
  void Add(int32_t start, int32_t end) {
    int32_t full = FullYearsBetween(start, end);
    years += full;
    days += end - AddYears(start, full);
  }
  int32_t Total() const { return static_cast<int32_t>(years + days / 365); }
};

bool IsRural(Locality l) {
  return l == Locality::kRural || l == Locality::kTeachingPoint;
}

std::string_view HardshipName(HardshipKind k) {
  switch (k) {
    case HardshipKind::kSpouseSeparation:
      return "spouse separation";
    case HardshipKind::kCaringForParents:
      return "caring for parents";
    case HardshipKind::kDisability:
      return "disability";
    case HardshipKind::kOther:
    case HardshipKind::kUnspecified:
      return "other";
  }
  return "other";
}

}  // namespace

std::vector<Evaluation> RecentEvaluations(const Teacher& t,
                                          int32_t effective_day,
                                          int32_t years) {
  const int32_t year = CivilFromDays(effective_day).year;
  std::vector<Evaluation> evals;
  for (const Evaluation& e : t.evaluations) {
    if (e.year >= year - years && e.year < year) {
      bool dup = false;
      for (const Evaluation& x : evals) dup = dup || x.year == e.year;
      if (!dup) evals.push_back(e);
    }
  }
  std::stable_sort(
      evals.begin(), evals.end(),
      [](const Evaluation& a, const Evaluation& c) { return a.year < c.year; });
  return evals;
}

PointsBreakdown ComputePoints(const Teacher& t, const School* current_school,
                              const RoundPolicy& policy,
                              int32_t effective_day) {
  const PointsPolicy& pp = policy.points;
  PointsBreakdown b;
  auto add = [&b](std::string name, int64_t cp) {
    if (cp == 0) return;
    b.total += cp;
    b.components.push_back({std::move(name), cp});
  };

  b.service_years = FullYearsBetween(t.career_start_day, effective_day);
  add(absl::StrCat("service years (", b.service_years, ")"),
      b.service_years * pp.per_service_year);

  YearCounter rural, weak_years;
  auto count_spell = [&](int32_t start, int32_t end, Locality loc, bool weak) {
    end = std::min(end, effective_day);
    if (end <= start) return;
    if (IsRural(loc)) rural.Add(start, end);
    if (weak) weak_years.Add(start, end);
  };
  if (t.service_history.empty()) {
    if (current_school != nullptr) {
      count_spell(t.school_join_day, effective_day, current_school->locality,
                  current_school->weak);
    }
  } else {
    for (const ServiceSpell& s : t.service_history) {
      count_spell(s.start_day, s.end_day.value_or(effective_day), s.locality,
                  s.weak);
    }
  }
  b.rural_years = rural.Total();
  b.weak_school_years = weak_years.Total();
  add(absl::StrCat("rural years (", b.rural_years, ")"),
      b.rural_years * pp.per_rural_year);
  add(absl::StrCat("weak-school years (", b.weak_school_years, ")"),
      b.weak_school_years * pp.per_weak_school_year);

  for (const Evaluation& e :
       RecentEvaluations(t, effective_day, pp.evaluation_years)) {
    int64_t cp = 0;
    switch (e.grade) {
      case EvaluationGrade::kExcellent:
        cp = pp.evaluation_excellent;
        break;
      case EvaluationGrade::kCompetent:
        cp = pp.evaluation_competent;
        break;
      case EvaluationGrade::kBasicCompetent:
        cp = pp.evaluation_basic_competent;
        break;
      case EvaluationGrade::kIncompetent:
        cp = pp.evaluation_incompetent;
        break;
      case EvaluationGrade::kUnspecified:
        break;
    }
    add(absl::StrCat("evaluation ", e.year, ": ", Sv(GradeName(e.grade))), cp);
  }

  switch (t.backbone) {
    case BackboneLevel::kCounty:
      add("backbone: county", pp.backbone_county);
      break;
    case BackboneLevel::kCity:
      add("backbone: city", pp.backbone_city);
      break;
    case BackboneLevel::kProvince:
      add("backbone: province", pp.backbone_province);
      break;
    default:
      break;
  }
  switch (t.title) {
    case Title::kJunior:
      add("title: junior", pp.title_junior);
      break;
    case Title::kIntermediate:
      add("title: intermediate", pp.title_intermediate);
      break;
    case Title::kSenior:
      add("title: senior", pp.title_senior);
      break;
    default:
      break;
  }
  for (const Hardship& h : t.hardships) {
    int64_t cp = 0;
    switch (h.kind) {
      case HardshipKind::kSpouseSeparation:
        cp = pp.hardship_spouse_separation;
        break;
      case HardshipKind::kCaringForParents:
        cp = pp.hardship_caring_for_parents;
        break;
      case HardshipKind::kDisability:
        cp = pp.hardship_disability;
        break;
      case HardshipKind::kOther:
        cp = pp.hardship_other;
        break;
      case HardshipKind::kUnspecified:
        break;
    }
    add(absl::StrCat("hardship: ", Sv(HardshipName(h.kind))), cp);
  }
  return b;
}

std::vector<int64_t> TieChainValues(const Teacher& t,
                                    const RoundPolicy& policy) {
  std::vector<int64_t> out;
  out.reserve(policy.tie_chain.size());
  for (TieBreaker tb : policy.tie_chain) {
    switch (tb) {
      case TieBreaker::kLongerService:
        out.push_back(-int64_t{t.career_start_day});
        break;
      case TieBreaker::kLongerAtSchool:
        out.push_back(-int64_t{t.school_join_day});
        break;
      case TieBreaker::kOlder:
        out.push_back(-int64_t{t.birth_day});
        break;
      case TieBreaker::kHigherTitle:
        out.push_back(static_cast<int64_t>(t.title));
        break;
      case TieBreaker::kBetterLastEvaluation: {
        // Most recent evaluation; excellent = 4 ... incompetent = 1, none 0.
        const Evaluation* last = nullptr;
        for (const Evaluation& e : t.evaluations) {
          if (last == nullptr || e.year > last->year) last = &e;
        }
        int64_t v = 0;
        if (last != nullptr && last->grade != EvaluationGrade::kUnspecified) {
          v = 5 - static_cast<int64_t>(last->grade);
        }
        out.push_back(v);
        break;
      }
    }
  }
  return out;
}

}  // namespace rota::engine::rules
