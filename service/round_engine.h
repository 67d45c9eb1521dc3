// The bridge between a round's frozen inputs (protos) and the pure engine
// (engine/rules/): eligibility at freeze, a run, and the conversion of the
// engine's outcome into rota.v1 placements, explanations and a report.
//
// Deterministic: the same frozen inputs, adjustments and parameters give the
// same result and hash (the engine's canonical result hash).
//
// Thread-safety: pure functions.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(EngineResult r,
//                         RunEngine(frozen, adjustments, params, progress));
//   r.result_hash  // hex SHA-256
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/rules/county.h"
#include "engine/rules/policy.h"
#include "engine/rules/round_outcome.h"
#include "rota/v1/round_events.pb.h"
#include "rota/v1/rounds.pb.h"

namespace rota::service {

struct EngineResult {
  std::vector<rota::v1::Placement> placements;  // teacher id order
  // Same order; each placement holds only the teacher. kFull only.
  std::vector<rota::v1::Explanation> explanations;
  rota::v1::RoundReport report;  // round, run, result_hash left empty
  std::string result_hash;       // hex SHA-256 of the canonical encoding
  int32_t outcome_encoding = 0;  // the encoding version result_hash used
  int64_t teachers = 0;
  int64_t moved = 0;
  int64_t stayed = 0;
  int64_t unplaced = 0;
  int64_t quota_violations = 0;
  // Recruitment (kPlacements and kFull): hires and seats left empty.
  int64_t recruited = 0;
  int64_t seats_unfilled = 0;
  // Itinerant teaching: teachers with periods elsewhere; uncovered periods.
  int64_t itinerant_teachers = 0;
  int64_t uncovered_periods = 0;
};

// Progress of a run: phase name, units done, units total.
using ProgressFn =
    std::function<void(const std::string& phase, int64_t done, int64_t total)>;

// A frozen round converted for the engine (service/round_inputs.h), without
// locks and overrides: what every run of the round starts from.
struct FrozenEngineInputs {
  rota::v1::RoundKind kind = rota::v1::ROUND_KIND_UNSPECIFIED;
  std::string county;                  // county id
  engine::rules::CountyInputs inputs;  // locks and overrides empty
  engine::rules::RoundPolicy policy;
};

// INVALID_ARGUMENT if a stored date does not parse.
absl::StatusOr<FrozenEngineInputs> ToFrozenEngineInputs(
    const rota::v1::RoundFrozen& frozen);

// Eligibility of every frozen teacher (teacher id order).
absl::StatusOr<std::vector<rota::v1::EligibilityEntry>> ComputeEligibility(
    const FrozenEngineInputs& frozen);

// What RunEngine converts back to protos.
enum class EngineOutput {
  kFull,        // placements, report and every explanation (explain)
  kPlacements,  // placements and report (a run: explanations are derived
                // again on demand, see Rounds::ExplainPlacement)
  kHashOnly,    // the hash and the counts (replay)
};

// Runs the round's engine on the frozen inputs with `adjustments` (locks and
// overrides) and `params`. FAILED_PRECONDITION from the engine (an override
// breaking a hard rule) is passed through; INVALID_ARGUMENT for bad params.
// `frozen.inputs` gets the adjustments for the run and is left without them
// again (so one converted copy serves every run of a round).
// `outcome_encoding` is the canonical encoding the result hash is computed
// with: the current one for a new run, the recorded one (0 = version 1) for
// a replay or explain of a stored run; FAILED_PRECONDITION for a version
// this engine does not know.
absl::StatusOr<EngineResult> RunEngine(
    FrozenEngineInputs& frozen,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments,
    const rota::v1::RunParameters& params, const ProgressFn& progress,
    EngineOutput output = EngineOutput::kFull,
    int32_t outcome_encoding = engine::rules::kOutcomeEncodingCurrent);

// The same from the stored message (replay).
absl::StatusOr<EngineResult> RunEngine(
    const rota::v1::RoundFrozen& frozen,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments,
    const rota::v1::RunParameters& params, const ProgressFn& progress,
    EngineOutput output = EngineOutput::kFull,
    int32_t outcome_encoding = engine::rules::kOutcomeEncodingCurrent);

// The first teacher whose replayed placement differs from the recorded one
// (school, post or outcome), as a sentence ("teacher T: recorded MOVED to S,
// replay STAYED to S0"); when every placement agrees, says so (the
// difference is then in explanations, eligibility or quota lines). Both in
// any order.
std::string FirstPlacementDifference(
    const std::vector<rota::v1::Placement>& recorded,
    const std::vector<rota::v1::Placement>& replayed);

}  // namespace rota::service
