#include "service/storage/history.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace rota::storage {

absl::StatusOr<uint64_t> SequenceAtTime(const EventStore& store,
                                        const std::string& county,
                                        int64_t time_micros) {
  ROTA_ASSIGN_OR_RETURN(uint64_t head, store.HeadSequence(county));
  // Invariant: events <= lo are at or before the time; events > hi are after.
  uint64_t lo = 0, hi = head;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo + 1) / 2;
    ROTA_ASSIGN_OR_RETURN(std::vector<Event> events,
                          store.ReadRange(county, mid, 1));
    if (events.empty()) {
      return absl::DataLossError(absl::StrCat("event ", mid, " of county \"",
                                              county, "\" is missing"));
    }
    if (events[0].time_micros <= time_micros) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

}  // namespace rota::storage
