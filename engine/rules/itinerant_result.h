// ItinerantResult: what an itinerant teaching (走教) run decides, beside the
// placements of RoundOutcome (itinerant_teaching.h describes the mechanism):
// the period assignments, each teacher's weekly half-day plan and a coverage
// line per school x subject x stage with the reason of any uncovered period.
//
// Only ids, numbers and reason codes enter the canonical encoding
// (round_outcome.h); sentences are derived and kept out of it.
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/county.h"

namespace rota::engine::rules {

// Why periods of a coverage line stay uncovered (codes for tools and tests).
enum class UncoveredReason : uint8_t {
  kNone = 0,
  kNoQualifiedTeacher = 1,  // nobody in the zone teaches it at that stage
  kTravelCap = 2,     // qualified teachers exist, all beyond the trip-time cap
  kPeriodCap = 3,     // every reachable qualified teacher is at her period cap
  kHalfDayClash = 4,  // those with spare periods have no free half-day left
  kSchoolCap = 5,     // ... or already teach at the most schools allowed
  kExcluded = 6,      // the only candidates are exempt or pinned elsewhere
};
// "NO_QUALIFIED_TEACHER", "TRAVEL_CAP", ...; "" for kNone.
std::string_view UncoveredReasonCode(UncoveredReason r);

// Periods one teacher teaches for one coverage line.
struct ItinerantAssignment {
  std::string teacher;
  std::string school;  // the school taught at (== her own: own_school)
  std::string subject;
  Stage stage = Stage::kUnspecified;
  int32_t periods = 0;      // weekly
  bool own_school = false;  // extra periods at her own school (no travel)
  int64_t metres = 0;       // one-way road metres from her school
  int32_t minutes = 0;      // one-way travel minutes
  // Monthly subsidy tier of this trip (0 at her own school); the teacher's
  // subsidy is the tier of her longest trip (ItinerantPlan).
  int64_t subsidy_yuan_per_month = 0;
};

// One half-day of a weekly plan: the school she teaches at ("" = none) and
// how many periods.
struct HalfDaySlot {
  std::string school;
  int32_t periods = 0;
};

// A teacher's weekly plan: slot 2*d+h (d = 0 Monday .. 4 Friday, h = 0
// morning, 1 afternoon), one school per half-day.
struct ItinerantPlan {
  std::string teacher;
  std::string home_school;
  std::array<HalfDaySlot, kHalfDaysPerWeek> slots;
  int32_t own_load = 0;              // Teacher::weekly_load
  int32_t itinerant_periods = 0;     // at other schools
  int32_t own_extra_periods = 0;     // extra periods at her own school
  int64_t weekly_travel_metres = 0;  // round trips, per week
  int64_t subsidy_yuan_per_month = 0;
};

// One school x subject x stage of a shortage subject.
struct CoverageLine {
  std::string school;
  std::string subject;
  Stage stage = Stage::kUnspecified;
  int32_t required = 0;
  int32_t own = 0;        // by the school's own teachers (load + spare)
  int32_t itinerant = 0;  // by teachers of other schools
  int32_t uncovered = 0;
  UncoveredReason reason = UncoveredReason::kNone;
  std::string sentence;  // plain words; not encoded
};

struct ItinerantResult {
  std::vector<ItinerantAssignment> assignments;  // teacher, school, subject
  std::vector<ItinerantPlan> plans;    // teachers who teach beyond their load
  std::vector<CoverageLine> coverage;  // school, subject, stage order
  // Visits cut (dropped for the school cap, or shortened by a half-day)
  // behind the result, because a teacher's flow assignment could not be
  // laid out in her half-days or exceeded the school cap.
  int32_t replans = 0;

  const ItinerantPlan* FindPlan(std::string_view teacher) const;
};

}  // namespace rota::engine::rules
