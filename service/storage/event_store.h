// EventStore: Rota's storage contract. Each county (tenant) has an
// append-only event log chained by SHA-256, plus projections (current state
// and secondary indexes) that are written atomically with the event that
// changes them.
//
// The event encoding and the hash chain belong to Rota (event.h), not to the
// backend: RocksDB today (rocksdb_event_store.h), a replicated PostgreSQL
// backend later. A backend only has to store bytes atomically and durably.
//
// Thread-safety: all methods are safe to call concurrently. Appends to one
// county are linearised by `expected_sequence`; appends to different counties
// do not wait for each other except to share fsyncs.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(auto store, RocksDbEventStore::Open({.path = dir}));
//   EventDraft draft{.actor = "hr", .request_id = "r1",
//                    .type = "rota.v1.School", .payload = bytes};
//   ROTA_ASSIGN_OR_RETURN(
//       std::vector<Event> events,
//       store->Append("yongan", head, {draft}, {ProjectionWrite::Put(k, v)}));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace rota::storage {

// What the caller supplies; the store assigns sequence, time and hashes.
struct EventDraft {
  std::string actor;       // who caused it (user or system component)
  std::string request_id;  // the client's idempotency key, may be empty
  std::string type;        // payload type, e.g. "rota.v1.TeacherCreated"
  std::string payload;     // opaque bytes (serialized protobuf)
};

// A stored event. `hash` = SHA-256 of the canonical encoding of every other
// field including `previous_hash` (see event.h); the first event's
// previous_hash is all zeros.
struct Event {
  uint64_t sequence = 0;    // 1-based, dense per county
  int64_t time_micros = 0;  // wall clock at append (UTC, microseconds)
  std::string actor;
  std::string request_id;
  std::string type;
  std::string payload;
  Sha256Digest previous_hash{};
  Sha256Digest hash{};
};

// Some projection keys hold state that is written with events but cannot be
// derived from them, e.g. idempotency records (request digest + stored
// response). Projection rebuilds (projection_check.h) must skip them: by
// default they skip keys beginning with kUnprojectedKeyPrefix ("_"); a caller
// with its own layout passes its prefixes instead. Every other key is owned by
// the Projector.
inline constexpr char kUnprojectedKeyPrefix[] = "_";

// A change to a projection key, applied in the same atomic batch as events.
struct ProjectionWrite {
  std::string key;
  std::optional<std::string> value;  // nullopt deletes the key
  static ProjectionWrite Put(std::string k, std::string v) {
    return {std::move(k), std::move(v)};
  }
  static ProjectionWrite Delete(std::string k) {
    return {std::move(k), std::nullopt};
  }
};

// A consistent read view of one county's projections and log.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
  // Sequence of the last event visible in this snapshot (0 if none).
  virtual uint64_t head_sequence() const = 0;
  // Projection value of `key` in this view, nullopt if absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(
      const std::string& key) const = 0;
  // Whether `key` has a value in this view (a Get that needs no copy).
  virtual absl::StatusOr<bool> Contains(const std::string& key) const {
    ROTA_ASSIGN_OR_RETURN(std::optional<std::string> value, Get(key));
    return value.has_value();
  }
  // Keys with `prefix`, strictly after `start_after` (empty: from the start),
  // in byte order, at most `limit` (0 returns nothing). `start_after` need not
  // exist, so a page token can be the last key of the previous page.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Scan(
      const std::string& prefix, const std::string& start_after,
      size_t limit) const = 0;
};

// Result of walking a county's chain.
struct ChainReport {
  bool ok = true;
  uint64_t events = 0;  // events verified (when !ok: before the broken one)
  Sha256Digest head_hash{};  // hash of the last event (when ok; zeros if none)
  uint64_t first_broken_sequence = 0;  // when !ok
  std::string problem;                 // when !ok, a sentence
};

// Maps one event to the projection writes it causes, given the projections
// built so far. Supplied by the service layer (it knows the payloads); used to
// rebuild projections from the log.
using Projector = std::function<absl::StatusOr<std::vector<ProjectionWrite>>(
    const Event& event, const Snapshot& state_before)>;

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends `drafts` (one or more events, consecutive sequences) to `county`'s
  // log, together with `writes`, atomically and durably (synced) iff the
  // county's current head sequence equals `expected_sequence` (0 for a county
  // without events). `writes` apply in order (the last write of a key wins).
  // Returns the stored events. ABORTED if the head moved (nothing is
  // written); INVALID_ARGUMENT for an invalid county (empty, too long, NUL
  // byte), no drafts or an empty projection key.
  virtual absl::StatusOr<std::vector<Event>> Append(
      const std::string& county, uint64_t expected_sequence,
      std::vector<EventDraft> drafts, std::vector<ProjectionWrite> writes) = 0;

  // Events with sequence in [from, from + limit) in order; fewer (possibly
  // none) past the head. `from` 0 reads from 1. DATA_LOSS if a stored event in
  // the range is missing or malformed (VerifyChain says more).
  virtual absl::StatusOr<std::vector<Event>> ReadRange(
      const std::string& county, uint64_t from, size_t limit) const = 0;

  // Sequence of `county`'s last event, 0 if it has none. Cached: no I/O.
  virtual absl::StatusOr<uint64_t> HeadSequence(
      const std::string& county) const = 0;

  // Current projection value of `key` in `county`, nullopt if absent.
  virtual absl::StatusOr<std::optional<std::string>> ReadProjection(
      const std::string& county, const std::string& key) const = 0;

  // A consistent view of `county`'s projections at its head_sequence(); later
  // appends are invisible to it. REQUIRES: destroyed before the store.
  virtual absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot(
      const std::string& county) const = 0;

  // Counties that have at least one event, sorted.
  virtual absl::StatusOr<std::vector<std::string>> ListCounties() const = 0;

  // Walks `county`'s log at a snapshot: recomputes every hash and checks the
  // links, density (1..head, nothing missing or beyond the head) and that times
  // never decrease. A broken chain is a report (ok = false, the first broken
  // sequence, a sentence), not an error; errors are I/O failures.
  virtual absl::StatusOr<ChainReport> VerifyChain(
      const std::string& county) const = 0;
};

}  // namespace rota::storage
