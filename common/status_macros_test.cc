#include "common/status_macros.h"

#include "gtest/gtest.h"

namespace rota {
namespace {

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  ROTA_ASSIGN_OR_RETURN(int h, Half(x));
  ROTA_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

absl::Status CheckEven(int x) {
  ROTA_RETURN_IF_ERROR(Half(x).status());
  return absl::OkStatus();
}

TEST(StatusMacrosTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(StatusMacrosTest, CheckAbortsWithMessage) {
  EXPECT_DEATH(ROTA_CHECK(1 + 1 == 3) << "arithmetic", "CHECK failed: 1 \\+ 1 == 3 arithmetic");
}

}  // namespace
}  // namespace rota
