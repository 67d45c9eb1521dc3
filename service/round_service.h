// Rounds: the logic behind rota.v1.RoundService (rounds.proto), independent of
// the gRPC transport (grpc_server.h adapts it).
//
// Every mutation is one atomic Append of events (round_events.proto) with their
// projections (round_projection.h), under the county's writer mutex (shared
// with the registry and policies), so a kill -9 leaves each call applied
// entirely or not at all, and the commits of one county are serialised:
//   CreateRound        RoundCreated                      -> DRAFT
//   SubmitApplications ApplicationsSubmitted per chunk    (DRAFT)
//   FreezeRound        RoundFrozen: the registry records, the effective
//                      policy, the applications and the eligibility, copied
//                      into the event (so runs and replays never read the
//                      live registry); seed given or drawn -> FROZEN
//   RunRound           RoundRun: the run's parameters, the adjustments in
//                      force, placements, report, hash (explanations are
//                      derived again when asked for: ExplanationsOf)
//                      (FROZEN|PROPOSED -> PROPOSED). A run interrupted
//                      before its Append never happened. Runs start from
//                      the frozen inputs as converted for the engine at
//                      freeze (kept in memory for the last few rounds, else
//                      read back from the RoundFrozen event).
//   LockPlacement      PlacementAdjusted (PROPOSED)
//   OverridePlacement  PlacementAdjusted + RoundRun: the override is checked
//                      by running the engine with it; if accepted, that run
//                      becomes the round's latest run (PROPOSED)
//   CommitRound        RoundCommitted + one rota.v1.Teacher event per teacher
//                      whose school/post/history changes (PROPOSED ->
//                      COMMITTED)
//   CancelRound        RoundCancelled (any state but COMMITTED/CANCELLED/
//                      REVERSED)
//   ReverseRound       RoundReversed + one rota.v1.Teacher event per teacher
//                      the commit changed (her placement fields as before
//                      the commit) + one rota.v1.Delete per recruitment hire
//                      (COMMITTED -> REVERSED; round_reversal.cc)
// A call in the wrong state is FAILED_PRECONDITION with a
// google.rpc.PreconditionFailure {type "ROUND_STATE", subject the round,
// description naming the state required}.
//
// Thread-safety: all methods may be called concurrently.
//
// Example:
//   Rounds rounds(store, county_mutex);
//   ROTA_ASSIGN_OR_RETURN(rota::v1::Round r, rounds.CreateRound(call, req));
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/sha256.h"
#include "rota/v1/rounds.pb.h"
#include "service/access.h"
#include "service/policy_service.h"
#include "service/round_engine.h"
#include "service/storage/event_store.h"

namespace rota::service {

class Rounds {
 public:
  // `store` must outlive the Rounds.
  Rounds(storage::EventStore* store, CountyMutexFn county_mutex)
      : store_(store), county_mutex_(std::move(county_mutex)) {}

  absl::StatusOr<rota::v1::Round> CreateRound(
      const CallContext& call, const rota::v1::CreateRoundRequest& req);
  absl::StatusOr<rota::v1::Round> GetRound(
      const CallContext& call, const rota::v1::GetRoundRequest& req);
  absl::StatusOr<rota::v1::ListRoundsResponse> ListRounds(
      const CallContext& call, const rota::v1::ListRoundsRequest& req);
  // One chunk of SubmitApplications: valid rows applied atomically, invalid
  // rows reported (unknown teacher, school or post; duplicates).
  absl::StatusOr<rota::v1::SubmitApplicationsResponse> SubmitChunk(
      const CallContext& call, const rota::v1::SubmitApplicationsRequest& req);
  absl::StatusOr<rota::v1::Round> FreezeRound(
      const CallContext& call, const rota::v1::FreezeRoundRequest& req);
  absl::StatusOr<rota::v1::ListEligibilityResponse> ListEligibility(
      const CallContext& call, const rota::v1::ListEligibilityRequest& req);
  // `progress` gets the phases of the run (may be null).
  absl::StatusOr<rota::v1::RunSummary> RunRound(
      const CallContext& call, const rota::v1::RunRoundRequest& req,
      const ProgressFn& progress);
  absl::StatusOr<rota::v1::ListPlacementsResponse> ListPlacements(
      const CallContext& call, const rota::v1::ListPlacementsRequest& req);
  absl::StatusOr<rota::v1::Explanation> ExplainPlacement(
      const CallContext& call, const rota::v1::ExplainPlacementRequest& req);
  absl::StatusOr<rota::v1::Placement> LockPlacement(
      const CallContext& call, const rota::v1::LockPlacementRequest& req);
  absl::StatusOr<rota::v1::Placement> OverridePlacement(
      const CallContext& call, const rota::v1::OverridePlacementRequest& req);
  absl::StatusOr<rota::v1::RoundReport> GetRoundReport(
      const CallContext& call, const rota::v1::GetRoundReportRequest& req);
  absl::StatusOr<rota::v1::Round> CommitRound(
      const CallContext& call, const rota::v1::CommitRoundRequest& req);
  absl::StatusOr<rota::v1::Round> CancelRound(
      const CallContext& call, const rota::v1::CancelRoundRequest& req);
  absl::StatusOr<rota::v1::ReplayRoundResponse> ReplayRound(
      const CallContext& call, const rota::v1::ReplayRoundRequest& req);
  absl::StatusOr<rota::v1::Round> ReverseRound(
      const CallContext& call, const rota::v1::ReverseRoundRequest& req);

 private:
  // A frozen round converted for the engine. Its mutex guards `frozen`
  // (each run adds the round's adjustments to it, then takes them out).
  struct CachedFrozen {
    // SHA-256 of the RoundFrozen payload `frozen` was converted from (set
    // before the entry is shared; replay compares it with the stored bytes).
    Sha256Digest payload_digest{};
    absl::Mutex mu;
    FrozenEngineInputs frozen ABSL_GUARDED_BY(mu);
  };
  static std::string CacheKey(const rota::v1::Round& round);
  std::shared_ptr<CachedFrozen> FindCached(const std::string& key);
  void Cache(const std::string& key, std::shared_ptr<CachedFrozen> entry);
  // The round's engine inputs: cached, or read from its RoundFrozen event
  // and cached.
  absl::StatusOr<std::shared_ptr<CachedFrozen>> EngineInputsOf(
      const rota::v1::Round& round);

  // Every explanation of one run, derived again from the run's inputs.
  struct RunExplanations {
    std::string key;  // CacheKey(round) + "#" + run
    absl::flat_hash_map<std::string, rota::v1::Explanation> by_teacher;
  };
  // The explanations of `run` of `round` (a run stores its placements, not
  // its explanations): the engine runs again on the frozen inputs with the
  // run's parameters and adjustments, and its result must hash to the
  // recorded one (DATA_LOSS otherwise). The last run explained is kept, so
  // a reviewer going through one run's teachers pays for this once.
  absl::StatusOr<std::shared_ptr<const RunExplanations>> ExplanationsOf(
      const storage::Snapshot& s, const rota::v1::Round& round, int32_t run);

  storage::EventStore* const store_;
  CountyMutexFn county_mutex_;
  // The last kCachedRounds frozen rounds used, converted for the engine:
  // a prefecture's frozen inputs are tens of megabytes, which every run,
  // override and commit would otherwise parse and convert again. Frozen
  // inputs never change once written, so an entry is keyed by round and
  // freeze sequence and never goes stale. Replay uses an entry only when the
  // stored event's payload has the SHA-256 the entry was converted from.
  static constexpr size_t kCachedRounds = 2;
  absl::Mutex cache_mu_;
  std::vector<std::pair<std::string, std::shared_ptr<CachedFrozen>>> cache_
      ABSL_GUARDED_BY(cache_mu_);  // most recently used first
  absl::Mutex explain_mu_;
  std::shared_ptr<RunExplanations> explained_ ABSL_GUARDED_BY(explain_mu_);
};

}  // namespace rota::service
