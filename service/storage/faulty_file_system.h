// FaultyFileSystem: a rocksdb::FileSystem for tests and benchmarks that
// forwards to the local file system and can
//   - run out of space: creating, appending to, syncing files fails with
//     IOStatus::NoSpace ("No space left on device"), as ENOSPC does;
//   - fail writes with an I/O error (EIO);
//   - cut the power: PowerCut() makes every later write and sync fail, and
//     DropUnsyncedData() (after the database is closed) truncates every file
//     written through it to the length it had at its last successful sync,
//     which is what a power loss leaves of data still in the page cache.
//
// Pass it as RocksDbEventStoreOptions::file_system.
//
// Thread-safety: all methods are thread-safe.
//
// Example:
//   auto fs = std::make_shared<FaultyFileSystem>();
//   auto store = RocksDbEventStore::Open({.path = dir, .file_system = fs});
//   fs->SetNoSpace(true);   // the next Append answers RESOURCE_EXHAUSTED
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "rocksdb/file_system.h"

namespace rota::storage {

class FaultyFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  FaultyFileSystem();
  const char* Name() const override { return "RotaFaultyFileSystem"; }

  // Writes fail with "no space" while set.
  void SetNoSpace(bool on);
  // Writes fail with an I/O error while set.
  void SetIoError(bool on);
  // From now on every write and sync fails (the machine is off).
  void PowerCut();
  // Truncates every file written since construction to its last synced
  // length (files never synced become empty). Call after PowerCut() and after
  // the database is closed. Returns the number of bytes dropped.
  uint64_t DropUnsyncedData();
  // Writes refused so far (for test assertions).
  uint64_t refused_writes() const;

  // The checks, for the file wrappers.
  rocksdb::IOStatus CheckWrite();
  void Appended(const std::string& fname, uint64_t new_size);
  // Size of `fname` when a sync starts; Synced records it as durable.
  uint64_t SyncStarting(const std::string& fname);
  void Synced(const std::string& fname, uint64_t upto);

  rocksdb::IOStatus NewWritableFile(
      const std::string& fname, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& fname, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& fname, const std::string& old_fname,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src,
                               const std::string& target,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;

 private:
  struct FileState {
    uint64_t size = 0;         // bytes appended
    uint64_t synced_size = 0;  // bytes at the last successful sync
  };
  mutable std::mutex mu_;
  bool no_space_ = false;
  bool io_error_ = false;
  bool power_cut_ = false;
  uint64_t refused_ = 0;
  std::map<std::string, FileState> files_;
};

}  // namespace rota::storage
