// Recruitment rounds (新教师招聘, engine/rules/recruitment.h) in the service:
// the applicants' eligibility at freeze and the recruitment parts of a run's
// result (each hire's seat and bundled rural term, the per-post gender table
// of the report). RunEngine and ComputeEligibility (round_engine.h) call
// these for RoundKind RECRUITMENT; the rest of the round (placements,
// explanations, locks, overrides, replay) goes through the same code as the
// other kinds, with applicants (counties/{c}/applicants/{a}) in the place of
// teachers and recruitment posts (counties/{c}/recruitment-posts/{p}) in the
// place of posts.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "engine/rules/round_outcome.h"
#include "rota/v1/rounds.pb.h"
#include "service/round_engine.h"

namespace rota::service {

// Bundled rural term of a recruitment post in years: its own, else the
// policy's default_bundled_term_years; 0 when the post bundles none.
int32_t BundledTermYears(const engine::rules::RecruitmentPost& post,
                         const engine::rules::RoundPolicy& policy);

// One entry per frozen applicant (applicant id order): eligible when she
// may take a seat at all (the interview gate, if the policy has one, and
// the minimum written score); the reason says which gate stops her.
std::vector<rota::v1::EligibilityEntry> RecruitmentEligibility(
    const FrozenEngineInputs& frozen);

// Adds to `r` (converted from `outcome`, a recruitment run of `frozen`):
// each placement's seat, seat channel and bundled term, and the report's
// per-post table with its totals. REQUIRES: r->placements in the outcome's
// order (applicant id order).
void AddRecruitmentResults(const FrozenEngineInputs& frozen,
                           const engine::rules::RoundOutcome& outcome,
                           EngineResult* r);

}  // namespace rota::service
