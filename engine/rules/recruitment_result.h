// RecruitmentResult: the per-post gender table and the per-applicant seat
// record of a recruitment round (recruitment.h), a member of RoundOutcome.
// Only ids, numbers and codes: the sentences live in the placements and
// explanations. EncodeRecruitmentResult (round_outcome.cc) is its canonical
// encoding, appended to EncodeOutcome's bytes for kRecruitment runs:
//   u32 n posts (post id order): str post, str school, i32 seats,
//     i32 reserved_female, i32 reserved_male, i32 reserved_channel,
//     i32 hired_female, i32 hired_male, i64 cutoff_female, i64 cutoff_male,
//     i64 cutoff_gap, i64 open_cutoff, i32 unfilled, u8 unfilled_reason,
//     bool gender_rule_applies, bool gender_rule_holds;
//   u32 n applicants (applicant id order): str applicant, str post,
//     u8 seat, u8 seat_channel, u32 n beaten, each: str post,
//     str competitor, i64 competitor_score.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/rules/county.h"

namespace rota::engine::rules {

// Which seat of a post a hire took.
enum class SeatType : uint8_t {
  kNone = 0,             // not hired
  kOpen = 1,             // open seat, on her score
  kReservedFemale = 2,   // seat reserved for women (horizontal reserve)
  kReservedMale = 3,     // seat reserved for men
  kReservedChannel = 4,  // seat reserved for her channel (seat_channel)
  kPinned = 5,           // placed by a lock or an override
};
std::string_view SeatTypeName(SeatType s);  // "open", "reserved for women"

// Why seats of a post stayed empty (the first that applies).
enum class UnfilledReason : uint8_t {
  kNone = 0,                  // every seat filled
  kNoApplicant = 1,           // nobody listed the post
  kNotQualified = 2,          // no listed applicant has its subject and stage
  kInterviewFailed = 3,       // the qualified ones all failed the interview
  kBelowFloor = 4,            // the rest are all below the minimum score
  kTookBetterChoice = 5,      // the rest were hired at posts they ranked higher
  kBelowOpenCutoffFloor = 6,  // the rest were too far below the open cutoff
};
std::string_view UnfilledReasonName(UnfilledReason r);  // "no applicant"...

struct RecruitmentPostResult {
  std::string post;
  std::string school;
  int32_t seats = 0;
  int32_t reserved_female = 0;   // seats reserved for women
  int32_t reserved_male = 0;     // for men
  int32_t reserved_channel = 0;  // for channel targets, all channels
  int32_t hired_female = 0;
  int32_t hired_male = 0;
  // Lowest written score hired, per sex (centipoints); -1 = nobody hired.
  int64_t cutoff_female = -1;
  int64_t cutoff_male = -1;
  // |cutoff_female - cutoff_male| when both exist, else 0.
  int64_t cutoff_gap = 0;
  // Lowest score on an open seat; -1 = no open seat filled.
  int64_t open_cutoff = -1;
  int32_t unfilled = 0;
  UnfilledReason unfilled_reason = UnfilledReason::kNone;
  bool gender_rule_applies = false;  // a gender mode reserved seats here
  // Each sex holds at least its reserved seats, or every eligible applicant
  // of that sex who was not hired at a post she ranked higher is hired here.
  bool gender_rule_holds = true;
};

struct BeatenAt {
  std::string post;              // a post she listed and did not get
  std::string competitor;        // lowest-ranked hire there who outranks her
  int64_t competitor_score = 0;  // centipoints
};

struct RecruitmentApplicantResult {
  std::string applicant;
  std::string post;  // "" = not hired
  SeatType seat = SeatType::kNone;
  Channel seat_channel = Channel::kUnspecified;  // kReservedChannel only
  std::vector<BeatenAt> beaten;  // posts above her seat (all, if not hired)
};

struct RecruitmentResult {
  std::vector<RecruitmentPostResult> posts;            // post id order
  std::vector<RecruitmentApplicantResult> applicants;  // applicant id order
};

// The canonical encoding above (defined in round_outcome.cc).
std::string EncodeRecruitmentResult(const RecruitmentResult& result);

}  // namespace rota::engine::rules
