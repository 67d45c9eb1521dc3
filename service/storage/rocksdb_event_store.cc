#include "service/storage/rocksdb_event_store.h"

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <exception>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/cancellation.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "service/storage/event.h"

namespace rota::storage {
namespace {

namespace keys = rocksdb_keys;

// The one place where rocksdb::Status becomes absl::Status.
absl::Status FromRocksDb(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(context, ": ", s.ToString());
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    case rocksdb::Status::kNotSupported:
      return absl::UnimplementedError(message);
    case rocksdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(message);
    case rocksdb::Status::kIOError:
      if (s.subcode() == rocksdb::Status::kNoSpace) {
        return absl::ResourceExhaustedError(message);
      }
      return absl::UnavailableError(message);
    case rocksdb::Status::kAborted:
      return absl::AbortedError(message);
    case rocksdb::Status::kTimedOut:
      return absl::DeadlineExceededError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kIncomplete:
    case rocksdb::Status::kShutdownInProgress:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status ValidateCounty(const std::string& county) {
  if (county.empty())
    return absl::InvalidArgumentError("county must not be empty");
  if (county.size() > keys::kMaxCountyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("county is ", county.size(), " bytes; at most ",
                     keys::kMaxCountyBytes, " are allowed"));
  }
  if (county.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("county must not contain a NUL byte");
  }
  return absl::OkStatus();
}

absl::Status ValidateProjectionKey(const std::string& key) {
  if (key.empty())
    return absl::InvalidArgumentError("projection key must not be empty");
  return absl::OkStatus();
}

int64_t SystemNowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The smallest key greater than every key starting with `prefix`, or empty if
// there is none (prefix is all 0xFF).
std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xFF)
    prefix.pop_back();
  if (!prefix.empty())
    prefix.back() = static_cast<char>(static_cast<uint8_t>(prefix.back()) + 1);
  return prefix;
}

bool StartsWith(const rocksdb::Slice& s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::string_view(s.data(), prefix.size()) == prefix;
}

// Reads the head record of `county` (head 0 if absent) at `snapshot` (may be
// null).
absl::StatusOr<keys::Head> ReadHead(rocksdb::DB* db,
                                    rocksdb::ColumnFamilyHandle* heads,
                                    const rocksdb::Snapshot* snapshot,
                                    const std::string& county) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::string value;
  rocksdb::Status s = db->Get(ro, heads, keys::HeadKey(county), &value);
  if (s.IsNotFound()) return keys::Head{};
  ROTA_RETURN_IF_ERROR(FromRocksDb(s, "read head"));
  std::optional<keys::Head> head = keys::DecodeHead(value);
  if (!head) {
    return absl::DataLossError(
        absl::StrCat("head record of county \"", county, "\" is malformed"));
  }
  return *head;
}

std::string ShortHex(const Sha256Digest& d) { return ToHex(d).substr(0, 16); }

// RocksDB's informational log on stderr, one line per message. Writing to
// stderr cannot fail for lack of space in the data directory (RocksDB's own
// file logger asserts when its write fails).
class StderrLogger final : public rocksdb::Logger {
 public:
  StderrLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    std::vsnprintf(line, sizeof(line), format, ap);
    std::fprintf(stderr, "rocksdb: %s\n", line);
  }
};

class RocksDbSnapshot final : public Snapshot {
 public:
  RocksDbSnapshot(std::shared_ptr<void> owner, rocksdb::DB* db,
                  rocksdb::ColumnFamilyHandle* projections,
                  const rocksdb::Snapshot* snapshot, std::string county_prefix,
                  uint64_t head_sequence)
      : owner_(std::move(owner)),
        db_(db),
        projections_(projections),
        snapshot_(snapshot),
        county_prefix_(std::move(county_prefix)),
        head_sequence_(head_sequence) {}
  ~RocksDbSnapshot() override { db_->ReleaseSnapshot(snapshot_); }

  uint64_t head_sequence() const override { return head_sequence_; }

  absl::StatusOr<std::optional<std::string>> Get(
      const std::string& key) const override {
    ROTA_RETURN_IF_ERROR(ValidateProjectionKey(key));
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    std::string value;
    rocksdb::Status s =
        db_->Get(ro, projections_, county_prefix_ + key, &value);
    if (s.IsNotFound()) return std::nullopt;
    ROTA_RETURN_IF_ERROR(FromRocksDb(s, "read projection"));
    return value;
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Scan(
      const std::string& prefix, const std::string& start_after,
      size_t limit) const override {
    std::vector<std::pair<std::string, std::string>> out;
    if (limit == 0) return out;
    const std::string full_prefix = county_prefix_ + prefix;
    const std::string upper = PrefixSuccessor(full_prefix);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, projections_));
    it->Seek(county_prefix_ + std::max(prefix, start_after));
    for (; it->Valid() && out.size() < limit; it->Next()) {
      rocksdb::Slice k = it->key();
      if (!StartsWith(k, full_prefix)) break;
      std::string key(k.data() + county_prefix_.size(),
                      k.size() - county_prefix_.size());
      if (!start_after.empty() && key <= start_after) continue;
      out.emplace_back(std::move(key), it->value().ToString());
    }
    ROTA_RETURN_IF_ERROR(FromRocksDb(it->status(), "scan projections"));
    return out;
  }

 private:
  std::shared_ptr<void> owner_;  // keeps db_ open; destroyed last
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* projections_;
  const rocksdb::Snapshot* snapshot_;
  std::string county_prefix_;
  uint64_t head_sequence_;
};

}  // namespace

struct RocksDbEventStore::DbOwner {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::unique_ptr<rocksdb::Env> env;  // over options.file_system, if any
  ~DbOwner() {
    if (db == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      db->DestroyColumnFamilyHandle(h);
    }
    rocksdb::Status s = db->Close();
    (void)s;  // Nothing to do on failure: every acknowledged write is synced.
    delete db;
  }
};

absl::StatusOr<std::unique_ptr<RocksDbEventStore>> RocksDbEventStore::Open(
    RocksDbEventStoreOptions options) {
  if (options.path.empty())
    return absl::InvalidArgumentError("path must not be empty");
  if (!options.now_micros) options.now_micros = SystemNowMicros;

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = options.max_background_jobs;
  // A crash must never leave a WAL that RocksDB refuses to replay: drop only a
  // torn tail record (never acknowledged, since its sync did not complete).
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.enable_pipelined_write = options.pipelined_write;
  if (options.collect_statistics)
    db_options.statistics = rocksdb::CreateDBStatistics();
  if (options.info_log_to_stderr) {
    db_options.info_log = std::make_shared<StderrLogger>();
  } else {
    // RocksDB's LOG file in the directory, bounded.
    db_options.max_log_file_size = 8 << 20;
    db_options.keep_log_file_num = 4;
  }
  std::unique_ptr<rocksdb::Env> env;
  if (options.file_system != nullptr) {
    env = rocksdb::NewCompositeEnv(options.file_system);
    db_options.env = env.get();
  }

  // Four shards of 16 MB, not RocksDB's default 64 of 1 MB: a table file's
  // filter block (hundreds of KB once a file holds a county's teachers) did
  // not stay in a 1 MB shard, so every point read of a large store read its
  // file's whole filter again and verified it. Re-importing a county of
  // 100,000 teachers into a store of 20 such counties ran at 700 teachers/s
  // with the default, 46,000 with this (docs/perf-import.md).
  std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(options.block_cache_bytes, /*num_shard_bits=*/2);

  auto make_cf_options = [&](bool bloom) {
    rocksdb::ColumnFamilyOptions cf;
    cf.write_buffer_size = options.write_buffer_bytes;
    // Keeps space amplification near 1.1 whatever the data size.
    cf.level_compaction_dynamic_level_bytes = true;
    // Flushes write L0 uncompressed: an import flushes its memtables while it
    // runs, and on two cores compressing them competed with the import (the
    // next compaction compresses the data anyway).
    cf.compression_per_level = {rocksdb::kNoCompression,
                                rocksdb::kSnappyCompression};
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    // Block checksums in XXH3, not CRC32C: Debian's RocksDB is built without
    // SSE 4.2, so CRC32C is computed a byte at a time, and every flush,
    // compaction and block read checksums all it touches.
    table.checksum = rocksdb::kXXH3;
    if (bloom) {
      table.filter_policy.reset(
          rocksdb::NewBloomFilterPolicy(options.projection_bloom_bits_per_key));
      table.whole_key_filtering = true;
      // Memtables get a Bloom filter too: an import asks for every new
      // teacher's key ("is this an update?"), absent, which otherwise walks
      // the skip list.
      cf.memtable_prefix_bloom_size_ratio = 0.02;
      cf.memtable_whole_key_filtering = true;
      // Filters and index blocks compete for the cache instead of growing
      // without bound with the data.
      table.cache_index_and_filter_blocks = true;
      table.pin_l0_filter_and_index_blocks_in_cache = true;
    }
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return cf;
  };

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : keys::ColumnFamilyNames()) {
    // Events are read by range scans only, so they need no Bloom filter.
    bool bloom = name == keys::kProjectionsColumnFamily ||
                 name == keys::kHeadsColumnFamily;
    descriptors.emplace_back(name, make_cf_options(bloom));
  }

  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s;
  try {
    s = options.read_only
            ? rocksdb::DB::OpenForReadOnly(db_options, options.path,
                                           descriptors, &handles, &db)
            : rocksdb::DB::Open(db_options, options.path, descriptors, &handles,
                                &db);
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("open RocksDB at ", options.path, ": ", e.what()));
  }
  ROTA_RETURN_IF_ERROR(
      FromRocksDb(s, absl::StrCat("open RocksDB at ", options.path)));
  auto owner = std::make_shared<DbOwner>();
  owner->db = db;
  owner->handles = std::move(handles);
  owner->env = std::move(env);
  std::unique_ptr<RocksDbEventStore> store(new RocksDbEventStore(
      std::move(options), db_options.statistics, std::move(owner)));

  // Layout version: written once into a new directory, checked afterwards.
  std::string format;
  s = db->Get(rocksdb::ReadOptions(), store->handles_[keys::kDefaultIndex],
              keys::kFormatKey, &format);
  if (s.IsNotFound() && store->options_.read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("store at ", store->options_.path,
                     " has no layout version and cannot be created read-only"));
  }
  if (s.IsNotFound()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    ROTA_RETURN_IF_ERROR(
        FromRocksDb(db->Put(wo, store->handles_[keys::kDefaultIndex],
                            keys::kFormatKey, keys::kFormatVersion),
                    "write layout version"));
  } else {
    ROTA_RETURN_IF_ERROR(FromRocksDb(s, "read layout version"));
    if (format != keys::kFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "store at ", store->options_.path, " has layout version \"", format,
          "\"; this build reads version ", keys::kFormatVersion));
    }
  }

  ROTA_RETURN_IF_ERROR(store->LoadHeads());
  return store;
}

absl::Status RocksDbEventStore::LoadHeads() {
  std::vector<std::string> counties;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handles_[keys::kHeadsIndex]));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      counties.push_back(it->key().ToString());
    ROTA_RETURN_IF_ERROR(FromRocksDb(it->status(), "recover heads"));
  }
  for (const std::string& county : counties) {
    CountyState* state = GetOrCreateCounty(county);
    // Waits for an append in flight, then reads the head it left.
    std::lock_guard append_lock(state->append_mu);
    absl::StatusOr<keys::Head> head =
        ReadHead(db_, handles_[keys::kHeadsIndex], nullptr, county);
    if (!head.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("recover the head of county \"", county,
                       "\": ", head.status().message()));
    }
    std::lock_guard head_lock(state->head_mu);
    state->head = *head;
  }
  return absl::OkStatus();
}

absl::Status RocksDbEventStore::Resume() {
  if (options_.read_only) {
    return absl::FailedPreconditionError("the store is open read-only");
  }
  ROTA_RETURN_IF_ERROR(FromRocksDb(db_->Resume(), "resume writes"));
  return LoadHeads();
}

RocksDbEventStore::RocksDbEventStore(
    RocksDbEventStoreOptions options,
    std::shared_ptr<rocksdb::Statistics> statistics,
    std::shared_ptr<DbOwner> owner)
    : options_(std::move(options)),
      statistics_(std::move(statistics)),
      owner_(std::move(owner)),
      db_(owner_->db),
      handles_(owner_->handles) {
  ROTA_CHECK(handles_.size() == keys::ColumnFamilyNames().size());
}

RocksDbEventStore::~RocksDbEventStore() = default;

RocksDbEventStoreStats RocksDbEventStore::Stats() const {
  RocksDbEventStoreStats stats;
  if (statistics_ == nullptr) return stats;
  stats.wal_syncs = statistics_->getTickerCount(rocksdb::WAL_FILE_SYNCED);
  stats.writes_led = statistics_->getTickerCount(rocksdb::WRITE_DONE_BY_SELF);
  stats.writes_by_others =
      statistics_->getTickerCount(rocksdb::WRITE_DONE_BY_OTHER);
  return stats;
}

RocksDbEventStore::CountyState* RocksDbEventStore::GetOrCreateCounty(
    const std::string& county) const {
  {
    std::shared_lock lock(counties_mu_);
    auto it = counties_.find(county);
    if (it != counties_.end()) return it->second.get();
  }
  std::unique_lock lock(counties_mu_);
  auto& slot = counties_[county];
  if (!slot) slot = std::make_unique<CountyState>();
  return slot.get();
}

absl::StatusOr<std::vector<Event>> RocksDbEventStore::Append(
    const std::string& county, uint64_t expected_sequence,
    std::vector<EventDraft> drafts, std::vector<ProjectionWrite> writes) {
  ROTA_RETURN_IF_ERROR(ValidateCounty(county));
  if (options_.read_only) {
    return absl::UnavailableError(absl::StrCat(
        "append to county \"", county, "\": the store is open read-only"));
  }
  if (drafts.empty())
    return absl::InvalidArgumentError("append needs at least one event");
  for (const EventDraft& d : drafts) {
    for (const std::string* field :
         {&d.actor, &d.request_id, &d.type, &d.payload}) {
      // The canonical encoding has u32 lengths.
      if (field->size() > kMaxEventFieldBytes) {
        return absl::InvalidArgumentError("an event field exceeds 4 GiB");
      }
    }
  }
  for (const ProjectionWrite& w : writes)
    ROTA_RETURN_IF_ERROR(ValidateProjectionKey(w.key));

  CountyState* state = GetOrCreateCounty(county);
  std::lock_guard append_lock(state->append_mu);
  keys::Head head;
  {
    std::lock_guard head_lock(state->head_mu);
    head = state->head;
  }
  if (head.sequence != expected_sequence) {
    return absl::AbortedError(
        absl::StrCat("county \"", county, "\" is at sequence ", head.sequence,
                     ", not the expected ", expected_sequence));
  }

  const int64_t now = std::max(options_.now_micros(), head.time_micros);
  // Sized up front: a batch of thousands of rows grown by doubling would
  // copy (and fault in) its megabytes several times over.
  size_t reserve = 64;
  for (const EventDraft& d : drafts) {
    reserve += 128 + county.size() + d.actor.size() + d.request_id.size() +
               d.type.size() + d.payload.size();
  }
  for (const ProjectionWrite& w : writes) {
    reserve +=
        32 + county.size() + w.key.size() + (w.value ? w.value->size() : 0);
  }
  rocksdb::WriteBatch batch(reserve);
  std::vector<Event> events;
  events.reserve(drafts.size());
  keys::Head new_head = head;
  new_head.time_micros = now;
  for (EventDraft& draft : drafts) {
    Event e;
    e.sequence = ++new_head.sequence;
    e.time_micros = now;
    e.actor = std::move(draft.actor);
    e.request_id = std::move(draft.request_id);
    e.type = std::move(draft.type);
    e.payload = std::move(draft.payload);
    e.previous_hash = new_head.hash;
    // The record is the canonical encoding followed by its hash
    // (EncodeEventRecord), hashed and put piece by piece: the payload is
    // copied once, into the batch.
    const CanonicalEventPieces pieces = CanonicalPiecesOf(e);
    Sha256Hasher hasher;
    hasher.Update(pieces.head);
    hasher.Update(pieces.payload);
    hasher.Update(pieces.previous_hash);
    e.hash = hasher.Finish();
    new_head.hash = e.hash;
    const std::string key = keys::EventKey(county, e.sequence);
    const rocksdb::Slice key_slice(key);
    const rocksdb::Slice record[] = {
        pieces.head,
        rocksdb::Slice(pieces.payload.data(), pieces.payload.size()),
        rocksdb::Slice(pieces.previous_hash.data(),
                       pieces.previous_hash.size()),
        rocksdb::Slice(reinterpret_cast<const char*>(e.hash.data()),
                       e.hash.size())};
    ROTA_RETURN_IF_ERROR(
        FromRocksDb(batch.Put(handles_[keys::kEventsIndex],
                              rocksdb::SliceParts(&key_slice, 1),
                              rocksdb::SliceParts(record, 4)),
                    "build batch"));
    events.push_back(std::move(e));
  }
  for (const ProjectionWrite& w : writes) {
    std::string key = keys::ProjectionKey(county, w.key);
    rocksdb::Status s =
        w.value ? batch.Put(handles_[keys::kProjectionsIndex], key, *w.value)
                : batch.Delete(handles_[keys::kProjectionsIndex], key);
    ROTA_RETURN_IF_ERROR(FromRocksDb(s, "build batch"));
  }
  ROTA_RETURN_IF_ERROR(
      FromRocksDb(batch.Put(handles_[keys::kHeadsIndex], keys::HeadKey(county),
                            keys::EncodeHead(new_head)),
                  "build batch"));

  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) {
    // The batch may or may not have reached the log; re-read the head so the
    // cache matches what is stored (if the database can still be read).
    absl::StatusOr<keys::Head> stored =
        ReadHead(db_, handles_[keys::kHeadsIndex], nullptr, county);
    if (stored.ok()) {
      std::lock_guard head_lock(state->head_mu);
      state->head = *stored;
    }
    return FromRocksDb(s, absl::StrCat("append to county \"", county, "\""));
  }
  {
    std::lock_guard head_lock(state->head_mu);
    state->head = new_head;
  }
  return events;
}

absl::StatusOr<std::vector<Event>> RocksDbEventStore::ReadRange(
    const std::string& county, uint64_t from, size_t limit) const {
  ROTA_RETURN_IF_ERROR(ValidateCounty(county));
  std::vector<Event> out;
  if (limit == 0) return out;
  from = std::max<uint64_t>(from, 1);
  const std::string prefix = keys::CountyPrefix(county);
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ro, handles_[keys::kEventsIndex]));
  uint64_t expected = from;
  for (it->Seek(keys::EventKey(county, from));
       it->Valid() && out.size() < limit; it->Next(), ++expected) {
    std::optional<uint64_t> seq = keys::ParseEventKey(
        county, std::string_view(it->key().data(), it->key().size()));
    if (!seq) {
      return absl::DataLossError(
          absl::StrCat("malformed event key in county \"", county,
                       "\" after sequence ", expected - 1));
    }
    if (*seq != expected) {
      return absl::DataLossError(absl::StrCat(
          "event ", expected, " of county \"", county, "\" is missing"));
    }
    absl::StatusOr<Event> e = DecodeEventRecord(
        std::string_view(it->value().data(), it->value().size()));
    if (!e.ok()) {
      return absl::DataLossError(absl::StrCat("event ", expected,
                                              " of county \"", county,
                                              "\": ", e.status().message()));
    }
    if (e->sequence != expected) {
      return absl::DataLossError(
          absl::StrCat("event stored as sequence ", expected, " of county \"",
                       county, "\" says it is sequence ", e->sequence));
    }
    out.push_back(*std::move(e));
  }
  ROTA_RETURN_IF_ERROR(FromRocksDb(it->status(), "read events"));
  return out;
}

absl::StatusOr<uint64_t> RocksDbEventStore::HeadSequence(
    const std::string& county) const {
  ROTA_RETURN_IF_ERROR(ValidateCounty(county));
  CountyState* state = nullptr;
  {
    std::shared_lock lock(counties_mu_);
    auto it = counties_.find(county);
    if (it == counties_.end()) return 0;
    state = it->second.get();
  }
  std::lock_guard head_lock(state->head_mu);
  return state->head.sequence;
}

absl::StatusOr<std::optional<std::string>> RocksDbEventStore::ReadProjection(
    const std::string& county, const std::string& key) const {
  ROTA_RETURN_IF_ERROR(ValidateCounty(county));
  ROTA_RETURN_IF_ERROR(ValidateProjectionKey(key));
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handles_[keys::kProjectionsIndex],
               keys::ProjectionKey(county, key), &value);
  if (s.IsNotFound()) return std::nullopt;
  ROTA_RETURN_IF_ERROR(FromRocksDb(s, "read projection"));
  return value;
}

absl::StatusOr<std::unique_ptr<Snapshot>> RocksDbEventStore::GetSnapshot(
    const std::string& county) const {
  ROTA_RETURN_IF_ERROR(ValidateCounty(county));
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  // The head is read at the snapshot, so it matches the projections exactly.
  absl::StatusOr<keys::Head> head =
      ReadHead(db_, handles_[keys::kHeadsIndex], snapshot, county);
  if (!head.ok()) {
    db_->ReleaseSnapshot(snapshot);
    return head.status();
  }
  return std::make_unique<RocksDbSnapshot>(
      owner_, db_, handles_[keys::kProjectionsIndex], snapshot,
      keys::CountyPrefix(county), head->sequence);
}

absl::StatusOr<std::vector<std::string>> RocksDbEventStore::ListCounties()
    const {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[keys::kHeadsIndex]));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    out.push_back(it->key().ToString());
  ROTA_RETURN_IF_ERROR(FromRocksDb(it->status(), "list counties"));
  return out;
}

absl::StatusOr<ChainReport> RocksDbEventStore::VerifyChain(
    const std::string& county) const {
  ROTA_RETURN_IF_ERROR(ValidateCounty(county));
  rocksdb::ManagedSnapshot snapshot(db_);
  ROTA_ASSIGN_OR_RETURN(
      keys::Head head,
      ReadHead(db_, handles_[keys::kHeadsIndex], snapshot.snapshot(), county));

  ChainReport report;
  auto broken = [&](uint64_t sequence, std::string problem) {
    report.ok = false;
    report.first_broken_sequence = sequence;
    report.problem = std::move(problem);
    return report;
  };

  const std::string prefix = keys::CountyPrefix(county);
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.snapshot();
  ro.iterate_upper_bound = &upper_slice;
  // A full walk should not evict the hot projection blocks.
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ro, handles_[keys::kEventsIndex]));

  Sha256Digest previous_hash{};
  int64_t previous_time = std::numeric_limits<int64_t>::min();
  uint64_t expected = 1;
  for (it->Seek(prefix); it->Valid(); it->Next(), ++expected) {
    if (expected % 1024 == 0) {
      ROTA_RETURN_IF_ERROR(CheckNotCancelled("a chain verification"));
    }
    std::optional<uint64_t> seq = keys::ParseEventKey(
        county, std::string_view(it->key().data(), it->key().size()));
    if (!seq) {
      return broken(expected,
                    absl::StrCat("a malformed key is stored where event ",
                                 expected, " should be"));
    }
    if (*seq != expected) {
      return broken(
          expected,
          absl::StrCat("event ", expected,
                       " is missing (the next stored event is ", *seq, ")"));
    }
    if (head.sequence < expected) {
      return broken(
          expected,
          absl::StrCat("event ", expected,
                       " is stored beyond the county's recorded head ",
                       head.sequence));
    }
    absl::StatusOr<Event> e = DecodeEventRecord(
        std::string_view(it->value().data(), it->value().size()));
    if (!e.ok()) {
      return broken(expected,
                    absl::StrCat("event ", expected,
                                 " cannot be decoded: ", e.status().message()));
    }
    if (e->sequence != expected) {
      return broken(expected,
                    absl::StrCat("event stored as sequence ", expected,
                                 " says it is sequence ", e->sequence));
    }
    if (e->previous_hash != previous_hash) {
      return broken(
          expected,
          expected == 1
              ? std::string("event 1's previous_hash is not all zeros")
              : absl::StrCat(
                    "event ", expected,
                    "'s previous_hash does not match the hash of event ",
                    expected - 1));
    }
    Sha256Digest computed = ComputeEventHash(*e);
    if (computed != e->hash) {
      return broken(
          expected,
          absl::StrCat("event ", expected, "'s contents do not match its hash ",
                       "(stored ", ShortHex(e->hash), "..., computed ",
                       ShortHex(computed), "...): the event was altered"));
    }
    if (e->time_micros < previous_time) {
      return broken(expected, absl::StrCat("event ", expected,
                                           "'s time is earlier than event ",
                                           expected - 1, "'s"));
    }
    previous_hash = e->hash;
    previous_time = e->time_micros;
    report.events = expected;
  }
  ROTA_RETURN_IF_ERROR(FromRocksDb(it->status(), "walk events"));

  if (head.sequence > report.events) {
    return broken(report.events + 1,
                  absl::StrCat("event ", report.events + 1,
                               " is missing: the log ends at ", report.events,
                               " but the county's head is ", head.sequence));
  }
  if (head.hash != previous_hash) {
    return broken(head.sequence,
                  absl::StrCat("the county's head record does not match the "
                               "hash of its last event ",
                               head.sequence));
  }
  report.head_hash = previous_hash;
  return report;
}

}  // namespace rota::storage
