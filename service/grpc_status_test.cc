#include "service/grpc_status.h"

#include <gtest/gtest.h>

#include "google/rpc/status.pb.h"

namespace rota::service {
namespace {

google::rpc::Status Details(const grpc::Status& s) {
  google::rpc::Status proto;
  EXPECT_TRUE(proto.ParseFromString(s.error_details()));
  return proto;
}

TEST(GrpcStatusTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(GrpcStatusTest, CodesMapOneToOne) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status s(static_cast<absl::StatusCode>(code), "x");
    EXPECT_EQ(static_cast<int>(ToGrpcStatus(s).error_code()), code);
  }
}

TEST(GrpcStatusTest, InvalidFieldCarriesBadRequestAndErrorInfo) {
  grpc::Status s =
      ToGrpcStatus(InvalidField("teacher.birth_date", "must be a date"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details = Details(s);
  EXPECT_EQ(details.code(), 3);
  bool saw_bad_request = false, saw_info = false;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest br;
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&br)) {
      saw_bad_request = true;
      ASSERT_EQ(br.field_violations_size(), 1);
      EXPECT_EQ(br.field_violations(0).field(), "teacher.birth_date");
      EXPECT_EQ(br.field_violations(0).description(), "must be a date");
    } else if (any.UnpackTo(&info)) {
      saw_info = true;
      EXPECT_EQ(info.reason(), "INVALID_FIELD");
      EXPECT_EQ(info.domain(), "rota.v1");
    }
  }
  EXPECT_TRUE(saw_bad_request);
  EXPECT_TRUE(saw_info);
}

TEST(GrpcStatusTest, ViolationsReportEveryFieldAndTheSpecificReason) {
  Violations v;
  v.Add("teacher.display_name", "is required");
  v.Add("teacher.school", "refers to another county", kReasonCrossCounty);
  absl::Status s = v.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BadRequestOf(s).field_violations_size(), 2);
  EXPECT_EQ(ReasonOf(s), kReasonCrossCounty);
  EXPECT_NE(s.message().find("teacher.display_name"), absl::string_view::npos);
}

TEST(GrpcStatusTest, EmptyViolationsAreOk) {
  EXPECT_TRUE(Violations().ToStatus().ok());
}

TEST(GrpcStatusTest, DefaultReasonsByCode) {
  google::rpc::Status d = Details(ToGrpcStatus(absl::AbortedError("stale")));
  google::rpc::ErrorInfo info;
  ASSERT_EQ(d.details_size(), 1);
  ASSERT_TRUE(d.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), kReasonEtagMismatch);
  d = Details(ToGrpcStatus(absl::NotFoundError("x")));
  ASSERT_TRUE(d.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), kReasonNotFound);
}

TEST(GrpcStatusTest, PreconditionFailureDetail) {
  grpc::Status s = ToGrpcStatus(
      PreconditionFailed("SCHOOL_IN_USE", "counties/a/schools/s1", "in use"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  google::rpc::Status d = Details(s);
  bool saw = false;
  for (const auto& any : d.details()) {
    google::rpc::PreconditionFailure pf;
    if (any.UnpackTo(&pf)) {
      saw = true;
      EXPECT_EQ(pf.violations(0).type(), "SCHOOL_IN_USE");
      EXPECT_EQ(pf.violations(0).subject(), "counties/a/schools/s1");
    }
  }
  EXPECT_TRUE(saw);
}

TEST(GrpcStatusTest, HugeMessagesAreTruncated) {
  grpc::Status s = ToGrpcStatus(absl::InternalError(std::string(1 << 20, 'x')));
  EXPECT_LE(s.error_message().size(), 4096u);
}

}  // namespace
}  // namespace rota::service
