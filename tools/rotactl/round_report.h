// The table, JSON and CSV forms of `rotactl round report` for the kinds
// without their own (exchange rotation, competitive hiring, itinerant
// teaching): movers by direction and locality, quota lines, choices
// obtained, the unplaced and why, and the engine's notes.
//
// Thread-safety: not thread-safe; writes to stdout.
#pragma once

#include "rota/v1/rounds.pb.h"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

// Prints `report` in `format`, table and CSV in `lang`.
void PrintRoundReport(OutputFormat format, const rota::v1::RoundReport& report,
                      Lang lang);

}  // namespace rota::rotactl
