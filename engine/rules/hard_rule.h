// HardRuleViolation: the typed refusal of a run whose lock or override breaks
// a hard rule (capacity, qualification, exemption, ...). The engines return it
// as a FailedPrecondition status whose message is the sentence an
// administrator reads and whose payload carries the fields, so the service
// maps it to a google.rpc.PreconditionFailure without parsing the words.
//
//   return HardRuleError({.teacher = "T7", .rule = "capacity",
//                         .is_override = true, .sentence = "..."});
//   ...
//   if (std::optional<HardRuleViolation> v = GetHardRuleViolation(status))
//     Refuse(v->rule, v->teacher);
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"

namespace rota::engine::rules {

struct HardRuleViolation {
  std::string teacher;       // bare teacher id the pin belongs to
  std::string rule;          // "capacity", "qualification", "exemption", ...
  bool is_override = false;  // false: a lock
  std::string sentence;      // why, in words (without the prefix below)
};

// FailedPrecondition with the message
// `lock|override for teacher "T": rule "R": sentence` and `v` as payload.
absl::Status HardRuleError(const HardRuleViolation& v);

// The violation carried by a status made by HardRuleError; nullopt for any
// other status (including OK).
std::optional<HardRuleViolation> GetHardRuleViolation(
    const absl::Status& status);

}  // namespace rota::engine::rules
