// RocksDbEventStore: the EventStore on an embedded RocksDB directory.
//
// Layout (details and key builders in service/storage/rocksdb_keys.h):
//   "events"       county '\0' be64(seq) -> event record (event.h)
//   "projections"  county '\0' key -> value
//   "heads"        county -> be64(seq) be64(time) hash
// An Append writes its events, its projection writes and the county's new head
// in one WriteBatch with sync=true: after Append returns OK the events survive
// a process kill or power loss, and either all of a batch is visible or none.
//
// Concurrency. Each county has a mutex held only around "check head, build
// batch, write"; it linearises one county's appends. Appends to different
// counties call rocksdb::DB::Write concurrently, so RocksDB's write group
// commit lets them share one WAL write and fsync. Reads (ReadRange,
// ReadProjection, snapshots, VerifyChain) take no Rota lock except briefly to
// find a county's cached head.
//
// Each county's head (sequence, time, hash) is cached in memory, recovered at
// Open from the "heads" column family. Event times come from
// options.now_micros and are clamped so they never decrease within a county.
//
// Thread-safety: all methods are thread-safe. A snapshot may outlive the
// store; the database closes (and its directory lock is released) when the
// store and all its snapshots are destroyed.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(std::unique_ptr<RocksDbEventStore> store,
//                         RocksDbEventStore::Open({.path = "/var/lib/rota"}));
//   ROTA_ASSIGN_OR_RETURN(uint64_t head, store->HeadSequence("yongan"));
//   ROTA_ASSIGN_OR_RETURN(std::vector<Event> events,
//                         store->Append("yongan", head, {draft}, {}));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "service/storage/event_store.h"
#include "service/storage/rocksdb_keys.h"

namespace rocksdb {
class DB;
class FileSystem;
class ColumnFamilyHandle;
class Statistics;
}  // namespace rocksdb

namespace rota::storage {

struct RocksDbEventStoreOptions {
  // Directory of the database, created if missing (its parent must exist).
  // Required.
  std::string path = "";

  // Shared LRU block cache for all column families. A county's working set
  // (teachers, schools, posts, indexes) is a few MB; 64 MB keeps many counties
  // hot without competing with the rest of the server for memory.
  size_t block_cache_bytes = 64 << 20;

  // Bloom filter bits per key on the projection keys, so that Get of an absent
  // key (idempotency checks, "does this id exist") rarely touches disk. 10 bits
  // gives ~1% false positives.
  int projection_bloom_bits_per_key = 10;

  // Write buffer per column family. A county's teacher import (100,000
  // teachers: about 60 MB of events and 55 MB of projections) fits in one
  // memtable per column family, so its flush and the compaction after it run
  // once the import is done rather than beside it on the two cores (with
  // 64 MB, alternated runs took 80,000-89,000 teachers/s instead of
  // 92,000-100,000; the flush costs the same, later). Costs memory (up to
  // two memtables per column family while one flushes) and, after a crash, a
  // longer replay of the write-ahead log.
  size_t write_buffer_bytes = 128 << 20;

  // Background flush + compaction threads. The target machine has 2 cores
  // shared with the gRPC server.
  int max_background_jobs = 2;

  // RocksDB's pipelined write: the next write group's WAL write (and fsync)
  // overlaps the previous group's memtable insert. Matters only with several
  // concurrent writers (different counties): 4 writers of 500-event batches
  // were 15-29 % faster with it in three runs (docs/perf-storage.md).
  bool pipelined_write = true;

  // Collect RocksDB statistics for Stats() (costs a few percent of CPU).
  bool collect_statistics = false;

  // Source of event times (UTC microseconds). Defaults to the system clock;
  // tests inject a fake clock.
  std::function<int64_t()> now_micros = nullptr;

  // Opens the database read-only (no writes, no directory lock, nothing
  // written to the directory): Append answers UNAVAILABLE. Used to keep
  // serving reads when the disk is full or failing (recovering_event_store.h).
  bool read_only = false;

  // The file system under RocksDB; null = the local one. Tests pass a wrapper
  // that injects errors (no space, I/O errors).
  std::shared_ptr<rocksdb::FileSystem> file_system = nullptr;

  // RocksDB's informational log goes to stderr (warnings and errors only),
  // never to a LOG file in the data directory: a full disk must not make the
  // log itself fail. false: RocksDB's default LOG file in the directory.
  bool info_log_to_stderr = true;
};

// Counters of the write path, for benchmarks and metrics.
struct RocksDbEventStoreStats {
  // fsyncs of the write-ahead log.
  uint64_t wal_syncs = 0;
  // Write calls that led their write group (and synced it).
  uint64_t writes_led = 0;
  // Write calls committed and synced by another group's leader: shared fsyncs.
  uint64_t writes_by_others = 0;
};

class RocksDbEventStore final : public EventStore {
 public:
  // Opens (creating if missing) the store at options.path and recovers every
  // county's head. INVALID_ARGUMENT for an empty path; FAILED_PRECONDITION if
  // the directory holds an unknown layout version or a malformed head record;
  // UNAVAILABLE if RocksDB cannot open it (e.g. locked by another process).
  static absl::StatusOr<std::unique_ptr<RocksDbEventStore>> Open(
      RocksDbEventStoreOptions options);

  // Closes RocksDB, unless snapshots are still alive (then the last one
  // closes it). Flushes nothing extra: every append is already synced.
  ~RocksDbEventStore() override;

  // Counters since Open; all zero unless options.collect_statistics.
  RocksDbEventStoreStats Stats() const;

  // After a write error (no space, I/O error) RocksDB refuses writes until
  // it recovers. Resume asks it to recover now (DB::Resume) and reloads
  // every county's cached head from disk. OK if writes work again (also when
  // there was no error); otherwise the error that still blocks them (a fatal
  // one needs a close and reopen). FAILED_PRECONDITION when read-only.
  absl::Status Resume();

  bool read_only() const { return options_.read_only; }

  RocksDbEventStore(const RocksDbEventStore&) = delete;
  RocksDbEventStore& operator=(const RocksDbEventStore&) = delete;

  // EventStore. Counties must be non-empty, at most
  // rocksdb_keys::kMaxCountyBytes bytes and contain no NUL byte; otherwise
  // INVALID_ARGUMENT. Projection keys must be non-empty. A county without
  // events reads as empty (head 0), never NOT_FOUND.
  absl::StatusOr<std::vector<Event>> Append(
      const std::string& county, uint64_t expected_sequence,
      std::vector<EventDraft> drafts,
      std::vector<ProjectionWrite> writes) override;
  absl::StatusOr<std::vector<Event>> ReadRange(const std::string& county,
                                               uint64_t from,
                                               size_t limit) const override;
  absl::StatusOr<uint64_t> HeadSequence(
      const std::string& county) const override;
  absl::StatusOr<std::optional<std::string>> ReadProjection(
      const std::string& county, const std::string& key) const override;
  absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot(
      const std::string& county) const override;
  absl::StatusOr<std::vector<std::string>> ListCounties() const override;
  absl::StatusOr<ChainReport> VerifyChain(
      const std::string& county) const override;

 private:
  // One county's append lock and cached head.
  struct CountyState {
    std::mutex append_mu;  // held around check head, build batch, write
    std::mutex head_mu ABSL_ACQUIRED_AFTER(append_mu);
    rocksdb_keys::Head head ABSL_GUARDED_BY(head_mu);
  };

  struct DbOwner;
  RocksDbEventStore(RocksDbEventStoreOptions options,
                    std::shared_ptr<rocksdb::Statistics> statistics,
                    std::shared_ptr<DbOwner> owner);

  // The state of `county`, created (head 0) if absent. Never null.
  CountyState* GetOrCreateCounty(const std::string& county) const;

  // Reloads every county's cached head from the "heads" column family.
  absl::Status LoadHeads();

  // DbOwner owns the rocksdb::DB and its column family handles; it is shared
  // with live snapshots so that the database closes only when the store and
  // every snapshot are gone.
  RocksDbEventStoreOptions options_;
  // Null unless options.collect_statistics.
  std::shared_ptr<rocksdb::Statistics> statistics_;
  std::shared_ptr<DbOwner> owner_;
  rocksdb::DB* db_;  // owned by owner_
  // Owned by owner_, in rocksdb_keys::k*Index order.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  // std:: mutexes rather than absl::Mutex: Debian's Abseil is built without
  // ThreadSanitizer annotations, so TSan could not see absl::Mutex (it still
  // cannot see inside Debian's RocksDB).
  mutable std::shared_mutex counties_mu_;
  // Entries are never removed, so the pointers stay valid for the store's life.
  mutable absl::flat_hash_map<std::string, std::unique_ptr<CountyState>>
      counties_ ABSL_GUARDED_BY(counties_mu_);
};

}  // namespace rota::storage
