// TO-BE, Teacher-Optimal Block Exchange (Combe, Tercieux and Terrier, "The
// Design of Teacher Assignment: Theory and Evidence", Review of Economic
// Studies 89(6), 2022), with vacancies and newcomers.
//
// Start from the current assignment. A post accepts a teacher only in
// exchange for one it ranks lower, so every post ends at least as well off
// by its own priorities as it started: nobody leaves a post unless someone
// of higher priority takes the seat. The algorithm is a trading-cycles
// procedure on the current assignment:
//   * every post points to the teacher it would give up: a vacant seat if it
//     has one (a vacancy ranks below every teacher), else its lowest-priority
//     holder still in play; a post with neither is closed;
//   * every teacher points to the best post on her list that would accept her,
//     i.e. that she outranks the teacher (or vacancy) it points to; her own
//     post always accepts her, and her list ends there;
//   * a vacancy points to the pool of newcomers (teachers with no post), and
//     the pool points to the newcomer it serves first (points at the post do
//     not apply here: by base points, then the tie order);
//   * some cycle exists; every teacher in it moves to the post she points to
//     and is fixed there (a teacher pointing to her own post that points back
//     to her keeps it). A vacancy in a cycle is filled. Repeat until no
//     teacher is in play. When the pool is empty, vacancies can no longer be
//     filled and posts point to their holders.
// Each move is a block exchange (every teacher in it strictly better off,
// every post receiving a teacher it ranks higher than the one leaving), and
// the result admits none: the tests check "no block exchange left",
// individual rationality and, by brute force on small markets, that no
// teacher gains by misreporting (strategy-proofness), as the paper proves.
// Golden case E5: where DA* moves nobody, TO-BE lets t1 and t2 swap.
//
// Posts' acceptance thresholds only rise, so each teacher's pointer moves
// down her list monotonically: O(E + n) pointer moves for E entries.
//
// Distributional rules are not applied by TO-BE (posts are responsive).
// Thread-safety: a pure function.
#pragma once

#include "absl/status/status.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::engine {

// Fills result->post_of, entry_reason (if explain; kNoExchange for posts
// that would not take her), stats.proposals (pointer moves), stats.cycles.
// InvalidArgument if a post has more non-exempt holders than seats.
absl::Status RunTeacherOptimalBlockExchange(const Market& market, bool explain,
                                            MatchResult* result);

}  // namespace rota::engine
