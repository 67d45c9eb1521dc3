// Proto -> engine conversion of a round's frozen inputs: the registry records
// snapshotted at freeze (rota.v1.RoundFrozen, round_events.proto) become an
// engine/rules/county.h CountyInputs, and the effective rota.v1.Policy an
// engine/rules/policy.h RoundPolicy. Runs and replays read only the frozen
// event, never the live registry, so later registry changes cannot alter a
// replay.
//
// Thread-safety: pure functions.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(engine::rules::CountyInputs in,
//                         ToCountyInputs(frozen, adjustments));
//   engine::rules::RoundPolicy policy = ToRoundPolicy(frozen.policy());
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "engine/rules/county.h"
#include "engine/rules/policy.h"
#include "rota/v1/policy.pb.h"
#include "rota/v1/round_events.pb.h"

namespace rota::service {

// Every field of `effective` (unset ones filled with defaults first).
engine::rules::RoundPolicy ToRoundPolicy(const rota::v1::Policy& effective);

// The engine's inputs for a run of the frozen round, with the round's locks
// and overrides (the latest adjustment of each teacher). INVALID_ARGUMENT if
// a stored date does not parse (cannot happen for validated records).
absl::StatusOr<engine::rules::CountyInputs> ToCountyInputs(
    const rota::v1::RoundFrozen& frozen,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments);

// Appends `adjustments` to `in`'s locks and overrides.
void AddAdjustments(const std::vector<rota::v1::PlacementAdjusted>& adjustments,
                    engine::rules::CountyInputs* in);

}  // namespace rota::service
