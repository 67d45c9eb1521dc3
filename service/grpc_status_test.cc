#include "service/grpc_status.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
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
  EXPECT_LE(s.error_message().size(), kMaxStatusMessageBytes);
  // Never in the middle of a character.
  std::string chinese;
  for (int i = 0; i < 1000; ++i) chinese += "张";
  s = ToGrpcStatus(absl::InternalError(chinese));
  EXPECT_LE(s.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_EQ(s.error_message().size() % 3, 0u);
}

TEST(GrpcStatusTest, ManyViolationsAreCappedAndTheRestCounted) {
  Violations v;
  for (int i = 0; i < 500; ++i) {
    v.Add(absl::StrCat("teachers[", i, "].teacher.display_name"),
          "must be at most 200 characters (got 12345)");
  }
  EXPECT_EQ(v.bad_request().field_violations_size(), 500);  // all kept
  grpc::Status s = ToGrpcStatus(v.ToStatus());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status d = Details(s);
  google::rpc::BadRequest br;
  for (const auto& any : d.details()) any.UnpackTo(&br);
  ASSERT_EQ(br.field_violations_size(), kMaxReportedViolations + 1);
  EXPECT_EQ(br.field_violations(0).field(), "teachers[0].teacher.display_name");
  const auto& last = br.field_violations(kMaxReportedViolations);
  EXPECT_EQ(last.field(), "request");
  EXPECT_NE(last.description().find("480 more field violations"),
            std::string::npos)
      << last.description();
  EXPECT_NE(s.error_message().find("(and 480 more)"), std::string::npos)
      << s.error_message();
  // Well inside gRPC's 8 KB trailer limit, base64 and all.
  EXPECT_LT(s.error_details().size() * 4 / 3 + s.error_message().size(), 6000u);

  // Long violations hit the byte budget before the count.
  Violations longer;
  for (int i = 0; i < 30; ++i) {
    longer.Add(std::string(500, 'f'), std::string(500, 'd'));
  }
  google::rpc::Status ld = Details(ToGrpcStatus(longer.ToStatus()));
  google::rpc::BadRequest lbr;
  for (const auto& any : ld.details()) any.UnpackTo(&lbr);
  EXPECT_LT(lbr.field_violations_size(), kMaxReportedViolations);
  EXPECT_LE(lbr.ByteSizeLong(), kMaxBadRequestBytes + 300);
  EXPECT_EQ(lbr.field_violations(lbr.field_violations_size() - 1).field(),
            "request");
}

}  // namespace
}  // namespace rota::service
