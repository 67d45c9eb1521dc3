// Points (积分) with a per-component breakdown, the tie-chain values for
// engine::Teacher::tie_breakers, rural service years, and retirement dates.
//
// Points are in centipoints (100 = 1 point). Components, each only when
// non-zero:
//   "service years (N)"       N full years since career start x
//                             per_service_year
//   "rural years (N)"         N full years at rural schools / teaching points
//   "weak-school years (N)"   N full years at weak schools
//   "itinerant teaching years (N)"
//                             N school years of committed 走教 service begun
//                             before the effective date (each year once) x
//                             itinerant_teaching.points_per_year
//   "evaluation Y: grade"     each evaluation of the last `evaluation_years`
//                             years before the effective date's year
//   "backbone: county|city|province"
//   "title: junior|intermediate|senior"
//   "hardship: spouse separation|caring for parents|disability|other"
// Rural and weak-school years come from the service history: each spell
// (clipped to the effective date) gives its completed calendar years, and
// the spells' leftover days are pooled (365 days = one more year); an
// empty history counts as one spell at the current
// school since the join date with that school's locality and weak flag.
//
//   ROTA_ASSIGN_OR_RETURN(...);  // after ValidateCountyInputs
//   PointsBreakdown p = ComputePoints(teacher, school_of_teacher,
//                                     policy, inputs.effective_day);
//   p.total;  // centipoints
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/rules/county.h"
#include "engine/rules/policy.h"
#include "engine/rules/round_outcome.h"

namespace rota::engine::rules {

struct PointsBreakdown {
  int64_t total = 0;
  std::vector<PointsComponent> components;
  int32_t service_years = 0;
  int32_t rural_years = 0;
  int32_t weak_school_years = 0;
  int32_t itinerant_years = 0;
};

// `current_school` is the teacher's current school (for the implicit spell
// when her history is empty); may be nullptr (then that spell counts as
// neither rural nor weak).
PointsBreakdown ComputePoints(const Teacher& teacher,
                              const School* current_school,
                              const RoundPolicy& policy, int32_t effective_day);

// Her evaluations of the last `years` school years before the effective
// date's year, oldest first, one per year (the first listed wins if a year
// repeats). Points count these; competitive hiring's up-hiring conditions
// read them too.
std::vector<Evaluation> RecentEvaluations(const Teacher& teacher,
                                          int32_t effective_day, int32_t years);

// Values for engine::Teacher::tie_breakers, one per policy.tie_chain entry,
// larger = ranks first (earlier dates become larger numbers).
std::vector<int64_t> TieChainValues(const Teacher& teacher,
                                    const RoundPolicy& policy);

// Full years served at rural schools or teaching points within [from, to),
// counted from the service history as the "rural years" component is
// (`current_school` as in ComputePoints).
int32_t RuralServiceYears(const Teacher& teacher, const School* current_school,
                          int32_t from, int32_t to);

// School years of committed 走教 service (Teacher::itinerant_service) begun
// before `effective_day`, each year once, only years with periods.
int32_t ItinerantServiceYears(const Teacher& teacher, int32_t effective_day);

// Retirement age in months, by sex, title and birth date: the base age
// (male_age, female_age, or female_senior_title_age for women with a senior
// title; unspecified gender uses the men's, ValidateCountyInputs rejects it)
// plus its delay under the schedule of RetirementPolicy (policy.h): with the
// defaults a man born 1965-01 retires at 60y1m, one born 1976-09 or later at
// 63; a woman born 1970-01 at 55y1m, one born 1981-09 or later at 58.
int32_t RetirementAgeMonths(const Teacher& teacher,
                            const RetirementPolicy& policy);
// Birth date + RetirementAgeMonths (same day of the month, clamped). Every
// round kind takes retirement dates from here.
int32_t RetirementDay(const Teacher& teacher, const RetirementPolicy& policy);

}  // namespace rota::engine::rules
