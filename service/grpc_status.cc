#include "service/grpc_status.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/utf8.h"

namespace rota::service {
namespace {

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kPreconditionUrl[] =
    "type.googleapis.com/google.rpc.PreconditionFailure";
// Longest field path or description attached to a status.
constexpr size_t kMaxViolationText = 200;

// rota::TruncateUtf8 (common/utf8.h) over Abseil's string_view.
absl::string_view TruncateUtf8(absl::string_view s, size_t max) {
  std::string_view t =
      rota::TruncateUtf8(std::string_view(s.data(), s.size()), max);
  return absl::string_view(t.data(), t.size());
}

void SetReasonPayload(absl::Status& status, absl::string_view reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kErrorDomain);
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
}

std::string DefaultReason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return kReasonInvalidField;
    case absl::StatusCode::kNotFound:
      return kReasonNotFound;
    case absl::StatusCode::kAlreadyExists:
      return kReasonAlreadyExists;
    case absl::StatusCode::kAborted:
      return kReasonEtagMismatch;
    case absl::StatusCode::kFailedPrecondition:
      return kReasonFailedPrecondition;
    default:
      return "";
  }
}

template <typename Proto>
std::optional<Proto> PayloadOf(const absl::Status& status,
                               absl::string_view url) {
  auto cord = status.GetPayload(url);
  if (!cord.has_value()) return std::nullopt;
  Proto proto;
  if (!proto.ParseFromString(std::string(*cord))) return std::nullopt;
  return proto;
}

}  // namespace

void Violations::Add(std::string field, std::string description,
                     absl::string_view reason) {
  if (reason != kReasonInvalidField && reason_ == kReasonInvalidField) {
    reason_ = std::string(reason);
  }
  auto* v = bad_request_proto_.add_field_violations();
  v->set_field(field);
  v->set_description(description);
  violations_.emplace_back(std::move(field), std::move(description));
}

void Violations::Merge(const Violations& other, absl::string_view prefix) {
  for (const auto& [field, description] : other.violations_) {
    Add(absl::StrCat(prefix, field), description, other.reason_);
  }
}

absl::Status Violations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  google::rpc::BadRequest reported;
  std::string message;
  size_t bytes = 0;
  for (const auto& [field, description] : violations_) {
    google::rpc::BadRequest::FieldViolation fv;
    fv.set_field(std::string(TruncateUtf8(field, kMaxViolationText)));
    fv.set_description(
        std::string(TruncateUtf8(description, kMaxViolationText)));
    const size_t size = fv.ByteSizeLong() + 3;  // tag and length
    if (reported.field_violations_size() >= kMaxReportedViolations ||
        bytes + size > kMaxBadRequestBytes) {
      break;
    }
    bytes += size;
    if (!message.empty()) absl::StrAppend(&message, "; ");
    absl::StrAppend(&message, fv.field(), ": ", fv.description());
    *reported.add_field_violations() = std::move(fv);
  }
  const size_t left_out = violations_.size() - reported.field_violations_size();
  std::string suffix;
  if (left_out > 0) {
    auto* fv = reported.add_field_violations();
    fv->set_field("request");
    fv->set_description(absl::StrCat(
        left_out, " more field violation", left_out == 1 ? " was" : "s were",
        " left out (at most ", reported.field_violations_size() - 1,
        " are reported); fix these and send the request again"));
    suffix = absl::StrCat(" (and ", left_out, " more)");
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(
      TruncateUtf8(message, kMaxStatusMessageBytes - suffix.size()), suffix));
  status.SetPayload(kBadRequestUrl, absl::Cord(reported.SerializeAsString()));
  SetReasonPayload(status, reason_);
  return status;
}

absl::Status InvalidField(absl::string_view field,
                          absl::string_view description,
                          absl::string_view reason) {
  Violations v;
  v.Add(std::string(field), std::string(description), reason);
  return v.ToStatus();
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  if (!status.ok()) SetReasonPayload(status, reason);
  return status;
}

absl::Status PreconditionFailed(absl::string_view type,
                                absl::string_view subject,
                                absl::string_view description) {
  absl::Status status =
      absl::FailedPreconditionError(absl::StrCat(subject, ": ", description));
  google::rpc::PreconditionFailure failure;
  auto* v = failure.add_violations();
  v->set_type(std::string(type));
  v->set_subject(std::string(subject));
  v->set_description(std::string(description));
  status.SetPayload(kPreconditionUrl, absl::Cord(failure.SerializeAsString()));
  SetReasonPayload(status, type);
  return status;
}

absl::Status PreconditionFailed(const google::rpc::PreconditionFailure& failure,
                                absl::string_view message) {
  absl::Status status = absl::FailedPreconditionError(message);
  status.SetPayload(kPreconditionUrl, absl::Cord(failure.SerializeAsString()));
  if (failure.violations_size() > 0)
    SetReasonPayload(status, failure.violations(0).type());
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  auto info = PayloadOf<google::rpc::ErrorInfo>(status, kErrorInfoUrl);
  return info.has_value() ? info->reason() : "";
}

google::rpc::BadRequest BadRequestOf(const absl::Status& status) {
  auto br = PayloadOf<google::rpc::BadRequest>(status, kBadRequestUrl);
  return br.has_value() ? *br : google::rpc::BadRequest();
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC share the canonical code numbering.
  auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  std::string message(TruncateUtf8(status.message(), kMaxStatusMessageBytes));
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(message);
  if (auto br = PayloadOf<google::rpc::BadRequest>(status, kBadRequestUrl)) {
    proto.add_details()->PackFrom(*br);
  }
  if (auto pf = PayloadOf<google::rpc::PreconditionFailure>(status,
                                                            kPreconditionUrl)) {
    proto.add_details()->PackFrom(*pf);
  }
  auto info = PayloadOf<google::rpc::ErrorInfo>(status, kErrorInfoUrl);
  if (!info.has_value()) {
    std::string reason = DefaultReason(status.code());
    if (!reason.empty()) {
      info.emplace();
      info->set_reason(reason);
      info->set_domain(kErrorDomain);
    }
  }
  if (info.has_value()) proto.add_details()->PackFrom(*info);
  return grpc::Status(code, message, proto.SerializeAsString());
}

absl::Status EtagMismatch(absl::string_view name, absl::string_view sent,
                          absl::string_view current) {
  return WithReason(
      absl::AbortedError(absl::StrCat("etag \"", sent, "\" of ", name,
                                      " is stale; current etag is \"", current,
                                      "\": re-read and retry")),
      kReasonEtagMismatch);
}

}  // namespace rota::service
