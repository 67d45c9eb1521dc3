// The on-disk layout of RocksDbEventStore: column families, keys and the head
// record. Public so that tools and tests can open a Rota RocksDB directory
// directly (e.g. an end-to-end test that alters one stored event and expects
// VerifyChain to name it).
//
// Column families (all with the default bytewise comparator) and their keys:
//
//   "default"      "rota.storage.format" -> "1" (layout version)
//   "events"       county '\0' be64(sequence) -> event record (event.h)
//   "projections"  county '\0' projection key -> projection value
//   "heads"        county -> be64(sequence) be64(time_micros) hash[32]
//
// County ids are non-empty, at most kMaxCountyBytes long and contain no NUL
// byte, so "county\0" is an unambiguous prefix and keys of one county sort
// together, counties in byte order. Sequences are big-endian so that byte order
// is numeric order. The head record of a county is written in the same batch as
// its events; it is what makes "the last event" explicit, so that a deleted
// tail event is detected, and lets Open recover every county's head with one
// small scan.
//
// Example (alter event 7 of county "yongan" in a closed store):
//   namespace keys = rota::storage::rocksdb_keys;
//   std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
//   for (const auto& name : keys::ColumnFamilyNames()) {
//     cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
//   }
//   rocksdb::DB::Open(options, dir, cfs, &handles, &db);
//   db->Put({}, handles[keys::kEventsIndex], keys::EventKey("yongan", 7), b);
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "service/storage/event.h"

namespace rota::storage::rocksdb_keys {

inline constexpr char kFormatKey[] = "rota.storage.format";
inline constexpr char kFormatVersion[] = "1";

inline constexpr size_t kMaxCountyBytes = 128;

// Column family names, in the order of ColumnFamilyNames(); the k*Index
// constants are positions in that vector (and in the handles Open returns).
inline constexpr char kEventsColumnFamily[] = "events";
inline constexpr char kProjectionsColumnFamily[] = "projections";
inline constexpr char kHeadsColumnFamily[] = "heads";
inline constexpr size_t kDefaultIndex = 0;
inline constexpr size_t kEventsIndex = 1;
inline constexpr size_t kProjectionsIndex = 2;
inline constexpr size_t kHeadsIndex = 3;

inline std::vector<std::string> ColumnFamilyNames() {
  return {"default", kEventsColumnFamily, kProjectionsColumnFamily,
          kHeadsColumnFamily};
}

// "county\0": the prefix of every events/projections key of `county`.
inline std::string CountyPrefix(std::string_view county) {
  std::string out(county);
  out.push_back('\0');
  return out;
}

inline std::string EventKey(std::string_view county, uint64_t sequence) {
  std::string out = CountyPrefix(county);
  AppendBigEndian64(out, sequence);
  return out;
}

// The sequence of an events key of `county`, or nullopt if `key` is not one.
inline std::optional<uint64_t> ParseEventKey(std::string_view county,
                                             std::string_view key) {
  if (key.size() != county.size() + 1 + 8 ||
      key.substr(0, county.size()) != county || key[county.size()] != '\0') {
    return std::nullopt;
  }
  return ReadBigEndian64(key.substr(county.size() + 1));
}

inline std::string ProjectionKey(std::string_view county,
                                 std::string_view key) {
  std::string out = CountyPrefix(county);
  out.append(key);
  return out;
}

inline std::string HeadKey(std::string_view county) {
  return std::string(county);
}

struct Head {
  uint64_t sequence = 0;
  int64_t time_micros =
      0;                // time of the last event (event times never decrease)
  Sha256Digest hash{};  // hash of the last event
};

inline std::string EncodeHead(const Head& head) {
  std::string out;
  AppendBigEndian64(out, head.sequence);
  AppendBigEndian64(out, static_cast<uint64_t>(head.time_micros));
  out.append(reinterpret_cast<const char*>(head.hash.data()), head.hash.size());
  return out;
}

// nullopt if `value` is not a well-formed head record.
inline std::optional<Head> DecodeHead(std::string_view value) {
  if (value.size() != 8 + 8 + 32) return std::nullopt;
  Head head;
  head.sequence = ReadBigEndian64(value);
  head.time_micros = static_cast<int64_t>(ReadBigEndian64(value.substr(8)));
  for (size_t i = 0; i < head.hash.size(); ++i) {
    head.hash[i] = static_cast<uint8_t>(value[16 + i]);
  }
  return head;
}

}  // namespace rota::storage::rocksdb_keys
