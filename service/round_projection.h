// Projections of policy and round events (event payloads in
// proto/rota/v1/round_events.proto). ProjectEvent (projection.h) calls
// ProjectRoundEvent for every event type it does not know, so the registry
// and the rounds share one Projector and one rebuild check.
//
// Keys (inside the county):
//   pol/{year}/{version:010}            Policy as stored by SetPolicy
//   rd/{round}                          Round (state after its last event)
//   ra/{round}/{teacher}                Application
//   re/{round}/{teacher}                EligibilityEntry
//   rp/{round}/{run:06}/{teacher}       Placement of a run (after adjustments)
//   rx/{round}/{run:06}/{teacher}       Explanation of a run
//   rr/{round}/{run:06}                 RoundRun of a run without placements
//                                       and explanations (summary, report,
//                                       adjustments used)
//   rl/{round}/{teacher}                PlacementAdjusted (lock or override;
//                                       the latest one wins; kept on re-run)
// The frozen inputs themselves are not copied into a projection: they are
// read from the RoundFrozen event (sequence round.frozen_sequence + 1).
//
// Thread-safety: pure functions.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(auto writes, ProjectRoundEvent(event, before));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rota/v1/round_events.pb.h"
#include "service/storage/event_store.h"

namespace rota::service {

inline constexpr char kPolicyEvent[] = "rota.v1.Policy";
inline constexpr char kRoundCreatedEvent[] = "rota.v1.RoundCreated";
inline constexpr char kApplicationsEvent[] = "rota.v1.ApplicationsSubmitted";
inline constexpr char kRoundFrozenEvent[] = "rota.v1.RoundFrozen";
inline constexpr char kRoundRunEvent[] = "rota.v1.RoundRun";
inline constexpr char kPlacementAdjustedEvent[] = "rota.v1.PlacementAdjusted";
inline constexpr char kRoundCommittedEvent[] = "rota.v1.RoundCommitted";
inline constexpr char kRoundCancelledEvent[] = "rota.v1.RoundCancelled";
inline constexpr char kRoundReversedEvent[] = "rota.v1.RoundReversed";

namespace keys {
inline constexpr char kRoundPrefix[] = "rd/";
std::string PolicyPrefix(int32_t year);
std::string Policy(int32_t year, int64_t version);
std::string Round(absl::string_view round);
std::string ApplicationPrefix(absl::string_view round);
std::string Application(absl::string_view round, absl::string_view teacher);
std::string EligibilityPrefix(absl::string_view round);
std::string Eligibility(absl::string_view round, absl::string_view teacher);
std::string PlacementPrefix(absl::string_view round, int32_t run);
std::string Placement(absl::string_view round, int32_t run,
                      absl::string_view teacher);
std::string Explanation(absl::string_view round, int32_t run,
                        absl::string_view teacher);
std::string Report(absl::string_view round, int32_t run);
std::string AdjustmentPrefix(absl::string_view round);
std::string Adjustment(absl::string_view round, absl::string_view teacher);
}  // namespace keys

// The last path segment of a resource name ("counties/y/teachers/t1" -> "t1").
std::string IdOfName(absl::string_view name);

// Writes caused by a policy or round event; nothing for other types.
// DATA_LOSS if the payload does not parse.
absl::StatusOr<std::vector<storage::ProjectionWrite>> ProjectRoundEvent(
    const storage::Event& event, const storage::Snapshot& before);

// The writes of a RoundFrozen / RoundRun event from the message itself, for
// the writer that already holds it (a prefecture's frozen inputs or run are
// tens of megabytes: parsing them back would double the work).
// ProjectRoundEvent calls these after parsing, so the live path and a
// rebuild make the same writes.
std::vector<storage::ProjectionWrite> ProjectRoundFrozen(
    const rota::v1::RoundFrozen& frozen);
std::vector<storage::ProjectionWrite> ProjectRoundRun(
    const rota::v1::RoundRun& run);

}  // namespace rota::service
