// JSON <-> engine conversion for rota-solve: reads an instance
// (docs/instance-format.md) into an engine::Model and writes a MatchResult
// with explanations and its hash. JSON through nlohmann_json, which stays in
// tools/ (the engine has no JSON); its exceptions are caught here and become
// absl::InvalidArgumentError naming the JSON path.
//
//   absl::StatusOr<engine::Model> model = ParseInstance(text);
//   std::string out = ResultToJson(market, result, /*explain=*/true);
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::tools {

// Parses instance JSON (format "rota.instance.v1"). InvalidArgument naming
// the path of the first bad field, e.g. `teachers[2].points: expected an
// integer`; unknown fields are errors too, so typos do not pass silently.
// The model is not validated here (engine::Compile does that).
absl::StatusOr<engine::Model> ParseInstance(std::string_view json_text);

// The result as JSON (format "rota.result.v1"), keys in a fixed order, two
// spaces indentation, trailing newline: byte-identical for identical results.
std::string ResultToJson(const engine::Market& market,
                         const engine::MatchResult& result, bool explain);

}  // namespace rota::tools
