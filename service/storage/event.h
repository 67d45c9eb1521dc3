// Rota's canonical event encoding and hash chain.
//
// The encoding and the chain belong to Rota, not to a storage backend: every
// backend (RocksDB today, PostgreSQL later) stores the record bytes produced
// here and verifies the chain with the functions here, so a log copied between
// backends keeps the same hashes.
//
// Canonical encoding, version 1 (all integers big-endian):
//
//   offset  size  field
//   0       1     version        = 0x01
//   1       8     sequence       u64, 1-based
//   9       8     time_micros    i64, two's complement
//   17      4+n   actor          u32 length n, then n bytes
//   .       4+n   request_id     u32 length n, then n bytes
//   .       4+n   type           u32 length n, then n bytes
//   .       4+n   payload        u32 length n, then n bytes
//   .       32    previous_hash  hash of the previous event (zeros for seq 1)
//
//   hash = SHA-256(canonical encoding)
//
// A stored event record is the canonical encoding followed by the 32-byte
// hash. Nothing else (e.g. the county) is part of the record: the chain binds
// an event to its position in its county's log through previous_hash.
//
// Thread-safety: all functions are pure and thread-safe.
//
// Example:
//   Event e{.sequence = 1, .time_micros = now, .actor = "hr",
//           .request_id = "", .type = "t", .payload = p};
//   e.hash = ComputeEventHash(e);
//   std::string record = EncodeEventRecord(e);
//   ROTA_ASSIGN_OR_RETURN(Event back, DecodeEventRecord(record));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/sha256.h"
#include "service/storage/event_store.h"

namespace rota::storage {

inline constexpr uint8_t kEventEncodingVersion = 1;

// Upper bound on each variable-length field: lengths are u32 on the wire.
inline constexpr size_t kMaxEventFieldBytes = 0xFFFFFFFFu;

// The canonical encoding of every field of `event` except `hash` (layout
// above). REQUIRES: each string field is shorter than 4 GiB.
std::string EncodeCanonicalEvent(const Event& event);

// The canonical encoding in three pieces, for a backend that hashes and
// stores a record without first copying the payload into one string:
// `head` (version to the payload's length), then event.payload, then
// event.previous_hash. Views into `event`.
struct CanonicalEventPieces {
  std::string head;
  std::string_view payload;
  std::string_view previous_hash;
};
CanonicalEventPieces CanonicalPiecesOf(const Event& event);

// SHA-256 of EncodeCanonicalEvent(event); ignores event.hash.
Sha256Digest ComputeEventHash(const Event& event);

// The stored record: canonical encoding followed by event.hash (as given, not
// recomputed, so a stored record can be checked later).
std::string EncodeEventRecord(const Event& event);

// Parses a stored record. DATA_LOSS if the bytes are not a well-formed
// version-1 record (truncated, trailing bytes, unknown version). Does not check
// the hash: use ComputeEventHash for that.
absl::StatusOr<Event> DecodeEventRecord(std::string_view record);

// Big-endian helpers shared by the backends' key and record layouts.
void AppendBigEndian64(std::string& out, uint64_t value);
uint64_t ReadBigEndian64(
    std::string_view bytes);  // REQUIRES: bytes.size() >= 8

}  // namespace rota::storage
