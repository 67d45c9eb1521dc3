// Choice rules of posts with distributional constraints, used inside
// deferred acceptance.
//
// A choice rule picks, from the teachers a post currently considers, the ones
// it keeps. Plain posts are responsive (the `capacity` best by priority).
// Posts with rules use one of:
//   * Reserves (Hafalir, Yenmez and Yildirim 2013, "Effective affirmative
//     action in school choice"): seats are processed in a fixed order; a seat
//     reserved for group g takes the best remaining member of g, or the best
//     remaining teacher if no member is left (soft reserve); an open seat
//     takes the best remaining teacher. Market::Rule::seat_groups holds the
//     order, built from ReservePrecedence: reserve-first puts reserved seats
//     first, open-first puts open seats first (Dur, Kominers, Pathak and
//     Sönmez 2018 show the order matters; golden case E7).
//   * Floors and ceilings (Ehlers, Hafalir, Yenmez and Yildirim 2014, soft
//     bounds), in priority order over three passes: (1) members of a group
//     still below its floor; (2) anyone whose groups are all below their
//     ceilings; (3) anyone not blocked by a hard ceiling, so that soft
//     ceilings yield rather than leave seats empty. Golden case E8.
// Both rules are substitutable and satisfy the law of aggregate demand when
// each teacher belongs to at most one constrained group of the post, so DA
// with them stays stable (no justified envy under the rule) and strategy-proof
// for teachers. With overlapping groups the rules still run but those
// guarantees are not claimed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "absl/types/span.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::engine {

struct Candidate {
  uint32_t key = 0;  // priority key at the post, smaller = higher
  int32_t teacher = 0;
};

// Applies `rule` with `capacity` seats to `sorted` (ascending key).
// Candidates with key < `tenured_below` hold the post now under a
// tenure-respecting mechanism (DA*): they are kept first, whatever the rule,
// taking the seats reserved for their groups and counting toward floors and
// ceilings; the rule then fills the remaining seats. Pass 0 for none. On return
// chosen[i] is 1 for kept candidates; for the others reasons[i] says why:
// kFull if at least `capacity` candidates rank above her, otherwise the
// constraint that displaced her (kReservedSeat, kFloorSeat or kCeiling).
// REQUIRES: chosen.size() == reasons.size() == sorted.size().
void ApplyChoiceRule(const Market& market, const Market::Rule& rule,
                     int32_t capacity, uint32_t tenured_below,
                     absl::Span<const Candidate> sorted,
                     absl::Span<uint8_t> chosen, absl::Span<Reason> reasons);

// Members of `group` among `teachers`.
int32_t CountInGroup(const Market& market, int32_t group,
                     absl::Span<const int32_t> teachers);

}  // namespace rota::engine
