#include "engine/rules/hard_rule.h"

#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

TEST(HardRuleTest, RoundTripsThroughTheStatus) {
  absl::Status s = HardRuleError({.teacher = "T7",
                                  .rule = "capacity",
                                  .is_override = true,
                                  .sentence = "school \"s1\" is full"});
  EXPECT_TRUE(absl::IsFailedPrecondition(s));
  EXPECT_EQ(s.message(),
            "override for teacher \"T7\": rule \"capacity\": school \"s1\" is "
            "full");
  std::optional<HardRuleViolation> v = GetHardRuleViolation(s);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->teacher, "T7");
  EXPECT_EQ(v->rule, "capacity");
  EXPECT_TRUE(v->is_override);
  EXPECT_EQ(v->sentence, "school \"s1\" is full");
}

TEST(HardRuleTest, OtherStatusesCarryNone) {
  EXPECT_FALSE(GetHardRuleViolation(absl::OkStatus()).has_value());
  EXPECT_FALSE(
      GetHardRuleViolation(absl::FailedPreconditionError(
                               "lock for teacher \"T\": rule \"x\": y"))
          .has_value());
  EXPECT_FALSE(
      GetHardRuleViolation(absl::InvalidArgumentError("x")).has_value());
}

}  // namespace
}  // namespace rota::engine::rules
