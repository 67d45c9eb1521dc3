// rotactl's view of a recruitment round (新教师招聘): the per-post gender
// table of `round report` (post, school, seats, hires and cutoffs by sex,
// the gap, empty seats and why, whether the gender rule holds) as a table,
// JSON (the whole RoundReport) or CSV (one row per post), and the words for
// a hire's seat in `round results` and `round explain`.
//
// Thread-safety: not thread-safe; writes to stdout.
#pragma once

#include <string>

#include "rota/v1/rounds.pb.h"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

// Prints `report` (a run of a RECRUITMENT round) in `format`, table and CSV
// in `lang`.
void PrintRecruitmentReport(OutputFormat format,
                            const rota::v1::RoundReport& report, Lang lang);

// "open seat", "seat reserved for women" (女性预留岗位), ...; a channel's
// seat names the channel; "" when not hired.
std::string RecruitmentSeatWords(const rota::v1::Placement& p, Lang lang);

}  // namespace rota::rotactl
