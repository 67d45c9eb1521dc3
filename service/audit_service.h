// Audit: the logic behind rota.v1.AuditService (read-only): verify a
// county's hash chain, page through its events, and answer "where was
// teacher T on date D" (from her service history as recorded), "what was T's
// registry record as of event N" and "which events changed T" by walking the
// log (so the answers never depend on projections).
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

// ListEvents ends a page once it holds about this many bytes of events
// (well under gRPC's 4 MB default message size), even before page_size.
inline constexpr size_t kMaxEventsPageBytes = 1 << 20;

class Audit {
 public:
  // `store` must outlive the Audit.
  explicit Audit(const storage::EventStore* store) : store_(store) {}

  // NOT_FOUND if the county has no events.
  absl::StatusOr<rota::v1::VerifyChainResponse> VerifyChain(
      const CallContext& call, const rota::v1::VerifyChainRequest& req);
  absl::StatusOr<rota::v1::ListEventsResponse> ListEvents(
      const CallContext& call, const rota::v1::ListEventsRequest& req);
  // Exactly one of date / sequence. By date: the spell of her latest record
  // (or last record before deletion) covering the date; NOT_FOUND if none.
  // By sequence: her record as of that event; NOT_FOUND if she did not exist
  // then. INVALID_ARGUMENT for a malformed teacher, date or sequence.
  absl::StatusOr<rota::v1::TeacherAsOf> GetTeacherAsOf(
      const CallContext& call, const rota::v1::GetTeacherAsOfRequest& req);
  // Every event that wrote or deleted the teacher, in order, with a summary
  // ("created at s1", "moved s1 -> s2 by round counties/y/rounds/r (term
  // exchange until 2029-09-01)"), and her service history. NOT_FOUND if no
  // event ever named her.
  absl::StatusOr<rota::v1::TeacherHistory> ListTeacherHistory(
      const CallContext& call, const rota::v1::ListTeacherHistoryRequest& req);

 private:
  const storage::EventStore* const store_;
};

}  // namespace rota::service
