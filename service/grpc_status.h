// Error plumbing between Rota's absl::Status world and gRPC.
//
// Bad input is described inside the absl::Status itself: payloads carry a
// google.rpc.BadRequest (field violations), a google.rpc.ErrorInfo (reason)
// and optionally a google.rpc.PreconditionFailure. `ToGrpcStatus` is the one
// function that turns such a status into a grpc::Status whose
// `error_details` is a serialized google.rpc.Status (the
// `grpc-status-details-bin` trailer). Codes map 1:1.
//
// Thread-safety: all functions are pure.
//
// Example:
//   Violations v;
//   v.Add("teacher.birth_date", "must be a date YYYY-MM-DD");
//   if (!v.empty()) return v.ToStatus();          // INVALID_ARGUMENT
//   return InvalidField("page_token", "is malformed", kReasonInvalidPageToken);
//   ...
//   grpc::Status s = ToGrpcStatus(status);
#pragma once

#include <grpcpp/support/status.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace rota::service {

// ErrorInfo reasons (API-CONVENTIONS.md).
inline constexpr char kReasonInvalidField[] = "INVALID_FIELD";
inline constexpr char kReasonRequestIdReused[] = "REQUEST_ID_REUSED";
inline constexpr char kReasonEtagMismatch[] = "ETAG_MISMATCH";
inline constexpr char kReasonAlreadyExists[] = "ALREADY_EXISTS";
inline constexpr char kReasonNotFound[] = "NOT_FOUND";
inline constexpr char kReasonCrossCounty[] = "CROSS_COUNTY_REFERENCE";
inline constexpr char kReasonInvalidFilter[] = "INVALID_FILTER";
inline constexpr char kReasonInvalidPageToken[] = "INVALID_PAGE_TOKEN";
inline constexpr char kReasonFailedPrecondition[] = "FAILED_PRECONDITION";
inline constexpr char kErrorDomain[] = "rota.v1";

// Most field violations one error status carries, and the byte budget of
// its BadRequest and of its message: gRPC sends both in the response
// trailers, whose total size is limited (8 KB by default), and a trailer
// over that limit turns the answer into RESOURCE_EXHAUSTED.
inline constexpr int kMaxReportedViolations = 20;
inline constexpr size_t kMaxBadRequestBytes = 2048;
inline constexpr size_t kMaxStatusMessageBytes = 512;

// Accumulates field violations of one request so that all are reported at
// once. The reason of the first violation added with a non-generic reason
// wins (e.g. CROSS_COUNTY_REFERENCE).
class Violations {
 public:
  void Add(std::string field, std::string description,
           absl::string_view reason = kReasonInvalidField);
  // Adds every violation of `other` with `prefix` prepended to the field
  // path (e.g. prefix "teachers[3]." ).
  void Merge(const Violations& other, absl::string_view prefix = "");
  bool empty() const { return violations_.empty(); }
  size_t size() const { return violations_.size(); }
  // Every violation added (uncapped: a bulk import turns them into row
  // errors).
  const google::rpc::BadRequest& bad_request() const {
    return bad_request_proto_;
  }
  const std::string& reason() const { return reason_; }
  // INVALID_ARGUMENT naming the fields; OK when empty. At most
  // kMaxReportedViolations violations (and kMaxBadRequestBytes) are
  // attached; when some are left out, one more violation on field "request"
  // says how many.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
  google::rpc::BadRequest bad_request_proto_;
  std::string reason_ = kReasonInvalidField;
};

// INVALID_ARGUMENT with one field violation and an ErrorInfo reason.
absl::Status InvalidField(absl::string_view field,
                          absl::string_view description,
                          absl::string_view reason = kReasonInvalidField);

// Attaches (or replaces) the ErrorInfo reason of `status`; returns it.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// ABORTED (ETAG_MISMATCH): the etag `sent` for `name` is not its `current`.
absl::Status EtagMismatch(absl::string_view name, absl::string_view sent,
                          absl::string_view current);

// FAILED_PRECONDITION with a google.rpc.PreconditionFailure violation.
absl::Status PreconditionFailed(absl::string_view type,
                                absl::string_view subject,
                                absl::string_view description);

// FAILED_PRECONDITION with `message` and every violation of `failure` (its
// first violation's type is the ErrorInfo reason).
absl::Status PreconditionFailed(const google::rpc::PreconditionFailure& failure,
                                absl::string_view message);

// The ErrorInfo reason attached to `status`, or "" if none.
std::string ReasonOf(const absl::Status& status);
// The field violations attached to `status` (empty if none).
google::rpc::BadRequest BadRequestOf(const absl::Status& status);

// The one absl::Status -> grpc::Status conversion. Messages longer than
// kMaxStatusMessageBytes are truncated at a character boundary (they never
// echo field values, but be safe), so the trailers stay within gRPC's
// metadata limit.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace rota::service
