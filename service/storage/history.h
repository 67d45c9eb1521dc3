// History queries over a county's log that any EventStore backend supports:
// which event was the last one at a given time. Together with
// RebuildProjections (projection_check.h) this answers "what was the state as
// of event N / as of date D".
//
// Relies on the store's guarantee that event times never decrease within a
// county (RocksDbEventStore clamps them; VerifyChain checks it), so the
// search is a binary search: O(log n) single-event reads.
//
// Thread-safety: thread-safe (reads only).
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(uint64_t seq, SequenceAtTime(*store, "yongan", t));
//   ROTA_ASSIGN_OR_RETURN(
//       auto state, RebuildProjections(*store, "yongan", projector, seq));
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "service/storage/event_store.h"

namespace rota::storage {

// The sequence of the last event of `county` whose time_micros <= `time_micros`
// (0 if there is none, e.g. before the county's first event). Errors are the
// store's read errors.
absl::StatusOr<uint64_t> SequenceAtTime(const EventStore& store,
                                        const std::string& county,
                                        int64_t time_micros);

}  // namespace rota::storage
