// Audit: the logic behind rota.v1.AuditService (read-only): verify a
// county's hash chain and page through its events.
//
// Thread-safety: all methods may be called concurrently.
//
// Example:
//   Audit audit(store.get());
//   absl::StatusOr<rota::v1::VerifyChainResponse> r = audit.VerifyChain(call,
//   req);
#pragma once

#include "absl/status/statusor.h"
#include "rota/v1/audit.pb.h"
#include "service/access.h"
#include "service/storage/event_store.h"

namespace rota::service {

class Audit {
 public:
  // `store` must outlive the Audit.
  explicit Audit(const storage::EventStore* store) : store_(store) {}

  // NOT_FOUND if the county has no events.
  absl::StatusOr<rota::v1::VerifyChainResponse> VerifyChain(
      const CallContext& call, const rota::v1::VerifyChainRequest& req);
  absl::StatusOr<rota::v1::ListEventsResponse> ListEvents(
      const CallContext& call, const rota::v1::ListEventsRequest& req);

 private:
  const storage::EventStore* const store_;
};

}  // namespace rota::service
