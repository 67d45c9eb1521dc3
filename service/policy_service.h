// Policies: the logic behind rota.v1.PolicyService (policy.proto), independent
// of the gRPC transport.
//
// A county has one policy line per school year; SetPolicy appends a new
// version (1, 2, ...) as a "rota.v1.Policy" event holding the policy as the
// administrator sent it (unset fields stay unset, so a later change of a
// default is visible as such). GetPolicy returns the effective policy: every
// unset field filled from engine/rules/policy.h's RoundPolicy defaults (the
// one place defaults live). A county without any policy for a year reads as
// the defaults, version 0.
//
// Thread-safety: all methods may be called concurrently; writes of one county
// are serialised with the registry's writes through `county_mutex`.
//
// Example:
//   Policies policies(store, [&](const std::string& c) { return mu(c); });
//   absl::StatusOr<rota::v1::Policy> p = policies.GetPolicy(call, req);
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "rota/v1/policy.pb.h"
#include "service/access.h"
#include "service/grpc_status.h"
#include "service/storage/event_store.h"

namespace rota::service {

// Returns the writer mutex of a county (shared with the registry).
using CountyMutexFn = std::function<absl::Mutex*(const std::string& county)>;

// Range checks of a policy; violations name fields as `prefix` + path, e.g.
// "policy.exchange_rotation.rotation_share_percent".
void ValidatePolicyFields(const rota::v1::Policy& policy,
                          absl::string_view prefix, Violations& v);

// `policy` with every unset field set to its default (engine/rules/policy.h).
rota::v1::Policy EffectivePolicy(const rota::v1::Policy& policy);

class Policies {
 public:
  // `store` must outlive the Policies.
  Policies(storage::EventStore* store, CountyMutexFn county_mutex)
      : store_(store), county_mutex_(std::move(county_mutex)) {}

  // INVALID_ARGUMENT naming each bad field; FAILED_PRECONDITION if the county
  // does not exist. Returns the effective policy of the new version.
  absl::StatusOr<rota::v1::Policy> SetPolicy(
      const CallContext& call, const rota::v1::SetPolicyRequest& req);
  // version 0 = latest; NOT_FOUND for a version that does not exist (a year
  // without versions answers version 0 = the defaults).
  absl::StatusOr<rota::v1::Policy> GetPolicy(
      const CallContext& call, const rota::v1::GetPolicyRequest& req);
  // Checks without storing; returns the effective policy.
  absl::StatusOr<rota::v1::Policy> ValidatePolicy(
      const CallContext& call, const rota::v1::ValidatePolicyRequest& req);

  // The effective policy of `county` for `year` at `version` (0 = latest) as
  // of `snapshot`. For the round service.
  static absl::StatusOr<rota::v1::Policy> Load(
      const storage::Snapshot& snapshot, const std::string& county,
      int32_t year, int64_t version);

 private:
  storage::EventStore* const store_;
  CountyMutexFn county_mutex_;
};

}  // namespace rota::service
