// Competitive hiring (竞聘上岗), the core of 县管校聘 (SPEC.md "Round kinds"
// 2): every teacher competes for the posts of the county (school x subject x
// title band, each with a count of seats); the county allocates the rest
// (调剂); whoever is still without a post is 待岗 (UNPLACED).
//
// THE RUN (every step deterministic; ids sorted first, so input order never
// matters)
//  0. Exempt teachers (an exemption in force on the effective date) keep
//     their post, which uses one of its seats (EXEMPT). Locks and overrides
//     are placed next and never changed; one that breaks a hard rule makes
//     the run fail with FailedPrecondition whose message starts
//     `override for teacher "T": rule "capacity"|"qualification"|"exemption"`
//     (`lock for teacher ...` for a lock).
//  1. Preference lists: her application's posts, best first. If she listed
//     none of her own school's posts (or sent no application), her own
//     school's posts of her band that qualify her are appended as implicit,
//     acceptable choices: her current post first (whatever its band), then
//     the others by id. So a teacher who says nothing competes at home, and
//     listing other schools never costs her the home fallback. Only entries
//     of her own band (and her current post) enter the competitions of
//     step 2: a lower or higher band is the county allocation's (step 3).
//  2a. SIMULTANEOUS (default): one teacher-proposing deferred acceptance over
//     all posts with tenure-adjusted priorities (DA*, Dur and Kesten 2019):
//     at a 编制 post an established teacher ranks above every 编外 one
//     (编制 precedence); then at each post of her own school a teacher ranks
//     above every teacher from another school (in-school precedence); within
//     each class by
//     points, then the policy's tie chain, then the seeded lottery
//     (engine::LotteryDraw(inputs.seed, id)), then the id. The result is
//     stable for these priorities (no teacher prefers a post that has a free
//     seat or holds someone she outranks there) and strategy-proof.
//  2b. SEQUENTIAL (policy option, the three-stage practice): stage 1, each
//     school's own teachers compete for its posts by points (DA over the
//     own-school entries of their lists; a 编外 teacher only for its
//     non-established seats); those hired are done. Stage 2, the rest
//     compete across schools for the remaining seats by their lists (DA, by
//     编制 precedence, then points). The report says so and why it is weaker: a
//     teacher hired at home in stage 1 cannot take a post she prefers
//     elsewhere, so seats stay empty and others stay unplaced that the
//     simultaneous DA* would have placed, and which stage to enter is a
//     strategic choice.
//  3. County allocation (调剂): min-cost assignment (engine/min_cost_flow.h)
//     of the teachers still without a post to the remaining seats. Cost of a
//     seat = distance in km between her school and the post's school x
//     allocation_cost_per_km (0 when a school has no coordinates) +
//     allocation_secondary_subject_cost when the post's subject is not her
//     first (primary) subject. Each teacher offers the solver her 16
//     cheapest qualified free seats (cost, then post id; a prefecture has
//     thousands of posts per subject); over those the number placed is
//     maximised first, then the cost, exactly (internal::AllocateRound:
//     column generation, certified by the solver's dual prices, gives the
//     optimum of the whole 16-option problem); rounds repeat while some
//     unplaced teacher still fits a free seat, so nobody ends 待岗 next to a
//     free seat she qualifies for. The optimum is per round over the
//     offered seats, not over every seat in the county: on the
//     100,000-teacher benchmark county an exact optimum over all seats
//     placed as many teachers at ~5% less total cost, but took far longer.
//     Phases, each run to the end before the next: (a) established teachers,
//     her own band; (b) the same, where a 编制 seat held by a 编外 teacher
//     the competition placed counts as open (编制 precedence: taking it sends
//     the lowest-ranked such holder back to the unplaced, and her
//     explanation says so); (c, d) the same two with lower bands
//     (down-hiring); (e, f) 编外 teachers, own band then lower bands, free
//     seats only; (g, h) when allow_up_hiring, higher bands for teachers who
//     meet the up-hiring conditions (established first), free seats only.
//     Hence (seats are never freed after (b)/(d) move them): a teacher is
//     DOWN_HIRED only when no seat of her band that she qualifies for is
//     left anywhere in the county; no 编外 teacher holds a 编制 post that an
//     UNPLACED established teacher qualifies for (by subject, stage and the
//     own/down band rules) unless she is exempt, locked or overridden; an
//     UP_HIRED teacher holds a seat that no teacher of its band who
//     qualifies for it needed (none ends UNPLACED or DOWN_HIRED).
//  4. Whoever is still without a post is UNPLACED (待岗): every post she
//     qualifies for is full, or none exists; the explanation says which.
//
// QUALIFICATION of teacher t for post p: p's subject is among t's subjects,
// p's stage (its own, else its school's first stage) is among her
// certificate stages, and p's title band is her band (her title; 未定级 and
// unspecified count as junior) or, when allow_down_hiring, at most
// max_bands_down bands lower (outcome DOWN_HIRED), or, when
// allow_up_hiring, at most max_bands_up bands higher and at most
// up_hiring_highest_band, if her evaluations meet the conditions
// (UpHiringProblem; outcome UP_HIRED). A teacher may always keep her own
// current post (tenure), whatever its band.
//
// EMPLOYMENT: every post is a 编制 post unless Post::non_established marks
// it a seat outside the establishment (e.g. a contract seat), which every
// teacher competes for on equal terms. Teachers whose employment is
// NON_ESTABLISHED are 编外; all others (ESTABLISHED, unspecified) are
// established staff.
//
// OUTCOMES: EXEMPT; STAYED (her current post); MOVED (another post of her
// band); DOWN_HIRED (a lower band than hers); UP_HIRED (a higher band);
// UNPLACED (to_school = her school, to_post = ""; she stays on the
// school's books).
//
// EXPLANATIONS (derived from the run): per choice GOT, BETTER_CHOICE_HELD,
// NOT_QUALIFIED (the failing rule), EXEMPT, NOT_REACHED (placement fixed by
// a lock/override; an entry of another band, which only the county
// allocation fills; an entry below one the competition gave her before
// 编制 precedence took it), or FULL, naming the lowest-priority teacher the
// competition admitted there (or an established teacher who took a 编外
// holder's seat there), who holds that seat at the end and outranks her
// (by 编制 precedence, in-school precedence, `competitor_by_tenure`, or by
// points/tie chain/lottery); when every seat is held by exempt teachers or
// fixed placements, competitor is empty and the sentence says so. A 编外
// teacher who lost her seat to 编制 precedence has FULL on that choice
// naming the established teacher, and a note saying so. An established
// teacher is never told a 编外 holder outranks her at a 编制 post.
//
// COMPLEXITY: DA is O(list entries); county allocation as in
// engine/min_cost_flow.h, per round O(unplaced x 16) options, solved as a
// few restricted problems with 2-8 options per teacher. Measured:
// docs/perf-hiring.md (engine alone: 2,000 teachers ~12-15 ms; 100,000
// ~1.5-2 s on a shared 2-core machine).
// Thread-safety: pure functions.
//
//   RoundPolicy policy;  // defaults: simultaneous DA*, 低聘 one band
//   ROTA_ASSIGN_OR_RETURN(RoundOutcome out,
//                         RunCompetitiveHiring(inputs, policy));
//   out.hash_hex;  // stored with the run
//
// REFERENCES
//   U. Dur, O. Kesten, Sequential versus simultaneous assignment systems and
//     two applications, Economic Theory 68 (2019).
//   P. Guillen, O. Kesten, Matching markets with mixed ownership: the case
//     for a real-life assignment mechanism, International Economic Review
//     53 (2012) (tenure-respecting DA).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/rules/county.h"
#include "engine/rules/exchange_rotation.h"  // RunParameters
#include "engine/rules/policy.h"
#include "engine/rules/round_outcome.h"

namespace rota::engine::rules {

// The whole run (see the file comment). InvalidArgument for bad inputs or
// policy (ValidateCountyInputs(inputs, kCompetitiveHiring), ValidatePolicy);
// FailedPrecondition for a lock/override that breaks capacity,
// qualification or an exemption. 待岗 teachers are results, not errors.
// `parameters.stage_mode` overrides policy.competitive_hiring.stage_mode.
absl::StatusOr<RoundOutcome> RunCompetitiveHiring(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters = {}, const OutcomeOptions& options = {});

// Band a teacher's title qualifies her for: kNone and kUnspecified count as
// kJunior (the entry band).
Title HiringBand(Title title);

// How a post's title band stands to a teacher's band when she qualifies.
enum class BandFit : uint8_t {
  kOwn,   // her band (or her own current post, whatever its band)
  kDown,  // lower, by down-hiring (低聘)
  kUp,    // higher, by up-hiring (低职高聘)
};

// Whether her evaluations meet the policy's up-hiring conditions on
// `effective_day` (up_hiring_requires_latest_excellent,
// up_hiring_competent_years; see RecentEvaluations): "" if they do and the
// policy allows up-hiring, else what she misses in words (with the
// teacher's own pronoun; "she" for everyone when `legacy_pronouns`, see
// OutcomeOptions). If `problem_zh` is not null, it gets the same in Chinese
// ("" when the English is "").
std::string UpHiringProblem(const Teacher& teacher,
                            const CompetitiveHiringPolicy& policy,
                            int32_t effective_day, bool legacy_pronouns = false,
                            std::string* problem_zh = nullptr);

// Whether `teacher` may hold `post` (whose effective stage is `post_stage`)
// under `policy` on `effective_day`. Returns "" if qualified, else the
// failing rule in words ("subject: post teaches music, her subjects are
// math", "title band: ..."). Sets *fit to the band relation when qualified.
// Her own current post is always qualified (kOwn). If `problem_zh` is not
// null, it gets the same in Chinese.
std::string HiringFitProblem(const Teacher& teacher, const Post& post,
                             Stage post_stage,
                             const CompetitiveHiringPolicy& policy,
                             int32_t effective_day, BandFit* fit,
                             bool legacy_pronouns = false,
                             std::string* problem_zh = nullptr);

namespace internal {

// The county allocation's solver, exposed for tests. Row i (a teacher) lists
// her options rows[i] as (cost, post) pairs (1..32 of them, no post twice,
// costs >= 0); post p takes at most capacity[p] teachers; leaving a row
// unmatched costs `unassigned`. Sets (*chosen)[i] to the index in rows[i] of
// the option row i takes, or -1, such that the total cost is the minimum
// over all the options -- what engine::SolveAssignment on the whole problem
// gives, up to equal-cost ties -- and, if `prices` is not null, the post
// prices (indexed by post, 0 for a post no active option names) that
// certify it in the sense of engine::CheckAssignmentCertificate.
//
// Method: column generation. Rows start with their 2 cheapest options; after
// each solve (SolveAssignment on each connected component of the options
// so far), an option q left out is added only if cost(q) + price(q) is below
// what the row pays now (cost + price of its post, or `unassigned`): the LP
// reduced-cost test with the solver's dual prices, which are >= 0 here (no
// floors; a negative price at an empty post is raised to 0, which keeps the
// certificate). When no option passes, the prices certify the restricted
// solution for the whole problem. Returns the solver's errors (e.g.
// InvalidArgument for costs out of its range).
absl::Status SolveAssignmentByColumns(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, int64_t unassigned,
    std::vector<int32_t>* chosen, std::vector<int64_t>* prices = nullptr);

// Whether `chosen` (as set above, within `capacity`) places as many rows as
// any assignment over `rows` can: no augmenting path (Berge), checked by one
// alternating search in O(options).
bool MaximumPlaced(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, const std::vector<int32_t>& chosen);

// One county allocation round (step 3 of the file comment) over `rows` as
// above: the most rows placed, then the least total cost. Solves with a
// small unassigned cost, 2 * (max cost + 1), keeps that solution if
// MaximumPlaced (then it is the same optimum), else solves again with
// (max cost + 1) * (rows + 1), which maximises the number placed outright.
// REQUIRES: the costs keep (max cost + 1) * (rows + 1) within kMaxFlowCost.
absl::Status AllocateRound(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, std::vector<int32_t>* chosen);

}  // namespace internal

}  // namespace rota::engine::rules
