#include "engine/rules/hard_rule.h"

#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace rota::engine::rules {
namespace {

constexpr absl::string_view kPayloadUrl = "type.rota.engine/HardRuleViolation";
// Fields joined by NUL: ids and rule names never contain one (the service
// rejects control characters), and the sentence is last, so it may.
constexpr char kSeparator = '\0';

}  // namespace

absl::Status HardRuleError(const HardRuleViolation& v) {
  absl::Status status = absl::FailedPreconditionError(
      absl::StrCat(v.is_override ? "override" : "lock", " for teacher \"",
                   v.teacher, "\": rule \"", v.rule, "\": ", v.sentence));
  std::string payload = absl::StrCat(
      v.teacher, std::string(1, kSeparator), v.rule, std::string(1, kSeparator),
      v.is_override ? "1" : "0", std::string(1, kSeparator), v.sentence);
  status.SetPayload(kPayloadUrl, absl::Cord(payload));
  return status;
}

std::optional<HardRuleViolation> GetHardRuleViolation(
    const absl::Status& status) {
  if (!absl::IsFailedPrecondition(status)) return std::nullopt;
  const auto payload = status.GetPayload(kPayloadUrl);  // absl::optional
  if (!payload.has_value()) return std::nullopt;
  std::vector<std::string> parts =
      absl::StrSplit(std::string(*payload), absl::MaxSplits(kSeparator, 3));
  if (parts.size() != 4) return std::nullopt;
  HardRuleViolation v;
  v.teacher = std::move(parts[0]);
  v.rule = std::move(parts[1]);
  v.is_override = parts[2] == "1";
  v.sentence = std::move(parts[3]);
  return v;
}

}  // namespace rota::engine::rules
