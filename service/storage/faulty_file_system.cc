#include "service/storage/faulty_file_system.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

namespace rota::storage {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

class FaultyWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyWritableFile(std::unique_ptr<rocksdb::FSWritableFile> base,
                     FaultyFileSystem* fs, std::string fname, uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(base)),
        fs_(fs),
        fname_(std::move(fname)),
        size_(size) {}

  IOStatus Append(const Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    IOStatus s = fs_->CheckWrite();
    if (!s.ok()) return s;
    s = FSWritableFileOwnerWrapper::Append(data, options, dbg);
    if (s.ok()) fs_->Appended(fname_, size_ += data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    IOStatus s = fs_->CheckWrite();
    if (!s.ok()) return s;
    s = FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    if (s.ok()) fs_->Appended(fname_, size_ += data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus s = fs_->CheckWrite();
    if (!s.ok()) return s;
    s = FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options,
                                                     dbg);
    if (s.ok() && offset + data.size() > size_) {
      size_ = offset + data.size();
      fs_->Appended(fname_, size_);
    }
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    IOStatus s = fs_->CheckWrite();
    if (!s.ok()) return s;
    s = FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options,
                                                     info, dbg);
    if (s.ok() && offset + data.size() > size_) {
      size_ = offset + data.size();
      fs_->Appended(fname_, size_);
    }
    return s;
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_->CheckWrite();
    if (!s.ok()) return s;
    return FSWritableFileOwnerWrapper::Flush(options, dbg);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_->CheckWrite();
    if (!s.ok()) return s;
    const uint64_t upto = fs_->SyncStarting(fname_);
    s = FSWritableFileOwnerWrapper::Sync(options, dbg);
    if (s.ok()) fs_->Synced(fname_, upto);
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_->CheckWrite();
    if (!s.ok()) return s;
    const uint64_t upto = fs_->SyncStarting(fname_);
    s = FSWritableFileOwnerWrapper::Fsync(options, dbg);
    if (s.ok()) fs_->Synced(fname_, upto);
    return s;
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    // A range sync is a hint; it does not make data durable for RocksDB.
    IOStatus s = fs_->CheckWrite();
    if (!s.ok()) return s;
    return FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg);
  }

 private:
  FaultyFileSystem* fs_;
  std::string fname_;
  uint64_t size_;
};

}  // namespace

FaultyFileSystem::FaultyFileSystem()
    : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

void FaultyFileSystem::SetNoSpace(bool on) {
  std::lock_guard lock(mu_);
  no_space_ = on;
}

void FaultyFileSystem::SetIoError(bool on) {
  std::lock_guard lock(mu_);
  io_error_ = on;
}

void FaultyFileSystem::PowerCut() {
  std::lock_guard lock(mu_);
  power_cut_ = true;
}

uint64_t FaultyFileSystem::refused_writes() const {
  std::lock_guard lock(mu_);
  return refused_;
}

IOStatus FaultyFileSystem::CheckWrite() {
  std::lock_guard lock(mu_);
  if (power_cut_) {
    ++refused_;
    return IOStatus::IOError("power cut (injected)");
  }
  if (no_space_) {
    ++refused_;
    return IOStatus::NoSpace("No space left on device (injected)");
  }
  if (io_error_) {
    ++refused_;
    return IOStatus::IOError("Input/output error (injected)");
  }
  return IOStatus::OK();
}

void FaultyFileSystem::Appended(const std::string& fname, uint64_t new_size) {
  std::lock_guard lock(mu_);
  files_[fname].size = new_size;
}

uint64_t FaultyFileSystem::SyncStarting(const std::string& fname) {
  std::lock_guard lock(mu_);
  return files_[fname].size;
}

void FaultyFileSystem::Synced(const std::string& fname, uint64_t upto) {
  // A sync that passed CheckWrite reached the disk even if the power was cut
  // while it ran (its caller may have been told "durable"); it covers what
  // was appended before it started.
  std::lock_guard lock(mu_);
  FileState& f = files_[fname];
  f.synced_size = std::max(f.synced_size, upto);
}

IOStatus FaultyFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  IOStatus s = CheckWrite();
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> base;
  s = target()->NewWritableFile(fname, options, &base, dbg);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    files_[fname] = FileState{};
  }
  *result =
      std::make_unique<FaultyWritableFile>(std::move(base), this, fname, 0);
  return s;
}

IOStatus FaultyFileSystem::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  IOStatus s = CheckWrite();
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> base;
  s = target()->ReopenWritableFile(fname, options, &base, dbg);
  if (!s.ok()) return s;
  uint64_t size = 0;
  {
    std::lock_guard lock(mu_);
    auto it = files_.find(fname);
    if (it != files_.end()) {
      size = it->second.size;
    } else {
      uint64_t on_disk = 0;
      if (target()->GetFileSize(fname, IOOptions(), &on_disk, dbg).ok())
        size = on_disk;
      files_[fname] = FileState{size, size};  // existed before: durable
    }
  }
  *result =
      std::make_unique<FaultyWritableFile>(std::move(base), this, fname, size);
  return s;
}

IOStatus FaultyFileSystem::ReuseWritableFile(
    const std::string& fname, const std::string& old_fname,
    const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  IOStatus s = RenameFile(old_fname, fname, IOOptions(), dbg);
  if (!s.ok()) return s;
  return NewWritableFile(fname, options, result, dbg);
}

IOStatus FaultyFileSystem::RenameFile(const std::string& src,
                                      const std::string& target_name,
                                      const IOOptions& options,
                                      IODebugContext* dbg) {
  IOStatus s = CheckWrite();
  if (!s.ok()) return s;
  s = target()->RenameFile(src, target_name, options, dbg);
  if (!s.ok()) return s;
  std::lock_guard lock(mu_);
  auto it = files_.find(src);
  if (it != files_.end()) {
    files_[target_name] = it->second;
    files_.erase(src);
  } else {
    files_.erase(target_name);
  }
  return s;
}

uint64_t FaultyFileSystem::DropUnsyncedData() {
  std::lock_guard lock(mu_);
  uint64_t dropped = 0;
  for (const auto& [fname, state] : files_) {
    uint64_t on_disk = 0;
    if (!target()->GetFileSize(fname, IOOptions(), &on_disk, nullptr).ok())
      continue;  // deleted since
    if (on_disk > state.synced_size) {
      if (::truncate(fname.c_str(), static_cast<off_t>(state.synced_size)) ==
          0) {
        dropped += on_disk - state.synced_size;
      }
    }
  }
  return dropped;
}

}  // namespace rota::storage
