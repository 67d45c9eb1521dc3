// GoogleTest helpers for absl::Status and grpc::Status in Rota's tests.
//
//   ASSERT_OK(rotad->Stop());                         // absl::Status
//   EXPECT_OK(stub.CreateCounty(ctx.get(), req, &c)); // grpc::Status
//   ASSERT_OK_AND_ASSIGN(auto rotad, RotadProcess::Start());
//   EXPECT_TRUE(HasError(status, grpc::StatusCode::INVALID_ARGUMENT,
//                        "teacher.birth_date", "INVALID_FIELD"));
//
// Failure messages carry the code, message, BadRequest field paths and the
// ErrorInfo reason of the status. Header-only; thread-compatible.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/rotad_fixture.h"

namespace rota::testing::internal {

inline ::testing::AssertionResult IsOk(const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString();
}
template <typename T>
::testing::AssertionResult IsOk(const absl::StatusOr<T>& status_or) {
  return IsOk(status_or.status());
}
inline ::testing::AssertionResult IsOk(const grpc::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Describe(status);
}

}  // namespace rota::testing::internal

#ifndef ASSERT_OK
#define ASSERT_OK(expr) ASSERT_TRUE(::rota::testing::internal::IsOk(expr))
#endif
#ifndef EXPECT_OK
#define EXPECT_OK(expr) EXPECT_TRUE(::rota::testing::internal::IsOk(expr))
#endif

#define ROTA_TESTING_CONCAT_INNER(a, b) a##b
#define ROTA_TESTING_CONCAT(a, b) ROTA_TESTING_CONCAT_INNER(a, b)
#define ROTA_TESTING_ASSERT_OK_AND_ASSIGN(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  ASSERT_OK(tmp);                                         \
  lhs = std::move(tmp).value()
#ifndef ASSERT_OK_AND_ASSIGN
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ROTA_TESTING_ASSERT_OK_AND_ASSIGN(    \
      ROTA_TESTING_CONCAT(rota_statusor_, __LINE__), lhs, expr)
#endif

namespace rota::testing {

// Success iff `status` has `code`, and (if non-empty) a BadRequest violation
// on exactly `field` and an ErrorInfo whose reason is `reason`.
inline ::testing::AssertionResult HasError(const grpc::Status& status,
                                           grpc::StatusCode code,
                                           const std::string& field = "",
                                           const std::string& reason = "") {
  if (status.error_code() != code) {
    return ::testing::AssertionFailure()
           << "want " << CodeName(code) << ", got " << Describe(status);
  }
  if (!field.empty()) {
    std::vector<std::string> fields = ViolationFields(status);
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      return ::testing::AssertionFailure()
             << "want a BadRequest field violation on '" << field
             << "', got fields [" << absl::StrJoin(fields, ", ") << "] in "
             << Describe(status);
    }
  }
  if (!reason.empty()) {
    std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(status);
    if (!info.has_value()) {
      return ::testing::AssertionFailure()
             << "want ErrorInfo reason " << reason << ", got no ErrorInfo in "
             << Describe(status);
    }
    if (info->reason() != reason) {
      return ::testing::AssertionFailure()
             << "want ErrorInfo reason " << reason << ", got " << info->reason()
             << " in " << Describe(status);
    }
    if (info->domain() != "rota.v1") {
      return ::testing::AssertionFailure()
             << "want ErrorInfo domain rota.v1, got '" << info->domain() << "'";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace rota::testing
