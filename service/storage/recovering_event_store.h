// RecoveringEventStore: the RocksDB EventStore that rotad serves from, kept
// up through a full or failing disk.
//
// A write that fails for lack of space or with an I/O error puts the store
// in "read-only" state: that Append and every later one answer at once
// (RESOURCE_EXHAUSTED when the disk is full, UNAVAILABLE for other I/O
// errors, with a sentence saying reads still work), while reads keep being
// served. A background thread tries to recover every `retry_interval`: first
// RocksDB's own DB::Resume, and when that cannot help (a fatal error, or the
// database was opened read-only) a close and reopen read-write. After a "no
// space" error it only tries when the directory's file system has at least
// `min_free_bytes` free. Nothing acknowledged is lost: a failed Append was
// never acknowledged, and the head cache is reloaded from disk on recovery.
//
// Open: if the database cannot be opened read-write because the disk is
// full or failing, it is opened read-only (reads served, writes refused) and
// recovery starts at once.
//
// During a reopen (read-write after read-only or after a fatal error) the
// database is closed for a moment; calls then answer UNAVAILABLE ("retry").
//
// Thread-safety: all methods are thread-safe.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(auto store, RecoveringEventStore::Open(
//                                         {.store = {.path = data_dir}}));
//   if (!store->writable()) std::cerr << store->write_error() << "\n";
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/storage/event_store.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::storage {

struct RecoveringEventStoreOptions {
  // The database (path, tuning, file system). `read_only` is ignored: the
  // store opens read-write when it can.
  RocksDbEventStoreOptions store;
  // How often to try to recover while writes are refused.
  absl::Duration retry_interval = absl::Seconds(2);
  // After a "no space" error: free bytes the data directory's file system
  // must have before a recovery is tried (a flush and a new log need room:
  // the events' and the projections' memtables, 128 MB each at most).
  uint64_t min_free_bytes = 256 << 20;
  // Free bytes at the data directory; null = statvfs(2).
  std::function<absl::StatusOr<uint64_t>()> free_bytes = nullptr;
};

class RecoveringEventStore final : public EventStore {
 public:
  // Opens read-write, or read-only (recovering in the background) when the
  // disk is full or failing. Errors as RocksDbEventStore::Open otherwise.
  static absl::StatusOr<std::unique_ptr<RecoveringEventStore>> Open(
      RecoveringEventStoreOptions options);
  ~RecoveringEventStore() override;

  // Whether writes are accepted now.
  bool writable() const;
  // Why writes are refused (OK when writable).
  absl::Status write_error() const;
  // One recovery attempt now (what the background thread does). OK if the
  // store is writable afterwards.
  absl::Status TryRecover();
  // Waits until writable or `timeout` passes; returns writable().
  bool WaitWritable(absl::Duration timeout) const;

  // EventStore.
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
  explicit RecoveringEventStore(RecoveringEventStoreOptions options);
  // The open database, or UNAVAILABLE while it is being reopened.
  absl::StatusOr<std::shared_ptr<RocksDbEventStore>> Current() const;
  // Records a write failure (if it is one) and wakes the recovery thread.
  void NoteWriteError(const absl::Status& status);
  // The answer to a write while writes are refused.
  absl::Status Refusal(const std::string& county) const;
  absl::Status Reopen();
  void RecoveryLoop();

  const RecoveringEventStoreOptions options_;

  mutable std::shared_mutex store_mu_;
  std::shared_ptr<RocksDbEventStore> store_;  // null while reopening

  mutable std::mutex state_mu_;
  mutable std::condition_variable state_cv_;
  absl::Status write_error_;  // OK = writable
  bool stopping_ = false;

  std::mutex recover_mu_;  // one recovery at a time
  std::thread recovery_thread_;
};

}  // namespace rota::storage
