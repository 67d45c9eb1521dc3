// The result of one matching run: who got which post, each teacher's outcome
// and, for every choice she ranked above it, why she did not get it, all
// recorded while the mechanism ran (not reconstructed afterwards).
//
//   absl::StatusOr<MatchResult> r =
//       Solve(market, Mechanism::kTenureDeferredAcceptance);
//   std::string hex = ToHex(r->digest);  // stored with the round
//   Explainer explainer(market, *r);
//   Explanation why = explainer.Explain(teacher);  // on demand
//
// Canonical encoding, version 1 (`canonical`, hashed into `digest`). All
// integers little-endian; str = u32 byte length then the bytes:
//   "ROTA-MATCH" (10 bytes), u8 version = 1,
//   str mechanism name (MechanismName), u64 lottery seed,
//   u32 number of teachers, u32 number of posts,
//   per teacher in id order: str teacher id, str post id ("" = none),
//                            u8 outcome (Outcome value), i32 choice,
//   u32 number of unmet floors,
//   per unmet floor in (post id, group) order: str post id, str group,
//                            u32 floor, u32 achieved.
// It depends only on the market's content (ids are sorted), never on the
// order in which the caller listed teachers or posts. Reasons and statistics
// are derived data and not part of the encoding.
//
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/sha256.h"
#include "engine/model.h"

namespace rota::engine {

enum class Mechanism : uint8_t {
  kDeferredAcceptance = 0,               // "da": teacher-proposing DA
  kPostProposingDeferredAcceptance = 1,  // "da-posts": posts propose
  kTenureDeferredAcceptance = 2,         // "da-star": DA* (tenure first)
  kTeacherOptimalBlockExchange = 3,      // "to-be"
  kTopTradingCycles = 4,                 // "ttc"
  kMinCost = 5,  // "min-cost": county-wide min-cost assignment (调剂)
};

std::string_view MechanismName(Mechanism m);
// Accepts the names above; InvalidArgument otherwise.
absl::StatusOr<Mechanism> ParseMechanism(std::string_view name);

enum class Outcome : uint8_t {
  kUnplaced = 0,     // no post (待岗 in competitive hiring)
  kPlaced = 1,       // placed at a post other than the one she held
  kKeptOwnPost = 2,  // keeps the post she held
  kExempt = 3,       // exempt: did not take part, keeps her post if any
};
std::string_view OutcomeName(Outcome o);

// Why a teacher is not at the post of one of her preference entries.
enum class Reason : uint8_t {
  kNotReached = 0,     // she got something she ranks higher
  kNotQualified = 1,   // subject or certificate stage does not match
  kNotInPriority = 2,  // the post's explicit priority list omits her
  kExempt = 3,         // she is exempt and takes no part
  kFull = 4,           // full with teachers of higher priority
  kReservedSeat = 5,   // the seat she would get is reserved for a group
  kFloorSeat = 6,      // the seat she would get is kept for a group's floor
  kCeiling = 7,        // a group of hers is at its ceiling there
  kAfterOwnPost = 8,   // tenure: entries after her own post are ignored
  kNoExchange = 9,     // TO-BE: no exchange could bring her there
  kTaken = 10,         // TTC: its seats went to others before her turn
  kCostlier = 11,      // min-cost: the county-wide optimum needs her elsewhere
};
std::string_view ReasonName(Reason r);

struct UnmetFloor {
  int32_t post = 0;
  int32_t group = 0;  // index into Market::group_names
  int32_t floor = 0;
  int32_t achieved = 0;  // group members placed there
  // Qualified group members who listed the post (within the part of their
  // list the mechanism used), and how many of them got a post they rank
  // higher: the floor failed because floor > achieved = applicants - better.
  int32_t applicants = 0;
  int32_t placed_higher = 0;
  // Under DA*: holders outside the group who keep their seats by tenure. A
  // member who wanted the post was refused only because of them, so then
  // achieved + tenured_others == seats.
  int32_t tenured_others = 0;
};

struct MatchStats {
  int32_t placed = 0;    // Outcome::kPlaced
  int32_t kept = 0;      // Outcome::kKeptOwnPost
  int32_t unplaced = 0;  // Outcome::kUnplaced
  int32_t exempt = 0;    // Outcome::kExempt
  // by_choice[k] = teachers placed at (or keeping) their (k+1)-th listed
  // choice; keeping an unlisted own post is counted in `kept` only.
  std::vector<int32_t> by_choice;
  int64_t proposals = 0;   // DA: proposals made; TTC/TO-BE: pointer moves
  int64_t cycles = 0;      // TTC/TO-BE: cycles carried out
  int64_t total_cost = 0;  // min-cost: optimal total cost (certified)
};

struct MatchResult {
  Mechanism mechanism = Mechanism::kDeferredAcceptance;
  std::vector<int32_t> post_of;    // [teacher] post index, -1 = none
  std::vector<int32_t> choice_of;  // [teacher] 0-based listed choice, -1
  std::vector<Outcome> outcome;    // [teacher]
  // [entry] why the teacher is not at that entry's post; empty when the run
  // did not record explanations (SolveOptions::explain = false).
  std::vector<Reason> entry_reason;
  std::vector<UnmetFloor> unmet_floors;
  MatchStats stats;
  std::string canonical;  // encoding above; empty if not requested
  Sha256Digest digest{};  // SHA-256 of `canonical`
};

// One line of an explanation: a choice ranked above the outcome.
struct WhyNot {
  int32_t choice = 0;  // 0-based index in her list
  int32_t post = 0;
  Reason reason = Reason::kNotReached;
  // For kFull/kReservedSeat/kFloorSeat/kCeiling: teachers admitted there with
  // higher priority than her, and the lowest-priority teacher admitted (-1 if
  // none) with the points that ranked them.
  int32_t higher_admitted = 0;
  int32_t lowest_admitted = -1;
  int64_t lowest_points = 0;
  int64_t her_points = 0;
};

struct Explanation {
  int32_t teacher = 0;
  Outcome outcome = Outcome::kUnplaced;
  int32_t post = -1;
  int32_t choice = -1;
  std::vector<WhyNot> why_not;  // in her list order
  std::string text;             // the same in one human-readable paragraph
};

// Explains outcomes from what the run recorded. Construction indexes who
// sits where (O(teachers)); each Explain is O(her list x post size).
// REQUIRES: `result` came from Solve on `market` (with explanations on for
// why_not lines); both outlive the Explainer.
class Explainer {
 public:
  Explainer(const Market& market, const MatchResult& result);
  // REQUIRES: 0 <= teacher < market.num_teachers.
  Explanation Explain(int32_t teacher) const;

 private:
  const Market& market_;
  const MatchResult& result_;
  std::vector<int32_t> at_begin_;  // [post + 1] into at_
  std::vector<int32_t> at_;        // non-exempt teachers per post
};

// One-off convenience: Explainer(market, result).Explain(teacher).
Explanation Explain(const Market& market, const MatchResult& result,
                    int32_t teacher);

// Fills outcome, choice_of, stats and (if `encode`) canonical and digest
// from post_of. Used by Solve; exposed for tests and tools.
void FinishResult(const Market& market, bool encode, MatchResult* result);

}  // namespace rota::engine
