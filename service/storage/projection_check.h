// Projection rebuild and check: replays a county's event log through a
// Projector into memory and compares the result with the stored projections.
//
// Projections (current state, secondary indexes) are a cache of the log. If a
// bug or a hand edit makes them diverge, this finds every key that differs. It
// uses only the EventStore interface, so it works for any backend.
//
// Keys that are not derived from the log (e.g. idempotency records, which hold
// the request digest and response) are excluded by prefix: by default the
// reserved kUnprojectedKeyPrefix ("_", see event_store.h); a caller with its
// own layout lists its prefixes in ProjectionCheckOptions::excluded_prefixes.
// A Projector that writes an excluded key is reported as an error.
//
// Consistency: the check takes a snapshot first and replays exactly the events
// up to the snapshot's head, so it may run while the county is being written.
// Memory: the rebuilt projections of one county are held in memory.
//
// Thread-safety: the functions are thread-safe if `projector` is.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(
//       ProjectionCheckReport r,
//       CheckProjections(*store, "yongan", projector,
//                        {.excluded_prefixes = {"r/"}}));
//   for (const auto& d : r.differences) std::cerr << d.ToString() << "\n";
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/storage/event_store.h"

namespace rota::storage {

struct ProjectionDifference {
  enum class Kind {
    kMissing,    // the replay produces the key, the store lacks it
    kExtra,      // the store has the key, the replay does not produce it
    kDifferent,  // both have it with different values
  };
  Kind kind = Kind::kDifferent;
  std::string key;
  std::optional<std::string>
      rebuilt;  // value from the replay (nullopt for kExtra)
  std::optional<std::string>
      stored;  // value in the store (nullopt for kMissing)

  // E.g. `stored projection "teachers/t1" differs from the rebuilt value`.
  std::string ToString() const;
};

struct ProjectionCheckOptions {
  // Keys with any of these prefixes are neither rebuilt nor compared.
  std::vector<std::string> excluded_prefixes = {kUnprojectedKeyPrefix};
  // Stop collecting after this many differences (the report says so).
  size_t max_differences = 100;
  // Events and keys read per call to the store.
  size_t read_batch = 1000;
};

struct ProjectionCheckReport {
  uint64_t events_replayed = 0;  // events 1..head of the snapshot
  uint64_t keys_compared = 0;    // distinct keys seen on either side
  std::vector<ProjectionDifference> differences;  // in key order
  bool truncated = false;  // more than max_differences differences exist
  bool ok() const { return differences.empty(); }
};

// Replays events 1..up_to_sequence of `county` through `projector`, starting
// from empty projections, and returns the resulting keys and values.
// FAILED_PRECONDITION if the projector writes an excluded key; the projector's
// own errors and the store's read errors are returned with the event's sequence
// in the message.
absl::StatusOr<std::map<std::string, std::string>> RebuildProjections(
    const EventStore& store, const std::string& county,
    const Projector& projector, uint64_t up_to_sequence,
    const ProjectionCheckOptions& options = {});

// Rebuilds `county`'s projections as of a fresh snapshot and compares them
// with the snapshot's stored projections, except excluded keys.
// Differences are a result, not an error; errors are as for RebuildProjections.
absl::StatusOr<ProjectionCheckReport> CheckProjections(
    const EventStore& store, const std::string& county,
    const Projector& projector, const ProjectionCheckOptions& options = {});

}  // namespace rota::storage
