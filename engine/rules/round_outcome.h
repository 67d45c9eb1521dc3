// RoundOutcome: the result of one run of a round (exchange rotation,
// competitive hiring or recruitment): placements, a per-teacher explanation
// derived from the run, the eligibility list, quota lines and report counts,
// with a canonical byte encoding and its SHA-256, the hash the service stores
// and replay compares. Mirrors rota.v1 Placement / Explanation /
// EligibilityEntry / QuotaLine / RoundReport (proto/rota/v1/rounds.proto);
// Outcome numbers match the proto enum.
//
//   ROTA_ASSIGN_OR_RETURN(RoundOutcome out, RunExchangeRotation(in, policy));
//   out.hash_hex;                               // stored with the run
//   const Placement* p = out.FindPlacement("T0007");
//   const TeacherExplanation* why = out.FindExplanation("T0007");
//
// Canonical encoding (EncodeOutcome; the version is recorded with every
// run, RunSummary.outcome_encoding, and replay re-encodes with it).
// Little-endian; str = u32 length + bytes; opt-day = u8 present + i32;
// bool = u8; code = u8 (the enums below, by value).
//
// Version 2 (current): ids, numbers, codes, booleans, dates and the
// administrator's own lock/override reason text only; no sentence the engine
// writes, so rewording or translating one never changes a hash.
//   header: "ROTA-ROUND" (10 bytes), u8 version = 2, u8 kind, u64 seed,
//     code mechanism (VoluntaryMechanism for exchange rotation, StageMode
//     for competitive hiring, RecruitmentPrecedence for recruitment);
//   u32 n placements, each in teacher id order: str teacher, str from_school,
//     str from_post, str to_school, str to_post, code outcome, i32 choice,
//     code route, code reason_code, bool mandatory, bool locked,
//     bool overridden, str override_reason, opt-day return_day, i64 points;
//   u32 n eligibility entries (teacher id order): str teacher, str school,
//     bool eligible, bool mandatory, bool voluntary, bool exempt, i64 points,
//     code reason_code, code selection_code;
//   u32 n quota lines (scope "county" first, then schools by id; within a
//     scope by quota code, then by post): str scope, code quota_code,
//     str post ("" unless the line is about one recruitment post),
//     i64 required, i64 achieved, bool holds;
//   then the round kind's own section (EncodeKindSection): nothing for
//   exchange rotation and competitive hiring, whose results are all in the
//   common sections; for recruitment EncodeRecruitmentResult
//   (recruitment_result.h: the per-post table and the seat records, ids,
//   numbers and codes only).
// Quota failure reasons, notes and `mechanism` are sentences derived from
// the encoded codes and counts (and the frozen policy) and are not encoded.
//
// Version 1 (runs stored before version 2; kept so they replay): as above
// but with the sentences: header "ROTA-ROUND", u8 1, u8 kind, u64 seed,
//   str mechanism;
//   placements: str teacher, str from_school, str from_post, str to_school,
//     str to_post, u8 outcome, i32 choice, str via, bool mandatory,
//     bool locked, bool overridden, str override_reason, opt-day return_day,
//     i64 points, str reason;
//   eligibility: str teacher, str school, bool eligible, bool mandatory,
//     bool voluntary, bool exempt, i64 points, str reason;
//   quota lines (same order, by quota name): str scope, str quota,
//     i64 required, i64 achieved, bool holds, str reason;
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
  kStayed = 1,         // keeps her school/post
  kMoved = 2,          // placed at a new school/post
  kUnplaced = 3,       // 待岗 (hiring) / mandatory mover who found no seat
  kExempt = 4,         // exempt: never moved
  kInspector = 5,      // principal near retirement: flagged for 专职督学
  kDownHired = 6,      // placed in a lower title band (低聘)
  kUpHired = 7,        // placed in a higher title band (低职高聘)
  kItinerant = 8,      // keeps her school, teaches periods elsewhere (走教)
  kRecruited = 9,      // recruitment: an applicant hired at a recruitment post
  kNotRecruited = 10,  // recruitment: an applicant not hired
};
std::string_view OutcomeName(Outcome o);  // "STAYED", "MOVED", ... (proto)

// The outcome encoding versions (see above). Runs record the version that
// produced their hash; replay uses the recorded one.
inline constexpr int32_t kOutcomeEncodingV1 = 1;
inline constexpr int32_t kOutcomeEncodingV2 = 2;
inline constexpr int32_t kOutcomeEncodingCurrent = kOutcomeEncodingV2;
// Recorded with every run beside the encoding version. Change it when a
// rule change alters results (README changelog).
inline constexpr std::string_view kEngineVersion = "rota-engine 2026.12";

// The step of the run that decided a placement (Placement.route; proto
// rota.v1.Route has the same numbers). Placement.via is its sentence
// (RouteSentence). Down- and up-hiring are outcomes (kDownHired/kUpHired),
// not routes: the route says which step placed her.
enum class Route : uint8_t {
  kNone = 0,                   // no step placed her: she stays (exchange)
  kLock = 1,                   // an administrator's lock
  kOverride = 2,               // an administrator's override
  kExempt = 3,                 // exempt: keeps her post (hiring)
  kVoluntaryToBe = 4,          // voluntary applicants by TO-BE
  kVoluntaryDaStar = 5,        // voluntary applicants by DA*
  kVoluntaryAfterToBe = 6,     // DA* over the seats TO-BE left free
  kMandatoryByPreference = 7,  // mandatory movers by DA* over their lists
  kCountyAllocation = 8,       // min-cost county allocation (调剂)
  kFreedSeats = 9,             // seats freed by later phases, DA*
  kTermReturn = 10,            // back home at the end of a term exchange
  kLeadershipMarket = 11,      // leaders by the exact seat exchange
  kCompetition = 12,           // hiring: simultaneous DA* competition
  kInSchoolStage1 = 13,        // hiring: sequential stage 1 (in-school)
  kCrossSchoolStage2 = 14,     // hiring: sequential stage 2 (cross-school)
  kUnplaced = 15,              // hiring: no step placed her (待岗)
  kRecruitment = 16,           // recruitment: applicant-proposing DA
  kNotRecruited = 17,          // recruitment: no post took her
  kItinerantAssignment = 18,   // 走教: the min-cost flow gave her periods
};
std::string_view RouteName(Route r);      // "LOCK", ... (proto, no prefix)
std::string_view RouteSentence(Route r);  // Placement.via

// Why: the reason a placement ended as it did (Placement.reason_code), a
// teacher's eligibility (EligibilityEntry.reason_code) and her selection
// (EligibilityEntry.selection_code). The sentences (reason fields) are
// written from these plus encoded numbers and the frozen inputs.
enum class Reason : uint8_t {
  kNone = 0,
  // Eligibility (exchange rotation).
  kEligible = 1,
  kExempt = 2,            // an exemption in force: never moved
  kNonEstablished = 3,    // 编外: not a rotation mover (policy)
  kOutOfStageScope = 4,   // her school is outside the stage scope
  kLeaderNotDue = 5,      // leader with too few years in office
  kLeaderMustRotate = 6,  // principal rule
  kLeaderInspector = 7,   // leader near retirement: 专职督学
  kTooFewYears = 8,       // fewer years at the school than required
  kNearRetirement = 9,    // retires too soon
  kTermReturn = 10,       // returns home from a term exchange
  // Eligibility (competitive hiring).
  kCompetesWithApplication = 11,
  kCompetesForOwnSchool = 12,  // no application: her own school's posts
  // Selection (exchange rotation).
  kPinned = 20,                 // placement fixed by a lock or override
  kMovedVoluntarily = 21,       // moved voluntarily; counts to the share
  kSelected = 22,               // selected to rotate
  kShareNotCarried = 23,        // her school does not carry the share
  kNoTargetInDirection = 24,    // no qualified school in an allowed direction
  kShareMet = 25,               // the share was met before her
  kLeaderNoVacatableSeat = 26,  // no seat of her role can be vacated
  kLeaderBeyondCap = 27,        // beyond the annual leader cap
  kLeaderWithinCap = 28,        // selected within the annual leader cap
  // Placement.
  kMovedByRoute = 40,           // moved by `route` (to_school, choice)
  kNoFreeSeatInDirection = 41,  // must rotate; every allowed school full
  kLeaderNoPartner = 42,        // no other leader can make room for her
  kLeaderNoSeatVacated = 43,    // no seat vacated in the run suits her
  kLeaderNoCycle = 44,          // in no swap or cycle of the exchange
  kHiredInCompetition = 45,     // hired (or kept) by the competition
  kAllocated = 46,              // none of her choices took her: allocation
  kLostToEstablished = 47,      // 编制 precedence took her won post
  kNoFittingPost = 48,          // 待岗: no post in the county fits her
  kAllQualifiedFull = 49,       // 待岗: every post she qualifies for full
  kLostThenAllFull = 50,        // 待岗: lost a won post, then all full
  // Placement (recruitment). Which seat she took is in the kind section
  // (SeatType); a post's unfilled seats have their own UnfilledReason.
  kRecruited = 51,  // hired at a post she listed, on her score or a reserve
  // Not hired; the first of these that applies. The first two are the
  // applicant's side of UnfilledReason::kInterviewFailed / kBelowFloor.
  kInterviewFailed = 52,  // the interview gate: she did not pass
  kBelowMinScore = 53,    // written score below the minimum score
  kListedNoPost = 54,     // she listed no recruitment post
  // Every post she listed was filled by applicants ranked above her, held
  // by reserves, below her qualification or beyond the relative floor
  // (each choice's verdict says which).
  kNoListedPostTookHer = 55,
  // Itinerant teaching.
  kItinerantAssigned = 56,  // teaches periods at other schools (走教)
};
std::string_view ReasonName(Reason r);  // "ELIGIBLE", "PINNED", ...

// Which quota a QuotaLine measures (its quota name is QuotaName).
enum class QuotaCode : uint8_t {
  kNone = 0,
  kRotationShare = 1,
  kBackboneShare = 2,
  kPrincipalRotation = 3,
  // Recruitment, one line per post with reserved seats (QuotaLine.post):
  // the reserved seats of each sex held.
  kGenderRule = 4,
};
std::string_view QuotaName(QuotaCode q);  // "rotation share", ...

struct Placement {
  std::string teacher;
  std::string from_school;
  std::string from_post;
  std::string to_school;  // exchange: == from_school when she stays
  std::string to_post;
  Outcome outcome = Outcome::kUnspecified;
  // 1-based rank of the placement in her list; 0 = not from her list.
  int32_t choice = 0;
  Route route = Route::kNone;
  // RouteSentence(route): "voluntary (to-be)", "county allocation
  // (min-cost)", "lock", ...
  std::string via;
  bool mandatory = false;
  bool locked = false;
  bool overridden = false;
  std::string override_reason;        // lock or override reason
  std::optional<int32_t> return_day;  // term exchange: day she returns
  int64_t points = 0;                 // centipoints
  Reason reason_code = Reason::kNone;
  std::string reason;  // one sentence, written from reason_code
  // The same sentence in Chinese, written beside `reason` from the same
  // facts; not encoded (the hash keeps the English of version 1 only).
  std::string reason_zh;
};

struct PointsComponent {
  std::string
      component;  // e.g. "service years (12)", "evaluation 2024: excellent"
  std::string
      component_zh;  // the same in Chinese ("教龄 (12 年)"); not encoded
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
  std::string sentence_zh;  // the same in Chinese; not encoded
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
  // notes[i] in Chinese ("" where a sentence has no Chinese twin); may be
  // shorter than `notes`. Not encoded.
  std::vector<std::string> notes_zh;
};

struct EligibilityEntry {
  std::string teacher;
  std::string school;
  bool eligible = false;
  bool mandatory = false;  // selected (or principal rule) to rotate
  bool voluntary = false;  // applied voluntarily
  bool exempt = false;
  int64_t points = 0;
  Reason reason_code = Reason::kNone;     // eligibility (kEligible, ...)
  Reason selection_code = Reason::kNone;  // exchange: selection, if any
  std::string reason;                     // the sentence of both
  std::string reason_zh;                  // the same in Chinese; not encoded
};

struct QuotaLine {
  std::string scope;  // "county" or a school id
  QuotaCode quota_code = QuotaCode::kNone;
  // The recruitment post a per-post line measures (kGenderRule); "" for
  // lines about a whole school or the county.
  std::string post;
  std::string quota;  // QuotaName(quota_code), plus " at post <post>"
  int64_t required = 0;
  int64_t achieved = 0;
  bool holds = true;
  std::string reason;     // when !holds: why, exactly
  std::string reason_zh;  // the same in Chinese; not encoded
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
  // VoluntaryMechanism (exchange rotation), StageMode (hiring) or
  // RecruitmentPrecedence (recruitment), by value.
  uint8_t mechanism_code = 0;
  std::vector<Placement> placements;  // one per teacher, teacher id order
  std::vector<TeacherExplanation> explanations;  // same order
  std::vector<EligibilityEntry> eligibility;     // teacher id order
  std::vector<QuotaLine> quotas;
  std::vector<std::string> notes;  // mode notes for the report
  // notes[i] in Chinese, as TeacherExplanation::notes_zh. Not encoded.
  std::vector<std::string> notes_zh;
  ItinerantResult itinerant;  // kItinerantTeaching only
  ReportCounts counts;
  // kRecruitment only: the per-post gender table and seat records.
  RecruitmentResult recruitment;
  std::string canonical;  // encoding above, kOutcomeEncodingCurrent
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

// The canonical encoding of `outcome` as documented above, in `version`:
// kOutcomeEncodingV1 or kOutcomeEncodingV2 (checked; callers reject other
// recorded versions first, see KnownOutcomeEncoding).
std::string EncodeOutcome(const RoundOutcome& outcome,
                          int32_t version = kOutcomeEncodingCurrent);

// True for the versions EncodeOutcome writes.
bool KnownOutcomeEncoding(int32_t version);

// Hex SHA-256 of EncodeOutcome(outcome, version): the result hash of a run
// recorded with that encoding.
std::string OutcomeHashHex(const RoundOutcome& outcome, int32_t version);

// The itinerant part of the encoding (above), appended by EncodeOutcome.
std::string EncodeItinerant(const ItinerantResult& result);

// The first placement (teacher id order) that differs between two outcomes,
// in words ("teacher T7: to_school s3 vs s4"), or "" if all placements are
// equal. For replay's first_difference.
std::string FirstDifference(const RoundOutcome& a, const RoundOutcome& b);

}  // namespace rota::engine::rules
