// Service load driver: durable import and read throughput of the real rotad
// over loopback, each printed next to a reference measured in the same run.
//
//   import  teachers/s through RegistryService.BulkImport (realistic rows,
//           500 per chunk) with 1 and 2 concurrent streams; reference: the
//           same serialized rows written by this process into its own RocksDB
//           as synced WriteBatches of 500 (the floor for "durable").
//   reads   GetTeacher and ListTeachers QPS with N client threads (one channel
//           each, synchronous unary calls); reference: grpc.health.v1 Check
//           against the same server (an empty gRPC call).
//
// Not a test: never registered with ctest. Run bench/run_service_bench.sh.
//
// Usage: service_load_bench [--teachers N] [--seconds S] [--threads 1,2,4,8]
//                           [--rotad PATH]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_fixture.h"

namespace rota::bench {
namespace {

using rota::testing::RotadOptions;
using rota::testing::RotadProcess;
using Clock = std::chrono::steady_clock;

struct Flags {
  int teachers = 100000;  // rows per import measurement
  double seconds = 3.0;   // per read measurement
  std::vector<int> threads = {1, 2, 4, 8};
  std::string rotad;
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "service_load_bench: %s\n", message.c_str());
  std::exit(1);
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + arg);
      return argv[++i];
    };
    if (arg == "--teachers") {
      if (!absl::SimpleAtoi(value(), &flags.teachers) || flags.teachers <= 0)
        Die("bad --teachers");
    } else if (arg == "--seconds") {
      if (!absl::SimpleAtod(value(), &flags.seconds) || flags.seconds <= 0)
        Die("bad --seconds");
    } else if (arg == "--threads") {
      flags.threads.clear();
      for (absl::string_view part : absl::StrSplit(value(), ',')) {
        int n = 0;
        if (!absl::SimpleAtoi(part, &n) || n <= 0) Die("bad --threads");
        flags.threads.push_back(n);
      }
    } else if (arg == "--rotad") {
      flags.rotad = value();
    } else {
      Die("unknown flag " + arg +
          " (see the header of bench/service_load_bench.cc)");
    }
  }
  return flags;
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

constexpr int kSchools = 50;
constexpr size_t kChunkRows = 500;

// `count` realistic teachers of `county`, ids "<prefix>NNNNNNN".
std::vector<rota::v1::Teacher> Teachers(const std::string& county,
                                        const std::string& prefix, int count) {
  std::vector<rota::v1::Teacher> rows;
  rows.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    rows.push_back(
        rota::testing::MakeTeacher(county, absl::StrCat("s", i % kSchools), i));
    char id[32];
    std::snprintf(id, sizeof(id), "%s%07d", prefix.c_str(), i);
    rows.back().set_name(rota::testing::TeacherName(county, id));
  }
  return rows;
}

void SetUpCounty(RotadProcess& rotad, const std::string& county) {
  grpc::Status s = rota::testing::CreateCounty(rotad.registry(), county);
  if (!s.ok()) Die("CreateCounty: " + rota::testing::Describe(s));
  for (int i = 0; i < kSchools; ++i) {
    s = rota::testing::CreateSchool(rotad.registry(), county,
                                    absl::StrCat("s", i),
                                    rota::testing::MakeSchool(i));
    if (!s.ok()) Die("CreateSchool: " + rota::testing::Describe(s));
  }
}

// Imports `streams` sets of `per_stream` rows concurrently (stream k into
// counties[k]) and returns rows/s over the wall time of the slowest stream.
double MeasureImport(RotadProcess& rotad,
                     const std::vector<std::string>& counties,
                     const std::string& prefix, int per_stream) {
  std::vector<std::vector<rota::v1::BulkImportRequest>> chunks;
  size_t bytes = 0;
  for (size_t k = 0; k < counties.size(); ++k) {
    chunks.push_back(rota::testing::TeacherChunks(
        counties[k],
        Teachers(counties[k], absl::StrCat(prefix, k, "-"), per_stream),
        kChunkRows, 1, absl::StrCat(prefix, k)));
    for (const auto& c : chunks.back()) bytes += c.ByteSizeLong();
  }
  std::vector<std::thread> threads;
  std::atomic<int64_t> applied{0};
  const Clock::time_point start = Clock::now();
  for (size_t k = 0; k < counties.size(); ++k) {
    threads.emplace_back([&, k] {
      auto stub = rota::v1::RegistryService::NewStub(rotad.NewChannel());
      rota::v1::BulkImportResponse response;
      grpc::Status s = rota::testing::BulkImport(*stub, chunks[k], &response,
                                                 absl::Minutes(30));
      if (!s.ok()) Die("BulkImport: " + rota::testing::Describe(s));
      if (response.rows_rejected() != 0)
        Die("BulkImport rejected rows: " + response.DebugString());
      applied += response.rows_applied();
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = Seconds(Clock::now() - start);
  std::printf("    %zu stream(s), %lld rows, %.1f MB of requests, %.2f s\n",
              counties.size(), static_cast<long long>(applied.load()),
              bytes / 1e6, elapsed);
  return static_cast<double>(applied.load()) / elapsed;
}

// Writes the serialized rows into a fresh RocksDB as synced batches of 500
// from `writers` threads; returns rows/s.
double MeasureRawRocksDb(const std::string& dir, int rows_per_writer,
                         int writers) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) Die("RocksDB open: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<std::vector<std::pair<std::string, std::string>>> rows(
      static_cast<size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    for (const auto& t :
         Teachers(absl::StrCat("raw", w), "r", rows_per_writer)) {
      rows[static_cast<size_t>(w)].emplace_back(t.name(),
                                                t.SerializeAsString());
    }
  }
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      rocksdb::WriteOptions sync;
      sync.sync = true;
      const auto& mine = rows[static_cast<size_t>(w)];
      for (size_t i = 0; i < mine.size(); i += kChunkRows) {
        rocksdb::WriteBatch batch;
        for (size_t j = i; j < std::min(mine.size(), i + kChunkRows); ++j) {
          batch.Put(mine[j].first, mine[j].second);
        }
        rocksdb::Status ws = db->Write(sync, &batch);
        if (!ws.ok()) Die("RocksDB write: " + ws.ToString());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = Seconds(Clock::now() - start);
  db->Close();
  return static_cast<double>(rows_per_writer) * writers / elapsed;
}

// Runs `call(thread_index, rng)` in a loop on `threads` threads for `seconds`;
// returns calls/s.
template <typename Call>
double MeasureQps(int threads, double seconds, Call call) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> calls{0};
  std::vector<std::thread> workers;
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(1000 + static_cast<uint64_t>(t));
      int64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        call(t, rng);
        ++mine;
      }
      calls += mine;
    });
  }
  std::this_thread::sleep_for(
      std::chrono::duration<double>(seconds));  // the measurement window
  stop = true;
  for (auto& w : workers) w.join();
  return static_cast<double>(calls.load()) / Seconds(Clock::now() - start);
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  RotadOptions options;
  options.binary = flags.rotad;
  options.forward_stderr = false;
  absl::StatusOr<std::unique_ptr<RotadProcess>> started =
      RotadProcess::Start(options);
  if (!started.ok()) Die(started.status().ToString());
  RotadProcess& rotad = **started;
  std::printf("rotad at %s, data in %s\n", rotad.address().c_str(),
              rotad.data_dir().c_str());
  {
    const auto sample = Teachers("yongan", "t", 1000);
    size_t bytes = 0;
    for (const auto& t : sample) bytes += t.ByteSizeLong();
    std::printf("teacher rows: %zu bytes serialized on average\n",
                bytes / sample.size());
  }

  // ---- import ----
  std::printf("\nDurable import (BulkImport, %zu rows per chunk, synced):\n",
              kChunkRows);
  SetUpCounty(rotad, "imp1");
  SetUpCounty(rotad, "imp2a");
  SetUpCounty(rotad, "imp2b");
  SetUpCounty(rotad, "imp2s");
  const double one = MeasureImport(rotad, {"imp1"}, "a", flags.teachers);
  const double two =
      MeasureImport(rotad, {"imp2a", "imp2b"}, "b", flags.teachers / 2);
  const double two_same =
      MeasureImport(rotad, {"imp2s", "imp2s"}, "c", flags.teachers / 2);
  const std::string raw_dir = rotad.data_dir() + "-rawref";
  const double raw1 = MeasureRawRocksDb(raw_dir + "1", flags.teachers, 1);
  const double raw2 = MeasureRawRocksDb(raw_dir + "2", flags.teachers / 2, 2);
  std::filesystem::remove_all(raw_dir + "1");
  std::filesystem::remove_all(raw_dir + "2");
  std::printf("  %-44s %12s\n", "", "teachers/s");
  std::printf("  %-44s %12.0f\n", "rotad BulkImport, 1 stream", one);
  std::printf("  %-44s %12.0f\n", "rotad BulkImport, 2 streams (2 counties)",
              two);
  std::printf("  %-44s %12.0f\n", "rotad BulkImport, 2 streams (same county)",
              two_same);
  std::printf("  %-44s %12.0f\n",
              "reference: raw RocksDB synced batch, 1 writer", raw1);
  std::printf("  %-44s %12.0f\n",
              "reference: raw RocksDB synced batch, 2 writers", raw2);
  std::printf("  goal >= 50000 durable teachers/s: %s (1 stream)\n",
              one >= 50000 ? "met" : "NOT met");

  // ---- reads ----
  const int population = flags.teachers;
  std::printf(
      "\nReads over loopback (%d teachers in county imp1, %.1f s per cell):\n",
      population, flags.seconds);
  std::printf("  %8s %14s %14s %14s %14s\n", "threads", "health QPS", "Get QPS",
              "List QPS", "List rows/s");
  for (int threads : flags.threads) {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int t = 0; t < threads; ++t) channels.push_back(rotad.NewChannel());
    std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health;
    std::vector<std::unique_ptr<rota::v1::RegistryService::Stub>> registry;
    for (auto& c : channels) {
      health.push_back(grpc::health::v1::Health::NewStub(c));
      registry.push_back(rota::v1::RegistryService::NewStub(c));
    }
    const double health_qps =
        MeasureQps(threads, flags.seconds, [&](int t, std::mt19937_64&) {
          grpc::ClientContext ctx;
          grpc::health::v1::HealthCheckRequest req;
          grpc::health::v1::HealthCheckResponse resp;
          grpc::Status s =
              health[static_cast<size_t>(t)]->Check(&ctx, req, &resp);
          if (!s.ok()) Die("health Check: " + rota::testing::Describe(s));
        });
    const double get_qps =
        MeasureQps(threads, flags.seconds, [&](int t, std::mt19937_64& rng) {
          grpc::ClientContext ctx;
          rota::v1::GetTeacherRequest req;
          char id[32];
          std::snprintf(id, sizeof(id), "a0-%07d",
                        static_cast<int>(rng() % population));
          req.set_name(rota::testing::TeacherName("imp1", id));
          rota::v1::Teacher resp;
          grpc::Status s =
              registry[static_cast<size_t>(t)]->GetTeacher(&ctx, req, &resp);
          if (!s.ok()) Die("GetTeacher: " + rota::testing::Describe(s));
        });
    std::atomic<int64_t> listed_rows{0};
    const double list_qps =
        MeasureQps(threads, flags.seconds, [&](int t, std::mt19937_64& rng) {
          grpc::ClientContext ctx;
          rota::v1::ListTeachersRequest req;
          req.set_parent(rota::testing::CountyName("imp1"));
          req.set_page_size(50);
          req.set_filter(absl::StrCat("school = \"s", rng() % kSchools, "\""));
          rota::v1::ListTeachersResponse resp;
          grpc::Status s =
              registry[static_cast<size_t>(t)]->ListTeachers(&ctx, req, &resp);
          if (!s.ok()) Die("ListTeachers: " + rota::testing::Describe(s));
          listed_rows += resp.teachers_size();
        });
    std::printf("  %8d %14.0f %14.0f %14.0f %14.0f\n", threads, health_qps,
                get_qps, list_qps,
                static_cast<double>(listed_rows.load()) / flags.seconds);
  }
  std::printf("  (List: page_size 50 with filter school = \"sN\", N random)\n");

  absl::Status stopped = rotad.Stop();
  if (!stopped.ok()) Die("rotad Stop: " + stopped.ToString());
  return 0;
}

}  // namespace
}  // namespace rota::bench

int main(int argc, char** argv) { return rota::bench::Main(argc, argv); }
