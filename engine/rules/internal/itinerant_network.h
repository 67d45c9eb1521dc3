// The per-zone flow networks the itinerant teaching mechanism solves
// (itinerant_teaching.h, step 3), exposed so tests can hand them to an
// independent solver. Not part of the engine's interface.
//
// Thread-safety: pure function.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/rules/county.h"
#include "engine/rules/policy.h"

namespace rota::engine::rules::internal {

// Objectives, solved in this order (lexicographic): periods covered
// (negative), periods of non-volunteers away from home, travel (periods x
// one-way metres), load balance.
inline constexpr int kItinerantObjectives = 4;

struct ItinerantArc {
  int tail = 0;
  int head = 0;
  int64_t lower = 0;
  int64_t upper = 0;
  std::array<int64_t, kItinerantObjectives> cost{};
};

// One zone's network as the last solve of that zone saw it (after any
// re-plan cuts, before the per-objective fixing): node 0 sends `supply`,
// node 1 receives it; `flow` is the mechanism's flow on `arcs`.
struct ItinerantZoneNetwork {
  std::string zone;  // zone key ("" = the whole county)
  int nodes = 0;
  int64_t supply = 0;
  std::vector<ItinerantArc> arcs;
  std::vector<int64_t> flow;
};

// Runs the mechanism and returns every solved zone's final network, zone
// key order. Errors as RunItinerantTeaching.
absl::StatusOr<std::vector<ItinerantZoneNetwork>> ItinerantZoneNetworks(
    const CountyInputs& inputs, const RoundPolicy& policy);

}  // namespace rota::engine::rules::internal
