// Exchange rotation (交流轮岗): who must rotate, who may, and where everyone
// goes, under the county policy (SPEC.md "Round kinds" 1).
//
// The run, in order (every step deterministic; ties by the policy's tie
// chain then engine::LotteryDraw(inputs.seed, teacher id)):
//  1. Eligibility (also ComputeEligibility, listed at freeze): a teacher is
//     eligible if she has been at her school >= min_years_at_school full
//     years and retires strictly more than min_years_to_retirement years
//     after the effective date (RetirementDay, points.h: the delay
//     schedule), and no exemption is in force on the effective date.
//     Exempt teachers never move (outcome EXEMPT). Teachers who take no
//     part are not eligible, stay, and their applications are not read:
//     non-established (编外) staff unless rotate_non_established, and
//     everyone at a school outside stage_scope (a school is in scope if
//     one of its stages is listed).
//     Principals and vice-principals (leaders) follow their own rule: >=
//     principal_min_years in office at the school (from the later of
//     school_join_day and role_start_day) and > principal_min_years_to_
//     retirement years from retirement => must rotate; in office that long
//     but closer to retirement => INSPECTOR (专职督学), they stay.
//  2. Locks and overrides are applied first and never changed. An override
//     (or lock) that breaks capacity, qualification, an exemption or a
//     service obligation makes the run fail with FailedPrecondition whose
//     message starts with `override for teacher "T": rule "capacity"|
//     "qualification"|"exemption"|"obligation"`.
//     Capacity is judged at the end of the run: a pinned arrival may take a
//     seat that a colleague frees by leaving in this run (as when an
//     administrator locks a placement the engine proposed). Until enough of
//     a school's teachers leave, it takes no newcomers; if too few leave,
//     the run fails naming the pin. Pins that certainly overfill a school
//     (with exempt teachers, who never leave) fail at once. A leader pinned
//     to another school must take a leadership seat of her role vacated in
//     the run (rule "leadership" otherwise, e.g. when that school's
//     principal stays), at a school of her certificate stages (rule
//     "qualification"), and pins may not move more leaders than the annual
//     cap (rule "leadership cap"). A leader due home from a term exchange
//     is not a leadership move: she takes back her seat there.
//  2b. Leadership rotation (exchange_rotation_leaders.cc). Leadership posts
//     are posts: per role, the leaders pinned elsewhere and those who must
//     rotate and are picked within the cap (floor(leader_rotation_cap_
//     percent% x the county's leaders of that role), pinned moves first,
//     then selection_order, then the lottery) exchange their seats. Each
//     takes her own seat or another member's at a school allowed by the
//     leader directions (leader_directions: urban-rural exchange, strong-
//     weak exchange, any school) that teaches a stage her certificate
//     covers: swaps and cycles, so every school ends with as many
//     principals and vice-principals as it had, and no school's staff count
//     changes. An exact min-cost assignment moves the most leaders, then
//     follows their preference lists (unlisted schools after listed ones),
//     then distance. A leader who must rotate and stays is UNPLACED (no
//     other leader of her role who must rotate sits where she may go, so
//     she is not picked within the cap; her allowed partners are beyond the
//     cap or cannot move themselves; or no swap or cycle through her) or STAYED
//     (beyond the cap), with that reason. Leaders take no part in the later
//     phases, and teachers never take a leadership seat.
//  3. Voluntary applicants (Application::voluntary) by TO-BE or DA*
//     (policy.exchange_rotation.voluntary_mechanism, or RunParameters) over
//     the schools they list that qualify them; rural -> urban/town only if
//     allow_rural_to_urban_training. Every other teacher holds her seat.
//     TO-BE only trades seats, and with one priority order for all schools
//     it can never swap two teachers (each would have to outrank the
//     other) or fill a vacancy without newcomers; so after TO-BE a DA* pass
//     runs from where TO-BE left them, lists cut at the current school (via
//     "voluntary (da-star after to-be)"): swaps, free seats and vacancy
//     chains. Individually rational: a voluntary applicant ends at a
//     listed school she ranked above her own, or where she was.
//  4. Selection: only schools that carry the share (locality in
//     share_localities, not weak unless weak_schools_carry_share) have a
//     pool. At each such school (PER_SCHOOL) or over all of them
//     (COUNTY_WIDE), required = rotation_share% x eligible rounded by
//     share_rounding (nearest by default); eligible teachers who moved in
//     step 3 count. The rest are picked among eligible teachers still at their
//     school and having some school in an allowed mandatory direction: first
//     enough backbone teachers to make backbone >= ceil(backbone_share% x
//     movers), then anyone, each time by selection_order then the lottery.
//  5. Mandatory movers (selected teachers) are placed by preference:
//     DA* over the schools their direction allows (their application list,
//     filtered), priority by points, every non-mover keeping her seat.
//  6. Seats still free go first to those who listed them, by priority:
//     voluntary applicants and placed mandatory movers may move up to a
//     free seat at a school they listed above where they are, unplaced
//     mandatory movers to any listed school their direction allows (same
//     direction and qualification rules), by DA* from where they are
//     ("seats freed by later phases (da-star)"). Nobody ends worse, nobody
//     moves to a school she did not list, and no school gains staff beyond
//     its limit.
//  7. The rest by county allocation: min-cost assignment (cost = metres x
//     allocation_cost_per_km / 1000 by SchoolDistanceMetres (county.h) +
//     allocation_secondary_subject_cost when only a secondary subject fits)
//     over every allowed, qualified school with a free seat. Each round
//     places as many movers as possible, then at least total cost; it is
//     solved exactly by pricing (engine/rules/internal/
//     priced_assignment.h: the solver sees a few cheapest options per mover
//     or seat, and its dual prices prove that no left-out option would
//     lower the cost), so only equal-cost ties may fall differently from
//     a solve over every option at once. The seats its movers free are
//     offered as in step 6 before the next round; rounds repeat while one
//     places somebody. So the allocation sends nobody where an applicant
//     listed the school above where she is (it takes only seats nobody on
//     a list claims), and at the end no mandatory mover is unplaced, and
//     nobody ends below a school on her list, while a seat she may take
//     there is free.
//     Whoever is still without a seat is UNPLACED (stays at her school):
//     every qualified school in an allowed direction is full, and the
//     quota lines say so.
// Returns: a teacher whose term exchange has ended (Teacher::term_end_day
// on or before the effective date) goes back to Teacher::home_school
// before every phase, via "return from a term exchange". It is not a
// rotation move: she is not eligible in this round and counts in no share.
// Her personnel relation stayed at home, so her seat is still hers: the
// home school's limit counts her among its staff before the round (the
// school she served at counts her too: it may take a newcomer for her). A lock
// or override of her placement wins (an extended term).
// Directions for mandatory movers: a teacher at school A may be sent to B
// if any policy direction holds (URBAN_TO_RURAL: B's locality is lower;
// STRONG_TO_WEAK: A not weak, B weak). Leaders follow the leader
// directions (step 2b).
// Every phase, voluntary or mandatory, the leaders' market included: nobody
// moves to a school outside stage_scope, and a teacher bound by a service
// obligation (obligations.h) moves only to rural schools or teaching points
// (a pinned leader is judged by the leadership rules only).
// Capacity: the headcount (编制数) counts established staff. A school never
// ends with more staff counted against it than max(headcount, those staff
// before the round, counting those due back from a term exchange); a school
// at or above its headcount only exchanges. Non-established staff who take
// no part keep their seats outside it.
// Qualification: a school qualifies a teacher if one of its posts (subject
// in her subjects, stage in her certificate stages) fits; a school without
// posts qualifies her if one of its stages is among her certificate stages.
// Term exchange: return_day = AddYears(effective_day, term_years).
// Quota lines: "rotation share" and "backbone share" per school with
// eligible teachers (PER_SCHOOL) plus county totals, or county lines only
// (COUNTY_WIDE); "principal rotation" for the county when a leader must
// rotate (required = leaders due, achieved = those who moved; a line that
// does not hold names those beyond the cap, without an allowed seat, in no
// swap or cycle, or kept by a lock/override). achieved counts eligible teachers
// who end at another school (by any phase, lock or override); holds = achieved
// >= required, and a line that does not hold says why (exempt, no allowed
// school, unplaced, ...). Explanations: a FULL verdict names the
// lowest-priority teacher at that school at the end of the run who outranks her
// (tenure at her own school, a lock/override, or higher points/tie
// chain/lottery); other verdicts name the rule (qualification, direction,
// selection, TO-BE exchange rule). For a leader, FULL names the leader of her
// role who took the seat vacated there, or the one who keeps it (not rotating);
// DIRECTION names the leader directions, NOT_QUALIFIED the school's stages.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/rules/county.h"
#include "engine/rules/policy.h"
#include "engine/rules/round_outcome.h"

namespace rota::engine::rules {

// Parameters an administrator may change between runs (proto
// RunParameters); unset = the policy's value.
struct RunParameters {
  std::optional<VoluntaryMechanism> voluntary_mechanism;
  std::optional<StageMode> stage_mode;  // competitive hiring only
};

// How much of the outcome to build. Explanations are not part of the result
// hash, so a caller that needs only the placements (a run that stores them, a
// replay that compares hashes) may skip them; the same inputs then give the
// same placements and hash.
struct OutcomeOptions {
  bool explanations = true;
  // Sentences say "she"/"her" of every teacher, as before they followed the
  // teacher's gender: outcome encoding version 1 hashes the sentences, so a
  // run recorded with it is re-run with this set (internal/pronouns.h).
  bool legacy_pronouns = false;
};

// Step 1 only: one entry per teacher in id order (eligible, exempt, points,
// reason; `mandatory` marks principals who must rotate; `voluntary` those who
// applied voluntarily). InvalidArgument on bad inputs or policy.
absl::StatusOr<std::vector<EligibilityEntry>> ComputeEligibility(
    const CountyInputs& inputs, const RoundPolicy& policy);

// The whole run. InvalidArgument for bad inputs/policy (ValidateCountyInputs,
// ValidatePolicy); FailedPrecondition for an override or lock that breaks a
// hard rule (see step 2). Unplaced teachers and quotas that cannot hold are
// results (placements and quota lines), not errors.
absl::StatusOr<RoundOutcome> RunExchangeRotation(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters = {}, const OutcomeOptions& options = {});

}  // namespace rota::engine::rules
