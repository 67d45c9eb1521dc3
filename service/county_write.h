// CountyWrite: one mutation of a county's log, shared by the registry, policy
// and round services: events staged with their projection writes
// (ProjectEvent, so the live path and a rebuild cannot diverge), reads that
// see the staged writes, AIP-155 request-id records, and one synced Append at
// the end.
//
// WriteToCounty runs a builder under the county's writer mutex (one per
// county, so the registry, policies and rounds of one county never race; it
// also serialises the commits of one county's rounds). Either every event the
// builder staged is appended in one atomic batch, or none. BulkImport, which
// applies several request ids in one batch, drives a CountyWrite itself.
//
// Thread-safety: a CountyWrite belongs to one call; WriteToCounty may be called
// concurrently.
//
// Example:
//   return WriteToCounty<rota::v1::Policy>(
//       *store, *mu, call, county, req, req.request_id(),
//       [&](CountyWrite& w) -> absl::StatusOr<rota::v1::Policy> {
//         ROTA_RETURN_IF_ERROR(w.AddEvent(kPolicyEvent, Serialize(p)));
//         return p;
//       });
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/status_macros.h"
#include "google/protobuf/message.h"
#include "google/protobuf/message_lite.h"
#include "service/access.h"
#include "service/grpc_status.h"
#include "service/projection.h"
#include "service/storage/event_store.h"

namespace rota::service {

// Deterministic protobuf serialization (map order fixed), for event payloads.
std::string SerializeDeterministic(const google::protobuf::Message& m);

// Parses the serialized message `bytes` into `out`, leaving out the
// top-level fields numbered in `skip` (skipped on the wire, never parsed).
// false if the bytes are not a valid message.
bool ParseSkippingFields(absl::string_view bytes, absl::Span<const int> skip,
                         google::protobuf::MessageLite* out);

// SHA-256 bytes of `request`'s message type and of `request` with its
// request_id field cleared: a request id is bound to one method (and, as its
// record lives in the county's keys, to one county).
std::string RequestDigestOf(const google::protobuf::Message& request);
// The same digest without copying `request` (an import chunk of hundreds of
// rows): its request_id is cleared for the hashing and put back.
std::string RequestDigestInPlace(google::protobuf::Message* request);

// INVALID_ARGUMENT (REQUEST_ID_REUSED) on field request_id: the id is taken
// by a request of another method or with other fields.
absl::Status RequestIdReused();

// RFC 3339 UTC with microseconds.
std::string FormatRfc3339(absl::Time t);

// FAILED_PRECONDITION (COUNTY_MISSING) naming `county`.
absl::Status CountyMissing(absl::string_view county);

// A county snapshot; an empty in-memory view for a county without events.
absl::StatusOr<std::unique_ptr<storage::Snapshot>> OpenCountySnapshot(
    const storage::EventStore& store, const std::string& county);

class CountyWrite {
 public:
  CountyWrite(const storage::Snapshot& snapshot, const CallContext& call,
              std::string request_id)
      : overlay_(snapshot),
        head_(snapshot.head_sequence()),
        actor_(call.actor),
        request_id_(std::move(request_id)) {
    SetNow(absl::Now());
  }
  // Over a state that already holds writes of events not yet appended (an
  // import batch whose predecessor is still being synced): `head` is the
  // sequence the log will be at when this write is appended.
  CountyWrite(const storage::Snapshot& snapshot, const CallContext& call,
              uint64_t head)
      : overlay_(snapshot), head_(head), actor_(call.actor) {
    SetNow(absl::Now());
  }

  // The county as of the snapshot plus the events staged so far.
  const storage::Snapshot& state() const { return overlay_; }
  uint64_t head() const { return head_; }
  // Sequence the next staged event will get.
  uint64_t next_sequence() const { return head_ + drafts_.size() + 1; }
  const std::string& now() const { return now_; }
  // The UTC date of now(): the reference for "not in the future".
  absl::CivilDay today() const { return today_; }

  // Stages an event and its projection writes.
  absl::Status AddEvent(const char* type, std::string payload);
  // Events staged from now on carry `request_id` (a bulk import batch holds
  // several chunks, each with its own id).
  void set_request_id(std::string request_id) {
    request_id_ = std::move(request_id);
  }
  // A write not derived from an event (an idempotency record); later reads
  // of state() see it.
  void AddRecord(std::string key, std::string value);
  // Stages an event whose projection writes the caller made from the message
  // it holds, with the event type's own projector (ProjectRoundFrozen /
  // ProjectRoundRun, which ProjectEvent also uses), to spare parsing a large
  // payload back.
  void AddProjectedEvent(const char* type, std::string payload,
                         std::vector<storage::ProjectionWrite> writes);

  std::vector<storage::EventDraft>& drafts() { return drafts_; }
  // The projection writes to append with drafts() (one per key).
  std::vector<storage::ProjectionWrite> TakeWrites() {
    return overlay_.TakePending();
  }
  // The same writes, copied, and then moved out by key (for the overlay of
  // a next batch that reads them while they are appended).
  std::vector<storage::ProjectionWrite> CopyWrites() const {
    return overlay_.CopyPending();
  }
  OverlaySnapshot::PendingMap TakeWriteMap() {
    return overlay_.TakePendingMap();
  }

 private:
  void SetNow(absl::Time now) {
    now_ = FormatRfc3339(now);
    today_ = absl::ToCivilDay(now, absl::UTCTimeZone());
  }

  OverlaySnapshot overlay_;
  uint64_t head_;
  std::string actor_;
  std::string request_id_;
  std::string now_;
  absl::CivilDay today_;
  std::vector<storage::EventDraft> drafts_;
};

// Whether a write needs its county to exist already.
enum class CountyCheck {
  kMustExist,  // FAILED_PRECONDITION (COUNTY_MISSING) otherwise
  kNone,       // creating the county, or the builder checks what it needs
};

// Runs `build` under `mu` on a fresh snapshot of `county` and appends what it
// staged (nothing staged: nothing written). With a request id: a repeated
// request returns the stored response; the same id with another payload is
// INVALID_ARGUMENT (REQUEST_ID_REUSED).
absl::StatusOr<std::string> WriteToCountyRaw(
    storage::EventStore& store, absl::Mutex& mu, const CallContext& call,
    const std::string& county, const google::protobuf::Message& request,
    const std::string& request_id,
    absl::FunctionRef<absl::StatusOr<std::string>(CountyWrite&)> build,
    CountyCheck check = CountyCheck::kMustExist);

template <typename Resp>
absl::StatusOr<Resp> WriteToCounty(
    storage::EventStore& store, absl::Mutex& mu, const CallContext& call,
    const std::string& county, const google::protobuf::Message& request,
    const std::string& request_id,
    absl::FunctionRef<absl::StatusOr<Resp>(CountyWrite&)> build,
    CountyCheck check = CountyCheck::kMustExist) {
  ROTA_ASSIGN_OR_RETURN(std::string bytes,
                        WriteToCountyRaw(
                            store, mu, call, county, request, request_id,
                            [&](CountyWrite& w) -> absl::StatusOr<std::string> {
                              ROTA_ASSIGN_OR_RETURN(Resp r, build(w));
                              return SerializeDeterministic(r);
                            },
                            check));
  Resp out;
  if (!out.ParseFromString(bytes)) {
    return absl::DataLossError("stored response does not parse");
  }
  return out;
}

}  // namespace rota::service
