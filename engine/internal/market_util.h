// Small helpers shared by the mechanisms. Internal to engine/.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::engine::internal {

// Seats per post left after exempt holders keep theirs (never negative).
std::vector<int32_t> SeatsAfterExempt(const Market& market);

// The teacher of every entry.
std::vector<int32_t> EntryTeachers(const Market& market);

Reason ReasonForBlock(EntryBlock block);

// End of the part of each teacher's entry list a tenure-respecting mechanism
// uses: up to and including her own post's entry, or her listed entries.
std::vector<int32_t> TenureEnds(const Market& market);

// Appends an UnmetFloor to result->unmet_floors for every floor that the
// assignment `post_of` does not meet. `end[t]` bounds the entries teacher t
// took part with.
// `tenure`: holders kept their seats first (DA*); counts tenured_others.
void ReportUnmetFloors(const Market& market,
                       const std::vector<int32_t>& post_of,
                       const std::vector<int32_t>& end, bool tenure,
                       MatchResult* result);

}  // namespace rota::engine::internal

namespace rota::engine::internal {

// InvalidArgument naming the first post with more non-exempt holders than
// `seats` (seats left after exempt holders); `mechanism` names the caller.
absl::Status CheckHoldersFit(const Market& market,
                             const std::vector<int32_t>& seats,
                             std::string_view mechanism);

}  // namespace rota::engine::internal
