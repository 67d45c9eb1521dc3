// Top trading cycles (Shapley and Scarf 1974) for swaps, with vacancies and
// newcomers (Abdulkadiroglu and Sonmez 1999, "you request my house - I get
// your turn"), in its school-choice form (Abdulkadiroglu and Sonmez 2003).
//
// Every remaining teacher points to the best post on her list that still has
// a free seat; every such post points to the teacher it ranks highest among
// those remaining who listed it, its current holders first (tenure), then by
// priority. Some cycle always exists; each teacher in it gets the post she
// points to, that post loses a seat, and the teachers leave. Repeat.
//
// With one seat per post and every teacher listing every post, this is
// YRMH-IGYT (an occupied post points to its holder, a vacant one to the
// highest-priority teacher), and when every post is held by one teacher it is
// Shapley-Scarf TTC (golden case E3). A holder's list ends at her own post,
// which is always her last acceptable choice, so the result is individually
// rational; it is Pareto efficient for teachers. Deliberate difference from
// the textbook: posts point only to teachers who listed them (priorities over
// non-applicants are neither needed nor stored), which keeps the work
// proportional to the lists; the tests check Pareto efficiency, individual
// rationality and that no teacher gains by reordering or truncating her list.
//
// Complexity: O(E + n) pointer moves plus cycle bookkeeping for E entries.
// Thread-safety: a pure function.
#pragma once

#include "absl/status/status.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::engine {

// Fills result->post_of, entry_reason (if explain; kTaken for posts whose
// seats went before her turn), stats.proposals (pointer moves) and
// stats.cycles. InvalidArgument if a post has more non-exempt holders than
// seats.
absl::Status RunTopTradingCycles(const Market& market, bool explain,
                                 MatchResult* result);

}  // namespace rota::engine
