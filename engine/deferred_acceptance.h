// Deferred acceptance (Gale and Shapley 1962) for many-to-one teacher
// assignment, and its tenure-respecting variant DA* (Guillen and Kesten 2012;
// used for French teacher mobility, see Combe, Tercieux and Terrier 2022).
//
// Teacher-proposing DA: every free teacher proposes to the best post on her
// list that has not rejected her; a post keeps the best proposers its choice
// rule allows (responsive: the `capacity` highest-priority; see
// engine/choice_rules.h for reserves, floors and ceilings) and rejects the
// rest. It ends when nobody is free. The result is stable (no teacher-post
// pair where the teacher prefers the post and the post would choose her) and
// teacher-optimal among stable matchings; truthful lists are a dominant
// strategy for teachers (Dubins and Freedman 1981; Roth 1982).
//
// DA*: holders rank first at their own post (several holders of one post in
// priority order), each holder's list ends at her own post (appended as her
// last choice if she did not list it), then DA runs. Every holder ends at
// least as well off as at her post (individual rationality), and the result
// is stable for the tenure-adjusted priorities.
//
// Post-proposing DA: posts propose in priority order, teachers hold their
// best offer. Gives the post-optimal stable matching (golden case E1).
//
// Complexity: O(E log c) for E preference entries and c the largest capacity
// (a binary heap per post); O(c) per proposal at posts with choice rules.
// Memory: flat arrays only, nothing allocated per proposal.
//
// Reasons: each rejection writes the entry's Reason (MatchResult) when
// `explain` is set.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include "absl/status/status.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::engine {

// Teacher-proposing DA (tenure = false) or DA* (tenure = true). Fills
// result->post_of, entry_reason (if explain), unmet_floors and
// stats.proposals. Exempt teachers keep their post and use its seat.
void RunDeferredAcceptance(const Market& market, bool tenure, bool explain,
                           MatchResult* result);

// Post-proposing DA. InvalidArgument if a post has a distributional rule.
absl::Status RunPostProposingDeferredAcceptance(const Market& market,
                                                bool explain,
                                                MatchResult* result);

}  // namespace rota::engine
