// Itinerant teaching (走教, SPEC.md "Round kinds" 3): teachers of shortage
// subjects teach periods at other schools of their zone (学区) so that every
// school teaches the full curriculum (开齐开足).
//
// MECHANISM (policy fields in ItinerantTeachingPolicy, policy.h)
//  0. Lines: each PeriodRequirement of a shortage subject is a coverage line
//     (school x subject x stage). Requirements of other subjects are ignored.
//  1. Own coverage from loads: each teacher's weekly_load is taken to be
//     spent first on her own school's lines she qualifies for (a subject of
//     hers, her certificate covering the stage), teachers by id, her subjects
//     in her order, lines by stage. What is left of a line is its need.
//  2. Candidates: teachers of the zone (same_zone_only; a school without a
//     zone is a zone alone; otherwise the whole county) with spare periods
//     (max_weekly_periods - weekly_load > 0) who qualify for a line of the
//     zone. Not candidates: teachers with an exemption in force, and those a
//     lock or override with no school pins out; a lock or override naming
//     only a school lets her visit only that school. A lock carrying her
//     assignment (Lock::itinerant, as the service records a lock taken on a
//     run) keeps it whole: its periods leave their lines' need before the
//     flow, and she is outside it. A candidate may teach extra
//     periods at her own school (no travel) and visit other schools within
//     max_trip_minutes one way, on her free half-days (free_half_days,
//     restricted to visit_days), at most periods_per_half_day per visit.
//     Travel: the county's RoadDistance for the pair, else straight-line
//     metres x straight_line_factor_percent / 100 at speed_kmh (minutes
//     rounded up); schools without coordinates are 0 apart.
//  3. Assignment, per zone: a min-cost flow on the engine's solver
//     (engine/min_cost_flow.h): source -> teacher (one unit arc per spare
//     period) -> own lines | away node (at most periods_per_half_day x her
//     usable half-days) -> (teacher, school) -> lines -> sink (each line at
//     most its need), plus a source -> sink bypass. Lexicographic, exactly:
//     (a) most periods covered, (b) fewest periods by non-volunteers away
//     from home (volunteers_first), (c) least travel (periods x one-way
//     metres), (d) balanced loads (sum over teachers of (load + periods)^2,
//     convex unit arcs). After each objective the arcs whose reduced cost
//     (from the solver's potentials) is non-zero are fixed at their bound,
//     which leaves exactly the optimal solutions of that objective for the
//     next; every solve's dual certificate is checked
//     (CheckMinCostFlowCertificate), a failure is an Internal error.
//  4. Plans: a teacher's visits to school s take ceil(periods / P) half-days
//     (P = periods_per_half_day); she needs sum_s ceil(...) <= her usable
//     half-days and at most max_schools_per_teacher - 1 visited schools. The
//     flow models both only as caps, so a teacher who breaks one is
//     re-planned: her smallest visit (fewest periods, then farthest, then
//     highest id) is dropped (school cap), or her visit with the smallest
//     remainder mod P is cut to whole half-days (half-day clash), and the
//     zone is solved again until every plan fits. That fitting assignment
//     need not be the best one, so a branch and bound follows from the
//     uncut flow: a breaching teacher fits only if one of her visits goes
//     (school cap) or loses a half-day (ceil(periods / P) - 1 half-days), so
//     one branch per visit covers every fitting assignment, and a branch
//     whose flow is not lexicographically better than the best fitting
//     assignment found is pruned (its flow bounds every assignment below
//     it). The branch and bound runs on each connected part of the zone
//     (candidates and the lines they may teach) where the re-plan cut, alone
//     (the parts are independent), with at most 64 solves per part (depth
//     first, the re-plan's pick first); within them the result is the
//     lexicographic optimum over fitting assignments
//     (itinerant_oracle_test.cc checks it by brute force), else the best
//     found. ItinerantResult::replans counts the cuts
//     behind the result. Half-days are then laid out in slot order (Monday
//     morning first), schools by id: with the counts above this never
//     fails.
//  5. Coverage lines: required, own (load + own spare), itinerant, uncovered
//     and, when uncovered > 0, the reason (itinerant_result.h): nobody in
//     scope qualifies (NO_QUALIFIED_TEACHER); all qualified beyond the trip
//     cap (TRAVEL_CAP); all reachable ones exempt or pinned (EXCLUDED); all
//     reachable candidates at their period cap (PERIOD_CAP); else the
//     remaining ones have no half-day room (HALF_DAY_CLASH) or already visit
//     the most schools allowed (SCHOOL_CAP), including re-plan cuts.
//  6. Outcome: one Placement (outcome ITINERANT, via "itinerant assignment")
//     per teacher who visits another school, to_school = the school where she
//     teaches most periods; notes in plain words; assignments, plans and
//     coverage in RoundOutcome::itinerant. Subsidy: the policy tier of her
//     longest trip.
//
//   ROTA_ASSIGN_OR_RETURN(RoundOutcome out, RunItinerantTeaching(in, policy));
//   const ItinerantPlan* plan = out.itinerant.FindPlan("T0007");
//
// Deterministic: every list is sorted by id before use.
// Thread-safety: pure function.
#pragma once

#include "absl/status/statusor.h"
#include "engine/rules/county.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/policy.h"
#include "engine/rules/round_outcome.h"

namespace rota::engine::rules {

// InvalidArgument for invalid inputs or policy (ValidateCountyInputs with
// kItinerantTeaching, ValidatePolicy). `parameters` are not used by this
// kind; options.explanations = false skips notes and sentences.
absl::StatusOr<RoundOutcome> RunItinerantTeaching(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters = {}, const OutcomeOptions& options = {});

// Who may teach 走教 in a round, listed at freeze (as exchange rotation's
// ComputeEligibility): every teacher of a policy shortage subject, in id
// order; eligible when she has spare periods below max_weekly_periods and no
// exemption in force on the effective date; voluntary when she volunteers.
// Teachers of no shortage subject are not listed. Sentences in both
// languages. InvalidArgument as RunItinerantTeaching.
absl::StatusOr<std::vector<EligibilityEntry>> ComputeItinerantEligibility(
    const CountyInputs& inputs, const RoundPolicy& policy);

// Travel between two schools as the mechanism uses it (the county's road
// row, else the straight-line fallback of the policy).
struct Trip {
  int64_t metres = 0;
  int32_t minutes = 0;
};
Trip TravelBetween(const CountyInputs& inputs,
                   const ItinerantTeachingPolicy& policy, const School& a,
                   const School& b);

// The monthly subsidy of a trip of `metres` (policy.subsidy_tiers).
int64_t SubsidyFor(const ItinerantTeachingPolicy& policy, int64_t metres);

}  // namespace rota::engine::rules
