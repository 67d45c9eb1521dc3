// Durable append throughput of RocksDbEventStore, next to a reference measured
// in the same run: a raw RocksDB WriteBatch of the same bytes, synced.
//
// Each event carries a 300-byte payload (about a serialized teacher) and two
// projection writes (the resource and one index entry), like the service's
// upserts. Every writer thread appends to its own county, so several threads
// show how well concurrent appends share fsyncs (RocksDB group commit).
//
//   build/bench/storage_bench --benchmark_min_time=2
//
// Not part of ctest.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "service/storage/event.h"
#include "service/storage/rocksdb_event_store.h"
#include "service/storage/rocksdb_keys.h"

namespace rota::storage {
namespace {

constexpr size_t kPayloadBytes = 300;

std::string& BenchDir() {
  static std::string dir = [] {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") +
                       "/rota-storage-bench-XXXXXX";
    ROTA_CHECK(mkdtemp(tmpl.data()) != nullptr);
    return tmpl;
  }();
  return dir;
}

std::string Payload(int thread, uint64_t i) {
  std::string p = absl::StrCat("teacher-", thread, "-", i, "|");
  p.resize(kPayloadBytes, 'x');
  return p;
}

// The reference: the same keys and bytes (event records as the store encodes
// them, projections, head record) in one synced WriteBatch, with no hashing,
// encoding, validation or locking. It is what RocksDB alone costs.
struct RawDb {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  ~RawDb() {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
};

// Each benchmark run (name, argument, thread count) gets a fresh database in a
// fresh directory; the previous one is closed first (which waits for its
// flushes and compactions) so that one benchmark's background work does not
// slow down the next. Threads of one run share the database.
struct Databases {
  std::mutex mu;
  std::string key;
  std::unique_ptr<RocksDbEventStore> store;
  std::unique_ptr<RawDb> raw;
};

Databases& Dbs() {
  static Databases dbs;
  return dbs;
}

std::string Switch(Databases& dbs, const std::string& key) {
  dbs.store.reset();
  dbs.raw.reset();
  std::error_code ec;
  std::filesystem::remove_all(BenchDir() + "/db", ec);
  dbs.key = key;
  return BenchDir() + "/db";
}

RocksDbEventStore& Store(const std::string& key, bool pipelined = true) {
  Databases& dbs = Dbs();
  std::lock_guard<std::mutex> lock(dbs.mu);
  if (dbs.key != key || dbs.store == nullptr) {
    RocksDbEventStoreOptions options;
    options.path = Switch(dbs, key);
    options.collect_statistics = true;
    options.pipelined_write = pipelined;
    auto s = RocksDbEventStore::Open(std::move(options));
    ROTA_CHECK(s.ok()) << s.status();
    dbs.store = *std::move(s);
  }
  return *dbs.store;
}

RawDb& Raw(const std::string& key) {
  Databases& dbs = Dbs();
  std::lock_guard<std::mutex> lock(dbs.mu);
  if (dbs.key != key || dbs.raw == nullptr) {
    std::string path = Switch(dbs, key);
    auto r = std::make_unique<RawDb>();
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    options.max_background_jobs = 2;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    rocksdb::ColumnFamilyOptions cf;
    cf.write_buffer_size = 64 << 20;  // as the store's default
    for (const auto& name : rocksdb_keys::ColumnFamilyNames())
      cfs.emplace_back(name, cf);
    rocksdb::Status s =
        rocksdb::DB::Open(options, path, cfs, &r->handles, &r->db);
    ROTA_CHECK(s.ok()) << s.ToString();
    dbs.raw = std::move(r);
  }
  return *dbs.raw;
}

void StoreAppend(benchmark::State& state, bool pipelined) {
  const size_t batch = static_cast<size_t>(state.range(0));
  RocksDbEventStore& store =
      Store(absl::StrCat("store/", batch, "/", state.threads(), "/", pipelined),
            pipelined);
  const std::string county = absl::StrCat("bench-", batch, "-", state.threads(),
                                          "-", state.thread_index());
  uint64_t head = *store.HeadSequence(county);
  RocksDbEventStoreStats before = store.Stats();
  uint64_t events = 0;
  for (auto _ : state) {
    std::vector<EventDraft> drafts;
    std::vector<ProjectionWrite> writes;
    drafts.reserve(batch);
    writes.reserve(2 * batch);
    for (size_t i = 0; i < batch; ++i) {
      std::string id = absl::StrCat(head + i);
      drafts.push_back(
          EventDraft{.actor = "bench",
                     .request_id = "",
                     .type = "rota.v1.Teacher",
                     .payload = Payload(state.thread_index(), head + i)});
      writes.push_back(
          ProjectionWrite::Put("teachers/" + id, drafts.back().payload));
      writes.push_back(ProjectionWrite::Put("idx/school/s1/" + id, ""));
    }
    auto r = store.Append(county, head, std::move(drafts), std::move(writes));
    ROTA_CHECK(r.ok()) << r.status();
    head += batch;
    events += batch;
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events),
                                                  benchmark::Counter::kIsRate);
  if (state.thread_index() == 0) {
    RocksDbEventStoreStats after = store.Stats();
    state.counters["wal_syncs"] =
        static_cast<double>(after.wal_syncs - before.wal_syncs);
    state.counters["shared_commits"] =
        static_cast<double>(after.writes_by_others - before.writes_by_others);
  }
}

// With the default options (pipelined_write on).
void BM_StoreAppend(benchmark::State& state) { StoreAppend(state, true); }
// The same with RocksDbEventStoreOptions::pipelined_write off.
void BM_StoreAppendUnpipelined(benchmark::State& state) {
  StoreAppend(state, false);
}

void BM_RawRocksDbSyncedBatch(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  RawDb& raw = Raw(absl::StrCat("raw/", batch, "/", state.threads()));
  const std::string county = absl::StrCat("raw-", batch, "-", state.threads(),
                                          "-", state.thread_index());
  uint64_t head = 0;
  uint64_t events = 0;
  Event e;
  e.actor = "bench";
  e.type = "rota.v1.Teacher";
  rocksdb::WriteOptions wo;
  wo.sync = true;
  for (auto _ : state) {
    rocksdb::WriteBatch wb;
    for (size_t i = 0; i < batch; ++i) {
      std::string id = absl::StrCat(head + i);
      e.sequence = head + i + 1;
      e.payload = Payload(state.thread_index(), head + i);
      wb.Put(raw.handles[rocksdb_keys::kEventsIndex],
             rocksdb_keys::EventKey(county, e.sequence), EncodeEventRecord(e));
      wb.Put(raw.handles[rocksdb_keys::kProjectionsIndex],
             rocksdb_keys::ProjectionKey(county, "teachers/" + id), e.payload);
      wb.Put(raw.handles[rocksdb_keys::kProjectionsIndex],
             rocksdb_keys::ProjectionKey(county, "idx/school/s1/" + id), "");
    }
    wb.Put(raw.handles[rocksdb_keys::kHeadsIndex],
           rocksdb_keys::HeadKey(county),
           rocksdb_keys::EncodeHead({head + batch, 0, {}}));
    rocksdb::Status s = raw.db->Write(wo, &wb);
    ROTA_CHECK(s.ok()) << s.ToString();
    head += batch;
    events += batch;
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events),
                                                  benchmark::Counter::kIsRate);
}

// The disk's floor: append 4 KiB to a file and fdatasync it. Every durable
// append costs at least one of these (shared by a write group).
void BM_Fdatasync4KiB(benchmark::State& state) {
  const std::string path = BenchDir() + "/fsync-probe";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ROTA_CHECK(fd >= 0);
  const std::string block(4096, 'x');
  for (auto _ : state) {
    ROTA_CHECK(write(fd, block.data(), block.size()) ==
               static_cast<ssize_t>(block.size()));
    ROTA_CHECK(fdatasync(fd) == 0);
  }
  close(fd);
  unlink(path.c_str());
}

// Chain verification speed (an audit walks the whole log): events/s.
void BM_VerifyChain(benchmark::State& state) {
  const uint64_t n = static_cast<uint64_t>(state.range(0));
  RocksDbEventStore& store = Store(absl::StrCat("verify/", n));
  if (*store.HeadSequence("audit") == 0) {
    for (uint64_t head = 0; head < n; head += 1000) {
      std::vector<EventDraft> drafts;
      for (uint64_t i = head; i < head + 1000 && i < n; ++i) {
        drafts.push_back(EventDraft{.actor = "bench",
                                    .request_id = "",
                                    .type = "rota.v1.Teacher",
                                    .payload = Payload(0, i)});
      }
      ROTA_CHECK(store.Append("audit", head, std::move(drafts), {}).ok());
    }
  }
  for (auto _ : state) {
    auto report = store.VerifyChain("audit");
    ROTA_CHECK(report.ok() && report->ok && report->events == n);
  }
  state.counters["events/s"] = benchmark::Counter(
      static_cast<double>(n * state.iterations()), benchmark::Counter::kIsRate);
}

// Store and reference alternate so that both see the same machine state.
BENCHMARK(BM_Fdatasync4KiB)->UseRealTime();
BENCHMARK(BM_RawRocksDbSyncedBatch)->Arg(500)->Threads(1)->UseRealTime();
BENCHMARK(BM_StoreAppend)->Arg(500)->Threads(1)->UseRealTime();
BENCHMARK(BM_RawRocksDbSyncedBatch)->Arg(500)->Threads(4)->UseRealTime();
BENCHMARK(BM_StoreAppend)->Arg(500)->Threads(4)->UseRealTime();
BENCHMARK(BM_StoreAppendUnpipelined)->Arg(500)->Threads(4)->UseRealTime();
BENCHMARK(BM_RawRocksDbSyncedBatch)->Arg(1)->Threads(1)->UseRealTime();
BENCHMARK(BM_StoreAppend)->Arg(1)->Threads(1)->UseRealTime();
BENCHMARK(BM_RawRocksDbSyncedBatch)->Arg(1)->Threads(8)->UseRealTime();
BENCHMARK(BM_StoreAppend)->Arg(1)->Threads(8)->UseRealTime();
BENCHMARK(BM_StoreAppendUnpipelined)->Arg(1)->Threads(8)->UseRealTime();
BENCHMARK(BM_VerifyChain)
    ->Arg(100'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace rota::storage

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  rota::storage::Dbs().store.reset();
  rota::storage::Dbs().raw.reset();
  std::error_code ec;
  std::filesystem::remove_all(rota::storage::BenchDir(), ec);
  return 0;
}
