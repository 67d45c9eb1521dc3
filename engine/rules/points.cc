#include "engine/rules/points.h"

#include <algorithm>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/internal/words_zh.h"

namespace rota::engine::rules {

using internal::Sv;

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

// Full years of the spells (clipped to [from, to)) that `counts` accepts,
// by (locality, weak) during the spell.
template <typename Pred>
int32_t SpellYears(const Teacher& t, const School* current_school, int32_t from,
                   int32_t to, Pred counts) {
  YearCounter years;
  auto add = [&](int32_t start, int32_t end, Locality loc, bool weak) {
    start = std::max(start, from);
    end = std::min(end, to);
    if (end > start && counts(loc, weak)) years.Add(start, end);
  };
  if (t.service_history.empty()) {
    if (current_school != nullptr) {
      add(t.school_join_day, to, current_school->locality,
          current_school->weak);
    }
  } else {
    for (const ServiceSpell& s : t.service_history) {
      add(s.start_day, s.end_day.value_or(to), s.locality, s.weak);
    }
  }
  return years.Total();
}

// Months of delay of a base age under the schedule (policy.h).
int32_t DelayMonths(int32_t birth_day, int32_t base_age, int32_t max_delay,
                    int32_t birth_months_per_delay_month,
                    const RetirementPolicy& p) {
  if (max_delay <= 0) return 0;
  const CivilDate b = CivilFromDays(birth_day);
  const int64_t first_birth_month = int64_t{p.delay_start_year} * 12 +
                                    (p.delay_start_month - 1) -
                                    int64_t{base_age} * 12;
  const int64_t k = int64_t{b.year} * 12 + (b.month - 1) - first_birth_month;
  if (k < 0) return 0;
  return static_cast<int32_t>(std::min<int64_t>(
      max_delay, k / std::max(1, birth_months_per_delay_month) + 1));
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

int32_t RuralServiceYears(const Teacher& t, const School* current_school,
                          int32_t from, int32_t to) {
  return SpellYears(t, current_school, from, to,
                    [](Locality loc, bool) { return IsRural(loc); });
}

int32_t RetirementAgeMonths(const Teacher& t, const RetirementPolicy& p) {
  int32_t base = p.male_age, max_delay = p.male_max_delay_months,
          step = p.male_birth_months_per_delay_month;
  if (t.gender == Gender::kFemale && t.title == Title::kSenior) {
    base = p.female_senior_title_age;
    max_delay = p.female_senior_title_max_delay_months;
    step = p.female_senior_title_birth_months_per_delay_month;
  } else if (t.gender == Gender::kFemale) {
    base = p.female_age;
    max_delay = p.female_max_delay_months;
    step = p.female_birth_months_per_delay_month;
  }
  return base * 12 + DelayMonths(t.birth_day, base, max_delay, step, p);
}

int32_t RetirementDay(const Teacher& t, const RetirementPolicy& p) {
  return AddMonths(t.birth_day, RetirementAgeMonths(t, p));
}

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

int32_t ItinerantServiceYears(const Teacher& t, int32_t effective_day) {
  std::vector<int32_t> years;
  for (const ItinerantServiceYear& y : t.itinerant_service) {
    if (y.weekly_periods > 0 && y.start_day < effective_day)
      years.push_back(y.school_year);
  }
  std::sort(years.begin(), years.end());
  return static_cast<int32_t>(std::unique(years.begin(), years.end()) -
                              years.begin());
}

PointsBreakdown ComputePoints(const Teacher& t, const School* current_school,
                              const RoundPolicy& policy,
                              int32_t effective_day) {
  const PointsPolicy& pp = policy.points;
  PointsBreakdown b;
  // Each component is named in both languages at once.
  auto add = [&b](std::string name, std::string name_zh, int64_t cp) {
    if (cp == 0) return;
    b.total += cp;
    b.components.push_back({.component = std::move(name),
                            .component_zh = std::move(name_zh),
                            .centipoints = cp});
  };

  b.service_years = FullYearsBetween(t.career_start_day, effective_day);
  add(absl::StrCat("service years (", b.service_years, ")"),
      absl::StrCat("教龄（", b.service_years, " 年）"),
      b.service_years * pp.per_service_year);

  b.rural_years = RuralServiceYears(
      t, current_school, std::numeric_limits<int32_t>::min(), effective_day);
  b.weak_school_years =
      SpellYears(t, current_school, std::numeric_limits<int32_t>::min(),
                 effective_day, [](Locality, bool weak) { return weak; });
  add(absl::StrCat("rural years (", b.rural_years, ")"),
      absl::StrCat("乡村任教年限（", b.rural_years, " 年）"),
      b.rural_years * pp.per_rural_year);
  add(absl::StrCat("weak-school years (", b.weak_school_years, ")"),
      absl::StrCat("薄弱学校任教年限（", b.weak_school_years, " 年）"),
      b.weak_school_years * pp.per_weak_school_year);
  b.itinerant_years = ItinerantServiceYears(t, effective_day);
  add(absl::StrCat("itinerant teaching years (", b.itinerant_years, ")"),
      absl::StrCat("走教年限（", b.itinerant_years, " 年）"),
      b.itinerant_years * policy.itinerant_teaching.points_per_year);

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
    add(absl::StrCat("evaluation ", e.year, ": ", Sv(GradeName(e.grade))),
        absl::StrCat(e.year, " 年度考核：",
                     Sv(internal::EvaluationZh(e.grade))),
        cp);
  }

  switch (t.backbone) {
    case BackboneLevel::kCounty:
      add("backbone: county", "县级骨干教师", pp.backbone_county);
      break;
    case BackboneLevel::kCity:
      add("backbone: city", "市级骨干教师", pp.backbone_city);
      break;
    case BackboneLevel::kProvince:
      add("backbone: province", "省级骨干教师", pp.backbone_province);
      break;
    default:
      break;
  }
  switch (t.title) {
    case Title::kJunior:
      add("title: junior", "职称：初级", pp.title_junior);
      break;
    case Title::kIntermediate:
      add("title: intermediate", "职称：中级", pp.title_intermediate);
      break;
    case Title::kSenior:
      add("title: senior", "职称：高级", pp.title_senior);
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
    add(absl::StrCat("hardship: ", Sv(HardshipName(h.kind))),
        absl::StrCat("困难情形：", Sv(internal::HardshipZh(h.kind))), cp);
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
