// rotactl audit export: a round's frozen inputs, run and chain segment in a
// directory, for rota-replay (docs/replay-format.md).
#pragma once

#include <string>

#include "tools/rotactl/context.h"

namespace rota::rotactl {

// Writes `round` (full name) to `dir` (created if missing): run `run`, or
// (0) the committed run, else the latest. Returns the exit code.
int ExportRound(Context* ctx, const std::string& round, const std::string& dir,
                int run);

}  // namespace rota::rotactl
