// RoundOutcome: the result of one run of a round (exchange rotation or
// competitive hiring): placements, a per-teacher explanation derived from
// the run, the eligibility list, quota lines and report counts, with a
// canonical byte encoding and its SHA-256, the hash the service stores and
// replay compares. Mirrors rota.v1 Placement / Explanation / EligibilityEntry
// / QuotaLine / RoundReport (proto/rota/v1/rounds.proto); Outcome numbers
// match the proto enum.
//
//   ROTA_ASSIGN_OR_RETURN(RoundOutcome out, RunExchangeRotation(in, policy));
//   out.hash_hex;                               // stored with the run
//   const Placement* p = out.FindPlacement("T0007");
//   const TeacherExplanation* why = out.FindExplanation("T0007");
//
// Canonical encoding, version 1 (see EncodeOutcome): little-endian; str =
// u32 length + bytes; opt-day = u8 present + i32; bool = u8.
//   "ROTA-ROUND" (10 bytes), u8 version = 1, u8 kind, u64 seed,
//   str mechanism,
//   u32 n placements, each in teacher id order: str teacher, str from_school,
//     str from_post, str to_school, str to_post, u8 outcome, i32 choice,
//     str via, bool mandatory, bool locked, bool overridden,
//     str override_reason, opt-day return_day, i64 points, str reason;
//   u32 n eligibility entries (teacher id order): str teacher, str school,
//     bool eligible, bool mandatory, bool voluntary, bool exempt, i64 points,
//     str reason;
//   u32 n quota lines (scope "county" first, then schools by id; within a
//     scope by quota name): str scope, str quota, i64 required,
//     i64 achieved, bool holds, str reason;
//   u32 n notes, each str;
//   kItinerantTeaching only (EncodeItinerant): "ITIN", u32 n assignments
//     (teacher, school, subject, stage order): str teacher, str school,
//     str subject, u8 stage, i32 periods, bool own_school, i64 metres,
//     i32 minutes, i64 subsidy; u32 n plans (teacher order): str teacher,
//     10 x (str school, i32 periods), i32 itinerant periods, i32 own extra,
//     i64 weekly travel metres, i64 subsidy; u32 n coverage lines (school,
//     subject, stage order): str school, str subject, u8 stage, i32
//     required, i32 own, i32 itinerant, i32 uncovered, u8 reason; i32
//     replans. Ids, numbers and reason codes only, never sentences.
//   kRecruitment only: EncodeRecruitmentResult (recruitment_result.h).
// Explanations and report counts are derived from these and are not encoded.
// FinishOutcome sorts every list, so the encoding never depends on input
// order.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "engine/rules/county.h"
#include "engine/rules/itinerant_result.h"
#include "engine/rules/recruitment_result.h"

namespace rota::engine::rules {

enum class Outcome : uint8_t {
  kUnspecified = 0,
  kStayed = 1,     // keeps her school/post
  kMoved = 2,      // placed at a new school/post
  kUnplaced = 3,   // 待岗 (hiring) / mandatory mover who found no seat
  kExempt = 4,     // exempt: never moved
  kInspector = 5,  // principal near retirement: flagged for 专职督学
  kDownHired = 6,  // placed in a lower title band (低聘)
  kUpHired = 7,    // placed in a higher title band (低职高聘)
  kItinerant = 8,  // keeps her school, teaches periods elsewhere (走教)
  kRecruited = 9,      // recruitment: an applicant hired at a recruitment post
  kNotRecruited = 10,  // recruitment: an applicant not hired
};
std::string_view OutcomeName(Outcome o);  // "STAYED", "MOVED", ... (proto)

struct Placement {
  std::string teacher;
  std::string from_school;
  std::string from_post;
  std::string to_school;  // exchange: == from_school when she stays
  std::string to_post;
  Outcome outcome = Outcome::kUnspecified;
  // 1-based rank of the placement in her list; 0 = not from her list.
  int32_t choice = 0;
  // How: "voluntary (to-be)", "mandatory by preference (da)",
  // "county allocation (min-cost)", "lock", "override", ...
  std::string via;
  bool mandatory = false;
  bool locked = false;
  bool overridden = false;
  std::string override_reason;        // lock or override reason
  std::optional<int32_t> return_day;  // term exchange: day she returns
  int64_t points = 0;                 // centipoints
  std::string reason;                 // one sentence
};

struct PointsComponent {
  std::string
      component;  // e.g. "service years (12)", "evaluation 2024: excellent"
  int64_t centipoints = 0;
};

// Verdict on one listed choice (proto ChoiceExplanation.verdict).
enum class Verdict : uint8_t {
  kGot = 0,               // she was placed there
  kBetterChoiceHeld = 1,  // she holds a choice she ranked higher
  kFull = 2,              // full with teachers who outrank her; competitor set
  kNotQualified = 3,      // subject / certificate stage / title band
  kReserved = 4,          // seat reserved for a group
  kExempt = 5,            // she is exempt and takes no part
  kQuota = 6,             // not selected to rotate / quota rule
  kDirection = 7,         // the move's direction is not allowed
  kNotReached = 8,        // another rule (named in the sentence)
};
std::string_view VerdictName(Verdict v);  // "GOT", "FULL", ... (proto)

struct ChoiceExplanation {
  std::string choice;  // school or post id as listed
  int32_t rank = 0;    // 1-based
  Verdict verdict = Verdict::kNotReached;
  std::string sentence;
  // kFull: the lowest-priority teacher who holds a seat there at the end of
  // the run and outranks her, and how (tenure or priority).
  std::string competitor;
  int64_t competitor_points = 0;
  int64_t teacher_points = 0;
  int32_t admitted = 0;               // teachers there at the end
  bool competitor_by_tenure = false;  // she outranks by keeping her own seat
};

struct TeacherExplanation {
  std::string teacher;
  std::vector<PointsComponent> points_breakdown;
  std::vector<ChoiceExplanation> choices;  // in her list order
  std::vector<std::string> notes;          // eligibility and selection reasons
};

struct EligibilityEntry {
  std::string teacher;
  std::string school;
  bool eligible = false;
  bool mandatory = false;  // selected (or principal rule) to rotate
  bool voluntary = false;  // applied voluntarily
  bool exempt = false;
  int64_t points = 0;
  std::string reason;
};

struct QuotaLine {
  std::string scope;  // "county" or a school id
  std::string quota;  // "rotation share", "backbone share", ...
  int64_t required = 0;
  int64_t achieved = 0;
  bool holds = true;
  std::string reason;  // when !holds: why, exactly
};

struct CountLine {
  std::string key;
  int64_t count = 0;
};

// Counts for RoundReport / RunSummary, derived from placements.
struct ReportCounts {
  int64_t teachers = 0;
  int64_t moved = 0;  // kMoved/kDownHired/kUpHired that changed school/post
  int64_t stayed = 0;
  int64_t unplaced = 0;
  int64_t exempt = 0;
  int64_t inspector = 0;
  int64_t itinerant = 0;  // kItinerant placements
  int64_t quota_violations = 0;
  std::vector<CountLine> movers_by_direction;  // "urban-to-rural", ...
  std::vector<CountLine> movers_by_locality;   // "urban->rural", ...
  std::vector<CountLine>
      rank_distribution;  // "choice 1", "allocated", "unplaced"
};

struct RoundOutcome {
  RoundKind kind = RoundKind::kExchangeRotation;
  uint64_t seed = 0;
  std::string mechanism;  // e.g. "to-be", "da-star", "simultaneous da-star"
  std::vector<Placement> placements;  // one per teacher, teacher id order
  std::vector<TeacherExplanation> explanations;  // same order
  std::vector<EligibilityEntry> eligibility;     // teacher id order
  std::vector<QuotaLine> quotas;
  std::vector<std::string> notes;  // mode notes for the report
  ItinerantResult itinerant;       // kItinerantTeaching only
  ReportCounts counts;
  // kRecruitment only: the per-post gender table and seat records.
  RecruitmentResult recruitment;
  std::string canonical;  // encoding above
  Sha256Digest digest{};
  std::string hash_hex;  // ToHex(digest)

  // Binary search by teacher id; nullptr if absent.
  const Placement* FindPlacement(std::string_view teacher) const;
  const TeacherExplanation* FindExplanation(std::string_view teacher) const;
};

// Sorts placements/explanations/eligibility by teacher id and quota lines
// canonically, fills `counts` (movers by direction use `schools` for
// localities; pass the round's inputs), then the encoding and hash. Every
// round kind calls it last.
void FinishOutcome(const CountyInputs& inputs, RoundOutcome* outcome);

// The canonical encoding of `outcome` as documented above.
std::string EncodeOutcome(const RoundOutcome& outcome);

// The itinerant part of the encoding (above), appended by EncodeOutcome.
std::string EncodeItinerant(const ItinerantResult& result);

// The first placement (teacher id order) that differs between two outcomes,
// in words ("teacher T7: to_school s3 vs s4"), or "" if all placements are
// equal. For replay's first_difference.
std::string FirstDifference(const RoundOutcome& a, const RoundOutcome& b);

}  // namespace rota::engine::rules
