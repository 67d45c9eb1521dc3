#include "service/storage/recovering_event_store.h"

#include <sys/statvfs.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace rota::storage {
namespace {

// A write error caused by the disk (no space, I/O), as opposed to a refusal
// of the request (ABORTED, INVALID_ARGUMENT, ...).
bool IsStorageFault(const absl::Status& s) {
  return s.code() == absl::StatusCode::kResourceExhausted ||
         s.code() == absl::StatusCode::kUnavailable;
}

// Another process holds the directory: never fall back to read-only then.
bool IsLocked(const absl::Status& s) {
  return absl::StrContains(s.message(), "lock file") ||
         absl::StrContains(s.message(), "LOCK");
}

absl::StatusOr<uint64_t> StatvfsFreeBytes(const std::string& path) {
  struct statvfs st;
  if (statvfs(path.c_str(), &st) != 0) {
    return absl::UnavailableError(absl::StrCat("statvfs ", path, " failed"));
  }
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace

RecoveringEventStore::RecoveringEventStore(RecoveringEventStoreOptions options)
    : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<RecoveringEventStore>>
RecoveringEventStore::Open(RecoveringEventStoreOptions options) {
  std::unique_ptr<RecoveringEventStore> store(
      new RecoveringEventStore(std::move(options)));
  RocksDbEventStoreOptions rw = store->options_.store;
  rw.read_only = false;
  absl::StatusOr<std::unique_ptr<RocksDbEventStore>> opened =
      RocksDbEventStore::Open(rw);
  if (!opened.ok()) {
    if (!IsStorageFault(opened.status()) || IsLocked(opened.status()))
      return opened.status();
    RocksDbEventStoreOptions ro = store->options_.store;
    ro.read_only = true;
    absl::StatusOr<std::unique_ptr<RocksDbEventStore>> read_only =
        RocksDbEventStore::Open(ro);
    if (!read_only.ok()) return opened.status();
    store->write_error_ = opened.status();
    opened = std::move(read_only);
  }
  store->store_ = std::move(*opened);
  store->recovery_thread_ =
      std::thread([s = store.get()] { s->RecoveryLoop(); });
  return store;
}

RecoveringEventStore::~RecoveringEventStore() {
  {
    std::lock_guard lock(state_mu_);
    stopping_ = true;
  }
  state_cv_.notify_all();
  if (recovery_thread_.joinable()) recovery_thread_.join();
}

bool RecoveringEventStore::writable() const {
  std::lock_guard lock(state_mu_);
  return write_error_.ok();
}

absl::Status RecoveringEventStore::write_error() const {
  std::lock_guard lock(state_mu_);
  return write_error_;
}

bool RecoveringEventStore::WaitWritable(absl::Duration timeout) const {
  std::unique_lock lock(state_mu_);
  return state_cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                            [this] { return write_error_.ok(); });
}

absl::StatusOr<std::shared_ptr<RocksDbEventStore>>
RecoveringEventStore::Current() const {
  std::shared_lock lock(store_mu_);
  if (store_ == nullptr) {
    return absl::UnavailableError(
        "the database is being reopened after a storage error; retry shortly");
  }
  return store_;
}

void RecoveringEventStore::NoteWriteError(const absl::Status& status) {
  std::lock_guard lock(state_mu_);
  if (write_error_.ok()) write_error_ = status;
}

absl::Status RecoveringEventStore::Refusal(const std::string& county) const {
  absl::Status cause = write_error();
  bool full = cause.code() == absl::StatusCode::kResourceExhausted;
  std::string message = absl::StrCat(
      "append to county \"", county, "\": rotad cannot write now (",
      cause.message(), "); reads still work, and writes resume by themselves ",
      full ? "once space is freed on the data disk"
           : "once the storage works again");
  return full ? absl::ResourceExhaustedError(message)
              : absl::UnavailableError(message);
}

absl::Status RecoveringEventStore::Reopen() {
  std::shared_ptr<RocksDbEventStore> old;
  {
    std::unique_lock lock(store_mu_);
    old = std::move(store_);
  }
  // Calls in flight hold the old store; they finish quickly (reads, or
  // appends that fail at once).
  for (int i = 0; old != nullptr && old.use_count() > 1 && i < 100000; ++i)
    std::this_thread::yield();
  old.reset();  // closes RocksDB once its last snapshot is gone

  RocksDbEventStoreOptions rw = options_.store;
  rw.read_only = false;
  absl::StatusOr<std::unique_ptr<RocksDbEventStore>> opened =
      RocksDbEventStore::Open(rw);
  absl::Status result = opened.status();
  if (!opened.ok()) {
    RocksDbEventStoreOptions ro = options_.store;
    ro.read_only = true;
    opened = RocksDbEventStore::Open(ro);
  }
  if (opened.ok()) {
    std::unique_lock lock(store_mu_);
    store_ = std::move(*opened);
  }
  return result;
}

absl::Status RecoveringEventStore::TryRecover() {
  std::lock_guard recover_lock(recover_mu_);
  absl::Status cause = write_error();
  if (cause.ok()) return absl::OkStatus();
  if (cause.code() == absl::StatusCode::kResourceExhausted) {
    absl::StatusOr<uint64_t> free = options_.free_bytes
                                        ? options_.free_bytes()
                                        : StatvfsFreeBytes(options_.store.path);
    if (free.ok() && *free < options_.min_free_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("only ", *free, " bytes free at ", options_.store.path,
                       "; waiting for ", options_.min_free_bytes));
    }
  }
  absl::Status s;
  absl::StatusOr<std::shared_ptr<RocksDbEventStore>> current = Current();
  if (current.ok() && !(*current)->read_only()) {
    s = (*current)->Resume();
  } else {
    s = absl::FailedPreconditionError("read-only");
  }
  current = absl::UnavailableError("released");
  if (!s.ok()) s = Reopen();
  if (!s.ok()) {
    std::lock_guard lock(state_mu_);
    // Keep the first cause's code (no space vs I/O), with the latest words.
    if (IsStorageFault(s)) write_error_ = s;
    return s;
  }
  {
    std::lock_guard lock(state_mu_);
    write_error_ = absl::OkStatus();
  }
  state_cv_.notify_all();
  return absl::OkStatus();
}

void RecoveringEventStore::RecoveryLoop() {
  std::unique_lock lock(state_mu_);
  while (!stopping_) {
    state_cv_.wait_for(lock,
                       absl::ToChronoMilliseconds(options_.retry_interval),
                       [this] { return stopping_; });
    if (stopping_ || write_error_.ok()) continue;
    lock.unlock();
    absl::Status s = TryRecover();
    (void)s;  // retried after the next interval
    lock.lock();
  }
}

absl::StatusOr<std::vector<Event>> RecoveringEventStore::Append(
    const std::string& county, uint64_t expected_sequence,
    std::vector<EventDraft> drafts, std::vector<ProjectionWrite> writes) {
  if (!writable()) return Refusal(county);
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<RocksDbEventStore> store, Current());
  absl::StatusOr<std::vector<Event>> events = store->Append(
      county, expected_sequence, std::move(drafts), std::move(writes));
  if (!events.ok() && IsStorageFault(events.status())) {
    NoteWriteError(events.status());
    return Refusal(county);
  }
  return events;
}

absl::StatusOr<std::vector<Event>> RecoveringEventStore::ReadRange(
    const std::string& county, uint64_t from, size_t limit) const {
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<RocksDbEventStore> store, Current());
  return store->ReadRange(county, from, limit);
}

absl::StatusOr<uint64_t> RecoveringEventStore::HeadSequence(
    const std::string& county) const {
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<RocksDbEventStore> store, Current());
  return store->HeadSequence(county);
}

absl::StatusOr<std::optional<std::string>> RecoveringEventStore::ReadProjection(
    const std::string& county, const std::string& key) const {
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<RocksDbEventStore> store, Current());
  return store->ReadProjection(county, key);
}

absl::StatusOr<std::unique_ptr<Snapshot>> RecoveringEventStore::GetSnapshot(
    const std::string& county) const {
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<RocksDbEventStore> store, Current());
  return store->GetSnapshot(county);
}

absl::StatusOr<std::vector<std::string>> RecoveringEventStore::ListCounties()
    const {
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<RocksDbEventStore> store, Current());
  return store->ListCounties();
}

absl::StatusOr<ChainReport> RecoveringEventStore::VerifyChain(
    const std::string& county) const {
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<RocksDbEventStore> store, Current());
  return store->VerifyChain(county);
}

}  // namespace rota::storage
