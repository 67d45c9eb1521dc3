// Recruitment with gender balance (新教师招聘): new-teacher applicants to
// recruitment posts by applicant-proposing deferred acceptance, each post
// choosing by its written-score order with horizontal reserves for each sex
// and channel targets (engine/choice_rules.h, reserves with precedence).
//
// Rules, in order (policy.recruitment, RecruitmentPolicy in policy.h):
//   1. Gate. An applicant who failed the interview (interview_gate) or whose
//      written score is below min_score takes no seat at all, open or
//      reserved: balance never lowers the floor.
//   2. Qualification. A post takes only applicants with its subject among
//      theirs and its stage (the school's first stage if unset) among their
//      certificate stages.
//   3. Reserves. gender_mode sets, per post, soft reserved seats for each
//      sex (GenderMode in policy.h: same admission rate, equal numbers,
//      floor per post, county balance); channel_targets add seats reserved
//      for a channel. Reserved seats nobody of the group claims go to the
//      best remaining applicant (they return to the open list). No post is
//      ever restricted to one sex and there is one list per post.
//   4. Precedence. kReserveFirst (default) fills reserved seats before open
//      seats: the reserve is a minimum guarantee (horizontal reservation);
//      kOpenFirst fills open seats first: the reserve comes on top.
//   5. Priority. Written score, higher first; then the county's tie chain
//      (only "older" applies to applicants: earlier birth date first); then
//      the seeded lottery (engine/model.h).
//   6. Relative floor. min_score_within_of_open_cutoff > 0: a reserved seat
//      at a post needs a score within that many centipoints of the post's
//      open cutoff (lowest score on an open seat). DA runs; an applicant on
//      a reserved seat further below is struck from that post (the post
//      rejects her) and DA runs again, until no such seat is left.
//   7. Locks and overrides place an applicant directly at a post (or nowhere
//      for to = ""), using one of its seats; they must respect the hard
//      rules (qualification, capacity, interview gate, minimum score), else
//      FailedPrecondition naming the rule. Reserves are computed on the
//      seats left.
// Stability, strategy-proofness: with every applicant in at most one
// reserved group of a post (gender mode alone, or channel targets alone),
// the choice rule is substitutable and satisfies the law of aggregate
// demand, so the result has no blocking pair under scores and reserves and
// truthful lists are dominant (tests: recruitment_test.cc). With both
// gender reserves and channel targets the groups overlap and these are not
// claimed; the relative floor (rule 6) depends on others' reports, so
// strategy-proofness is not claimed with it either.
//
// Output: one placement per applicant (teacher = applicant id; kRecruited
// or kNotRecruited), an explanation for each listed post, and
// RoundOutcome::recruitment (recruitment_result.h): the per-post gender
// table and seat records.
//
// Thread-safety: pure function.
#pragma once

#include "absl/status/statusor.h"
#include "engine/rules/county.h"
#include "engine/rules/exchange_rotation.h"  // RunParameters, OutcomeOptions
#include "engine/rules/policy.h"
#include "engine/rules/round_outcome.h"

namespace rota::engine::rules {

// Runs a recruitment round on inputs.applicants and inputs.recruitment_posts
// (schools for stages and names; teachers only for kCountyBalance's staff
// shares). InvalidArgument for bad inputs or policy, FailedPrecondition for
// a lock or override that breaks a hard rule. `parameters` has no
// recruitment field yet; options.explanations = false skips sentences.
absl::StatusOr<RoundOutcome> RunRecruitment(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters = {}, const OutcomeOptions& options = {});

}  // namespace rota::engine::rules
